"""Today's work lists (addin.day.lists, `aftersales today`) on a small workbook built in code with
the clock fixed at 2026-10-15 10:00; every expected hour and day below is worked by hand."""
from __future__ import annotations

import json
from datetime import datetime

import openpyxl
import pytest
from click.testing import CliRunner

from addin import clock
from addin.book.columns import COLUMNS
from addin.book.settings import SETTINGS_SHEET, Settings, settings_rows
from addin.cli import main
from addin.day.lists import SHEET, today_sheet, work_lists
from addin.rules.fees import compute
from addin.rules.loader import load_workbook
from tests.conftest import good_order

NOW = "2026-10-15T10:00"
D = datetime
OPEN = {"到达现场时间": None, "离开现场时间": None, "现场确诊故障": None, "原因分析": None, "解决方案": None,
        "客户评价": None, "客户意见": None}


def order(n: int, **kw) -> dict:
    """A finished order already visited back (so it is on no list unless a test says so)."""
    return good_order(n, **{"回访日期": D(2026, 10, 1), "回访结果": "客户满意", **kw})


def visit(n, tier, reported, **kw):
    return order(n, 城市级别=tier, 报修时间=reported, 首次响应时间=None, **OPEN, **kw)


ORDERS = [
    # 待上门: hours left = reported + promise (省会 4, 县城 12, 乡镇 24) − 10:00
    visit(1, "县城", D(2026, 10, 15, 8, 0)),                    # due 20:00 → 10.0 left
    visit(2, "省会", D(2026, 10, 15, 5, 0)),                    # due 09:00 → 1.0 late
    visit(3, "乡镇", D(2026, 10, 14, 12, 0)),                   # due 10-15 12:00 → 2.0 left
    visit(4, "县城", D(2026, 10, 15, 8, 0), 服务类型="咨询"),    # no visit needed
    # 拉修在外
    order(5, 解决方案="拉回维修", 是否借用备用机="是", 到达现场时间=D(2026, 10, 10, 9, 0),
          离开现场时间=D(2026, 10, 10, 11, 0)),                                                  # 5 days, standby
    order(6, 解决方案="拆回维修", 到达现场时间=D(2026, 10, 12, 9, 0), 离开现场时间=None),        # 3 days, none
    order(7, 解决方案="拉回维修", 是否借用备用机="是", 备用机归还日期=D(2026, 10, 14)),          # returned
    order(8, 解决方案="拉回维修", 离开现场时间=D(2026, 10, 13, 9, 0)),                           # back
    # 待回访 (回访天数 3)
    order(9, 离开现场时间=D(2026, 10, 10, 16, 0), 回访日期=None),    # 5 days
    order(10, 离开现场时间=D(2026, 10, 13, 16, 0), 回访日期=None),   # 2 days: not yet
    order(11, 离开现场时间=D(2026, 10, 12, 16, 0), 回访日期=None),   # 3 days
    order(12, 离开现场时间=D(2026, 8, 1, 16, 0), 回访日期=None),     # 75 days: counted, not listed
    # 待处理投诉
    order(13, 客户评价="不满意", 离开现场时间=D(2026, 10, 9, 16, 0), 回访日期=None),     # 6 days
    order(14, 客户评价="很不满意", 离开现场时间=D(2026, 10, 13, 16, 0), 回访日期=None),   # 2 days
    order(15, 客户评价="很不满意", 离开现场时间=D(2026, 10, 13, 16, 0)),                 # followed up
    order(16, 客户评价="不满意", 离开现场时间=D(2026, 10, 11, 16, 0), 回访日期=None),     # 4 days
]


def no(n: int) -> str:
    return f"FW2026100{n:02d}"


@pytest.fixture
def day(make_book, at):
    at(NOW)
    wb = load_workbook(make_book(ORDERS))
    return wb, work_lists(wb, compute(wb), clock.now())


def column(work, header):
    i = work.table.headers.index(header)
    return [r[i] for r in work.table.rows]


def test_open_visits__most_late_first_with_hours_left_and_phone(day):
    _, lists = day
    work = lists.lists[0]
    assert column(work, "服务单编号") == [no(2), no(3), no(1)]
    assert column(work, "承诺时限(小时)") == [4, 24, 12]
    assert column(work, "剩余时间") == ["已超时 1.0 小时", "剩 2.0 小时", "剩 10.0 小时"]
    assert work.red == (0,) and work.table.headers[work.red_col] == "剩余时间"
    assert column(work, "联系电话") == ["13812345678"] * 3


