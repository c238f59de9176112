"""The rules a worksheet function uses: read from the calling book (a recording stand-in for
xlwings), defaults when there is nothing usable, and a cache that is re-read after a pause."""
from __future__ import annotations

from decimal import Decimal

import pytest

from addin.book.policy import PARAMS_HEADERS, PARAMS_SHEET, PROMISE_HEADERS, PROMISE_SHEET, Policy, params_rows
from addin.book.settings import Settings, settings_rows
from addin.excel.udf_policy import DEFAULTS, Rules, RulesCache, read_rules, rules_for
from tests.fake_excel import Book


class Clock:
    def __init__(self):
        self.now = 100.0

    def __call__(self):
        return self.now


def _params(**changes) -> list[list]:
    rows = [list(PARAMS_HEADERS)] + [list(r) for r in params_rows(Policy())]
    for row in rows:
        if row[0] in changes:
            row[1] = changes[row[0]]
    return rows


def test_read_rules__policy_tables_and_settings_of_the_book():
    settings = [list(r) for r in settings_rows(Settings())]
    settings[[r[0] for r in settings].index("默认城市级别")][1] = "乡镇"
    book = Book({"服务单": [["工单号"]], PARAMS_SHEET: _params(**{"免费半径(公里)": "50公里"}),
                 PROMISE_SHEET: [list(PROMISE_HEADERS), ["乡镇", 20]], "设置": settings})
    rules = read_rules(book)
    assert rules.policy.free_radius_km == Decimal(50)
    assert rules.policy.onsite_limit("乡镇") == 20 and rules.policy.onsite_limit("省会") == 4
    assert rules.settings.default_tier == "乡镇"
    assert book.calls.count("value") == 3            # one read of values per sheet present


def test_read_rules__no_policy_sheets_give_defaults_mangled_ones_a_problem():
    assert read_rules(Book({"服务单": [["工单号"]]})) == DEFAULTS
    mangled = Book({PARAMS_SHEET: [["随便写的"], [None, "免费半径", "很远"]], PROMISE_SHEET: [[]]})
    assert read_rules(mangled).problem == "政策表“政策参数”无法读取等2处有错误,请先改正后再算(点“校验”查看)"
    bad_cell = Book({PARAMS_SHEET: _params(**{"免费半径(公里)": "很远", "交通费(元/公里)": 2})})
    assert read_rules(bad_cell).problem.startswith("政策表“政策参数”B7“免费半径(公里)”有错误")
    assert read_rules(bad_cell).policy.travel_rate == 2                             # the rest is read

    class Broken:
        fullname = "坏.xlsx"

        @property
        def sheets(self):
            raise OSError("RPC server unavailable")
    assert read_rules(Broken()).problem == "无法读取本工作簿的政策表(OSError),请点“校验”查看"


def test_rules_for__without_a_usable_caller_are_the_defaults():
    assert rules_for(None) is DEFAULTS

    class NotACell:
        @property
        def sheet(self):
            raise AttributeError("sheet")
    assert rules_for(NotACell()) is DEFAULTS


def test_cache__one_read_for_a_recalculation_of_many_cells():
    clock, loads = Clock(), []
    cache = RulesCache(max_age=5, idle=1, clock=clock)
    load = lambda: loads.append(clock.now) or Rules()  # noqa: E731
    for _ in range(1000):                      # 1,000 cells, 4 ms apart: 4 s of calls
        cache.get("a.xlsx", load)
        clock.now += 0.004
    assert loads == [100.0]


def test_cache__boundaries():
    clock, loads = Clock(), []
    cache = RulesCache(max_age=5, idle=1, clock=clock)
    load = lambda: loads.append(clock.now) or Rules()  # noqa: E731
    cache.get("a", load)
    clock.now += 1.0
    cache.get("a", load)                       # a pause of exactly `idle`: still fresh
    clock.now += 1.001
    cache.get("a", load)                       # a longer pause: read again
    assert loads == [100.0, 102.001]
    for _ in range(10):                        # steady calls: re-read once `max_age` has passed
        clock.now += 0.6
        cache.get("a", load)
    assert loads == [100.0, 102.001, pytest.approx(102.001 + 5.4)]
    cache.get("b", load)                       # another workbook has its own entry
    assert len(loads) == 4
    cache.clear()
    cache.get("a", load)
    assert len(loads) == 5
