"""The rules of the service-order sheet (../shared/spec/service-order.md), each a function that
returns Issues; CHECKS lists them and `validate` runs them all.

Every rule is vectorised over the orders frame: a boolean mask picks the offending rows,
and only those become Issue values (cell, code, severity, Chinese message).
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Callable

import pandas as pd

from addin import clock
from addin.book.factories import FACTORY_HEADERS, Resolver, order_factories, parts
from addin.book.columns import BY_FIELD, CITY_TIERS, ONSITE_TYPES, RATINGS, SERVICE_TYPES, YES_NO
from addin.book.issues import ERROR, WARNING, CellRef, Issue, sort_key
from addin.book.policy import Policy
from addin.book.records import OrderSheet
from addin.book.settings import SETTINGS_SHEET, Settings
from addin.book.values import placeholder_serials, valid_phones
from addin.rules import flags



@dataclass(frozen=True)
class Context:
    orders: OrderSheet
    policy: Policy
    settings: Settings
    now: datetime

    @property
    def f(self) -> pd.DataFrame:
        return self.orders.frame

    def flag(self, mask, field: str, code: str, severity: str, message) -> list[Issue]:
        """Issues at `field` for every row where mask is True. `message` is a str.format
        template over the row's fields (plus {_row}) or a callable(row mapping) → str;
        either way filled for the flagged rows only, column by column (rules.flags)."""
        return flags.issues(self.f, mask, self.orders.sheet, self.orders.cols.get(field, 1),
                            BY_FIELD[field].header, code, severity, message)

    def missing(self, field: str) -> pd.Series:
        return ~self.orders.present(field)

    def of_type(self, *types: str) -> pd.Series:
        return self.f["service_type"].isin(types)


def _required(ctx: Context, field: str, code: str, where, why: str, example: str) -> list[Issue]:
    header = BY_FIELD[field].header
    if field not in ctx.orders.cols:        # the whole column is absent: say so once
        if not where.any():
            return []
        cell = CellRef(ctx.orders.sheet, ctx.orders.header_row, max(ctx.orders.headers, default=0) + 1)
        return [Issue(cell, header, "column-missing", ERROR,
                      f"表头中没有“{header}”这一列,请在表头行添加这一列并填写(也可用模板中的列名)。")]
    mask = ctx.missing(field) & where
    return ctx.flag(mask, field, code, ERROR, f"{why}请填写“{BY_FIELD[field].header}”,如 {example}。")


def check_required(ctx: Context) -> list[Issue]:
    every = pd.Series(True, index=ctx.f.index)
    finished = ctx.orders.present("left_at") | ctx.orders.present("diagnosed_fault") | ctx.orders.present("solution")
    return [
        *_required(ctx, "order_no", "order-no-missing", every, "服务单编号不能为空。", "FW202610001"),
        *_required(ctx, "service_type", "service-type-missing", every, "服务类型不能为空。", "维修"),
        *_required(ctx, "customer", "customer-missing", every, "客户名称不能为空。", "张三"),
        *_required(ctx, "phone", "phone-missing", every, "联系电话不能为空。", "13812345678"),
        *_required(ctx, "address", "address-missing", ctx.of_type(*ONSITE_TYPES), "安装、维修、保养要上门,",
                   "某县城关镇人民路12号"),
        *_required(ctx, "category", "category-missing", every, "产品类型不能为空。", "电视"),
        *_required(ctx, "model", "model-missing", every, "产品型号不能为空。", "L55V8"),
        *_required(ctx, "serial", "serial-missing", ctx.of_type("维修", "退换货"),
                   "维修和退换货要记录机器序列号(用于统计返修),", "机身条码上的号码"),
        *_required(ctx, "reported_at", "reported-at-missing", every, "报修时间不能为空。", "2026-10-05 09:30"),
        *_required(ctx, "technician", "technician-missing", every, "售后人员不能为空。", "王师傅"),
        *_required(ctx, "reported_fault", "fault-missing", ctx.of_type("维修"), "维修单要写客户报修的故障,", "开机无图像"),
        *_required(ctx, "diagnosed_fault", "diagnosis-missing", ctx.of_type("维修") & finished,
                   "维修已完成,", "背光板损坏"),
        *_required(ctx, "arrived_at", "arrival-missing", ctx.of_type(*ONSITE_TYPES) & finished,
                   "上门服务已完成,", "2026-10-05 14:00"),
    ]


def check_choices(ctx: Context) -> list[Issue]:
    lists = {
        "service_type": ("service-type-invalid", SERVICE_TYPES),
        "city_tier": ("city-tier-invalid", CITY_TIERS),
        "category": ("category-invalid", ctx.policy.categories),
        "claimed_warranty": ("claimed-warranty-invalid", YES_NO),
        "customer_agreed": ("customer-agreed-invalid", YES_NO),
        "rating": ("rating-invalid", RATINGS),
        "standby_lent": ("standby-invalid", YES_NO),
        "verified": ("verified-invalid", YES_NO),
    }
    out = []
    for field, (code, allowed) in lists.items():
        column = ctx.f[field]
        mask = column.notna() & ~column.isin(allowed)
        header = BY_FIELD[field].header
        out += ctx.flag(mask, field, code, ERROR,
                        lambda v, field=field, header=header, allowed=allowed:
                        f"“{header}”填了“{v[field]}”,请从下拉列表中选择:{'、'.join(allowed)}。")
    return out


def check_phone(ctx: Context) -> list[Issue]:
    phone = ctx.f["phone"]
    valid = valid_phones(phone)
    return ctx.flag(phone.notna() & ~valid, "phone", "phone-invalid", ERROR,
                    "联系电话“{phone}”不是有效号码。手机填11位(如 13812345678),座机带区号(如 0731-84567890)。")


def check_order_no_unique(ctx: Context) -> list[Issue]:
    no = ctx.f["order_no"]
    dup = no.notna() & no.duplicated(keep="first")
    first_row = pd.Series(no.index, index=no.index).groupby(no).min()
    return ctx.flag(dup, "order_no", "order-no-duplicate", ERROR,
                    lambda v: f"服务单编号“{v['order_no']}”与第{first_row[v['order_no']]}行重复,"
                              "每张服务单的编号必须唯一。")


# (earlier field, later field, field to mark, code, message): earlier must not be after later.
DATE_ORDER = (
    ("production_date", "purchase_date", "production_date", "production-after-purchase",
     "出厂日期{production_date}晚于购买日期{purchase_date},请核对两个日期。"),
    ("production_date", "reported_at", "production_date", "production-after-report",
     "出厂日期{production_date}晚于报修时间{reported_at},请核对出厂日期。"),
    ("purchase_date", "reported_at", "purchase_date", "purchase-after-report",
     "购买日期{purchase_date}晚于报修时间{reported_at},请核对购买日期(按发票日期填写)。"),
    ("reported_at", "first_contact", "first_contact", "contact-before-report",
     "首次响应时间{first_contact}早于报修时间{reported_at},请核对。"),
    ("reported_at", "arrived_at", "arrived_at", "arrival-before-report",
     "到达现场时间{arrived_at}早于报修时间{reported_at},请核对(是否日期或上午下午填错)。"),
    ("arrived_at", "left_at", "left_at", "leave-before-arrival",
     "离开现场时间{left_at}早于到达现场时间{arrived_at},请核对。"),
)


def check_date_order(ctx: Context) -> list[Issue]:
    out = []
    for early, late, mark, code, message in DATE_ORDER:
        a, b = ctx.f[early], ctx.f[late]
        if early.endswith("_date"):          # a day compared with a moment: compare days
            b = b.dt.normalize()
        out += ctx.flag(a.notna() & b.notna() & (a > b), mark, code, ERROR, message)
    return out


def check_date_range(ctx: Context) -> list[Issue]:
    f, out = ctx.f, []
    now = pd.Timestamp(ctx.now)
    for field in ("production_date", "purchase_date", "reported_at", "first_contact", "arrived_at", "left_at"):
        header = BY_FIELD[field].header
        future = f[field] > now
        old = f[field] < pd.Timestamp("2000-01-01")
        out += ctx.flag(future, field, "date-in-future", ERROR,
                        lambda v, field=field, header=header: f"{header}“{v[field]}”在今天之后,请核对年份和月份。")
        out += ctx.flag(old, field, "date-implausible", ERROR,
                        lambda v, field=field, header=header: f"{header}“{v[field]}”早于2000年,不像真实日期,请核对。")
    return out


def check_numbers(ctx: Context) -> list[Issue]:
    f, out = ctx.f, []
    for field in ("parts_fee", "labour_fee"):
        header = BY_FIELD[field].header
        out += ctx.flag(f[field] < 0, field, "money-negative", ERROR,
                        lambda v, field=field, header=header: f"{header}“{v[field]}”是负数,请填不小于0的金额;退款请在“其他服务”中说明。")
    out += ctx.flag(f["distance_km"] < 0, "distance_km", "distance-negative", ERROR,
                    "单程距离“{distance_km}”是负数,请填从服务网点到客户家的公里数。")
    out += ctx.flag(f["labour_hours"] < 0, "labour_hours", "labour-hours-negative", ERROR,
                    "服务工时“{labour_hours}”是负数,请填实际工时(小时)。")
    staff = f["staff_count"]
    out += ctx.flag(staff.notna() & ((staff < 1) | (staff % 1 != 0)), "staff_count", "staff-count-invalid", ERROR,
                    "到达人员数“{staff_count}”应为不小于1的整数。")
    return out


def check_labour_hours(ctx: Context) -> list[Issue]:
    f = ctx.f
    onsite = (f["left_at"] - f["arrived_at"]).dt.total_seconds() / 3600
    limit = onsite * f["staff_count"].where(f["staff_count"] >= 1, 1).fillna(1)
    mask = f["labour_hours"].notna() & onsite.notna() & (onsite >= 0) & (f["labour_hours"] > limit + 1e-9)
    return ctx.flag(mask, "labour_hours", "labour-hours-exceed", WARNING,
                    lambda v: f"服务工时{v['labour_hours']}小时,超过了在现场时间×到达人员数"
                              f"({limit[v['_row']]:.1f}小时),请核对工时或到达、离开时间。")


def check_warranty_claim(ctx: Context) -> list[Issue]:
    """The dealer's 是否三包期内 against what the dates and the policy say (warranty.verdicts)."""
    from addin.rules.warranty import verdicts

    f = ctx.f
    ok = (f["reported_at"].notna() & (f["purchase_date"].notna() | f["production_date"].notna())
          & f["category"].isin(ctx.policy.categories))
    if not ok.any():
        return []
    v = verdicts(f, ctx.policy, ok, texts=False)
    inside = v["in_warranty"].eq(True)
    claim = f["claimed_warranty"]
    until = v["warranty_until"].dt.strftime("%Y-%m-%d")
    out = ctx.flag(ok & (claim == "是") & ~inside, "claimed_warranty", "warranty-claim-mismatch", ERROR,
                   lambda r: f"登记为三包期内,但按日期和政策已过保(三包截止{until[r['_row']]},报修{r['reported_at']})。"
                             "请核对购买日期(以发票为准),或改填“否”;保外机按保内报厂家属于“保外转保内”。")
    out += ctx.flag(ok & (claim == "否") & inside, "claimed_warranty", "warranty-claim-missed", WARNING,
                    lambda r: f"登记为保外,但按日期仍在三包期内(至{until[r['_row']]}),不应向客户收费,请核对。")
    gap = (f["purchase_date"] - f["production_date"]).dt.days
    out += ctx.flag(gap > ctx.policy.fraud_gap_days, "purchase_date", "purchase-long-after-production", WARNING,
                    lambda r: f"购买日期比出厂日期晚{int(gap[r['_row']])}天(超过{ctx.policy.fraud_gap_days}天),"
                              "请核实发票是否真实(“保外转保内”常见手法)。")
    return out + _exchange_entitlement(ctx, v, ok)


