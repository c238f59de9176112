"""Customer fees, factory claim, promises and not-computable orders: on frames for the
arithmetic, on workbooks built in code for the whole path (load_workbook → compute)."""
from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import pandas as pd
import pytest

from addin.book.columns import COMPUTED_HEADERS
from addin.rules.fees import (RESULT_COLUMNS, compute, compute_frame, computed_columns,
                        lump_sum_comparison, month_mask, night_visit, totals)
from addin.rules.loader import load_workbook
from addin.rules.money import to_fen
from addin.book.policy import FactoryRate, Policy
from addin.book.settings import Settings
from addin.book.template import write_workbook
from tests.conftest import NOW
from tests.order_frames import frame

OUT = dict(purchase_date="2023-01-01", production_date="2022-12-01")   # out of warranty in 2025


def fees(*rows, policy=Policy(), settings=Settings(), rejected=None):
    return compute_frame(frame(*rows), policy, settings, rejected)


def one(policy=Policy(), settings=Settings(), **row):
    return fees(row, policy=policy, settings=settings).iloc[0]


def test_result_has_exactly_the_contract_columns():
    assert tuple(fees({}).columns) == RESULT_COLUMNS


@pytest.mark.parametrize("km, fee", [(30, 0.0), (10, 0.0), (None, 0.0), (30.004, 0.0), (30.005, 0.01),
                                     (31, 1.0), (42.5, 12.5)])
def test_travel__only_beyond_the_free_radius(km, fee):
    assert one(**OUT, distance_km=km, labour_fee=0).travel_fee == fee


def test_travel__radius_and_rate_from_policy():
    assert one(Policy(free_radius_km=Decimal(20), travel_rate=Decimal("1.5")), **OUT, distance_km=42).travel_fee == 33.0


@pytest.mark.parametrize("arrived, left, night", [    # spec/policy.md: the arrival time decides
    ("2025-10-05 21:00", "2025-10-05 22:00", True),    # arrival 21:00 sharp counts
    ("2025-10-05 08:00", "2025-10-05 09:00", False),   # arrival 08:00 sharp does not
    ("2025-10-05 07:59", "2025-10-05 09:00", True),
    ("2025-10-05 20:00", "2025-10-05 21:00", False),
    ("2025-10-05 20:00", "2025-10-05 21:01", False),   # a daytime visit overrunning 21:00 is not night
    ("2025-10-05 23:30", "2025-10-06 01:00", True),    # arrives at night, crosses midnight
    ("2025-10-05 20:30", "2025-10-06 00:30", False),   # starts by day, runs past midnight: not night
    ("2025-10-05 20:59", None, False),
    ("2025-10-05 02:00", None, True),
    (None, None, False),
])
def test_night__arrival_in_21_to_08(arrived, left, night):
    f = frame(dict(arrived_at=arrived, left_at=left))
    assert bool(night_visit(f["arrived_at"], Policy()).iloc[0]) is night
    v = compute_frame(f.assign(purchase_date=pd.Timestamp("2023-01-01")), Policy(), Settings()).iloc[0]
    assert v.night_surcharge == (40.0 if night else 0.0)


def test_night__window_and_rate_from_policy():
    from datetime import time
    policy = Policy(night_start=time(20, 0), night_end=time(7, 0), night_rate=Decimal("1"))
    v = one(policy, **OUT, arrived_at="2025-10-05 20:00", left_at="2025-10-05 20:30")
    assert v.night_surcharge == 80.0


def test_total__parts_labour_night_travel_and_explanation():
    v = one(**OUT, parts_fee=120, labour_fee=80, distance_km=42.5, parts="电源板",
            arrived_at="2025-10-05 21:30", left_at="2025-10-05 22:30")
    assert (v.travel_fee, v.night_surcharge, v.customer_total, v.factory_claim) == (12.5, 40.0, 252.5, 0.0)
    assert v.in_warranty is False and v.computable
    assert v.explanation == ("保外,客户应付:配件120.00+工时80.00+夜间加收40.00(工时×50%)"
                             "+交通费12.50(单程42.5公里,超出30公里的12.5公里×1元)=252.50元")


