"""Every rule of the service-order sheet: one mistake in, one issue at its cell out."""
from __future__ import annotations

from datetime import datetime

import pytest

from addin.book.columns import COLUMNS
from addin.book.issues import col_letter
from addin.rules.loader import load_workbook

from .conftest import NOW, good_order

COL = {c.header: col_letter(i + 1) for i, c in enumerate(COLUMNS)}


def issues_of(make_book, *orders):
    """The order sheet's issues (a workbook without policy sheets also gets policy warnings)."""
    return [i for i in load_workbook(make_book(list(orders)), now=NOW).issues if i.where.sheet == "服务单"]


def test_check__correct_orders_have_no_issues(make_book):
    orders = [good_order(1), good_order(2, 服务类型="安装", 产品类型="空调", 更换配件=None, 报修故障=None),
              good_order(3, 服务类型="咨询", 地址=None, 产品序列号=None, 到达现场时间=None, 离开现场时间=None,
                         现场确诊故障=None, 解决方案=None),
              good_order(4, 联系电话="0731-84567890", 是否三包期内="否", 客户同意维修="否",
                         购买日期=datetime(2023, 3, 1), 出厂日期=datetime(2023, 2, 1), 更换配件="电源板")]
    assert issues_of(make_book, *orders) == []


RULES = [
    # (overrides, code, header the issue sits under, severity)
    ({"服务单编号": None}, "order-no-missing", "服务单编号", "error"),
    ({"服务类型": None}, "service-type-missing", "服务类型", "error"),
    ({"服务类型": "修理"}, "service-type-invalid", "服务类型", "error"),
    ({"客户名称": None}, "customer-missing", "客户名称", "error"),
    ({"联系电话": None}, "phone-missing", "联系电话", "error"),
    ({"联系电话": "1381234567"}, "phone-invalid", "联系电话", "error"),
    ({"联系电话": "23812345678"}, "phone-invalid", "联系电话", "error"),
    ({"联系电话": "0731-845"}, "phone-invalid", "联系电话", "error"),
    ({"地址": None}, "address-missing", "地址", "error"),
    ({"城市级别": "市区"}, "city-tier-invalid", "城市级别", "error"),
    ({"产品类型": None}, "category-missing", "产品类型", "error"),
    ({"产品类型": "彩电"}, "category-invalid", "产品类型", "error"),
    ({"产品型号": None}, "model-missing", "产品型号", "error"),
    ({"产品序列号": None}, "serial-missing", "产品序列号", "error"),
    ({"出厂日期": datetime(2025, 4, 1)}, "production-after-purchase", "出厂日期", "error"),
    ({"购买日期": datetime(2025, 10, 6)}, "purchase-after-report", "购买日期", "error"),
    ({"出厂日期": datetime(2025, 10, 6), "购买日期": None}, "production-after-report", "出厂日期", "error"),
    ({"是否三包期内": "保内"}, "claimed-warranty-invalid", "是否三包期内", "error"),
    ({"报修时间": None}, "reported-at-missing", "报修时间", "error"),
    ({"报修时间": "2025-10-32 09:30"}, "date-invalid", "报修时间", "error"),
    ({"离开现场时间": datetime(2027, 10, 5, 15, 30)}, "date-in-future", "离开现场时间", "error"),
    ({"出厂日期": datetime(1999, 5, 1), "购买日期": None, "是否三包期内": "否"}, "date-implausible", "出厂日期", "error"),
    ({"首次响应时间": datetime(2025, 10, 5, 9, 0)}, "contact-before-report", "首次响应时间", "error"),
    ({"到达现场时间": datetime(2025, 10, 5, 8, 0), "服务工时": 1}, "arrival-before-report", "到达现场时间", "error"),
    ({"离开现场时间": datetime(2025, 10, 5, 13, 0)}, "leave-before-arrival", "离开现场时间", "error"),
    ({"到达现场时间": None}, "arrival-missing", "到达现场时间", "error"),
    ({"售后人员": None}, "technician-missing", "售后人员", "error"),
    ({"到达人员数": 0}, "staff-count-invalid", "到达人员数", "error"),
    ({"到达人员数": 1.5}, "staff-count-invalid", "到达人员数", "error"),
    ({"服务工时": -1}, "labour-hours-negative", "服务工时", "error"),
    ({"服务工时": 2}, "labour-hours-exceed", "服务工时", "warning"),
    ({"单程距离(公里)": -3}, "distance-negative", "单程距离(公里)", "error"),
    ({"单程距离(公里)": "很远"}, "number-invalid", "单程距离(公里)", "error"),
    ({"报修故障": None}, "fault-missing", "报修故障", "error"),
    ({"现场确诊故障": None}, "diagnosis-missing", "现场确诊故障", "error"),
    ({"客户同意维修": "不同意"}, "customer-agreed-invalid", "客户同意维修", "error"),
    ({"配件费用": -20}, "money-negative", "配件费用", "error"),
    ({"工时费": "八十"}, "money-not-number", "工时费", "error"),
    ({"客户评价": "好评"}, "rating-invalid", "客户评价", "error"),
    ({"是否借用备用机": "有"}, "standby-invalid", "是否借用备用机", "error"),
    ({"购买日期": datetime(2023, 3, 1), "出厂日期": datetime(2023, 2, 1), "更换配件": "电源板"},
     "warranty-claim-mismatch", "是否三包期内", "error"),
    ({"报修时间": datetime(2025, 10, 5, 9, 30), "是否三包期内": "否", "客户同意维修": "是"},
     "warranty-claim-missed", "是否三包期内", "warning"),
    ({"出厂日期": datetime(2022, 2, 1), "更换配件": "液晶屏"}, "purchase-long-after-production", "购买日期", "warning"),
]


