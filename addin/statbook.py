"""The month's statistics workbook (e.g. 2026年10月_售后服务统计表.xlsx), written with xlsxwriter.

Sheets: 售后服务统计表 (table 7-28, landscape, one page wide, header repeated, orders with
check errors filled red with the problems as a cell comment, a totals row), KPI指标 (every
KPI table with a native Excel chart beside the ones a person would rather look at), and
待解决问题 (the check's open problems). Written atomically; full customer data (this is the
dealer's own file).
"""
from __future__ import annotations

from pathlib import Path

import xlsxwriter

from .files import atomic_path
from .summary import MonthSummary, Table
from .xlsxout import Placed, formats, write_728, write_table

SHEET_728 = "售后服务统计表"
SHEET_KPI = "KPI指标"
SHEET_PROBLEMS = "待解决问题"
KPI_ORDER = ("by_type", "warranty", "fees", "promise", "satisfaction", "replies", "repeats", "pareto",
             "batches", "model_batches", "early")
CHART_ROWS = 16


def stats_filename(summary: MonthSummary) -> str:
    return f"{summary.label}_售后服务统计表.xlsx"


def _series(sheet, p: Placed, cat_col, val_col, name, *, skip_last=False, rows=None, **extra) -> dict:
    first, last = (rows if rows else (p.first, p.last - (1 if skip_last else 0)))
    cats = [sheet, first, cat_col[0], last, cat_col[1]] if isinstance(cat_col, tuple) else \
        [sheet, first, p.col + cat_col, last, p.col + cat_col]
    return {"name": name, "categories": cats, "values": [sheet, first, p.col + val_col, last, p.col + val_col],
            **extra}


def _chart(book, key: str, table: Table, p: Placed, sheet: str):
    """The native chart for a KPI table, or None where a table reads better than a chart."""
    n = len(table.rows)
    totals_row = key in ("by_type", "fees", "promise")
    if p.empty or n - totals_row <= 0 or (key == "by_type" and len(table.headers) <= 2):
        return None
    if key == "by_type":
        ch = book.add_chart({"type": "column", "subtype": "stacked"})
        for j in range(1, len(table.headers) - 1):
            ch.add_series(_series(sheet, p, 0, j, table.headers[j], skip_last=True))
    elif key == "warranty":
        ch = book.add_chart({"type": "pie"})
        ch.add_series(_series(sheet, p, 0, 2, "单数", rows=(p.first + n - 3, p.last),
                              data_labels={"percentage": True, "category": True}))
    elif key == "fees":
        ch = book.add_chart({"type": "column"})
        ch.add_series(_series(sheet, p, 0, 2, "应收客户合计", skip_last=True))
        ch.add_series(_series(sheet, p, 0, 5, "厂家结算金额", skip_last=True))
    elif key == "promise":
        ch = book.add_chart({"type": "column", "subtype": "stacked"})
        ch.add_series(_series(sheet, p, 0, 3, "按时", skip_last=True, fill={"color": "#5B9B5B"}))
        ch.add_series(_series(sheet, p, 0, 4, "超时", skip_last=True, fill={"color": "#C0504D"}))
    elif key == "satisfaction":
        ch = book.add_chart({"type": "column"})
        ch.add_series(_series(sheet, p, 0, 1, "单数", rows=(p.first, p.first + 4), data_labels={"value": True}))
    elif key == "replies":
        ch = book.add_chart({"type": "bar"})
        ch.add_series(_series(sheet, p, 0, 5, "回复率", data_labels={"value": True}))
    elif key == "pareto":
        ch = book.add_chart({"type": "column"})
        cats = (p.col, p.col + 1)
        ch.add_series(_series(sheet, p, cats, 2, "故障单数"))
        line = book.add_chart({"type": "line"})
        line.add_series(_series(sheet, p, cats, 4, "累计占比", y2_axis=True, marker={"type": "circle"}))
        line.set_y2_axis({"max": 1, "num_format": "0%"})
        ch.combine(line)
    elif key == "batches":
        ch = book.add_chart({"type": "column"})
        ch.add_series(_series(sheet, p, 0, 1, "故障单数", data_labels={"value": True}))
    else:
        return None
    ch.set_title({"name": table.title, "name_font": {"name": "Microsoft YaHei", "size": 11}})
    ch.set_legend({"position": "bottom"})
    ch.set_size({"width": 560, "height": 300})
    return ch


def _kpi_sheet(book, ws, summary: MonthSummary, f: dict) -> None:
    tables = [summary.kpis[k] for k in KPI_ORDER if k in summary.kpis]
    chart_col = max(len(t.headers) for t in tables) + 1
    ws.set_column(0, 0, 18)
    ws.set_column(1, chart_col - 1, 12)
    ws.write_string(0, 0, f"{summary.label} 售后服务 KPI", f["title"])
    t = summary.totals
    line = (f"服务单 {t['orders']} 单(其中校验有错误 {t['error_orders']} 单,已计入);故障单 {t['failures']} 单;"
            f"应收客户 {t['customer_total']:.2f} 元;厂家结算 {t['factory_claim']:.2f} 元。")
    ws.write_string(1, 0, line, f["note"])
    row = 3
    for table in tables:
        placed = write_table(ws, row, 0, table, f)
        chart = _chart(book, table.key, table, placed, SHEET_KPI)
        if chart is not None:
            ws.insert_chart(row, chart_col, chart)
            row = max(placed.next_row, row + CHART_ROWS)
        else:
            row = placed.next_row
    ws.set_paper(9)
    ws.fit_to_pages(1, 0)
    ws.set_landscape()


def write_statbook(summary: MonthSummary, path: Path, *, dealer: str = "") -> Path:
    """Write the statistics workbook to `path` atomically; return the path."""
    path = Path(path)
    with atomic_path(path) as tmp:
        book = xlsxwriter.Workbook(str(tmp), {"strings_to_formulas": False, "strings_to_urls": False})
        f = formats(book)
        orders = summary.orders
        marked = {i for i, bad in enumerate(orders["has_error"]) if bad}
        comments = {i: p for i, p in enumerate(orders["problems"]) if p}
        title = f"{summary.label}份产品售后服务统计表" + (f"({dealer})" if dealer else "")
        write_728(book.add_worksheet(SHEET_728), summary.table728, f, title, marked_rows=marked, comments=comments)
        _kpi_sheet(book, book.add_worksheet(SHEET_KPI), summary, f)
        ws = book.add_worksheet(SHEET_PROBLEMS)
        p = write_table(ws, 0, 0, summary.kpis["problems"], f, set_widths=True)
        write_table(ws, p.next_row, 0, summary.kpis["problem_list"], f)
        ws.set_column(5, 5, 60)
        book.close()
    return path
