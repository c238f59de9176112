"""Worksheet functions as plain functions (xw.func is a no-op on Linux): same answers as the
engine, Excel's value forms (dates, serial numbers, text), messages instead of errors; with a
calling cell (a recording stand-in for xlwings' `caller`), the numbers of its workbook."""
from __future__ import annotations

import importlib.util
import inspect
import random
import re
import sys
import types
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest
import xlwings

import addin.excel.udf_policy as udf_policy
import addin.excel.udfs as udfs
from addin.rules.fees import compute_frame
from addin.book.policy import (PARAMS_HEADERS, PARAMS_SHEET, PROMISE_HEADERS, PROMISE_SHEET, RATES_HEADERS,
                          RATES_SHEET, WARRANTY_HEADERS, WARRANTY_SHEET, Policy, params_rows, promise_rows,
                          rates_rows, warranty_rows)
from addin.excel.udfs import (SVC_CUSTOMER_TOTAL, SVC_EXCHANGE, SVC_FACTORY_CLAIM, SVC_LATE, SVC_MAIN_PART_UNTIL,
                        SVC_NIGHT_SURCHARGE, SVC_ONSITE_HOURS, SVC_PROMISE_HOURS, SVC_REPAIRS, SVC_TRAVEL_FEE,
                        SVC_WARRANTY, SVC_WARRANTY_RULE, SVC_WARRANTY_UNTIL, SVC_WHOLE_UNIT_UNTIL)
from tests.fake_excel import Book

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


@pytest.mark.parametrize("km, fee", [(30, 0.0), (30.005, 0.01), (42.5, 12.5), ("45公里", 15.0), ("45元", None),
                                     ("", 0.0)])
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
    assert SVC_FACTORY_CLAIM("电视", "维修", 45, 300, "是") == 395.0          # 80 + 15 km × 1 + 300
    assert SVC_FACTORY_CLAIM("电视", "维修", 45, 300, "保内(整机保修)") == 395.0
    assert SVC_FACTORY_CLAIM("电视", "维修", 45, 300, "保外") == 0.0          # item 12: out of warranty
    assert SVC_FACTORY_CLAIM("电视", "维修", 45, 0, "是", "否") == 45.0       # declined: 30 inspection + 15
    assert SVC_FACTORY_CLAIM("电视", "维修", 45, 300).startswith("无法计算:请给出是否保内")
    assert SVC_ONSITE_HOURS(datetime(2025, 1, 1, 9), datetime(2025, 1, 1, 13, 30)) == 4.5
    assert SVC_ONSITE_HOURS(datetime(2025, 1, 1, 9), None) is None
    assert (SVC_PROMISE_HOURS("省会"), SVC_PROMISE_HOURS("乡镇"), SVC_PROMISE_HOURS("")) == (4.0, 24.0, 12.0)
    assert SVC_LATE(datetime(2025, 1, 1, 9), datetime(2025, 1, 1, 13, 0), "省会") == "否"
    assert SVC_LATE(datetime(2025, 1, 1, 9), datetime(2025, 1, 1, 13, 1), "省会") == "是"


# ---- the calling workbook's policy (xlwings passes the calling cell as `caller`) ----------
def _book(fullname="服务单.xlsx", **params) -> Book:
    """A stand-in workbook with the template's four policy tables, 政策参数 edited by label."""
    policy = Policy()
    rows = [list(PARAMS_HEADERS)] + [[label, params.get(label, value), note]
                                     for label, value, note in params_rows(policy)]
    return Book({"服务单": [["工单号"], ["W1"]], WARRANTY_SHEET: [list(WARRANTY_HEADERS)] + warranty_rows(policy),
                 PARAMS_SHEET: rows, PROMISE_SHEET: [list(PROMISE_HEADERS)] + promise_rows(policy),
                 RATES_SHEET: [list(RATES_HEADERS)] + rates_rows(policy)}, fullname=fullname)


def _cell(book: Book):
    return book.sheets["服务单"].range("B2")


