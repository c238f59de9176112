"""A faster cell writer for xlsxwriter's worksheets: the same XML, fewer Python steps.

A month's report writes ~500,000 cells; xlsxwriter's `_write_cell` (its innermost loop)
builds an attribute list and escapes each attribute of every cell. For the two cell kinds
the report writes by the hundred thousand — a shared string or a number, with a cell
format — `FastSheet` writes the same `<c>` element directly; every other cell goes through
xlsxwriter's own code. `put_row` stores a table row's cells the way write_string and
write_number / write_datetime do, without their per-call argument handling, and `_write_rows`
writes each row's cells in one piece. tests/test_speed_same_outputs.py checks that the sheet XML is byte
for byte what xlsxwriter writes. `use_fast_sheets(book)` makes a Workbook add FastSheets.
"""
from __future__ import annotations

from datetime import date, datetime
from functools import lru_cache

from xlsxwriter.utility import xl_col_to_name, xl_rowcol_to_cell_fast
from xlsxwriter.worksheet import CellBlankTuple, CellDatetimeTuple, CellNumberTuple, CellStringTuple, Worksheet

INF = float("inf")
EPOCH = datetime(1899, 12, 31)
_col_name = lru_cache(maxsize=None)(xl_col_to_name)
COL_NAMES = [xl_col_to_name(c) for c in range(256)]


def excel_serial(v) -> float | None:
    """xlsxwriter's serial number of a naive datetime or a date after 1900 (its
    `_datetime_to_excel_datetime`, same float steps), None for anything else."""
    if v.__class__ is date:
        v = datetime.fromordinal(v.toordinal())
    elif v.__class__ is not datetime or v.tzinfo is not None:
        return None
    if v.year < 1901:                   # Excel's 1900 leap-year quirk: xlsxwriter's own code
        return None
    delta = v - EPOCH
    return delta.days + (float(delta.seconds) + float(delta.microseconds) / 1e6) / (60 * 60 * 24) + 1


