"""Worksheet functions (xlwings UDFs, free xlwings only) over the same core as the CLI.

Each function builds a one-order frame and runs the vectorised engine of addin.fees and
addin.warranty, so a cell gives exactly what `aftersales fees` gives. They use the default
policy of spec/policy.md; the numbers a dealer changes most can be passed as optional
arguments (e.g. =SVC_TRAVEL_FEE(U2, 20, 1.5)). On Linux `xw.func` is a no-op and these are
plain functions (tested as such); in Excel the xlwings add-in imports this module (the
template's xlwings.conf names it) and shows the docstrings in the function wizard.
Bad input gives a Chinese message in the cell, never a Python error.
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
from .policy import Policy
from .settings import Settings

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


def _decimal(value, default: Decimal) -> Decimal:
    return default if value is None or value == "" else Decimal(str(value))


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


def _run(policy: Policy = Policy(), settings: Settings = Settings(), **fields) -> pd.Series:
    money = {k: _number(fields.pop(k), BY_FIELD[k].header) for k in
             ("distance_km", "parts_fee", "labour_fee") if k in fields}
    return compute_frame(_order(**fields, **money), policy, settings).iloc[0]


def _guard(fn):
    """Turn input problems into a message in the cell instead of an Excel #VALUE!."""
    @functools.wraps(fn)
    def wrapped(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except (UdfInputError, InvalidOperation, ValueError) as exc:
            return f"无法计算:{exc}"
    return wrapped


def _warranty(category, purchase_date, production_date, reported_at, parts, service_type) -> pd.Series:
    return _run(category=category, purchase_date=purchase_date, production_date=production_date,
                reported_at=reported_at, parts=parts or None, service_type=service_type or "维修")


@xw.func
@xw.arg("category", doc="产品类型,如 电视")
@xw.arg("purchase_date", doc="购买(发票)日期;没有发票留空")
@xw.arg("production_date", doc="出厂日期(没有发票时用)")
@xw.arg("reported_at", doc="报修时间")
@xw.arg("parts", doc="更换配件,多个用顿号隔开(可省略)")
@xw.arg("service_type", doc="服务类型(可省略,默认 维修)")
@xw.ret(doc="保内(退货期/换货期/整机保修/主要部件保修)、保外,或无法计算的原因")
@_guard
def SVC_WARRANTY(category, purchase_date, production_date, reported_at, parts="", service_type=""):
    """三包判定:报修时是否在三包期内,适用哪一种期限。"""
    r = _warranty(category, purchase_date, production_date, reported_at, parts, service_type)
    if not r.computable:
        return "无法计算:" + r.reason
    return f"保内({r.warranty_kind})" if r.in_warranty else "保外"


@xw.func
@xw.ret(doc="可以给客户看的判定依据,如 发票日期2025-03-01起整机保修1年,至2026-03-01")
@_guard
def SVC_WARRANTY_RULE(category, purchase_date, production_date, reported_at, parts="", service_type=""):
    """三包判定依据:从哪天起、保修多久、到哪天,更换主要部件时另列主要部件保修期。"""
    r = _warranty(category, purchase_date, production_date, reported_at, parts, service_type)
    return r.warranty_rule if r.computable else "无法计算:" + r.reason


@xw.func
@xw.ret(doc="适用的三包期限的最后一天(当天仍在保内)")
@_guard
def SVC_WARRANTY_UNTIL(category, purchase_date, production_date, reported_at, parts="", service_type=""):
    """三包到期日:适用期限的最后一天。"""
    r = _warranty(category, purchase_date, production_date, reported_at, parts, service_type)
    return r.warranty_until.to_pydatetime() if r.computable else "无法计算:" + r.reason


@xw.func
@xw.arg("distance_km", doc="单程距离(公里)")
@xw.arg("free_radius_km", doc="免费半径(公里),默认 30")
@xw.arg("rate", doc="每公里收费(元),默认 1")
@xw.ret(doc="交通费(元):超出免费半径的公里数 × 单价,正好 30 公里为 0")
@_guard
def SVC_TRAVEL_FEE(distance_km, free_radius_km=None, rate=None):
    """保外交通费:超出免费半径的单程公里数 × 每公里单价,四舍五入到分。"""
    base = Policy()
    policy = replace(base, free_radius_km=_decimal(free_radius_km, base.free_radius_km),
                     travel_rate=_decimal(rate, base.travel_rate))
    return float(_run(policy, purchase_date="2000-01-01", reported_at="2020-01-01", category="电视",
                      distance_km=distance_km).travel_fee)


@xw.func
@xw.arg("labour_fee", doc="工时费(检修费,元)")
@xw.arg("arrived_at", doc="到达现场时间")
@xw.arg("left_at", doc="离开现场时间(可省略)")
@xw.arg("night_rate", doc="夜间加收比例,默认 0.5")
@xw.ret(doc="夜间加收(元):上门时间碰到 21:00–次日08:00 时,工时费 × 比例")
@_guard
def SVC_NIGHT_SURCHARGE(labour_fee, arrived_at, left_at=None, night_rate=None):
    """保外夜间加收:21:00 整到达算夜间,08:00 整到达不算,跨过午夜的上门算。"""
    base = Policy()
    policy = replace(base, night_rate=_decimal(night_rate, base.night_rate))
    return float(_run(policy, purchase_date="2000-01-01", reported_at="2020-01-01", category="电视",
                      labour_fee=labour_fee, arrived_at=arrived_at, left_at=left_at).night_surcharge)


def _truth(value) -> bool:
    return value is True or str(value).strip() in IN_WARRANTY_WORDS or str(value).startswith("保内")


@xw.func
@xw.arg("in_warranty", doc="是否保内:TRUE/FALSE、是/否,或 SVC_WARRANTY 的结果")
@xw.arg("customer_agreed", doc="客户同意维修:否 = 检测后不修,不收任何费用")
@xw.ret(doc="客户应付合计(元)= 配件 + 工时 + 夜间加收 + 交通费;保内为 0")
@_guard
def SVC_CUSTOMER_TOTAL(in_warranty, parts_fee, labour_fee, distance_km=None, arrived_at=None, left_at=None,
                       customer_agreed="是"):
    """客户应付合计:保内不收费;客户检测后不修不收任何费用;否则配件+工时+夜间加收+交通费。"""
    purchase = "2019-12-31" if _truth(in_warranty) else "2000-01-01"
    r = _run(purchase_date=purchase, reported_at="2020-01-01", category="电视", parts_fee=parts_fee,
             labour_fee=labour_fee, distance_km=distance_km, arrived_at=arrived_at, left_at=left_at,
             customer_agreed=customer_agreed or "是")
    return float(r.customer_total)


@xw.func
@xw.ret(doc="厂家结算金额(元)= 厂家工时标准 + 超出半径的公里数 × 交通补贴 + 材料费")
@_guard
def SVC_FACTORY_CLAIM(category, service_type, distance_km=None, parts_fee=None):
    """三包期内服务向厂家结算的金额(按默认的厂家结算标准)。"""
    r = _run(category=category, service_type=service_type, purchase_date="2019-12-31",
             reported_at="2020-01-01", distance_km=distance_km, parts_fee=parts_fee)
    return float(r.factory_claim) if r.computable else "无法计算:" + r.reason


@xw.func
@xw.ret(doc="从报修到到达现场的小时数(两位小数)")
@_guard
def SVC_ONSITE_HOURS(reported_at, arrived_at):
    """上门时长(小时):报修时间到到达现场时间。"""
    hours = _run(reported_at=reported_at, arrived_at=arrived_at).onsite_hours
    return None if pd.isna(hours) else float(hours)


@xw.func
@xw.ret(doc="城市级别的上门时限(小时):省会 4,地级市 12,县城 12,乡镇 24")
@_guard
def SVC_PROMISE_HOURS(city_tier):
    """上门时限(小时),按城市级别;空着按县城。"""
    return float(Policy().onsite_limit(str(city_tier or Settings().default_tier).strip()))


@xw.func
@xw.ret(doc="是 / 否:上门时长是否超过城市级别的时限")
@_guard
def SVC_LATE(reported_at, arrived_at, city_tier=""):
    """是否超时:上门时长超过城市级别的上门时限。"""
    late = _run(reported_at=reported_at, arrived_at=arrived_at, city_tier=city_tier or None).late
    return "" if late is None else ("是" if late else "否")