def test_away__units_without_a_standby_first(day):
    work = day[1].lists[1]
    assert column(work, "服务单编号") == [no(6), no(5)]
    assert column(work, "在外天数") == [3, 5]
    assert column(work, "备用机") == ["未借", "已借出"]
    assert work.red == (0,)


def test_visits_due__n_days_after_finishing_older_ones_counted(day):
    work = day[1].lists[2]
    assert column(work, "服务单编号") == [no(9), no(11)]
    assert column(work, "已过天数") == [5, 3]
    assert work.more == 1 and "另有 1 张" in work.table.note


def test_visits_due__the_days_come_from_the_setting(make_book, at):
    at(NOW)
    settings = {SETTINGS_SHEET: settings_rows(Settings(visit_after_days=5))}
    wb = load_workbook(make_book(ORDERS, extra_sheets=settings))
    work = work_lists(wb, compute(wb), clock.now()).lists[2]
    assert column(work, "服务单编号") == [no(9)]


def test_complaints__very_dissatisfied_first_then_oldest(day):
    work = day[1].lists[3]
    assert column(work, "服务单编号") == [no(14), no(13), no(16)]
    assert column(work, "已过天数") == [2, 6, 4]
    assert work.red == (0,)


def test_today_sheet__red_cells_and_links_to_the_orders(day):
    wb, lists = day
    content = today_sheet(lists, wb.orders.sheet)
    row = next(i for i, r in enumerate(content.rows, 1) if r and r[0] == no(2))
    assert content.rows[row - 1][8] == "已超时 1.0 小时"
    assert content.fills[(row, 9)] == "FFC7CE"
    assert len(content.fills) == 3  # the late visit, the unit without a standby, the very dissatisfied
    assert content.links[(row, 1)] == "'服务单'!A3"  # order 2 is on Excel row 3


def test_cli__annotated_copy_gets_the_sheet_and_the_dealers_cells_stay(make_book, tmp_path):
    path = make_book(ORDERS)
    out = tmp_path / "今日.xlsx"
    result = CliRunner().invoke(main, ["today", str(path), "--today", NOW, "--annotate", str(out)])
    assert result.exit_code == 0, result.output
    assert "待上门(3)" in result.output and "待处理投诉(3)" in result.output
    book = openpyxl.load_workbook(out)
    ws = book[SHEET]
    cells = {c.value: c for row in ws.iter_rows() for c in row if c.value is not None}
    assert cells["已超时 1.0 小时"].fill.fgColor.rgb.endswith("FFC7CE")
    assert cells[no(2)].hyperlink.location == "'服务单'!A3"
    source = openpyxl.load_workbook(path)["服务单"]
    assert [[c.value for c in r] for r in book["服务单"].iter_rows()] == [[c.value for c in r] for r in source.iter_rows()]


def test_cli__json_and_a_bad_clock_value(make_book):
    path = make_book(ORDERS)
    result = CliRunner().invoke(main, ["today", str(path), "--today", NOW, "--json"])
    data = json.loads(result.output)
    assert data["now"] == "2026-10-15T10:00"
    assert [r["服务单编号"] for r in data["visits_open"]] == [no(2), no(3), no(1)]
    assert data["visits_open"][0]["联系电话"] == "13812345678"
    bad = CliRunner().invoke(main, ["today", str(path), "--today", "明天"])
    assert bad.exit_code == 4 and "明天" in bad.output      # a usage error, not an unreadable file


def test_contract__standby_columns_are_optional_template_columns():
    headers = [c.header for c in COLUMNS]
    assert {"是否借用备用机", "备用机归还日期", "回访日期", "回访结果"} <= set(headers)


def test_day__imports_only_the_stages_above_it():
    import ast
    from pathlib import Path

    import addin.day
    allowed = ("addin.book", "addin.rules", "addin.report", "addin.day", "addin.clock", "addin.assets")
    for path in Path(addin.day.__file__).parent.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [f"addin.{a.name}" for a in node.names] if node.module == "addin" else [node.module or ""]
            else:
                continue
            for name in names:
                if name.startswith("addin"):
                    assert name.startswith(allowed), (path.name, name)
