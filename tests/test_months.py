"""Month arithmetic (addin.book.months): the one home of months, send days and "N months later"."""
from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from addin.book import months as M


def test_add_months__across_year_ends_both_ways():
    assert M.add_months("2026-01", -2) == "2025-11"
    assert M.add_months("2026-11", 2) == "2027-01"
    assert M.add_months("2026-12", 1) == "2027-01" and M.add_months("2026-10", -22) == "2024-12"
    assert M.add_months("2026-10", 0) == "2026-10"


def test_first_and_last_day__february_of_a_leap_year():
    assert M.first_day("2028-02") == date(2028, 2, 1) and M.last_day("2028-02") == date(2028, 2, 29)
    assert M.last_day("2027-02") == date(2027, 2, 28) and M.last_day("2026-12") == date(2026, 12, 31)
    assert M.bounds("2026-12") == (pd.Timestamp(2026, 12, 1), pd.Timestamp(2027, 1, 1))


def test_last_closed__the_month_before_todays_by_the_clock(at):
    assert M.last_closed(date(2026, 1, 5)) == "2025-12"
    assert M.last_closed(date(2026, 11, 23)) == "2026-10"
    at("2028-02-29")
    assert M.last_closed() == "2028-01" and M.month_of(date(2028, 2, 29)) == "2028-02"
    assert M.is_closed("2028-01") and not M.is_closed("2028-02") and not M.is_closed("2028-03")


def test_send_date_and_reply_due__send_day_of_the_next_month():
    assert M.send_date("2026-12", 5) == date(2027, 1, 5)
    assert M.send_date("2026-10", 28) == date(2026, 11, 28)
    assert M.reply_due("2026-10", 5, 30) == date(2026, 12, 5)       # 11-05 + 30 days
    assert M.reply_due("2026-12", 1, 10) == date(2027, 1, 11)


def test_shift_day__keeps_the_day_or_takes_the_months_last_day():
    assert M.shift_day(date(2025, 3, 1), 12) == date(2026, 3, 1)
    assert M.shift_day(date(2024, 1, 31), 1) == date(2024, 2, 29)
    assert M.shift_day(date(2024, 2, 29), 12) == date(2025, 2, 28)
    assert M.shift_day(date(2026, 1, 15), -11) == date(2025, 2, 15)


def test_shift_days__the_same_for_whole_columns():
    dates = pd.Series(pd.to_datetime(["2025-03-01", "2024-01-31", "2024-02-29", None, "2026-01-15"]))
    months = pd.Series([12, 1, 12, 12, -11])
    got = M.shift_days(dates, months)
    assert list(got[[0, 1, 2, 4]].dt.strftime("%Y-%m-%d")) == ["2026-03-01", "2024-02-29", "2025-02-28",
                                                               "2025-02-15"]
    assert pd.isna(got[3])
    assert pd.isna(M.shift_days(pd.Series(pd.to_datetime(["2025-03-01"])), pd.Series([float("nan")]))[0])


def test_parse_month__canonical_text():
    assert M.parse_month("2026-10") == "2026-10"
    assert M.parse_month(" 2026-1 ") == "2026-01"
    assert M.month_label("2026-1") == "2026年1月" and M.month_label("2026-10") == "2026年10月"


@pytest.mark.parametrize("bad", ["2026-13", "2026-00", "2026/10", "十月", "", "26-10", "2026-10-05"])
def test_parse_month__anything_else_is_refused_with_a_chinese_message(bad):
    with pytest.raises(M.MonthError, match="YYYY-MM") as err:
        M.parse_month(bad)
    assert err.value.code == "month-invalid"
