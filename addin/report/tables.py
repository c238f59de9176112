"""The plain-data table every report writer formats: title, headers, a kind per column, rows.

Kinds: text, int, num, money, pct, datetime, date. `rows_of(df, cols)` turns frame columns into
rows of python values (NaT/NaN/NA → None). summary and kpis build Tables; statbook, packbook,
xlsxout and the charts only format them.
"""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd


@dataclass(frozen=True)
class Table:
    key: str
    title: str
    headers: tuple[str, ...]
    kinds: tuple[str, ...]
    rows: tuple[tuple, ...]
    note: str = ""


def _value(v):
    """pandas scalars → python values (NaT/NaN/NA → None)."""
    if v is None or (not isinstance(v, (str, bytes)) and pd.isna(v)):
        return None
    if isinstance(v, pd.Timestamp):
        return v.to_pydatetime()
    if hasattr(v, "item"):
        return v.item()
    return v


def column_values(col: pd.Series) -> list:
    """`_value` of every value of a column, converted per column kind (a report month's
    7-28 table is ~120,000 cells)."""
    missing = col.isna().to_numpy()
    if pd.api.types.is_datetime64_any_dtype(col.dtype):
        values = list(col.dt.to_pydatetime()) if len(col) else []
    elif col.dtype.kind in "biuf":
        values = col.tolist()
    else:
        return [v if v.__class__ is str else _value(v) for v in col.tolist()]
    return [None if m else v for v, m in zip(values, missing)] if missing.any() else values


def rows_of(df: pd.DataFrame, cols) -> tuple[tuple, ...]:
    """The rows of these columns as tuples of plain Python values (None when empty)."""
    return tuple(zip(*(column_values(df[c]) for c in cols))) if len(df) else ()
