"""Printed pages of the sheets that hold many tables (KPI指标, 分析) and the page setup shared
by every generated sheet.

Blocks: each table down the left, its native chart (xlsxcharts) beside it, the next table
starting below both. Printed A4 landscape, one page wide; horizontal page breaks go before
every block that would not fit on the current page, so a chart or the first rows of a table
are never cut by a page edge. To plan them, the scale the spreadsheet will choose to fit the
width is estimated from the column widths (a column w characters wide is int(7w + 0.5) + 5
pixels in Excel), which gives the page height in the sheet's points; every row height on
these sheets is set explicitly (xlsxout), so the estimate holds in Excel, WPS and LibreOffice.
"""
from __future__ import annotations

from addin.report.tables import Table
from addin.report.xlsxcharts import WIDTH, native_chart
from addin.report.xlsxout import ROW_PT, table_widths, write_table

PAGE_IN = (11.69, 8.27)                          # A4 landscape, inches
MARGINS = {"left": 0.4, "right": 0.4, "top": 0.5, "bottom": 0.6}
SAFETY = 0.96                                    # keep a little of each page: applications round the scale
GAP_COL = 2
FOOTER = "&C第 &P 页,共 &N 页"


def col_px(width: float) -> int:
    """Pixels of a column `width` characters wide (Calibri 11, the workbook default font)."""
    return int(width * 7 + 0.5) + 5 if width >= 1 else int(width * 12 + 0.5)


def page_points(total_px: float) -> float:
    """Height (in the sheet's points) one printed page holds when `total_px` is fitted to its width."""
    usable_w = (PAGE_IN[0] - MARGINS["left"] - MARGINS["right"]) * 96
    usable_h = (PAGE_IN[1] - MARGINS["top"] - MARGINS["bottom"]) * 72
    return usable_h / min(1.0, usable_w / total_px) * SAFETY


def plan_breaks(blocks, used: float, capacity: float) -> list[int]:
    """Rows to break before: `blocks` are (first row, height in points); `used`: points the
    heading takes on the first page (never a page of its own). A block taller than a page
    starts on a new page and flows on."""
    breaks = []
    for k, (row, height) in enumerate(blocks):
        if k and used > 0 and used + height > capacity:
            breaks.append(row)
            used = 0.0
        used = (used + height) % capacity if used + height > capacity else used + height
    return breaks


def print_setup(ws, last_row: int, last_col: int, *, landscape: bool = True, repeat: int | None = None) -> None:
    """A4, one page wide, margins, page numbers, print area; `repeat`: header row on every page."""
    if landscape:
        ws.set_landscape()
    ws.set_paper(9)
    ws.fit_to_pages(1, 0)
    ws.set_margins(**MARGINS)
    ws.set_footer(FOOTER)
    ws.print_area(0, 0, max(last_row, 0), last_col)
    if repeat is not None:
        ws.repeat_rows(repeat)


def sheet_widths(tables: list[Table]) -> list[float]:
    """One width per column index: what the widest table needs there (text capped at 20)."""
    out: list[float] = []
    for t in tables:
        for j, w in enumerate(table_widths(t)):
            w = min(w, 20.0)
            out[j:j + 1] = [max(out[j], w)] if j < len(out) else [w]
    return out or [12.0]


def lay_out_blocks(book, ws, tables: list[Table], f: dict, *, sheet: str, top_row: int,
                   top_points: float) -> dict:
    """Write every table with its chart, plan page breaks, set up printing. Returns the layout:
    widths, chart column, blocks [(row, points)], breaks, capacity (points per page)."""
    widths = sheet_widths(tables)
    chart_col = len(widths) + 1
    for j, w in enumerate(widths):
        ws.set_column(j, j, w)
    ws.set_column(chart_col - 1, chart_col - 1, GAP_COL)
    ws.set_column(chart_col, chart_col, (WIDTH + 12 - 5) / 7)
    ws.set_column(chart_col + 1, chart_col + 1, 30, None, {"hidden": True})   # chart labels (xlsxcharts)
    capacity = page_points(sum(col_px(w) for w in widths) + col_px(GAP_COL) + WIDTH + 12)
    tallest = int((capacity - 2 * ROW_PT) / 0.75)           # a chart never taller than a page
    row, blocks = top_row, []
    for t in tables:
        placed = write_table(ws, row, 0, t, f, widths=widths[:len(t.headers)])
        height, nxt = placed.height, placed.next_row
        made = native_chart(book, ws, t.key, t, placed, sheet, chart_col + 1, tallest)
        if made is not None:
            chart, _, h_px = made
            ws.insert_chart(row, chart_col, chart, {"x_offset": 4, "y_offset": 4})
            pad = max(0, -(-(h_px * 0.75 + 10 - height) // ROW_PT))
            for r in range(nxt, nxt + int(pad)):
                ws.set_row(r, ROW_PT)
            height, nxt = height + pad * ROW_PT, nxt + int(pad)
        blocks.append((row, height))
        row = nxt
    breaks = plan_breaks(blocks, top_points, capacity)
    ws.set_h_pagebreaks(breaks)
    print_setup(ws, row - 1, chart_col)
    return {"widths": widths, "chart_col": chart_col, "blocks": blocks, "breaks": breaks, "capacity": capacity}