def test_declined_repair__no_fee_of_any_kind():
    v = one(**OUT, customer_agreed="否", parts_fee=120, labour_fee=80, distance_km=80,
            arrived_at="2025-10-05 22:00", left_at="2025-10-05 23:00")
    assert (v.travel_fee, v.night_surcharge, v.customer_total) == (0.0, 0.0, 0.0)
    assert "不同意维修" in v.explanation


def test_in_warranty__customer_pays_nothing_and_factory_is_claimed():
    v = one(parts_fee=300, labour_fee=80, distance_km=45, arrived_at="2025-10-05 22:00",
            left_at="2025-10-05 23:00")
    assert v.in_warranty is True
    assert (v.travel_fee, v.night_surcharge, v.customer_total) == (0.0, 0.0, 0.0)
    assert v.factory_claim == 80 + 15 + 300          # TV repair labour + 15 km × 1 + materials
    assert v.explanation == "三包期内(整机保修),客户不付费;厂家结算:工时80.00+交通补贴15.00+材料300.00=395.00元"


def test_factory_claim__rates_per_category_and_service_type_from_policy():
    policy = Policy(factory_rates=(FactoryRate("电视", "维修", Decimal("55.5"), Decimal("0.8")),))
    assert one(policy, distance_km=40, parts_fee=0).factory_claim == 63.5
    missing = one(policy, service_type="安装", distance_km=40)
    assert missing.factory_claim == 0.0 and "没有“电视/安装”" in missing.explanation


def test_money__half_up_to_the_fen():
    assert list(to_fen(pd.Series([0.005, 12.345, 0.015, 2.675, 1e-9, None]))) == [1, 1235, 2, 268, 0, 0]
    v = one(**OUT, labour_fee=0.01, parts_fee=0)
    assert v.night_surcharge == 0.0
    night = one(**OUT, labour_fee=0.01, arrived_at="2025-10-05 22:00", left_at="2025-10-05 23:00")
    assert night.night_surcharge == 0.01      # 0.005 rounds up (banker's rounding would give 0.00)
    assert night.customer_total == 0.02


def test_not_computable__rejected_cells_get_no_invented_fee():
    r = fees({**OUT, "labour_fee": 80}, {**OUT, "labour_fee": 80}, rejected={3: [("distance_km", "U3")]})
    assert r.loc[2, "computable"] and r.loc[2, "customer_total"] == 80.0
    bad = r.loc[3]
    assert not bad.computable and bad.in_warranty is None and pd.isna(bad.customer_total)
    assert bad.reason == "单程距离(公里)(U3)有错误,请先改正"
    assert bad.explanation == "无法计算:单程距离(公里)(U3)有错误,请先改正"


def test_not_computable__missing_dates_or_unknown_category():
    r = fees(dict(purchase_date=None, production_date=None), dict(category="油烟机"),
             dict(reported_at=None))
    assert list(r.computable) == [False, False, False]
    assert list(r.reason) == ["缺少购买日期和出厂日期,无法判定三包", "产品类型“油烟机”不在三包政策表中", "缺少报修时间"]
    t = totals(r)
    assert t["not_computable"] == 3 and t["not_computable_note"].startswith("3 张服务单无法计算:第2行(FW1)")


@pytest.mark.parametrize("tier, arrived, late", [
    ("省会", "2025-10-05 13:30", False),     # exactly 4 h: on time
    ("省会", "2025-10-05 13:31", True),
    ("地级市", "2025-10-05 21:30", False),   # 12 h
    ("乡镇", "2025-10-06 09:31", True),      # 24 h
    (None, "2025-10-05 21:31", True),        # empty tier → settings default (县城, 12 h)
])
def test_promise__onsite_hours_against_the_city_tier(tier, arrived, late):
    v = one(city_tier=tier, reported_at="2025-10-05 09:30", arrived_at=arrived, left_at=None)
    assert v.late is late
    assert v.promise_hours == {"省会": 4, "地级市": 12, "乡镇": 24, None: 12}[tier]


def test_promise__response_visit_hours_and_default_tier_from_settings():
    v = one(Policy(), Settings(default_tier="省会"), city_tier=None, first_contact="2025-10-05 09:45",
            arrived_at="2025-10-05 14:00", left_at="2025-10-05 15:30")
    assert (v.response_hours, v.onsite_hours, v.visit_hours, v.promise_hours) == (0.25, 4.5, 1.5, 4)
    assert v.late is True


