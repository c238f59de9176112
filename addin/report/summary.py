"""The month's orders and tables as plain data (no formatting): table 7-28 and the KPIs.

An order belongs to the month of its 报修时间 (when the customer reported the problem, the
"投诉时间" of table 7-28); orders whose 报修时间 is empty or unreadable belong to no month
and are counted apart (`MonthSummary.unplaced`). Orders with check errors are included,
flagged (`has_error`, `problems`) and counted — the report never drops them.
A `Table` is a title, headers, a kind per column (text, int, num, money, pct, datetime,
date) and rows of python values; the writers (statbook, packs, report_patch_rows) only
format what is here.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from addin.book.issues import ERROR
from addin.book.months import MonthError, bounds, month_label, parse_month  # noqa: F401 (MonthError: API)
from addin.book.policy import Policy
from addin.book.vocab import QUALITY, Vocab, classify, fault_names
from addin.report import kpis, trends, visits
from addin.report.tables import Table, rows_of  # noqa: F401 (Table: part of this module's API)

TABLE_728_HEADERS = ("序号", "客户名称", "产品类型", "产品型号", "数量", "问题描述", "检测结果", "处理方案",
                     "原因分析", "投诉时间", "处理时间", "处理费用", "对应服务单编号")
TABLE_728_KINDS = ("int", "text", "text", "text", "int", "text", "text", "text", "text", "datetime",
                   "datetime", "money", "text")
FAILURE_TYPES = ("维修", "退换货")
FEE_COLUMNS = ("in_warranty", "warranty_kind", "warranty_rule", "exchange_eligible", "repair_count", "fraud",
               "suspicions", "notes", "travel_fee", "night_surcharge", "customer_total", "factory_claim",
               "claim_labour", "claim_travel", "claim_materials", "claim_held", "claim_status",
               "onsite_hours", "response_hours", "promise_hours", "late", "computable", "reason")


@dataclass(frozen=True)
class MonthSummary:
    month: str                      # 2026-10
    label: str                      # 2026年10月
    orders: pd.DataFrame            # the month's orders + fee columns + has_error, problems, fault…
    table728: Table
    kpis: dict[str, Table]
    totals: dict[str, float] = field(default_factory=dict)
    unplaced: int = 0
    history: pd.DataFrame | None = None   # failures of the 12 months ending with this one (+ "month")
    policy: Policy = field(default_factory=Policy)
    vocab: Vocab = field(default_factory=Vocab)
    repeat_orders: pd.DataFrame | None = None   # the orders the repeat-repair table is made from
    factory: str = ""               # whose orders these are when the dealer serves several factories


def _problems_by_row(issues, sheet: str | None) -> dict[int, str]:
    out: dict[int, list[str]] = {}
    for i in issues:
        if i.severity == ERROR and (sheet is None or i.where.sheet == sheet):
            out.setdefault(i.where.row, []).append(f"{i.where.a1} {i.message}")
    return {row: ";".join(msgs) for row, msgs in out.items()}


def analysed(orders: pd.DataFrame, vocab: Vocab) -> pd.DataFrame:
    """Adds is_failure, cause_class, cause_group, is_quality (a product-quality failure), fault
    (the fault list's name), prod_month and days_owned (purchase → 报修, days)."""
    orders["is_failure"] = orders["service_type"].isin(FAILURE_TYPES)
    orders["cause_class"] = classify(orders, vocab)
    orders["cause_group"] = orders["cause_class"].map({c.name: c.group for c in vocab.classes})
    orders["is_quality"] = orders["is_failure"] & (orders["cause_group"] == QUALITY)
    orders["fault"] = fault_names(orders, vocab)
    orders["prod_month"] = pd.to_datetime(orders["production_date"], errors="coerce").dt.strftime("%Y-%m")
    reported = pd.to_datetime(orders["reported_at"], errors="coerce")
    orders["days_owned"] = (reported.dt.normalize() - pd.to_datetime(orders["purchase_date"], errors="coerce")).dt.days
    return orders


def failure_history(frame: pd.DataFrame, month: str, vocab: Vocab, months: int = 12) -> pd.DataFrame:
    """The failures reported in the `months` months ending with `month`, analysed, with "month"."""
    start, end = bounds(month)
    reported = pd.to_datetime(frame["reported_at"], errors="coerce")
    sel = frame.loc[(reported >= start - pd.DateOffset(months=months - 1)) & (reported < end)
                    & frame["service_type"].isin(FAILURE_TYPES)].copy()
    sel = analysed(sel, vocab)
    sel["month"] = pd.to_datetime(sel["reported_at"]).dt.strftime("%Y-%m")
    return sel


def month_orders(frame: pd.DataFrame, fees: pd.DataFrame | None, month: str, error_rows=(),
                 issues=(), sheet: str | None = None, vocab: Vocab | None = None) -> pd.DataFrame:
    """The orders reported in `month`, joined with the fee columns, with derived columns:
    has_error, problems, handled_at, fee (处理费用) and those of `analysed`."""
    start, end = bounds(month)
    reported = pd.to_datetime(frame["reported_at"], errors="coerce")
    orders = analysed(frame.loc[(reported >= start) & (reported < end)].copy(), vocab or Vocab())
    fees = fees if fees is not None else pd.DataFrame(index=frame.index)
    for col in FEE_COLUMNS:
        orders[col] = fees[col].reindex(orders.index) if col in fees.columns else pd.NA
    orders["has_error"] = orders.index.isin(list(error_rows))
    problems = _problems_by_row(issues, sheet)
    orders["problems"] = [problems.get(r, "") for r in orders.index]
    orders["handled_at"] = orders["left_at"].where(orders["left_at"].notna(), orders["arrived_at"])
    money = pd.concat([pd.to_numeric(orders["customer_total"], errors="coerce"),
                       pd.to_numeric(orders["factory_claim"], errors="coerce")], axis=1).sum(axis=1, min_count=1)
    typed = orders[["parts_fee", "labour_fee"]].sum(axis=1, min_count=1)
    orders["fee"] = money.where(money.notna(), typed).round(2)
    return orders.sort_values(["reported_at", "order_no"], kind="stable")


def repeat_history(frame: pd.DataFrame, fees: pd.DataFrame | None, month: str) -> pd.DataFrame:
    """The orders of the kpis.REPEAT_MONTHS months up to the month's end, with their verdict
    and fault, for the repeat-repair table."""
    _, end = bounds(month)
    reported = pd.to_datetime(frame["reported_at"], errors="coerce")
    out = frame.loc[(reported >= end - pd.DateOffset(months=kpis.REPEAT_MONTHS)) & (reported < end)].copy()
    for col in ("in_warranty", "exchange_eligible"):
        out[col] = fees[col].reindex(out.index) if fees is not None and col in fees.columns else pd.NA
    fault = out["diagnosed_fault"].astype(object).where(out["diagnosed_fault"].notna(), out["reported_fault"])
    out["fault"] = fault.fillna("(未填故障)").astype(object)
    return out


def table_728(orders: pd.DataFrame, customers: pd.Series | None = None) -> Table:
    """Table 7-28: one row per order, exactly the source's headers. `customers` replaces the
    客户名称 column (masked names for engineering packs)."""
    df = pd.DataFrame({
        "n": range(1, len(orders) + 1),
        "customer": (customers if customers is not None else orders["customer"]).values,
        "category": orders["category"].values, "model": orders["model"].values,
        "qty": 1, "reported_fault": orders["reported_fault"].values,
        "diagnosed_fault": orders["diagnosed_fault"].values, "solution": orders["solution"].values,
        "cause": orders["cause"].values, "reported_at": orders["reported_at"].values,
        "handled_at": orders["handled_at"].values, "fee": orders["fee"].values,
        "order_no": orders["order_no"].values})
    rows = rows_of(df, df.columns)
    errors = int(orders["has_error"].sum())
    note = (f"共 {len(rows)} 单,处理费用合计 {float(orders['fee'].sum()):.2f} 元。"
            + (f"其中 {errors} 单校验有错误(底色标红),仍计入本表。" if errors else ""))
    return Table("table728", "产品售后服务统计表", TABLE_728_HEADERS, TABLE_728_KINDS, rows, note)


def summarize(frame: pd.DataFrame, fees: pd.DataFrame | None, month: str, *, policy, settings=None,
              issues=(), error_rows=(), sheet: str | None = None, vocab: Vocab | None = None) -> MonthSummary:
    """Everything the month's report shows, as plain data."""
    key, vocab = parse_month(month), vocab or Vocab()
    orders = month_orders(frame, fees, key, error_rows, issues, sheet, vocab)
    unplaced = int(pd.to_datetime(frame["reported_at"], errors="coerce").isna().sum())
    history = failure_history(frame, key, vocab)
    repeat_orders = repeat_history(frame, fees, key)
    tables = kpis.all_kpis(orders, policy, settings, issues, sheet, unplaced, vocab, repeat_orders)
    tables["visits"] = visits.return_visits(orders, settings)
    tables.update(trends.tables(orders, history, vocab.sales, key, policy))
    return MonthSummary(key, month_label(key), orders, table_728(orders), tables,
                        kpis.totals(orders), unplaced, history, policy, vocab, repeat_orders)
