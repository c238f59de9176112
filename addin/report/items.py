"""What each department is asked to act on: its role, its tables and its feedback items.

A department's role comes from its name (研发/技术 → rd, 质量/品质 → quality, 生产/制造 →
production, 服务/售后 → service; anything else gets the general view). Items, each with a
stable key (the ledger turns month + department + kind + key into an ID):
- rd: the top model + fault patterns (型号故障, key "model|fault");
- quality: the top batches (批次, "model|production month") and models with failures within
  15 days of purchase (早期故障, "model");
- production: production months with failures (生产月份, "YYYY-MM");
- service: late on-site clusters per city tier (上门超时, tier) and dissatisfied customers
  (客户不满意).
"""
from __future__ import annotations

import pandas as pd

from addin.report.replies import FeedbackItem
from addin.report.summary import MonthSummary

TOP = 10
ROLES = (("rd", ("研发", "技术")), ("quality", ("质量", "品质", "品管")), ("production", ("生产", "制造")),
         ("service", ("服务", "售后")))
ROLE_TABLES = {
    "rd": ("pareto", "early", "repeats"),
    "quality": ("model_batches", "early", "batches", "repeats"),
    "production": ("batches", "model_batches"),
    "service": ("promise", "fees", "satisfaction", "visits", "warranty", "repeats"),
    "general": ("by_type", "pareto", "promise"),
}
ROLE_CHARTS = {"rd": ("pareto",), "quality": ("model_batches",), "production": ("batches",),
               "service": ("promise",), "general": ("pareto",)}


def role_of(name: str) -> str:
    for role, words in ROLES:
        if any(w in name for w in words):
            return role
    return "general"


def _ids(orders: pd.DataFrame, limit: int = 8) -> str:
    nos = [str(v) for v in orders["order_no"] if isinstance(v, str)]
    return "、".join(nos[:limit]) + ("等" if len(nos) > limit else "")


def _fault_items(dept, fails):
    g = fails.groupby(["model", "fault"]).size().reset_index(name="n")
    g = g.sort_values(["n", "model", "fault"], ascending=[False, True, True]).head(TOP)
    out = []
    for m, f, n in g.itertuples(index=False):
        sub = fails[(fails["model"] == m) & (fails["fault"] == f)]
        causes = "、".join(sorted({c for c in sub["cause"] if isinstance(c, str)})[:3]) or "未填"
        out.append(FeedbackItem(dept, "型号故障", f"{m}|{f}",
                                f"{m} 故障“{f}”{n} 单(原因:{causes};服务单 {_ids(sub)}),请分析原因并给出设计改进措施。", int(n)))
    return out


def _batch_items(dept, fails):
    g = fails.dropna(subset=["prod_month"]).groupby(["model", "prod_month"]).size().reset_index(name="n")
    g = g.sort_values(["n", "model", "prod_month"], ascending=[False, True, True]).head(TOP)
    out = []
    for m, pm, n in g.itertuples(index=False):
        sub = fails[(fails["model"] == m) & (fails["prod_month"] == pm)]
        out.append(FeedbackItem(dept, "批次", f"{m}|{pm}",
                                f"{m} {pm} 生产批次故障 {n} 单(服务单 {_ids(sub)}),请核查该批次质量。", int(n)))
    return out


def _early_items(dept, fails):
    early = fails[(fails["days_owned"] >= 0) & (fails["days_owned"] <= 15)]
    out = []
    for m, sub in sorted(early.groupby("model"), key=lambda p: (-len(p[1]), p[0])):
        out.append(FeedbackItem(dept, "早期故障", str(m),
                                f"{m} 购买 15 天内故障 {len(sub)} 单(服务单 {_ids(sub)}),请查出厂检验。", len(sub)))
    return out[:TOP]


def _month_items(dept, fails):
    g = fails.dropna(subset=["prod_month"]).groupby("prod_month").size().reset_index(name="n")
    g = g.sort_values(["n", "prod_month"], ascending=[False, True]).head(TOP)
    out = []
    for pm, n in g.itertuples(index=False):
        sub = fails[fails["prod_month"] == pm]
        models = "、".join(sub["model"].dropna().astype(str).value_counts().index[:3])
        out.append(FeedbackItem(dept, "生产月份", str(pm),
                                f"{pm} 生产的产品本月故障 {n} 单(主要型号 {models}),请核查当月生产过程。", int(n)))
    return out


def _service_items(dept, orders):
    out = []
    late = orders[orders["late"].astype(object) == True]  # noqa: E712
    for tier, sub in late.groupby(late["city_tier"].fillna("未填")):
        out.append(FeedbackItem(dept, "上门超时", str(tier),
                                f"{tier} 上门超时 {len(sub)} 单(服务单 {_ids(sub)}),请说明原因和改进安排。", len(sub)))
    unhappy = orders[orders["rating"].isin(("不满意", "很不满意"))]
    if len(unhappy):
        out.append(FeedbackItem(dept, "客户不满意", "不满意",
                                f"客户评价不满意 {len(unhappy)} 单(服务单 {_ids(unhappy)}),请回访并改进。", len(unhappy)))
    return out


def items_for(department: str, summary: MonthSummary) -> list[FeedbackItem]:
    """The department's feedback items for the month, in a stable order."""
    orders = summary.orders
    fails = orders[orders["is_failure"]]
    role = role_of(department)
    if role == "rd":
        return _fault_items(department, fails)
    if role == "quality":
        return _batch_items(department, fails) + _early_items(department, fails)
    if role == "production":
        return _month_items(department, fails)
    if role == "service":
        return _service_items(department, orders)
    return _fault_items(department, fails)[:5]
