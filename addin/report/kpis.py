"""The month's KPI tables (plain data) computed from the month's orders frame.

Input: the frame of `summary.month_orders` (orders + fee columns + derived columns).
Definitions: a failure is a 维修 or 退换货 order; its fault is 现场确诊故障, else 报修故障;
early failures are counted from the purchase (invoice) date to 报修时间 (≤15 days, ≤365 days);
satisfaction rate = (非常满意 + 满意) / orders with a rating; promise compliance counts the
orders the fee engine could time (late is not empty).
"""
from __future__ import annotations

import pandas as pd

from addin.book.columns import CITY_TIERS, RATINGS, SERVICE_TYPES
from addin.book.issues import ERROR
from addin.book.values import serial_keys
from addin.book.vocab import NONE
from addin.report.tables import Table, rows_of

LIST_CAP = 1000


def _share(part, whole) -> float | None:
    return round(float(part) / float(whole), 4) if whole else None


def _known(series: pd.Series) -> pd.Series:
    """True where a yes/no value (bool or None) is known."""
    return series.astype(object).map(lambda v: v is True or v is False).astype(bool)


def _yuan(v) -> float:
    return round(float(v), 2)


def _ordered(values, preferred) -> list:
    present = [v for v in pd.unique(values) if isinstance(v, str)]
    return [v for v in preferred if v in present] + sorted(v for v in present if v not in preferred)


def by_type(orders: pd.DataFrame, policy) -> Table:
    cats = _ordered(orders["category"], policy.categories)
    types = _ordered(orders["service_type"], SERVICE_TYPES)
    ct = pd.crosstab(orders["service_type"], orders["category"]).reindex(index=types, columns=cats, fill_value=0)
    rows = [(t, *[int(v) for v in ct.loc[t]], int(ct.loc[t].sum())) for t in types]
    rows.append(("合计", *[int(ct[c].sum()) for c in cats], int(len(orders))))
    return Table("by_type", "按服务类型和产品类型的服务单数", ("服务类型", *cats, "合计"),
                 ("text",) + ("int",) * (len(cats) + 1), tuple(rows),
                 "合计含服务类型或产品类型未填的单。" if ct.values.sum() != len(orders) else "")


WARRANTY_KINDS = (("退货期", "保内"), ("换货期", "保内"), ("整机保修", "保内"), ("主要部件保修", "保内"), ("保外", "保外"))


def warranty(orders: pd.DataFrame) -> Table:
    n = len(orders)
    kinds = orders["warranty_kind"].astype(object)
    known = _known(orders["in_warranty"])
    rows = []
    for kind, side in WARRANTY_KINDS:
        c = int(((kinds == kind) & known).sum())
        rows.append((kind, side, c, _share(c, n)))
    inside = int((orders["in_warranty"].astype(object) == True).sum())  # noqa: E712
    outside = int((orders["in_warranty"].astype(object) == False).sum())  # noqa: E712
    unknown = n - inside - outside
    rows += [("保内合计", "保内", inside, _share(inside, n)), ("保外合计", "保外", outside, _share(outside, n)),
             ("无法判定", "", unknown, _share(unknown, n))]
    return Table("warranty", "三包期内外", ("三包判定", "保内/保外", "单数", "占比"),
                 ("text", "text", "int", "pct"), tuple(rows), "无法判定:缺少购买或出厂日期等,见“待解决问题”。")


FEE_SUMS = ("customer_total", "travel_fee", "night_surcharge", "factory_claim", "claim_held")


def fees(orders: pd.DataFrame, policy, settings=None) -> Table:
    """Per category: what customers pay and what is claimed from the factory; 暂不结算 is the
    in-warranty amount held back (not done, or a 保外转保内 suspect not yet checked)."""
    num = orders.assign(**{c: pd.to_numeric(orders[c], errors="coerce") if c in orders else 0.0
                           for c in FEE_SUMS})
    num["suspect"] = orders["suspicions"].map(lambda s: bool(s) if isinstance(s, tuple) else False) \
        if "suspicions" in orders else False
    cats = _ordered(num["category"], policy.categories)
    g = num.groupby("category").agg(n=("order_no", "size"), **{c: (c, "sum") for c in FEE_SUMS},
                                    suspect=("suspect", "sum")).reindex(cats)
    rows = [(c, int(r.n), *[_yuan(r[k]) for k in FEE_SUMS], int(r.suspect)) for c, r in g.iterrows()]
    tot = (int(len(num)), *[_yuan(num[c].sum()) for c in FEE_SUMS], int(num["suspect"].sum()))
    rows.append(("合计", *tot))
    note = ""
    if settings is not None and settings.settlement_model == "包干":
        monthly = float(settings.annual_sales * settings.lump_sum_rate) / 12
        note = f"包干结算:厂家按年销售额拨付,折合每月约 {monthly:.2f} 元;本月按标准应结算 {tot[4]:.2f} 元。"
    return Table("fees", "客户收费与厂家结算(元)", ("产品类型", "单数", "应收客户合计", "其中交通费",
                 "其中夜间加收", "厂家结算金额", "暂不结算", "保外转保内嫌疑(单)"),
                 ("text", "int", "money", "money", "money", "money", "money", "int"), tuple(rows),
                 (note + "暂不结算:保内但未完工,或保外转保内嫌疑未核实的单,不计入厂家结算金额。").strip())