class FastSheet(Worksheet):
    """An xlsxwriter Worksheet whose formatted string and number cells are written directly."""

    def put_row(self, row: int, col: int, values, fmts, fallback) -> None:
        """Store one row of values from column `col`, as xlsxwriter's write_string /
        write_number / write_blank would (fmts: a format per value); any other value, and
        long strings, go through `fallback(ws, row, col, value, fmt)`."""
        if self.constant_memory:
            for j, (v, fmt) in enumerate(zip(values, fmts)):
                fallback(self, row, col + j, v, fmt)
            return
        line, sst, check = self.table[row], self.str_table._get_shared_string_index, self._check_dimensions
        new = tuple.__new__                 # what the cell namedtuples' own __new__ does
        n = min(len(values), len(fmts))
        if n and None not in fmts and 0 <= row < self.xls_rowmax and 0 <= col and col + n <= self.xls_colmax:
            check(row, col)                 # every cell inside the sheet, each one stored or written:
            check(row, col + n - 1)         # the row's ends give the same dimensions as each cell
            dates = not self.date_1904
            for j, (v, fmt) in enumerate(zip(values, fmts), start=col):
                cls = v.__class__
                if cls is str:
                    if len(v) < 16000:
                        line[j] = new(CellStringTuple, (sst(v), fmt))
                        continue
                elif cls is float:
                    if v == v and abs(v) != INF:
                        line[j] = new(CellNumberTuple, (v, fmt))
                        continue
                elif cls is int:
                    line[j] = new(CellNumberTuple, (float(v), fmt))
                    continue
                elif v is None:
                    line[j] = new(CellBlankTuple, (fmt,))
                    continue
                elif (cls is datetime or cls is date) and dates and (number := excel_serial(v)) is not None:
                    line[j] = new(CellDatetimeTuple, (number, fmt))
                    continue
                fallback(self, row, j, v, fmt)
            return
        for j, (v, fmt) in enumerate(zip(values, fmts), start=col):
            cls = v.__class__
            if cls is str and len(v) < 16000:
                if not check(row, j):
                    line[j] = new(CellStringTuple, (sst(v), fmt))
            elif (cls is float and v == v and abs(v) != INF) or cls is int:
                if not check(row, j):
                    line[j] = new(CellNumberTuple, (float(v), fmt))
            elif v is None:
                if fmt is not None and not check(row, j):
                    line[j] = new(CellBlankTuple, (fmt,))
            elif (cls is datetime or cls is date) and fmt is not None and not self.date_1904 \
                    and (number := excel_serial(v)) is not None:
                if not check(row, j):
                    line[j] = new(CellDatetimeTuple, (number, fmt))
            else:
                fallback(self, row, j, v, fmt)

    def _write_rows(self) -> None:
        """xlsxwriter's `_write_rows` with each row's formatted string and number cells joined
        into one write (the same XML)."""
        self._calculate_spans()
        table, row_info, comments = self.table, self.row_info, self.comments
        for row_num in range(self.dim_rowmin, self.dim_rowmax + 1):
            line = table[row_num]
            if row_num in row_info or row_num in comments or line:
                span = self.row_spans.get(int(row_num / 16))
                info = row_info.get(row_num)
                if line:
                    self._write_row(row_num, span, info) if info is not None else self._write_row(row_num, span)
                    self._write_line(row_num, line)
                    self._xml_end_tag("row")
                else:
                    self._write_empty_row(row_num, span, info)

    def _calculate_spans(self) -> None:
        """xlsxwriter's `_calculate_spans` (the columns used per block of 16 rows), reading each
        row's cells once instead of testing every column of the sheet's width."""
        spans, lo, hi = {}, None, None
        cmin, cmax, table, comments = self.dim_colmin, self.dim_colmax, self.table, self.comments
        for row_num in range(self.dim_rowmin, self.dim_rowmax + 1):
            for cells in (table.get(row_num), comments.get(row_num)):
                if cells:
                    used = [c for c in cells if cmin <= c <= cmax]
                    if used:
                        a, b = min(used), max(used)
                        lo, hi = (a, b) if lo is None else (min(lo, a), max(hi, b))
            if (row_num + 1) % 16 == 0 or row_num == self.dim_rowmax:
                if lo is not None:
                    spans[int(row_num / 16)] = f"{lo + 1}:{hi + 1}"
                    lo = None
        self.row_spans = spans

    def _write_line(self, row: int, line: dict) -> None:
        r, out, cmin, cmax = str(row + 1), [], self.dim_colmin, self.dim_colmax
        strings = not self.constant_memory
        for col in sorted(line):
            if not cmin <= col <= cmax:
                continue
            cell = line[col]
            cls, fmt = cell.__class__, cell.format
            if fmt is not None and ((cls is CellStringTuple and strings) or cls is CellNumberTuple
                                    or cls is CellDatetimeTuple):
                xf = fmt.xf_index if fmt.xf_index is not None else fmt._get_xf_index()
                ref = COL_NAMES[col] if col < 256 else _col_name(col)
                if cls is CellStringTuple:
                    out.append(f'<c r="{ref}{r}" s="{xf}" t="s"><v>{cell.string}</v></c>')
                else:
                    out.append(f'<c r="{ref}{r}" s="{xf}"><v>{cell.number:.16G}</v></c>')
            else:
                if out:
                    self.fh.write("".join(out))
                    out = []
                self._write_cell(row, col, cell)
        if out:
            self.fh.write("".join(out))

    def _write_cell(self, row: int, col: int, cell) -> None:
        kind, fmt = cell.__class__.__name__, getattr(cell, "format", None)
        if fmt is None or (kind == "String" and self.constant_memory):
            return super()._write_cell(row, col, cell)
        if kind == "String":
            self.fh.write(f'<c r="{xl_rowcol_to_cell_fast(row, col)}" s="{fmt._get_xf_index()}" t="s">'
                          f"<v>{cell.string}</v></c>")
        elif kind in ("Number", "Datetime"):
            self.fh.write(f'<c r="{xl_rowcol_to_cell_fast(row, col)}" s="{fmt._get_xf_index()}">'
                          f"<v>{cell.number:.16G}</v></c>")
        else:
            super()._write_cell(row, col, cell)


def use_fast_sheets(book) -> None:
    """From now on `book.add_worksheet` adds FastSheets."""
    book.worksheet_class = FastSheet
