"""Customer fees, the factory claim and service-promise timings, vectorised over the frame.

`compute(wb)` → one row per order (columns in RESULT_COLUMNS, docs/architecture.md).
Rules (../shared/spec/policy.md, every number from `Policy`):
- In warranty the customer pays nothing; out of warranty: parts + labour + night + travel.
- travel = max(0, km − free_radius_km) × travel_rate (km to the metre; exactly 30 km → 0).
- night = night_rate × labour when the ARRIVAL time falls in [21:00, 08:00) (the customer asked
  for a night visit): 21:00 sharp counts, 08:00 sharp does not; a daytime visit that runs past
  21:00 does not.
- 客户同意维修 = 否 (declined after diagnosis): no fee of any kind.
- The factory claim (in warranty only) = the factory's labour rate for (category, service
  type; its 客户拒修时工时 when the customer declined) + its travel allowance per km beyond the
  free radius + 配件费用 × its 材料结算比例 (claim_labour, claim_travel, claim_materials).
  Only work that was done is claimed, and no suspect: claim_status says 结算 (in
  factory_claim), 未完工 (no arrival, no leave, no 解决方案) or 待核实 (a 保外转保内 suspicion
  without 已核实 = 是), or — with several factories — 品牌未知 (its 品牌 is blank or no factory's:
  there is nobody to claim from until the clerk fixes it); the held amount is in claim_held. Under 包干 the same numbers are the
  claim-equivalent cost used by `lump_sum_comparison`.
- Money in integer fen, half-up (addin.rules.money); returned as float yuan exact to the fen.
- Orders whose needed cells the check rejected, or that lack what a verdict needs, get no
  fee at all: computable False and a Chinese reason.
- Hours: response = first contact − report, onsite = arrival − report, visit = leave −
  arrival. late = onsite_hours > promise (city tier, else settings.default_tier). An on-site
  service (安装/维修/保养) with no arrival is late when the workbook's latest recorded time
  is already past its promise, otherwise None (pending); other services without arrival: None.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from addin.book.columns import BY_HEADER, COLUMNS, DATE, DATETIME, INT, MONEY, NUMBER, ONSITE_TYPES, header_of
from addin.book.factories import parts
from addin.book.issues import ERROR
from addin.rules.money import decimal_fen, mul_half_up, to_fen, yuan
from addin.book.policy import Policy
from addin.book.settings import Settings
from addin.rules.warranty import verdicts
from addin.rules import fees_text

RESULT_COLUMNS = (
    "order_no", "in_warranty", "warranty_kind", "warranty_rule", "warranty_until",
    "whole_unit_until", "main_part_until", "exchange_eligible", "repair_count", "fraud",
    "suspicions", "notes", "travel_fee", "night_surcharge", "customer_total", "factory_claim",
    "claim_labour", "claim_travel", "claim_materials", "claim_held", "claim_status",
    "explanation", "response_hours", "onsite_hours", "visit_hours", "promise_hours", "late",
    "computable", "reason",
)
CLAIMED, NOT_DONE, SUSPECT, NO_FACTORY = "结算", "未完工", "待核实", "品牌未知"
NEEDED = ("service_type", "category", "reported_at", "purchase_date", "production_date",
          "arrived_at", "left_at", "distance_km", "parts_fee", "labour_fee", "customer_agreed")
TIME_FIELDS = ("reported_at", "first_contact", "arrived_at", "left_at")
# Check errors that are themselves a finding of this engine, not a reason to stop: a purchase
# before production is computed from the invoice date and flagged 保外转保内; missing dates get
# this engine's own reason.
NON_BLOCKING = ("production-after-purchase", "warranty-dates-missing")


def rejected_fields(issues, orders) -> dict[int, list[tuple[str, str]]]:
    """Excel row → (field, A1 cell) the check rejected (error severity), for the fields this
    engine needs (NEEDED) or times (TIME_FIELDS)."""
    by_col = {c: f for f, c in orders.cols.items()}
    out: dict[int, list[tuple[str, str]]] = {}
    for i in issues:
        if i.severity != ERROR or i.where.sheet != orders.sheet or i.code in NON_BLOCKING:
            continue
        field = by_col.get(i.where.col) or getattr(BY_HEADER.get(i.column), "field", None)
        if field in NEEDED or field in TIME_FIELDS:
            out.setdefault(i.where.row, []).append((field, i.where.a1))
    return out


def complete(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame with every field of COLUMNS (absent ones empty, with the documented dtype)."""
    missing = [c for c in COLUMNS if c.field not in frame.columns]
    if not missing:
        return frame
    extra = {}
    for c in missing:
        if c.kind in (DATE, DATETIME):
            extra[c.field] = pd.Series(pd.NaT, index=frame.index, dtype="datetime64[ns]")
        elif c.kind in (INT, NUMBER, MONEY):
            extra[c.field] = pd.Series(np.nan, index=frame.index, dtype="float64")
        else:
            extra[c.field] = pd.Series(None, index=frame.index, dtype=object)
    return frame.assign(**extra)