@pytest.mark.parametrize("overrides,code,header,severity", RULES, ids=[r[1] + "-" + str(i) for i, r in enumerate(RULES)])
def test_check__each_rule_found_at_its_cell(make_book, overrides, code, header, severity):
    found = issues_of(make_book, good_order(1), good_order(2, **overrides))
    assert [(i.code, i.where.a1, i.column, i.severity) for i in found] == [(code, f"{COL[header]}3", header, severity)]
    assert all(i.message and any("\u4e00" <= ch <= "\u9fff" for ch in i.message) for i in found)


def test_check__labour_hours_allow_several_staff(make_book):
    assert issues_of(make_book, good_order(1, 服务工时=3, 到达人员数=2)) == []
    found = issues_of(make_book, good_order(1, 服务工时=3.5, 到达人员数=2))
    assert [i.code for i in found] == ["labour-hours-exceed"]


def test_check__duplicate_order_number_points_at_the_first(make_book):
    found = issues_of(make_book, good_order(1), good_order(2), good_order(1))
    assert [(i.code, i.where.a1) for i in found] == [("order-no-duplicate", "A4")]
    assert "第2行" in found[0].message


def test_check__address_not_required_for_consultation(make_book):
    order = good_order(1, 服务类型="咨询", 地址=None, 产品序列号=None)
    assert issues_of(make_book, order) == []


def test_check__serial_required_for_exchange(make_book):
    found = issues_of(make_book, good_order(1, 服务类型="退换货", 产品序列号=None, 购买日期=datetime(2025, 9, 25)))
    assert [i.code for i in found] == ["serial-missing"]     # day 10 of the 15-day exchange window


def test_check__unfinished_repair_needs_no_diagnosis_or_arrival(make_book):
    order = good_order(1, 到达现场时间=None, 离开现场时间=None, 现场确诊故障=None, 解决方案=None, 更换配件=None,
                       原因分析=None, 服务工时=None)
    assert issues_of(make_book, order) == []


def test_check__policy_categories_come_from_the_workbook(make_book):
    from addin.rules.checks import validate
    from addin.book.policy import Policy, WarrantyTerms

    wb = load_workbook(make_book([good_order(1, 产品类型="洗碗机")]), now=NOW)
    assert [i.code for i in wb.issues if i.where.sheet == "服务单"] == ["category-invalid"]
    policy = Policy(warranty=Policy().warranty + (WarrantyTerms("洗碗机", 12, 36, ("电机",)),))
    assert validate(wb.orders, policy, wb.settings, now=NOW) == []