def _compliance_row(label, limit, sub, response_limit):
    timed = sub.loc[_known(sub["late"])]
    late = int((timed["late"].astype(object) == True).sum())  # noqa: E712
    resp = pd.to_numeric(sub["response_hours"], errors="coerce").dropna()
    hours = pd.to_numeric(timed["onsite_hours"], errors="coerce").mean()
    return (label, limit, len(timed), len(timed) - late, late, _share(len(timed) - late, len(timed)),
            None if pd.isna(hours) else round(float(hours), 1),
            _share(int((resp <= response_limit).sum()), len(resp)))


def promise(orders: pd.DataFrame, policy) -> Table:
    tiers = _ordered(orders["city_tier"], CITY_TIERS)
    limit = float(policy.response_hours)
    rows = [_compliance_row(t, policy.onsite_limit(t), orders[orders["city_tier"] == t], limit) for t in tiers]
    rows.append(_compliance_row("合计", None, orders, limit))
    return Table("promise", "上门时效达标(按城市级别)", ("城市级别", "上门时限(小时)", "计时单数", "按时",
                 "超时", "达标率", "平均上门时长(小时)", f"{limit:g}小时响应达标率"),
                 ("text", "int", "int", "int", "int", "pct", "num", "pct"), tuple(rows),
                 "计时单数:有报修和到达时间、能判断是否超时的单。")


def satisfaction(orders: pd.DataFrame) -> Table:
    counts = orders["rating"].value_counts()
    rated = int(sum(int(counts.get(r, 0)) for r in RATINGS))
    rows = [(r, int(counts.get(r, 0)), _share(int(counts.get(r, 0)), rated)) for r in RATINGS]
    good = int(counts.get("非常满意", 0)) + int(counts.get("满意", 0))
    rows += [("未评价", len(orders) - rated, None), ("满意率(非常满意+满意)", good, _share(good, rated))]
    return Table("satisfaction", "客户满意度", ("客户评价", "单数", "占已评价"), ("text", "int", "pct"),
                 tuple(rows))


REPEAT_MONTHS = 12
FAULT_TYPES = ("维修", "退换货")


def repeats(orders: pd.DataFrame, history: pd.DataFrame | None = None) -> Table:
    """Every serial with a repair (维修/退换货) this month and 2 or more of them in the
    REPEAT_MONTHS months to the month's end, in or out of warranty: one row per visit with
    its date and fault. `history`: those months' orders (summary.repeat_history); without it
    only the month's. A blank or placeholder serial is counted apart (no repeat is knowable)."""
    history = orders if history is None else history
    fails = history[history["service_type"].isin(FAULT_TYPES)].assign(key=serial_keys(history["serial"]))
    fails = fails[fails["key"] != ""]
    month_keys = set(serial_keys(orders["serial"])[orders["service_type"].isin(FAULT_TYPES)])
    visits = fails.groupby("key")["key"].transform("size")
    sel = fails[(visits >= 2) & fails["key"].isin(month_keys)].sort_values(["key", "reported_at"], kind="stable")
    sel = sel.assign(n=sel.groupby("key").cumcount() + 1, of=visits[sel.index],
                     verdict=sel["in_warranty"].astype(object).map({True: "保内", False: "保外"}),
                     ex=(sel["exchange_eligible"].astype(object) == True).map({True: "是", False: "否"}))  # noqa: E712
    cols = ("serial", "model", "n", "of", "reported_at", "order_no", "service_type", "verdict", "fault", "ex")
    no_serial = int((orders["service_type"].isin(FAULT_TYPES) & (serial_keys(orders["serial"]) == "")).sum())
    note = (f"近{REPEAT_MONTHS}个月同一序列号维修2次及以上、本月又报修的 {sel['key'].nunique()} 台,共 {len(sel)} 次"
            "(保内、保外都算)。" + (f"本月另有 {no_serial} 张维修/退换货单没有有效序列号,无法统计是否返修。"
                                if no_serial else ""))
    return Table("repeats", "返修(同一序列号多次维修)", ("产品序列号", "产品型号", "第几次", "共几次", "报修时间",
                 "服务单编号", "服务类型", "三包判定", "故障", "可免费换机"),
                 ("text", "text", "int", "int", "datetime", "text", "text", "text", "text", "text"),
                 rows_of(sel, cols), note)


