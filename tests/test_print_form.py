"""The printed service order (addin.day.form / formpdf, `aftersales print`): real PDFs written by
fpdf2 from workbooks built in code, read back with pdftotext (poppler), page by page."""
from __future__ import annotations

import json
import re
import shutil
import subprocess
from datetime import datetime
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner

from addin.book.settings import SETTINGS_SHEET, Settings, department_rows, settings_rows
from addin.cli import main
from addin.day.form import COPIES, clean
from tests.conftest import good_order

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler's pdftotext")

SETTINGS = Settings(dealer_name="青禾县惠民家电商行", dealer_address="青禾县城关镇人民路88号",
                    service_phone="0739-5123000")
SETTINGS_ROWS = {SETTINGS_SHEET: settings_rows(SETTINGS) + [()] + department_rows(SETTINGS)}
OUT_OF_WARRANTY = dict(是否三包期内="否", 购买日期=datetime(2020, 1, 1), 出厂日期=datetime(2019, 12, 1),
                       配件费用=120, 工时费=50, 客户名称="李娜", 联系电话="0739-5123456",
                       到达现场时间=datetime(2025, 10, 5, 21, 30), 离开现场时间=datetime(2025, 10, 5, 22, 30),
                       **{"单程距离(公里)": 42})


def pages(pdf: Path) -> list[str]:
    """The text of each page (pdftotext -layout; pages end with a form feed)."""
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True,
                          text=True, encoding="utf-8").stdout
    return text.split("\f")[:-1]


def run(*args) -> object:
    return CliRunner().invoke(main, [str(a) for a in args])


@pytest.fixture
def book(make_book):
    orders = [good_order(1), good_order(2, **OUT_OF_WARRANTY),
              good_order(3, 是否三包期内="否", 购买日期=datetime(2020, 1, 1), 出厂日期=datetime(2019, 12, 1),
                         配件费用=80, 工时费=40, 客户同意维修="否", 客户意见="不想修了,太贵")]
    return make_book(orders, extra_sheets=SETTINGS_ROWS)


def _fees_json(book) -> dict[str, dict]:
    result = run("fees", book, "--json")
    return {o["order_no"]: o for o in json.loads(result.output, parse_float=Decimal)}


def test_print__three_copies_per_order_in_the_order_asked(book, tmp_path):
    out = tmp_path / "单.pdf"
    result = run("print", book, "--order", "FW202610002", "--order", "FW202610001", "--out", out)
    assert result.exit_code == 0, result.output
    assert "服务单 2 张" in result.output and "共 6 页" in result.output
    text = pages(out)
    assert len(text) == 6
    for page, (number, copy) in zip(text, [(n, c) for n in ("FW202610002", "FW202610001") for c in COPIES]):
        assert f"编号:{number}" in page and copy in page
        assert page.count(copy) == 2  # top corner and foot
        assert "青禾县惠民家电商行" in page
        assert "经销商地址:青禾县城关镇人民路88号" in page and "24小时服务电话:0739-5123000" in page


def test_print__every_copy_carries_the_orders_fields(book, tmp_path):
    out = tmp_path / "单.pdf"
    run("print", book, "--order", "FW202610002", "--out", out)
    for page in pages(out):
        for value in ("李娜", "0739-5123456", "某县城关镇人民路12号", "L55V8", "SN2025030002", "2019-12-01",
                      "2020-01-01", "王师傅", "2025-10-05 21:30", "2025-10-05 22:30", "开机无图像", "背光板损坏",
                      "背光灯条老化", "更换背光板", "42"):
            assert value in page, value
        for label in ("客户签字", "售后人员签字", "非常满意", "很不满意", "是否三包期内"):
            assert label in page


def _fee_row(page: str) -> list[str]:
    lines = page.splitlines()
    header = next(i for i, line in enumerate(lines) if "配件费用(元)" in line)
    return next(line for line in lines[header + 1:] if line.strip() and line.strip() != "收费").split()


def test_print__fee_lines_are_the_engines(book, tmp_path):
    engine = _fees_json(book)["FW202610002"]
    out = tmp_path / "单.pdf"
    run("print", book, "--order", "FW202610002", "--out", out)
    # hand-worked: parts 120 + labour 50 + night 50 % of labour 25 + travel (42 − 30) km × 1 = 207
    assert engine["customer_total"] == Decimal("207.00")
    for page in pages(out):
        row = [c for c in _fee_row(page) if c != "收费"]
        assert row == ["120.00", "50.00", f"{engine['travel_fee']:.2f}", f"{engine['night_surcharge']:.2f}",
                       f"{engine['customer_total']:.2f}"]
        assert "系统判定:保外" in page


def test_print__in_warranty_says_free_and_only_the_factory_copy_shows_the_claim(book, tmp_path):
    engine = _fees_json(book)["FW202610001"]
    assert engine["in_warranty"] is True
    out = tmp_path / "单.pdf"
    run("print", book, "--order", "FW202610001", "--out", out)
    customer, stub, factory = pages(out)
    for page in (customer, stub, factory):
        assert "三包期内免费" in page and "系统判定:保内" in page
        assert _fee_row(page)[-1] == "0.00"
    claim = f"厂家结算金额 {engine['factory_claim']:.2f} 元"
    assert claim in factory and "厂家结算金额" not in customer + stub


