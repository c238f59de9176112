"""The one-line 计算说明 of each order's sum, built from the fee parts (fen) as object arrays
(addin.rules.textarrays: each distinct amount, distance and date formatted once)."""
from __future__ import annotations

from decimal import Decimal

import numpy as np
import pandas as pd

from addin.book.policy import Policy
from addin.book.settings import Settings
from addin.rules.textarrays import each_once, fen_text as T, obj, per_distinct


def number_text(d: Decimal) -> str:
    """Decimal('1.50') → '1.5', Decimal('30') → '30'."""
    return format(Decimal(d).normalize(), "f")


def km_text(metres) -> np.ndarray:
    """Metres → km text without trailing zeros: 12500 → '12.5', 12000 → '12'."""
    return each_once(metres, lambda m: number_text(Decimal(int(m)) / 1000))


def _travel_note(u: pd.DataFrame, policy: Policy) -> np.ndarray:
    km = km_text(u["metres"].to_numpy())
    radius = number_text(policy.free_radius_km)
    beyond = ("(单程" + km + "公里,超出" + radius + "公里的" + km_text(u["excess"].to_numpy())
              + "公里×" + number_text(policy.travel_rate) + "元)")
    within = "(单程" + km + f"公里,{radius}公里内免费)"
    return np.where(u["no_distance"].to_numpy(), "(未填距离)",
                    np.where(u["excess"].to_numpy() > 0, beyond, within))


def out_of_warranty(u: pd.DataFrame, policy: Policy) -> np.ndarray:
    pct = number_text(policy.night_rate * 100)
    night = np.where(u["night"].to_numpy() > 0, "+夜间加收" + T(u["night"]) + f"(工时×{pct}%)", "")
    return ("保外,客户应付:配件" + T(u["parts"]) + "+工时" + T(u["labour"]) + night
            + "+交通费" + T(u["travel"]) + _travel_note(u, policy) + "=" + T(u["total"]) + "元")


def in_warranty(u: pd.DataFrame, settings: Settings) -> np.ndarray:
    no_rate = np.where(u["has_rate"].to_numpy(), "", "(厂家结算标准中没有“" + obj(u["category"])
                       + "/" + obj(u["service_type"]) + "”,工时按0)")
    lump = "(包干结算:仅用于年度费用对比)" if settings.settlement_model == "包干" else ""
    status = obj(u["status"])
    held = np.where((status != "") & (status != "结算"), ";暂不结算(" + status + ")", "")
    declined = np.where(u["declined"].to_numpy(), "(客户检测后不修,按客户拒修时工时)", "")
    share = obj(u["m_rate"])
    materials = np.where((share != "") & (share != "1"), "(配件费用×材料结算比例" + share + ")", "")
    return ("三包期内(" + obj(u["kind"]) + "),客户不付费;厂家结算:工时" + T(u["c_labour"])
            + no_rate + declined + "+交通补贴" + T(u["c_travel"]) + "+材料" + T(u["c_materials"])
            + materials + "=" + T(u["c_total"]) + "元" + lump + held)


def _sentences(u: pd.DataFrame, policy: Policy, settings: Settings) -> np.ndarray:
    why = obj(u["reason"])
    return np.select(
        [why != "", u["inside"].to_numpy(), u["declined"].to_numpy()],
        ["无法计算:" + why, in_warranty(u, settings), "保外,客户检测后不同意维修:不收检测费和任何费用"],
        default=out_of_warranty(u, policy))


def explanation(frame, policy: Policy, settings: Settings, v: pd.DataFrame, fees: pd.DataFrame,
                claim: pd.DataFrame, reason: pd.Series, excess: pd.Series, status: pd.Series) -> pd.Series:
    """计算说明 of every order: the sum the customer pays, or the claim (and why it is held,
    `status`: fees.claim_status), or why nothing. `excess`: metres beyond the free radius.
    Built once per distinct combination."""
    inside = v["in_warranty"].fillna(False).astype(bool)
    pays = ~inside & (reason == "")
    keys = pd.DataFrame({
        "reason": reason, "inside": inside, "declined": fees["declined"],
        "kind": v["warranty_kind"].fillna(""),
        **{k: fees[k] for k in ("parts", "labour", "night", "travel", "total")},
        "metres": np.round(frame["distance_km"].fillna(0) * 1000).astype("int64").where(pays, 0),
        "excess": excess.where(pays, 0), "no_distance": frame["distance_km"].isna() & pays,
        **{"c_" + k: claim[k] for k in ("labour", "travel", "materials", "total")},
        "has_rate": claim["has_rate"] | ~inside, "status": status, "m_rate": claim["materials_rate"],
        "category": frame["category"].where(inside & ~claim["has_rate"], ""),
        "service_type": frame["service_type"].where(inside & ~claim["has_rate"], ""),
    }, index=frame.index)
    for col in ("category", "service_type"):
        keys[col] = keys[col].fillna("").astype(object)
    return pd.Series(per_distinct(keys, lambda u: _sentences(u, policy, settings)), index=frame.index, dtype=object)
