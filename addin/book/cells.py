"""One cell of an xlsxwriter sheet: its value written with its own type (text always as text),
and the width of a text in column units. Shared by the template writer (addin.book.template)
and the report's workbooks (addin.report.xlsxout).
"""
from __future__ import annotations

from datetime import date, datetime
from functools import lru_cache
from numbers import Number


def write_value(ws, row: int, col: int, value, kind: str, fmt) -> None:
    """One cell with its own type: strings stay strings whatever they start with (a comment
    '=好评' never becomes a formula), bools become 是/否, Decimal a number. `kind` is the
    column's kind, for the format chosen by the caller."""
    if value is None:
        ws.write_blank(row, col, None, fmt)
    elif isinstance(value, str):
        ws.write_string(row, col, value, fmt)
    elif isinstance(value, bool):
        ws.write_string(row, col, "是" if value else "否", fmt)
    elif isinstance(value, (datetime, date)):
        ws.write_datetime(row, col, value, fmt)
    elif isinstance(value, Number):
        ws.write_number(row, col, float(value), fmt)
    else:
        ws.write_string(row, col, str(value), fmt)


@lru_cache(maxsize=1 << 16)
def text_units(text: str) -> int:
    """Width of a text in column-width units: a CJK character (or full-width sign) is 2."""
    return sum(2 if ord(ch) >= 0x2E80 else 1 for ch in text)
