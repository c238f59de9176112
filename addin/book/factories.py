"""The factories a dealer serves (设置's 厂家 table) and which factory an order belongs to.

A county dealer sells several brands — TVs of one factory, fridges of another — and serves each
under that factory's own contract: its departments and their addresses, its settlement model,
its reply deadline, its policy rows. `Factory` is one such contract; `Department` a factory
department that gets a monthly pack.

- `factory_table(rows, start, sheet, issues)` reads the 厂家 table of 设置 (header row 厂家 |
  品牌 | 结算方式 | 包干比例 | 年销售额(元) | 回复期限(天)); a blank cell means "the value of
  the single-factory key above" (结算方式, 包干比例, …).
- `Resolver(factories).of(brand)`: an order's 品牌 → the factory's name, by the factory's brand
  list or by the factory's own name typed directly; case, width and spaces do not matter.
  With a single factory every order is that factory's, whatever its brand says.
- `order_factories(frame, factories)`: the factory of every order (None: unknown or missing
  brand while several factories are set up — the check says so).
- `parts(frame, settings, policy)`: (factory, settings of that factory, policy of that factory,
  index of its orders) per factory with orders, then the orders of no factory (generic policy):
  what the engines run on one group at a time.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal

import pandas as pd

from addin.book.issues import ERROR, CellRef, Issue

FACTORY_HEADERS = ("厂家", "品牌(多个用逗号分隔)", "结算方式", "包干比例", "年销售额(元)", "回复期限(天)")
BRAND_SEPARATORS = re.compile("[,;/\n\r\u3001\uff0c\uff1b]+")   # also 、 ， ； (full width, as Chinese IMEs type them)


@dataclass(frozen=True)
class Department:
    """A factory department that gets a monthly pack. `full_customer_data`: may see
    customers' full names, phones and addresses (otherwise they arrive masked)."""

    name: str
    emails: tuple[str, ...] = ()
    full_customer_data: bool = False


DEFAULT_DEPARTMENTS = (
    Department("质量部", ("quality@example.com",)),
    Department("研发部", ("rd@example.com",)),
    Department("生产部", ("production@example.com",)),
    Department("售后服务部", ("service@example.com",), True),
)


@dataclass(frozen=True)
class Factory:
    """One factory's contract with the dealer. None in a field: the dealer's single-factory
    setting of the same name applies (settings.Settings.for_factory)."""

    name: str
    brands: tuple[str, ...] = ()
    settlement_model: str | None = None
    lump_sum_rate: Decimal | None = None
    annual_sales: Decimal | None = None
    reply_days: int | None = None
    departments: tuple[Department, ...] = ()
    row: int | None = field(default=None, compare=False)     # its Excel row in 设置 (for a check's cell)


def norm(text) -> str:
    """A brand or factory name as compared: NFKC, no spaces, case-folded."""
    if text is None:
        return ""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(text))).casefold()


def split_brands(text) -> tuple[str, ...]:
    """'海信, 容声、科龙' → ('海信', '容声', '科龙')."""
    if text is None:
        return ()
    return tuple(b.strip() for b in BRAND_SEPARATORS.split(str(text)) if b.strip())


class Resolver:
    """Brand (or factory name) → factory name, for a tuple of factories."""

    def __init__(self, factories):
        self.factories = tuple(factories)
        self._of: dict[str, str] = {}
        for f in self.factories:
            for key in (f.name, *f.brands):
                self._of.setdefault(norm(key), f.name)

    @property
    def single(self) -> bool:
        return len(self.factories) <= 1

    def known(self, brand) -> bool:
        return norm(brand) in self._of

    def lookup(self, text) -> str | None:
        """The factory a brand or factory name names, with one factory or several."""
        return self._of.get(norm(text))

    def of(self, brand) -> str | None:
        """The factory of an order with this 品牌 (with a single factory: always that one)."""
        if self.single:
            return self.factories[0].name if self.factories else ""
        return self._of.get(norm(brand))

    def choices(self) -> list[str]:
        """What may be typed in 品牌: every brand, then factories without brands by name."""
        out = [b for f in self.factories for b in f.brands]
        return list(dict.fromkeys(out + [f.name for f in self.factories if not f.brands and f.name]))


