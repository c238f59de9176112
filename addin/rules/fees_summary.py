"""What the fees result becomes for people: the template's computed columns, totals (with
the not-computable count), a month's slice, and the annual lump-sum (包干) comparison."""
from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

import numpy as np
import pandas as pd

from addin.book.settings import Settings

MONEY = ("travel_fee", "night_surcharge", "customer_total", "factory_claim", "claim_held")
SHOWN_REASONS = 5


def _blank(s: pd.Series) -> pd.Series:
    return pd.Series(np.where(s.isna(), None, s), index=s.index, dtype=object)


def computed_columns(result: pd.DataFrame) -> dict[str, pd.Series]:
    """The template's computed headers (columns.COMPUTED_HEADERS) → per-row values."""
    ok = result["computable"]
    inside = result["in_warranty"] == True  # noqa: E712 (object column of True/False/None)
    verdict = np.select([~ok, inside], ["无法计算", "保内(" + result["warranty_kind"].fillna("") + ")"],
                        default="保外")
    fraud = result["fraud"].fillna("")
    notes = result["notes"].map(";".join)
    basis = np.where(~ok, result["reason"], result["warranty_rule"]
                     + np.where(fraud != "", ";" + fraud, "") + np.where(notes != "", ";" + notes, ""))
    late = result["late"].map({True: "是", False: "否"})
    return {
        "三包判定": pd.Series(verdict, index=result.index, dtype=object),
        "判定依据": pd.Series(basis, index=result.index, dtype=object),
        "交通费": _blank(result["travel_fee"]),
        "夜间加收": _blank(result["night_surcharge"]),
        "应收客户合计": _blank(result["customer_total"]),
        "厂家结算金额": _blank(result["factory_claim"]),
        "响应时长(小时)": _blank(result["response_hours"]),
        "上门时长(小时)": _blank(result["onsite_hours"]),
        "是否超时": _blank(late),
    }


def month_mask(result: pd.DataFrame, month: str) -> pd.Series:
    """Orders reported in month 'YYYY-MM' (by 报修时间)."""
    at = result.attrs["reported_at"].reindex(result.index)
    return at.dt.strftime("%Y-%m") == month


def _fen_sum(s: pd.Series) -> Decimal:
    fen = int(np.round(s.fillna(0).to_numpy() * 100).astype("int64").sum())
    return Decimal(fen).scaleb(-2)


def totals(result: pd.DataFrame) -> dict:
    """Counts and money totals (Decimal) of a result, and the 'N 张服务单无法计算:…' line."""
    ok = result["computable"]
    bad = result[~ok]
    shown = ";".join(f"第{row}行{'(' + str(no) + ')' if isinstance(no, str) else ''} {why}"
                     for row, no, why in zip(bad.index[:SHOWN_REASONS], bad["order_no"], bad["reason"]))
    more = f" 等{len(bad)}张" if len(bad) > SHOWN_REASONS else ""
    return {
        "orders": len(result), "computable": int(ok.sum()), "not_computable": len(bad),
        "in_warranty": int((result["in_warranty"] == True).sum()),  # noqa: E712
        "exchange_eligible": int(result["exchange_eligible"].sum()),
        "fraud_flags": int((result["suspicions"].map(len) > 0).sum()),
        "claim_held_orders": int((result["claim_held"].fillna(0) > 0).sum()),
        "not_done": int(result["claim_status"].str.startswith("未完工").sum()),
        "late": int((result["late"] == True).sum()),  # noqa: E712
        **{k: _fen_sum(result[k]) for k in MONEY},
        "not_computable_note": f"{len(bad)} 张服务单无法计算:{shown}{more}" if len(bad) else "",
    }


def _period(year: int, months: range) -> str:
    if len(months) == 12:
        return f"{year}年"
    if len(months) == 1:
        return f"{year}年{months[0]}月"
    return f"{year}年{months[0]}-{months[-1]}月"


def lump_sum_comparison(result: pd.DataFrame, settings: Settings, year: int, months: range = range(1, 13)) -> dict:
    """The in-warranty service of `months` of `year` at the factory's standard rates (what it
    actually cost) against the same share of the lump-sum allowance (annual_sales ×
    lump_sum_rate × len(months) / 12): a month against 1/12, January–June against 6/12. Like is
    compared with like, for renegotiating the share."""
    at = result.attrs["reported_at"].reindex(result.index)
    mask = ((at.dt.year == year) & at.dt.month.isin(list(months)) & result["computable"]
            & (result["in_warranty"] == True))  # noqa: E712
    cost = _fen_sum(result.loc[mask, "factory_claim"])
    share_of_year = Decimal(len(months)) / 12
    sales = settings.annual_sales * share_of_year
    allowance = (sales * settings.lump_sum_rate).quantize(Decimal("0.01"), ROUND_HALF_UP)
    share = (cost / sales).quantize(Decimal("0.0001"), ROUND_HALF_UP) if sales > 0 else None
    gap, label = allowance - cost, _period(year, months)
    part = "" if len(months) == 12 else f"×{len(months)}/12"
    if share is None:
        summary = f"{label}三包服务按厂家标准折算{cost}元;设置中未填年销售额,无法对比包干额度"
    else:
        verdict = f"包干额度多出{gap}元" if gap >= 0 else f"包干额度不足{-gap}元"
        summary = (f"{label}三包服务{int(mask.sum())}单,按厂家标准折算{cost}元;包干额度{allowance}元"
                   f"(年销售额{settings.annual_sales}×{settings.lump_sum_rate}{part}),{verdict};"
                   f"实际费用占同期销售额{share * 100}%")
    return {"year": year, "months": [months[0], months[-1]], "model": settings.settlement_model,
            "orders": int(mask.sum()), "actual_cost": cost, "allowance": allowance, "difference": gap,
            "annual_sales": settings.annual_sales, "lump_sum_rate": settings.lump_sum_rate,
            "cost_share_of_sales": share, "covered": gap >= 0, "summary": summary}
