"""The one clock: set in code, set from the environment, parsed strictly."""
from datetime import date, datetime

import pytest

from addin import clock


def test_clock__set_in_code_wins_over_the_environment(monkeypatch):
    monkeypatch.setenv(clock.ENV, "2030-01-02")
    assert clock.today() == date(2030, 1, 2)
    assert clock.now() == datetime(2030, 1, 2, 12, 0)
    clock.set_now("2027-02-10T08:15")
    assert clock.now() == datetime(2027, 2, 10, 8, 15)
    clock.set_now(None)
    assert clock.today() == date(2030, 1, 2)


def test_clock__frozen_restores_what_was_there():
    clock.set_now(date(2028, 2, 29))
    with clock.frozen("2026-10-15"):
        assert clock.today() == date(2026, 10, 15)
    assert clock.today() == date(2028, 2, 29)


def test_clock__bad_text_is_a_clock_error():
    with pytest.raises(clock.ClockError) as err:
        clock.parse("2026-13-01")
    assert err.value.code == "today-invalid"
    assert "2026-13-01" in str(err.value)
