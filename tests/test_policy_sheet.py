"""The policy tables of the workbook: defaults round-trip, overrides, bad cells at their cell,
removed or mangled sheets fall back to the defaults with a warning."""
from __future__ import annotations

from datetime import time, timedelta
from decimal import Decimal

import pytest

from addin.rules.loader import load_workbook
from addin.book.policy import (PARAMS_HEADERS, PARAMS_SHEET, PROMISE_HEADERS, PROMISE_SHEET, RATES_HEADERS,
                          RATES_SHEET, WARRANTY_HEADERS, WARRANTY_SHEET, Policy, params_rows,
                          promise_rows, rates_rows, warranty_rows)
from addin.book.policy_sheet import clock, load_policy, split_parts
from addin.book.template import build_template
from addin.book.workbook import open_book
from tests.conftest import NOW, good_order, write_orders

SHEETS = {WARRANTY_SHEET: (WARRANTY_HEADERS, warranty_rows), PARAMS_SHEET: (PARAMS_HEADERS, params_rows),
          PROMISE_SHEET: (PROMISE_HEADERS, promise_rows), RATES_SHEET: (RATES_HEADERS, rates_rows)}


def sheets(**changes) -> dict:
    """The four default tables as rows; changes: sheet → function(rows) → rows, or None to drop."""
    out = {name: [list(h)] + [list(r) for r in rows(Policy())] for name, (h, rows) in SHEETS.items()}
    for name, change in changes.items():
        sheet = {"warranty": WARRANTY_SHEET, "params": PARAMS_SHEET, "promise": PROMISE_SHEET,
                 "rates": RATES_SHEET}[name]
        if change is None:
            del out[sheet]
        else:
            out[sheet] = change(out[sheet])
    return out


def load(**changes):
    return load_policy(sheets(**changes).get)


def set_param(label, value):
    def change(rows):
        return [[r[0], value, r[2]] if r[0] == label else r for r in rows]
    return change


def codes(issues):
    return [(i.where.sheet, i.where.a1, i.code, i.severity) for i in issues]


def test_defaults_round_trip_without_issues():
    policy, issues = load()
    assert policy == Policy() and issues == []


def test_template_policy_sheets_read_back_as_the_defaults(tmp_path):
    policy, issues = load_policy(open_book(build_template(tmp_path / "模板.xlsx")).rows)
    assert policy == Policy() and issues == []


def test_removed_sheets_fall_back_with_a_warning():
    policy, issues = load(warranty=None, rates=None)
    assert policy == Policy()
    assert codes(issues) == [(WARRANTY_SHEET, "A1", "policy-sheet-missing", "warning"),
                             (RATES_SHEET, "A1", "policy-sheet-missing", "warning")]
    assert "已按默认政策计算" in issues[0].message


def test_mangled_sheet_falls_back_with_a_warning():
    policy, issues = load(params=lambda rows: [["随便写的"], ["退货期", "x"]])
    assert policy == Policy()
    assert codes(issues) == [(PARAMS_SHEET, "A1", "policy-sheet-unreadable", "warning")]


def test_header_below_a_title_row_and_blank_rows_are_fine():
    policy, issues = load(promise=lambda rows: [["服务承诺(按厂家合同)"], [], *rows[:1], [], *rows[1:]])
    assert policy == Policy() and issues == []


@pytest.mark.parametrize("label, value, attr, expected", [
    ("退货期(天)", 10, "return_days", 10),
    ("免费半径(公里)", "20公里", "free_radius_km", Decimal(20)),
    ("交通费(元/公里)", "1.5", "travel_rate", Decimal("1.5")),
    ("夜间加收比例", "80%", "night_rate", Decimal("0.8")),
    ("夜间开始", "22:00", "night_start", time(22, 0)),
    ("夜间开始", 0.875, "night_start", time(21, 0)),          # an Excel time cell
    ("夜间结束", time(7, 30), "night_end", time(7, 30)),
    ("换机前维修次数", 3.0, "repairs_before_exchange", 3),
])
def test_params_override_the_defaults(label, value, attr, expected):
    policy, issues = load(params=set_param(label, value))
    assert getattr(policy, attr) == expected and issues == []


