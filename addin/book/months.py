"""Month arithmetic, in one place: report months as 'YYYY-MM' text, the last closed month, the
day a month's packs go out and the day its replies are due, and "a date plus N months".

At the bottom of the pipeline (stdlib, numpy and pandas only, plus the one clock), so every
stage may import it. "Today" is always addin.clock's, unless a caller passes a day.
"""
from __future__ import annotations

import calendar
import re
from datetime import date, timedelta

import numpy as np
import pandas as pd

from addin import clock

FIRST_YEAR, LAST_YEAR = 2000, 2099      # months a report or a mail can be about


class MonthError(ValueError):
    """A month that is not YYYY-MM (code `month-invalid`)."""

    code = "month-invalid"


_MONTH_RE = re.compile(r"\s*(\d{4})-(\d{1,2})\s*")


def parse_month(text: str) -> str:
    """'2026-10' (also ' 2026-1 ') → the canonical '2026-10'; MonthError for anything else."""
    m = _MONTH_RE.fullmatch(str(text))
    if not m or not 1 <= int(m.group(2)) <= 12:
        raise MonthError(f"月份“{text}”格式不对,请写成 YYYY-MM,如 2026-10。")
    if not FIRST_YEAR <= int(m.group(1)) <= LAST_YEAR:
        raise MonthError(f"月份“{text}”的年份不合理,请写 {FIRST_YEAR} 至 {LAST_YEAR} 年之间的月份,如 2026-10。")
    return f"{m.group(1)}-{int(m.group(2)):02d}"


def month_label(month: str) -> str:
    """'2026-10' → '2026年10月' (titles, mail subjects, messages)."""
    year, mon = parse_month(month).split("-")
    return f"{year}年{int(mon)}月"


def bounds(month: str) -> tuple[pd.Timestamp, pd.Timestamp]:
    """'2026-10' → (2026-10-01 00:00, 2026-11-01 00:00): the month as a half-open time span."""
    start = pd.Timestamp(first_day(parse_month(month)))
    return start, start + pd.offsets.MonthBegin(1)


def month_of(day: date) -> str:
    """The month of a day, 'YYYY-MM'."""
    return f"{day.year:04d}-{day.month:02d}"


def add_months(month: str, n: int) -> str:
    """'YYYY-MM' moved by n months (n may be negative)."""
    year, mon = map(int, month.split("-"))
    total = year * 12 + mon - 1 + n
    return f"{total // 12:04d}-{total % 12 + 1:02d}"


def first_day(month: str) -> date:
    """The first day of 'YYYY-MM'."""
    year, mon = map(int, month.split("-"))
    return date(year, mon, 1)


def last_day(month: str) -> date:
    """The last day of 'YYYY-MM'."""
    year, mon = map(int, month.split("-"))
    return date(year, mon, calendar.monthrange(year, mon)[1])


def last_closed(today: date | None = None) -> str:
    """The last month the calendar has moved past ('YYYY-MM'): the month before today's
    (clock.today() unless a day is given). The month reports and the demo default to it."""
    return add_months(month_of(today or clock.today()), -1)


def is_closed(month: str, today: date | None = None) -> bool:
    """True when `month` is over (before today's month)."""
    return month < month_of(today or clock.today())


def send_date(month: str, send_day: int) -> date:
    """The day the month's packs go out: `send_day` (设置 每月发送日, 1–28) of the next month."""
    return first_day(add_months(month, 1)).replace(day=send_day)


def reply_due(month: str, send_day: int, reply_days: int) -> date:
    """The day the departments' replies to the month's pack are due: reply_days after sending."""
    return send_date(month, send_day) + timedelta(days=reply_days)


def shift_day(day: date, months: int) -> date:
    """A date moved by N months: the same day of the month, or that month's last day."""
    y, m = divmod(day.month - 1 + months, 12)
    y, m = day.year + y, m + 1
    return date(y, m, min(day.day, calendar.monthrange(y, m)[1]))


def shift_days(dates: pd.Series, months: pd.Series) -> pd.Series:
    """shift_day for whole columns: each date + its row's N months; NaT where either is missing."""
    d = dates.to_numpy(dtype="datetime64[ns]")
    m = months.to_numpy(dtype="float64")
    bad = np.isnat(d) | np.isnan(m)
    d = np.where(bad, np.datetime64("2000-01-01"), d).astype("datetime64[D]")
    m = np.where(bad, 0, m).astype("int64")
    first = d.astype("datetime64[M]") + m.astype("timedelta64[M]")
    days_in = ((first + np.timedelta64(1, "M")).astype("datetime64[D]") - first.astype("datetime64[D]"))
    day = d - d.astype("datetime64[M]").astype("datetime64[D]")
    result = first.astype("datetime64[D]") + np.minimum(day, days_in - np.timedelta64(1, "D"))
    result = np.where(bad, np.datetime64("NaT"), result).astype("datetime64[ns]")
    return pd.Series(result, index=dates.index)
