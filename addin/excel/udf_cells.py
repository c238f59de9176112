"""Cell values of worksheet-function arguments → an orders frame for the engine.

Excel hands over dates as datetime, Excel serial numbers or text, numbers as floats or text
("480元", "1,200", "35公里"), text with stray spaces. `orders(n, fields)` reads each field's n
values (a field given once holds for every order) with the order sheet's own reader
(addin.book.values, whole columns at once) into the dtypes of records.py and returns, per
order, the message of its first bad value, so one bad row gives its own "无法计算:…" and
the others are computed. Numbers (距离, 配件费用, 工时费) are read before dates, as the
single-cell functions always did.
`decimal` reads an argument that holds one number for the whole call (a rate).
This module does not import xlwings.
"""
from __future__ import annotations

from decimal import Decimal

import numpy as np
import pandas as pd

from addin.book import values as V
from addin.book.columns import BY_FIELD, DATE, DATETIME
from addin.excel.udf_shapes import UdfInputError, single

MONEY_FIELDS = ("distance_km", "parts_fee", "labour_fee")    # parsed first, as numbers


def timestamp(value, label: str):
    """A cell value → Timestamp (NaT when empty): datetime, date, Excel serial or any text form
    the order sheet accepts (values.read_date: 2025-03-01, 2025/3/1, 2025年3月1日, 20250301)."""
    try:
        return V.read_date(value)
    except ValueError:
        raise UdfInputError(f"{label}“{value}”不是有效的日期") from None


def number(value, label: str, units: str = "money") -> float:
    if value is None or value == "":
        return float("nan")
    try:
        return float(V.read_decimal(value, units))
    except ValueError:
        raise UdfInputError(f"{label}“{value}”不是数字") from None


def decimal(value, default: Decimal, label: str) -> Decimal:
    """An optional number argument for the whole call; empty → the workbook's value."""
    value = single(value, label)
    if value is None or value == "":
        return default
    try:
        amount = V.read_decimal(value, "any")
    except ValueError:
        raise UdfInputError(f"{label}“{value}”不是数字") from None
    if amount < 0:
        raise UdfInputError(f"{label}“{value}”不能是负数")
    return amount


def text(value):
    if value is None or isinstance(value, str):
        return (value or "").strip() or None
    if isinstance(value, float) and value.is_integer():
        return str(int(value))                   # 5.0 from a cell → "5"
    return str(value)


def _parsed(name: str, values: list, errors: list) -> pd.Series:
    """The column's values for the engine, read in bulk by addin.book.values (the order
    sheet's reader); a row's first bad value goes to errors[row]."""
    column = BY_FIELD[name]
    if name not in MONEY_FIELDS and column.kind not in (DATE, DATETIME):
        return pd.Series([text(v) for v in values], dtype=object)
    cells = pd.Series([V.cell_text(v) for v in values], dtype=object)
    if name in MONEY_FIELDS:
        out, bad = V.numbers(cells, "distance" if name == "distance_km" else "money")
        why = "不是数字"
    else:
        out, tod, bad = V.datetimes(cells)
        bad = bad | (tod.notna() & out.isna()).to_numpy()       # a time alone is no date
        out = out.dt.normalize() if column.kind == DATE else out
        why = "不是有效的日期"
    for row in np.flatnonzero(bad):
        errors[row] = errors[row] or f"{column.header}“{values[row]}”{why}"
    return out.where(~bad)


def orders(n: int, fields: dict) -> tuple[pd.DataFrame, list]:
    """n orders with the documented dtypes (a field given once holds for every order), and
    per order the message of its first bad value (None when fine). Numbers are read first."""
    index, errors, data = pd.RangeIndex(2, n + 2), [None] * n, {}
    rank = {f: i for i, f in enumerate(MONEY_FIELDS)}
    for name in sorted(fields, key=lambda f: rank.get(f, len(rank))):
        values = fields[name] if isinstance(fields[name], list) else [fields[name]] * n
        got = _parsed(name, values, errors)
        data[name] = pd.Series(got.to_numpy(), index=index, dtype=got.dtype)
    return pd.DataFrame({name: data[name] for name in fields}, index=index), errors