def _exchange_entitlement(ctx: Context, v: pd.DataFrame, ok: pd.Series) -> list[Issue]:
    """A 退换货 in warranty after the exchange window with fewer than the Art. 11 repairs."""
    p = ctx.policy
    mask = ok & v["in_warranty"].eq(True) & ~v["exchange_entitled"]
    return ctx.flag(mask, "service_type", "exchange-not-entitled", WARNING,
                    lambda r: f"退换货:购买已超过{p.exchange_days}天,此序列号三包期内维修"
                              f"{int(v['repair_count'][r['_row']])}次(不足{p.repairs_before_exchange}次),"
                              f"不符合三包退换条件(第九、十条:购买{p.return_days}天内可退货、{p.exchange_days}天内"
                              f"可换货;第十一条:三包期内修理{p.repairs_before_exchange}次仍有故障可换机)。"
                              "请核对购买日期、序列号和维修记录;厂家可能拒绝结算。")


def check_warranty_dates(ctx: Context) -> list[Issue]:
    """Neither 购买日期 nor 出厂日期: no verdict is possible (the fees say so too)."""
    mask = ctx.missing("purchase_date") & ctx.missing("production_date")   # an unreadable one is reported already
    return ctx.flag(mask, "purchase_date", "warranty-dates-missing", WARNING,
                    "购买日期和出厂日期都没有填,无法判定是否三包期内,也无法计算费用和厂家结算。"
                    "请填发票上的购买日期;没有发票时填机身铭牌上的出厂日期(三包从出厂日期加顺延天数起算)。")


