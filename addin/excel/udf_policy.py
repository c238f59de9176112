"""The policy and settings a worksheet function uses: those of the workbook it is called from.

`rules_for(caller)` takes the calling cell (xlwings fills a UDF argument named `caller` with
it; None when the function is called as a plain function) and returns the workbook's
`Rules`: its policy tables (三包政策, 政策参数, 服务承诺, 厂家结算标准, read by
addin.book.policy_sheet.load_policy) and its 设置 sheet (for the default city tier), read through
addin.excel.livebook.ExcelRows, one read of values per sheet — the same reading as the ribbon's
buttons, so a cell and 计算费用 agree.

A recalculation of many cells must not read the tables for every cell, and a dealer who
edits a table must see the new numbers at the next recalculation: `RulesCache` keeps one
entry per workbook (keyed by its full name) while calls keep coming, and reads again after
a pause of `idle` seconds (the dealer typing) or at the latest `max_age` seconds after the
read. `clear()` forgets everything.

Nothing here raises into a cell: no caller or absent sheets → the defaults (`Policy()`,
`Settings()`), as load_policy does for the check. A book whose tables cannot be read, or
whose policy cells are errors, gives Rules with a `problem` (the reason, with the first bad
cell), which the functions show in the cell instead of a number computed on the wrong policy.
This module does not import xlwings.
"""
from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field, replace
from typing import Callable

from addin.excel.livebook import ExcelRows
from addin.book.factories import Resolver
from addin.book.policy import Policy
from addin.book.policy_sheet import load_policy
from addin.book.settings import SETTINGS_SHEET, Settings, settings_from_rows

MAX_AGE_SECONDS = 5.0
# A table present but unreadable, or a value replaced by its default: the numbers would not be
# the workbook's. (A row for an unknown category or tier is unused and changes nothing else.)
UNUSABLE = ("policy-sheet-unreadable", "policy-sheet-empty", "policy-value-invalid")
IDLE_SECONDS = 1.0


@dataclass(frozen=True)
class Rules:
    policy: Policy = field(default_factory=Policy)
    settings: Settings = field(default_factory=Settings)
    problem: str = ""        # why the workbook's own policy cannot be used ('' when it can)


DEFAULTS = Rules()


def read_rules(book) -> Rules:
    """The book's policy and settings (defaults for absent sheets); `problem` says why they
    cannot be used: the tables could not be read, or a policy cell is an error."""
    try:
        reader = ExcelRows(book)
        rows = reader.rows(SETTINGS_SHEET)
        settings = settings_from_rows(rows)[0] if rows is not None else Settings()
        policy, issues = load_policy(reader.rows, settings.factories)
    except Exception as exc:  # noqa: BLE001 - a cell shows a reason, never a Python error
        return Rules(problem=f"无法读取本工作簿的政策表({type(exc).__name__}),请点“校验”查看")
    bad = [i for i in issues if i.code in UNUSABLE]
    if bad:
        first = bad[0]
        where = f"{first.where.a1}“{first.column}”" if first.code == "policy-value-invalid" else "无法读取"
        more = f"等{len(bad)}处" if len(bad) > 1 else ""
        return Rules(policy, settings, f"政策表“{first.where.sheet}”{where}{more}有错误,请先改正后再算(点“校验”查看)")
    return Rules(policy, settings)


def for_brand(rules: Rules, brand) -> Rules:
    """The rules of one brand's factory (its policy rows and settlement): a worksheet function's
    optional last argument 品牌. Blank, or a dealer with a single factory: the rules as they are
    (with several factories: the rows without a 厂家). A brand no factory lists raises ValueError
    (shown in the cell)."""
    text = "" if brand is None else str(brand).strip()
    factories = rules.settings.factory_list()
    if not text or len(factories) <= 1:
        return rules
    name = Resolver(factories).lookup(text)
    if name is None:
        raise ValueError(f"品牌“{text}”不在设置表的厂家表中(有:{'、'.join(Resolver(factories).choices())})")
    factory = next(f for f in factories if f.name == name)
    return replace(rules, policy=rules.policy.for_factory(name), settings=rules.settings.for_factory(factory))


class RulesCache:
    """Workbook key → Rules, read again after a pause of `idle` s or `max_age` s after the read."""

    def __init__(self, max_age: float = MAX_AGE_SECONDS, idle: float = IDLE_SECONDS,
                 clock: Callable[[], float] = time.monotonic):
        self.max_age, self.idle, self.clock = max_age, idle, clock
        self._entries: dict[str, tuple[Rules, float, float]] = {}   # key → (rules, read at, last used)
        self._lock = threading.Lock()

    def get(self, key: str, load: Callable[[], Rules]) -> Rules:
        with self._lock:
            now = self.clock()
            entry = self._entries.get(key)
            if entry is None or now - entry[1] > self.max_age or now - entry[2] > self.idle:
                self._entries = {k: e for k, e in self._entries.items() if now - e[1] <= self.max_age}
                entry = (load(), now, now)
            self._entries[key] = (entry[0], entry[1], now)
            return entry[0]

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


CACHE = RulesCache()


def rules_for(caller, cache: RulesCache = CACHE) -> Rules:
    """The calling workbook's rules; the defaults without a caller or when it cannot be asked."""
    if caller is None:
        return DEFAULTS
    try:
        book = caller.sheet.book
        key = str(book.fullname)
    except Exception:  # noqa: BLE001 - not a cell of a workbook (e.g. called from VBA)
        return DEFAULTS
    return cache.get(key, lambda: read_rules(book))


def clear() -> None:
    """Forget every workbook's rules (the next call reads the tables again)."""
    CACHE.clear()
