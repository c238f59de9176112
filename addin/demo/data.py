"""The built-in demo: a year of a county dealer's service orders, with a handful of the
mistakes clerks really make.

`demo_orders(end_month, seed)` → DemoData: ~750 orders (dicts field → value, ready for
template.write_workbook) over the 12 months ending with `end_month` (default: the last month
closed by addin.clock), deterministic for a seed; `mistakes` says which order carries which deliberate mistake (and the issue code the
check should report), `tolerated` lists cells typed oddly but validly (no issue expected).
Every order not listed in `mistakes` is consistent: dates in order, claims matching the
policy, labour within the time on site. The world it draws from is in demo_catalog.py.
"""
from __future__ import annotations

import calendar
import random
from dataclasses import dataclass, replace
from decimal import Decimal
from datetime import date, datetime, timedelta

from addin.demo import catalog as C
from addin.demo.mistakes import Mistake, inject  # noqa: F401 (Mistake: part of this module's API)
from addin.book.columns import FIELDS, ONSITE_TYPES
from addin.book.months import add_months, first_day, last_closed, last_day, month_of, parse_month, shift_day
from addin.book.policy import Policy
from addin.book.factories import Department, Factory
from addin.book.settings import Settings

DEFAULT_SEED = 2026
# Three brands of two factories: TCL's TVs (per-order claims), and 海信 air conditioners and
# small appliances with 容声 fridges and washers, both 海信集团's (包干, its own departments and a
# shorter reply deadline; its 空调 repairs are paid at its own rate, DEMO_POLICY).
BRAND_OF = {"电视": "TCL", "冰箱": "容声", "洗衣机": "容声", "空调": "海信", "热水器": "海信", "微波炉": "海信"}
DEMO_FACTORIES = (
    Factory("TCL", ("TCL",), departments=(
        Department("质量部", ("tcl-quality@example.com",)), Department("研发部", ("tcl-rd@example.com",)),
        Department("生产部", ("tcl-production@example.com",)),
        Department("售后服务部", ("tcl-service@example.com",), True))),
    Factory("海信集团", ("海信", "容声"), settlement_model="包干", lump_sum_rate=Decimal("0.015"),
            annual_sales=Decimal("2400000"), reply_days=20, departments=(
                Department("质量部", ("hisense-quality@example.com",)),
                Department("研发部", ("hisense-rd@example.com",)),
                Department("售后服务部", ("hisense-service@example.com",), True))),
)
DEMO_SETTINGS = Settings(dealer_name="青禾县惠民家电商行", service_point="青禾县城关镇人民路服务网点",
                         default_tier="县城", dealer_address="青禾县城关镇人民路88号",
                         service_phone="0739-5123000", factories=DEMO_FACTORIES,
                         departments=tuple(d for f in DEMO_FACTORIES for d in f.departments))
DEMO_POLICY = Policy(factories=(("海信集团", replace(Policy(), factory_rates=tuple(
    replace(r, labour=Decimal(120)) if (r.category, r.service_type) == ("空调", "维修") else r
    for r in Policy().factory_rates))),))


@dataclass(frozen=True)
class DemoData:
    orders: list[dict]
    mistakes: tuple[Mistake, ...]
    tolerated: tuple[tuple[int, str], ...]     # (index, field) typed oddly but validly
    first_day: date
    last_day: date
    settings: Settings = DEMO_SETTINGS
    sales: tuple[tuple, ...] = ()              # 销售台账 rows: (month, model, units)

    @staticmethod
    def excel_row(index: int) -> int:
        return index + 2


def month_span(end_month: date | str) -> tuple[date, date]:
    """First day of the 12-month span ending with `end_month` ('YYYY-MM' or a date) and its last
    day; months.MonthError (a ValueError) for a month that is not YYYY-MM."""
    month = parse_month(end_month) if isinstance(end_month, str) else month_of(end_month)
    return first_day(add_months(month, -11)), last_day(month)


