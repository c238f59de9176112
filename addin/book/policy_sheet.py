"""Reading the workbook's policy tables (三包政策, 政策参数, 服务承诺, 厂家结算标准) into a Policy.

`load_policy(rows_of)` takes a function sheet name → list of rows (cell values as
python-calamine gives them: str, float, int, bool, date, datetime, time, timedelta, '' for
empty) or None when the sheet is absent. Layouts are in addin.book.policy (headers in the first
rows; the header may sit anywhere in the first 10 rows).
- A sheet that is absent, has no recognisable header, or no usable row → the defaults for
  that table, with a warning (`policy-sheet-missing`, `policy-sheet-unreadable`,
  `policy-sheet-empty`).
- A cell that makes no sense (negative rate, a period that is not a whole number, unknown
  city tier / service type, a rate for a category the 三包政策 table does not list, a night
  rate above 5 = 500 %) → an error at that cell (`policy-value-invalid`, `policy-*-unknown`)
  and the default for that value. Errors, not warnings: every fee rests on these numbers.
- The 三包政策 table defines the product categories: a dealer adds one by adding a row.
"""
from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import replace
from datetime import datetime, time, timedelta
from decimal import Decimal

from addin.book.columns import CITY_TIERS, SERVICE_TYPES
from addin.book.issues import ERROR, WARNING, CellRef, Issue
from addin.book.policy import (PARAMS, PARAMS_HEADERS, PARAMS_SHEET, PROMISE_HEADERS, PROMISE_SHEET,
                     RATES_HEADERS, RATES_REQUIRED, RATES_SHEET, WARRANTY_HEADERS, WARRANTY_SHEET, FactoryRate,
                     Policy, WarrantyTerms)
from addin.book.policy import terms as parse_terms
from addin.book.policy_factories import FactoryRows, merge
from addin.book.values import read_decimal

HEADER_SCAN_ROWS = 10
INT_FIELDS = {"return_days": 0, "exchange_days": 0, "no_invoice_grace_days": 0,
              "repairs_before_exchange": 1, "fraud_gap_days": 0, "max_onsite_hours": 1,
              "batch_min_failures": 1}  # → minimum
TIME_FIELDS = ("night_start", "night_end")
MAX_NIGHT_RATE = Decimal(5)
PART_SEPARATORS = re.compile(r"[、,;，；\n\r]+")


def split_parts(text) -> list[str]:
    """A 主要部件 cell '液晶屏、遥控器;电源板' → ['液晶屏', '遥控器', '电源板']."""
    if text is None or (isinstance(text, float) and math.isnan(text)):
        return []
    return [p.strip() for p in PART_SEPARATORS.split(str(text)) if p.strip()]


class Bad(ValueError):
    """A policy cell's value makes no sense; the message says what to type instead."""


def _norm(v) -> str:
    if v is None:
        return ""
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(v)))


def number(v, minimum: Decimal = Decimal(0)) -> Decimal:
    """A number cell ('1,200', '30公里', '50%', 0.5) → Decimal ≥ minimum, else Bad
    (values.read_decimal: the same reader as the order sheet's)."""
    try:
        d = read_decimal(v, "any", percent=True)
    except ValueError as exc:
        raise Bad(str(exc)) from None
    if d < minimum:
        raise Bad("不能是负数" if minimum == 0 else f"不能小于{minimum}")
    return d


def whole(v, minimum: int = 0) -> int:
    d = number(v, Decimal(minimum))
    if d != d.to_integral_value():
        raise Bad("请填整数")
    return int(d)


def clock(v) -> time:
    """'21:00', '21点', an Excel time (time, timedelta or a day fraction) → time, else Bad."""
    if isinstance(v, time):
        return v
    if isinstance(v, datetime):
        return v.time()
    if isinstance(v, timedelta) and v < timedelta(days=1):
        return (datetime.min + v).time()
    if isinstance(v, (int, float)) and not isinstance(v, bool) and 0 <= v < 1:
        return (datetime.min + timedelta(seconds=round(v * 86400))).time()
    m = re.fullmatch(r"(\d{1,2})(?:[::点时](\d{1,2})?)?(?:[::](\d{1,2}))?分?", _norm(v))
    if not m or int(m.group(1)) > 23 or int(m.group(2) or 0) > 59:
        raise Bad("请填时刻,如 21:00")
    return time(int(m.group(1)), int(m.group(2) or 0))


