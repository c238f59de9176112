"""Worksheet functions (xlwings UDFs, free xlwings only) over the same core as the CLI.

Each function turns its arguments into orders and runs the vectorised engine of addin.rules.fees
and addin.rules.warranty once, so a cell gives exactly what `aftersales fees` gives. Every
per-order argument may be one cell or a whole column (or row), e.g. =SVC_TRAVEL_FEE(U2:U1000):
the function then builds an n-order frame, runs the engine ONCE and returns a column that
spills (addin.excel.udf_shapes: shapes, broadcasting of single values, blank tail rows). A bad
value gives its own row "无法计算:…"; the rest of the column is computed. One formula per
column instead of one per cell: the engine costs about the same for 1 or 1,000 orders.
They use the policy tables (and 设置) of the workbook they are called from: xlwings fills the
argument named `caller` with the calling cell and hides it from the function wizard
(xlwings/udfs.py, call_udf and the VBA wrapper); addin.excel.udf_policy reads the tables once per
workbook and recalculation burst. Without a caller (a plain call) or without policy sheets:
the defaults of ../shared/spec/policy.md. The numbers a dealer changes most can still be passed as
optional arguments (one value for the whole call), which win over the tables (e.g.
=SVC_TRAVEL_FEE(U2, 20, 1.5)). On Linux `xw.func` is a no-op and these are plain functions
(tested as such); in Excel the xlwings add-in imports this module (the template's
xlwings.conf names it) and shows the docstrings in the function wizard. Bad input gives a
Chinese message in the cell, never a Python error.
"""
from __future__ import annotations

import functools
from dataclasses import replace
from decimal import InvalidOperation

import pandas as pd
import xlwings as xw

from addin.rules.fees import compute_frame
from addin.excel.udf_cells import decimal, orders
from addin.excel.udf_policy import Rules, for_brand, rules_for
from addin import clock
from addin.excel.udf_history import orders_for, serial_status
from addin.excel.udf_shapes import UdfInputError, shape_of, single

IN_WARRANTY_WORDS = ("是", "保内", "TRUE", "True", "true", "1")
FAR_PAST, LONG_AGO, REPORTED = "2000-01-01", "2019-12-31", "2020-01-01"   # out / in warranty on REPORTED
COLUMN = dict(ndim=2)   # xlwings: a cell arrives as [[v]], a column as [[v], …] (addin.excel.udf_shapes)
BRAND_DOC = "品牌或厂家(可省略;设置表有多个厂家时按该厂家的政策和结算标准计算;可以是一列,如 AM2:AM1000)"
BRAND_ONE_DOC = "品牌或厂家(可省略;设置表有多个厂家时按该厂家的政策计算;一个公式一个品牌)"


def _compute(rules: Rules, args: dict, fields, pick, brand=None):
    """One engine run for every order of the call. `args`: the per-order arguments as given
    (cells, columns or rows); `fields(columns)` maps their n values to engine fields;
    `pick(result row)` gives a row's cell. A bad value gives that row "无法计算:…".
    `brand`: one brand, or a column of them beside the others (each order under its factory's
    rules; a brand no factory lists gives its row "无法计算:…")."""
    shape = shape_of(args)
    frame, errors = orders(shape.n, fields({k: shape.cells(v) for k, v in args.items()}))
    if brand is not None and len(shape.cells(brand)) != shape.n:
        raise UdfInputError(f"品牌列的行数({len(shape.cells(brand))})与其他列({shape.n})不一致,请选同样多的行")
    result = _by_brand(rules, frame, None if brand is None else shape.cells(brand), errors)
    values = [None if blank else f"无法计算:{error}" if error else pick(r)
              for blank, error, r in zip(shape.blank, errors, result.itertuples(index=False))]
    return shape.out(values)


