"""Warranty, fee and service-promise policy (spec/policy.md) as frozen data.

`Policy()` holds the spec's defaults; every number is editable in the workbook's policy
sheets, whose layout is described here as data (POLICY_SHEETS) so the template writer and
the loader agree. Money and rates are Decimal.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import time
from decimal import Decimal

D = Decimal


@dataclass(frozen=True)
class WarrantyTerms:
    """Per category: whole-unit and main-part periods (months) and the main parts list."""

    category: str
    whole_unit_months: int = 12
    main_part_months: int = 36
    main_parts: tuple[str, ...] = ()


@dataclass(frozen=True)
class FactoryRate:
    """The factory's standard settlement rate for one category and service type."""

    category: str
    service_type: str
    labour: Decimal
    travel_per_km: Decimal


DEFAULT_WARRANTY: tuple[WarrantyTerms, ...] = (
    WarrantyTerms("电视", 12, 36, ("液晶屏", "显示屏", "背光板", "驱动板", "逻辑板", "高频头")),
    WarrantyTerms("冰箱", 12, 36, ("压缩机", "蒸发器", "冷凝器")),
    WarrantyTerms("洗衣机", 12, 36, ("电机", "程序控制器", "电脑板")),
    WarrantyTerms("空调", 12, 36, ("压缩机", "蒸发器", "冷凝器", "电机")),
    WarrantyTerms("热水器", 12, 36, ("内胆", "加热管", "主控板")),
    WarrantyTerms("微波炉", 12, 36, ("磁控管", "高压变压器", "电脑板")),
)

# Example standard rates (yuan) a factory pays per order; the dealer replaces them with
# the numbers of their own contract in the 厂家结算标准 sheet.
_LABOUR = {
    "安装": {"电视": 50, "冰箱": 20, "洗衣机": 30, "空调": 150, "热水器": 80, "微波炉": 20},
    "维修": {"电视": 80, "冰箱": 100, "洗衣机": 80, "空调": 100, "热水器": 70, "微波炉": 50},
    "保养": {"电视": 30, "冰箱": 40, "洗衣机": 40, "空调": 60, "热水器": 50, "微波炉": 20},
    "退换货": {"电视": 30, "冰箱": 40, "洗衣机": 30, "空调": 50, "热水器": 40, "微波炉": 20},
    "咨询": {"电视": 0, "冰箱": 0, "洗衣机": 0, "空调": 0, "热水器": 0, "微波炉": 0},
}
DEFAULT_FACTORY_RATES: tuple[FactoryRate, ...] = tuple(
    FactoryRate(cat, stype, D(amount), D("1.0"))
    for stype, per_cat in _LABOUR.items()
    for cat, amount in per_cat.items()
)

DEFAULT_ONSITE_HOURS = (("省会", 4), ("地级市", 12), ("县城", 12), ("乡镇", 24))


@dataclass(frozen=True)
class Policy:
    """All rules the verdicts and fees rest on. Build with keyword overrides in tests."""

    warranty: tuple[WarrantyTerms, ...] = DEFAULT_WARRANTY
    return_days: int = 7               # Art. 9: return, exchange or repair
    exchange_days: int = 15            # Art. 10: exchange or repair
    no_invoice_grace_days: int = 60    # no invoice: production date + this
    repairs_before_exchange: int = 2   # Art. 11: after this many in-warranty repairs
    fraud_gap_days: int = 730          # purchase more than this after production is flagged
    free_radius_km: Decimal = D(30)
    travel_rate: Decimal = D(1)        # yuan per km one-way beyond the radius
    night_start: time = time(21, 0)
    night_end: time = time(8, 0)
    night_rate: Decimal = D("0.5")     # +50 % on the labour fee
    response_hours: Decimal = D(1)
    onsite_hours: tuple[tuple[str, int], ...] = DEFAULT_ONSITE_HOURS
    max_onsite_hours: int = 24
    factory_rates: tuple[FactoryRate, ...] = DEFAULT_FACTORY_RATES
    batch_min_failures: int = 3        # feedback packs: failures of one model + production month
    failure_rate_alert: Decimal = D("0.02")   # feedback packs: a rate that raises an item (sales known)

    @property
    def categories(self) -> tuple[str, ...]:
        return tuple(t.category for t in self.warranty)

    def terms(self, category: str) -> WarrantyTerms | None:
        return next((t for t in self.warranty if t.category == category), None)

    def onsite_limit(self, tier: str) -> int:
        return min(dict(self.onsite_hours).get(tier, self.max_onsite_hours), self.max_onsite_hours)

    def factory_rate(self, category: str, service_type: str) -> FactoryRate | None:
        return next((r for r in self.factory_rates
                     if r.category == category and r.service_type == service_type), None)


