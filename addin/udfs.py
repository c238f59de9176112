"""Worksheet functions (xlwings UDFs, free xlwings only) over the same core as the CLI.

Each function builds a one-order frame and runs the vectorised engine of addin.fees and
addin.warranty, so a cell gives exactly what `aftersales fees` gives. They use the policy
tables (and 设置) of the workbook they are called from: xlwings fills the argument named
`caller` with the calling cell and hides it from the function wizard (xlwings/udfs.py,
call_udf and the VBA wrapper); addin.udf_policy reads the tables once per workbook and
recalculation burst. Without a caller (a plain call) or without policy sheets: the defaults
of spec/policy.md. The numbers a dealer changes most can still be passed as optional
arguments, which win over the tables (e.g. =SVC_TRAVEL_FEE(U2, 20, 1.5)). On Linux
`xw.func` is a no-op and these are plain functions (tested as such); in Excel the xlwings
add-in imports this module (the template's xlwings.conf names it) and shows the docstrings
in the function wizard. Bad input gives a Chinese message in the cell, never a Python error.
"""
from __future__ import annotations

import functools
from dataclasses import replace
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation

import pandas as pd
import xlwings as xw

from .columns import BY_FIELD, DATE, DATETIME
from .fees import compute_frame
from .udf_policy import Rules, rules_for

EXCEL_EPOCH = datetime(1899, 12, 30)
IN_WARRANTY_WORDS = ("是", "保内", "TRUE", "True", "true", "1")


class UdfInputError(ValueError):
    pass


def _when(value, label: str):
    """A cell value → Timestamp (NaT when empty): datetime, date, Excel serial or text."""
    if value is None or value == "":
        return pd.NaT
    if isinstance(value, (datetime, date)):
        return pd.Timestamp(value)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return pd.Timestamp(EXCEL_EPOCH + timedelta(days=float(value))).round("s")
    stamp = pd.to_datetime(str(value).strip().replace("/", "-").replace(".", "-"), errors="coerce")
    if pd.isna(stamp):
        raise UdfInputError(f"{label}“{value}”不是有效的日期")
    return stamp


def _number(value, label: str) -> float:
    if value is None or value == "":
        return float("nan")
    try:
        return float(Decimal(str(value).replace(",", "").replace("元", "").replace("¥", "").strip()))
    except InvalidOperation:
        raise UdfInputError(f"{label}“{value}”不是数字") from None


def _decimal(value, default: Decimal, label: str) -> Decimal:
    """An optional number argument; empty → the workbook's value."""
    if value is None or value == "":
        return default
    number = _number(value, label)
    if number != number or number < 0:
        raise UdfInputError(f"{label}“{value}”不能是负数")
    return Decimal(str(value).replace(",", "").replace("元", "").replace("¥", "").strip())


def _order(**fields) -> pd.DataFrame:
    """A one-order frame with the documented dtypes (missing fields empty)."""
    row = {}
    for name, value in fields.items():
        kind = BY_FIELD[name].kind
        if kind in (DATE, DATETIME):
            stamp = _when(value, BY_FIELD[name].header)
            row[name] = pd.Series([stamp.normalize() if kind == DATE and pd.notna(stamp) else stamp],
                                  dtype="datetime64[ns]", index=[2])
        elif isinstance(value, (int, float)) or value is None:
            row[name] = pd.Series([value], dtype="float64" if value is not None else object, index=[2])
        else:
            row[name] = pd.Series([str(value).strip() or None], dtype=object, index=[2])
    return pd.DataFrame(row, index=[2])


def _run(rules: Rules, **fields) -> pd.Series:
    money = {k: _number(fields.pop(k), BY_FIELD[k].header) for k in
             ("distance_km", "parts_fee", "labour_fee") if k in fields}
    return compute_frame(_order(**fields, **money), rules.policy, rules.settings).iloc[0]


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


