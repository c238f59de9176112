from datetime import datetime

import pytest

from addin.book.issues import ERROR, CellRef, Issue
from addin.book.policy import Policy
from addin.report.summary import TABLE_728_HEADERS, summarize
from tests.report_data import fees, frame


@pytest.fixture
def october():
    df = frame()
    issue = Issue(CellRef("服务单", 5, 18), "售后人员", "technician-missing", ERROR, "售后人员不能为空。")
    return summarize(df, fees(df), "2026-10", policy=Policy(), issues=[issue], error_rows={5}, sheet="服务单")


def test_month_is_taken_from_reported_at(october):
    nos = [r[-1] for r in october.table728.rows]
    assert nos == ["FW001", "FW002", "FW003", "FW004", "FW005", "FW007"]   # FW006 is September
    assert october.unplaced == 1                                               # FW008 has no 报修时间
    assert october.label == "2026年10月"


def test_table_728_has_exactly_the_source_headers_and_known_values(october):
    t = october.table728
    assert t.headers == TABLE_728_HEADERS
    first = dict(zip(t.headers, t.rows[0]))
    assert first["序号"] == 1 and first["数量"] == 1 and first["客户名称"] == "张三"
    assert first["问题描述"] == "不制冷" and first["检测结果"] == "压缩机不启动"
    assert first["投诉时间"] == datetime(2026, 10, 3, 9) and first["处理时间"] == datetime(2026, 10, 3, 14)
    assert first["处理费用"] == 180.0                       # factory claim, in warranty
    assert dict(zip(t.headers, t.rows[3]))["处理费用"] == 182.5  # customer pays out of warranty
    assert dict(zip(t.headers, t.rows[5]))["处理时间"] is None   # not visited yet
    assert sum(r[11] or 0 for r in t.rows) == pytest.approx(562.5)


def test_orders_with_errors_are_included_marked_and_counted(october):
    o = october.orders
    assert o.loc[5, "has_error"] and "售后人员不能为空" in o.loc[5, "problems"]
    assert october.totals["error_orders"] == 1 and october.totals["orders"] == 6
    assert "1 单校验有错误" in october.table728.note


def test_masked_customers_replace_the_name_column():
    from addin.report.privacy import mask_frame
    from addin.report.summary import month_orders, table_728
    df = frame()
    orders = month_orders(df, fees(df), "2026-10")
    t = table_728(orders, mask_frame(orders, False)["customer"])
    assert [r[1] for r in t.rows][:2] == ["张*", "李**"]


def test_empty_month():
    df = frame()
    empty = summarize(df, fees(df), "2027-01", policy=Policy())
    assert empty.table728.rows == () and empty.totals["orders"] == 0
