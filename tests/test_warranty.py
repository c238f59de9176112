"""三包 verdicts: every period and its last day, no invoice, main parts, Art. 8 and 11, fraud."""
from __future__ import annotations

import pandas as pd
import pytest

from addin.book.policy import Policy, WarrantyTerms
from addin.rules.warranty import verdicts
from tests.order_frames import frame


def judge(*rows, policy=Policy()):
    f = frame(*rows)
    return verdicts(f, policy, pd.Series(True, index=f.index))


def one(policy=Policy(), **row):
    return judge(row, policy=policy).iloc[0]


@pytest.mark.parametrize("reported, inside", [
    ("2026-03-01 23:59", True),    # the day the whole-unit year ends is inside
    ("2026-03-02 00:00", False),
])
def test_whole_unit__last_day_counts_as_inside(reported, inside):
    v = one(reported_at=reported, purchase_date="2025-03-01")
    assert v.in_warranty is inside
    assert v.warranty_kind == ("整机保修" if inside else "保外")
    assert v.warranty_until == pd.Timestamp("2026-03-01")


def test_rule__is_the_sentence_a_dealer_shows_the_customer():
    v = one(purchase_date="2025-03-01", reported_at="2025-10-05 09:00", parts="液晶屏")
    assert v.warranty_rule == ("发票日期2025-03-01起整机保修1年,至2026-03-01;"
                               "更换主要部件液晶屏,主要部件保修3年,至2028-03-01")


@pytest.mark.parametrize("reported, kind", [
    ("2025-03-08 18:00", "退货期"),    # day 7: return, exchange or repair
    ("2025-03-09 08:00", "换货期"),    # day 8
    ("2025-03-16 18:00", "换货期"),    # day 15: last day of exchange
    ("2025-03-17 08:00", "整机保修"),  # day 16
])
def test_return_and_exchange_days__inclusive(reported, kind):
    v = one(purchase_date="2025-03-01", reported_at=reported)
    assert v.warranty_kind == kind and v.in_warranty is True


def test_return_days__only_for_fault_orders_with_an_invoice():
    assert one(service_type="安装", purchase_date="2025-03-01", reported_at="2025-03-02").warranty_kind == "整机保修"
    no_invoice = one(purchase_date=None, production_date="2025-01-01", reported_at="2025-03-05")
    assert no_invoice.warranty_kind == "整机保修"


@pytest.mark.parametrize("reported, inside", [("2026-03-02", True), ("2026-03-03", False)])
def test_no_invoice__production_date_plus_grace_days(reported, inside):
    v = one(purchase_date=None, production_date="2025-01-01", reported_at=reported)
    assert v.in_warranty is inside
    assert v.warranty_until == pd.Timestamp("2026-03-02")     # 2025-01-01 + 60 days + 1 year
    assert v.warranty_rule.startswith("无发票,按出厂日期2025-01-01顺延60天即2025-03-02起整机保修1年")


def test_no_invoice__grace_days_from_policy():
    v = one(Policy(no_invoice_grace_days=90), purchase_date=None, production_date="2025-01-01",
            reported_at="2026-03-31")
    assert v.in_warranty is True and v.warranty_until == pd.Timestamp("2026-04-01")


@pytest.mark.parametrize("parts, reported, kind", [
    ("液晶屏(55寸)、遥控器", "2027-06-01", "主要部件保修"),     # main part in year 3
    ("遥控器、电源线", "2027-06-01", "保外"),                   # other parts after year 1
    ("遥控器；逻辑板", "2028-03-01", "主要部件保修"),           # last day of the 3 years
    ("逻辑板", "2028-03-02", "保外"),
])
def test_main_part_versus_other_part(parts, reported, kind):
    v = one(purchase_date="2025-03-01", reported_at=reported, parts=parts)
    assert v.warranty_kind == kind
    if kind == "保外" and "逻辑板" in parts:
        assert v.warranty_until == pd.Timestamp("2028-03-01")
        assert "主要部件保修3年,至2028-03-01" in v.warranty_rule and "已过三包期" in v.warranty_rule


def test_main_parts__are_per_category_and_from_policy():
    assert one(category="冰箱", parts="液晶屏", reported_at="2027-01-01").warranty_kind == "保外"
    policy = Policy(warranty=(WarrantyTerms("电视", 24, 60, ("主板",)),))
    v = one(policy, parts="主板", reported_at="2029-01-01")
    assert v.warranty_kind == "主要部件保修" and "整机保修2年" in v.warranty_rule
    assert "主要部件保修5年,至2030-03-01" in v.warranty_rule


