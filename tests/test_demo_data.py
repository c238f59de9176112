"""The demo year: deterministic, complete, consistent, and its planted mistakes are found."""
from __future__ import annotations

import re
from collections import Counter
from datetime import date, datetime, timedelta

import pytest

from addin.demo import catalog as C
from addin.book.columns import BY_FIELD, CITY_TIERS, SERVICE_TYPES
from addin.book import months as M
from addin.book.months import shift_day
from addin.demo.data import DemoData, demo_orders, month_span
from addin.book.policy import Policy
from addin.rules.fees import compute

END = "2026-10"
FEES_CODES = {"warranty-claim-mismatch"}      # also judged by the fees engine (issue 3)


@pytest.fixture(scope="module")
def demo() -> DemoData:
    return demo_orders(END)


def clean(demo: DemoData) -> list[dict]:
    """Orders without a planted mistake or an oddly typed cell."""
    odd = {m.index for m in demo.mistakes} | {i for i, _ in demo.tolerated}
    return [o for i, o in enumerate(demo.orders) if i not in odd]


def test_same_seed_same_year_other_seed_other_year():
    a, b, c = demo_orders(END, seed=7), demo_orders(END, seed=7), demo_orders(END, seed=8)
    assert a == b
    assert a.orders != c.orders


def test_size_and_coverage(demo):
    assert 600 <= len(demo.orders) <= 900
    assert set(C.PRODUCTS) <= {o["category"] for o in demo.orders} and set(C.PRODUCTS) <= set(Policy().categories)
    assert {o["service_type"] for o in demo.orders} == set(SERVICE_TYPES)
    tiers = Counter(o["city_tier"] for o in demo.orders)
    assert set(tiers) <= set(CITY_TIERS) | {None}
    assert tiers["县城"] + tiers["乡镇"] > 0.8 * len(demo.orders) and tiers["地级市"] > 10
    assert len({o["order_no"] for o in demo.orders}) == len(demo.orders) - 1     # one planted duplicate


@pytest.mark.parametrize("end, first, last", [
    ("2026-10", date(2025, 11, 1), date(2026, 10, 31)),
    (date(2026, 12, 15), date(2026, 1, 1), date(2026, 12, 31)),
    ("2027-02", date(2026, 3, 1), date(2027, 2, 28)),
])
def test_spans_twelve_months_ending_at_end_month(end, first, last):
    assert month_span(end) == (first, last)
    d = demo_orders(end, seed=3)
    months = {o["reported_at"].strftime("%Y-%m") for o in clean(d)}
    assert months == {shift_day(first, k).strftime("%Y-%m") for k in range(12)}


def test_bad_month_is_a_clear_error():
    with pytest.raises(ValueError, match="2026-10"):
        month_span("2026-13")


def test_dates_are_consistent_on_rows_without_mistakes(demo):
    end = datetime.combine(demo.last_day, datetime.max.time())
    for o in clean(demo):
        rep = o["reported_at"]
        assert o["production_date"] is None or o["production_date"] <= (o["purchase_date"] or rep.date())
        assert o["purchase_date"] is None or o["purchase_date"] <= rep.date()
        assert o.get("first_contact") is None or rep <= o["first_contact"] <= end
        if o.get("arrived_at"):
            assert rep < o["arrived_at"] < o["left_at"] <= end, o["order_no"]
            on_site = (o["left_at"] - o["arrived_at"]).total_seconds() / 3600
            assert 0 < o["labour_hours"] <= on_site * o["staff_count"], o["order_no"]
        if o.get("visit_date"):
            assert (o.get("left_at") or rep).date() < o["visit_date"] <= demo.last_day
        if o.get("serial") and o.get("production_date"):
            assert o["serial"][2:6] == o["production_date"].strftime("%y%m"), o["order_no"]


