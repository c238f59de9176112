"""aftersales: the after-sales service add-in for Excel (core, workbook I/O, Excel glue, CLI)."""
__version__ = "0.1.0"