def _cells(entries) -> list[tuple[str, str]]:
    """Rejected entries as (field, cell text); plain field names are accepted too."""
    return [(e, "") if isinstance(e, str) else e for e in entries]


def _flag(index, rejected: dict, fields) -> pd.Series:
    rows = [r for r, es in rejected.items() if any(f in fields for f, _ in _cells(es))]
    return pd.Series(index.isin(rows), index=index)


def computability(frame: pd.DataFrame, policy: Policy, rejected: dict) -> pd.Series:
    """Why each order cannot be computed ('' when it can)."""
    bad = pd.Series({r: "、".join(dict.fromkeys(header_of(f) + (f"({a1})" if a1 else "")
                                                for f, a1 in _cells(es) if f in NEEDED))
                     for r, es in rejected.items()}, dtype=object)
    bad = bad.reindex(frame.index).fillna("")
    cat = frame["category"]
    reasons = [
        np.where(bad != "", bad + "有错误,请先改正;", ""),
        np.where(frame["reported_at"].isna() & (bad == ""), "缺少报修时间;", ""),
        np.where(frame["purchase_date"].isna() & frame["production_date"].isna() & (bad == ""),
                 "缺少购买日期和出厂日期,无法判定三包;", ""),
        np.where(cat.isna(), "缺少产品类型;", ""),
        np.where(cat.notna() & ~cat.isin(policy.categories),
                 "产品类型“" + cat.fillna("") + "”不在三包政策表中;", ""),
    ]
    out = pd.Series(reasons[0], index=frame.index, dtype=object)
    for r in reasons[1:]:
        out = out + r
    return out.str.rstrip(";")


def night_visit(arrived: pd.Series, policy: Policy) -> pd.Series:
    """Is the arrival inside the night window [night_start, night_end)? (TCL: the customer asks
    for a visit between 21:00 and 08:00; a daytime visit that overruns 21:00 is not night)."""
    tod = arrived - arrived.dt.normalize()
    start = pd.Timedelta(hours=policy.night_start.hour, minutes=policy.night_start.minute)
    end = pd.Timedelta(hours=policy.night_end.hour, minutes=policy.night_end.minute)
    if start > end:
        inside = (tod >= start) | (tod < end)
    else:
        inside = (tod >= start) & (tod < end)
    return inside & arrived.notna()


def excess_metres(frame: pd.DataFrame, policy: Policy) -> pd.Series:
    """Metres of one-way distance beyond the free radius (0 when empty)."""
    m = np.round(frame["distance_km"].fillna(0).to_numpy() * 1000).astype("int64")
    radius = int(round(policy.free_radius_km * 1000))
    return pd.Series(np.clip(m - radius, 0, None), index=frame.index)


def customer_fees(frame, policy, in_w, ok) -> pd.DataFrame:
    """Fen amounts the customer pays (all 0 in warranty, declined or not computable)."""
    declined = frame["customer_agreed"] == "否"
    pays = ok & ~in_w & ~declined
    labour = to_fen(frame["labour_fee"]).where(pays, 0)
    parts = to_fen(frame["parts_fee"]).where(pays, 0)
    travel = pd.Series(mul_half_up(excess_metres(frame, policy), policy.travel_rate / 1000 * 100),
                       index=frame.index).where(pays, 0)
    night_on = night_visit(frame["arrived_at"], policy) & pays
    night = pd.Series(mul_half_up(labour, policy.night_rate), index=frame.index).where(night_on, 0)
    return pd.DataFrame({"parts": parts, "labour": labour, "travel": travel, "night": night,
                         "total": parts + labour + travel + night, "declined": declined})


