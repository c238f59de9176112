"""三包 (warranty) verdict per order, and the rule it rests on, vectorised over the frame.

Rules (../shared/spec/policy.md; every number from `Policy`):
- The period starts at the purchase (invoice) date; without one, at the production date +
  `no_invoice_grace_days`.
- Boundaries are inclusive, by calendar day of 报修时间: a period of N days ends on start + N
  days, a period of N months on the same day N months later (the month's last day when that
  day does not exist), and an order reported ON that end day is still inside.
- 退货期 (`return_days`) and 换货期 (`exchange_days`) apply to fault orders (维修, 退换货) that
  have an invoice date; then 整机保修 (whole unit), then 主要部件保修 when a replaced part IS
  one of the category's main parts or one of its aliases (`part_key`: brackets, a leading
  更换 and a quantity are ignored, so 液晶屏(55寸) and 屏 are 液晶屏; 压缩机启动继电器 is not
  压缩机).
- A fault order that names no part (an exchange, a repeat fault) is judged against the
  main-part period of the serial's latest earlier in-warranty repair that replaced a main part.
- Art. 8: the days earlier in-warranty repairs of the same serial kept the product are added
  to the whole-unit and main-part periods. A repair's days = calendar days from its 报修时间
  to its 离开现场时间 (reported 10-01, repaired 10-05 adds 4; no leave time adds 0).
- Art. 11: in-warranty 维修 orders (not declined) are counted per serial in order of 报修时间
  (then Excel row); a fault order in warranty after `repairs_before_exchange` of them is
  exchange-eligible. `repair_count` = such repairs before this order. A blank or placeholder
  serial (values.serial_keys) never counts earlier repairs.
- 保外转保内 suspicions (codes in SUSPICIONS): purchase before production; purchase more than
  `fraud_gap_days` after production; the dealer's claim 是 where the dates say out. Notes
  (reminders, no suspicion): a claim 否 where the dates say in; a 退换货 in warranty without
  entitlement (after the 15-day window with fewer than the Art. 11 repairs).
"""
from __future__ import annotations

import re
import unicodedata

import numpy as np
import pandas as pd

from addin.book.months import shift_days
from addin.book.policy import Policy
from addin.book.policy_sheet import split_parts
from addin.book.values import serial_keys
from addin.rules.textarrays import day_text, each_once, int_text, obj, per_distinct

FAULT_TYPES = ("维修", "退换货")
REPAIR = "维修"
IN_KINDS = ("退货期", "换货期", "整机保修", "主要部件保修")
OUT = "保外"
MAX_ROUNDS = 10
EXCHANGE = "退换货"
SUSPICIONS = {
    "purchase-before-production": "购买日期早于出厂日期",
    "purchase-long-after-production": "购买日期比出厂日期晚{gap}天(超过{limit}天),请核实发票",
    "claimed-in-but-out": "登记为三包期内,但按日期已过保",
}
_BRACKETS = re.compile(r"[(\[【][^)\]】]*[)\]】]")
_QUANTITY = re.compile(r"(?:[x×*]\d+|\d+(?:个|只|块|件|套|根|条|台))$", re.IGNORECASE)


def part_key(name: str) -> str:
    """A part's name as it is matched: '更换 液晶屏(55寸)' → '液晶屏', '压缩机x1' → '压缩机'."""
    key = re.sub(r"\s+", "", unicodedata.normalize("NFKC", name)).upper()
    key = _QUANTITY.sub("", _BRACKETS.sub("", key))
    return key[2:] if key.startswith("更换") and len(key) > 2 else key


