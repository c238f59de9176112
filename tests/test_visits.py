"""The month's 回访 numbers (addin.report.visits) on orders built in code, counted by hand, and
their place in the statistics book's KPI sheet and the service department's pack."""
from __future__ import annotations

from datetime import datetime

import openpyxl

from addin.report.packs import build_month
from addin.report.summary import summarize
from addin.report.visits import visit_word
from addin.rules.fees import compute
from addin.rules.loader import load_workbook
from tests.conftest import good_order

import pandas as pd

D = datetime
# all reported 2025-10-05 and finished 2025-10-05 15:30 (good_order)
ORDERS = [
    good_order(1, 回访日期=D(2025, 10, 7), 回访结果="客户满意"),              # 2 days, 满意
    good_order(2, 回访日期=D(2025, 10, 8), 回访结果="机器正常,非常满意"),    # 3 days, 非常满意
    good_order(3, 回访日期=D(2025, 10, 12), 回访结果="还是不太满意"),        # 7 days, 不满意
    good_order(4, 回访日期=D(2025, 10, 6), 回访结果="电话未接通"),           # 1 day, 未联系上
    good_order(5, 回访日期=D(2025, 10, 6), 回访结果="工作正常"),             # 未写明评价
    good_order(6, 客户评价="很不满意"),                                     # not visited, complaint
    good_order(7, 客户评价="不满意", 回访日期=D(2025, 10, 6), 回访结果="已道歉,客户满意"),  # followed up
    good_order(8, 到达现场时间=None, 离开现场时间=None),                     # not finished
]


def _table(make_book):
    wb = load_workbook(make_book(ORDERS))
    summary = summarize(wb.orders.frame, compute(wb), "2025-10", policy=wb.policy, settings=wb.settings)
    return {r[0]: r[1:] for r in summary.kpis["visits"].rows}


def test_visit_word__strongest_word_first():
    words = visit_word(pd.Series(["很不满意", "不太满意", "很满意", "满意", "一般般", "无人接听", "正常", None]))
    assert list(words) == ["很不满意", "不满意", "非常满意", "满意", "一般", "未联系上", "未写明评价", "未写明评价"]


def test_return_visits__rate_timeliness_and_satisfaction_after_the_visit(make_book):
    t = _table(make_book)
    assert t["已完成服务单(应回访)"] == (7, None)
    assert t["已回访(回访率)"] == (6, round(6 / 7, 4))
    assert t["其中 3 天内回访"] == (5, round(5 / 7, 4))     # all but order 3 (7 days)
    assert t["未回访"] == (1, round(1 / 7, 4))
    # rated: 1 满意, 2 非常满意, 3 不满意, 7 满意 → 4 rated, 3 good
    assert t["回访结果:满意"] == (2, 0.5) and t["回访结果:非常满意"] == (1, 0.25)
    assert t["回访结果:不满意"] == (1, 0.25) and t["回访结果:未联系上"] == (1, None)
    assert t["回访结果:未写明评价"] == (1, None)
    assert t["回访后满意率(非常满意+满意)"] == (3, 0.75)
    assert t["投诉单(客户评价不满意/很不满意)"] == (2, None) and t["其中已回访跟进"] == (1, 0.5)


def test_return_visits__in_the_kpi_sheet_and_only_the_service_pack(make_book, tmp_path):
    wb = load_workbook(make_book(ORDERS))
    report = build_month(wb, "2025-10", tmp_path / "月报")

    def texts(path, sheet=None):
        book = openpyxl.load_workbook(path)
        sheets = [book[sheet]] if sheet else book.worksheets
        return {c.value for ws in sheets for row in ws.iter_rows() for c in row if isinstance(c.value, str)}

    assert "回访情况" in texts(report.stats_path, "KPI指标")
    assert "回访后满意率(非常满意+满意)" in texts(report.stats_path, "KPI指标")
    for pack in report.packs:
        shown = "回访情况" in texts(pack.xlsx_path) and "回访情况" in pack.html
        assert shown == (pack.department.name == "售后服务部"), pack.department.name