def test_promise__not_arrived_is_late_once_the_workbook_has_moved_past_the_promise():
    r = fees(dict(reported_at="2025-10-01 09:00", arrived_at=None, left_at=None),
             dict(reported_at="2025-10-05 08:00", arrived_at=None, left_at=None),
             dict(reported_at="2025-10-05 09:00", arrived_at="2025-10-05 10:00"),
             dict(service_type="咨询", reported_at="2025-10-01 09:00", arrived_at=None, left_at=None))
    assert list(r.late) == [True, None, False, None]
    typo = fees(dict(reported_at="2025-10-05 08:00", arrived_at=None, left_at=None),
                dict(reported_at="2025-10-05 09:00", arrived_at="2062-10-05 10:00"),
                rejected={3: ["arrived_at"]})          # a rejected year does not make others late
    assert list(typo.late) == [None, None]


def test_lump_sum__year_cost_against_the_allowance():
    settings = Settings(settlement_model="包干", annual_sales=Decimal(100000), lump_sum_rate=Decimal("0.002"))
    r = fees(dict(parts_fee=50), dict(parts_fee=30, reported_at="2024-12-31 10:00", purchase_date="2024-06-01"),
             dict(**OUT, labour_fee=100), settings=settings)
    got = lump_sum_comparison(r, settings, 2025)
    assert got["orders"] == 1 and got["actual_cost"] == Decimal("130.00")   # 80 labour + 50 parts
    assert got["allowance"] == Decimal("200.00") and got["difference"] == Decimal("70.00")
    assert got["covered"] and got["cost_share_of_sales"] == Decimal("0.0013")
    assert "包干额度多出70.00元" in got["summary"]
    assert "包干结算" in r.iloc[0].explanation
    none = lump_sum_comparison(r, Settings(), 2025)
    assert none["cost_share_of_sales"] is None and "未填年销售额" in none["summary"]


def test_computed_columns__the_templates_headers():
    r = fees(dict(), dict(**OUT, labour_fee=80, distance_km=40), dict(category="油烟机"))
    cols = computed_columns(r)
    assert tuple(cols) == COMPUTED_HEADERS
    assert list(cols["三包判定"]) == ["保内(整机保修)", "保外", "无法计算"]
    assert list(cols["交通费"]) == [0.0, 10.0, None]
    assert list(cols["应收客户合计"]) == [0.0, 90.0, None]
    assert list(cols["是否超时"]) == ["否", "否", "否"]   # times are fine, so the promise is measured
    assert cols["判定依据"].iloc[2] == "产品类型“油烟机”不在三包政策表中"


def test_month_mask_and_totals():
    r = fees(dict(**OUT, labour_fee=80), dict(reported_at="2025-11-02 10:00", arrived_at=None, left_at=None))
    assert list(month_mask(r, "2025-10")) == [True, False]
    t = totals(r[month_mask(r, "2025-10")])
    assert t["customer_total"] == Decimal("80.00") and t["orders"] == 1


# ---- whole path: workbooks built in code, read by the real loader ----

def order(n, **kw):
    base = dict(order_no=f"FW{n:03d}", service_type="维修", customer="张伟", phone="13812345678",
                address="某县人民路1号", city_tier="县城", category="电视", model="L55V8",
                serial=f"SN{n}", production_date=datetime(2025, 2, 10), purchase_date=datetime(2025, 3, 1),
                claimed_warranty="是", reported_at=datetime(2025, 10, 5, 9, 30),
                arrived_at=datetime(2025, 10, 5, 14, 0), left_at=datetime(2025, 10, 5, 15, 0),
                technician="王师傅", staff_count=1, labour_hours=1, distance_km=12,
                reported_fault="开机无图像", diagnosed_fault="电源板坏", parts="电源板",
                customer_agreed="是", parts_fee=0, labour_fee=0)
    return {**base, **kw}


def loaded(tmp_path, orders, policy=Policy(), settings=Settings()):
    path = write_workbook(tmp_path / "服务单.xlsx", orders, settings=settings, policy=policy)
    return load_workbook(path, now=NOW)


