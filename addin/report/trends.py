"""Failure rates (with a 销售台账) and the 12-month trend per model and production batch.

Only product-quality failures count here (cause_group 产品质量, addin.book.vocab). Definitions,
also written in the tables' notes:
- 故障率 = the month's product-quality failures of a model / its units sold in the 12 months
  ending with the month (the units the dealer's customers own, as far as the ledger knows);
- 15天内故障率 = the month's failures within 15 days of purchase / the model's units sold in the month;
- 批次故障率 = the month's failures of a model + production month / units of that batch sold
  (only where the ledger has the optional 生产月份 column);
- trend flags: 新增 (at least 2 this month, none in the 11 months before), 上升 (at least 2 this
  month, more than last month and more than the average of the 3 months before).
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from addin.report.tables import Table

SPARK = "▁▂▃▄▅▆▇█"
TREND_ROWS = 30


def months_to(month: str, n: int = 12) -> list[str]:
    end = pd.Period(month, "M")
    return [str(end - k) for k in range(n - 1, -1, -1)]


def spark(values) -> str:
    top = max(values, default=0)
    return "".join(SPARK[0] if not top else SPARK[min(7, round(7 * v / top))] for v in values)


def flag(counts: list[int]) -> str:
    now, before = counts[-1], counts[:-1]
    if now >= 2 and not any(before):
        return "新增"
    last3 = before[-3:]
    if now >= 2 and now > before[-1] and now > sum(last3) / max(1, len(last3)):
        return "上升"
    return ""


def _share(part, whole) -> float | None:
    return round(float(part) / float(whole), 4) if whole else None


def model_sales(sales: pd.DataFrame | None, month: str) -> pd.DataFrame:
    """Per model: units sold in the month (sold_month) and in the 12 months ending with it (sold_12)."""
    if sales is None:
        return pd.DataFrame(columns=["sold_month", "sold_12"])
    span = sales[sales["month"].isin(months_to(month))]
    return pd.DataFrame({"sold_month": sales[sales["month"] == month].groupby("model")["qty"].sum(),
                         "sold_12": span.groupby("model")["qty"].sum()}).fillna(0).astype(int)


def batch_sales(sales: pd.DataFrame | None) -> dict[tuple[str, str], int]:
    """(model, production month) → units sold, where the ledger names the production month."""
    if sales is None or sales["prod_month"].isna().all():
        return {}
    g = sales.dropna(subset=["prod_month"]).groupby(["model", "prod_month"])["qty"].sum()
    return {k: int(v) for k, v in g.items()}


def rates(orders: pd.DataFrame, sales: pd.DataFrame | None, month: str) -> Table | None:
    """Failure rates per model (None without a sales ledger)."""
    if sales is None:
        return None
    q = orders[orders["is_quality"]]
    d = q["days_owned"]
    per = pd.DataFrame({"n": q.groupby("model").size(),
                        "early": q[(d >= 0) & (d <= 15)].groupby("model").size()})
    per = per.join(model_sales(sales, month), how="outer").fillna(0).astype(int)
    quiet = int(((per["n"] == 0) & (per["sold_month"] > 0)).sum())
    per = per[per["n"] > 0].sort_index()
    rows = [(m, int(r.n), int(r.early), int(r.sold_month), int(r.sold_12), _share(r.n, r.sold_12),
             _share(r.early, r.sold_month)) for m, r in per.iterrows()]
    rows.sort(key=lambda r: (-(r[5] or 0), -r[1], r[0]))
    return Table("rates", "故障率(产品质量故障 ÷ 销量,按型号)", ("产品型号", "本月故障单", "其中购买15天内",
                 "本月销量", "近12个月销量", "故障率", "15天内故障率"),
                 ("text", "int", "int", "int", "int", "pct", "pct"), tuple(rows),
                 "故障率 = 本月产品质量故障 ÷ 近12个月销量;15天内故障率 = 15天内故障 ÷ 本月销量(销售台账)。"
                 + (f"另有 {quiet} 个有销量的型号本月无故障。" if quiet else ""))


def monthly_counts(history: pd.DataFrame, keys: list[str], month: str) -> pd.DataFrame:
    """Product-quality failures per `keys` and month, one column per month of the 12."""
    q = history[history["is_quality"]]
    if q.empty:
        return pd.DataFrame(columns=months_to(month))
    counts = q.groupby([*keys, "month"]).size().unstack("month", fill_value=0)      # = pd.crosstab, quicker
    return counts.reindex(columns=months_to(month), fill_value=0)


def _this_month_first(batches: list, col: int) -> list:
    """The batches with failures in column `col`, most first: the order pandas'
    `sort_values(col, ascending=False)` gives (its default quicksort over the reversed values,
    reversed back), done on a list because it runs once per model."""
    now = [b for b in batches if b[1][col] > 0]
    if len(now) < 2:
        return now
    values = np.array([b[1][col] for b in now])[::-1]
    order = np.arange(len(now))[::-1][values.argsort(kind="quicksort")][::-1]
    return [now[i] for i in order]


def trend(history: pd.DataFrame, month: str) -> Table:
    """Per model, and per batch of it with failures this month, the last 12 months' failures."""
    span = months_to(month)
    by_model = monthly_counts(history, ["model"], month)
    by_batch = monthly_counts(history.dropna(subset=["prod_month"]), ["model", "prod_month"], month)
    batches: dict = {}                 # model → [(production month, 12 counts)] in by_batch's order
    if isinstance(by_batch.index, pd.MultiIndex):
        for (model, pm), bc in zip(by_batch.index, by_batch.to_numpy().tolist()):
            batches.setdefault(model, []).append((pm, bc))
    rows = []
    top = by_model[by_model[month] > 0].sort_values(month, ascending=False)
    for model, counts in zip(top.index, top.to_numpy().tolist()):
        c = [int(v) for v in counts]
        rows.append((model, "(全部批次)", *c, sum(c), spark(c), flag(c)))
        for pm, bc in _this_month_first(batches.get(model, []), len(span) - 1):
            b = [int(v) for v in bc]
            rows.append((model, pm, *b, sum(b), spark(b), flag(b)))
    shown = tuple(rows[:TREND_ROWS])
    note = "只统计原因类别归属“产品质量”的故障;新增:本月至少 2 单、前 11 个月没有;上升:本月至少 2 单,多于上月和前 3 个月平均。"
    if len(rows) > TREND_ROWS:
        note += f"共 {len(rows)} 行,只列出前 {TREND_ROWS} 行(按本月故障单数)。"
    return Table("trend", "近12个月故障走势(按型号和生产批次)", ("产品型号", "生产月份", *[m[2:] for m in span],
                 "合计", "走势", "标记"), ("text", "text") + ("int",) * 13 + ("text", "text"), shown, note)


def tables(orders: pd.DataFrame, history: pd.DataFrame, sales, month: str, policy) -> dict[str, Table]:
    out = {"trend": trend(history, month)}
    r = rates(orders, sales, month)
    if r is not None:
        out["rates"] = r
    return out