def _by_brand(rules: Rules, frame: pd.DataFrame, brands, errors: list) -> pd.DataFrame:
    """compute_frame with each order's factory's rules (udf_policy.for_brand), in the frame's order."""
    texts = ["" if b is None else str(b).strip() for b in (brands or [""] * len(frame))]
    groups: dict[str, list[int]] = {}
    for i, text in enumerate(texts):
        groups.setdefault(text, []).append(i)
    parts = []
    for text, rows in groups.items():
        try:
            own = for_brand(rules, text)
        except ValueError as exc:
            own = rules
            for i in rows:
                errors[i] = errors[i] or str(exc)
        part = compute_frame(frame.iloc[rows], own.policy, own.settings)
        part.attrs = {}
        parts.append(part)
    return parts[0] if len(parts) == 1 else pd.concat(parts).loc[frame.index]


def _rules(caller, brand=None) -> Rules:
    """The calling workbook's rules (those of `brand`'s factory when given); a policy that could
    not be read (or has bad cells) gives its reason in the cell instead of a number computed on
    another policy."""
    rules = rules_for(caller)
    if rules.problem:
        raise UdfInputError(rules.problem)
    return for_brand(rules, _one_brand(brand))


def _one_brand(brand):
    """The brand of a call: one cell, or a column whose filled cells all name the same brand."""
    if not isinstance(brand, (list, tuple)):
        return brand
    names = {str(v).strip() for row in brand for v in (row if isinstance(row, (list, tuple)) else [row])
             if v is not None and str(v).strip()}
    if len(names) > 1:
        raise UdfInputError("一个公式只能按一个品牌计算:请把不同品牌的服务单分开写公式,或给一个品牌单元格")
    return next(iter(names), None)


def _each(fn, values: list) -> list:
    return [fn(v) for v in values]


def _any_category(rules: Rules) -> str:
    """A category of the workbook's 三包政策 for functions whose answer does not depend on it."""
    return rules.policy.categories[0]


