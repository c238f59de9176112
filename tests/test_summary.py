"""The month's plain data (addin.report.summary) on the known month of tests/report_data.py: the
real loaded workbook, its check issues and the fee engine's result; expected values by hand."""
from datetime import datetime

import pytest

from addin.book.policy import Policy
from addin.report.summary import TABLE_728_HEADERS, summarize
from tests.report_data import october, summary


@pytest.fixture(scope="module")
def loaded(tmp_path_factory):
    return october(tmp_path_factory.mktemp("summary"))


@pytest.fixture(scope="module")
def oct_summary(tmp_path_factory):
    return summary(tmp_path_factory.mktemp("summary"))


def test_month_is_taken_from_reported_at(oct_summary):
    nos = [r[-1] for r in oct_summary.table728.rows]
    assert nos == ["FW001", "FW002", "FW003", "FW004", "FW005", "FW007"]   # FW006 is September
    assert oct_summary.unplaced == 1                                           # FW008 has no 报修时间
    assert oct_summary.label == "2026年10月"


def test_table_728_has_exactly_the_source_headers_and_known_values(oct_summary):
    t = oct_summary.table728
    assert t.headers == TABLE_728_HEADERS
    first = dict(zip(t.headers, t.rows[0]))
    assert first["序号"] == 1 and first["数量"] == 1 and first["客户名称"] == "张三"
    assert first["问题描述"] == "不制冷" and first["检测结果"] == "压缩机不启动"
    assert first["投诉时间"] == datetime(2026, 10, 3, 9) and first["处理时间"] == datetime(2026, 10, 3, 14)
    assert first["处理费用"] == 180.0                       # factory claim in warranty: 100 labour + 80 parts
    assert dict(zip(t.headers, t.rows[3]))["处理费用"] == 142.5  # FW004 out of warranty: what the customer pays
    # (50 parts + 80 labour + 12.5 travel; it arrived at 20:30, before the night window)
    assert dict(zip(t.headers, t.rows[5]))["处理时间"] is None   # FW007 not visited yet
    # FW001 180, FW002 115, FW003 50, FW004 142.5 (no night surcharge), FW005 50; FW007 not visited: nothing claimed yet
    assert sum(r[11] or 0 for r in t.rows) == pytest.approx(180 + 115 + 50 + 142.5 + 50)


def test_orders_with_errors_are_included_marked_and_counted(oct_summary):
    o = oct_summary.orders
    assert o.loc[5, "has_error"] and "售后人员不能为空" in o.loc[5, "problems"]
    assert oct_summary.totals["error_orders"] == 1 and oct_summary.totals["orders"] == 6
    assert "1 单校验有错误" in oct_summary.table728.note


def test_masked_customers_replace_the_name_column(loaded):
    from addin.report.privacy import mask_frame
    from addin.report.summary import month_orders, table_728
    wb, fees = loaded
    orders = month_orders(wb.orders.frame, fees, "2026-10")
    t = table_728(orders, mask_frame(orders, False)["customer"])
    assert [r[1] for r in t.rows][:2] == ["张*", "李**"]


def test_empty_month(loaded):
    wb, fees = loaded
    empty = summarize(wb.orders.frame, fees, "2027-01", policy=Policy())
    assert empty.table728.rows == () and empty.totals["orders"] == 0
