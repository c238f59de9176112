"""The 厂家 column of the policy tables: which rows are every factory's and which one factory's.

Each factory has its own contract (../shared/spec/policy.md): a row of 三包政策, 政策参数,
服务承诺 or 厂家结算标准 with a factory's name (or one of its brands) in its 厂家 cell applies
to that factory's orders only; a row with an empty 厂家 cell applies to all.

`FactoryRows(rows_of, factories, issues)` reads each sheet once and offers the sheet's rows as
the policy readers expect them (`rows_of` functions): `generic` (the rows without a factory)
and `of(name)` (only that factory's rows). The 厂家 column is taken out of every row and the
other rows are left empty, so Excel row numbers stay right. `merge(base, own)` lays one
factory's policy over the generic one: its categories' warranty terms and its (category,
service type) rates replace the generic ones, the others are kept.
"""
from __future__ import annotations

import re
from dataclasses import replace

from addin.book.factories import Resolver, norm
from addin.book.issues import ERROR, CellRef, Issue
from addin.book.policy import (FACTORY_COLUMN, PARAMS_HEADERS, PARAMS_SHEET, PROMISE_HEADERS, PROMISE_SHEET,
                               RATES_HEADERS, RATES_SHEET, WARRANTY_HEADERS, WARRANTY_SHEET, Policy)

HEADS = {WARRANTY_SHEET: WARRANTY_HEADERS[0], PARAMS_SHEET: PARAMS_HEADERS[0], PROMISE_SHEET: PROMISE_HEADERS[0],
         RATES_SHEET: RATES_HEADERS[0]}
SCAN_ROWS = 10


def _header(rows: list, first: str) -> tuple[int, int] | None:
    """(0-based header row, 厂家 column) when the sheet's header row has a 厂家 column."""
    for r, row in enumerate(rows[:SCAN_ROWS]):
        cells = [norm(c) for c in row]
        if first in cells:
            hits = [c for c, text in enumerate(cells) if re.sub(r"\(.*\)$", "", text) in (FACTORY_COLUMN, "品牌")]
            return (r, hits[0]) if hits else None
    return None


class FactoryRows:
    """The policy sheets split by their 厂家 column (see the module docstring)."""

    def __init__(self, rows_of, factories, issues: list):
        self._rows_of, self._split, self.names = rows_of, {}, []
        resolver = Resolver(factories)
        known = "、".join(f.name for f in factories if f.name) or "(设置表中还没有厂家表)"
        for sheet, first in HEADS.items():
            rows = rows_of(sheet)
            found = _header(rows, first) if rows else None
            if found is None:
                continue
            head, col = found
            owner = {}
            for r in range(head + 1, len(rows)):
                cell = rows[r][col] if col < len(rows[r]) else ""
                if norm(cell) == "":
                    continue
                name = resolver.lookup(cell)
                if name is None:
                    issues.append(Issue(CellRef(sheet, r + 1, col + 1), FACTORY_COLUMN, "policy-factory-unknown", ERROR,
                                        f"“{sheet}”第{r + 1}行的厂家“{cell}”不在设置表的厂家表中(有:{known}),"
                                        "这一行未使用。"))
                owner[r] = name
                if name and name not in self.names:
                    self.names.append(name)
            self._split[sheet] = (rows, head, col, owner)

    def _view(self, sheet: str, keep):
        if sheet not in self._split:
            return self._rows_of(sheet)
        rows, head, col, owner = self._split[sheet]
        out = []
        for r, row in enumerate(rows):
            cells = [c for i, c in enumerate(row) if i != col]
            out.append(cells if r <= head or keep(owner.get(r, "")) else [])
        return out

    def generic(self, sheet: str):
        return self._view(sheet, lambda name: name == "")

    def of(self, name: str):
        """A rows_of function with only `name`'s rows; None for sheets where it has none."""
        def rows_of(sheet: str):
            if sheet not in self._split or name not in self._split[sheet][3].values():
                return None
            return self._view(sheet, lambda owner: owner == name)
        return rows_of


def merge(base: Policy, own: Policy) -> Policy:
    """`own` (a policy read from one factory's rows on top of `base`) with the generic warranty
    terms and rates it does not replace kept."""
    warranty = tuple(next((t for t in own.warranty if t.category == b.category), b) for b in base.warranty)
    warranty += tuple(t for t in own.warranty if t.category not in {b.category for b in base.warranty})
    rates = tuple(next((r for r in own.factory_rates if (r.category, r.service_type) == (b.category, b.service_type)), b)
                  for b in base.factory_rates)
    rates += tuple(r for r in own.factory_rates
                   if (r.category, r.service_type) not in {(b.category, b.service_type) for b in base.factory_rates})
    return replace(own, warranty=warranty, factory_rates=rates, factories=())
