"""What each department is asked to act on: its role, its tables and its feedback items.

A department's role comes from its name (研发/技术 → rd, 质量/品质 → quality, 生产/制造 →
production, 服务/售后 → service; anything else gets the general view). An item is raised
only where there is a pattern; single orders are listed in the pack's 故障明细, never asked
about. Only product-quality failures (addin.book.vocab 归属 产品质量) feed rd, quality and
production; transport and installation go to service; 非故障 is never an item. Each item has
a stable key (the ledger turns month + department + kind + key into an ID) and says in one
sentence why it was raised (count, rate, trend, an earlier answer):
- rd: 型号故障 "model|fault" — one fault of one model at least twice this month;
- quality: 批次 "model|production month" — at least N failures (政策参数 批次故障阈值, default
  3) or, with a 销售台账 naming batches, a batch rate ≥ 故障率预警 with at least 2; 早期故障
  "model" — at least 2 failures within 15 days of purchase (or that rate ≥ 预警);
  型号故障率 "model" — with sales, a model's rate ≥ 预警 with at least 2 failures;
- production: 批次 as for quality, asking about the production process;
- service: 服务过程 cause classes (运输仓储, 安装问题: key = class) with at least 2 orders,
  late on-site visits per city tier (上门超时, tier) and dissatisfied customers (客户不满意).
Any key a department answered in an earlier month that fails again this month is raised again,
saying so ("仍在发生").
"""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from addin.book.vocab import SERVICE
from addin.report import trends
from addin.report.replies import FeedbackItem
from addin.report.summary import MonthSummary

TOP = 10
REPEAT = 2                      # a fault of a model, early failures, service causes: at least this often
ROLES = (("rd", ("研发", "技术")), ("quality", ("质量", "品质", "品管")), ("production", ("生产", "制造")),
         ("service", ("服务", "售后")))
ROLE_TABLES = {
    "rd": ("pareto_quality", "early", "rates", "repeats"),
    "quality": ("model_batches", "rates", "early", "batches", "repeats"),
    "production": ("batches", "model_batches"),
    "service": ("causes", "promise", "fees", "satisfaction", "visits", "warranty", "repeats"),
    "general": ("by_type", "pareto", "promise"),
}
ROLE_SHEETS = {"rd": ("trend",), "quality": ("trend",), "production": ("trend",)}   # own sheets (wide)
ROLE_CHARTS = {"rd": ("pareto_quality",), "quality": ("model_batches",), "production": ("batches",),
               "service": ("promise",), "general": ("pareto",)}


@dataclass(frozen=True)
class Raised:
    item: FeedbackItem
    rows: pd.Index              # the orders (frame index) the item rests on


def role_of(name: str) -> str:
    for role, words in ROLES:
        if any(w in name for w in words):
            return role
    return "general"


def _ids(orders: pd.DataFrame, limit: int = 8) -> str:
    nos = [str(v) for v in orders["order_no"] if isinstance(v, str)]
    return "、".join(nos[:limit]) + ("等" if len(nos) > limit else "")


def _top(values, n: int = 2) -> str:
    counts = pd.Series([v for v in values if isinstance(v, str) and v]).value_counts()
    return "、".join(f"{k} {v} 单" for k, v in counts.head(n).items())


def _history_counts(h: pd.DataFrame, keys: tuple[str, ...], quality: bool, months: list[str]) -> dict:
    """key values → failures per month of `months` in the history (product-quality ones only
    when `quality`), grouped once for all the items that ask (the last history's counts are kept)."""
    if _COUNTS.get("history") is not h:                  # one history at a time: no frame kept longer
        _COUNTS.clear()
        _COUNTS.update(history=h, counts={})
    cache = _COUNTS["counts"]
    got = cache.get((keys, quality, tuple(months)))
    if got is None:
        q = h[h["is_quality"]] if quality else h
        table = q.groupby([*keys, "month"], sort=False).size()
        got = {}
        for k, n in table.items():
            got.setdefault(k[:-1], {})[k[-1]] = int(n)
        got = {k: [v.get(m, 0) for m in months] for k, v in got.items()}
        cache[(keys, quality, tuple(months))] = got
    return got


_COUNTS: dict = {}


