"""The mistakes clerks really make, planted in the demo orders (and the odd-but-valid
typing that must not be taken for a mistake).

`inject(rng, orders, protected)` changes a few orders in place and returns the Mistake
list (order index, field, issue code the check should give) and the tolerated cells.
Each mistake goes to a different order, never to a protected one (the repeat-repair and
midnight stories), and yields exactly the one issue it names.
"""
from __future__ import annotations

from datetime import timedelta

from dataclasses import dataclass

FULL_WIDTH = str.maketrans("0123456789", "0123456789")


@dataclass(frozen=True)
class Mistake:
    """A deliberate mistake: order position (Excel row = index + 2), field, expected issue code."""

    index: int
    field: str
    code: str
    what: str


def _mobile(o):
    return bool(o.get("phone")) and len(o["phone"]) == 11 and o["phone"].startswith("1")


def _done(o):
    return bool(o.get("arrived_at") and o.get("left_at"))


def _repair(o):
    return o["service_type"] == "维修" and _done(o) and o.get("customer_agreed") == "是"


def _drop_digit(o):
    o["phone"] = o["phone"][:5] + o["phone"][6:]
    return "phone", "phone-invalid", "手机号少打了一位"


def _arrival_day_before(o):
    o["arrived_at"] -= timedelta(days=1)
    return "arrived_at", "arrival-before-report", "到达时间的日期写成了前一天"


def _negative_fee(o):
    o["labour_fee"] = -o["labour_fee"]
    return "labour_fee", "money-negative", "工时费填成了负数"


def _fee_in_words(o):
    o["labour_fee"] = "八十"
    return "labour_fee", "money-not-number", "工时费写成了汉字“八十”"


def _old_category(o):
    o["category"] = "彩电"
    return "category", "category-invalid", "产品类型写了旧叫法“彩电”,不在列表中"


def _no_serial(o):
    o["serial"] = None
    return "serial", "serial-missing", "维修单没有抄序列号"


def _claim_old_unit(o):
    o["claimed_warranty"] = "是"
    return "claimed_warranty", "warranty-claim-mismatch", "五六年前买的机器填了“是”(三包期内)"


def _hours_too_many(o):
    on_site = (o["left_at"] - o["arrived_at"]).total_seconds() / 3600
    o["labour_hours"] = float(int(on_site * o["staff_count"]) + 4)
    return "labour_hours", "labour-hours-exceed", "服务工时比在现场的时间还多"


def _left_am_pm(o):
    o["left_at"] -= timedelta(hours=12)
    return "left_at", "leave-before-arrival", "离开时间把下午写成了上午"


def _dates_swapped(o):
    o["production_date"], o["purchase_date"] = o["purchase_date"], o["production_date"]
    return "production_date", "production-after-purchase", "出厂日期和购买日期填反了"


def _no_customer(o):
    o["customer"] = None
    return "customer", "customer-missing", "忘了填客户名称"


# (which orders suit the mistake, the mistake)
MISTAKES = (
    (_mobile, _drop_digit),
    (lambda o: _done(o) and o["arrived_at"] - o["reported_at"] < timedelta(hours=20), _arrival_day_before),
    (lambda o: _repair(o) and bool(o.get("labour_fee")), _negative_fee),
    (lambda o: _repair(o) and o.get("labour_fee") == 80, _fee_in_words),
    (lambda o: o["category"] == "电视" and o["service_type"] == "维修", _old_category),
    (lambda o: _repair(o) and bool(o.get("serial")), _no_serial),
    (lambda o: _repair(o) and o["claimed_warranty"] == "否" and o.get("purchase_date") is not None
     and (o["reported_at"].date() - o["purchase_date"]).days > 1500, _claim_old_unit),
    (lambda o: _done(o) and o.get("staff_count") == 1 and (o["left_at"] - o["arrived_at"]) < timedelta(hours=2),
     _hours_too_many),
    (lambda o: _done(o) and o["left_at"].hour >= 13 and o["left_at"] - o["arrived_at"] < timedelta(hours=6)
     and o["left_at"].date() == o["arrived_at"].date(), _left_am_pm),
    # out of warranty only: the swap moves the warranty's start earlier, which keeps such a unit out of
    # warranty (the claim "否" stays right); on a unit in warranty it could also end the warranty
    # and raise a warranty-claim-mismatch nobody planted
    (lambda o: _repair(o) and o.get("purchase_date") is not None and o["claimed_warranty"] == "否",
     _dates_swapped),
    (lambda o: True, _no_customer),
)


def _text_date(o, f):
    d = o[f]
    o[f] = f"{d.year}年{d.month}月{d.day}日" if f == "purchase_date" else f"{d.year}/{d.month}/{d.day}"
    return f


# Odd but valid typing: (which orders suit, change) → the changed field; no issue expected.
TOLERATED = (
    (lambda o: o.get("purchase_date") is not None, lambda o: _text_date(o, "purchase_date")),
    (lambda o: o.get("production_date") is not None, lambda o: _text_date(o, "production_date")),
    (_mobile, lambda o: o.update(phone=f"{o['phone'][:3]} {o['phone'][3:7]} {o['phone'][7:]}") or "phone"),
    (_mobile, lambda o: o.update(phone=o["phone"].translate(FULL_WIDTH)) or "phone"),
    (lambda o: "-" in (o.get("phone") or ""), lambda o: o.update(
        phone="({}){}".format(*o["phone"].split("-", 1))) or "phone"),
    (lambda o: o.get("labour_fee") == 80, lambda o: o.update(labour_fee="80元") or "labour_fee"),
    (lambda o: True, lambda o: o.update(reported_at=o["reported_at"].strftime("%Y-%m-%d %H:%M")) or "reported_at"),
    (lambda o: bool(o.get("rating")), lambda o: o.update(comment="=师傅很好,点个赞") or "comment"),
    (lambda o: bool(o.get("rating")), lambda o: o.update(comment="+1 上门很准时") or "comment"),
)


def inject(rng, orders: list[dict], protected: list[int]) -> tuple[list[Mistake], list[tuple[int, str]]]:
    taken = set(protected)

    def choose(suits) -> int:
        pool = [i for i, o in enumerate(orders) if i not in taken and suits(o)]
        if not pool:
            raise RuntimeError("演示数据太少,找不到可以放置示例错误的服务单")
        i = rng.choice(pool)
        taken.add(i)
        return i

    mistakes = []
    for suits, make in MISTAKES:
        i = choose(suits)
        mistakes.append(Mistake(i, *make(orders[i])))
    i = choose(lambda o: True)
    while i - 1 in taken or i == 0:
        i = choose(lambda o: True)
    taken.add(i - 1)
    orders[i]["order_no"] = orders[i - 1]["order_no"]
    mistakes.append(Mistake(i, "order_no", "order-no-duplicate", "服务单编号抄了上一张单的"))
    tolerated = []
    for suits, change in TOLERATED:
        i = choose(suits)
        tolerated.append((i, change(orders[i])))
    return sorted(mistakes, key=lambda m: m.index), sorted(tolerated)
