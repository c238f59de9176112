"""Writing `summary.Table`s into xlsxwriter sheets: cell formats, one table, table 7-28.

Every text goes through `write_string` (never `write`), so a customer comment such as
"=HYPERLINK(...)" or "+86 太慢" stays text in Excel, WPS and LibreOffice.
Returns cell positions so callers can point native charts at the data.

Row heights are set explicitly for every row written: neither Excel nor WPS grows a row for
wrapped text in a generated file, and LibreOffice grows it differently, so the height is
estimated from the text and the column width in Excel's pixels (`text_lines`: 10 pt Microsoft
YaHei, words kept whole, CJK broken anywhere) — printed pages then look the same in every
application and page breaks can be planned (sheetpages). LibreOffice needs Carlito (Calibri's
metric twin, Debian's fonts-crosextra-carlito) to size columns as Excel does; without it every
column is drawn about 40 % wider and wrapped rows look a line too tall.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from functools import lru_cache
import unicodedata

from addin.book.cells import text_units, write_value
from addin.report.fastsheet import use_fast_sheets
from addin.report.tables import Table

FONT = "Microsoft YaHei"
WIDTHS = {"text": 14, "int": 9, "num": 10, "money": 12, "pct": 9, "datetime": 16, "date": 11}
WIDTHS_728 = (5, 9, 7, 14, 5, 15, 15, 17, 15, 17, 17, 10, 13)   # 投诉/处理时间: "2026-11-01 10:20" is 106 px
CENTERED_728 = (0, 4, 12)                 # 序号, 数量, 对应服务单编号: short codes read best centred
ROW_PT, LINE_PT, PAD_PT = 15.0, 14.0, 4.0   # one-line row; each wrapped line of 10 pt text; padding
MAX_LINES = 20
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
    height: float = 0.0               # points, from the first row written up to next_row

    @property
    def empty(self) -> bool:
        return self.last < self.first


def formats(book) -> dict:
    """The report's cell formats of `book`; its sheets from now on write cells the fast way
    (fastsheet: the same XML)."""
    use_fast_sheets(book)
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
    for kind in ("text", "center", *NUM_FORMATS):
        for marked in (False, True):
            props = {**base, "border": 1, "text_wrap": kind == "text"}
            if kind in NUM_FORMATS:
                props["num_format"] = NUM_FORMATS[kind]
            if kind == "center":
                props["align"] = "center"
            if marked:
                props["bg_color"] = "#F8CBAD"
            f[(kind, marked)] = book.add_format(props)
    f["total"] = book.add_format({**base, "bold": True, "border": 1, "top": 2})
    f["total_center"] = book.add_format({**base, "bold": True, "border": 1, "top": 2, "align": "center"})
    f["total_money"] = book.add_format({**base, "bold": True, "border": 1, "top": 2, "num_format": "#,##0.00"})
    return f


def _fallback(ws, row: int, col: int, value, fmt) -> None:
    write_value(ws, row, col, value, "", fmt)


def _row_writer(ws):
    """How to write one table row into `ws`: FastSheet.put_row, or write_value per cell."""
    if hasattr(ws, "put_row"):
        return ws.put_row

    def put(row: int, col: int, values, fmts, fallback) -> None:
        for j, (v, fmt) in enumerate(zip(values, fmts)):
            fallback(ws, row, col + j, v, fmt)
    return put


# Excel's geometry at 100 % zoom (96 dpi): a column `w` characters wide is 7·w + 5 pixels
# (Calibri 11's digit is 7 px) and leaves about 7·w for text; 10 pt text is 13.3 px per CJK
# character; Latin letters are taken 10 % wider than Microsoft YaHei's (Segoe UI's), as
# LibreOffice's substitute draws them. Measured against LibreOffice with Carlito (Calibri's
# metric twin), which draws columns 5-10 % wider than Excel: these estimates never cut a line
# there and are at most one line generous on a borderline text.
CJK_PX = 40 / 3
_NARROW = dict.fromkeys(" .,:;'|!ijl", 4.0) | dict.fromkeys("-/()[]{}", 5.1)
_OPENING = set("(【《「『“‘([{")


def _ideograph(ch: str) -> bool:
    return ord(ch) >= 0x2E80 and unicodedata.category(ch) == "Lo"


def _char_px(ch: str) -> float:
    if ord(ch) >= 0x2E80:
        return CJK_PX
    if ch in _NARROW:
        return _NARROW[ch]
    if ch.isdigit():
        return 8.2
    if ch in "MWmw@%":
        return 13.2
    return 9.5 if ch.isupper() or ch in "&#" else 7.5


@lru_cache(maxsize=1 << 16)
def text_px(text: str) -> float:
    """Width of a one-line text in Excel pixels (10 pt)."""
    return sum(_char_px(ch) for ch in text)


def _pieces(part: str) -> list[str]:
    """`part` cut where a line may break: before or after a CJK ideograph, after a space, '-'
    or '/'. Punctuation sticks to its neighbours ("BP3、L55Q8、F60-" is one piece, as
    LibreOffice wraps it) and model or order numbers stay whole."""
    out, cur = [], ""
    for ch in part:
        if cur:
            a = cur[-1]
            if (a in " -/" and not unicodedata.category(ch).startswith("P")) or \
                    (_ideograph(a) and unicodedata.category(ch) not in ("Po", "Pe", "Pf")) or \
                    (_ideograph(ch) and a not in _OPENING):
                out.append(cur)
                cur = ""
        cur += ch
    return out + [cur] if cur else out


def _wrap_count(part: str, room: float) -> int:
    lines, used = 1, 0.0
    for piece in _pieces(part):
        px = text_px(piece)
        if used + px - (_NARROW[" "] if piece.endswith(" ") else 0) <= room:
            used += px
            continue
        if px <= room:                     # the piece moves to a new line
            lines, used = lines + 1, px
            continue
        if used:                           # longer than a line: it starts on a new one
            lines, used = lines + 1, 0.0
        for ch in piece:                   # and is cut anywhere
            c = _char_px(ch)
            if used + c > room:
                lines, used = lines + 1, 0.0
            used += c
    return lines


@lru_cache(maxsize=1 << 16)
def _lines(text: str, width: float) -> int:
    room = max(7 * width, CJK_PX)
    return sum(_wrap_count(part, room) for part in text.split("\n"))


def text_lines(text: str, width: float) -> int:
    """How many lines a wrapped text needs in a column `width` characters wide."""
    return _lines(str(text), width)


def fit_width(text: str) -> int:
    """The column width (characters) in which `text` fits on one line, with a character to spare
    either side."""
    return -(-text_px(text) // 7) + 2


def row_points(values, widths, wrapped=None) -> float:
    """Height of a row whose wrapped cells hold `values` (None where a cell does not wrap)."""
    lines = max((text_lines(v, w) for j, (v, w) in enumerate(zip(values, widths))
                 if isinstance(v, str) and (wrapped is None or wrapped[j])), default=1)
    return ROW_PT if lines <= 1 else min(lines, MAX_LINES) * LINE_PT + PAD_PT


def row_heights(rows, widths, wrapped) -> list[float]:
    """`row_points` of every row, column by column (the lines of each wrapped column's texts,
    then the most per row)."""
    n = min(len(widths), len(wrapped))
    if any(len(r) < n for r in rows):
        return [row_points(r, widths, wrapped) for r in rows]
    lines = [[_lines(v, w) if v.__class__ is str else text_lines(v, w) if isinstance(v, str) else 1
              for v in (r[j] for r in rows)] for j, w in enumerate(widths[:n]) if wrapped[j]]
    most = map(max, zip(*lines)) if lines else [1] * len(rows)
    return [ROW_PT if m <= 1 else min(m, MAX_LINES) * LINE_PT + PAD_PT for m in most]


def table_widths(table: Table) -> list[float]:
    """Column widths a table reads well in: numbers by kind, text by its longest value
    (kept between 8 and 24; longer text wraps) and by its header (in at most two lines)."""
    out = []
    for j, kind in enumerate(table.kinds):
        head = -(-text_units(table.headers[j]) // 2) + 2
        if kind == "text":
            longest = max((fit_width(r[j]) for r in table.rows if isinstance(r[j], str)), default=2)
            out.append(float(min(max(longest, head, 8), 24)))
        else:
            out.append(float(max(WIDTHS.get(kind, 10), head)))
    return out


def write_table(ws, row: int, col: int, table: Table, f: dict, *, title: str | None = None,
                marked_rows=frozenset(), widths=None, set_widths: bool = False) -> Placed:
    """Title (none when `title` is ""), headers, rows (rows whose index is in `marked_rows`
    get a red fill), note. `widths`: the widths of the table's columns as the sheet has them
    (row heights are computed from them); with `set_widths` the table's own widths are set.
    A table without rows says so in a line under its header."""
    widths = list(widths) if widths is not None else table_widths(table)
    if set_widths:
        for j, w in enumerate(widths):
            ws.set_column(col + j, col + j, w)
    header, height = row, 0.0
    if title != "":
        ws.write_string(row, col, title if title is not None else table.title, f["subtitle"])
        ws.set_row(row, ROW_PT + 3)
        header, height = row + 1, ROW_PT + 3
    head_pt = row_points(table.headers, widths)
    ws.set_row(header, head_pt)
    height += head_pt
    for j, h in enumerate(table.headers):
        ws.write_string(header, col + j, h, f["header"])
    wrapped = [k == "text" for k in table.kinds]
    fmts = {marked: [f[(kind, marked)] for kind in table.kinds] for marked in (False, True)}
    put = _row_writer(ws)
    for i, (values, pt) in enumerate(zip(table.rows, row_heights(table.rows, widths, wrapped))):
        put(header + 1 + i, col, values, fmts[i in marked_rows], _fallback)
        ws.set_row(header + 1 + i, pt)
        height += pt
    last = header + len(table.rows)
    nxt = last + 1
    for text in (("本月无。",) if not table.rows else ()) + ((table.note,) if table.note else ()):
        ws.write_string(nxt, col, text, f["note"])
        ws.set_row(nxt, ROW_PT)
        nxt, height = nxt + 1, height + ROW_PT
    return Placed(header, header + 1, last, col, nxt + 1, height + ROW_PT)


def write_728(ws, table: Table, f: dict, title: str, *, marked_rows=frozenset(), comments=None) -> Placed:
    """Table 7-28 on its own sheet, printed landscape one page wide on A4, header repeated on
    every page, row heights fitted to the wrapped text; a totals row (数量, 处理费用) below.
    `comments`: data-row index → text shown as a cell comment."""
    ncol = len(table.headers)
    widths = WIDTHS_728[:ncol]
    ws.merge_range(0, 0, 0, ncol - 1, "", f["title"])
    ws.write_string(0, 0, title, f["title"])
    ws.set_row(0, 26)
    for j, w in enumerate(widths):
        ws.set_column(j, j, w)
    kinds = tuple("center" if j in CENTERED_728 else k for j, k in enumerate(table.kinds))
    placed = write_table(ws, 1, 0, replace(table, note="", kinds=kinds), f, title="",
                         marked_rows=marked_rows, widths=widths)
    total_row = placed.last + 1
    qty = sum(r[4] or 0 for r in table.rows)
    fee = round(sum(r[11] or 0 for r in table.rows), 2)
    ws.write_string(total_row, 0, "合计", f["total"])
    for j in range(1, ncol):
        ws.write_blank(total_row, j, None, f["total"])
    ws.write_number(total_row, 4, qty, f["total_center"])
    ws.write_number(total_row, 11, fee, f["total_money"])
    ws.set_row(total_row, ROW_PT + 3)
    last_row = total_row
    if table.note:
        ws.write_string(total_row + 1, 0, table.note, f["note"])
        last_row += 1
    for i, text in (comments or {}).items():
        ws.write_comment(placed.first + i, ncol - 1, text, {"x_scale": 3, "y_scale": 2})
    ws.set_landscape()
    ws.set_paper(9)
    ws.fit_to_pages(1, 0)
    ws.repeat_rows(placed.header_row)
    ws.print_area(0, 0, last_row, ncol - 1)
    ws.set_margins(left=0.4, right=0.4, top=0.5, bottom=0.6)
    ws.set_footer("&C第 &P 页,共 &N 页")
    ws.freeze_panes(placed.first, 0)
    if not placed.empty:
        ws.autofilter(placed.header_row, 0, placed.last, ncol - 1)
    return placed
