"""A live Excel book (an xlwings Book, or a stand-in with the same calls): reading its sheets
in a few calls and applying an addin.book.patch.Patch to it in a few calls.

The number of calls never grows with the number of rows: a sheet is read in one `.value`
call, a computed column is written in one call, a whole result sheet in one call (its links
are HYPERLINK formulas inside the values). Colours are set per multi-area range ("A1,B3,C5",
under Excel's 255-character address limit), one call for dozens of cells; only the notes cost
calls per marked cell, and at most MAX_MARKS cells are marked (every problem is still listed
on the 校验结果 sheet).

Marks are undoable: the hidden sheet MARKS_SHEET keeps each marked cell's own colour and
note, and `clear_marks` puts them back, so nothing the dealer typed or coloured is lost.
This module does not import xlwings; addin/excel.py hands it the book.
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

from addin.book.issues import col_letter
from addin.book.patch import Mark, Patch, SheetContent

MAX_MARKS = 300
MAX_ADDRESS = 255                  # Excel's limit for one range address ("A1,B3,…")
MARKS_SHEET = "_售后标记"
MARKS_HEADERS = ["工作表", "单元格", "原底色", "原批注", "有原批注"]
_SEP = "\n—— 原批注 ——\n"


class ExcelRows:
    """The loader's reading interface (like workbook.Book) over a live book; each sheet is
    fetched once, in one call for its values."""

    def __init__(self, book):
        self.book = book
        self.sheet_names = [s.name for s in book.sheets]
        full = book.fullname
        self.path = Path(full) if full and Path(full).parent != Path(".") else None
        self._rows: dict[str, list[list]] = {}

    def _values(self, name: str, nrows: int | None = None) -> list[list]:
        sheet = self.book.sheets[name]
        last = sheet.used_range.last_cell
        rows, cols = last.row, last.column
        if nrows is not None:
            rows = min(rows, nrows)
        values = sheet.range((1, 1), (rows, cols)).options(ndim=2, dates=dt.datetime).value
        return [["" if v is None else v for v in row] for row in values or []]

    def rows(self, name: str) -> list[list] | None:
        if name not in self.sheet_names:
            return None
        if name not in self._rows:
            self._rows[name] = self._values(name)
        return [list(r) for r in self._rows[name]]

    def head(self, name: str, n: int = 12) -> list[list]:
        if name in self._rows:
            return [list(r) for r in self._rows[name][:n]]
        return self._values(name, n)

    def table(self, name: str, head: list[list], wanted=None):
        """The sheet as a frame (index = Excel row, columns = Excel column numbers), built from
        the one read of its values."""
        from addin.book.sheetscan import rows_frame
        return rows_frame(self.rows(name) or [])


def _safe(value):
    """A value Excel takes as it is: text that looks like a formula stays text; numpy
    scalars, Decimal, NaN and NaT become plain numbers or empty cells."""
    if isinstance(value, str):
        return "'" + value if value[:1] in ("=", "+", "-", "@") else value
    if type(value).__name__ == "NaTType":
        return None
    if hasattr(value, "item") and callable(value.item):  # numpy scalar
        value = value.item()
    if isinstance(value, Decimal):
        value = float(value)
    if isinstance(value, float) and value != value:
        return None
    return value


def _rgb(hex_colour: str) -> tuple[int, int, int]:
    return tuple(int(hex_colour[i:i + 2], 16) for i in (0, 2, 4))


def _hex(rgb) -> str:
    return "" if rgb is None else "".join(f"{c:02X}" for c in rgb)


# ---- marks -------------------------------------------------------------------------------
def clear_marks(book) -> int:
    """Put back the colour and note of every cell this tool marked; returns how many."""
    names = [s.name for s in book.sheets]
    if MARKS_SHEET not in names:
        return 0
    ledger = book.sheets[MARKS_SHEET]
    rows = [r for r in (ledger.used_range.options(ndim=2).value or [])[1:] if r[0] and r[0] in names]
    for sheet, address, _, note, had_note in rows:
        current = book.sheets[sheet].range(address).note
        if current is not None:
            if had_note:
                current.text = note or ""
            else:
                current.delete()
    paint(book, {(sheet, address): colour for sheet, address, colour, _, _ in rows})
    ledger.clear()
    return len(rows)


def _mark(book, mark: Mark) -> list:
    """Note one cell (its own note kept below ours); returns its ledger row. The colour is
    set afterwards for many cells at once (`paint`)."""
    cell = book.sheets[mark.cell.sheet].range(mark.cell.a1)
    own_colour = _hex(cell.color)
    note = cell.note
    own_note = note.text if note is not None else ""
    text = mark.note + (_SEP + own_note if own_note else "")
    if note is not None:
        note.text = text
    else:
        cell.add_note(text)
    return [mark.cell.sheet, mark.cell.a1, own_colour, own_note, 1 if note is not None else 0]


def areas(cells: list[str], limit: int = MAX_ADDRESS) -> list[str]:
    """Cell addresses joined into multi-area addresses ("A1,B3,C5") of at most `limit`
    characters each (Excel refuses longer ones)."""
    out, current = [], ""
    for a1 in cells:
        if current and len(current) + 1 + len(a1) > limit:
            out.append(current)
            current = ""
        current = f"{current},{a1}" if current else a1
    return out + ([current] if current else [])


def paint(book, colours: dict[tuple[str, str], str | None]) -> None:
    """Give cells colours ({(sheet, A1): hex or None for no fill}) in one call per sheet,
    colour and multi-area range, however many cells there are."""
    groups: dict[tuple[str, str | None], list[str]] = {}
    for (sheet, a1), colour in colours.items():
        groups.setdefault((sheet, colour or None), []).append(a1)
    for (name, colour), cells in groups.items():
        sheet = book.sheets[name]
        for address in areas(cells):
            sheet.range(address).color = _rgb(colour) if colour else None


def apply_marks(book, marks: list[Mark]) -> int:
    """Mark at most MAX_MARKS cells (errors first); remember what they looked like before.
    Problems about a sheet the book does not have (e.g. a missing policy table) are not
    marked; they are listed on the 校验结果 sheet."""
    names = [s.name for s in book.sheets]
    chosen = sorted((m for m in marks if m.cell.sheet in names),
                    key=lambda m: (m.severity != "error", m.cell))[:MAX_MARKS]
    ledger_rows = [MARKS_HEADERS] + [_mark(book, m) for m in chosen]
    paint(book, {(m.cell.sheet, m.cell.a1): m.colour for m in chosen})
    if MARKS_SHEET in names:
        ledger = book.sheets[MARKS_SHEET]
    else:
        ledger = book.sheets.add(MARKS_SHEET, after=book.sheets[len(book.sheets) - 1])
        ledger.visible = False
    ledger.range("A1").value = [[_safe(v) for v in row] for row in ledger_rows]
    return len(chosen)


# ---- values and sheets -------------------------------------------------------------------
def fill_values(book, patch: Patch, header: list, last_row: int) -> None:
    """Write each computed column in one call (rows without a value are emptied)."""
    if not patch.values:
        return
    sheet = book.sheets[patch.sheet]
    cols = {str(v).strip(): i + 1 for i, v in enumerate(header) if v not in ("", None)}
    next_col = max(cols.values(), default=0) + 1
    for name in patch.values:
        if name not in cols:
            sheet.range((patch.header_row, next_col)).value = name
            cols[name], next_col = next_col, next_col + 1
    first = patch.header_row + 1
    if last_row < first:
        return
    for name, by_row in patch.values.items():
        column = [[_safe(by_row.get(r))] for r in range(first, last_row + 1)]
        sheet.range((first, cols[name]), (last_row, cols[name])).value = column


def _with_links(content: SheetContent) -> list[list]:
    rows = [[_safe(v) for v in row] for row in content.rows]
    for (r, c), target in content.links.items():
        shown = str(content.rows[r - 1][c - 1]).replace('"', '""')
        rows[r - 1][c - 1] = f'=HYPERLINK("#{target.replace(chr(34), chr(34) * 2)}","{shown}")'
    return rows


def write_sheet(book, name: str, content: SheetContent) -> None:
    """(Re)write one of the tool's own sheets in one call for all its values."""
    if name in [s.name for s in book.sheets]:
        sheet = book.sheets[name]
        sheet.clear()
    else:
        sheet = book.sheets.add(name, after=book.sheets[len(book.sheets) - 1])
    rows = _with_links(content)
    if rows:
        width = max(len(r) for r in rows)
        sheet.range("A1").value = [r + [None] * (width - len(r)) for r in rows]
        sheet.range((1, 1), (1, width)).font.bold = True
    for (r, c), colour in content.fills.items():   # a few cells (late orders): one call each
        sheet.range((r, c)).color = _rgb(colour)
    for c, w in content.widths.items():
        sheet.range(f"{col_letter(c)}1").column_width = w


def apply_patch(book, patch: Patch, reader: ExcelRows) -> int:
    """Apply a patch to a live book: previous marks undone, new marks, computed columns,
    result sheets. Returns the number of cells marked."""
    app = book.app
    app.screen_updating = False
    try:
        clear_marks(book)
        marked = apply_marks(book, patch.marks)
        rows = reader.rows(patch.sheet) or []
        header = rows[patch.header_row - 1] if len(rows) >= patch.header_row else []
        fill_values(book, patch, header, len(rows))
        for name, content in patch.sheets.items():
            write_sheet(book, name, content)
    finally:
        app.screen_updating = True
    return marked