PARETO_SHARE = 0.8
PARETO_MAX = 20


def _main(values) -> str:
    counts = pd.Series([v for v in values if isinstance(v, str)]).value_counts()
    return "、".join(f"{k}" for k in counts.index[:3])


def pareto(orders: pd.DataFrame, quality_only: bool = False) -> Table:
    """Faults (grouped by the fault list) of the failures that are faults at all (not 非故障;
    `quality_only`: of product quality, for R&D): the faults that make up 80 % and every
    repeated one (at most 20 rows), the rest in one 其他 row that names them."""
    fails = orders[orders["is_quality"] if quality_only else orders["is_failure"] & (orders["cause_group"] != NONE)]
    g = (fails.groupby("fault").agg(n=("order_no", "size"), cls=("cause_class", _main), models=("model", _main))
         .reset_index().sort_values(["n", "fault"], ascending=[False, True], kind="stable"))
    total = len(fails)
    cum = g["n"].cumsum().shift(fill_value=0)
    keep = ((cum < PARETO_SHARE * total) | (g["n"] >= 2)) & (pd.Series(range(len(g)), index=g.index) < PARETO_MAX)
    if (~keep).sum() == 1:                             # one left over: name it rather than call it 其他
        keep[:] = pd.Series(range(len(g)), index=g.index) <= PARETO_MAX
    top, rest = g[keep], g[~keep]
    rows = [(f, c, int(n), m) for f, n, c, m in top[["fault", "n", "cls", "models"]].itertuples(index=False)]
    if len(rest):
        names = "、".join(rest["fault"].head(8)) + ("等" if len(rest) > 8 else "")
        rows.append((f"其他({len(rest)} 种,各 1 单)" if rest["n"].max() == 1 else f"其他({len(rest)} 种)",
                     names, int(rest["n"].sum()), ""))
    running, out = 0, []
    for f, c, n, m in rows:
        running += n
        out.append((f, c, n, _share(n, total), _share(running, total), m))
    whose = "原因归属“产品质量”的" if quality_only else "不属于“非故障”的"
    return Table("pareto_quality" if quality_only else "pareto",
                 ("产品质量" if quality_only else "") + "故障帕累托(按故障,同义写法已归并)",
                 ("故障", "原因类别", "故障单数", "占比", "累计占比", "主要型号"),
                 ("text", "text", "int", "pct", "pct", "text"), tuple(out),
                 f"分母:本月维修、退换货单中{whose} {total} 单;故障按“故障代码”表归并。")


def causes(orders: pd.DataFrame, vocab) -> Table:
    """The month's failures per cause class (vocab order), with the class's 归属."""
    fails = orders[orders["is_failure"]]
    counts = fails["cause_class"].value_counts()
    rows = [(c.name, c.group, int(counts.get(c.name, 0)), _share(int(counts.get(c.name, 0)), len(fails)),
             _main(fails.loc[fails["cause_class"] == c.name, "model"])) for c in vocab.classes]
    rows.append(("合计", "", len(fails), _share(len(fails), len(fails)), ""))
    return Table("causes", "故障原因类别(维修、退换货)", ("原因类别", "归属", "单数", "占比", "主要型号"),
                 ("text", "text", "int", "pct", "text"), tuple(rows),
                 "“产品质量”反馈给质量、研发、生产部;“服务过程”(运输、安装)是经销商自己的改进事项。")


def _early_counts(df: pd.DataFrame):
    d = df["days_owned"]
    return int(((d >= 0) & (d <= 15)).sum()), int(((d >= 0) & (d <= 365)).sum()), int(d.isna().sum())


EARLY_HEADERS = ("购买15天内", "购买一年内(含15天内)", "无购买日期")
QUALITY_NOTE = "只计原因归属“产品质量”的单(运输、安装、使用原因和非故障不计入)。"


def batches(orders: pd.DataFrame) -> Table:
    fails = orders[orders["is_quality"]]
    rows = _early_rows(fails, fails["prod_month"].fillna("(未填)"))
    return Table("batches", "按生产月份(批次)的产品质量故障", ("生产月份", "故障单数", *EARLY_HEADERS),
                 ("text", "int", "int", "int", "int"), tuple(rows), QUALITY_NOTE)


