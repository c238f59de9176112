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


def rows_of(df: pd.DataFrame, cols) -> tuple[tuple, ...]:
    return tuple(tuple(_value(v) for v in row) for row in df[list(cols)].itertuples(index=False, name=None))