def _table(sheet, rows_of, headers, issues, required: int | None = None) -> list[tuple[int, list]] | None:
    """The (Excel row, cells) under the table's header, or None (with a warning) to use defaults.
    `required`: how many leading headers a sheet must have (older layouts lack the last ones)."""
    rows = rows_of(sheet)
    where = CellRef(sheet, 1, 1)
    if rows is None:
        issues.append(Issue(where, sheet, "policy-sheet-missing", WARNING,
                            f"工作簿中没有“{sheet}”工作表,已按默认政策计算。需要自定义时请从模板复制该表。"))
        return None
    first = _norm(headers[0])
    for r, row in enumerate(rows[:HEADER_SCAN_ROWS]):
        if row and _norm(row[0]) == first and len(row) >= (required or len(headers)) - 1:
            body = [(r + 2 + i, list(x) + [""] * len(headers)) for i, x in enumerate(rows[r + 1:])]
            return [(n, x) for n, x in body if any(_norm(c) for c in x[:len(headers)])]
    issues.append(Issue(where, sheet, "policy-sheet-unreadable", WARNING,
                        f"“{sheet}”工作表找不到表头“{'、'.join(headers)}”,已按默认政策计算。"))
    return None


def _bad(issues, sheet, row, col, label, exc, default) -> None:
    issues.append(Issue(CellRef(sheet, row, col), label, "policy-value-invalid", ERROR,
                        f"“{sheet}”中“{label}”的值无效:{exc}。已按默认值{default}计算,请改正。"))


def _unknown(issues, sheet, row, col, label, code, value, allowed) -> None:
    issues.append(Issue(CellRef(sheet, row, col), label, code, ERROR,
                        f"“{sheet}”中“{label}”“{value}”无效,请填 {' / '.join(allowed)} 之一。这一行未使用。"))


def _field(cells, i, convert, issues, sheet, row, label, default):
    """The converted cell, or `default` after reporting the cell as an error."""
    try:
        return convert(cells[i])
    except Bad as exc:
        shown = default.strftime("%H:%M") if isinstance(default, time) else default
        _bad(issues, sheet, row, i + 1, label, exc, shown)
        return default


def read_warranty(rows_of, policy: Policy, issues) -> Policy:
    table = _table(WARRANTY_SHEET, rows_of, WARRANTY_HEADERS, issues)
    if table is None:
        return policy
    terms, seen = [], set()
    for row, c in table:
        cat = _norm(c[0])
        if not cat:
            _unknown(issues, WARRANTY_SHEET, row, 1, WARRANTY_HEADERS[0], "policy-category-missing",
                     "(空)", policy.categories)
            continue
        if cat in seen:
            issues.append(Issue(CellRef(WARRANTY_SHEET, row, 1), WARRANTY_HEADERS[0], "policy-category-duplicate",
                                WARNING, f"“{WARRANTY_SHEET}”中“{cat}”出现了两次,只用第一行。"))
            continue
        seen.add(cat)
        base = policy.terms(cat) or WarrantyTerms(cat)
        get = lambda i, d: _field(c, i, whole, issues, WARRANTY_SHEET, row, WARRANTY_HEADERS[i], d)  # noqa: E731
        terms.append(parse_terms(cat, get(1, base.whole_unit_months), get(2, base.main_part_months),
                                 "" if c[3] is None else str(c[3])))
    if not terms:
        issues.append(Issue(CellRef(WARRANTY_SHEET, 1, 1), WARRANTY_SHEET, "policy-sheet-empty", WARNING,
                            f"“{WARRANTY_SHEET}”工作表没有可用的行,已按默认政策计算。"))
        return policy
    return replace(policy, warranty=tuple(terms))


def read_params(rows_of, policy: Policy, issues) -> Policy:
    table = _table(PARAMS_SHEET, rows_of, PARAMS_HEADERS, issues)
    if table is None:
        return policy
    by_label, values = {_norm(label): (label, attr) for label, attr, _ in PARAMS}, {}
    for row, c in table:
        if _norm(c[0]) not in by_label or _norm(c[1]) == "":
            continue
        label, attr = by_label[_norm(c[0])]
        if attr in INT_FIELDS:
            convert = lambda v, attr=attr: whole(v, INT_FIELDS[attr])  # noqa: E731
        elif attr in TIME_FIELDS:
            convert = clock
        else:
            convert = _rate if attr in ("night_rate", "failure_rate_alert") else number
        values[attr] = _field(c, 1, convert, issues, PARAMS_SHEET, row, label, getattr(policy, attr))
    return replace(policy, **values)


def _rate(v) -> Decimal:
    d = number(v)
    if d > MAX_NIGHT_RATE:
        raise Bad("请填比例,如 0.5 或 50% 表示加收一半")
    return d