def _guard(fn):
    """Turn input problems into a message in the cell instead of an Excel #VALUE!."""
    @functools.wraps(fn)
    def wrapped(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except (UdfInputError, InvalidOperation, ValueError) as exc:
            return f"无法计算:{exc}"
    return wrapped


def _warranty(caller_brand, pick, category, purchase_date, production_date, reported_at, parts, service_type):
    args = dict(category=category, purchase_date=purchase_date, production_date=production_date,
                reported_at=reported_at, parts=parts, service_type=service_type)
    caller, brand = caller_brand
    return _compute(_rules(caller), args, lambda c: {
        **c, "parts": _each(lambda v: v or None, c["parts"]),
        "service_type": _each(lambda v: v or "维修", c["service_type"])}, pick, brand)


def _verdict(r):
    if not r.computable:
        return "无法计算:" + r.reason
    return f"保内({r.warranty_kind})" if r.in_warranty else "保外"


WARRANTY_ARGS = (("category", "产品类型,如 电视;可以是一列,如 F2:F1000"),
                 ("purchase_date", "购买(发票)日期;没有发票留空"),
                 ("production_date", "出厂日期(没有发票时用)"),
                 ("reported_at", "报修时间"),
                 ("parts", "更换配件,多个用顿号隔开(可省略)"),
                 ("service_type", "服务类型(可省略,默认 维修)"))


def _columns(*names_docs):
    """@xw.arg(name, ndim=2, doc=…) for each per-order argument (one cell, a column or a row)."""
    def decorate(fn):
        for name, doc in reversed(names_docs):
            fn = xw.arg(name, doc=doc, **COLUMN)(fn)
        return fn
    return decorate


@xw.func
@_columns(*WARRANTY_ARGS)
@xw.arg("brand", doc=BRAND_DOC, **COLUMN)
@xw.ret(doc="保内(退货期/换货期/整机保修/主要部件保修)、保外,或无法计算的原因;参数是一列时结果也是一列")
@_guard
def SVC_WARRANTY(category, purchase_date, production_date, reported_at, parts="", service_type="",
                 brand=None, caller=None):
    """三包判定:报修时是否在三包期内,适用哪一种期限。参数可以是整列(一个公式算整列)。"""
    return _warranty((caller, brand), _verdict, category, purchase_date, production_date, reported_at, parts,
                     service_type)


@xw.func
@_columns(*WARRANTY_ARGS)
@xw.arg("brand", doc=BRAND_DOC, **COLUMN)
@xw.ret(doc="可以给客户看的判定依据,如 发票日期2025-03-01起整机保修1年,至2026-03-01")
@_guard
def SVC_WARRANTY_RULE(category, purchase_date, production_date, reported_at, parts="", service_type="",
                      brand=None, caller=None):
    """三包判定依据:从哪天起、保修多久、到哪天,更换主要部件时另列主要部件保修期。"""
    return _warranty((caller, brand), _pick("warranty_rule"), category, purchase_date, production_date, reported_at,
                     parts, service_type)


@xw.func
@_columns(*WARRANTY_ARGS)
@xw.arg("brand", doc=BRAND_DOC, **COLUMN)
@xw.ret(doc="适用的三包期限的最后一天(当天仍在保内)")
@_guard
def SVC_WARRANTY_UNTIL(category, purchase_date, production_date, reported_at, parts="", service_type="",
                       brand=None, caller=None):
    """三包到期日:适用期限的最后一天。"""
    return _warranty((caller, brand), _pick("warranty_until"), category, purchase_date, production_date, reported_at,
                     parts, service_type)


@xw.func
@_columns(*WARRANTY_ARGS)
@xw.arg("brand", doc=BRAND_DOC, **COLUMN)
@xw.ret(doc="整机三包期的最后一天(含此前维修占用的天数)")
@_guard
def SVC_WHOLE_UNIT_UNTIL(category, purchase_date, production_date, reported_at, parts="", service_type="",
                         brand=None, caller=None):
    """整机三包到期日:不论报修时适用哪一种期限,单列整机保修的最后一天。"""
    return _warranty((caller, brand), _pick("whole_unit_until"), category, purchase_date, production_date, reported_at,
                     parts, service_type)


@xw.func
@_columns(*WARRANTY_ARGS)
@xw.arg("brand", doc=BRAND_DOC, **COLUMN)
@xw.ret(doc="主要部件三包期的最后一天(含此前维修占用的天数)")
@_guard
def SVC_MAIN_PART_UNTIL(category, purchase_date, production_date, reported_at, parts="", service_type="",
                        brand=None, caller=None):
    """主要部件三包到期日:单列主要部件(如液晶屏、压缩机)保修的最后一天。"""
    return _warranty((caller, brand), _pick("main_part_until"), category, purchase_date, production_date, reported_at,
                     parts, service_type)


def _pick(column: str):
    """A result row → its `column` (a date as a datetime), or why it cannot be computed."""
    def pick(r):
        if not r.computable:
            return "无法计算:" + r.reason
        value = getattr(r, column)
        return value.to_pydatetime() if isinstance(value, pd.Timestamp) else (None if pd.isna(value) else value)
    return pick


@xw.func
@xw.arg("serial", doc="产品序列号(机身条码上的号码)")
@xw.arg("brand", doc=BRAND_ONE_DOC, **COLUMN)
@xw.ret(doc="此序列号三包期内已维修的次数(三包第十一条计数;保外的维修不计)")
@_guard
def SVC_REPAIRS(serial, brand=None, caller=None):
    """客户来电时查询:这台机器(按序列号)三包期内已经修过几次,按本工作簿“服务单”中的记录。"""
    return float(_serial(serial, caller, brand).repairs)


@xw.func
@xw.arg("serial", doc="产品序列号(机身条码上的号码)")
@xw.arg("brand", doc=BRAND_ONE_DOC, **COLUMN)
@xw.ret(doc="是 / 否 及理由:今天再报修是否可以免费换同型号产品(三包第十一条)")
@_guard
def SVC_EXCHANGE(serial, brand=None, caller=None):
    """客户来电时查询:这台机器今天再报修,是否已符合三包期内修理两次仍有故障可免费换机。"""
    return _serial(serial, caller, brand).answer()


def _serial(serial, caller, brand=None):
    rules = _rules(caller, brand)
    return serial_status(orders_for(caller), rules.policy, rules.settings, single(serial, "序列号"), clock.now())


def _out_of_warranty(rules: Rules, c: dict) -> dict:
    """Fields of orders out of warranty whatever the product (fees that do not depend on it)."""
    return {"purchase_date": FAR_PAST, "reported_at": REPORTED, "category": _any_category(rules), **c}


@xw.func
@_columns(("distance_km", "单程距离(公里);可以是一列,如 =SVC_TRAVEL_FEE(U2:U1000)"))
@xw.arg("free_radius_km", doc="免费半径(公里),省略时用本工作簿“政策参数”表(默认 30)")
@xw.arg("rate", doc="每公里收费(元),省略时用“政策参数”表(默认 1)")
@xw.arg("brand", doc=BRAND_ONE_DOC, **COLUMN)
@xw.ret(doc="交通费(元):超出免费半径的公里数 × 单价,正好在半径上为 0")
@_guard
def SVC_TRAVEL_FEE(distance_km, free_radius_km=None, rate=None, brand=None, caller=None):
    """保外交通费:超出免费半径的单程公里数 × 每公里单价,四舍五入到分(按本工作簿的政策参数)。"""
    rules = _rules(caller, brand)
    base = rules.policy
    policy = replace(base, free_radius_km=decimal(free_radius_km, base.free_radius_km, "免费半径"),
                     travel_rate=decimal(rate, base.travel_rate, "每公里收费"))
    return _compute(replace(rules, policy=policy), dict(distance_km=distance_km),
                    lambda c: _out_of_warranty(rules, c), lambda r: float(r.travel_fee))


@xw.func
@_columns(("labour_fee", "工时费(检修费,元)"), ("arrived_at", "到达现场时间"),
          ("left_at", "离开现场时间(可省略;夜间只看到达时间)"))
@xw.arg("night_rate", doc="夜间加收比例,省略时用本工作簿“政策参数”表(默认 0.5)")
@xw.arg("brand", doc=BRAND_ONE_DOC, **COLUMN)
@xw.ret(doc="夜间加收(元):到达现场时间在夜间时段(默认 21:00–次日08:00)时,工时费 × 比例")
@_guard
def SVC_NIGHT_SURCHARGE(labour_fee, arrived_at, left_at=None, night_rate=None, brand=None, caller=None):
    """保外夜间加收:按到达时间判断,夜间开始时刻整点到达算夜间,结束时刻整点到达不算;白天上门做到21点以后不算。"""
    rules = _rules(caller, brand)
    policy = replace(rules.policy, night_rate=decimal(night_rate, rules.policy.night_rate, "夜间加收比例"))
    return _compute(replace(rules, policy=policy), dict(labour_fee=labour_fee, arrived_at=arrived_at,
                                                        left_at=left_at),
                    lambda c: _out_of_warranty(rules, c), lambda r: float(r.night_surcharge))


def _truth(value) -> bool:
    return value is True or str(value).strip() in IN_WARRANTY_WORDS or str(value).startswith("保内")


@xw.func
@_columns(("in_warranty", "是否保内:TRUE/FALSE、是/否,或 SVC_WARRANTY 的结果"),
          ("parts_fee", "配件费用(元)"), ("labour_fee", "工时费(元)"), ("distance_km", "单程距离(公里)"),
          ("arrived_at", "到达现场时间"), ("left_at", "离开现场时间"),
          ("customer_agreed", "客户同意维修:否 = 检测后不修,不收任何费用"))
@xw.arg("brand", doc=BRAND_DOC, **COLUMN)
@xw.ret(doc="客户应付合计(元)= 配件 + 工时 + 夜间加收 + 交通费;保内为 0")
@_guard
def SVC_CUSTOMER_TOTAL(in_warranty, parts_fee, labour_fee, distance_km=None, arrived_at=None, left_at=None,
                       customer_agreed="是", brand=None, caller=None):
    """客户应付合计:保内不收费;客户检测后不修不收任何费用;否则配件+工时+夜间加收+交通费。"""
    rules = _rules(caller)
    args = dict(in_warranty=in_warranty, parts_fee=parts_fee, labour_fee=labour_fee, distance_km=distance_km,
                arrived_at=arrived_at, left_at=left_at, customer_agreed=customer_agreed)

    def fields(c):
        purchase = _each(lambda v: LONG_AGO if _truth(v) else FAR_PAST, c.pop("in_warranty"))
        return _out_of_warranty(rules, {**c, "purchase_date": purchase,
                                        "customer_agreed": _each(lambda v: v or "是", c["customer_agreed"])})
    return _compute(rules, args, fields, lambda r: float(r.customer_total), brand)


@xw.func
@_columns(("category", "产品类型"), ("service_type", "服务类型"), ("distance_km", "单程距离(公里)"),
          ("parts_fee", "配件费用(元)"), ("in_warranty", "是否保内:是/否,或 SVC_WARRANTY 的结果(必填)"),
          ("customer_agreed", "客户同意维修:否 = 检测后不修,按“客户拒修时工时”结算"))
@xw.arg("brand", doc=BRAND_DOC, **COLUMN)
@xw.ret(doc="厂家结算金额(元)= 厂家工时标准 + 超出半径的公里数 × 交通补贴 + 材料费 × 材料结算比例;保外为 0")
@_guard
def SVC_FACTORY_CLAIM(category, service_type, distance_km=None, parts_fee=None, in_warranty=None,
                      customer_agreed="是", brand=None, caller=None):
    """三包期内服务向厂家结算的金额(按本工作簿的厂家结算标准);保外的单不向厂家结算,为 0。"""
    if in_warranty is None:
        raise UdfInputError("请给出是否保内(是/否,或 SVC_WARRANTY 的结果):保外的单不向厂家结算")
    args = dict(category=category, service_type=service_type, distance_km=distance_km, parts_fee=parts_fee,
                in_warranty=in_warranty, customer_agreed=customer_agreed)

    def fields(c):
        purchase = _each(lambda v: LONG_AGO if _truth(v) else FAR_PAST, c.pop("in_warranty"))
        return {**c, "purchase_date": purchase, "reported_at": REPORTED,
                "customer_agreed": _each(lambda v: v or "是", c["customer_agreed"])}
    return _compute(_rules(caller), args, fields,
                    lambda r: float(r.factory_claim + r.claim_held) if r.computable else "无法计算:" + r.reason, brand)


def _hours(value):
    return None if pd.isna(value) else float(value)


@xw.func
@_columns(("reported_at", "报修时间"), ("arrived_at", "到达现场时间"))
@xw.ret(doc="从报修到到达现场的小时数(两位小数)")
@_guard
def SVC_ONSITE_HOURS(reported_at, arrived_at, caller=None):
    """上门时长(小时):报修时间到到达现场时间。"""
    return _compute(_rules(caller), dict(reported_at=reported_at, arrived_at=arrived_at), lambda c: c,
                    lambda r: _hours(r.onsite_hours))


@xw.func
@_columns(("city_tier", "城市级别:省会、地级市、县城、乡镇;空着按“设置”表的默认城市级别"))
@xw.arg("brand", doc=BRAND_ONE_DOC, **COLUMN)
@xw.ret(doc="城市级别的上门时限(小时),按本工作簿“服务承诺”表(默认 省会 4,地级市 12,县城 12,乡镇 24)")
@_guard
def SVC_PROMISE_HOURS(city_tier, brand=None, caller=None):
    """上门时限(小时),按城市级别;空着按“设置”表的默认城市级别(默认 县城)。"""
    rules = _rules(caller, brand)
    shape = shape_of(dict(city_tier=city_tier))
    limit = functools.lru_cache(lambda tier: float(rules.policy.onsite_limit(tier)))
    return shape.out([limit(str(t or rules.settings.default_tier).strip()) for t in shape.cells(city_tier)])


@xw.func
@_columns(("reported_at", "报修时间"), ("arrived_at", "到达现场时间"),
          ("city_tier", "城市级别(可省略,按“设置”表的默认城市级别)"))
@xw.arg("brand", doc=BRAND_DOC, **COLUMN)
@xw.ret(doc="是 / 否:上门时长是否超过城市级别的时限")
@_guard
def SVC_LATE(reported_at, arrived_at, city_tier="", brand=None, caller=None):
    """是否超时:上门时长超过城市级别的上门时限。"""
    return _compute(_rules(caller), dict(reported_at=reported_at, arrived_at=arrived_at, city_tier=city_tier),
                    lambda c: c, lambda r: "" if r.late is None else ("是" if r.late else "否"), brand)