@pytest.fixture(autouse=True)
def fresh_cache(monkeypatch):
    """Each test starts with an empty cache and a clock it moves itself (no sleeping)."""
    clock = [1000.0]
    monkeypatch.setattr(udf_policy.CACHE, "clock", lambda: clock[0])
    udf_policy.clear()
    yield clock
    udf_policy.clear()


def test_every_function_takes_the_calling_cell_last():
    for name in PUBLIC:
        params = list(inspect.signature(getattr(udfs, name)).parameters.values())
        assert params[-1].name == "caller" and params[-1].default is None, name   # xlwings fills it, hides it


def test_travel_fee__the_workbooks_free_radius():
    wide = _cell(_book("宽.xlsx", **{"免费半径(公里)": "50公里"}))
    assert SVC_TRAVEL_FEE(62) == 32.0                         # no caller: the default 30 km
    assert SVC_TRAVEL_FEE(62, caller=_cell(_book("模板.xlsx"))) == 32.0  # the template's own numbers
    assert SVC_TRAVEL_FEE(62, caller=wide) == 12.0
    assert SVC_TRAVEL_FEE(50, caller=wide) == 0.0
    assert SVC_TRAVEL_FEE(62, 20, caller=wide) == 42.0        # an explicit argument still wins
    assert SVC_TRAVEL_FEE(62, "二十", caller=wide) == "无法计算:免费半径“二十”不是数字"


def test_other_functions_follow_the_workbook():
    book = _book("另一家.xlsx", **{"夜间加收比例": "100%", "夜间开始": "20:00", "退货期(天)": 10})
    cell = _cell(book)
    assert SVC_NIGHT_SURCHARGE(80, datetime(2025, 10, 5, 20, 0), caller=cell) == 80.0
    assert SVC_NIGHT_SURCHARGE(80, datetime(2025, 10, 5, 20, 0)) == 0.0
    assert SVC_CUSTOMER_TOTAL(False, 100, 80, 42, datetime(2025, 10, 5, 20, 30), caller=cell) == 272.0
    assert SVC_WARRANTY("电视", "2025-03-01", None, "2025-03-11", caller=cell) == "保内(退货期)"
    assert SVC_WARRANTY("电视", "2025-03-01", None, "2025-03-11") == "保内(换货期)"


def test_a_recalculation_reads_the_policy_sheets_once(fresh_cache):
    book = _book(**{"免费半径(公里)": 50})
    cell = _cell(book)
    for i in range(24):                                       # (the cache alone: test_udf_policy)
        assert SVC_TRAVEL_FEE(60 + i % 3, caller=cell) == 10.0 + i % 3
        fresh_cache[0] += 0.05
    assert book.calls.count("value") == 4                     # one read per policy table


def test_an_edited_policy_is_seen_at_the_next_recalculation(fresh_cache):
    book = _book(**{"免费半径(公里)": 50})
    cell = _cell(book)
    assert SVC_TRAVEL_FEE(62, caller=cell) == 12.0
    sheet = book.sheets[PARAMS_SHEET]
    row = next(r for (r, c), v in sheet.cells.items() if c == 1 and v == "免费半径(公里)")
    sheet.cells[(row, 2)] = 40                                # the dealer types a new radius
    fresh_cache[0] += 0.5
    assert SVC_TRAVEL_FEE(62, caller=cell) == 12.0            # same burst of calls: cached
    fresh_cache[0] += 2                                       # a pause, then Ctrl+Alt+F9
    assert SVC_TRAVEL_FEE(62, caller=cell) == 22.0
    sheet.cells[(row, 2)] = 30
    udf_policy.clear()                                        # or an explicit refresh
    assert SVC_TRAVEL_FEE(62, caller=cell) == 32.0


