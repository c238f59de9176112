"""One department's pack workbook (e.g. 2026年10月_售后反馈_研发部.xlsx), xlsxwriter.

Sheets: 分析 (the department's tables, native charts beside them, page breaks planned
so no chart or table start is cut — sheetpages), 服务单明细 (table 7-28 of
the orders it acts on; customer names masked unless the department may see full data),
故障走势 (12 months per model and batch, engineering roles — report/trends.py), 故障明细 (each
failure the department looks at with its feedback item or 单次 — report/detail.py),
结算明细 for the service role (what an audit of the factory claim needs), and 改进回复 (one
row per feedback item, this month's and earlier unanswered ones; the department fills the
yellow columns and sends the file back; the other columns are protected).
"""
from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
import xlsxwriter
from xlsxwriter.utility import xl_range

from addin.book.files import atomic_path
from addin.report.replies import REPLY_HEADERS, REPLY_SHEET
from addin.report.sheetpages import lay_out_blocks, print_setup
from addin.report.tables import Table, rows_of
from addin.report.xlsxout import ROW_PT, fit_width, formats, row_points, write_728, write_table, write_value

SHEET_ANALYSIS = "分析"
SHEET_ORDERS = "服务单明细"
SHEET_SETTLEMENT = "结算明细"
LIST_SHEETS = {"detail": "故障明细", "trend": "故障走势"}
REPLY_ROW_PT = 45.0
SETTLEMENT_COLS = (("order_no", "服务单编号", "text"), ("customer", "客户名称", "text"), ("phone", "联系电话", "text"),
                   ("address", "地址", "text"), ("category", "产品类型", "text"), ("model", "产品型号", "text"),
                   ("serial", "产品序列号", "text"), ("production_date", "出厂日期", "date"),
                   ("purchase_date", "购买日期", "date"), ("service_type", "服务类型", "text"),
                   ("warranty_kind", "三包判定", "text"), ("warranty_rule", "判定依据", "text"),
                   ("reported_at", "报修时间", "datetime"), ("arrived_at", "到达现场时间", "datetime"),
                   ("left_at", "离开现场时间", "datetime"), ("distance_km", "单程距离(公里)", "num"),
                   ("parts", "更换配件", "text"), ("claim_labour", "工时", "money"),
                   ("claim_travel", "交通补贴", "money"), ("claim_materials", "材料", "money"),
                   ("factory_claim", "厂家结算金额", "money"), ("claim_held", "暂不结算金额", "money"),
                   ("claim_status", "结算状态", "text"), ("fraud", "保外转保内嫌疑", "text"))


def settlement_table(orders) -> Table:
    """In-warranty orders with the evidence an audit of the factory claim needs (dates, serial,
    parts, the claim's split, the rule and the fraud flag): the claimed ones first, then those
    held back (not done yet, or a 保外转保内 suspect not yet checked) with the reason."""
    sel = orders[orders["in_warranty"].astype(object) == True]  # noqa: E712
    sel = sel.assign(_held=sel["claim_status"].astype(object) != "结算").sort_values("_held", kind="stable")
    total = float(pd.to_numeric(sel["factory_claim"], errors="coerce").sum())
    held = sel[sel["_held"]]
    held_sum = float(pd.to_numeric(held["claim_held"], errors="coerce").sum())
    note = f"保内 {len(sel)} 单,结算 {len(sel) - len(held)} 单,按厂家标准应结算合计 {total:.2f} 元。"
    if len(held):
        note += (f"暂不结算 {len(held)} 单共 {held_sum:.2f} 元(未完工,或保外转保内嫌疑待核实,原因见“结算状态”),"
                 "不计入合计。")
    return Table("settlement", "厂家结算明细(保内服务单)", tuple(c[1] for c in SETTLEMENT_COLS),
                 tuple(c[2] for c in SETTLEMENT_COLS), rows_of(sel, [c[0] for c in SETTLEMENT_COLS]), note)


def _analysis(book, ws, tables, f, title: str) -> dict:
    ws.write_string(0, 0, title, f["title"])
    ws.set_row(0, 24)
    return lay_out_blocks(book, ws, list(tables), f, sheet=SHEET_ANALYSIS, top_row=2, top_points=24 + ROW_PT)