def main_parts_replaced(parts: pd.Series, category: pd.Series, policy: Policy) -> pd.Series:
    """Per order, the category's main parts named in 更换配件 (by name or alias, never by
    substring), joined by 、 ('' when none)."""
    text, cat = obj(parts), obj(category)
    out = np.full(len(text), "", dtype=object)
    for terms in policy.warranty:
        mask = (cat == terms.category) & (text != "")
        if not terms.main_parts or not mask.any():
            continue
        names = {part_key(k): v for k, v in terms.names().items()}
        out[mask] = each_once(text[mask], lambda t: "、".join(dict.fromkeys(
            names[k] for k in map(part_key, split_parts(t)) if k in names)))
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
    rows without a serial (blank or placeholder) get group start -1 and are never counted."""
    serial = serial_keys(frame["serial"])
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
    out[pos] = np.where(starts >= 0, before - base, 0)
    return pd.Series(out, index=flag.index)


def prior_last(order: tuple[np.ndarray, np.ndarray], flag: pd.Series, values: pd.Series) -> pd.Series:
    """Per serial, the value of the latest EARLIER flagged order ('' when none or no serial)."""
    pos, starts = order
    n = len(pos)
    idx = np.where(flag.to_numpy()[pos], np.arange(n), -1)
    prev = np.r_[-1, np.maximum.accumulate(idx)[:-1]] if n else idx
    valid = (starts >= 0) & (prev >= starts)
    vals = obj(values)[pos]
    out = np.empty(n, dtype=object)
    out[pos] = np.where(valid, vals[np.maximum(prev, 0)], "")
    return pd.Series(out, index=flag.index, dtype=object)


def verdicts(frame: pd.DataFrame, policy: Policy, ok: pd.Series, texts: bool = True) -> pd.DataFrame:
    """The 三包 verdict of every order; rows where `ok` is False get in_warranty None.
    texts=False leaves out the sentences (warranty_rule, fraud) when only the verdict is needed."""
    own = main_parts_replaced(frame["parts"], frame["category"], policy)
    is_repair = (frame["service_type"] == REPAIR) & (frame["customer_agreed"] != "否")
    repair_days = (frame["left_at"].dt.normalize() - frame["reported_at"].dt.normalize()).dt.days
    repair_days = repair_days.fillna(0).clip(lower=0).astype("int64")
    fault = frame["service_type"].isin(FAULT_TYPES)
    heir = fault & (obj(frame["parts"]) == "")        # names no part: judged like earlier repairs
    extra = pd.Series(0, index=frame.index, dtype="int64")
    inherited = pd.Series("", index=frame.index, dtype=object)
    order = serial_order(frame)
    p, p_of = None, None          # the periods, and the extra days they were computed for
    for _ in range(MAX_ROUNDS):   # Art. 8 extensions can bring earlier repairs into warranty
        main_parts = own.where(own != "", inherited)
        if p_of is not extra:
            p, p_of = periods(frame, policy, extra), extra
        kind = classify(frame, p, main_parts, ok)
        inside = kind.isin(IN_KINDS)
        new_extra = prior_sum(order, inside & is_repair, repair_days)
        new_inherited = prior_last(order, inside & is_repair & (main_parts != ""), main_parts).where(heir, "")
        same_extra = new_extra.equals(extra)
        if same_extra and new_inherited.equals(inherited):
            break
        extra, inherited = (extra if same_extra else new_extra), new_inherited
    count = prior_sum(order, inside & is_repair, np.ones(len(frame), dtype="int64"))
    eligible = inside & fault & (count >= policy.repairs_before_exchange)
    out = pd.DataFrame({
        "in_warranty": pd.Series(np.where(ok, inside, None), index=frame.index, dtype=object),
        "warranty_kind": kind, "warranty_until": _until(kind, p, main_parts),
        "whole_unit_until": p["whole_until"], "main_part_until": p["main_until"],
        "exchange_eligible": eligible, "repair_count": count, "extra_days": extra,
        "main_parts": main_parts, "inherited": (own == "") & (main_parts != ""),
        "exchange_entitled": ~(frame["service_type"] == EXCHANGE) | kind.isin(IN_KINDS[:2]) | eligible,
    }, index=frame.index)
    if texts:
        out["warranty_rule"] = rule_text(frame, policy, p, out)
        out["fraud"], out["suspicions"], out["notes"] = flags(frame, policy, out, ok)
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
    keys = pd.concat([p, v[["warranty_kind", "extra_days", "main_parts", "inherited", "exchange_eligible",
                            "repair_count"]]],
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
    named = np.where(v["inherited"].to_numpy(), ";此前三包期内维修已更换主要部件", ";更换主要部件")
    main = np.where(parts != "", named + parts + ",主要部件保修"
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


CODES = tuple(SUSPICIONS)          # bit i of an order's suspicion number ↔ CODES[i]


def _suspicion_text(key: int, policy: Policy) -> str:
    """key = suspicion bits + 8 × gap days → '保外转保内嫌疑:…;…' ('' when no bit is set)."""
    bits, gap = key % 8, key // 8
    parts = [SUSPICIONS[c].format(gap=gap, limit=policy.fraud_gap_days) for i, c in enumerate(CODES) if bits >> i & 1]
    return "保外转保内嫌疑:" + ";".join(parts) if parts else ""


def flags(frame: pd.DataFrame, policy: Policy, v: pd.DataFrame, ok: pd.Series):
    """(fraud text, suspicion codes, notes) per order: the 保外转保内 patterns as a Chinese
    sentence (None when none) and as a tuple of SUSPICIONS codes; notes are reminders (a tuple
    of Chinese sentences) that are no suspicion. Texts are built once per distinct case."""
    purchase, produced = frame["purchase_date"], frame["production_date"]
    gap = (purchase.dt.normalize() - produced.dt.normalize()).dt.days.to_numpy()
    claim = frame["claimed_warranty"].to_numpy()
    ok, inside = ok.to_numpy(), v["in_warranty"].eq(True).to_numpy()
    long = gap > policy.fraud_gap_days
    bits = (gap < 0) * 1 + long * 2 + (ok & (claim == "是") & ~inside) * 4
    key = bits + 8 * np.where(long, np.nan_to_num(gap), 0).astype("int64")
    text = each_once(key, lambda k: _suspicion_text(int(k), policy))
    codes = np.array([tuple(c for i, c in enumerate(CODES) if b >> i & 1) for b in range(8)] + [()],
                     dtype=object)[:-1]
    notes = np.array([tuple(t for i, t in enumerate(_note_texts(policy)) if n >> i & 1) for n in range(4)] + [()],
                     dtype=object)[:-1]
    note = (ok & (claim == "否") & inside) * 1 + (ok & inside & ~v["exchange_entitled"].to_numpy()) * 2
    index = frame.index
    return (pd.Series(np.where(text != "", text, None), index=index, dtype=object),
            pd.Series(codes[bits], index=index, dtype=object), pd.Series(notes[note], index=index, dtype=object))


def _note_texts(policy: Policy) -> tuple[str, str]:
    return ("提示:登记为保外,但按日期仍在三包期内,不应向客户收费",
            f"提示:退换货已过{policy.exchange_days}天换货期,三包期内维修不足{policy.repairs_before_exchange}次,"
            "不符合三包退换条件,请核对")