def test_a_mangled_policy_shows_its_reason_and_a_missing_one_the_defaults():
    """Item 12: a number computed on another policy than the workbook's is never shown."""
    mangled = Book({"服务单": [["工单号"]], PARAMS_SHEET: [["这张表被改乱了"], ["免费半径", "五十"]],
                    WARRANTY_SHEET: [["产品类型"]]}, fullname="乱.xlsx")
    assert SVC_TRAVEL_FEE(62, caller=_cell(mangled)).startswith("无法计算:政策表“三包政策”")
    assert SVC_WARRANTY("电视", "2025-03-01", None, "2025-03-16", caller=_cell(mangled)).startswith(
        "无法计算:政策表")
    bad_cell = _book("坏格.xlsx", **{"免费半径(公里)": "很远", "交通费(元/公里)": 2})
    assert SVC_TRAVEL_FEE(62, caller=_cell(bad_cell)) == (
        "无法计算:政策表“政策参数”B7“免费半径(公里)”有错误,请先改正后再算(点“校验”查看)")
    assert SVC_PROMISE_HOURS("省会", caller=_cell(bad_cell)).startswith("无法计算:政策表“政策参数”B7")
    no_tables = Book({"服务单": [["工单号"]]}, fullname="自己的表.xlsx")
    assert SVC_PROMISE_HOURS("", caller=_cell(no_tables)) == 12.0
    assert SVC_WARRANTY("电视", "去年", None, "2025-10-05", caller=_cell(no_tables)) == (
        "无法计算:购买日期“去年”不是有效的日期")


def test_a_workbook_without_televisions_still_gets_its_fees():
    book = _book("冰箱店.xlsx")
    sheet = book.sheets[WARRANTY_SHEET]
    sheet.cells = {k: v for k, v in sheet.cells.items() if k[0] == 1}
    sheet.cells.update({(2, 1): "冰箱", (2, 2): 24, (2, 3): 60, (2, 4): "压缩机"})
    cell = _cell(book)
    assert SVC_TRAVEL_FEE(42, caller=cell) == 12.0
    assert SVC_CUSTOMER_TOTAL("保内", 100, 80, caller=cell) == 0.0
    assert SVC_WARRANTY("冰箱", "2025-03-01", None, "2026-12-01", caller=cell) == "保内(整机保修)"
    assert SVC_WARRANTY("电视", "2025-03-01", None, "2025-10-05", caller=cell).startswith("无法计算:产品类型“电视”")


# ---- whole columns: one formula for the column, one engine run ---------------------------
def _orders(n: int, seed: int = 3) -> list[dict]:
    """n varied orders as a dealer's columns hold them (datetimes, text dates, blanks)."""
    rnd, out = random.Random(seed), []
    for i in range(n):
        bought = datetime(2023, 1, 1) + timedelta(days=rnd.randrange(1000))
        reported = bought + timedelta(days=rnd.choice([3, 10, 200, 364, 366, 800]), hours=rnd.randrange(24))
        arrived = reported + timedelta(hours=rnd.choice([2, 4, 4.5, 13, 30]), minutes=rnd.choice([0, 1, 30]))
        out.append({
            "category": rnd.choice(["电视", "冰箱", "空调"]),
            "purchase": rnd.choice([bought, bought, bought.strftime("%Y/%m/%d"), None]),
            "production": bought - timedelta(days=40),
            "reported": reported, "arrived": arrived,
            "left": rnd.choice([None, arrived + timedelta(hours=rnd.choice([1, 3, 9]))]),
            "parts": rnd.choice(["", "遥控器", "液晶屏", "压缩机"]),
            "in_warranty": rnd.choice([True, False, "否", "保内(整机保修)", "保外"]),
            "parts_fee": rnd.choice([0, 35.5, 120, "480元"]), "labour_fee": rnd.choice([0, 50, 80.01]),
            "km": round(rnd.uniform(0, 60), 3), "agreed": rnd.choice(["是", "是", "否", ""]),
            "tier": rnd.choice(["省会", "地级市", "县城", "乡镇", ""]),
        })
    return out


def _column(orders, key) -> list[list]:
    return [[o[key]] for o in orders]                  # what xlwings hands over with ndim=2


@pytest.fixture
def engine_runs(monkeypatch):
    """Counts the engine runs (and their sizes) of the worksheet functions."""
    sizes = []

    def counted(frame, *args, **kwargs):
        sizes.append(len(frame))
        return compute_frame(frame, *args, **kwargs)
    monkeypatch.setattr(udfs, "compute_frame", counted)
    return sizes


