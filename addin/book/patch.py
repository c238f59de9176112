"""What a result does to a workbook, as data — and applying it to an openpyxl copy.

A Patch says which cells to mark (colour + note), which computed columns to fill, and
which whole sheets to (re)write. The core builds patches; `apply_to_openpyxl` writes them
into a copy of the file, and addin.excel.ribbon applies the same Patch to a live Excel book.
Nothing the dealer typed is overwritten: marks only colour and annotate, values go to the
tool's own columns, sheets are the tool's own.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from addin.book.columns import COMPUTED_HEADERS
from addin.book.issues import ERROR, CellRef, Issue

RED, YELLOW, GREY = "FFC7CE", "FFEB9C", "D9D9D9"
RESULT_SHEET = "校验结果"
RESULT_HEADERS = ("序号", "工作表", "单元格", "行", "列", "代码", "严重程度", "说明")
NOTE_AUTHOR = "aftersales"


@dataclass(frozen=True)
class Mark:
    cell: CellRef
    severity: str
    note: str

    @property
    def colour(self) -> str:
        return RED if self.severity == ERROR else YELLOW


@dataclass(frozen=True)
class SheetContent:
    rows: list[list]                                     # first row: headers
    links: dict[tuple[int, int], str] = field(default_factory=dict)  # (row, col) 1-based → "'服务单'!F17"
    widths: dict[int, int] = field(default_factory=dict)
    fills: dict[tuple[int, int], str] = field(default_factory=dict)  # (row, col) 1-based → "FFC7CE"


@dataclass
class Patch:
    sheet: str                                           # the order sheet
    header_row: int
    marks: list[Mark] = field(default_factory=list)
    values: dict[str, dict[int, object]] = field(default_factory=dict)  # header → {row: value}
    sheets: dict[str, SheetContent] = field(default_factory=dict)
    clear_columns: tuple[str, ...] = COMPUTED_HEADERS    # the tool's columns, emptied before filling


def marks_for(issues: list[Issue]) -> list[Mark]:
    """One mark per cell: the worst severity, every message in the note."""
    by_cell: dict[CellRef, list[Issue]] = {}
    for issue in issues:
        by_cell.setdefault(issue.where, []).append(issue)
    marks = []
    for cell, found in by_cell.items():
        severity = ERROR if any(i.severity == ERROR for i in found) else found[0].severity
        note = "\n".join(f"[{'错误' if i.severity == ERROR else '提醒'}] {i.message} ({i.code})" for i in found)
        marks.append(Mark(cell, severity, note))
    return marks


def link_to(cell: CellRef) -> str:
    """The in-workbook location of a cell, as Excel's hyperlinks name it."""
    return f"'{cell.sheet}'!{cell.a1}"


def result_sheet(issues: list[Issue]) -> SheetContent:
    """The 校验结果 sheet: every problem, with a link to its cell."""
    rows: list[list] = [list(RESULT_HEADERS)]
    links = {}
    for n, i in enumerate(issues, start=1):
        rows.append([n, i.where.sheet, i.where.a1, i.where.row, i.column, i.code,
                     "错误" if i.severity == ERROR else "提醒", i.message])
        links[(n + 1, 3)] = link_to(i.where)
    if not issues:
        rows.append(["", "", "", "", "", "", "", "没有发现问题。"])
    return SheetContent(rows, links, {1: 6, 2: 10, 3: 8, 4: 6, 5: 14, 6: 24, 7: 8, 8: 80})


def check_patch(sheet: str, header_row: int, issues: list[Issue]) -> Patch:
    return Patch(sheet, header_row, marks_for(issues), {}, {RESULT_SHEET: result_sheet(issues)})


def apply_to_openpyxl(patch: Patch, book) -> None:
    """Apply a patch to an openpyxl Workbook (a copy of the dealer's file)."""
    from openpyxl.comments import Comment
    from openpyxl.styles import Font, PatternFill

    ws = book[patch.sheet]
    for mark in patch.marks:
        if mark.cell.sheet not in book.sheetnames:     # e.g. a policy sheet that is missing
            continue                                   # (still listed in 校验结果)
        cell = book[mark.cell.sheet].cell(row=mark.cell.row, column=mark.cell.col)
        cell.fill = PatternFill("solid", start_color=mark.colour, end_color=mark.colour)
        cell.comment = Comment(mark.note, NOTE_AUTHOR, width=320, height=120)
    _fill_values(patch, ws, Font, PatternFill)
    for name, content in patch.sheets.items():
        _write_sheet(book, name, content, Font)


