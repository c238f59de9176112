"""三包 (warranty) verdict per order, and the rule it rests on, vectorised over the frame.

Rules (spec/policy.md; every number from `Policy`):
- The period starts at the purchase (invoice) date; without one, at the production date +
  `no_invoice_grace_days`.
- Boundaries are inclusive, by calendar day of 报修时间: a period of N days ends on start + N
  days, a period of N months on the same day N months later (the month's last day when that
  day does not exist), and an order reported ON that end day is still inside.
- 退货期 (`return_days`) and 换货期 (`exchange_days`) apply to fault orders (维修, 退换货) that
  have an invoice date; then 整机保修 (whole unit), then 主要部件保修 when a replaced part
  names one of the category's main parts (substring match, e.g. "液晶屏(55寸)" → 液晶屏).
- Art. 8: the days earlier in-warranty repairs of the same serial kept the product are added
  to the whole-unit and main-part periods. A repair's days = calendar days from the arrival
  date to the leave date (a same-day visit adds 0; arrived 10-01, left 10-05 adds 4).
- Art. 11: in-warranty 维修 orders (not declined) are counted per serial in order of 报修时间
  (then Excel row); a fault order in warranty after `repairs_before_exchange` of them is
  exchange-eligible. `repair_count` = such repairs before this order.
- 保外转保内 flags: purchase before production; purchase more than `fraud_gap_days` after
  production; the dealer's claim 是 where the dates say out. A claim 否 where the dates say
  in is a milder 提示 (the customer may have been charged wrongly).
"""
from __future__ import annotations

import re

import numpy as np
import pandas as pd

from addin.book.months import shift_days
from addin.book.policy import Policy
from addin.rules.textarrays import day_text, each_once, int_text, obj, per_distinct

FAULT_TYPES = ("维修", "退换货")
REPAIR = "维修"
IN_KINDS = ("退货期", "换货期", "整机保修", "主要部件保修")
OUT = "保外"
PART_SEPARATORS = re.compile(r"[、,;，；\n\r]+")
MAX_ROUNDS = 10


def split_parts(text) -> list[str]:
    """'液晶屏、遥控器;电源板' → ['液晶屏', '遥控器', '电源板']."""
    if text is None or (isinstance(text, float) and np.isnan(text)):
        return []
    return [p.strip() for p in PART_SEPARATORS.split(str(text)) if p.strip()]


def main_parts_replaced(parts: pd.Series, category: pd.Series, policy: Policy) -> pd.Series:
    """Per order, the category's main parts named in 更换配件, joined by 、 ('' when none)."""
    text, cat = obj(parts), obj(category)
    out = np.full(len(text), "", dtype=object)
    for terms in policy.warranty:
        mask = (cat == terms.category) & (text != "")
        if not terms.main_parts or not mask.any():
            continue
        pattern = re.compile("|".join(re.escape(p) for p in sorted(terms.main_parts, key=len, reverse=True)))
        out[mask] = each_once(text[mask], lambda t: "、".join(dict.fromkeys(pattern.findall(t))))
    return pd.Series(out, index=parts.index, dtype=object)


def _days(n: pd.Series) -> pd.Series:
    return pd.to_timedelta(n.fillna(0).astype("int64"), unit="D")


def _period_text(months: pd.Series) -> np.ndarray:
    return each_once(months, lambda m: f"{int(m) // 12}年" if int(m) % 12 == 0 else f"{int(m)}个月")


def periods(frame: pd.DataFrame, policy: Policy, extra_days: pd.Series) -> pd.DataFrame:
    """Start and end dates of every period for each order (extra_days: Art. 8 days)."""
    cat = frame["category"]
    whole_m = cat.map({t.category: t.whole_unit_months for t in policy.warranty})
    main_m = cat.map({t.category: t.main_part_months for t in policy.warranty})
    purchase = frame["purchase_date"].dt.normalize()
    no_invoice = frame["production_date"].dt.normalize() + pd.Timedelta(days=policy.no_invoice_grace_days)
    start = purchase.fillna(no_invoice)
    ext = _days(extra_days)
    return pd.DataFrame({
        "start": start, "whole_months": whole_m, "main_months": main_m,
        "return_until": purchase + pd.Timedelta(days=policy.return_days),
        "exchange_until": purchase + pd.Timedelta(days=policy.exchange_days),
        "whole_until": shift_days(start, whole_m) + ext,
        "main_until": shift_days(start, main_m) + ext,
    }, index=frame.index)


