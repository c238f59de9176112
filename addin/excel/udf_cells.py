"""Cell values of worksheet-function arguments → an orders frame for the engine, row by row.

Excel hands over dates as datetime, Excel serial numbers or text, numbers as floats or text
("480元", "1,200"), text with stray spaces. `orders(n, fields)` parses each field's n values
(a field given once holds for every order) into the dtypes of records.py and returns, per
order, the message of its first bad value, so one bad row gives its own "无法计算:…" and
the others are computed. Numbers (距离, 配件费用, 工时费) are read before dates, as the
single-cell functions always did. Each distinct value is parsed once per column.
`decimal` reads an argument that holds one number for the whole call (a rate).
This module does not import xlwings.
"""
from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation

import pandas as pd

from addin.book.columns import BY_FIELD, DATE, DATETIME
from addin.excel.udf_shapes import UdfInputError, single

EXCEL_EPOCH = datetime(1899, 12, 30)
MONEY_FIELDS = ("distance_km", "parts_fee", "labour_fee")    # parsed first, as numbers


def timestamp(value, label: str):
    """A cell value → Timestamp (NaT when empty): datetime, date, Excel serial or text."""
    if value is None or value == "":
        return pd.NaT
    if isinstance(value, (datetime, date)):
        return pd.Timestamp(value)
    try:
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return pd.Timestamp(EXCEL_EPOCH + timedelta(days=float(value))).round("s")
        stamp = pd.to_datetime(str(value).strip().replace("/", "-").replace(".", "-"), errors="coerce")
    except (OverflowError, ValueError):
        stamp = pd.NaT
    if pd.isna(stamp):
        raise UdfInputError(f"{label}“{value}”不是有效的日期")
    return stamp


def number(value, label: str) -> float:
    if value is None or value == "":
        return float("nan")
    try:
        return float(Decimal(str(value).replace(",", "").replace("元", "").replace("¥", "").strip()))
    except InvalidOperation:
        raise UdfInputError(f"{label}“{value}”不是数字") from None


def decimal(value, default: Decimal, label: str) -> Decimal:
    """An optional number argument for the whole call; empty → the workbook's value."""
    value = single(value, label)
    if value is None or value == "":
        return default
    amount = number(value, label)
    if amount != amount or amount < 0:
        raise UdfInputError(f"{label}“{value}”不能是负数")
    return Decimal(str(value).replace(",", "").replace("元", "").replace("¥", "").strip())


def text(value):
    if value is None or isinstance(value, str):
        return (value or "").strip() or None
    if isinstance(value, float) and value.is_integer():
        return str(int(value))                   # 5.0 from a cell → "5"
    return str(value)


def _parser(name: str):
    """field → (cell value → engine value, dtype); raises UdfInputError for a bad value."""
    column = BY_FIELD[name]
    if name in MONEY_FIELDS:
        return (lambda v: number(v, column.header)), "float64"
    if column.kind in (DATE, DATETIME):
        def stamp(v):
            got = timestamp(v, column.header)
            return got.normalize() if column.kind == DATE and pd.notna(got) else got
        return stamp, "datetime64[ns]"
    return text, object


def _parsed(name: str, values: list, errors: list) -> list:
    """The column's values for the engine; a row's first bad value goes to errors[row]."""
    parse, out, memo = _parser(name)[0], [], {}
    for row, value in enumerate(values):
        key = (type(value), value)
        if key not in memo:
            try:
                memo[key] = (parse(value), None)
            except (UdfInputError, InvalidOperation, ValueError) as exc:
                memo[key] = (None, str(exc))
        got, error = memo[key]
        out.append(got)
        errors[row] = errors[row] or error
    return out


def orders(n: int, fields: dict) -> tuple[pd.DataFrame, list]:
    """n orders with the documented dtypes (a field given once holds for every order), and
    per order the message of its first bad value (None when fine). Numbers are read first."""
    index, errors, data = pd.RangeIndex(2, n + 2), [None] * n, {}
    rank = {f: i for i, f in enumerate(MONEY_FIELDS)}
    for name in sorted(fields, key=lambda f: rank.get(f, len(rank))):
        values = fields[name] if isinstance(fields[name], list) else [fields[name]] * n
        data[name] = pd.Series(_parsed(name, values, errors), index=index, dtype=_parser(name)[1])
    return pd.DataFrame({name: data[name] for name in fields}, index=index), errors