def _warranty(caller, category, purchase_date, production_date, reported_at, parts,
              service_type) -> pd.Series:
    return _run(rules_for(caller), category=category, purchase_date=purchase_date,
                production_date=production_date, reported_at=reported_at, parts=parts or None,
                service_type=service_type or "维修")


@xw.func
@xw.arg("category", doc="产品类型,如 电视")
@xw.arg("purchase_date", doc="购买(发票)日期;没有发票留空")
@xw.arg("production_date", doc="出厂日期(没有发票时用)")
@xw.arg("reported_at", doc="报修时间")
@xw.arg("parts", doc="更换配件,多个用顿号隔开(可省略)")
@xw.arg("service_type", doc="服务类型(可省略,默认 维修)")
@xw.ret(doc="保内(退货期/换货期/整机保修/主要部件保修)、保外,或无法计算的原因")
@_guard
def SVC_WARRANTY(category, purchase_date, production_date, reported_at, parts="", service_type="",
                 caller=None):
    """三包判定:报修时是否在三包期内,适用哪一种期限。"""
    r = _warranty(caller, category, purchase_date, production_date, reported_at, parts, service_type)
    if not r.computable:
        return "无法计算:" + r.reason
    return f"保内({r.warranty_kind})" if r.in_warranty else "保外"


@xw.func
@xw.ret(doc="可以给客户看的判定依据,如 发票日期2025-03-01起整机保修1年,至2026-03-01")
@_guard
def SVC_WARRANTY_RULE(category, purchase_date, production_date, reported_at, parts="", service_type="",
                      caller=None):
    """三包判定依据:从哪天起、保修多久、到哪天,更换主要部件时另列主要部件保修期。"""
    r = _warranty(caller, category, purchase_date, production_date, reported_at, parts, service_type)
    return r.warranty_rule if r.computable else "无法计算:" + r.reason


@xw.func
@xw.ret(doc="适用的三包期限的最后一天(当天仍在保内)")
@_guard
def SVC_WARRANTY_UNTIL(category, purchase_date, production_date, reported_at, parts="", service_type="",
                       caller=None):
    """三包到期日:适用期限的最后一天。"""
    r = _warranty(caller, category, purchase_date, production_date, reported_at, parts, service_type)
    return r.warranty_until.to_pydatetime() if r.computable else "无法计算:" + r.reason


@xw.func
@xw.arg("distance_km", doc="单程距离(公里)")
@xw.arg("free_radius_km", doc="免费半径(公里),省略时用本工作簿“政策参数”表(默认 30)")
@xw.arg("rate", doc="每公里收费(元),省略时用“政策参数”表(默认 1)")
@xw.ret(doc="交通费(元):超出免费半径的公里数 × 单价,正好在半径上为 0")
@_guard
def SVC_TRAVEL_FEE(distance_km, free_radius_km=None, rate=None, caller=None):
    """保外交通费:超出免费半径的单程公里数 × 每公里单价,四舍五入到分(按本工作簿的政策参数)。"""
    rules = rules_for(caller)
    base = rules.policy
    policy = replace(base, free_radius_km=_decimal(free_radius_km, base.free_radius_km, "免费半径"),
                     travel_rate=_decimal(rate, base.travel_rate, "每公里收费"))
    return float(_run(replace(rules, policy=policy), purchase_date="2000-01-01", reported_at="2020-01-01",
                      category=_any_category(rules), distance_km=distance_km).travel_fee)


