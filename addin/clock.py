"""The one clock: every "today" and "now" of the product comes from here.

`now()` is the local wall-clock time as a naive datetime, `today()` its date and `stamp()` the
same instant as an ISO text with its UTC offset (for ledgers and logs). Nothing else in addin
calls datetime.now() or date.today().

The clock can be set, for the CLI's `--today`, for tests and for a support engineer replaying
a day:
- `set_now(value)` / `frozen(value)`: a date (taken at 12:00 that day), a datetime, or text
  `YYYY-MM-DD` / `YYYY-MM-DDTHH:MM`; `set_now(None)` goes back to the real clock;
- the environment variable AFTERSALES_TODAY (same forms), read at every call, so a child
  process or a whole test run can be put on another day.
A value set in code wins over the environment.
"""
from __future__ import annotations

import os
from contextlib import contextmanager
from datetime import date, datetime, time
from typing import Iterator

ENV = "AFTERSALES_TODAY"
NOON = time(12, 0)

_fixed: datetime | None = None


class ClockError(ValueError):
    """A clock value that is not a date (code `today-invalid`)."""

    code = "today-invalid"


def parse(value: date | datetime | str) -> datetime:
    """A date (at 12:00), a datetime or `YYYY-MM-DD[THH:MM[:SS]]` → naive datetime."""
    if isinstance(value, datetime):
        return value.replace(tzinfo=None)
    if isinstance(value, date):
        return datetime.combine(value, NOON)
    text = str(value).strip()
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        raise ClockError(f"日期“{text}”格式不对,请写成 2026-10-15 或 2026-10-15T09:30。") from None
    return parsed.replace(tzinfo=None) if ("T" in text or " " in text) else datetime.combine(parsed.date(), NOON)


def now() -> datetime:
    """The current local time (naive), or the time the clock was set to."""
    if _fixed is not None:
        return _fixed
    env = os.environ.get(ENV, "").strip()
    return parse(env) if env else datetime.now()


def today() -> date:
    """The current date, or the date the clock was set to."""
    return now().date()


def stamp() -> str:
    """now() as ISO text with the local UTC offset, to the second (ledgers, logs)."""
    return now().astimezone().isoformat(timespec="seconds")


def set_now(value: date | datetime | str | None) -> None:
    """Put the clock on `value` (see parse); None: back to the real clock (or AFTERSALES_TODAY)."""
    global _fixed
    _fixed = None if value is None else parse(value)


@contextmanager
def frozen(value: date | datetime | str) -> Iterator[datetime]:
    """The clock set to `value` inside the block, as it was after it."""
    global _fixed
    before = _fixed
    _fixed = parse(value)
    try:
        yield _fixed
    finally:
        _fixed = before