def _trend(summary: MonthSummary, cols: dict) -> str:
    """', 近 3 个月 1→2→5(上升)' for the orders of the history matching `cols`."""
    h = summary.history
    if h is None or h.empty:
        return ""
    months = trends.months_to(summary.month)
    counts = _history_counts(h, tuple(cols), "cause_class" not in cols, months).get(tuple(cols.values()), [0] * len(months))
    f = trends.flag(counts)
    return f",近 3 个月 {'→'.join(map(str, counts[-3:]))}" + (f"({f})" if f else "")


def _answered(answered: dict, kind: str, key: str, n: int) -> str:
    if (kind, key) not in answered:
        return ""
    month, item_id = answered[(kind, key)]
    return f";{month} 已回复改进措施({item_id}),本月仍有 {n} 单"


def _group_items(dept, summary, sub, by, kind, rule, say, answered) -> list[Raised]:
    """One item per group of `sub` by `by` where `rule(key, n)` gives a reason for a group of
    n orders (or an earlier answer exists); `say(key, group, reason)` words it. Only the groups
    that become items are cut out of `sub` (a month has thousands of groups, most of one order)."""
    found = []
    grouped = sub.groupby(by, sort=True)
    positions = grouped.indices
    for key, n in grouped.size().items():
        key = key if isinstance(key, tuple) else (key,)
        skey = "|".join(map(str, key))
        reason = rule(key, int(n)) or ("仍在发生" if (kind, skey) in answered else "")
        if reason:
            found.append((-int(n), skey, key, reason))
    out = []
    for _, skey, key, reason in sorted(found, key=lambda f: f[:2])[:TOP]:     # only the items kept are worded
        g = sub.iloc[positions[key if len(by) > 1 else key[0]]]
        out.append(Raised(FeedbackItem(dept, kind, skey, say(key, g, reason) + "。", len(g)), g.index))
    return out


def _rate_text(rate: float | None) -> str:
    return f",故障率 {rate * 100:.1f}%" if rate is not None else ""


def _batch_items(dept, summary, answered, ask) -> list[Raised]:
    q = summary.orders[summary.orders["is_quality"]].dropna(subset=["prod_month"])
    p, sold = summary.policy, trends.batch_sales(summary.vocab.sales)
    alert, n_min = float(p.failure_rate_alert), p.batch_min_failures

    def rate(key, n):
        units = sold.get(tuple(key))
        return n / units if units else None

    def rule(key, n):
        r = rate(key, n)
        if n >= n_min:
            return f"本月 {n} 单,达到批次阈值 {n_min} 单{_rate_text(r)}"
        if r is not None and r >= alert and n >= REPEAT:
            return f"本月 {n} 单,批次故障率 {r * 100:.1f}% 超过预警 {alert * 100:g}%"
        return ""

    def say(key, g, reason):
        m, pm = key
        return (f"{m} {pm} 生产批次产品质量故障:{reason}{_trend(summary, {'model': m, 'prod_month': pm})}"
                f"{_answered(answered, '批次', f'{m}|{pm}', len(g))};主要故障 {_top(g['fault'])};"
                f"服务单 {_ids(g)}。{ask}")
    return _group_items(dept, summary, q, ["model", "prod_month"], "批次", rule, say, answered)


def _early_items(dept, summary, answered) -> list[Raised]:
    o = summary.orders
    early = o[o["is_quality"] & (o["days_owned"] >= 0) & (o["days_owned"] <= 15)]
    sold = trends.model_sales(summary.vocab.sales, summary.month)["sold_month"]
    alert = float(summary.policy.failure_rate_alert)

    def rule(key, n):
        units = int(sold.get(key[0], 0))
        r = n / units if units else None
        if n >= REPEAT or (r is not None and r >= alert and n >= REPEAT):
            return f"购买 15 天内故障 {n} 单{_rate_text(r).replace('故障率', '15天内故障率')}"
        return ""

    def say(key, g, reason):
        return (f"{key[0]} 早期故障:{reason}{_answered(answered, '早期故障', key[0], len(g))};主要故障 "
                f"{_top(g['fault'])};服务单 {_ids(g)}。请查出厂检验和该型号来料")
    return _group_items(dept, summary, early, ["model"], "早期故障", rule, say, answered)


