"""Worksheet functions as plain functions (xw.func is a no-op on Linux): same answers as the
engine, Excel's value forms (dates, serial numbers, text), messages instead of errors."""
from __future__ import annotations

import inspect
import re
from datetime import datetime
from pathlib import Path

import pytest

import addin.udfs as udfs
from addin.udfs import (SVC_CUSTOMER_TOTAL, SVC_FACTORY_CLAIM, SVC_LATE, SVC_NIGHT_SURCHARGE,
                        SVC_ONSITE_HOURS, SVC_PROMISE_HOURS, SVC_TRAVEL_FEE, SVC_WARRANTY,
                        SVC_WARRANTY_RULE, SVC_WARRANTY_UNTIL)

PUBLIC = [name for name in dir(udfs) if name.startswith("SVC_")]


def test_every_function_is_ascii_named_and_documented_in_chinese():
    assert {"SVC_WARRANTY", "SVC_TRAVEL_FEE", "SVC_NIGHT_SURCHARGE", "SVC_CUSTOMER_TOTAL",
            "SVC_ONSITE_HOURS"} <= set(PUBLIC)
    for name in PUBLIC:
        fn = getattr(udfs, name)
        assert name.isascii() and re.search(r"[\u4e00-\u9fff]", fn.__doc__ or ""), name
        assert list(inspect.signature(fn).parameters)      # the wizard sees the real arguments


def test_only_free_xlwings_is_used():
    source = Path(udfs.__file__).read_text(encoding="utf-8")
    assert "import xlwings as xw" in source and "xlwings.pro" not in source and "from xlwings import pro" not in source


@pytest.mark.parametrize("reported, expected", [
    (datetime(2026, 3, 1, 18, 0), "保内(整机保修)"),        # the last day is inside
    (datetime(2026, 3, 2, 8, 0), "保外"),
    (datetime(2025, 3, 8, 8, 0), "保内(退货期)"),
    ("2025/3/16", "保内(换货期)"),
    (46082.75, "保内(整机保修)"),                           # Excel serial of 2026-03-01 18:00
])
def test_warranty(reported, expected):
    assert SVC_WARRANTY("电视", datetime(2025, 3, 1), None, reported) == expected


def test_warranty__no_invoice_main_part_rule_and_until():
    assert SVC_WARRANTY("电视", None, datetime(2025, 1, 1), datetime(2026, 3, 2)) == "保内(整机保修)"
    assert SVC_WARRANTY("电视", "", "2025-01-01", "2026-03-03") == "保外"
    assert SVC_WARRANTY("电视", "2025-03-01", None, "2027-06-01", "遥控器、液晶屏") == "保内(主要部件保修)"
    assert SVC_WARRANTY_RULE("电视", "2025-03-01", None, "2025-10-05", "液晶屏") == (
        "发票日期2025-03-01起整机保修1年,至2026-03-01;更换主要部件液晶屏,主要部件保修3年,至2028-03-01")
    assert SVC_WARRANTY_UNTIL("电视", "2025-03-01", None, "2025-10-05") == datetime(2026, 3, 1)


def test_warranty__bad_input_is_a_message_not_an_error():
    assert SVC_WARRANTY("电视", "去年", None, "2025-10-05") == "无法计算:购买日期“去年”不是有效的日期"
    assert SVC_WARRANTY("油烟机", "2025-03-01", None, "2025-10-05").startswith("无法计算:产品类型“油烟机”")
    assert SVC_WARRANTY("电视", None, None, "2025-10-05") == "无法计算:缺少购买日期和出厂日期,无法判定三包"


@pytest.mark.parametrize("km, fee", [(30, 0.0), (30.005, 0.01), (42.5, 12.5), ("45公里", None), ("", 0.0)])
def test_travel_fee(km, fee):
    got = SVC_TRAVEL_FEE(km)
    assert got == fee if fee is not None else got.startswith("无法计算")


def test_travel_fee__dealers_numbers():
    assert SVC_TRAVEL_FEE(42, 20, 1.5) == 33.0


@pytest.mark.parametrize("arrived, left, fee", [
    (datetime(2025, 10, 5, 21, 0), None, 40.0),
    (datetime(2025, 10, 5, 8, 0), datetime(2025, 10, 5, 9, 0), 0.0),
    (datetime(2025, 10, 5, 23, 0), datetime(2025, 10, 6, 1, 0), 40.0),
    (datetime(2025, 10, 5, 20, 0), datetime(2025, 10, 5, 21, 0), 0.0),
])
def test_night_surcharge(arrived, left, fee):
    assert SVC_NIGHT_SURCHARGE(80, arrived, left) == fee


def test_night_surcharge__rate_argument_and_half_up():
    assert SVC_NIGHT_SURCHARGE(80, datetime(2025, 10, 5, 22, 0), None, 1) == 80.0
    assert SVC_NIGHT_SURCHARGE(0.01, datetime(2025, 10, 5, 22, 0)) == 0.01


def test_customer_total():
    night = datetime(2025, 10, 5, 21, 30)
    assert SVC_CUSTOMER_TOTAL(False, 100, 80, 42, night, None) == 232.0
    assert SVC_CUSTOMER_TOTAL("否", 100, 80, 30) == 180.0
    assert SVC_CUSTOMER_TOTAL("保内(整机保修)", 100, 80, 42, night) == 0.0
    assert SVC_CUSTOMER_TOTAL(False, 100, 80, 42, night, None, "否") == 0.0


def test_factory_claim_and_promises():
    assert SVC_FACTORY_CLAIM("电视", "维修", 45, 300) == 395.0
    assert SVC_ONSITE_HOURS(datetime(2025, 1, 1, 9), datetime(2025, 1, 1, 13, 30)) == 4.5
    assert SVC_ONSITE_HOURS(datetime(2025, 1, 1, 9), None) is None
    assert (SVC_PROMISE_HOURS("省会"), SVC_PROMISE_HOURS("乡镇"), SVC_PROMISE_HOURS("")) == (4.0, 24.0, 12.0)
    assert SVC_LATE(datetime(2025, 1, 1, 9), datetime(2025, 1, 1, 13, 0), "省会") == "否"
    assert SVC_LATE(datetime(2025, 1, 1, 9), datetime(2025, 1, 1, 13, 1), "省会") == "是"