def test_art8__days_under_repair_extend_the_period():
    earlier = dict(reported_at="2025-06-01 09:00", arrived_at="2025-06-01 10:00", left_at="2025-06-11 10:00")
    late = dict(reported_at="2026-03-05 09:00", arrived_at="2026-03-05 10:00", left_at="2026-03-05 11:00")
    v = judge(earlier, late)
    assert v.iloc[1].in_warranty is True                     # 10 days added: ends 2026-03-11
    assert v.iloc[1].warranty_until == pd.Timestamp("2026-03-11")
    assert "含此前维修占用10天" in v.iloc[1].warranty_rule
    alone = judge({**earlier, "serial": "OTHER"}, late)
    assert alone.iloc[1].in_warranty is False


def test_art8__same_day_repair_adds_nothing():
    v = judge(dict(reported_at="2025-06-01 09:00", arrived_at="2025-06-01 10:00", left_at="2025-06-01 15:00"),
              dict(reported_at="2026-03-02 09:00"))
    assert v.iloc[1].in_warranty is False


def _repairs(*overrides):
    days = ["2025-05-01", "2025-06-01", "2025-07-01", "2025-08-01"]
    return [dict(reported_at=d + " 09:00", arrived_at=d + " 10:00", left_at=d + " 11:00", **o)
            for d, o in zip(days, overrides)]


def test_art11__third_repair_of_a_serial_is_exchange_eligible():
    v = judge(*_repairs({}, {}, {}, {}))
    assert list(v.repair_count) == [0, 1, 2, 3]
    assert list(v.exchange_eligible) == [False, False, True, True]
    assert "此前已修理2次,仍有故障可免费调换同型号产品" in v.iloc[2].warranty_rule


def test_art11__counted_in_date_order_not_row_order():
    rows = _repairs({}, {}, {})
    v = judge(rows[2], rows[0], rows[1])
    assert list(v.exchange_eligible) == [True, False, False]


def test_art11__only_in_warranty_agreed_repairs_of_the_same_serial_count():
    v = judge(*_repairs({"customer_agreed": "否"}, {"serial": "SN2"}, {"service_type": "保养"}, {}))
    assert list(v.repair_count) == [0, 0, 0, 0] and not v.exchange_eligible.any()
    out = judge(*_repairs({"purchase_date": "2020-01-01"}, {}, {}))
    assert list(out.repair_count) == [0, 0, 1]   # the first was out of warranty


def test_art11__threshold_from_policy():
    v = judge(*_repairs({}, {}, {}), policy=Policy(repairs_before_exchange=1))
    assert list(v.exchange_eligible) == [False, True, True]


def test_fraud__purchase_before_production():
    v = one(production_date="2025-04-01", purchase_date="2025-03-01")
    assert v.fraud == "保外转保内嫌疑:购买日期早于出厂日期"


@pytest.mark.parametrize("purchase, flagged", [("2024-12-31", False), ("2025-01-01", True)])
def test_fraud__purchase_more_than_gap_days_after_production(purchase, flagged):
    v = one(production_date="2023-01-01", purchase_date=purchase, reported_at="2025-03-01")
    assert (v.fraud is not None and "晚731天" in v.fraud) is flagged   # 730 days is allowed


def test_fraud__claim_yes_against_the_dates_and_milder_note_for_no():
    out = one(claimed_warranty="是", purchase_date="2023-01-01", production_date="2022-12-01")
    assert out.fraud == "保外转保内嫌疑:登记为三包期内,但按日期已过保"
    assert out.suspicions == ("claimed-in-but-out",) and out.notes == ()
    inside = one(claimed_warranty="否")
    assert inside.fraud is None and inside.suspicions == ()
    assert inside.notes[0].startswith("提示:登记为保外,但按日期仍在三包期内")
    assert one(claimed_warranty="是").fraud is None


def test_not_ok_rows_get_no_verdict_and_do_not_count_as_repairs():
    f = frame(*_repairs({}, {}, {}))
    ok = pd.Series([True, False, True], index=f.index)
    v = verdicts(f, Policy(), ok)
    assert v.iloc[1].in_warranty is None and v.iloc[1].warranty_rule == ""
    assert list(v.repair_count) == [0, 1, 1]