def test_a_column_of_500_orders_gives_what_its_cells_give(engine_runs):
    """One call over 500 rows runs the engine once; every 25th row (both kinds of result among
    them) called as a single cell gives the same value. Each single-cell call runs the whole
    engine (~60 ms), so all 500 would take half a minute to prove nothing more."""
    orders = _orders(500)
    args = [_column(orders, k) for k in ("in_warranty", "parts_fee", "labour_fee", "km", "arrived", "left",
                                         "agreed")]
    column = SVC_CUSTOMER_TOTAL(*args)
    assert engine_runs == [500] and len(column) == 500 and all(len(row) == 1 for row in column)
    sample = [*range(0, 500, 25), 499]
    cells = {i: SVC_CUSTOMER_TOTAL(orders[i]["in_warranty"], orders[i]["parts_fee"], orders[i]["labour_fee"],
                                   orders[i]["km"], orders[i]["arrived"], orders[i]["left"], orders[i]["agreed"])
             for i in sample}
    assert {i: column[i][0] for i in sample} == cells
    assert any(c > 0 for c in cells.values()) and any(c == 0 for c in cells.values())   # both kinds occur
    assert sum(r[0] > 0 for r in column) > 100 and sum(r[0] == 0 for r in column) > 100


@pytest.mark.parametrize("fn, keys", [
    (SVC_WARRANTY, ("category", "purchase", "production", "reported", "parts")),
    (SVC_WARRANTY_RULE, ("category", "purchase", "production", "reported", "parts")),
    (SVC_WARRANTY_UNTIL, ("category", "purchase", "production", "reported", "parts")),
    (SVC_NIGHT_SURCHARGE, ("labour_fee", "arrived", "left")),
    (SVC_FACTORY_CLAIM, ("category", "km", "parts_fee", "in_w")),
    (SVC_ONSITE_HOURS, ("reported", "arrived")),
    (SVC_LATE, ("reported", "arrived", "tier")),
    (SVC_PROMISE_HOURS, ("tier",)),
])
def test_every_function_takes_columns(fn, keys, engine_runs):
    orders = _orders(500, seed=7)
    if fn is SVC_FACTORY_CLAIM:
        keys = keys[:1] + ("service",) + keys[1:]
        for i, o in enumerate(orders):
            o["service"] = ["维修", "安装", "保养"][i % 3]
            o["in_w"] = "否" if i % 4 == 0 else "是"
    column = fn(*[_column(orders, k) for k in keys])
    assert len(column) == 500 and all(len(row) == 1 for row in column)
    assert engine_runs == ([] if fn is SVC_PROMISE_HOURS else [500])
    for i in list(range(0, 500, 23)) + [499]:                             # a sample of single cells
        cells = [orders[i][k] for k in keys]
        blank = all(v in (None, "") for v in cells)                         # e.g. no 城市级别 at all
        assert column[i][0] == (None if blank else fn(*cells)), i
    assert len({str(row[0]) for row in column}) > 1                         # not one value repeated


def test_travel_fee__a_column_every_row_against_the_rule_and_a_broadcast_rate(engine_runs):
    kms = [round(i * 0.137, 3) for i in range(1000)]
    expected = [float((max(Decimal(str(k)) - 20, Decimal(0)) * Decimal("1.5")).quantize(
        Decimal("0.01"), ROUND_HALF_UP)) for k in kms]
    got = SVC_TRAVEL_FEE([[k] for k in kms], 20, 1.5)                      # one radius, one rate for all
    assert got == [[e] for e in expected] and sum(e for e in expected) > 1000
    assert engine_runs == [1000]
    assert SVC_TRAVEL_FEE([[42], [10]], [[20], [30]]) == "无法计算:免费半径只能填一个数,不能是一列或一行"
    assert SVC_TRAVEL_FEE(kms[:3]) == [[0.0], [0.0], [0.0]]               # a flat list is a column too