def _model_rate_items(dept, summary, answered) -> list[Raised]:
    table = summary.kpis.get("rates")
    if table is None:
        return []
    alert, q = float(summary.policy.failure_rate_alert), summary.orders[summary.orders["is_quality"]]
    rates = {r[0]: r[5] for r in table.rows}

    def rule(key, n):
        r = rates.get(key[0])
        return f"故障率 {r * 100:.1f}% 超过预警 {alert * 100:g}%(本月 {n} 单)" if (
            r is not None and r >= alert and n >= REPEAT) else ""

    def say(key, g, reason):
        return (f"{key[0]} {reason}{_trend(summary, {'model': key[0]})};主要故障 {_top(g['fault'])};"
                f"服务单 {_ids(g)}。请分析原因")
    return _group_items(dept, summary, q, ["model"], "型号故障率", rule, say, answered)


def _fault_items(dept, summary, answered) -> list[Raised]:
    q = summary.orders[summary.orders["is_quality"]]

    def rule(key, n):
        return f"本月 {n} 单" if n >= REPEAT else ""

    def say(key, g, reason):
        m, f = key
        causes = _top(g["cause"], 3).replace(" 单", "单") or "未填"
        return (f"{m} 故障“{f}”{reason}{_trend(summary, {'model': m, 'fault': f})}"
                f"{_answered(answered, '型号故障', f'{m}|{f}', len(g))};原因分析:{causes};服务单 {_ids(g)}。"
                "请分析原因并给出设计改进措施")
    return _group_items(dept, summary, q, ["model", "fault"], "型号故障", rule, say, answered)


def _cause_items(dept, summary, answered) -> list[Raised]:
    o = summary.orders
    sub = o[o["is_failure"] & (o["cause_group"] == SERVICE)]

    def rule(key, n):
        return f"本月 {n} 单" if n >= REPEAT else ""

    def say(key, g, reason):
        return (f"原因为“{key[0]}”的故障{reason}{_trend(summary, {'cause_class': key[0]})}"
                f"{_answered(answered, '服务原因', key[0], len(g))};型号 {_top(g['model'], 3)};服务单 {_ids(g)}。"
                "这是经销商和物流自己的改进事项,请说明原因和改进安排")
    return _group_items(dept, summary, sub, ["cause_class"], "服务原因", rule, say, answered)


def _service_items(dept, summary, answered) -> list[Raised]:
    orders = summary.orders
    out = _cause_items(dept, summary, answered)
    late = orders[orders["late"].astype(object) == True]  # noqa: E712
    for tier, sub in late.groupby(late["city_tier"].fillna("未填")):
        out.append(Raised(FeedbackItem(dept, "上门超时", str(tier), f"{tier} 上门超时 {len(sub)} 单(服务单 "
                                       f"{_ids(sub)}),请说明原因和改进安排。", len(sub)), sub.index))
    unhappy = orders[orders["rating"].isin(("不满意", "很不满意"))]
    if len(unhappy):
        out.append(Raised(FeedbackItem(dept, "客户不满意", "不满意", f"客户评价不满意 {len(unhappy)} 单(服务单 "
                                       f"{_ids(unhappy)}),请回访并改进。", len(unhappy)), unhappy.index))
    return out


def raised_for(department: str, summary: MonthSummary, answered: dict | None = None) -> list[Raised]:
    """The department's items for the month with their orders, in a stable order. `answered`:
    (kind, key) → (month, item ID) of the department's earlier answered items."""
    answered, role = answered or {}, role_of(department)
    if role == "rd":
        return _fault_items(department, summary, answered)
    if role == "quality":
        batch = _batch_items(department, summary, answered, "请核查该批次质量")
        covered = {r.item.key.split("|")[0] for r in batch}       # a batch item already names the model
        rate = [r for r in _model_rate_items(department, summary, answered) if r.item.key not in covered]
        return batch + rate + _early_items(department, summary, answered)
    if role == "production":
        return _batch_items(department, summary, answered, "请核查该批次的生产过程和来料")
    if role == "service":
        return _service_items(department, summary, answered)
    return _fault_items(department, summary, answered)[:5]


def items_for(department: str, summary: MonthSummary, answered: dict | None = None) -> list[FeedbackItem]:
    """The department's feedback items for the month, in a stable order."""
    return [r.item for r in raised_for(department, summary, answered)]