def _by_rate(frame: pd.DataFrame, policy: Policy):
    """per(fn, default): fn(rate) of each order's (category, service type) rate, as an array
    (default where the table has none); computed once per distinct pair."""
    key = frame["category"].fillna("") + "|" + frame["service_type"].fillna("")
    codes, uniques = pd.factorize(key)
    rates = {f"{r.category}|{r.service_type}": r for r in policy.factory_rates}
    found = [rates.get(k) for k in uniques]

    def per(fn, default):
        return np.array([fn(r) if r is not None else default for r in found] + [default], dtype=object)[codes]
    return per


def _times_rate(per, amounts: pd.Series, rate_of) -> pd.Series:
    """amounts × each order's rate (rate_of(rate), a Decimal), fen half-up; 0 without a rate."""
    rate = per(rate_of, None)
    out = pd.Series(0, index=amounts.index, dtype="int64")
    for value in {r for r in rate if r is not None}:
        mask = rate == value
        out[mask] = mul_half_up(amounts[mask], value)
    return out


def factory_claim(frame, policy, in_w, ok) -> pd.DataFrame:
    """Fen amounts due from the factory at its standard rates (in warranty only), before
    claim_status decides what is claimed now."""
    per = _by_rate(frame, policy)
    declined = (frame["customer_agreed"] == "否").to_numpy()
    labour = np.where(declined, per(lambda r: decimal_fen(r.labour_when_declined()), 0),
                      per(lambda r: decimal_fen(r.labour), 0)).astype("int64")
    labour = pd.Series(labour, index=frame.index)
    travel = _times_rate(per, excess_metres(frame, policy), lambda r: r.travel_per_km / 10)
    materials = _times_rate(per, to_fen(frame["parts_fee"]), lambda r: r.materials_rate)
    claims = ok & in_w
    parts = [s.where(claims, 0) for s in (labour, travel, materials)]
    share = pd.Series(per(lambda r: format(r.materials_rate.normalize(), "f"), ""), index=frame.index)
    return pd.DataFrame({"labour": parts[0], "travel": parts[1], "materials": parts[2],
                         "total": parts[0] + parts[1] + parts[2],
                         "has_rate": pd.Series(per(lambda r: True, False).astype(bool), index=frame.index),
                         "materials_rate": share.where(claims, "")})


def claim_status(frame: pd.DataFrame, v: pd.DataFrame, in_w: pd.Series, ok: pd.Series) -> pd.Series:
    """结算 / 未完工:… / 待核实:… for in-warranty orders ('' otherwise)."""
    not_done = (frame["arrived_at"].isna() & frame["left_at"].isna() & frame["solution"].isna()
                & (frame["service_type"] != "咨询"))
    suspect = (v["suspicions"].map(len) > 0) & (frame["verified"] != "是")
    status = np.select(
        [~(ok & in_w), not_done, suspect],
        ["", NOT_DONE + ":尚未上门、没有处理结果,完工后再结算",
         SUSPECT + ":" + v["fraud"].fillna("") + ";核实无误后在“已核实”填“是”再结算"], CLAIMED)
    return pd.Series(status, index=frame.index, dtype=object)


def _hours(a: pd.Series, b: pd.Series) -> pd.Series:
    return ((b - a).dt.total_seconds() / 3600).round(2)


def promises(frame, policy: Policy, settings: Settings, time_ok: pd.Series) -> pd.DataFrame:
    """Response, on-site and visit hours, the promise of the city tier, and late."""
    tier = frame["city_tier"].fillna("").replace("", settings.default_tier)
    promise = tier.map({t: policy.onsite_limit(t) for t in tier.unique()}).astype("float64")
    rep, arr = frame["reported_at"], frame["arrived_at"]
    onsite = _hours(rep, arr).where(time_ok)
    as_of = pd.concat([rep, arr, frame["left_at"]])[np.tile(time_ok.to_numpy(), 3)].max()  # rejected times excluded
    waiting = arr.isna() & frame["service_type"].isin(ONSITE_TYPES) & time_ok
    overdue = waiting & (_hours(rep, pd.Series(as_of, index=frame.index)) > promise)
    late = np.select([onsite.notna(), overdue], [onsite > promise, True], default=None)
    return pd.DataFrame({
        "response_hours": _hours(rep, frame["first_contact"]).where(time_ok),
        "onsite_hours": onsite, "visit_hours": _hours(arr, frame["left_at"]).where(time_ok),
        "promise_hours": promise, "late": pd.Series(late, index=frame.index, dtype=object)})