def classify(frame: pd.DataFrame, p: pd.DataFrame, main_parts: pd.Series, ok: pd.Series) -> pd.Series:
    """Which period applies on the day of 报修时间: a kind of IN_KINDS, 保外, or None."""
    day = frame["reported_at"].dt.normalize()
    fault = frame["service_type"].isin(FAULT_TYPES)
    has_main = main_parts != ""
    kind = np.select(
        [fault & (day <= p["return_until"]), fault & (day <= p["exchange_until"]),
         day <= p["whole_until"], has_main & (day <= p["main_until"])],
        list(IN_KINDS), default=OUT)
    return pd.Series(np.where(ok, kind, None), index=frame.index, dtype=object)


def serial_order(frame: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Row positions sorted by (serial, 报修时间, row) and each sorted row's serial group start;
    rows without a serial sort under '' and are never counted."""
    serial = frame["serial"].astype(object).where(frame["serial"].notna(), "").astype(str)
    serial = serial.str.strip().str.upper()
    codes, _ = pd.factorize(serial)
    at = frame["reported_at"].to_numpy(dtype="datetime64[ns]").astype("int64")
    pos = np.lexsort((np.arange(len(frame)), at, codes))
    sorted_codes = codes[pos]
    new_group = np.r_[True, sorted_codes[1:] != sorted_codes[:-1]]
    starts = np.maximum.accumulate(np.where(new_group, np.arange(len(pos)), 0))
    has_serial = (serial != "").to_numpy()[pos]
    return pos, np.where(has_serial, starts, -1)


def prior_sum(order: tuple[np.ndarray, np.ndarray], flag: pd.Series, values) -> pd.Series:
    """Per serial, in order of 报修时间 then row: sum of values over EARLIER flagged orders."""
    pos, starts = order
    v = np.where(flag.to_numpy(), np.asarray(values, dtype="int64"), 0)[pos]
    v = np.where(starts >= 0, v, 0)
    cum = np.cumsum(v)
    before = cum - v                                  # running total before this row
    base = np.where(starts > 0, cum[np.maximum(starts - 1, 0)], 0)
    out = np.zeros(len(pos), dtype="int64")
    out[pos] = before - base
    return pd.Series(out, index=flag.index)


def verdicts(frame: pd.DataFrame, policy: Policy, ok: pd.Series, texts: bool = True) -> pd.DataFrame:
    """The 三包 verdict of every order; rows where `ok` is False get in_warranty None.
    texts=False leaves out the sentences (warranty_rule, fraud) when only the verdict is needed."""
    main_parts = main_parts_replaced(frame["parts"], frame["category"], policy)
    is_repair = (frame["service_type"] == REPAIR) & (frame["customer_agreed"] != "否")
    repair_days = (frame["left_at"].dt.normalize() - frame["arrived_at"].dt.normalize()).dt.days
    repair_days = repair_days.fillna(0).clip(lower=0).astype("int64")
    extra = pd.Series(0, index=frame.index, dtype="int64")
    order = serial_order(frame)
    for _ in range(MAX_ROUNDS):   # Art. 8 extensions can bring earlier repairs into warranty
        p = periods(frame, policy, extra)
        kind = classify(frame, p, main_parts, ok)
        inside = kind.isin(IN_KINDS)
        new_extra = prior_sum(order, inside & is_repair, repair_days)
        if new_extra.equals(extra):
            break
        extra = new_extra
    count = prior_sum(order, inside & is_repair, np.ones(len(frame), dtype="int64"))
    fault = frame["service_type"].isin(FAULT_TYPES)
    eligible = inside & fault & (count >= policy.repairs_before_exchange)
    until = _until(kind, p, main_parts)
    out = pd.DataFrame({
        "in_warranty": pd.Series(np.where(ok, inside, None), index=frame.index, dtype=object),
        "warranty_kind": kind, "warranty_until": until,
        "exchange_eligible": eligible, "repair_count": count, "extra_days": extra,
        "main_parts": main_parts,
    }, index=frame.index)
    if texts:
        out["warranty_rule"] = rule_text(frame, policy, p, out)
        out["fraud"] = fraud_flags(frame, policy, inside, ok)
    return out


def _until(kind: pd.Series, p: pd.DataFrame, main_parts: pd.Series) -> pd.Series:
    out_end = p["main_until"].where(main_parts != "", p["whole_until"])
    cols = [p["return_until"], p["exchange_until"], p["whole_until"], p["main_until"], out_end]
    conds = [kind == k for k in (*IN_KINDS, OUT)]
    until = np.select([c.to_numpy() for c in conds], [c.to_numpy("datetime64[ns]") for c in cols],
                      default=np.datetime64("NaT", "ns"))
    return pd.Series(until, index=kind.index)


def rule_text(frame: pd.DataFrame, policy: Policy, p: pd.DataFrame, v: pd.DataFrame) -> pd.Series:
    """The sentence a dealer can show the customer, e.g. 发票日期2025-03-01起整机保修1年,
    至2026-03-01;更换主要部件液晶屏,主要部件保修3年,至2028-03-01. Built once per distinct
    combination of its inputs (orders share dates and periods)."""
    keys = pd.concat([p, v[["warranty_kind", "extra_days", "main_parts", "exchange_eligible", "repair_count"]]],
                     axis=1).assign(has_invoice=frame["purchase_date"].notna(),
                                    production_date=frame["production_date"].where(frame["purchase_date"].isna()))
    keys["warranty_kind"] = keys["warranty_kind"].fillna("")
    return pd.Series(per_distinct(keys, lambda u: _sentences(u, policy)), index=frame.index, dtype=object)


def _sentences(u: pd.DataFrame, policy: Policy) -> np.ndarray:
    p = v = u
    kind = u["warranty_kind"].to_numpy()
    start = day_text(p["start"])
    basis = np.where(u["has_invoice"].to_numpy(), "发票日期" + start + "起",
                     "无发票,按出厂日期" + day_text(u["production_date"]) + "顺延"
                     + str(policy.no_invoice_grace_days) + "天即" + start + "起")
    extra = v["extra_days"].to_numpy()
    ext = np.where(extra > 0, "(含此前维修占用" + int_text(extra) + "天)", "")
    whole = "整机保修" + _period_text(p["whole_months"]) + ",至" + day_text(p["whole_until"]) + ext
    parts = obj(v["main_parts"])
    main = np.where(parts != "", ";更换主要部件" + parts + ",主要部件保修"
                    + _period_text(p["main_months"]) + ",至" + day_text(p["main_until"]) + ext, "")
    early = np.select(
        [kind == "退货期", kind == "换货期"],
        [f"{policy.return_days}天内可退货、换货或修理,至" + day_text(p["return_until"]) + ";",
         f"{policy.exchange_days}天内可换货或修理,至" + day_text(p["exchange_until"]) + ";"], "")
    tail = np.select(
        [kind == OUT, v["exchange_eligible"].to_numpy()],
        [";报修时已过三包期", ";三包期内此前已修理" + int_text(v["repair_count"])
         + "次,仍有故障可免费调换同型号产品(三包规定第十一条)"], "")
    return np.where(kind == "", "", basis + early + whole + main + tail)


def fraud_flags(frame: pd.DataFrame, policy: Policy, inside: pd.Series, ok: pd.Series) -> pd.Series:
    """'保外转保内嫌疑:…' for the three patterns, '提示:…' for a claim 否 that the dates contradict."""
    purchase, produced = frame["purchase_date"], frame["production_date"]
    gap = (purchase.dt.normalize() - produced.dt.normalize()).dt.days
    claim = frame["claimed_warranty"].to_numpy()
    ok, inside = ok.to_numpy(), inside.to_numpy()
    suspect = (np.where(gap < 0, "购买日期早于出厂日期;", "")
               + np.where(gap > policy.fraud_gap_days, "购买日期比出厂日期晚" + int_text(gap)
                          + f"天(超过{policy.fraud_gap_days}天),请核实发票;", "")
               + np.where(ok & (claim == "是") & ~inside, "登记为三包期内,但按日期已过保;", ""))
    text = np.where(suspect != "", "保外转保内嫌疑:" + each_once(suspect, lambda t: t.rstrip(";")), "")
    note = np.where(ok & (claim == "否") & inside, "提示:登记为保外,但按日期仍在三包期内,不应向客户收费", "")
    both = text + np.where((text != "") & (note != ""), ";", "") + note
    return pd.Series(np.where(both != "", both, None), index=frame.index, dtype=object)
