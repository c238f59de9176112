"""Which months are due for sending: closed months with orders whose send day has come.

A month is closed once the calendar has moved past it; its packs are due from the send day
(设置 每月发送日) of the following month. `send-due` catches up every due month after the last
one already delivered; on a first run (nothing delivered yet) it goes back at most
`FIRST_RUN_BACK` months, so connecting a mail server does not flood the factory with a whole
year of old packs (older months go out only on purpose, with `send --month`).
"""
from __future__ import annotations

from datetime import date

import pandas as pd

from addin.book.months import add_months, month_of, send_date

FIRST_RUN_BACK = 3


def order_months(frame: pd.DataFrame, column: str = "reported_at") -> list[str]:
    """Months (YYYY-MM) with at least one order, by the report time."""
    if column not in frame or frame.empty:
        return []
    stamps = pd.to_datetime(frame[column], errors="coerce").dropna()
    return sorted(set(stamps.dt.strftime("%Y-%m")))


def due_months(candidates, today: date, send_day: int, delivered: set[str],
               back: int = FIRST_RUN_BACK) -> tuple[list[str], list[str]]:
    """(months to try now, older months left out because nothing was ever delivered before them).

    Months already delivered are still returned when due: the caller asks the ledger whether
    anything is left (a partial month retries only the rest)."""
    current = month_of(today)
    ready = [m for m in sorted(set(candidates)) if m < current and send_date(m, send_day) <= today]
    if delivered:
        floor = min(min(delivered), add_months(current, -back))
    else:
        floor = add_months(current, -back)
    return [m for m in ready if m >= floor], [m for m in ready if m < floor]