def demo_orders(end_month: date | str | None = None, seed: int = DEFAULT_SEED,
                policy: Policy = Policy()) -> DemoData:
    """A realistic, deterministic year of orders ending with `end_month` (default: the last
    closed month by addin.clock)."""
    first, last = month_span(end_month or last_closed())
    gen = _Gen(random.Random(seed), policy, first, last)
    orders = [gen.order(when) for when in gen.report_times()]
    protected = gen.repeat_units(orders) + gen.midnight_visit(orders) + gen.patterns(orders) + gen.standby_units(orders)
    orders.sort(key=lambda o: (o["reported_at"], o["serial"] or ""))
    for o in orders:
        o["brand"] = BRAND_OF.get(o["category"])
    counts: dict[str, int] = {}
    for o in orders:
        ym = o["reported_at"].strftime("%Y%m")
        counts[ym] = counts.get(ym, 0) + 1
        o["order_no"] = f"FW{ym}{counts[ym]:03d}"
    keep = {id(o) for o in protected}
    mistakes, tolerated = inject(gen.rng, orders, [i for i, o in enumerate(orders) if id(o) in keep])
    return DemoData(orders, tuple(mistakes), tuple(tolerated), first, last, sales=gen.sales())


@dataclass
class _Gen:
    rng: random.Random
    policy: Policy
    first: date
    last: date
    serial_no: int = 0

    def pick(self, weighted):
        return self.rng.choices([w[0] for w in weighted], [w[1] for w in weighted])[0]

    def report_times(self) -> list[datetime]:
        out, day = [], self.first
        while day <= self.last:
            n = self.rng.randint(52, 66) + (12 if day.month in (6, 7, 8) else 0)
            days = calendar.monthrange(day.year, day.month)[1]
            for _ in range(n):
                d = day.replace(day=self.rng.randint(1, days))
                minute = self.pick(((8, 6), (9, 14), (10, 14), (11, 10), (12, 5), (13, 8), (14, 12),
                                    (15, 11), (16, 9), (17, 6), (18, 3), (19, 2))) * 60 + self.rng.randint(0, 59)
                out.append(datetime.combine(d, datetime.min.time()) + timedelta(minutes=minute))
            day = shift_day(day, 1)
        return sorted(out)

    # --- who and what -------------------------------------------------------------
    def customer(self) -> dict:
        r = self.rng
        name = r.choice(C.SURNAMES) + r.choice(C.GIVEN) if r.random() > 0.04 else r.choice(C.BUSINESSES)
        tier = self.pick((("县城", 55), ("乡镇", 37), ("地级市", 8)))
        if tier == "县城":
            km = r.randint(1, 8)
            address = (f"{C.COUNTY}{C.SEAT}{r.choice(C.STREETS)}{r.randint(1, 220)}号" if r.random() < 0.6 else
                       f"{C.COUNTY}{C.SEAT}{r.choice(C.ESTATES)}{r.randint(1, 18)}栋{r.randint(1, 3)}单元"
                       f"{r.randint(1, 7)}0{r.randint(1, 4)}室")
        elif tier == "乡镇":
            town, base = r.choice(C.TOWNS)
            km = max(3, base + r.randint(-2, 3))
            address = f"{C.COUNTY}{town}{r.choice(C.VILLAGES)}{r.randint(1, 9)}组{r.randint(1, 60)}号"
        else:
            district, road, base = r.choice(C.CITY_PARTS)
            km = base + r.randint(-3, 4)
            address = f"{C.CITY}{district}{road}{r.randint(1, 400)}号{r.randint(1, 30)}栋{r.randint(1, 28)}0{r.randint(1, 4)}"
        if tier == "地级市" or r.random() < 0.85:
            phone = r.choice(C.MOBILE_PREFIXES) + f"{r.randint(0, 99999999):08d}"
        else:
            phone = f"{C.AREA_CODE}-{r.randint(2, 8)}{r.randint(0, 999999):06d}"
        return {"customer": name, "phone": phone, "address": address, "distance_km": float(km),
                "city_tier": tier if tier != "县城" or r.random() > 0.03 else None}

    def unit(self, category: str, reported: datetime, stype: str, age: int | None = None) -> dict:
        r = self.rng
        prefix, models, usages, *_ = C.PRODUCTS[category]
        if age is None:
            low, high = {"安装": (0, 5), "退换货": (1, 13), "咨询": (20, 1400), "保养": (150, 1500)}.get(
                stype) or self.pick((((3, 340), 30), ((390, 1070), 35), ((1120, 2200), 35)))
            age = r.randint(low, high)
        purchase = reported.date() - timedelta(days=age)
        production = purchase - timedelta(days=r.randint(15, 240))
        self.serial_no += 1
        no_invoice = stype in ("维修", "保养", "咨询") and r.random() < 0.12
        return {"model": r.choice(models), "production_date": production,
                "serial": f"{prefix}{production:%y%m}{r.choice('ABCD')}{self.serial_no * 7 + 10000:05d}",
                "purchase_date": None if no_invoice else purchase,
                "usage": r.choice(usages + C.USAGE_SHARED)}

    def in_warranty(self, o: dict) -> bool:
        base = o["purchase_date"] or o["production_date"] + timedelta(days=self.policy.no_invoice_grace_days)
        terms = self.policy.terms(o["category"])
        parts = (o.get("parts") or "").split("、")
        main = terms is not None and any(p in terms.main_parts for p in parts)
        months = terms.main_part_months if main else terms.whole_unit_months if terms else 12
        return o["reported_at"].date() <= shift_day(base, months)

    def clear_of_boundaries(self, o: dict) -> None:
        """Move a unit's dates a month back when the report falls near a warranty boundary,
        so the demo's claims are unambiguous whatever day-counting the fees engine uses."""
        base = o["purchase_date"] or o["production_date"] + timedelta(days=self.policy.no_invoice_grace_days)
        for months in (12, 36):
            if abs((o["reported_at"].date() - shift_day(base, months)).days) < 15:
                for f in ("purchase_date", "production_date"):
                    if o[f]:
                        o[f] -= timedelta(days=31)
                o["serial"] = o["serial"][:2] + f"{o['production_date']:%y%m}" + o["serial"][6:]
                return

    # --- one order -------------------------------------------------------------------
    def order(self, reported: datetime, stype: str | None = None, category: str | None = None,
              who: dict | None = None, unit: dict | None = None, fault=None) -> dict:
        r = self.rng
        stype = stype or self.pick(C.TYPE_WEIGHTS)
        month = reported.month - 1
        category = category or self.pick([(c, w[month]) for c, w in C.CATEGORY_SEASON.items()])
        o = {**dict.fromkeys(FIELDS), "service_type": stype, "category": category, "reported_at": reported,
             **(who or self.customer()), **(unit or self.unit(category, reported, stype)),
             "technician": r.choice(C.TECHNICIANS)}
        self.work(o, fault)
        if stype != "咨询" and unit is None:
            self.clear_of_boundaries(o)
        self.timing(o)
        # claimed on what the order shows: an order still open when the month closed has no
        # parts yet, so the clerk (and the check) judge it by the whole unit's period
        o["claimed_warranty"] = None if stype == "咨询" else ("是" if self.in_warranty(o) else "否")
        self.feedback(o)
        return o

    def work(self, o: dict, fault=None) -> None:
        r, cat, stype = self.rng, o["category"], o["service_type"]
        _, _, _, labour, install, care = C.PRODUCTS[cat]
        o["customer_agreed"] = None if stype == "咨询" else "是"
        if stype == "维修":
            rep, diag, cause, sol, parts, price = fault or r.choice(C.FAULTS[cat])
            if fault is None and r.random() < 0.06:
                o["customer_agreed"], sol, parts, price = "否", "检测后客户不同意维修,未维修", "", 0
            o.update(reported_fault=rep, diagnosed_fault=diag, cause=cause, solution=sol, parts=parts or None,
                     parts_fee=float(price) if price else None, labour_fee=float(labour if parts or sol.startswith(
                         ("疏通", "重新", "清洗", "清理")) else 30))
        elif stype in ("安装", "保养"):
            rep, sol, part, price = install if stype == "安装" else care
            with_part = bool(part) and r.random() < 0.5
            o.update(reported_fault=rep, solution=sol, parts=part if with_part else None,
                     parts_fee=float(price) if with_part else None,
                     labour_fee=None if stype == "安装" else float(r.choice((60, 80, 100))))
        elif stype == "退换货":
            reason, found = r.choice(C.RETURNS)
            diag, cause = found or r.choice(C.FAULTS[cat][:3])[1:3]
            o.update(reported_fault=reason, diagnosed_fault=diag, cause=cause,
                     solution="办理退货" if "退货" in reason else "办理换货,换同型号新机")
        else:
            question, answer = r.choice(C.CONSULTS)
            o.update(reported_fault=question, solution=answer)
        if r.random() < 0.05 and stype in ONSITE_TYPES and o["customer_agreed"] == "是":
            o["other_service"] = r.choice(C.OTHER_SERVICE)

    def timing(self, o: dict, night: bool = False) -> None:
        r, rep, stype = self.rng, o["reported_at"], o["service_type"]
        contact = rep + timedelta(minutes=r.randint(3, 50) if r.random() < 0.85 else r.randint(65, 200))
        if r.random() < 0.88 and contact.date() <= self.last:
            o["first_contact"] = contact
        if stype == "咨询" or (stype == "退换货" and r.random() < 0.3):
            return
        night = night or (stype == "维修" and rep.hour >= 17 and r.random() < 0.25)
        tier = o.get("city_tier") or "县城"
        slow = r.random() < 0.1
        hours = {"乡镇": (25, 40) if slow else (2, 18), "地级市": (13, 20) if slow else (2, 10)}.get(
            tier, (12.5, 20) if slow else (1, 7))
        arrived = rep + timedelta(minutes=round(r.uniform(*hours) * 60 / 5) * 5)
        if night:
            arrived = rep.replace(hour=21, minute=0) + timedelta(minutes=r.randint(5, 95))
        elif arrived.hour >= 19 or arrived.hour < 8:
            day = arrived.date() + timedelta(days=1 if arrived.hour >= 19 else 0)
            arrived = datetime.combine(day, datetime.min.time()) + timedelta(minutes=510 + 5 * r.randint(0, 18))
        staff = 2 if (o["category"] == "空调" and stype == "安装") or "压缩机" in (o.get("parts") or "") else 1
        span = {"安装": (2, 4) if o["category"] == "空调" else (0.75, 2), "保养": (1, 2), "退换货": (0.5, 1)}.get(
            stype, (0.5, 1.5) if night else (0.5, 2.5))
        left = arrived + timedelta(minutes=5 * round(r.uniform(*span) * 12))
        if left.date() > self.last:                      # not finished when the month closed
            for f in ("diagnosed_fault", "cause", "solution", "parts", "parts_fee", "labour_fee"):
                o[f] = None
            o["customer_agreed"] = None
            return
        hours_on_site = (left - arrived).total_seconds() / 3600
        o.update(arrived_at=arrived, left_at=left, staff_count=staff,
                 labour_hours=max(0.5, int(hours_on_site * staff * 2) / 2))

    def feedback(self, o: dict) -> None:
        r = self.rng
        done = o.get("left_at") or (o["service_type"] == "咨询" and o.get("solution"))
        if not done or r.random() > 0.85:
            return
        late = o.get("arrived_at") and (o["arrived_at"] - o["reported_at"]) > timedelta(hours=20)
        o["rating"] = self.pick(C.RATING_WEIGHTS[2:] if late else C.RATING_WEIGHTS)
        if r.random() < 0.12:
            o["comment"] = r.choice(C.COMMENTS_BAD if o["rating"] in ("一般", "不满意", "很不满意") else C.COMMENTS_GOOD)
        visit = (o.get("left_at") or o["reported_at"]).date() + timedelta(days=r.randint(1, 6))
        if visit <= self.last and r.random() < 0.8:
            o["visit_date"], o["visit_result"] = visit, r.choice(C.VISIT_RESULTS)

    # --- the stories every demo needs -----------------------------------------------
    def repeat_units(self, orders: list[dict]) -> list[dict]:
        """One fridge repaired three times in warranty, then exchanged; two units repaired twice."""
        out, fridge = [], C.FAULTS["冰箱"]
        stories = (("冰箱", (75, 160, 250), (fridge[1], fridge[2], fridge[0]), True),
                   ("洗衣机", (120, 200), (C.FAULTS["洗衣机"][3], C.FAULTS["洗衣机"][3]), False),
                   ("电视", (40, 300), (C.FAULTS["电视"][0], C.FAULTS["电视"][5]), False))
        for category, days, faults, exchange in stories:
            who = self.customer()
            bought = datetime.combine(self.first + timedelta(days=self.rng.randint(10, 30)), datetime.min.time())
            unit = self.unit(category, bought, "维修", age=0)
            for n, (offset, fault) in enumerate(zip(days, faults)):
                when = bought + timedelta(days=offset - (bought.date() - self.first).days, hours=9 + n)
                out.append(self.order(when, "维修", category, who, dict(unit), fault))
            if exchange:
                out[-1].update(rating="不满意", comment="修了三次还是不制冷,要求换机")
                when = out[-1]["reported_at"] + timedelta(days=12)
                ex = self.order(when, "退换货", category, who, dict(unit))
                ex.update(reported_fault="三包期内修理两次以上仍不能正常使用", diagnosed_fault="情况属实",
                          solution="按三包规定免费换同型号新机")
                # judged against the period the earlier repairs were in (a main part replaced
                # then keeps the unit under the main-part period), as the fee engine does
                earlier = "、".join(o["parts"] for o in out[-len(days):] if o.get("parts"))
                ex["claimed_warranty"] = "是" if self.in_warranty({**ex, "parts": earlier}) else "否"
                out.append(ex)
        orders.extend(out)
        return out

    def standby_units(self, orders: list[dict]) -> list[dict]:
        """The last two water heaters repaired in the final month were taken away with a standby
        unit lent (seed 001); the earlier one's standby is back two days after the repair."""
        heaters = [o for o in orders if o["category"] == "热水器" and o["service_type"] == "维修"
                   and o.get("left_at") and o["reported_at"].date() >= self.last.replace(day=1)
                   and o.get("customer_agreed") == "是"][-2:]
        for n, o in enumerate(heaters):
            o["standby_lent"] = "是"
            returned = o["left_at"].date() + timedelta(days=2)
            if n == 0 and returned <= self.last:
                o["standby_returned"] = returned
        return heaters
    def patterns(self, orders: list[dict]) -> list[dict]:
        """The last month's signals a factory must see: batches of one model and production month
        failing alike (one rising over three months) and a delivery run of dented fridges."""
        out, end = [], self.last.replace(day=1)
        for category, model, back, k, now, before in C.BATCHES:
            produced = shift_day(end, -back)
            for months_ago, n in ((0, now), (1, before[-1]), (2, before[0])):
                start = shift_day(end, -months_ago)
                for i in range(n):
                    when = datetime.combine(start + timedelta(days=3 + 5 * i), datetime.min.time()) + \
                        timedelta(hours=9 + i)
                    age = min(self.rng.randint(20, 90), (when.date() - produced).days - 15)
                    unit = {**self.unit(category, when, "维修", age=age), "model": model,
                            "production_date": produced + timedelta(days=i)}
                    unit["serial"] = unit["serial"][:2] + f"{produced:%y%m}" + unit["serial"][6:]
                    out.append(self.order(when, "维修", category, unit=unit, fault=C.FAULTS[category][k]))
        category, model, n = C.TRANSPORT_MODEL
        for i in range(n):
            when = datetime.combine(end + timedelta(days=8 + i), datetime.min.time()) + timedelta(hours=10)
            unit = {**self.unit(category, when, "退换货", age=1 + i), "model": model}
            o = self.order(when, "退换货", category, unit=unit)
            reason, (diag, cause) = C.TRANSPORT[0], C.TRANSPORT[1]
            o.update(reported_fault=reason, diagnosed_fault=diag, cause=cause, solution="办理退货")
            out.append(o)
        orders.extend(out)
        return out

    def sales(self) -> tuple[tuple, ...]:
        """A sales ledger: units of every model per month, seasonal like the orders."""
        rows, day = [], self.first
        while day <= self.last:
            for category, (_, models, *_rest) in C.PRODUCTS.items():
                season = C.CATEGORY_SEASON[category][day.month - 1] / 10
                for model in models:
                    rows.append((f"{day:%Y-%m}", model, max(1, round(self.rng.randint(*C.SALES_RANGE) * season))))
            day = shift_day(day, 1)
        return tuple(rows)

    def midnight_visit(self, orders: list[dict]) -> list[dict]:
        """A winter water heater repaired late at night, the visit crossing midnight."""
        day = self.first + timedelta(days=70)
        o = self.order(datetime.combine(day, datetime.min.time()) + timedelta(hours=21, minutes=40), "维修",
                       "热水器", fault=C.FAULTS["热水器"][0])
        o.update(first_contact=o["reported_at"] + timedelta(minutes=8),
                 arrived_at=o["reported_at"] + timedelta(minutes=95), staff_count=1)
        o["left_at"] = o["arrived_at"] + timedelta(minutes=85)           # 23:15 → 00:40
        o.update(labour_hours=1.0, rating="非常满意", comment="半夜还上门,非常感谢",
                 visit_date=o["left_at"].date() + timedelta(days=2), visit_result="热水器使用正常")
        orders.append(o)
        return [o]