def test_check__missing_required_column_reported_once(make_book):
    headers = [c.header for c in COLUMNS if c.header != "售后人员"]
    wb = load_workbook(make_book([good_order(1), good_order(2)], headers=headers), now=NOW)
    assert [(i.code, i.where.row) for i in wb.issues if i.where.sheet == "服务单"] == [("column-missing", 1)]


# The phone rule, pinned at both layers: the parser normalises what it recognises
# (values.phones), the check (phone-invalid) judges what is left. Mobile: 11 digits, 13–19;
# landline: area code 0 + 2 or 3 digits, 7–8 digits, an optional extension of up to 6 digits.
VALID_PHONES = {
    "13812345678": "13812345678", "19912345678": "19912345678", "138 1234 5678": "13812345678",
    "+86 13812345678": "13812345678", "010-12345678": "010-12345678", "021-1234567": "021-1234567",
    "0731-84567890": "0731-84567890", "(0731)84567890": "0731-84567890", "01012345678": "010-12345678",
    "010-12345678-123": "010-12345678-123", "0731-84567890转8": "0731-84567890-8",
    "0731-8456789 ext.123456": "0731-8456789-123456",
}
INVALID_PHONES = ("12812345678", "10812345678", "1381234567", "138123456789", "01-12345678", "07311-8456789",
                  "0731-845678", "0731-845678901", "010-12345678-1234567", "731-84567890")


def test_phones__parser_normalises_exactly_the_valid_numbers():
    import pandas as pd
    from addin.book.values import phones
    raw = pd.Series([*VALID_PHONES, *INVALID_PHONES], dtype=object)
    norm, bad = phones(raw)
    assert dict(zip(raw[:len(VALID_PHONES)], norm[:len(VALID_PHONES)])) == VALID_PHONES
    assert list(bad) == [False] * len(VALID_PHONES) + [True] * len(INVALID_PHONES)
    assert list(norm[len(VALID_PHONES):]) == list(INVALID_PHONES)        # kept as typed for the message


def test_phones__the_check_flags_exactly_the_invalid_numbers(make_book):
    phones = [*VALID_PHONES, *INVALID_PHONES]
    found = issues_of(make_book, *(good_order(n, 联系电话=p) for n, p in enumerate(phones, 1)))
    flagged = {i.where.row - 2 for i in found if i.code == "phone-invalid"}
    assert {phones[r] for r in flagged} == set(INVALID_PHONES)
    assert [i.code for i in found if i.code != "phone-invalid"] == []


def test_check_phone__judges_the_normalised_text_on_its_own():
    """The check's own pattern (what a frame from any reader is held to), without the parser."""
    import pandas as pd
    from addin.book.policy import Policy
    from addin.book.records import OrderSheet
    from addin.book.settings import Settings
    from addin.rules.checks import Context, check_phone
    texts = ["13812345678", "010-12345678", "0731-84567890-8", "12812345678", "01-12345678",
             "07311-8456789", "0731-84567890-1234567", "0731-84567890转8"]
    f = pd.DataFrame({"phone": pd.Series(texts, dtype=object)}, index=range(2, 2 + len(texts)))
    sheet = OrderSheet(sheet="服务单", header_row=1, cols={"phone": 4}, frame=f)
    messages = " ".join(i.message for i in check_phone(Context(sheet, Policy(), Settings(), NOW)))
    assert [t for t in texts if f"“{t}”" in messages] == texts[3:]


def test_check__blank_order_numbers_are_missing_not_duplicates(make_book):
    found = issues_of(make_book, good_order(1, 服务单编号=None), good_order(2, 服务单编号="  "),
                      good_order(3, 服务单编号=None), good_order(4), good_order(5, 服务单编号="FW202610004"))
    codes = sorted((i.where.row, i.code) for i in found)
    assert codes == [(2, "order-no-missing"), (3, "order-no-missing"), (4, "order-no-missing"),
                     (6, "order-no-duplicate")]