def test_a_bad_value_spoils_its_row_only():
    got = SVC_TRAVEL_FEE([[42.5], ["45元"], [31], ["-"]])
    assert got == [[12.5], ["无法计算:单程距离(公里)“45元”不是数字"], [1.0], ["无法计算:单程距离(公里)“-”不是数字"]]
    got = SVC_WARRANTY("电视", [[datetime(2025, 3, 1)], ["去年"], ["2025-03-01"], [None]], None,
                       [[datetime(2025, 10, 5)], [datetime(2025, 10, 5)], ["2025/13/40"], [datetime(2025, 10, 5)]])
    assert got == [["保内(整机保修)"], ["无法计算:购买日期“去年”不是有效的日期"],
                   ["无法计算:报修时间“2025/13/40”不是有效的日期"],
                   ["无法计算:缺少购买日期和出厂日期,无法判定三包"]]


def test_blank_tail_rows_give_empty_cells(engine_runs):
    orders = _orders(300)
    reported = _column(orders, "reported") + [[None]] * 699                # A2:A1000, data to row 301
    arrived = _column(orders, "arrived") + [[""]] * 699
    got = SVC_ONSITE_HOURS(reported, arrived)
    assert len(got) == 999 and got[300:] == [[None]] * 699
    assert all(isinstance(row[0], float) for row in got[:300])
    assert got[:300] == SVC_ONSITE_HOURS(reported[:300], arrived[:300])
    got = SVC_WARRANTY("电视", [[datetime(2025, 3, 1)], [None], [None]], None,
                       [[datetime(2025, 10, 5)], [datetime(2025, 10, 5)], [None]])
    assert got == [["保内(整机保修)"], ["无法计算:缺少购买日期和出厂日期,无法判定三包"], [None]]
    assert SVC_TRAVEL_FEE([[42], [None], [" "]]) == [[12.0], [None], [None]]


def test_what_excel_hands_over_a_cell_a_row_a_block():
    assert SVC_TRAVEL_FEE([[42]]) == SVC_TRAVEL_FEE(42) == 12.0             # one cell with ndim=2: a value
    assert SVC_TRAVEL_FEE([[42, 50, 20]]) == [[12.0, 20.0, 0.0]]            # a row gives a row
    assert SVC_TRAVEL_FEE([[42, 50], [1, 2]]) == "无法计算:只能选一列或一行,不能是 2 行 × 2 列的区域"
    assert SVC_ONSITE_HOURS([[datetime(2025, 1, 1, 9)]] * 3, [[datetime(2025, 1, 1, 13)]] * 2) == (
        "无法计算:各列的行数不一致(reported_at 3 行,arrived_at 2 行),请选同样多的行")
    assert SVC_PROMISE_HOURS([["省会"], ["乡镇"], [""], ["县城"]]) == [[4.0], [24.0], [None], [12.0]]


def test_a_column_uses_the_calling_workbooks_tables_read_once():
    book = _book("宽.xlsx", **{"免费半径(公里)": 50})
    assert SVC_TRAVEL_FEE([[62], [40], [50.5]], caller=_cell(book)) == [[12.0], [0.0], [0.5]]
    assert book.calls.count("value") == 4


def test_xlwings_accepts_the_declarations(monkeypatch):
    """The real xlwings decorators (Windows-only module, loaded with stand-ins for pywin32):
    every per-order argument is declared ndim=2 so a cell, a column and a row arrive as 2-D,
    and no result asks for the legacy `expand` (dynamic arrays spill by themselves)."""
    for name in ("pythoncom", "pywintypes", "win32com", "win32com.client"):
        monkeypatch.setitem(sys.modules, name, types.ModuleType(name))
    sys.modules["pythoncom"].CoInitialize = lambda: None
    sys.modules["win32com.client"].Dispatch = None
    real = importlib.util.spec_from_file_location("xlwings._udfs_probe",
                                                  Path(xlwings.__file__).with_name("udfs.py"))
    xl_udfs = importlib.util.module_from_spec(real)
    real.loader.exec_module(xl_udfs)
    fake = types.SimpleNamespace(func=xl_udfs.xlfunc, arg=xl_udfs.xlarg, ret=xl_udfs.xlret)
    monkeypatch.setitem(sys.modules, "xlwings", fake)
    spec = importlib.util.spec_from_file_location("addin._udfs_probe", udfs.__file__)
    probe = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(probe)                  # an @xw.arg naming no argument raises here
    for name in PUBLIC:
        info = getattr(probe, name).__xlfunc__
        per_order = [a["name"] for a in info["args"] if a["options"].get("ndim") == 2]
        scalars = {"free_radius_km", "rate", "night_rate", "serial", "caller"}   # one value per call
        assert per_order == [a["name"] for a in info["args"] if a["name"] not in scalars], name
        assert "expand" not in info["ret"]["options"] and info["args"][-1]["name"] == "caller"


