"""The shape of a worksheet function's arguments and result: one cell, or a whole column (or row).

In Excel a UDF argument that refers to several cells arrives as a list. addin.excel.udfs asks
xlwings for `ndim=2` on every per-order argument, so a single cell arrives as [[v]], a
column U2:U1000 as [[v2], [v3], …] and a row as [[a, b, c]]; a plain Python call may pass a
bare value or a flat list. `shape_of` turns the per-order arguments of one call into a
`Shape`: how many orders, whether the answer is one value, a column or a row, and which
rows are blank (every array argument empty there: the unused tail of A2:A1000). Scalars
broadcast to every row (one rate, one category for the whole column).
`Shape.cells(arg)` gives an argument's n values, `Shape.out(values)` the result Excel
expects: the bare value for a cell, a list of one-value rows for a column (it spills in
Excel with dynamic arrays, or fills a Ctrl+Shift+Enter range in older versions), one row
for a row. `single` keeps arguments that hold one number for the whole call (a rate) to one.
This module does not import xlwings.
"""
from __future__ import annotations

from dataclasses import dataclass

CELL, COLUMN, ROW = "cell", "column", "row"


class UdfInputError(ValueError):
    """An argument the function cannot use; its message (Chinese) goes into the cell."""


def _is_array(value) -> bool:
    return isinstance(value, (list, tuple)) or getattr(value, "ndim", 0) > 0   # numpy/pandas too


def _listed(value) -> list:
    return value.tolist() if hasattr(value, "tolist") else list(value)


def _flat(value) -> tuple[list, str] | None:
    """An argument as (values, layout), or None for a single value (also a one-cell range)."""
    if not _is_array(value):
        return None
    rows = _listed(value)
    if not rows or not _is_array(rows[0]):
        return rows, COLUMN
    rows = [_listed(r) for r in rows]
    width = max(len(r) for r in rows)
    if len(rows) == 1 and width == 1:
        return None
    if width == 1:
        return [r[0] if r else None for r in rows], COLUMN
    if len(rows) == 1:
        return rows[0], ROW
    raise UdfInputError(f"只能选一列或一行,不能是 {len(rows)} 行 × {width} 列的区域")


def _one(value):
    """The value of a single cell, also when it arrives as [[v]]."""
    while _is_array(value) and len(_listed(value)) == 1:
        value = _listed(value)[0]
    return value


def is_blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


@dataclass(frozen=True)
class Shape:
    n: int
    layout: str                # CELL, COLUMN or ROW
    blank: tuple[bool, ...]    # per row: every array argument is empty there

    def cells(self, value) -> list:
        """The argument's n values (a scalar repeated)."""
        flat = _flat(value)
        return list(flat[0]) if flat is not None else [_one(value)] * self.n

    def out(self, values: list):
        """The result in the layout of the arguments; blank rows stay empty (None → "" in Excel)."""
        values = [None if b else v for v, b in zip(values, self.blank)]
        if self.layout == CELL:
            return values[0]
        return [values] if self.layout == ROW else [[v] for v in values]


def shape_of(args: dict) -> Shape:
    """The shape of one call from its per-order arguments (name → value); raises
    UdfInputError when array arguments differ in length."""
    arrays = {name: f for name, f in ((k, _flat(v)) for k, v in args.items()) if f is not None}
    if not arrays:
        return Shape(1, CELL, (False,))
    lengths = {name: len(values) for name, (values, _) in arrays.items()}
    if len(set(lengths.values())) > 1:
        said = ",".join(f"{name} {count} 行" for name, count in lengths.items())
        raise UdfInputError(f"各列的行数不一致({said}),请选同样多的行")
    n = next(iter(lengths.values()))
    layout = ROW if all(lay == ROW for _, lay in arrays.values()) else COLUMN
    blank = tuple(all(is_blank(values[i]) for values, _ in arrays.values()) for i in range(n))
    return Shape(n, layout, blank)


def single(value, label: str):
    """An argument that holds one value for the whole call (a rate): a range of several cells
    is refused rather than silently reduced to its first cell."""
    flat = _flat(value)
    if flat is not None:
        raise UdfInputError(f"{label}只能填一个数,不能是一列或一行")
    return _one(value)