# The policy sheets of the workbook: name → header row. Scalar settings live in 政策参数
# as (参数, 数值, 说明) rows keyed by the 参数 text below.
WARRANTY_SHEET = "三包政策"
WARRANTY_HEADERS = ("产品类型", "整机保修(月)", "主要部件保修(月)", "主要部件(用顿号分隔)")
PARAMS_SHEET = "政策参数"
PARAMS_HEADERS = ("参数", "数值", "说明")
PROMISE_SHEET = "服务承诺"
PROMISE_HEADERS = ("城市级别", "上门时限(小时)")
RATES_SHEET = "厂家结算标准"
RATES_HEADERS = ("产品类型", "服务类型", "工时费(元)", "交通补贴(元/公里)")

# 参数 label → (Policy field, explanation shown in the sheet)
PARAMS: tuple[tuple[str, str, str], ...] = (
    ("退货期(天)", "return_days", "购买后这些天内出现性能故障,可退货、换货或修理(三包规定第九条)"),
    ("换货期(天)", "exchange_days", "购买后这些天内出现性能故障,可换货或修理(第十条)"),
    ("无发票顺延天数", "no_invoice_grace_days", "没有发票时,三包从出厂日期加这些天起算"),
    ("换机前维修次数", "repairs_before_exchange", "三包期内修过这么多次仍有故障,可免费换同型号机(第十一条)"),
    ("保外转保内间隔(天)", "fraud_gap_days", "购买日期比出厂日期晚这么多天以上,提示核实发票"),
    ("免费半径(公里)", "free_radius_km", "单程距离在此以内不收交通费"),
    ("交通费(元/公里)", "travel_rate", "超出免费半径的单程公里数 × 此单价"),
    ("夜间开始", "night_start", "此时刻之后上门加收夜间费,如 21:00"),
    ("夜间结束", "night_end", "此时刻之前上门加收夜间费,如 08:00"),
    ("夜间加收比例", "night_rate", "在检修费(工时费)基础上加收的比例,0.5 即 50%"),
    ("响应时限(小时)", "response_hours", "报修后多少小时内首次联系客户"),
    ("最长上门时限(小时)", "max_onsite_hours", "任何地区上门时限都不超过此值"),
    ("批次故障阈值(单)", "batch_min_failures",
     "反馈包:同一型号、同一生产月份当月产品质量故障达到这么多单,才作为批次事项请厂家回复"),
    ("故障率预警", "failure_rate_alert",
     "反馈包:有销售台账时,批次或型号故障率达到此值(0.02 即 2%)且至少 2 单,也作为事项"),
)


def params_rows(policy: Policy) -> list[tuple]:
    """The 政策参数 rows for a policy (what the template writes)."""
    rows = []
    for label, attr, note in PARAMS:
        value = getattr(policy, attr)
        if isinstance(value, time):
            value = value.strftime("%H:%M")
        elif isinstance(value, Decimal):
            value = float(value)
        rows.append((label, value, note))
    return rows


def warranty_rows(policy: Policy) -> list[tuple]:
    return [(t.category, t.whole_unit_months, t.main_part_months, "、".join(t.main_parts))
            for t in policy.warranty]


def promise_rows(policy: Policy) -> list[tuple]:
    return [(tier, hours) for tier, hours in policy.onsite_hours]


def rates_rows(policy: Policy) -> list[tuple]:
    return [(r.category, r.service_type, float(r.labour), float(r.travel_per_km))
            for r in policy.factory_rates]