def _early_rows(fails: pd.DataFrame, key: pd.Series) -> list[tuple]:
    """(key, orders, within 15 days, within a year, no purchase date) per group, in key order:
    one groupby over flag columns (a loop over ~1,000 models took seconds)."""
    d = fails["days_owned"]
    flags = pd.DataFrame({"n": 1, "d15": (d >= 0) & (d <= 15), "d365": (d >= 0) & (d <= 365),
                          "none": d.isna()}, index=fails.index).astype("int64")
    g = flags.groupby(key, sort=True).sum()
    return [(k, *(int(x) for x in row)) for k, row in zip(g.index.tolist(), g.to_numpy().tolist())]


def model_batches(orders: pd.DataFrame) -> Table:
    fails = orders[orders["is_quality"] & orders["prod_month"].notna()]
    g = fails.groupby(["model", "prod_month"]).size().reset_index(name="n")
    g = g.sort_values(["n", "model", "prod_month"], ascending=[False, True, True])
    note = QUALITY_NOTE + (f"共 {len(g)} 个批次,只列出故障最多的 30 个。" if len(g) > 30 else "")
    return Table("model_batches", "批次故障(型号+生产月份,产品质量)", ("产品型号", "生产月份", "故障单数"),
                 ("text", "text", "int"), rows_of(g.head(30), ("model", "prod_month", "n")), note)


def early(orders: pd.DataFrame) -> Table:
    fails = orders[orders["is_quality"]]
    rows = _early_rows(fails, fails["model"])
    rows.sort(key=lambda r: (-r[2], -r[3], r[0]))
    tot = ("合计", len(fails), *_early_counts(fails))
    return Table("early", "早期故障(按型号,从购买日期算起,产品质量)", ("产品型号", "故障单数", "15天内",
                 "一年内(含15天内)", "无购买日期"), ("text", "int", "int", "int", "int"), tuple(rows) + (tot,),
                 "单数;有“销售台账”时故障率见“故障率”表。" + QUALITY_NOTE)


def problems(orders: pd.DataFrame, issues, sheet, unplaced: int) -> tuple[Table, Table]:
    rows_in = set(orders.index)
    mine = [i for i in issues if (sheet is None or i.where.sheet == sheet) and i.where.row in rows_in]
    other = [i for i in issues if sheet is not None and i.where.sheet != sheet]
    counts: dict[tuple, list] = {}
    for i in mine + other:
        counts.setdefault((i.code, i.severity), []).append(i)
    rows = sorted(((c, "错误" if s == ERROR else "提醒", len(v), v[0].message) for (c, s), v in counts.items()),
                  key=lambda r: (r[1] != "错误", -r[2], r[0]))
    note = f"另有 {unplaced} 张服务单的报修时间为空或无法识别,未计入任何月份。" if unplaced else ""
    summary = Table("problems", "校验发现的待解决问题", ("问题代码", "严重程度", "数量", "示例"),
                    ("text", "text", "int", "text"), tuple(rows), note)
    order_no = orders["order_no"]
    listed = [(i.where.sheet, i.where.a1, _str(order_no.get(i.where.row)), i.column,
               "错误" if i.severity == ERROR else "提醒", i.message) for i in (mine + other)[:LIST_CAP]]
    detail = Table("problem_list", "问题明细", ("工作表", "单元格", "服务单编号", "列", "严重程度", "说明"),
                   ("text",) * 6, tuple(listed),
                   f"只列出前 {LIST_CAP} 条。" if len(mine) + len(other) > LIST_CAP else "")
    return summary, detail


def _str(v):
    return v if isinstance(v, str) else None


def all_kpis(orders, policy, settings, issues, sheet, unplaced, vocab, history=None) -> dict[str, Table]:
    summary, detail = problems(orders, issues, sheet, unplaced)
    tables = (by_type(orders, policy), warranty(orders), fees(orders, policy, settings), promise(orders, policy),
              satisfaction(orders), repeats(orders, history), causes(orders, vocab), pareto(orders),
              pareto(orders, True), batches(orders), model_batches(orders), early(orders), summary, detail)
    return {t.key: t for t in tables}


def totals(orders: pd.DataFrame) -> dict[str, float]:
    rated = orders["rating"].isin(RATINGS).sum()
    late = orders["late"].astype(object)
    timed = int(_known(late).sum())
    return {
        "orders": int(len(orders)), "error_orders": int(orders["has_error"].sum()),
        "failures": int(orders["is_failure"].sum()),
        "fee": round(float(orders["fee"].sum()), 2),
        "customer_total": round(float(pd.to_numeric(orders["customer_total"], errors="coerce").sum()), 2),
        "factory_claim": round(float(pd.to_numeric(orders["factory_claim"], errors="coerce").sum()), 2),
        "late": int((late == True).sum()), "timed": timed,  # noqa: E712
        "satisfaction_rate": _share(orders["rating"].isin(("非常满意", "满意")).sum(), rated),
    }
