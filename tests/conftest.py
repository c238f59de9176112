"""Workbooks for tests, built in code (no binary fixtures)."""
from __future__ import annotations

from datetime import datetime
from pathlib import Path

import openpyxl
import pytest

from addin import clock
from addin.book import policy as P
from addin.book.columns import COLUMNS
from addin.book.policy import Policy

NOW = datetime(2026, 11, 23, 12, 0)


@pytest.fixture(autouse=True)
def _clock_reset():
    """Every test starts on the real clock (or AFTERSALES_TODAY, which puts the whole run on
    another day) and leaves the clock as it found it."""
    clock.set_now(None)
    yield
    clock.set_now(None)


@pytest.fixture(autouse=True)
def _data_dir(tmp_path, monkeypatch):
    """Every test has its own user data folder (the shared outbox ledger lives there) and its own
    fault-log folder: no test writes into the real user's folders."""
    monkeypatch.setenv("AFTERSALES_DATA_DIR", str(tmp_path / "_userdata"))
    monkeypatch.setenv("AFTERSALES_LOG_DIR", str(tmp_path / "_userlogs"))


@pytest.fixture
def at():
    """Set the one clock for this test: `at("2027-02-10")`, `at(datetime(...))`."""
    return clock.set_now


def good_order(n: int = 1, **overrides) -> dict:
    """A correct, finished in-warranty TV repair, keyed by canonical header."""
    order = {
        "服务单编号": f"FW2026100{n:02d}", "服务类型": "维修", "客户名称": "张伟",
        "联系电话": "13812345678", "地址": "某县城关镇人民路12号", "城市级别": "县城",
        "产品类型": "电视", "产品型号": "L55V8", "产品序列号": f"SN2025030{n:03d}",
        "出厂日期": datetime(2025, 2, 10), "购买日期": datetime(2025, 3, 1), "是否三包期内": "是",
        "产品使用工况": "客厅", "报修时间": datetime(2025, 10, 5, 9, 30),
        "首次响应时间": datetime(2025, 10, 5, 9, 50),
        "到达现场时间": datetime(2025, 10, 5, 14, 0), "离开现场时间": datetime(2025, 10, 5, 15, 30),
        "售后人员": "王师傅", "到达人员数": 1, "服务工时": 1.5, "单程距离(公里)": 12,
        "报修故障": "开机无图像", "现场确诊故障": "背光板损坏", "原因分析": "背光灯条老化",
        "解决方案": "更换背光板", "更换配件": "背光板", "客户同意维修": "是",
        "配件费用": 0, "工时费": 0, "客户评价": "满意", "客户意见": "师傅很专业",
    }
    order.update(overrides)
    return order


def policy_sheets(policy: Policy = Policy()) -> dict[str, list]:
    """The template's policy sheets with a policy's values, as rows."""
    return {
        P.WARRANTY_SHEET: [P.WARRANTY_HEADERS, *P.warranty_rows(policy)],
        P.PARAMS_SHEET: [P.PARAMS_HEADERS, *P.params_rows(policy)],
        P.PROMISE_SHEET: [P.PROMISE_HEADERS, *P.promise_rows(policy)],
        P.RATES_SHEET: [P.RATES_HEADERS, *P.rates_rows(policy)],
    }


def write_orders(path: Path, orders: list[dict], *, headers: list[str] | None = None,
                 title_rows: list[list] = (), sheet: str = "服务单", extra_sheets: dict | None = None,
                 policy: Policy | None = Policy()) -> Path:
    """Write orders (dicts keyed by header) under `headers` (default: the canonical ones),
    plus the policy sheets (none when policy is None) and any extra sheets."""
    if policy is not None:
        extra_sheets = {**policy_sheets(policy), **(extra_sheets or {})}
    headers = headers or [c.header for c in COLUMNS]
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = sheet
    for row in title_rows:
        ws.append(list(row))
    ws.append(headers)
    for order in orders:
        if order is None:
            ws.append([])
        else:
            ws.append([order.get(h) for h in headers])
    for name, rows in (extra_sheets or {}).items():
        extra = book.create_sheet(name)
        for row in rows:
            extra.append(list(row))
    book.save(path)
    return path


@pytest.fixture
def make_book(tmp_path):
    counter = iter(range(1000))

    def make(orders, **kwargs) -> Path:
        return write_orders(tmp_path / f"book{next(counter)}.xlsx", orders, **kwargs)
    return make