# ---- issue 14: what a clerk on the phone asks; one reader of cell values -----------------
def _orders_book(*orders) -> Book:
    """A stand-in workbook with a 服务单 sheet (canonical headers) and the default policy."""
    from addin.book.columns import COLUMNS
    book = _book("来电.xlsx")
    headers = [c.header for c in COLUMNS]
    book.sheets["服务单"].cells = {}
    for r, row in enumerate([headers] + [[o.get(h) for h in headers] for o in orders], start=1):
        for c, v in enumerate(row, start=1):
            if v is not None:
                book.sheets["服务单"].cells[(r, c)] = v
    return book


def test_repairs_and_exchange_of_a_serial_for_the_clerk_on_the_phone(at):
    from tests.conftest import good_order
    at("2025-12-01 10:00")
    # 冰箱 bought 2023-01-10: two compressor repairs in its 3-year main-part period (to 2026-01-10)
    repairs = [good_order(i + 1, 产品类型="冰箱", 产品序列号="BX9", 更换配件="压缩机", 购买日期=datetime(2023, 1, 10),
                          出厂日期=datetime(2022, 12, 1), 报修时间=t, 到达现场时间=t.replace(hour=10),
                          离开现场时间=t.replace(hour=11))
               for i, t in enumerate((datetime(2024, 3, 1, 9), datetime(2025, 2, 1, 9)))]
    cell = _cell(_orders_book(*repairs, good_order(3, 产品序列号="DS7")))
    assert SVC_REPAIRS("BX9", caller=cell) == 2.0
    assert SVC_EXCHANGE("bx9 ", caller=cell) == "是:三包期内已修理2次,可免费调换同型号产品"
    assert SVC_REPAIRS("DS7", caller=cell) == 1.0   # bought 2025-03-01, repaired 2025-10-05 in warranty
    assert SVC_EXCHANGE("DS7", caller=cell) == "否:三包期内修理1次,不足换机所需次数"
    assert SVC_EXCHANGE("无", caller=cell).startswith("无法计算:序列号“无”为空或不是真实序列号")
    at("2026-02-01 10:00")                          # after 2026-01-10 the compressor period is over
    udf_policy.clear()
    assert SVC_EXCHANGE("BX9", caller=_cell(_orders_book(*repairs))) == "否:已过三包期(三包期内修理2次)"


def test_whole_unit_and_main_part_end_dates_apart():
    args = ("电视", "2025-03-01", None, "2025-10-05")
    assert SVC_WHOLE_UNIT_UNTIL(*args) == datetime(2026, 3, 1)
    assert SVC_MAIN_PART_UNTIL(*args) == datetime(2028, 3, 1)
    assert SVC_WARRANTY_UNTIL(*args) == datetime(2026, 3, 1)


def test_cells_are_read_like_the_sheet():
    assert SVC_WARRANTY("电视", "2025年3月1日", None, "2025-03-16") == "保内(换货期)"   # day 15
    assert SVC_WARRANTY("电视", "20250301", None, "2025/3/17") == "保内(整机保修)"
    assert SVC_TRAVEL_FEE("35公里") == 5.0 and SVC_TRAVEL_FEE("42 km") == 12.0     # (km − 30) × 1
    assert SVC_TRAVEL_FEE(50, "20公里") == 30.0