def test_workbook__boundaries_end_to_end(tmp_path):
    out = dict(purchase_date=datetime(2023, 3, 1), claimed_warranty="否", labour_fee=80, parts_fee=100)
    wb = loaded(tmp_path, [
        order(1, **out, distance_km=30),
        order(2, **out, distance_km=31, arrived_at=datetime(2025, 10, 5, 23, 30), left_at=datetime(2025, 10, 6, 0, 30)),
        order(3, **out, customer_agreed="否", distance_km=60),
        order(4, reported_at=datetime(2026, 3, 1, 9, 0), arrived_at=datetime(2026, 3, 1, 10, 0),
              left_at=datetime(2026, 3, 1, 11, 0)),
        order(5, purchase_date=None, production_date=datetime(2025, 1, 1), reported_at=datetime(2026, 3, 2, 9, 0),
              arrived_at=datetime(2026, 3, 2, 10, 0), left_at=datetime(2026, 3, 2, 11, 0)),
    ])
    r = compute(wb)
    assert list(r.index) == [2, 3, 4, 5, 6] and r.computable.all()
    assert list(r.customer_total) == [180.0, 221.0, 0.0, 0.0, 0.0]
    assert list(r.night_surcharge) == [0.0, 40.0, 0.0, 0.0, 0.0]
    assert list(r.in_warranty) == [False, False, False, True, True]
    assert r.loc[6, "warranty_rule"].startswith("无发票,按出厂日期2025-01-01顺延60天")


def test_workbook__third_repair_and_rejected_cells(tmp_path):
    repairs = [order(i, serial="SN-A", reported_at=datetime(2025, 5 + i, 1, 9), arrived_at=datetime(2025, 5 + i, 1, 10),
                     left_at=datetime(2025, 5 + i, 1, 11)) for i in (1, 2, 3)]
    wb = loaded(tmp_path, [*repairs, order(9, reported_at="不知道", arrived_at=None, left_at=None,
                                           diagnosed_fault=None)])
    r = compute(wb)
    assert list(r.exchange_eligible) == [False, False, True, False]
    assert list(r.repair_count[:3]) == [0, 1, 2]
    assert 5 in wb.error_rows and not r.loc[5, "computable"]
    assert r.loc[5, "reason"].startswith("报修时间(N5)有错误")
    assert totals(r)["not_computable"] == 1


def test_workbook__purchase_before_production_is_computed_and_flagged(tmp_path):
    wb = loaded(tmp_path, [order(1, production_date=datetime(2025, 4, 1))])
    assert any(i.code == "production-after-purchase" for i in wb.issues)
    r = compute(wb)
    assert r.loc[2, "computable"] and r.loc[2, "fraud"] == "保外转保内嫌疑:购买日期早于出厂日期"


def test_workbook__dealers_own_policy_changes_the_results(tmp_path):
    from datetime import time
    from addin.book.policy import WarrantyTerms
    policy = Policy(warranty=(WarrantyTerms("电视", 24, 36, ("液晶屏",)),), free_radius_km=Decimal(10),
                    travel_rate=Decimal(2), night_start=time(20, 0), night_rate=Decimal(1),
                    factory_rates=(FactoryRate("电视", "维修", Decimal(120), Decimal(0)),))
    rows = [order(1, purchase_date=datetime(2024, 6, 1), production_date=datetime(2024, 5, 1), labour_fee=50,
                  distance_km=20, arrived_at=datetime(2025, 10, 5, 20, 0), left_at=datetime(2025, 10, 5, 20, 30)),
            order(2, purchase_date=datetime(2023, 6, 1), labour_fee=50, distance_km=20,
                  arrived_at=datetime(2025, 10, 5, 20, 0), left_at=datetime(2025, 10, 5, 20, 30))]
    default = compute(loaded(tmp_path, rows))
    own = compute(loaded(tmp_path, rows, policy=policy))
    assert list(default.in_warranty) == [False, False]
    assert list(default.customer_total) == [50.0, 50.0]
    assert list(own.in_warranty) == [True, False]           # 2-year whole unit
    assert own.loc[2, "factory_claim"] == 120.0
    assert own.loc[3, "customer_total"] == 50 + 50 + 20     # night from 20:00 at 100 %, 10 km × 2
