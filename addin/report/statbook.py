"""The month's statistics workbook (e.g. 2026年10月_售后服务统计表.xlsx), written with xlsxwriter.

Sheets: 售后服务统计表 (table 7-28, landscape, one page wide, header repeated, orders with
check errors filled red with the problems as a cell comment, a totals row), KPI指标 (every
KPI table with a native Excel chart beside the ones a person would rather look at, page
breaks planned so no chart or table start is cut — sheetpages), and 待解决问题 (the check's
open problems). Every sheet prints on A4, one page wide. Written atomically; full customer
data (this is the dealer's own file).
"""
from __future__ import annotations

from pathlib import Path

import xlsxwriter

from addin.book.files import atomic_path, safe_component
from addin.report.sheetpages import lay_out_blocks, print_setup
from addin.report.summary import MonthSummary
from addin.report.xlsxout import ROW_PT, formats, table_widths, write_728, write_table

SHEET_728 = "售后服务统计表"
SHEET_KPI = "KPI指标"
SHEET_PROBLEMS = "待解决问题"
KPI_ORDER = ("by_type", "warranty", "fees", "promise", "satisfaction", "visits", "replies", "repeats", "causes", "pareto",
             "batches", "model_batches", "early", "rates")


def stats_filename(summary: MonthSummary) -> str:
    """2026年10月_售后服务统计表.xlsx; with several factories …_售后服务统计表_海信集团.xlsx."""
    own = f"_{safe_component(summary.factory, '厂家')}" if summary.factory else ""
    return f"{summary.label}_售后服务统计表{own}.xlsx"


def _kpi_sheet(book, ws, summary: MonthSummary, f: dict) -> dict:
    """Heading and the month's totals, then every KPI table with its chart; returns the layout."""
    tables = [summary.kpis[k] for k in KPI_ORDER if k in summary.kpis]
    ws.write_string(0, 0, f"{summary.label} {summary.factory + ' ' if summary.factory else ''}售后服务 KPI", f["title"])
    ws.set_row(0, 24)
    t = summary.totals
    line = (f"服务单 {t['orders']} 单(其中校验有错误 {t['error_orders']} 单,已计入);故障单 {t['failures']} 单;"
            f"应收客户 {t['customer_total']:,.2f} 元;厂家结算 {t['factory_claim']:,.2f} 元。")
    ws.write_string(1, 0, line, f["note"])
    ws.set_row(1, ROW_PT)
    return lay_out_blocks(book, ws, tables, f, sheet=SHEET_KPI, top_row=3, top_points=24 + 2 * ROW_PT)


def _problems_sheet(ws, summary: MonthSummary, f: dict) -> None:
    """The check's open problems: counts by code, then the list (landscape, one page wide)."""
    counts, listed = summary.kpis["problems"], summary.kpis["problem_list"]
    widths = [max(a, b) for a, b in zip(table_widths(listed), table_widths(counts) + [0.0] * 2)]
    widths[3], widths[5] = 40.0, 50.0                  # 示例 / 说明: whole sentences, wrapped
    for j, w in enumerate(widths):
        ws.set_column(j, j, w)
    p = write_table(ws, 0, 0, counts, f, widths=widths[:4])
    q = write_table(ws, p.next_row, 0, listed, f, widths=widths)
    ws.freeze_panes(1, 0)
    print_setup(ws, q.next_row, len(widths) - 1)


def write_statbook(summary: MonthSummary, path: Path, *, dealer: str = "") -> Path:
    """Write the statistics workbook to `path` atomically; return the path."""
    path = Path(path)
    with atomic_path(path) as tmp:
        book = xlsxwriter.Workbook(str(tmp), {"strings_to_formulas": False, "strings_to_urls": False})
        f = formats(book)
        orders = summary.orders
        marked = {i for i, bad in enumerate(orders["has_error"]) if bad}
        comments = {i: p for i, p in enumerate(orders["problems"]) if p}
        title = f"表7-28 {summary.label}份产品售后服务统计表" + (f"({dealer})" if dealer else "") + \
            (f" — {summary.factory}" if summary.factory else "")
        write_728(book.add_worksheet(SHEET_728), summary.table728, f, title, marked_rows=marked, comments=comments)
        _kpi_sheet(book, book.add_worksheet(SHEET_KPI), summary, f)
        _problems_sheet(book.add_worksheet(SHEET_PROBLEMS), summary, f)
        book.close()
    return path