def _settlement(ws, table: Table, f):
    """结算明细 (and the other wide lists): landscape, one page wide, header row on every page."""
    p = write_table(ws, 0, 0, table, f, set_widths=True)
    ws.freeze_panes(p.first, 1)
    print_setup(ws, p.next_row, len(table.headers) - 1, repeat=p.header_row)
    return p


def _sparklines(ws, p, table: Table, f) -> None:
    """故障走势: a native sparkline over each row's 12 monthly cells in the 走势 column (the
    text sparkline stays for the mail only)."""
    col = p.col + table.headers.index("走势")
    ws.set_column(col, col, 16)
    for r in range(p.first, p.last + 1):
        ws.write_blank(r, col, None, f[("text", False)])
        ws.add_sparkline(r, col, {"range": xl_range(r, p.col + 2, r, p.col + 13), "type": "column",
                                  "series_color": "#3B6EA8", "high_point": True, "high_color": "#C0504D"})


def _reply_sheet(book, ws, items, carried, f) -> None:
    """改进回复: 编号, 反馈事项, 回复期限 locked; the department's four columns unlocked."""
    rows = [(i, text, due) for i, text, due in items] + [
        (c.id, f"[{c.month} 未回复] {c.text}", c.due) for c in carried]
    id_width = max([16] + [fit_width(r[0]) for r in rows])   # 2026-11-F5936-QA-001 fits
    widths = (id_width, 64, 12, 36, 10, 14, 26)    # 反馈事项: one sentence with its reasons and orders
    ws.set_row(0, row_points(REPLY_HEADERS, widths))
    for j, (h, w) in enumerate(zip(REPLY_HEADERS, widths)):
        ws.write_string(0, j, h, f["header"])
        ws.set_column(j, j, w)
    for r, (item_id, text, due) in enumerate(rows, start=1):
        ws.write_string(r, 0, item_id, f[("center", False)])
        ws.write_string(r, 1, text, f[("text", False)])
        write_value(ws, r, 2, due, "date", f[("date", False)])
        for j in (3, 4, 6):
            ws.write_blank(r, j, None, f["input"])
        ws.write_blank(r, 5, None, f["input_date"])
        ws.set_row(r, max(REPLY_ROW_PT, row_points(("", text), widths)))   # room to write an answer
    if rows:
        ws.data_validation(1, 5, len(rows), 5, {
            "validate": "date", "criteria": ">", "value": date(2000, 1, 1),
            "error_title": "计划完成日期", "error_message": "请填日期,如 2026-12-31。"})
    ws.write_string(len(rows) + 2, 1, "请在黄色单元格填写改进措施、责任人、计划完成日期和实施效果,"
                    "保存后把本文件发回;不要修改编号列。", f["note"])
    ws.freeze_panes(1, 2)
    ws.protect("", {"format_columns": True, "format_rows": True, "select_locked_cells": True,
                    "select_unlocked_cells": True})
    print_setup(ws, len(rows) + 2, len(widths) - 1, repeat=0)


def write_pack(path: Path, *, title: str, tables, orders_728: Table, marked, settlement: Table | None,
               items, carried, lists=()) -> Path:
    """Write one department pack atomically. `items`: (id, text, due) tuples; `lists`: wide
    tables each on its own sheet like 结算明细 (故障走势, 故障明细 — LIST_SHEETS)."""
    with atomic_path(path) as tmp:
        book = xlsxwriter.Workbook(str(tmp), {"strings_to_formulas": False, "strings_to_urls": False})
        f = formats(book)
        _analysis(book, book.add_worksheet(SHEET_ANALYSIS), tables, f, title)
        write_728(book.add_worksheet(SHEET_ORDERS), orders_728, f,
                  title + " 服务单明细(表7-28 格式)", marked_rows=marked)
        for table in lists:
            ws = book.add_worksheet(LIST_SHEETS.get(table.key, table.title[:31]))
            placed = _settlement(ws, table, f)
            if table.key == "trend" and not placed.empty:
                _sparklines(ws, placed, table, f)
        if settlement is not None:
            _settlement(book.add_worksheet(SHEET_SETTLEMENT), settlement, f)
        _reply_sheet(book, book.add_worksheet(REPLY_SHEET), items, carried, f)
        book.close()
    return Path(path)