def check_serial_placeholder(ctx: Context) -> list[Issue]:
    """A serial like 无, -, 0 or 未知 counts no repairs; ask for the real one."""
    mask = placeholder_serials(ctx.f["serial"]) & ctx.of_type("维修", "退换货")
    return ctx.flag(mask, "serial", "serial-placeholder", WARNING,
                    "产品序列号“{serial}”不是真实的序列号,这张单的维修次数无法统计(三包第十一条换机要按"
                    "同一台机器的维修次数判断)。请填机身条码上的号码。")


def check_brand(ctx: Context) -> list[Issue]:
    """品牌 decides whose policy, claim and packs an order belongs to: with several factories
    in 设置 it must name one of their brands (or a factory); with one factory it may be blank,
    and a brand that factory does not list is only a warning."""
    factories = ctx.settings.factory_list()
    resolver, brand = Resolver(factories), ctx.f["brand"]
    if resolver.single and not resolver.choices():
        return []
    listed = "、".join(resolver.choices()) or "(设置表的厂家表中还没有品牌)"
    known = {b: resolver.known(b) for b in brand.dropna().unique()}       # once per distinct brand
    unknown = brand.notna() & ~brand.map(known).fillna(True).astype(bool)
    if resolver.single:
        return ctx.flag(unknown, "brand", "brand-unknown", WARNING,
                        lambda r: f"品牌“{r['brand']}”不在设置表的厂家表中(有:{listed})。只有一个厂家时"
                                  "仍按这个厂家处理;品牌写错了请改正,是另一个厂家的产品请在设置表中添加该厂家。")
    out = ctx.flag(unknown, "brand", "brand-unknown", ERROR,
                   lambda r: f"品牌“{r['brand']}”不在设置表的厂家表中,不知道按哪个厂家的政策结算、反馈给哪个厂家。"
                             f"请填设置表厂家表中的品牌({listed})或从下拉列表中选厂家名称;"
                             "是新厂家的产品请先在设置表中添加该厂家。")
    return out + _required(ctx, "brand", "brand-missing", pd.Series(True, index=ctx.f.index),
                           "设置表中有多个厂家,", listed.split("、")[0])