def test_phones_and_names_look_real(demo):
    phone = re.compile(r"1[3-9]\d{9}|0\d{2,3}-\d{7,8}")
    rows = clean(demo)
    assert all(phone.fullmatch(o["phone"]) for o in rows)
    assert sum(o["phone"].startswith("0") for o in rows) > 20
    people = [o["customer"] for o in rows if o["customer"] not in C.BUSINESSES]
    assert all(2 <= len(n) <= 3 and n[0] in C.SURNAMES for n in people)
    assert len(set(people)) > 300
    assert all(o["address"].startswith((C.COUNTY, C.CITY)) for o in rows)


def test_faults_diagnoses_and_parts_belong_together(demo):
    for o in clean(demo):
        if o["service_type"] != "维修" or o["customer_agreed"] != "是" or not o.get("diagnosed_fault"):
            continue
        row = (o["reported_fault"], o["diagnosed_fault"], o["cause"], o["solution"], o["parts"] or "")
        assert row in [f[:5] for f in C.FAULTS[o["category"]]], o["order_no"]


def test_claims_match_the_policy_on_rows_without_mistakes(demo):
    policy = Policy()
    for o in clean(demo):
        if o["service_type"] == "咨询":
            assert o["claimed_warranty"] is None
            continue
        terms = policy.terms(o["category"])
        main = any(p in terms.main_parts for p in (o["parts"] or "").split("、"))
        base = o["purchase_date"] or o["production_date"] + timedelta(days=policy.no_invoice_grace_days)
        until = shift_day(base, terms.main_part_months if main else terms.whole_unit_months)
        assert o["claimed_warranty"] == ("是" if o["reported_at"].date() <= until else "否"), o["order_no"]
        for months in (12, 36):        # never within two weeks of a boundary: no arguable verdicts
            assert abs((o["reported_at"].date() - shift_day(base, months)).days) >= 15


def test_the_stories_are_there(demo):
    rows = clean(demo)
    repairs = Counter(o["serial"] for o in rows if o["service_type"] == "维修" and o["claimed_warranty"] == "是")
    assert repairs.most_common(1)[0][1] == 3 and sum(n == 2 for n in repairs.values()) >= 2
    assert any(o.get("left_at") and o["left_at"].date() > o["arrived_at"].date() for o in rows)   # past midnight
    assert sum(1 for o in rows if o.get("arrived_at") and o["arrived_at"].hour >= 21) >= 5
    assert sum(o["customer_agreed"] == "否" for o in rows) >= 5
    assert sum((o["distance_km"] or 0) > 30 for o in rows) >= 20
    assert sum(o["purchase_date"] is None for o in rows if o["service_type"] == "维修") >= 10
    assert sum(bool(o.get("first_contact")) for o in rows) > 0.75 * len(rows)
    assert sum(bool(o.get("visit_date")) for o in rows) > 0.4 * len(rows)
    assert Counter(o.get("rating") for o in rows)["很不满意"] >= 1
    assert sum(any(p in (o["parts"] or "") for p in ("压缩机", "液晶屏", "内胆", "磁控管")) for o in rows) >= 10
    comments = [demo.orders[i]["comment"] for i, f in demo.tolerated if f == "comment"]
    assert {c[0] for c in comments} == {"=", "+"}


def test_mistakes_are_a_plausible_handful(demo):
    codes = [m.code for m in demo.mistakes]
    assert 8 <= len(codes) <= 15 and len(set(m.index for m in demo.mistakes)) == len(codes)
    assert {"phone-invalid", "arrival-before-report", "order-no-duplicate", "money-negative",
            "money-not-number", "category-invalid", "serial-missing", "warranty-claim-mismatch",
            "labour-hours-exceed"} <= set(codes)
    m = next(m for m in demo.mistakes if m.code == "money-not-number")
    assert demo.orders[m.index]["labour_fee"] == "八十"
    odd = dict((f, demo.orders[i][f]) for i, f in demo.tolerated if f in ("purchase_date", "production_date"))
    assert re.fullmatch(r"\d{4}年\d{1,2}月\d{1,2}日", odd["purchase_date"])


def test_settings_use_example_addresses(demo):
    emails = [e for d in demo.settings.departments for e in d.emails]
    assert emails and all(e.endswith("@example.com") for e in emails)


