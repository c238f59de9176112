"""`aftersales fees`: table and totals, --json (exact money), --month, --annotate, exit codes."""
from __future__ import annotations

import json
from datetime import datetime
from decimal import Decimal

import openpyxl
import pytest
from click.testing import CliRunner

from addin.cli import main
from addin.book.settings import Settings
from addin.book.template import write_workbook
from tests.test_fees import order

OUT = dict(purchase_date=datetime(2023, 3, 1), claimed_warranty="否")


def run(*args):
    return CliRunner().invoke(main, ["fees", *map(str, args)])


@pytest.fixture
def book(tmp_path):
    return write_workbook(tmp_path / "十月服务单.xlsx", [
        order(1, labour_fee=0),
        order(2, **OUT, labour_fee=80, parts_fee=100.005, distance_km=42,
              arrived_at=datetime(2025, 10, 5, 21, 0), left_at=datetime(2025, 10, 5, 22, 0)),
        order(3, reported_at=datetime(2025, 11, 2, 9, 0), arrived_at=datetime(2025, 11, 3, 9, 0),
              left_at=datetime(2025, 11, 3, 10, 0)),
    ])


def test_json__one_object_per_order_with_exact_money(book):
    result = run(book, "--json")
    assert result.exit_code == 0, result.output
    assert '"customer_total": 232.01' in result.output and '"factory_claim": 80.00' in result.output
    data = json.loads(result.output, parse_float=Decimal)
    assert [d["order_no"] for d in data] == ["FW001", "FW002", "FW003"]
    first, second, third = data
    required = {"order_no", "in_warranty", "warranty_rule", "warranty_until", "travel_fee", "night_surcharge",
                "customer_total", "factory_claim", "exchange_eligible", "onsite_hours", "late"}
    assert required <= set(first)
    assert first["in_warranty"] is True and first["warranty_until"] == "2026-03-01"
    assert first["warranty_rule"] == "发票日期2025-03-01起整机保修1年,至2026-03-01"
    assert second["in_warranty"] is False
    assert (second["travel_fee"], second["night_surcharge"], second["customer_total"]) == (
        Decimal("12.00"), Decimal("40.00"), Decimal("232.01"))    # 100.01 + 80 + 40 + 12
    assert third["onsite_hours"] == Decimal("24.0") and third["late"] is True   # 县城: 12 h
    assert first["exchange_eligible"] is False and first["row"] == 2


def test_month__only_that_months_orders(book):
    data = json.loads(run(book, "--json", "--month", "2025-11").output)
    assert [d["order_no"] for d in data] == ["FW003"]


def test_table_and_totals(book):
    result = run(book, "--month", "2025-10")
    assert result.exit_code == 0
    assert "FW002" in result.output and "FW003" not in result.output
    assert "2025-10 月共 2 张服务单:保内 1 张,保外 1 张;客户应付合计 232.01 元" in result.output
    assert "厂家结算合计 80.00 元" in result.output


def test_not_computable_orders_are_counted_and_exit_1(tmp_path):
    path = write_workbook(tmp_path / "b.xlsx", [order(1), order(2, reported_at="昨天")])
    result = run(path)
    assert result.exit_code == 1
    assert "1 张服务单无法计算:第3行(FW002) 报修时间(N3)有错误" in result.output
    data = json.loads(run(path, "--json").output)
    assert data[1]["computable"] is False and data[1]["customer_total"] is None


def test_lump_sum_comparison_printed_under_baogan(tmp_path):
    settings = Settings(settlement_model="包干", annual_sales=Decimal(50000), lump_sum_rate=Decimal("0.001"))
    path = write_workbook(tmp_path / "b.xlsx", [order(1), order(2)], settings=settings)
    result = run(path)
    assert "包干对比:2025年三包服务2单,按厂家标准折算160.00元;包干额度50.00元" in result.output
    assert "包干额度不足110.00元" in result.output


def test_annotate__fills_the_computed_columns_of_a_copy(book, tmp_path):
    out = tmp_path / "带计算结果.xlsx"
    result = run(book, "--annotate", out)
    assert result.exit_code == 0 and out.exists()
    ws = openpyxl.load_workbook(out)["服务单"]
    headers = {c.value: c.column for c in ws[1]}
    assert ws.cell(3, headers["三包判定"]).value == "保外"
    assert ws.cell(3, headers["应收客户合计"]).value == pytest.approx(232.01)
    assert ws.cell(2, headers["厂家结算金额"]).value == 80
    assert ws.cell(4, headers["是否超时"]).value == "是"
    assert openpyxl.load_workbook(book)["服务单"].cell(3, headers["三包判定"]).value is None


@pytest.mark.parametrize("name, content", [("missing.xlsx", None), ("not.xlsx", b"plain text")])
def test_unreadable_workbook_exit_2(tmp_path, name, content):
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    result = run(path)
    assert result.exit_code == 2 and "错误[" in result.output and "Traceback" not in result.output


def test_bad_month_is_a_usage_error(book):
    result = run(book, "--month", "2025-13")
    assert result.exit_code == 2 and "月份“2025-13”格式不对" in result.output
