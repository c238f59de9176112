"""Located problems: where a problem is (CellRef) and what it is (Issue).

Every check, parser and policy loader returns a list of Issue values instead of raising;
the CLI, the annotated copy and the Excel buttons all render the same values.
"""
from __future__ import annotations

import json
from dataclasses import dataclass

ERROR = "error"
WARNING = "warning"


def col_letter(col: int) -> str:
    """1-based column number → Excel letters (1 → A, 27 → AA)."""
    letters = ""
    while col > 0:
        col, rem = divmod(col - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def col_number(letters: str) -> int:
    """Excel letters → 1-based column number (AA → 27)."""
    n = 0
    for ch in letters.upper():
        n = n * 26 + ord(ch) - 64
    return n


@dataclass(frozen=True, order=True)
class CellRef:
    """A cell of a sheet: 1-based row and column, as Excel numbers them."""

    sheet: str
    row: int
    col: int

    @property
    def a1(self) -> str:
        return f"{col_letter(self.col)}{self.row}"


@dataclass(frozen=True)
class Issue:
    """One problem at one cell: stable code, severity (error/warning), Chinese message.

    `column` is the header the dealer sees above the cell (or a short label for
    problems that are not about an order column, e.g. a policy table cell).
    """

    where: CellRef
    column: str
    code: str
    severity: str
    message: str

    def as_dict(self) -> dict:
        """The JSON shape of `aftersales check --json`: exactly these seven keys."""
        return {
            "sheet": self.where.sheet,
            "cell": self.where.a1,
            "row": self.where.row,
            "column": self.column,
            "code": self.code,
            "severity": self.severity,
            "message": self.message,
        }


def issues_json(issues) -> str:
    """Exactly `json.dumps([i.as_dict() for i in issues], ensure_ascii=False, indent=1)`, made
    with the C string encoder: json's indenting encoder is pure Python and takes seconds for
    the 40,000 issues of a big workbook."""
    if not issues:
        return "[]"
    enc = json.encoder.encode_basestring
    return "[\n" + ",\n".join(
        f' {{\n  "sheet": {enc(i.where.sheet)},\n  "cell": {enc(i.where.a1)},\n  "row": {int(i.where.row)},'
        f'\n  "column": {enc(i.column)},\n  "code": {enc(i.code)},\n  "severity": {enc(i.severity)},'
        f'\n  "message": {enc(i.message)}\n }}' for i in issues) + "\n]"


def sort_key(issue: Issue):
    return (issue.where.sheet, issue.where.row, issue.where.col, issue.code)


class WorkbookError(Exception):
    """The file cannot be read as a dealer's workbook at all (exit 2).

    `code` is stable (e.g. `file-missing`, `not-xlsx`); `message` is Chinese, for the clerk.
    """

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message
