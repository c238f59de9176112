"""Writing `summary.Table`s into xlsxwriter sheets: cell formats, one table, table 7-28.

Every text goes through `write_string` (never `write`), so a customer comment such as
"=HYPERLINK(...)" or "+86 太慢" stays text in Excel, WPS and LibreOffice.
Returns cell positions so callers can point native charts at the data.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime

from .summary import Table

FONT = "Microsoft YaHei"
WIDTHS = {"text": 14, "int": 9, "num": 10, "money": 12, "pct": 9, "datetime": 16, "date": 11}
WIDTHS_728 = (5, 10, 7, 11, 5, 16, 16, 16, 16, 15, 15, 10, 13)
NUM_FORMATS = {"int": "0", "num": "0.0", "money": "#,##0.00", "pct": "0.0%",
               "datetime": "yyyy-mm-dd hh:mm", "date": "yyyy-mm-dd"}


@dataclass(frozen=True)
class Placed:
    """Where a table landed: header row, first and last data rows, first column (0-based)."""

    header_row: int
    first: int
    last: int
    col: int
    next_row: int

    @property
    def empty(self) -> bool:
        return self.last < self.first


def formats(book) -> dict:
    base = {"font_name": FONT, "font_size": 10, "valign": "vcenter"}
    f = {"title": book.add_format({**base, "bold": True, "font_size": 14}),
         "subtitle": book.add_format({**base, "bold": True, "font_size": 11, "font_color": "#1F4E79"}),
         "header": book.add_format({**base, "bold": True, "bg_color": "#DDEBF7", "border": 1,
                                    "text_wrap": True, "align": "center"}),
         "note": book.add_format({**base, "italic": True, "font_color": "#595959"}),
         "input": book.add_format({**base, "border": 1, "text_wrap": True, "locked": False,
                                   "bg_color": "#FFFDE7"}),
         "input_date": book.add_format({**base, "border": 1, "locked": False, "bg_color": "#FFFDE7",
                                        "num_format": "yyyy-mm-dd"})}
    for kind in ("text", *NUM_FORMATS):
        for marked in (False, True):
            props = {**base, "border": 1, "text_wrap": kind == "text"}
            if kind in NUM_FORMATS:
                props["num_format"] = NUM_FORMATS[kind]
            if marked:
                props["bg_color"] = "#F8CBAD"
            f[(kind, marked)] = book.add_format(props)
    f["total"] = book.add_format({**base, "bold": True, "border": 1, "top": 2})
    f["total_money"] = book.add_format({**base, "bold": True, "border": 1, "top": 2, "num_format": "#,##0.00"})
    return f


def write_value(ws, row: int, col: int, value, kind: str, fmt) -> None:
    """One cell by kind: strings stay strings whatever they start with."""
    if value is None:
        ws.write_blank(row, col, None, fmt)
    elif isinstance(value, str):
        ws.write_string(row, col, value, fmt)
    elif isinstance(value, bool):
        ws.write_string(row, col, "是" if value else "否", fmt)
    elif isinstance(value, (datetime, date)):
        ws.write_datetime(row, col, value, fmt)
    elif isinstance(value, (int, float)):
        ws.write_number(row, col, value, fmt)
    else:
        ws.write_string(row, col, str(value), fmt)


def write_table(ws, row: int, col: int, table: Table, f: dict, *, title: str | None = None,
                marked_rows=frozenset(), set_widths: bool = False) -> Placed:
    """Title (none when `title` is ""), headers, rows (rows whose index is in `marked_rows`
    get a red fill), note."""
    header = row
    if title != "":
        ws.write_string(row, col, title if title is not None else table.title, f["subtitle"])
        header = row + 1
    if any(len(h) > 7 for h in table.headers):
        ws.set_row(header, 28)
    for j, h in enumerate(table.headers):
        ws.write_string(header, col + j, h, f["header"])
        if set_widths:
            ws.set_column(col + j, col + j, max(WIDTHS.get(table.kinds[j], 12), min(len(h) * 2 + 2, 24)))
    for i, values in enumerate(table.rows):
        marked = i in marked_rows
        for j, (v, kind) in enumerate(zip(values, table.kinds)):
            write_value(ws, header + 1 + i, col + j, v, kind, f[(kind, marked)])
    last = header + len(table.rows)
    nxt = last + 1
    if table.note:
        ws.write_string(nxt, col, table.note, f["note"])
        nxt += 1
    return Placed(header, header + 1, last, col, nxt + 1)


def _lines(text: str, width: int) -> int:
    """How many lines a wrapped text needs in a column `width` characters wide (CJK = 2)."""
    units = sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)
    return max(1, -(-units // max(width - 1, 1)))


def write_728(ws, table: Table, f: dict, title: str, *, marked_rows=frozenset(), comments=None) -> Placed:
    """Table 7-28 on its own sheet, printed landscape one page wide, header repeated; a totals
    row (数量, 处理费用) below. `comments`: data-row index → text shown as a cell comment."""
    ncol = len(table.headers)
    ws.merge_range(0, 0, 0, ncol - 1, "", f["title"])
    ws.write_string(0, 0, title, f["title"])
    ws.set_row(0, 26)
    for j, w in enumerate(WIDTHS_728[:ncol]):
        ws.set_column(j, j, w)
    placed = write_table(ws, 1, 0, replace(table, note=""), f, title="", marked_rows=marked_rows)
    total_row = placed.last + 1
    qty = sum(r[4] or 0 for r in table.rows)
    fee = round(sum(r[11] or 0 for r in table.rows), 2)
    ws.write_string(total_row, 0, "合计", f["total"])
    for j in range(1, ncol):
        ws.write_blank(total_row, j, None, f["total"])
    ws.write_number(total_row, 4, qty, f["total"])
    ws.write_number(total_row, 11, fee, f["total_money"])
    if table.note:
        ws.write_string(total_row + 1, 0, table.note, f["note"])
    for i, values in enumerate(table.rows):
        lines = max((_lines(v, WIDTHS_728[j]) for j, v in enumerate(values) if isinstance(v, str)), default=1)
        if lines > 1:
            ws.set_row(placed.first + i, 14 * min(lines, 8))
    for i, text in (comments or {}).items():
        ws.write_comment(placed.first + i, ncol - 1, text, {"x_scale": 3, "y_scale": 2})
    ws.set_landscape()
    ws.set_paper(9)
    ws.fit_to_pages(1, 0)
    ws.repeat_rows(placed.header_row)
    ws.set_margins(left=0.4, right=0.4, top=0.5, bottom=0.6)
    ws.set_footer("&C第 &P 页,共 &N 页")
    ws.freeze_panes(placed.first, 0)
    if not placed.empty:
        ws.autofilter(placed.header_row, 0, placed.last, ncol - 1)
    return placed
