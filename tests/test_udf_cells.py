"""Cell values of worksheet-function arguments → the engine's orders frame: dtypes, Excel's
value forms, one message per bad row (numbers read first), single values for every row."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pandas as pd
import pytest

from addin.excel.udf_cells import decimal, orders, text, timestamp
from addin.excel.udf_shapes import UdfInputError


def test_orders__dtypes_and_value_forms():
    frame, errors = orders(3, {
        "purchase_date": [datetime(2025, 3, 1, 17, 5), "2025/3/2", 45717.0],   # DATE: normalised
        "reported_at": [46082.75, date(2026, 3, 1), ""],
        "distance_km": ["1,200", "42.5", None], "parts_fee": ["480元", 0, "¥35.5"],
        "category": " 电视 ", "customer_agreed": [5.0, None, "  "]})
    assert errors == [None, None, None]
    assert frame["purchase_date"].dtype == "datetime64[ns]" and frame["distance_km"].dtype == "float64"
    assert list(frame["purchase_date"]) == [pd.Timestamp(2025, 3, 1), pd.Timestamp(2025, 3, 2),
                                           pd.Timestamp(2025, 3, 1)]
    assert frame["reported_at"].iloc[0] == pd.Timestamp(2026, 3, 1, 18) and pd.isna(frame["reported_at"].iloc[2])
    assert frame["distance_km"].iloc[0] == 1200 and frame["parts_fee"].tolist() == [480, 0, 35.5]
    assert frame["category"].tolist() == ["电视"] * 3 and frame["customer_agreed"].tolist() == ["5", None, None]
    assert list(frame.index) == [2, 3, 4]


def test_orders__each_row_gets_its_first_bad_value():
    frame, errors = orders(4, {"reported_at": ["昨天", "昨天", datetime(2025, 1, 1), 1e12],
                               "labour_fee": ["八十", 80, 80, 80]})
    assert errors == ["工时费“八十”不是数字", "报修时间“昨天”不是有效的日期", None,
                      "报修时间“1000000000000.0”不是有效的日期"]          # numbers first; no overflow error
    assert pd.isna(frame["reported_at"].iloc[0]) and frame["labour_fee"].iloc[2] == 80


def test_decimal_and_text():
    assert decimal("", Decimal(30), "免费半径") == 30 and decimal("20", Decimal(30), "x") == 20
    assert decimal([[1.5]], Decimal(1), "每公里收费") == Decimal("1.5")
    with pytest.raises(UdfInputError, match="免费半径“-5”不能是负数"):
        decimal(-5, Decimal(30), "免费半径")
    assert (text(None), text(" 维修 "), text(3.0), text(2.5), text(True)) == (None, "维修", "3", "2.5", "True")
    assert pd.isna(timestamp(None, "报修时间"))