def _header_columns(ws, row: int) -> dict[str, int]:
    return {str(c.value).strip(): c.column for c in ws[row] if c.value not in (None, "")}


def _fill_values(patch: Patch, ws, Font, PatternFill) -> None:
    if not patch.values:
        return
    headers = _header_columns(ws, patch.header_row)
    next_col = max(headers.values(), default=0) + 1
    for header in patch.values:
        if header not in headers:
            cell = ws.cell(row=patch.header_row, column=next_col, value=header)
            cell.fill = PatternFill("solid", start_color=GREY, end_color=GREY)
            cell.font = Font(bold=True)
            headers[header], next_col = next_col, next_col + 1
    for header in patch.clear_columns:
        if header in headers and header in patch.values:
            for (cell,) in ws.iter_rows(min_row=patch.header_row + 1, min_col=headers[header],
                                        max_col=headers[header]):
                cell.value = None
    for header, by_row in patch.values.items():
        col = headers[header]
        for row, value in by_row.items():
            set_text_safe(ws.cell(row=row, column=col), value)


def set_text_safe(cell, value) -> None:
    """Write a value; text that looks like a formula (= + - @) stays text."""
    cell.value = value
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        cell.data_type = "s"


def _write_sheet(book, name: str, content: SheetContent, Font) -> None:
    from openpyxl.styles import PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.hyperlink import Hyperlink

    if name in book.sheetnames:
        del book[name]
    ws = book.create_sheet(name)
    for r, row in enumerate(content.rows, start=1):
        for c, value in enumerate(row, start=1):
            set_text_safe(ws.cell(row=r, column=c), value)
    for c in range(1, len(content.rows[0]) + 1 if content.rows else 1):
        ws.cell(row=1, column=c).font = Font(bold=True)
    for (r, c), target in content.links.items():
        cell = ws.cell(row=r, column=c)
        cell.hyperlink = Hyperlink(ref=cell.coordinate, location=target)
        cell.font = Font(color="0563C1", underline="single")
    for (r, c), colour in content.fills.items():
        ws.cell(row=r, column=c).fill = PatternFill("solid", start_color=colour, end_color=colour)
    for c, width in content.widths.items():
        ws.column_dimensions[get_column_letter(c)].width = width
    ws.freeze_panes = "A2"


def check_output(source, out, force: bool = False) -> None:
    """Refuse (WorkbookError) an annotated copy's target that is the source itself, not named
    .xlsx (.xlsm for a macro workbook), anything but a regular file, or an existing file
    unless `force`."""
    from pathlib import Path

    from addin.book.files import same_file
    from addin.book.issues import WorkbookError

    source, out = Path(source), Path(out)
    if same_file(source, out) or source.resolve() == out.resolve():
        raise WorkbookError("output-is-input", "输出文件不能与原工作簿相同,请另选一个文件名(原文件不会被改动)。")
    allowed = (".xlsx", ".xlsm") if source.suffix.lower() == ".xlsm" else (".xlsx",)
    if out.suffix.lower() not in allowed:
        raise WorkbookError("annotate-not-xlsx", f"副本“{out.name}”的文件名要以 {' 或 '.join(allowed)} 结尾,"
                                                 "请换一个文件名。")
    if out.exists() or out.is_symlink():
        if not out.is_file():
            raise WorkbookError("annotate-not-file", f"“{out}”已存在且不是普通文件,不能写入,请换一个文件名。")
        if not force:
            raise WorkbookError("annotate-exists", f"“{out}”已经存在,没有覆盖。要替换它请加 --force,或换一个文件名。")


def write_copy(patch: Patch, source, out, force: bool = False) -> None:
    """Apply a patch to a copy of `source` saved atomically as `out` (never the source; an
    existing `out` only with `force`, see check_output)."""
    from pathlib import Path

    import openpyxl

    from addin.book.files import atomic_path

    source, out = Path(source), Path(out)
    check_output(source, out, force)
    book = openpyxl.load_workbook(source, keep_vba=source.suffix.lower() == ".xlsm")
    apply_to_openpyxl(patch, book)
    with atomic_path(out) as tmp:
        book.save(tmp)
