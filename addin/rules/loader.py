"""Loading a dealer's workbook: vet the file, read settings and policy, parse the orders,
run every check. One entry point for the CLI, the Excel buttons and the reports.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path

from addin.rules.checks import validate
from addin.book.factories import Factory, order_factories
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
    # for_factory, for the reply items of the dealer's former single factory (report.replies.
    # Ledger.inherit): the departments for which this factory is the first in the 厂家 table, and
    # per department name, the models of the orders of the other factories that have it
    inherits: tuple[str, ...] = ()
    foreign_models: dict = field(default_factory=dict)

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

    def by_factory(self) -> list[tuple[Factory, "Loaded"]]:
        """Each factory with the workbook as that factory sees it (for_factory); a single
        factory: [(it, this very workbook)], so its outputs are what they always were."""
        factories = self.settings.factory_list()
        if len(factories) == 1:
            return [(factories[0], self)]
        of = order_factories(self.orders.frame, factories)      # once for every factory's view
        return [(f, self.for_factory(f, of)) for f in factories]

    def for_factory(self, factory: Factory, of=None) -> "Loaded":
        """Only this factory's orders (its 品牌), its departments, settlement and policy, and the
        issues of its rows and of the other sheets: nothing of another factory's orders.
        `of`: order_factories of this workbook's orders, when the caller has it."""
        if of is None:
            of = order_factories(self.orders.frame, self.settings.factory_list())
        frame = self.orders.frame[(of == factory.name).to_numpy(dtype=bool)]
        rows = set(frame.index)
        orders = replace(self.orders, frame=frame,
                         unreadable={k: v & rows for k, v in self.orders.unreadable.items()})
        issues = [i for i in self.issues if i.where.sheet != self.orders.sheet or i.where.row in rows
                  or i.where.row <= self.orders.header_row]
        return replace(self, orders=orders, settings=self.settings.for_factory(factory),
                       policy=self.policy.for_factory(factory.name), issues=issues,
                       vocab=self._own_sales(frame), inherits=self._inherits(factory),
                       foreign_models=self._foreign_models(factory, of))

    def _foreign_models(self, factory: Factory, of) -> dict:
        """{department name of `factory`: the models of the orders of the other factories that
        have a department of that name}."""
        models = self.orders.frame["model"]
        out = {}
        for d in dict.fromkeys(d.name for d in factory.departments):
            others = [f.name for f in self.settings.factory_list()
                      if f.name != factory.name and any(x.name == d for x in f.departments)]
            out[d] = frozenset(models[of.isin(others).to_numpy(dtype=bool)].dropna().astype(str))
        return out

    def _inherits(self, factory: Factory) -> tuple[str, ...]:
        """The department names of `factory` that no factory listed before it has."""
        before = []
        for f in self.settings.factory_list():
            if f.name == factory.name:
                break
            before += [d.name for d in f.departments]
        return tuple(dict.fromkeys(d.name for d in factory.departments if d.name not in before))

    def _own_sales(self, frame) -> Vocab:
        """The vocabularies with only the 销售台账 rows of models this factory's orders name (a
        factory never sees another's sales by model)."""
        sales = self.vocab.sales
        if sales is None:
            return self.vocab
        return replace(self.vocab, sales=sales[sales["model"].isin(set(frame["model"].dropna()))])

    def unassigned(self) -> list[int]:
        """Excel rows of orders that belong to no factory (unknown or missing 品牌, several factories)."""
        if not self.settings.several_factories:
            return []
        of = order_factories(self.orders.frame, self.settings.factory_list())
        return [int(r) for r in of.index[of.isna().to_numpy(dtype=bool)]]


def load_book(book, now: datetime | None = None, path: Path | None = None) -> Loaded:
    """Parse and check an opened book (workbook.Book or excel.livebook.ExcelRows)."""
    rows = book.rows(SETTINGS_SHEET)
    settings, issues = settings_from_rows(rows) if rows is not None else (Settings(), [])
    policy, policy_issues = load_policy(book.rows, settings.factories)
    vocab = load_vocab(book.rows)
    orders, parse_issues = parse_orders(book)
    issues += policy_issues + list(vocab.issues) + parse_issues
    issues += validate(orders, policy, settings, now=now)
    return Loaded(path, orders, settings, policy, sorted(issues, key=sort_key), vocab)


def load_workbook(path: Path | str, now: datetime | None = None) -> Loaded:
    """Open, parse and check a workbook file; raises issues.WorkbookError when unreadable."""
    path = Path(path)
    return load_book(open_book(path), now=now, path=path)