def read_promises(rows_of, policy: Policy, issues) -> Policy:
    table = _table(PROMISE_SHEET, rows_of, PROMISE_HEADERS, issues)
    if table is None:
        return policy
    hours = {}
    for row, c in table:
        tier = _norm(c[0])
        if tier not in CITY_TIERS:
            _unknown(issues, PROMISE_SHEET, row, 1, PROMISE_HEADERS[0], "policy-tier-unknown", tier, CITY_TIERS)
            continue
        default = dict(policy.onsite_hours).get(tier, policy.max_onsite_hours)
        h = _field(c, 1, lambda v: number(v, Decimal("0.01")), issues, PROMISE_SHEET, row,
                   PROMISE_HEADERS[1], default)
        hours[tier] = int(h) if h == int(h) else float(h)
    if not hours:
        return policy
    merged = {**dict(policy.onsite_hours), **hours}
    return replace(policy, onsite_hours=tuple(merged.items()))


def read_rates(rows_of, policy: Policy, issues) -> Policy:
    table = _table(RATES_SHEET, rows_of, RATES_HEADERS, issues, RATES_REQUIRED)
    if table is None:
        return policy
    rates = []
    for row, c in table:
        cat, stype = _norm(c[0]), _norm(c[1])
        if cat not in policy.categories:
            _unknown(issues, RATES_SHEET, row, 1, RATES_HEADERS[0], "policy-category-unknown", cat, policy.categories)
            continue
        if stype not in SERVICE_TYPES:
            _unknown(issues, RATES_SHEET, row, 2, RATES_HEADERS[1], "policy-service-type-unknown", stype, SERVICE_TYPES)
            continue
        old = policy.factory_rate(cat, stype) or FactoryRate(cat, stype, Decimal(0), Decimal(1))
        labour = _field(c, 2, number, issues, RATES_SHEET, row, RATES_HEADERS[2], old.labour)
        per_km = _field(c, 3, number, issues, RATES_SHEET, row, RATES_HEADERS[3], old.travel_per_km)
        share = _optional(c, 4, number, issues, row, old.materials_rate)
        declined = _optional(c, 5, number, issues, row, old.declined_labour)
        rates.append(FactoryRate(cat, stype, labour, per_km, share, declined))
    if not rates:
        return policy
    return replace(policy, factory_rates=tuple(rates))


def _optional(cells, i, convert, issues, row, default):
    """A cell of an optional rates column: empty → the default (None allowed)."""
    if _norm(cells[i]) == "":
        return default
    return _field(cells, i, convert, issues, RATES_SHEET, row, RATES_HEADERS[i],
                  "工时费" if default is None else default)


READERS = ((WARRANTY_SHEET, read_warranty), (PARAMS_SHEET, read_params), (PROMISE_SHEET, read_promises),
           (RATES_SHEET, read_rates))


def load_policy(rows_of, factories=()) -> tuple[Policy, list[Issue]]:
    """The workbook's policy (defaults for whatever is absent or unusable) and its issues.
    `factories` (settings' factory list): rows with a factory in their 厂家 cell make that
    factory's policy (Policy.for_factory, book.policy_factories); with a single factory its
    rows are simply the policy."""
    issues: list[Issue] = []
    split = FactoryRows(rows_of, factories, issues)
    policy = Policy()
    for _, read in READERS:
        policy = read(split.generic, policy, issues)
    own = []
    for name in split.names:
        mine, rows = policy, split.of(name)
        for sheet, read in READERS:
            if rows(sheet) is not None:
                mine = merge(mine, read(rows, mine, issues))
        own.append((name, mine))
    policy = replace(policy, factories=tuple(own))
    if len(factories) == 1:
        policy = policy.for_factory(factories[0].name)
    if policy.exchange_days < policy.return_days:
        issues.append(Issue(CellRef(PARAMS_SHEET, 1, 1), PARAMS_SHEET, "policy-periods-order", WARNING,
                            f"换货期({policy.exchange_days}天)短于退货期({policy.return_days}天),请核对。"))
    return policy, _one_warning_if_all_missing(issues)


def _one_warning_if_all_missing(issues: list[Issue]) -> list[Issue]:
    """A workbook with none of the policy sheets (a dealer's own sheet, not our template) gets
    one warning instead of four."""
    missing = [i for i in issues if i.code == "policy-sheet-missing"]
    if len(missing) < 4:
        return issues
    names = "、".join(i.where.sheet for i in missing)
    rest = [i for i in issues if i.code != "policy-sheet-missing"]
    return [Issue(missing[0].where, "政策表", "policy-sheets-missing", WARNING,
                  f"工作簿中没有政策表({names}),已按默认政策(spec 默认值)计算。"
                  "需要按厂家合同调整时,请从模板 workbook_template.xlsx 复制这些工作表。")] + rest