def check_factory_departments(ctx: Context) -> list[Issue]:
    """With several factories each one mails its packs only to its own departments: a factory no
    department row names has nobody to send to — an error once it has orders, else a warning —
    at its name's cell in 设置."""
    factories = ctx.settings.factory_list()
    if len(factories) <= 1 or all(f.departments for f in factories):
        return []
    counts = order_factories(ctx.f, factories).value_counts()
    out = []
    for f in factories:
        if f.departments:
            continue
        n = int(counts.get(f.name, 0))
        what = (f"它的 {n} 张服务单的反馈包没有人可发送(月报只有统计表,发送时跳过它)" if n
                else "以后它的服务单的反馈包没有人可发送")
        out.append(Issue(CellRef(SETTINGS_SHEET, f.row or 1, 1), FACTORY_HEADERS[0], "setting-factory-no-departments",
                         ERROR if n else WARNING,
                         f"厂家“{f.name}”在设置表的部门表里没有部门(没有一行的“厂家”填它),{what};"
                         f"请在部门表添加它的部门(部门名称、邮箱、是否可看客户完整信息,“厂家”填“{f.name}”)。"))
    return out


CHECKS: tuple[Callable[[Context], list[Issue]], ...] = (
    check_required, check_choices, check_phone, check_order_no_unique, check_date_order,
    check_date_range, check_numbers, check_labour_hours, check_warranty_claim, check_warranty_dates,
    check_serial_placeholder, check_brand, check_factory_departments,
)
# The checks that rest on the policy: with several factories each runs on one factory's orders
# under that factory's policy.
PER_FACTORY = (check_choices, check_warranty_claim)


def validate(orders: OrderSheet, policy: Policy, settings: Settings, now: datetime | None = None,
             checks=CHECKS) -> list[Issue]:
    """Run every check; returns the Issues sorted by cell. `now` (default: clock.now()) is the
    moment after which a date is "in the future"."""
    now = now or clock.now()
    groups = parts(orders.frame, settings, policy)
    if len(groups) == 1:
        ctx = Context(orders, groups[0][2], settings, now)
        issues = [issue for check in checks for issue in check(ctx)]
    else:
        ctx = Context(orders, policy, settings, now)
        issues = [issue for check in checks if check not in PER_FACTORY for issue in check(ctx)]
        for _, _, own, index in groups:
            sub = Context(replace(orders, frame=orders.frame.loc[index]), own, settings, now)
            issues += [issue for check in checks if check in PER_FACTORY for issue in check(sub)]
    return sorted(issues, key=sort_key)