def test_print__declined_repair_costs_nothing(book, tmp_path):
    out = tmp_path / "单.pdf"
    run("print", book, "--order", "FW202610003", "--out", out)
    page = pages(out)[0]
    assert "客户检测后不同意维修,不收任何费用" in page
    assert _fee_row(page)[-1] == "0.00" and "不想修了,太贵" in page


def test_print__an_order_the_engine_cannot_compute_says_why_and_leaves_the_fees_blank(make_book, tmp_path):
    book = make_book([good_order(1, 购买日期=None, 出厂日期=None)], extra_sheets=SETTINGS_ROWS)
    out = tmp_path / "单.pdf"
    assert run("print", book, "--order", "FW202610001", "--out", out).exit_code == 0
    page = pages(out)[0]
    assert "费用待核算:缺少购买日期和出厂日期,无法判定三包" in page
    assert "系统判定" not in page and "三包期内免费" not in page
    assert _fee_row(page) == ["收费说明", "费用待核算:缺少购买日期和出厂日期,无法判定三包"]  # empty fee boxes


def test_print__blank_forms_continue_the_months_numbers(make_book, tmp_path, at):
    at("2026-10-15")
    book = make_book([good_order(1, 服务单编号="FW202610007"), good_order(2, 服务单编号="FW202609031")],
                     extra_sheets=SETTINGS_ROWS)
    out = tmp_path / "空白.pdf"
    result = run("print", book, "--blank", "2", "--out", out)
    assert result.exit_code == 0, result.output
    text = pages(out)
    assert len(text) == 6
    assert [p.count("编号:FW202610008") for p in text[:3]] == [1, 1, 1]
    assert all("编号:FW202610009" in p for p in text[3:])
    assert not any(name in "".join(text) for name in ("张伟", "L55V8", "三包期内免费"))
    assert all("青禾县惠民家电商行" in p and re.search(r"月\s+日\s+时\s+分", p) for p in text)


def test_print__a_second_batch_of_blanks_never_repeats_a_number(make_book, tmp_path, at):
    at("2026-10-15")
    book = make_book([good_order(1, 服务单编号="FW202610007")])
    run("print", book, "--blank", "2", "--out", tmp_path / "一.pdf")
    result = run("print", book, "--blank", "1", "--out", tmp_path / "二.pdf")
    assert "FW202610010" in result.output
    assert all("编号:FW202610010" in p for p in pages(tmp_path / "二.pdf"))
    ledger = book.with_name(book.stem + "_已印空白单号.txt")
    assert ledger.read_text(encoding="utf-8").split() == ["FW202610008", "FW202610009", "FW202610010"]


def test_print__an_unknown_number_prints_nothing_and_exits_1(book, tmp_path):
    out = tmp_path / "单.pdf"
    result = run("print", book, "--order", "FW202610001", "--order", "FW999", "--out", out)
    assert result.exit_code == 1
    assert "order-not-found" in result.output and "FW999" in result.output
    assert not out.exists()


def test_print__unreadable_or_nothing_asked_exits_2(tmp_path, book):
    bad = tmp_path / "坏.xlsx"
    bad.write_bytes(b"not a zip")
    assert run("print", bad, "--blank", "1", "--out", tmp_path / "a.pdf").exit_code == 2
    result = run("print", book, "--out", tmp_path / "a.pdf")
    assert result.exit_code == 2 and "nothing-to-print" in result.output
    assert run("print", book, "--blank", "1", "--out", tmp_path / "a.txt").exit_code == 2


def test_print__a_lent_standby_unit_is_on_the_form(make_book, tmp_path):
    book = make_book([good_order(1, 其他服务="清洗滤网", 是否借用备用机="是"),
                      good_order(2, 是否借用备用机="是", 备用机归还日期=datetime(2025, 10, 9))])
    out = tmp_path / "单.pdf"
    run("print", book, "--order", "FW202610001", "--order", "FW202610002", "--out", out)
    text = pages(out)
    assert "清洗滤网;借用备用机(修好送回时收回)" in text[0]
    assert "借用备用机(已于 2025-10-09 归还)" in text[3]


def test_print__a_text_too_long_for_its_box_says_where_the_rest_is(make_book, tmp_path):
    fault = "出水温度忽冷忽热,有时显示E3故障代码,夜间停机后无法重新点火," * 8
    book = make_book([good_order(1, 报修故障=fault)])
    out = tmp_path / "单.pdf"
    run("print", book, "--order", "FW202610001", "--out", out)
    page = pages(out)[0].replace(" ", "").replace("\n", "")
    assert "…(详见服务单第2行)" in page and fault[:40] in page


def test_clean__control_characters_never_reach_the_page():
    assert clean("开机\x07无图像\x1b[31m") == "开机无图像[31m"
    assert clean(None) == "" and clean(float("nan")) == "" and clean(12.0) == "12"


def test_print__the_font_is_embedded(book, tmp_path):
    out = tmp_path / "单.pdf"
    run("print", book, "--order", "FW202610001", "--out", out)
    fonts = subprocess.run(["pdffonts", str(out)], capture_output=True, text=True).stdout
    if fonts:  # pdffonts ships with pdftotext
        line = next(line for line in fonts.splitlines() if "Noto" in line)
        assert " yes " in line  # emb column
