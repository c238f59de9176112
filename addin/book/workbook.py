"""Opening a dealer's workbook safely and reading its sheets fast (python-calamine).

`open_book(path)` refuses, with a WorkbookError (stable code + Chinese message), anything
that is not a readable .xlsx/.xlsm: missing files, folders, anything but a regular file (a
pipe named .xlsx would block the reader), .xls/.csv/.txt (an old .xls renamed .xlsx too),
corrupt or truncated zips, password-protected (encrypted) workbooks, zip bombs, XML with a
DOCTYPE (entity tricks) and sheets too large to be a dealer's year. `vet(path)` runs the same
checks on any .xlsx from outside (the departments' returned packs). Nothing here writes.
"""
from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pandas as pd
import python_calamine

from addin.book.sheethead import head_rows
from addin.book.sheetscan import _origin, fill_merged, merged_ranges, rows_frame, sheet_part

from addin.book.issues import WorkbookError

MAX_ROWS = 300_000                 # a big dealer has 100,000 orders a year
MAX_UNCOMPRESSED = 2_000_000_000   # bytes, all parts together
MAX_RATIO = 200                    # uncompressed/compressed for a large part
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_DIMENSION = re.compile(rb'<(?:\w+:)?dimension\s+ref="[A-Z]+\d+:?[A-Z]*(\d*)"')


def _fail(code: str, message: str):
    raise WorkbookError(code, message)


def _check_path(path: Path) -> None:
    if not path.exists():
        _fail("file-missing", f"找不到文件“{path}”,请检查路径和文件名。")
    if path.is_dir():
        _fail("is-directory", f"“{path}”是一个文件夹,请指定服务单工作簿文件(.xlsx)。")
    if not path.is_file():
        _fail("not-regular-file", f"“{path}”不是普通文件(可能是管道或设备),已拒绝读取。请指定 .xlsx 工作簿文件。")
    suffix = path.suffix.lower()
    with path.open("rb") as fh:
        head = fh.read(8)
    if head == OLE_MAGIC:
        if suffix == ".xls" or not _encrypted_ooxml(path):
            _fail("format-xls", f"“{path.name}”是旧版 .xls 格式(扩展名可能被改过),请在 Excel 或 WPS 中"
                                "“另存为” .xlsx 后再使用。")
        _fail("encrypted", f"“{path.name}”设置了打开密码(已加密),无法读取。请在 Excel 中取消密码后另存一份再使用。")
    if suffix in (".csv", ".txt", ".xls", ".et", ".ods"):
        _fail("format-unsupported", f"“{path.name}”不是 .xlsx 工作簿,请在 Excel 或 WPS 中另存为 .xlsx 后再使用。")
    if not head.startswith(b"PK"):
        _fail("not-xlsx", f"“{path.name}”不是 Excel 工作簿(.xlsx),可能文件已损坏或不是表格文件。")


def _encrypted_ooxml(path: Path) -> bool:
    """An OLE2 (CFB) file is either an old .xls (a Workbook/Book stream) or a password-protected
    .xlsx (EncryptionInfo + EncryptedPackage streams); anything unreadable counts as encrypted."""
    import olefile
    try:
        with olefile.OleFileIO(str(path)) as ole:
            return ole.exists("EncryptedPackage") or not (ole.exists("Workbook") or ole.exists("Book"))
    except Exception:  # noqa: BLE001 - a broken container: say what the magic number says
        return True


def _check_zip(path: Path) -> list[str]:
    """Inspect the zip without extracting it; return the worksheet part names."""
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
            names = {i.filename for i in infos}
            if "xl/workbook.xml" not in names:
                _fail("not-xlsx", f"“{path.name}”不是 Excel 工作簿(缺少 workbook 部件),请确认文件类型。")
            total = sum(i.file_size for i in infos)
            bomb = any(i.file_size > 50_000_000 and i.file_size > MAX_RATIO * max(i.compress_size, 1)
                       for i in infos)
            if total > MAX_UNCOMPRESSED or bomb:
                _fail("zip-bomb", f"“{path.name}”解压后异常巨大(压缩炸弹),已拒绝读取。")
            for info in infos:
                if info.filename.endswith((".xml", ".rels", ".vml")):
                    with zf.open(info) as part:
                        head = part.read(2048)
                    if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
                        _fail("xml-unsafe", f"“{path.name}”中含有不安全的 XML 定义(DOCTYPE/ENTITY),已拒绝读取。")
                    if info.filename.startswith("xl/worksheets/sheet"):
                        _check_dimension(path, head)
            return [n for n in names if n.startswith("xl/worksheets/")]
    except PermissionError:
        _fail("no-permission", f"没有权限读取“{path}”,请检查文件是否被占用或权限设置。")
    except (zipfile.BadZipFile, EOFError, zipfile.LargeZipFile, NotImplementedError, OSError):
        _fail("corrupt", f"“{path.name}”已损坏或不完整(无法解压),请从备份恢复或重新保存。")


def _check_dimension(path: Path, head: bytes) -> None:
    m = _DIMENSION.search(head)
    if m and m.group(1) and int(m.group(1)) > MAX_ROWS:
        _fail("too-many-rows", f"“{path.name}”的工作表有 {int(m.group(1)):,} 行,超过上限 {MAX_ROWS:,} 行。"
                               "请按年度拆分工作簿后再使用。")


