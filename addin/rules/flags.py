"""Turning a rule's mask into Issues fast: the message filled per column, not per row.

A rule says "these rows, this field, this code, this message" (checks.Context.flag). The
message is either a str.format template over the row's fields (plus {_row}) or a callable
given a mapping of the row's fields. Templates are filled column by column: each field the
template names is turned into display text once for the flagged rows (`shown`), then the
literal parts and the columns are joined. Callables get a light row view whose fields are
converted only when the callable asks for them. Only the Issue values themselves are made
one per flagged row (two small objects each).
"""
from __future__ import annotations

import string
from collections.abc import Mapping

import numpy as np
import pandas as pd

from addin.book.issues import CellRef, Issue

_FORMATTER = string.Formatter()


def show(v):
    """One value as a message shows it: a date (with its time when it has one), a whole
    number without '.0', '' for empty; anything else as it is."""
    if isinstance(v, pd.Timestamp):
        return v.strftime("%Y-%m-%d %H:%M") if (v.hour or v.minute) else v.strftime("%Y-%m-%d")
    if isinstance(v, float) and not np.isnan(v) and v.is_integer():
        return int(v)
    return "" if v is None or (isinstance(v, float) and np.isnan(v)) else v


def shown(column: pd.Series) -> list:
    """`show` of every value of a column, done per column kind (the values format like
    str.format would format show's result)."""
    if pd.api.types.is_datetime64_any_dtype(column.dtype):
        has_time = (column.dt.hour.fillna(0) != 0) | (column.dt.minute.fillna(0) != 0)
        text = column.dt.strftime("%Y-%m-%d").where(~has_time, column.dt.strftime("%Y-%m-%d %H:%M"))
        return text.fillna("").tolist()
    return [show(v) for v in column.tolist()]


def _plan(template: str):
    """(literal, field) pairs of a template, or None when it uses format specs or conversions
    (then it is filled row by row, exactly as str.format does)."""
    parts = list(_FORMATTER.parse(template))
    if any(spec or conv for _, name, spec, conv in parts if name is not None):
        return None
    if any(name is not None and not name.isidentifier() for _, name, _, _ in parts):
        return None
    return [(literal, name) for literal, name, _, _ in parts]


class _Row(Mapping):
    """The fields of one flagged row, converted by `show` when asked for (for callables)."""

    __slots__ = ("_cols", "_i", "_row")

    def __init__(self, cols: "_Columns", i: int, row: int):
        self._cols, self._i, self._row = cols, i, row

    def __getitem__(self, key):
        if key == "_row":
            return self._row
        return self._cols.get(key)[self._i]

    def __iter__(self):
        return iter([*self._cols.frame.columns, "_row"])

    def __len__(self):
        return len(self._cols.frame.columns) + 1


class _Columns:
    """The flagged rows' fields as display values, each column converted on first use."""

    def __init__(self, frame: pd.DataFrame, mask: np.ndarray | None = None):
        self.frame, self._mask, self._done = frame, mask, {}

    def get(self, field: str) -> list:
        if field not in self._done:
            column = self.frame[field]
            self._done[field] = shown(column if self._mask is None else column[self._mask])
        return self._done[field]


def messages(frame: pd.DataFrame, rows: list[int], message, mask: np.ndarray | None = None) -> list[str]:
    """The message of every flagged row (`frame` holds only those rows, or `mask` picks them:
    then only the columns a message names are cut)."""
    cols = _Columns(frame, mask)
    if callable(message):
        return [message(_Row(cols, i, row)) for i, row in enumerate(rows)]
    plan = _plan(message)
    if plan is None:
        return [message.format_map(_Row(cols, i, row)) for i, row in enumerate(rows)]
    out = [""] * len(rows)
    for literal, name in plan:
        if literal:
            out = [text + literal for text in out]
        if name is not None:
            values = rows if name == "_row" else cols.get(name)
            out = [f"{text}{v}" for text, v in zip(out, values)]
    return out


def issues(frame: pd.DataFrame, mask, sheet: str, col: int, header: str, code: str, severity: str,
           message) -> list[Issue]:
    """Issues at column `col` of every row where mask is True, with their messages."""
    mask = pd.Series(mask, index=frame.index).fillna(False).astype(bool).to_numpy()
    if not mask.any():
        return []
    rows = [int(r) for r in frame.index[mask]]
    texts = messages(frame, rows, message, mask)
    return [Issue(CellRef(sheet, row, col), header, code, severity, text) for row, text in zip(rows, texts)]