@xw.func
@xw.arg("labour_fee", doc="工时费(检修费,元)")
@xw.arg("arrived_at", doc="到达现场时间")
@xw.arg("left_at", doc="离开现场时间(可省略)")
@xw.arg("night_rate", doc="夜间加收比例,省略时用本工作簿“政策参数”表(默认 0.5)")
@xw.ret(doc="夜间加收(元):上门时间碰到夜间时段(默认 21:00–次日08:00)时,工时费 × 比例")
@_guard
def SVC_NIGHT_SURCHARGE(labour_fee, arrived_at, left_at=None, night_rate=None, caller=None):
    """保外夜间加收:夜间开始时刻整点到达算夜间,结束时刻整点到达不算,跨过午夜的上门算。"""
    rules = rules_for(caller)
    policy = replace(rules.policy, night_rate=_decimal(night_rate, rules.policy.night_rate, "夜间加收比例"))
    return float(_run(replace(rules, policy=policy), purchase_date="2000-01-01", reported_at="2020-01-01",
                      category=_any_category(rules), labour_fee=labour_fee, arrived_at=arrived_at,
                      left_at=left_at).night_surcharge)


def _truth(value) -> bool:
    return value is True or str(value).strip() in IN_WARRANTY_WORDS or str(value).startswith("保内")


@xw.func
@xw.arg("in_warranty", doc="是否保内:TRUE/FALSE、是/否,或 SVC_WARRANTY 的结果")
@xw.arg("customer_agreed", doc="客户同意维修:否 = 检测后不修,不收任何费用")
@xw.ret(doc="客户应付合计(元)= 配件 + 工时 + 夜间加收 + 交通费;保内为 0")
@_guard
def SVC_CUSTOMER_TOTAL(in_warranty, parts_fee, labour_fee, distance_km=None, arrived_at=None, left_at=None,
                       customer_agreed="是", caller=None):
    """客户应付合计:保内不收费;客户检测后不修不收任何费用;否则配件+工时+夜间加收+交通费。"""
    rules = rules_for(caller)
    purchase = "2019-12-31" if _truth(in_warranty) else "2000-01-01"
    r = _run(rules, purchase_date=purchase, reported_at="2020-01-01", category=_any_category(rules),
             parts_fee=parts_fee,
             labour_fee=labour_fee, distance_km=distance_km, arrived_at=arrived_at, left_at=left_at,
             customer_agreed=customer_agreed or "是")
    return float(r.customer_total)


@xw.func
@xw.ret(doc="厂家结算金额(元)= 厂家工时标准 + 超出半径的公里数 × 交通补贴 + 材料费")
@_guard
def SVC_FACTORY_CLAIM(category, service_type, distance_km=None, parts_fee=None, caller=None):
    """三包期内服务向厂家结算的金额(按本工作簿的厂家结算标准)。"""
    r = _run(rules_for(caller), category=category, service_type=service_type, purchase_date="2019-12-31",
             reported_at="2020-01-01", distance_km=distance_km, parts_fee=parts_fee)
    return float(r.factory_claim) if r.computable else "无法计算:" + r.reason


@xw.func
@xw.ret(doc="从报修到到达现场的小时数(两位小数)")
@_guard
def SVC_ONSITE_HOURS(reported_at, arrived_at, caller=None):
    """上门时长(小时):报修时间到到达现场时间。"""
    hours = _run(rules_for(caller), reported_at=reported_at, arrived_at=arrived_at).onsite_hours
    return None if pd.isna(hours) else float(hours)


@xw.func
@xw.ret(doc="城市级别的上门时限(小时),按本工作簿“服务承诺”表(默认 省会 4,地级市 12,县城 12,乡镇 24)")
@_guard
def SVC_PROMISE_HOURS(city_tier, caller=None):
    """上门时限(小时),按城市级别;空着按“设置”表的默认城市级别(默认 县城)。"""
    rules = rules_for(caller)
    return float(rules.policy.onsite_limit(str(city_tier or rules.settings.default_tier).strip()))


@xw.func
@xw.ret(doc="是 / 否:上门时长是否超过城市级别的时限")
@_guard
def SVC_LATE(reported_at, arrived_at, city_tier="", caller=None):
    """是否超时:上门时长超过城市级别的上门时限。"""
    late = _run(rules_for(caller), reported_at=reported_at, arrived_at=arrived_at, city_tier=city_tier or None).late
    return "" if late is None else ("是" if late else "否")
