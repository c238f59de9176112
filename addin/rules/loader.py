"""Loading a dealer's workbook: vet the file, read settings and policy, parse the orders,
run every check. One entry point for the CLI, the Excel buttons and the reports.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from addin.rules.checks import validate
from addin.book.issues import ERROR, Issue, sort_key
from addin.book.parse import parse_orders
from addin.book.policy import Policy
from addin.book.policy_sheet import load_policy
from addin.book.records import OrderSheet
from addin.book.settings import SETTINGS_SHEET, Settings, settings_from_rows
from addin.book.vocab import Vocab, load_vocab
from addin.book.workbook import open_book


@dataclass
class Loaded:
    path: Path | None
    orders: OrderSheet
    settings: Settings
    policy: Policy
    issues: list[Issue] = field(default_factory=list)
    vocab: Vocab = field(default_factory=Vocab)        # cause classes, fault list, sales (report)

    @property
    def error_rows(self) -> set[int]:
        """Excel rows of the order sheet with at least one error."""
        rows = {i.where.row for i in self.issues
                if i.severity == ERROR and i.where.sheet == self.orders.sheet}
        return rows & set(self.orders.frame.index)

    @property
    def no_orders(self) -> str:
        """'' when the sheet holds orders; else what to tell the clerk (a blank template, header
        only, is a normal workbook, not an error)."""
        if not self.orders.frame.empty:
            return ""
        return f"工作表“{self.orders.sheet}”还没有服务单(只有表头):把服务单填在表头下面的行里,再校验。"


def load_book(book, now: datetime | None = None, path: Path | None = None) -> Loaded:
    """Parse and check an opened book (workbook.Book or excel.livebook.ExcelRows)."""
    rows = book.rows(SETTINGS_SHEET)
    settings, issues = settings_from_rows(rows) if rows is not None else (Settings(), [])
    policy, policy_issues = load_policy(book.rows)
    vocab = load_vocab(book.rows)
    orders, parse_issues = parse_orders(book)
    issues += policy_issues + list(vocab.issues) + parse_issues
    issues += validate(orders, policy, settings, now=now)
    return Loaded(path, orders, settings, policy, sorted(issues, key=sort_key), vocab)


def load_workbook(path: Path | str, now: datetime | None = None) -> Loaded:
    """Open, parse and check a workbook file; raises issues.WorkbookError when unreadable."""
    path = Path(path)
    return load_book(open_book(path), now=now, path=path)