def order_factories(frame: pd.DataFrame, factories) -> pd.Series:
    """The factory name of every order (index as the frame), None where it is not known."""
    resolver = Resolver(factories)
    if resolver.single:
        return pd.Series(resolver.of(None), index=frame.index, dtype=object)
    brand = frame["brand"] if "brand" in frame.columns else pd.Series(None, index=frame.index, dtype=object)
    names = {b: resolver.of(b) for b in brand.dropna().unique()}
    return brand.map(names).astype(object).where(brand.notna(), None)


def parts(frame: pd.DataFrame, settings, policy) -> list[tuple]:
    """[(factory or None, its settings, its policy, index of its orders)] — one entry with the
    whole frame when the dealer has a single factory; else one per factory with orders, then
    the orders of no factory under the generic policy."""
    factories = settings.factory_list()
    if len(factories) <= 1:
        return [(factories[0] if factories else None, settings, policy, frame.index)]
    of = order_factories(frame, factories)
    out = []
    for f in factories:
        index = frame.index[(of == f.name).to_numpy(dtype=bool)]
        if len(index):
            out.append((f, settings.for_factory(f), policy.for_factory(f.name), index))
    lost = frame.index[of.isna().to_numpy(dtype=bool)]
    if len(lost):
        out.append((None, settings, policy, lost))
    return out


def cell_text(v) -> str:
    """A 设置 cell as text: '' for empty, 30.0 → '30', stripped."""
    if v is None:
        return ""
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    return str(v).strip()


def factory_table(rows: list, start: int, stop: int, sheet: str, issues: list, convert) -> tuple[Factory, ...]:
    """The factories of 设置 rows start+1 … stop-1 (`start`: the header row, 0-based). `convert(kind,
    text)` is settings' cell converter (raises ValueError with a Chinese reason)."""
    kinds = ((2, "settlement_model", "model"), (3, "lump_sum_rate", "rate"), (4, "annual_sales", "money"),
             (5, "reply_days", "int"))
    out, seen, excel_rows = [], set(), []
    for r in range(start + 1, stop):
        row = list(rows[r]) + [None] * len(FACTORY_HEADERS)
        name = cell_text(row[0])
        if not name:
            continue
        if norm(name) in seen:
            issues.append(Issue(CellRef(sheet, r + 1, 1), FACTORY_HEADERS[0], "setting-factory-duplicate", ERROR,
                                f"厂家“{name}”在设置表中出现了两次,只用第一行;请删除重复的一行。"))
            continue
        seen.add(norm(name))
        values = {"row": r + 1}
        for col, attr, kind in kinds:
            text = cell_text(row[col])
            if not text:
                continue
            try:
                values[attr] = convert(kind, text)
            except (ValueError, ArithmeticError) as exc:
                issues.append(Issue(CellRef(sheet, r + 1, col + 1), FACTORY_HEADERS[col], "setting-factory-invalid",
                                    ERROR, f"厂家“{name}”的“{FACTORY_HEADERS[col]}”填了“{text}”,无效:{exc}。"
                                    "已按上面的同名设置处理。"))
        out.append(Factory(name, split_brands(cell_text(row[1])), **values))   # 360 typed as a number: '360'
        excel_rows.append(r + 1)
    _brand_clashes(out, excel_rows, sheet, issues)
    return tuple(out)


def _brand_clashes(factories: list[Factory], excel_rows: list[int], sheet: str, issues: list) -> None:
    """A brand listed under two factories: its orders go to the first; said once per brand, at
    the 品牌 cell of the later factory's row."""
    owner: dict[str, str] = {}
    for f, row in zip(factories, excel_rows):
        for key in (f.name, *f.brands):
            first = owner.setdefault(norm(key), f.name)
            if first != f.name:
                issues.append(Issue(CellRef(sheet, row, 2), FACTORY_HEADERS[1], "setting-brand-duplicate",
                                    ERROR, f"品牌“{key}”同时列在厂家“{first}”和“{f.name}”下,这个品牌的服务单"
                                    f"归“{first}”;请只在一个厂家下填写。"))
