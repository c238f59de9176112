"""Warranty, fee and service-promise policy (../shared/spec/policy.md) as frozen data.

`Policy()` holds the spec's defaults; every number is editable in the workbook's policy
sheets, whose layout is described here as data (POLICY_SHEETS) so the template writer and
the loader agree. Money and rates are Decimal.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import time
from decimal import Decimal

D = Decimal


@dataclass(frozen=True)
class WarrantyTerms:
    """Per category: whole-unit and main-part periods (months), the main parts and their
    aliases ((alias, main part) pairs: 屏 is 液晶屏). A replaced part is a main part only when
    its name is one of these, never when it merely contains one (压缩机启动继电器)."""

    category: str
    whole_unit_months: int = 12
    main_part_months: int = 36
    main_parts: tuple[str, ...] = ()
    aliases: tuple[tuple[str, str], ...] = ()

    def names(self) -> dict[str, str]:
        """Every accepted name (main part or alias) → its main part."""
        return {**{m: m for m in self.main_parts}, **dict(self.aliases)}

    def cell_text(self) -> str:
        """The 三包政策 cell: 液晶屏=屏=显示屏、背光板 (a main part, then its aliases after =)."""
        alias_of = {m: [a for a, main in self.aliases if main == m] for m in self.main_parts}
        return "、".join("=".join([m, *alias_of[m]]) for m in self.main_parts)


def terms(category: str, whole: int, main: int, cell: str) -> WarrantyTerms:
    """WarrantyTerms from the 三包政策 cell form: '液晶屏=屏=显示屏、背光板'."""
    parts, aliases = [], []
    for group in re.split(r"[、,;，；\n]+", cell):
        names = [n.strip() for n in re.split(r"[=＝]", group) if n.strip()]
        if names and names[0] not in parts:
            parts.append(names[0])
            aliases += [(a, names[0]) for a in names[1:] if a != names[0]]
    return WarrantyTerms(category, whole, main, tuple(parts), tuple(aliases))


@dataclass(frozen=True)
class FactoryRate:
    """The factory's standard settlement rate for one category and service type: labour, travel
    allowance per km beyond the free radius, the share of 配件费用 claimed as materials (1 = at
    cost, 0 = not claimed, e.g. installation materials the factory does not pay), and the
    labour claimed when the customer declined after diagnosis (None: the full labour)."""

    category: str
    service_type: str
    labour: Decimal
    travel_per_km: Decimal
    materials_rate: Decimal = Decimal(1)
    declined_labour: Decimal | None = None

    def labour_when_declined(self) -> Decimal:
        return self.labour if self.declined_labour is None else self.declined_labour


# The national catalogue's categories (电视, 冰箱, 洗衣机, 空调: whole unit 1 year, main parts
# 3 years), then brand-policy defaults for the other common ones (docs/fees.md says which).
DEFAULT_WARRANTY: tuple[WarrantyTerms, ...] = (
    terms("电视", 12, 36, "液晶屏=屏=显示屏=面板=液晶面板=屏幕、背光板=背光驱动板、驱动板、逻辑板=TCON板、"
                          "高频头=调谐器"),
    terms("冰箱", 12, 36, "压缩机、蒸发器、冷凝器"),
    terms("洗衣机", 12, 36, "电机=马达、程序控制器、电脑板=电脑控制板"),
    terms("空调", 12, 36, "压缩机、蒸发器、冷凝器、电机"),
    terms("热水器", 12, 36, "内胆、加热管=电热管、主控板"),
    terms("微波炉", 12, 36, "磁控管、高压变压器、电脑板"),
    terms("吸油烟机", 12, 36, "电机=风机电机=马达"),
    terms("燃气热水器", 12, 36, "热交换器=换热器、燃气比例阀=比例阀、主控板=控制器"),
    terms("燃气灶", 12, 36, "熄火保护装置=熄火保护器、燃气阀=阀体"),
)

# Example standard rates (yuan) a factory pays per order; the dealer replaces them with
# the numbers of their own contract in the 厂家结算标准 sheet.
_LABOUR = {
    "安装": {"电视": 50, "冰箱": 20, "洗衣机": 30, "空调": 150, "热水器": 80, "微波炉": 20,
           "吸油烟机": 100, "燃气热水器": 100, "燃气灶": 50},
    "维修": {"电视": 80, "冰箱": 100, "洗衣机": 80, "空调": 100, "热水器": 70, "微波炉": 50,
           "吸油烟机": 70, "燃气热水器": 80, "燃气灶": 50},
    "保养": {"电视": 30, "冰箱": 40, "洗衣机": 40, "空调": 60, "热水器": 50, "微波炉": 20,
           "吸油烟机": 60, "燃气热水器": 50, "燃气灶": 30},
    "退换货": {"电视": 30, "冰箱": 40, "洗衣机": 30, "空调": 50, "热水器": 40, "微波炉": 20,
            "吸油烟机": 40, "燃气热水器": 40, "燃气灶": 30},
    "咨询": {c: 0 for c in ("电视", "冰箱", "洗衣机", "空调", "热水器", "微波炉", "吸油烟机", "燃气热水器", "燃气灶")},
}
DECLINED_INSPECTION = D(30)    # example: a declined in-warranty repair visit is paid as an inspection
DEFAULT_FACTORY_RATES: tuple[FactoryRate, ...] = tuple(
    FactoryRate(cat, stype, D(amount), D("1.0"), D(1), DECLINED_INSPECTION if stype == "维修" else None)
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
    factories: tuple[tuple[str, "Policy"], ...] = ()   # factory name → its policy (rows with its 厂家)

    def for_factory(self, name: str | None) -> "Policy":
        """The policy of one factory's orders: the rows with its name in 厂家 over the rows
        without one (this policy when it has no rows of its own)."""
        return dict(self.factories).get(name, self) if name else self

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


# Every policy sheet may carry a 厂家 column (anywhere in the header row; the template puts it
# last): a row with a factory's name (or one of its brands) applies to that factory's orders
# only, a row without one to all.
FACTORY_COLUMN = "厂家"

# The policy sheets of the workbook: name → header row. Scalar settings live in 政策参数
# as (参数, 数值, 说明) rows keyed by the 参数 text below.
WARRANTY_SHEET = "三包政策"
WARRANTY_HEADERS = ("产品类型", "整机保修(月)", "主要部件保修(月)", "主要部件(用顿号分隔,别名用=,如 液晶屏=屏)")
PARAMS_SHEET = "政策参数"
PARAMS_HEADERS = ("参数", "数值", "说明")
PROMISE_SHEET = "服务承诺"
PROMISE_HEADERS = ("城市级别", "上门时限(小时)")
RATES_SHEET = "厂家结算标准"
RATES_HEADERS = ("产品类型", "服务类型", "工时费(元)", "交通补贴(元/公里)", "材料结算比例",
                 "客户拒修时工时(元)")
RATES_REQUIRED = 4     # older workbooks have only the first four columns

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
    return [(t.category, t.whole_unit_months, t.main_part_months, t.cell_text())
            for t in policy.warranty]


def promise_rows(policy: Policy) -> list[tuple]:
    return [(tier, hours) for tier, hours in policy.onsite_hours]


def rates_rows(policy: Policy) -> list[tuple]:
    return [(r.category, r.service_type, float(r.labour), float(r.travel_per_km), float(r.materials_rate),
             "" if r.declined_labour is None else float(r.declined_labour))
            for r in policy.factory_rates]