def compute_frame(frame: pd.DataFrame, policy: Policy, settings: Settings,
                  rejected: dict[int, list] | None = None) -> pd.DataFrame:
    """The fees result for an orders frame (the core of `compute`, usable without a Loaded).
    `rejected`: Excel row → fields (or (field, A1) pairs) the check rejected."""
    frame = complete(frame)
    rejected = rejected or {}
    reason = computability(frame, policy, rejected)
    ok = reason == ""
    v = verdicts(frame, policy, ok)
    in_w = v["in_warranty"].fillna(False).astype(bool)
    fees = customer_fees(frame, policy, in_w, ok)
    claim = factory_claim(frame, policy, in_w, ok)
    status = claim_status(frame, v, in_w, ok)
    claimed = status == CLAIMED
    time_ok = frame["reported_at"].notna() & ~_flag(frame.index, rejected, TIME_FIELDS)
    sla = promises(frame, policy, settings, time_ok)
    money = {"travel_fee": fees["travel"], "night_surcharge": fees["night"],
             "customer_total": fees["total"], "factory_claim": claim["total"].where(claimed, 0),
             "claim_labour": claim["labour"], "claim_travel": claim["travel"],
             "claim_materials": claim["materials"], "claim_held": claim["total"].where(~claimed, 0)}
    result = pd.DataFrame({
        "order_no": frame["order_no"], **{c: v[c] for c in (
            "in_warranty", "warranty_kind", "warranty_rule", "warranty_until", "whole_unit_until",
            "main_part_until", "exchange_eligible", "repair_count", "fraud", "suspicions", "notes")},
        **{k: yuan(s).where(ok, np.nan) for k, s in money.items()}, "claim_status": status,
        "explanation": fees_text.explanation(frame, policy, settings, v, fees, claim, reason,
                                             excess_metres(frame, policy), status),
        **{c: sla[c] for c in sla.columns},
        "computable": ok, "reason": reason,
    }, index=frame.index)
    result["exchange_eligible"] = result["exchange_eligible"] & ok
    result.attrs["reported_at"] = frame["reported_at"]
    return result[list(RESULT_COLUMNS)]


def compute(wb) -> pd.DataFrame:
    """Fees, warranty and promises of every order of a loaded workbook (addin.rules.loader.Loaded).
    With several factories each factory's orders are computed under its own policy and
    settlement (book.factories.parts) and the results put back in the sheet's order."""
    orders = wb.orders
    rejected = rejected_fields(wb.issues, orders)
    groups = parts(orders.frame, wb.settings, wb.policy)
    if len(groups) == 1 and not (wb.settings.several_factories and groups[0][0] is None):
        return compute_frame(orders.frame, groups[0][2], groups[0][1], rejected)
    results = [compute_frame(orders.frame.loc[index], policy, settings, rejected)
               for _, settings, policy, index in groups]
    if wb.settings.several_factories:
        results = [hold_unassigned(part, orders.frame.loc[index]) if factory is None else part
                   for part, (factory, _, _, index) in zip(results, groups)]
    for part in results:
        part.attrs = {}                   # the Series in attrs cannot be compared by concat
    result = pd.concat(results).loc[orders.frame.index]
    result.attrs["reported_at"] = orders.frame["reported_at"]
    return result


def hold_unassigned(result: pd.DataFrame, frame: pd.DataFrame) -> pd.DataFrame:
    """Orders of no factory (several factories, 品牌 blank or unknown): nothing is claimed — the
    amount moves to claim_held and claim_status says 品牌未知 and what to fix."""
    result = result.copy()
    held = result["claim_status"] != ""
    if not held.any():
        return result
    brand = frame["brand"].reindex(result.index) if "brand" in frame.columns else pd.Series(None, index=result.index)
    why = brand.map(lambda b: "没有填品牌" if b is None or pd.isna(b) or not str(b).strip()
                    else f"品牌“{str(b).strip()}”不属于设置中的任何厂家")
    amount = result["factory_claim"].fillna(0) + result["claim_held"].fillna(0)
    result.loc[held, "claim_held"] = amount[held]
    result.loc[held, "factory_claim"] = 0.0
    status = NO_FACTORY + ":" + why + ",不知向哪个厂家结算;改正“品牌”后再结算"
    result.loc[held, "claim_status"] = status[held]
    result.loc[held, "explanation"] = result.loc[held, "explanation"].fillna("") + ";" + status[held] + "。"
    return result


# What other modules use with the result (re-exported here so `from addin.rules.fees import …` works).
from addin.rules.fees_summary import computed_columns, lump_sum_comparison, month_mask, totals  # noqa: E402,F401