@pytest.mark.parametrize("label, value, why", [
    ("交通费(元/公里)", -1, "不能是负数"),
    ("退货期(天)", "七天", "请填数字"),
    ("退货期(天)", 7.5, "请填整数"),
    ("夜间开始", "晚上", "请填时刻"),
    ("夜间加收比例", 50, "请填比例"),
    ("换机前维修次数", 0, "不能小于1"),
])
def test_nonsense_param_is_an_error_at_its_cell_and_keeps_the_default(label, value, why):
    policy, issues = load(params=set_param(label, value))
    row = 2 + [p[0] for p in params_rows(Policy())].index(label)
    assert codes(issues) == [(PARAMS_SHEET, f"B{row}", "policy-value-invalid", "error")]
    assert why in issues[0].message and label in issues[0].message
    assert policy == Policy()


def test_warranty_table_periods_parts_and_new_category():
    def change(rows):
        rows[1] = ["电视", 24, 60, "主板，液晶屏；电源板"]
        return rows + [["油烟机", 12, 60, "电机"]]
    policy, issues = load(warranty=change)
    assert issues == []
    tv = policy.terms("电视")
    assert (tv.whole_unit_months, tv.main_part_months, tv.main_parts) == (24, 60, ("主板", "液晶屏", "电源板"))
    assert "油烟机" in policy.categories


def test_warranty_period_not_a_number_is_an_error_at_its_cell():
    def change(rows):
        rows[2][1] = "一年"
        rows[3][2] = -36
        return rows
    policy, issues = load(warranty=change)
    assert codes(issues) == [(WARRANTY_SHEET, "B3", "policy-value-invalid", "error"),
                             (WARRANTY_SHEET, "C4", "policy-value-invalid", "error")]
    assert policy.terms("冰箱").whole_unit_months == 12 and policy.terms("洗衣机").main_part_months == 36


def test_unknown_category_tier_and_service_type_are_errors_and_their_rows_unused():
    def rates(rows):
        return rows + [["电视机", "维修", 80, 1], ["电视", "上门", 80, 1]]
    policy, issues = load(rates=rates, promise=lambda rows: rows + [["直辖市", 2]])
    first_added = len(Policy().factory_rates) + 2     # header row, then one row per default rate
    assert codes(issues) == [(PROMISE_SHEET, "A6", "policy-tier-unknown", "error"),
                             (RATES_SHEET, f"A{first_added}", "policy-category-unknown", "error"),
                             (RATES_SHEET, f"B{first_added + 1}", "policy-service-type-unknown", "error")]
    assert policy == Policy()


def test_rates_and_promises_override():
    policy, issues = load(rates=lambda rows: [rows[0], ["电视", "维修", "95元", 0.5]],
                          promise=lambda rows: [rows[0], ["省会", 2]])
    assert issues == []
    assert policy.factory_rate("电视", "维修").labour == Decimal(95)
    assert policy.factory_rate("电视", "安装") is None
    assert policy.onsite_limit("省会") == 2 and policy.onsite_limit("乡镇") == 24


def test_clock_forms():
    assert clock("21点") == time(21, 0) and clock("8:30") == time(8, 30)
    assert clock(timedelta(hours=21)) == time(21, 0)


def test_loader_reports_policy_issues_and_uses_the_policy(tmp_path):
    path = write_orders(tmp_path / "b.xlsx", [good_order(1, 产品类型="油烟机")], extra_sheets={
        WARRANTY_SHEET: [list(WARRANTY_HEADERS), ["电视", 12, 36, "液晶屏"], ["油烟机", 12, 60, "电机"]],
        PARAMS_SHEET: [list(PARAMS_HEADERS), ["免费半径(公里)", -5, ""]],
    })
    wb = load_workbook(path, now=NOW)
    assert wb.policy.categories == ("电视", "油烟机")
    found = {(i.where.sheet, i.where.a1, i.code) for i in wb.issues}
    assert (PARAMS_SHEET, "B2", "policy-value-invalid") in found
    assert not any(i.code == "category-invalid" for i in wb.issues)


def test_load_policy__no_policy_sheets_at_all_gives_one_warning():
    policy, issues = load_policy(lambda name: None)
    assert policy == Policy()
    assert [(i.code, i.severity) for i in issues] == [("policy-sheets-missing", "warning")]
    assert "三包政策" in issues[0].message and "厂家结算标准" in issues[0].message


def test_split_parts__every_separator():
    assert split_parts("液晶屏、遥控器,电源板;逻辑板，高频头；背光板\n主板") == [
        "液晶屏", "遥控器", "电源板", "逻辑板", "高频头", "背光板", "主板"]
    assert split_parts(None) == [] and split_parts("") == []