class Book:
    """An opened, vetted workbook: sheet names and their cell values (as calamine gives them)."""

    def __init__(self, path: Path, cal: python_calamine.CalamineWorkbook):
        self.path = path
        self._cal = cal
        self.sheet_names: list[str] = list(cal.sheet_names)
        self._sheets: dict = {}

    def sheet(self, name: str):
        """The calamine sheet, parsed once and kept (parsing is most of the read's cost)."""
        if name not in self._sheets:
            self._sheets[name] = self._load(name)
        return self._sheets[name]

    def _load(self, name: str):
        try:
            sheet = self._cal.get_sheet_by_name(name)
        except Exception:  # noqa: BLE001 - calamine raises various errors for broken parts
            _fail("corrupt", f"工作表“{name}”无法读取,文件可能已损坏。")
        if sheet.total_height > MAX_ROWS:
            _fail("too-many-rows", f"工作表“{name}”有 {sheet.total_height:,} 行,超过上限 {MAX_ROWS:,} 行。"
                                   "请按年度拆分工作簿后再使用。")
        return sheet

    def rows(self, name: str) -> list[list] | None:
        """All cell values of a sheet from A1 (empty cells are ''), or None if no such sheet;
        merged areas are filled with their top-left value."""
        if name not in self.sheet_names:
            return None
        sheet = self.sheet(name)
        rows = sheet.to_python(skip_empty_area=False)
        _fill_merged(rows, sheet.merged_cell_ranges or [])
        return rows

    def head(self, name: str, n: int = 12) -> list[list]:
        """The first n rows of a sheet from A1 ('' for empty cells), read from the sheet's XML
        without parsing the rest of the sheet (sheethead); the full read when that fails."""
        from xml.etree.ElementTree import ParseError

        part = sheet_part(self.path, name)
        try:
            if part is not None:
                return head_rows(self.path, part, n)
        except (ParseError, KeyError, ValueError, OSError, zipfile.BadZipFile, EOFError):
            pass
        rows = (self.rows(name) or [])[:n]
        width = max((len(r) for r in rows), default=0)
        return [r + [""] * (width - len(r)) for r in rows] + [[""] * width] * (n - len(rows))

    def table(self, name: str, head: list[list], wanted=None) -> pd.DataFrame:
        """The sheet as text (fastexcel), index = Excel row, columns = Excel column numbers
        (1-based; only `wanted` ones when given); merged areas filled with their top-left
        value. Falls back to calamine when fastexcel's range cannot be placed exactly."""
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(1) as pool:      # zlib releases the GIL: the scan runs beside the read
            merged = pool.submit(merged_ranges, self.path, name)
            frame = self._fastexcel_frame(name, head, wanted)
            ranges = merged.result()
        if frame is None:
            frame = rows_frame(self.rows(name) or [])
        return fill_merged(frame, ranges)

    def _fastexcel_frame(self, name: str, head: list[list], wanted=None) -> pd.DataFrame | None:
        import fastexcel

        try:
            sheet = fastexcel.read_excel(str(self.path)).load_sheet_by_name(
                name, header_row=None, dtypes="string")
        except Exception:  # noqa: BLE001 - fastexcel raises its own error types
            _fail("corrupt", f"工作表“{name}”无法读取,文件可能已损坏。")
        if sheet.total_height > MAX_ROWS:
            _fail("too-many-rows", f"工作表“{name}”有 {sheet.total_height:,} 行,超过上限 {MAX_ROWS:,} 行。"
                                   "请按年度拆分工作簿后再使用。")
        arrow = sheet.to_arrow()
        origin = _origin(head, arrow)
        if origin is None:
            return None
        row0, col0 = origin
        keep = [i for i in range(arrow.num_columns) if wanted is None or col0 + i in wanted]
        frame = pd.DataFrame({col0 + i: arrow.column(i).to_pandas() for i in keep})
        frame.index = pd.RangeIndex(row0, row0 + len(frame))
        return frame


def _fill_merged(rows: list[list], ranges) -> None:
    for (r0, c0), (r1, c1) in ranges:
        if r0 >= len(rows) or c0 >= len(rows[r0]):
            continue
        value = rows[r0][c0]
        for r in range(r0, min(r1, len(rows) - 1) + 1):
            row = rows[r]
            for c in range(c0, min(c1, len(row) - 1) + 1):
                if (r, c) != (r0, c0) and row[c] == "":
                    row[c] = value


def vet(path: Path | str) -> Path:
    """Check an .xlsx from anywhere before any reader touches it (the module docstring's list);
    raises WorkbookError with a stable code and Chinese message."""
    path = Path(path)
    try:
        _check_path(path)
    except PermissionError:
        _fail("no-permission", f"没有权限读取“{path}”,请检查文件是否被占用或权限设置。")
    _check_zip(path)
    return path


def open_book(path: Path | str) -> Book:
    """Vet and open a workbook; raises WorkbookError with a stable code and Chinese message."""
    path = vet(path)
    try:
        cal = python_calamine.CalamineWorkbook.from_path(str(path))
    except Exception:  # noqa: BLE001 - calamine's errors are not a public hierarchy
        _fail("corrupt", f"“{path.name}”无法作为 Excel 工作簿读取,文件可能已损坏。")
    return Book(path, cal)