def found_and_planted(wb, demo: DemoData) -> tuple[set, set]:
    """(cells the check flags, cells the demo planted a mistake in), as (row, code, header)."""
    found = {(i.where.row, i.code, i.column) for i in wb.issues}
    planted = {(demo.excel_row(m.index), m.code, BY_FIELD[m.field].header) for m in demo.mistakes}
    return found, planted


def claims_against_engine(wb, result, demo: DemoData) -> tuple[set, set, set]:
    """(rows where 是否三包期内 disagrees with the fee engine's verdict `result`, rows the engine
    flags as claimed in warranty, rows of the planted claim mistakes)."""
    frame = wb.orders.frame
    claimed = frame["claimed_warranty"].map({"是": True, "否": False})
    judged = result["in_warranty"]
    disagree = claimed.notna() & judged.notna() & (claimed != judged.astype(object))
    flagged = result["fraud"].fillna("").str.contains("登记为三包期内")
    planted = {demo.excel_row(m.index) for m in demo.mistakes if m.code in FEES_CODES}
    return set(frame.index[disagree]), set(frame.index[flagged]), planted


def _as_excel_gives(value):
    """A demo value as a live Excel hands it to the add-in (xlwings: dates as datetimes)."""
    return datetime.combine(value, datetime.min.time()) if type(value) is date else value


def live_demo_book(demo: DemoData):
    """The demo workbook as the ribbon reads it from a live book (livebook.ExcelRows over the
    stand-in of xlwings): the same sheets and values the template writer puts in the file."""
    from addin.book.columns import COLUMNS, SHEET_NAME
    from addin.book.settings import SETTINGS_SHEET, department_rows, settings_rows
    from addin.excel.livebook import ExcelRows
    from tests.conftest import policy_sheets
    from tests.fake_excel import Book

    orders = [[c.header for c in COLUMNS], *([_as_excel_gives(o.get(c.field)) for c in COLUMNS]
                                              for o in demo.orders)]
    settings = [*settings_rows(demo.settings), (), *department_rows(demo.settings)]
    return ExcelRows(Book({SHEET_NAME: orders, SETTINGS_SHEET: settings, **policy_sheets(Policy())}))


THREE_YEARS = [M.add_months("2028-12", -k) for k in range(36)]      # 2026-01 … 2028-12, fixed


@pytest.mark.parametrize("month", THREE_YEARS)
def test_every_month_of_three_years__exactly_the_planted_mistakes(month, at):
    """The demo run on the send day after `month` (so `month` is the last closed one): its check
    finds exactly the planted mistakes, and the fee engine disagrees only with the planted claim."""
    from addin.rules.loader import load_book
    at(M.send_date(month, DemoData.settings.send_day))
    demo = demo_orders()
    assert demo.last_day == M.last_day(month)
    wb = load_book(live_demo_book(demo))
    found, planted = found_and_planted(wb, demo)
    assert found == planted
    disagree, flagged, planted_claims = claims_against_engine(wb, compute(wb), demo)
    assert disagree == flagged == planted_claims and len(planted_claims) == 1


# the real file path, on days a run found red before the generator was fixed
@pytest.mark.parametrize("today", ["2026-10-15", "2027-02-10", "2028-02-29"])
def test_the_demo_file__check_and_fees_find_the_planted_mistakes_and_nothing_else(tmp_path, at, today):
    from addin.rules.loader import load_workbook
    from addin.book.template import write_workbook
    at(today)
    demo = demo_orders()                                     # ends with the last closed month, as the CLI's
    assert demo.last_day == M.last_day(M.last_closed())
    wb = load_workbook(write_workbook(tmp_path / "demo.xlsx", demo.orders, demo.settings))
    found, planted = found_and_planted(wb, demo)
    assert found == planted
    assert wb.settings == demo.settings and len(wb.orders.frame) == len(demo.orders)
    result = compute(wb)
    disagree, flagged, planted_claims = claims_against_engine(wb, result, demo)
    assert disagree == flagged == planted_claims
    assert result["exchange_eligible"].sum() >= 1            # the fridge repaired three times
