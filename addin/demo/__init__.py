"""The built-in demo world: a county dealer's year of service orders with planted mistakes.

Owns: catalog (the invented county, customers, products, faults), data (the year of orders) and
mistakes (the clerks' mistakes planted in them, and odd-but-valid typing that must pass).
May import addin.book. Used by `aftersales demo` and the tests.
"""
