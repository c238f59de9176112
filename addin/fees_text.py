"""The one-line 计算说明 of each order's sum, built from the fee parts (fen) as object arrays
(addin.textarrays: each distinct amount, distance and date formatted once)."""
from __future__ import annotations

from decimal import Decimal

import numpy as np
import pandas as pd

from .policy import Policy
from .settings import Settings
from .textarrays import each_once, fen_text as T, obj


def number_text(d: Decimal) -> str:
    """Decimal('1.50') → '1.5', Decimal('30') → '30'."""
    return format(Decimal(d).normalize(), "f")


def km_text(metres) -> np.ndarray:
    """Metres → km text without trailing zeros: 12500 → '12.5', 12000 → '12'."""
    return each_once(metres, lambda m: number_text(Decimal(int(m)) / 1000))


def _travel_note(frame, policy: Policy, excess: pd.Series, per_km: str) -> np.ndarray:
    km = km_text(np.round(frame["distance_km"].fillna(0).to_numpy() * 1000).astype("int64"))
    radius = number_text(policy.free_radius_km)
    beyond = "(单程" + km + "公里,超出" + radius + "公里的" + km_text(excess) + "公里×" + per_km + "元)"
    within = "(单程" + km + f"公里,{radius}公里内免费)"
    return np.where(frame["distance_km"].isna().to_numpy(), "(未填距离)",
                    np.where(excess.to_numpy() > 0, beyond, within))


def out_of_warranty(frame, policy: Policy, fees: pd.DataFrame, excess: pd.Series) -> np.ndarray:
    pct = number_text(policy.night_rate * 100)
    night = np.where(fees["night"].to_numpy() > 0, "+夜间加收" + T(fees["night"]) + f"(工时×{pct}%)", "")
    travel = "+交通费" + T(fees["travel"]) + _travel_note(frame, policy, excess, number_text(policy.travel_rate))
    return ("保外,客户应付:配件" + T(fees["parts"]) + "+工时" + T(fees["labour"]) + night
            + travel + "=" + T(fees["total"]) + "元")


def in_warranty(frame, settings: Settings, kind: pd.Series, claim: pd.DataFrame) -> np.ndarray:
    no_rate = np.where(claim["has_rate"].to_numpy(), "", "(厂家结算标准中没有“" + obj(frame["category"])
                       + "/" + obj(frame["service_type"]) + "”,工时按0)")
    lump = "(包干结算:仅用于年度费用对比)" if settings.settlement_model == "包干" else ""
    return ("三包期内(" + obj(kind) + "),客户不付费;厂家结算:工时" + T(claim["labour"])
            + no_rate + "+交通补贴" + T(claim["travel"]) + "+材料" + T(claim["materials"])
            + "=" + T(claim["total"]) + "元" + lump)


def explanation(frame, policy: Policy, settings: Settings, v: pd.DataFrame, fees: pd.DataFrame,
                claim: pd.DataFrame, reason: pd.Series, excess: pd.Series) -> pd.Series:
    """计算说明 of every order: the sum the customer pays, or the claim, or why nothing.
    `excess`: metres beyond the free radius."""
    inside = v["in_warranty"].fillna(False).astype(bool).to_numpy()
    why = obj(reason)
    text = np.select(
        [why != "", inside, fees["declined"].to_numpy()],
        ["无法计算:" + why, in_warranty(frame, settings, v["warranty_kind"], claim),
         "保外,客户检测后不同意维修:不收检测费和任何费用"],
        default=out_of_warranty(frame, policy, fees, excess))
    return pd.Series(text, index=frame.index, dtype=object)
