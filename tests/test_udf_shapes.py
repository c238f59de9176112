"""Argument shapes of worksheet functions: a cell, a column, a row (as xlwings hands them over
with ndim=2, as COM tuples, as numpy arrays or as plain lists), broadcasting, blank rows."""
from __future__ import annotations

import numpy as np
import pytest

from addin.excel.udf_shapes import CELL, COLUMN, ROW, Shape, UdfInputError, shape_of, single


def test_single_values_and_one_cell_ranges_are_a_cell():
    for args in ({"a": 1.0, "b": None}, {"a": [[1.0]], "b": "x"}, {"a": ((1.0,),)}, {"a": np.float64(2)}):
        shape = shape_of(args)
        assert shape == Shape(1, CELL, (False,))
        assert shape.out(["v"]) == "v"
    assert shape_of({"a": [[3.0]]}).cells([[3.0]]) == [3.0]


def test_columns_rows_and_broadcast():
    shape = shape_of({"km": ((1.0,), (2.0,), (None,)), "rate": 1.5, "cat": "电视"})
    assert (shape.n, shape.layout, shape.blank) == (3, COLUMN, (False, False, True))
    assert shape.cells(1.5) == [1.5, 1.5, 1.5] and shape.cells([[7]]) == [7, 7, 7]
    assert shape.cells(np.array([["电视"]] * 3)) == ["电视"] * 3
    assert shape.out([10, 20, 30]) == [[10], [20], [None]]          # the blank row stays empty
    assert shape_of({"km": np.array([[1.0], [2.0], [3.0]]), "cat": np.array([["电视"]] * 3)}).blank == (
        False, False, False)                                          # an array argument counts
    row = shape_of({"km": [[1.0, 2.0]]})
    assert row.layout == ROW and row.out(["a", "b"]) == [["a", "b"]]
    assert shape_of({"km": [1.0, 2.0], "t": [[1], [2]]}).layout == COLUMN
    assert shape_of({"a": [[None], [" "]], "b": [["x"], [""]]}).blank == (False, True)


def test_bad_shapes_are_messages():
    with pytest.raises(UdfInputError, match="只能选一列或一行,不能是 2 行 × 2 列的区域"):
        shape_of({"a": [[1, 2], [3, 4]]})
    with pytest.raises(UdfInputError, match=r"各列的行数不一致\(a 3 行,b 2 行\)"):
        shape_of({"a": [[1], [2], [3]], "b": [1, 2]})
    with pytest.raises(UdfInputError, match="免费半径只能填一个数"):
        single([[20], [30]], "免费半径")
    assert single([[20]], "免费半径") == 20 and single(None, "x") is None
