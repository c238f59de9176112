"""The tolerant reader: a messy hand-typed workbook is read with every value in place."""
from __future__ import annotations

from datetime import date, datetime, time

import openpyxl
import pandas as pd

from addin.rules.loader import load_workbook
from addin.book.parse import match_header, normalise_header

from .conftest import NOW


def test_parse__header_variants_are_recognised():
    assert normalise_header(" 联系电话: ") == "联系电话"
    assert normalise_header("单程距离（公里）") == "单程距离(公里)"
    assert match_header("电 话：") == ("field", "phone")
    assert match_header("配件费用（元）") == ("field", "parts_fee")
    assert match_header("报修日期") == ("date", "reported_at")
    assert match_header("备注") is None


def _messy(path):
    """Two title rows, synonym headers in another order, an unknown column, text dates,
    full-width digits, money with 元/¥/thousands, a separate time column, blank rows,
    merged cells, a formula, other sheets and a totals row."""
    book = openpyxl.Workbook()
    book.active.title = "填写说明"
    book.active.append(["这里是说明,不是服务单"])
    ws = book.create_sheet("2026年10月")
    book.create_sheet("9月(旧)").append(["单号", "姓名"])
    ws.append(["××县家电售后服务单"])
    ws.merge_cells("A1:F1")
    ws.append(["制表:王会计", None, None, "2026年10月"])
    ws.append(["工单号", "姓名 ", "手机:", "客户地址", "类型", "品类", "型号", "机号", "生产日期", "发票日期",
               "报修日期", "报修时刻", "到达时间", "完成时间", "维修人员", "问题描述", "检测结果", "处理方案",
               "配件", "材料费（元）", "人工费", "里程", "满意度", "客户反馈", "自定义备注"])
    ws.append(["FW001", "张伟", "１３８ １２３４ ５６７８", "城关镇人民路1号", "维修", "电视", "L55", "SN001",
               "2025.2.10", "2025年3月1日", date(2025, 10, 5), time(9, 30), "2025/10/5 14:00", "2025-10-05 15:30",
               "王师傅", "无图像", "背光板坏", "换背光板", "背光板", "1,200元", "¥80", "１２", "满意", "=很好", "x"])
    ws["X4"].data_type = "s"         # typed as text in Excel ('=很好), not a formula
    ws.append([])
    ws.append(["FW002", "李娜", "0731-84567890", "某乡某村", "维修", "冰箱", "BCD-1", "SN002",
               20250110, None, "2025-10-06", "8:05", datetime(2025, 10, 6, 10, 0), datetime(2025, 10, 6, 11, 0),
               "王师傅", "不制冷", "压缩机坏", "换压缩机", "压缩机", 300, "=10*8", 35.5, "非常满意", None, None])
    ws.append(["FW003", "赵敏", "13912345678", "某乡某村", "安装", "空调", "K1", "SN003",
               None, None, "20251007", None, "2025-10-07 10:00", "2025-10-07 12:00",
               None, None, None, "安装完成", None, 0, 150, 5, "满意", None, None])
    ws.merge_cells("O6:O7")          # one technician typed once for two orders
    ws.append([None] * 5)
    ws.append(["合计", None, None, None, None, None, None, None, None, None, None, None, None, None, None, None,
               None, None, None, "=SUM(T4:T7)", None, None, None, None, None])
    book.save(path)
    return path


def test_parse__messy_workbook_reads_every_value(tmp_path):
    wb = load_workbook(_messy(tmp_path / "乱表.xlsx"), now=NOW)
    orders = wb.orders
    f = orders.frame
    assert orders.sheet == "2026年10月" and orders.header_row == 3
    assert list(f.index) == [4, 6, 7]                      # blank rows and the totals row left out
    assert list(f["phone"]) == ["13812345678", "0731-84567890", "13912345678"]
    assert f.loc[4, "production_date"] == pd.Timestamp("2025-02-10")
    assert f.loc[4, "purchase_date"] == pd.Timestamp("2025-03-01")
    assert f.loc[6, "production_date"] == pd.Timestamp("2025-01-10")
    assert pd.isna(f.loc[6, "purchase_date"])
    assert f.loc[4, "reported_at"] == pd.Timestamp("2025-10-05 09:30")
    assert f.loc[6, "reported_at"] == pd.Timestamp("2025-10-06 08:05")
    assert f.loc[7, "reported_at"] == pd.Timestamp("2025-10-07 00:00")
    assert f.loc[4, "arrived_at"] == pd.Timestamp("2025-10-05 14:00")
    assert list(f["parts_fee"]) == [1200.0, 300.0, 0.0]
    assert f.loc[4, "labour_fee"] == 80.0 and f.loc[4, "distance_km"] == 12.0 and f.loc[6, "distance_km"] == 35.5
    assert f.loc[7, "technician"] == "王师傅"              # merged cell filled down
    assert f.loc[4, "comment"] == "=很好"                  # formula-looking text kept as typed
    assert orders.cols["order_no"] == 1 and "自定义备注" in orders.headers.values()
    assert pd.isna(f.loc[6, "labour_fee"])   # a formula without a cached value reads as empty
    # no false alarm on a correct row; FW003 has neither date, so no 三包 verdict (the fees say so too)
    assert [(i.where.a1, i.code) for i in wb.issues if i.where.sheet == orders.sheet] == [
        ("J7", "warranty-dates-missing")]


def test_parse__orders_remember_their_cells(tmp_path):
    wb = load_workbook(_messy(tmp_path / "乱表.xlsx"), now=NOW)
    first = wb.orders.records()[0]
    assert first.where.row == 4 and first.order_no == "FW001"
    assert wb.orders.cell(6, "phone").a1 == "C6"
    assert first.parts_fee == __import__("decimal").Decimal("1200.00")


def test_parse__formula_cached_values_and_seconds(tmp_path):
    """A formula is read by its cached value (as Excel saved it); date-times may carry seconds."""
    import xlsxwriter

    from addin.book.columns import COLUMNS
    from .conftest import good_order

    headers = [c.header for c in COLUMNS]
    order = good_order(1, 报修时间="2025-10-05 09:30:15")
    path = tmp_path / "公式.xlsx"
    book = xlsxwriter.Workbook(str(path))
    ws = book.add_worksheet("服务单")
    ws.write_row(0, 0, headers)
    for c, h in enumerate(headers):
        value = order.get(h)
        if h == "工时费":
            ws.write_formula(1, c, "=40*2", None, 80)          # cached result 80
        elif isinstance(value, datetime):
            ws.write_datetime(1, c, value, book.add_format({"num_format": "yyyy-mm-dd hh:mm"}))
        elif value is not None:
            ws.write(1, c, value) if not isinstance(value, str) else ws.write_string(1, c, value)
    book.close()
    wb = load_workbook(path, now=NOW)
    f = wb.orders.frame
    assert f.loc[2, "labour_fee"] == 80.0
    assert f.loc[2, "reported_at"] == pd.Timestamp("2025-10-05 09:30:15")
    assert [i for i in wb.issues if i.where.sheet == "服务单"] == []


def test_parse__reads_the_header_rows_of_the_order_sheet_once(tmp_path):
    """Finding the sheet and parsing it share one read of its first rows (each is a file open)."""
    from addin.book.parse import parse_orders
    from addin.book.workbook import open_book

    from .conftest import good_order, write_orders

    book = open_book(write_orders(tmp_path / "一次.xlsx", [good_order(1)]))
    calls = []
    real = book.head
    book.head = lambda name, n=12: calls.append(name) or real(name, n)
    parse_orders(book)
    assert calls == ["服务单"]
