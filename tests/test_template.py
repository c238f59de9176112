"""The dealer's workbook template: committed file = generated file, layout, dropdowns, policy."""
from __future__ import annotations

import zipfile
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
import xlsxwriter
from click.testing import CliRunner
from python_calamine import CalamineWorkbook

from addin.cli.template import command
from addin.book.columns import CHOICE, COLUMNS, COMPUTED_HEADERS, SHEET_NAME
from addin.book.issues import col_letter
from addin.book.policy import (PARAMS_SHEET, PROMISE_SHEET, RATES_SHEET, WARRANTY_SHEET, FactoryRate, Policy,
                          WarrantyTerms, params_rows, promise_rows, rates_rows, warranty_rows)
from addin.book.settings import SETTINGS_SHEET, Department, Settings, settings_from_rows
from addin.book.template import COMPUTED_NOTE, TEMPLATE_ROWS, build_template, display_width, write_workbook
from addin.book.template_sheets import CATEGORY_LIST_NAME, CONF_SHEET, HELP_SHEET

COMMITTED = Path(__file__).resolve().parent.parent / "workbook_template.xlsx"
HEADERS = [c.header for c in COLUMNS] + list(COMPUTED_HEADERS)


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    return build_template(tmp_path_factory.mktemp("tpl") / "模板.xlsx")


@pytest.fixture(scope="module")
def book(template):
    return openpyxl.load_workbook(template)


def rows_of(path: Path, sheet: str) -> list[list]:
    return CalamineWorkbook.from_path(str(path)).get_sheet_by_name(sheet).to_python()


def validations(ws) -> dict[str, object]:
    """Column letter → the data validation whose range starts in that column."""
    return {str(dv.sqref).split(":")[0].rstrip("0123456789"): dv
            for dv in ws.data_validations.dataValidation}


def fingerprint(path: Path) -> dict:
    """Everything a dealer sees in a workbook: values, formats, fills, widths, dropdowns, notes."""
    wb = openpyxl.load_workbook(path)
    out = {"names": {n: d.attr_text for n, d in wb.defined_names.items()}}
    for ws in wb:
        cells = {c.coordinate: (c.value, c.number_format, c.fill.fgColor.rgb, c.font.color and c.font.color.rgb,
                                c.comment and c.comment.text)
                 for row in ws.iter_rows() for c in row if c.value is not None}
        dvs = sorted((str(d.sqref), d.type, d.formula1, d.formula2, d.prompt, d.error)
                     for d in ws.data_validations.dataValidation)
        widths = {k: v.width for k, v in ws.column_dimensions.items()}
        out[ws.title] = (ws.sheet_state, ws.freeze_panes, cells, dvs, widths)
    return out


def test_committed_template_is_what_the_code_makes(template):
    assert fingerprint(COMMITTED) == fingerprint(template), \
        "workbook_template.xlsx is stale: run `aftersales template --out workbook_template.xlsx --force`"
    with zipfile.ZipFile(COMMITTED) as z:
        made_with = z.read("docProps/core.xml").decode()
    if f"xlsxwriter {xlsxwriter.__version__}" in made_with:   # same writer: the very same bytes
        assert COMMITTED.read_bytes() == template.read_bytes()


def test_build_is_byte_deterministic(tmp_path):
    a = build_template(tmp_path / "a.xlsx").read_bytes()
    b = build_template(tmp_path / "b.xlsx").read_bytes()
    assert a == b


def test_orders_sheet_has_exactly_the_canonical_headers(template, book):
    assert rows_of(template, SHEET_NAME) == [HEADERS]
    assert book.sheetnames[0] == SHEET_NAME and book.active.title == SHEET_NAME
    assert book[SHEET_NAME].freeze_panes == "B2"


def test_every_list_column_has_a_dropdown_over_the_data_rows(book):
    ws = book[SHEET_NAME]
    dvs = validations(ws)
    for i, c in enumerate(COLUMNS, start=1):
        if c.kind != CHOICE:
            continue
        dv = dvs[col_letter(i)]
        assert dv.type == "list", c.header
        assert str(dv.sqref) == f"{col_letter(i)}2:{col_letter(i)}{TEMPLATE_ROWS}"
        if c.field == "category":
            assert dv.formula1 == CATEGORY_LIST_NAME
        else:
            assert dv.formula1.strip('"').split(",") == list(c.choices), c.header


def test_category_dropdown_follows_the_policy_sheet(tmp_path):
    policy = Policy(warranty=(WarrantyTerms("电视", 24, 60, ("液晶屏",)), WarrantyTerms("净水器", 12, 24, ("滤芯",))))
    path = build_template(tmp_path / "p.xlsx", policy=policy)
    wb = openpyxl.load_workbook(path)
    target = wb.defined_names[CATEGORY_LIST_NAME].attr_text
    assert f"'{WARRANTY_SHEET}'!$A$2" in target and "COUNTA" in target
    assert [r[0] for r in rows_of(path, WARRANTY_SHEET)[1:]] == ["电视", "净水器"]
    dv = validations(wb[SHEET_NAME])[col_letter(7)]
    assert "净水器" in dv.error and "微波炉" not in dv.error


def test_computed_columns_are_grey_and_say_do_not_type(book):
    ws = book[SHEET_NAME]
    dvs = validations(ws)
    dealer_fill = ws.cell(1, 1).fill.fgColor.rgb
    for j, header in enumerate(COMPUTED_HEADERS, start=len(COLUMNS) + 1):
        cell = ws.cell(1, j)
        assert cell.value == header
        assert cell.fill.fgColor.rgb != dealer_fill
        assert dvs[col_letter(j)].prompt == COMPUTED_NOTE
        assert str(dvs[col_letter(j)].sqref).startswith(f"{col_letter(j)}1:")


def test_widths_fit_the_chinese_headers(book):
    ws = book[SHEET_NAME]
    dims = list(ws.column_dimensions.values())         # a <col> may span several equal columns
    for i, header in enumerate(HEADERS, start=1):
        width = next(d.width for d in dims if d.min <= i <= d.max)
        assert width >= display_width(header) + 2, header


def test_tricky_columns_carry_their_hint(book):
    dvs = validations(book[SHEET_NAME])
    for i, c in enumerate(COLUMNS, start=1):
        if c.hint:
            assert dvs[col_letter(i)].prompt == c.hint, c.header


def test_settings_sheet_round_trips_and_holds_no_password(template, book):
    rows = rows_of(template, SETTINGS_SHEET)
    settings, issues = settings_from_rows(rows)
    assert issues == [] and settings == Settings()
    assert not any("密码" in str(r[0]) or "password" in str(r[0]).lower() for r in rows if r)
    assert not any("password" in str(v).lower() for r in rows for v in r)
    ws = book[SETTINGS_SHEET]
    security_row = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == "SMTP加密方式")
    dv = next(d for d in ws.data_validations.dataValidation if str(d.sqref) == f"B{security_row}")
    assert dv.formula1 == '"ssl,starttls,none"'
    user_row = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == "SMTP用户名")
    assert "密码" in ws.cell(user_row, 2).comment.text


def test_custom_settings_are_written_and_read_back(tmp_path):
    custom = Settings(dealer_name="城关家电", smtp_host="smtp.example.com", smtp_port=587,
                      smtp_security="starttls", send_day=3, annual_sales=Decimal("1200000"),
                      departments=(Department("质量部", ("a@example.com", "b@example.com")),
                                   Department("售后服务部", ("s@example.com",), True)))
    path = build_template(tmp_path / "s.xlsx", settings=custom)
    settings, issues = settings_from_rows(rows_of(path, SETTINGS_SHEET))
    assert issues == [] and settings == custom


@pytest.mark.parametrize("policy", [Policy(), Policy(
    return_days=15, night_start=time(22, 0), night_rate=Decimal("0.3"), free_radius_km=Decimal(20),
    onsite_hours=(("县城", 8), ("乡镇", 24)),
    factory_rates=(FactoryRate("电视", "维修", Decimal("95.5"), Decimal("0.8")),))])
def test_policy_sheets_round_trip(tmp_path, policy):
    path = build_template(tmp_path / "policy.xlsx", policy=policy)
    for sheet, rows in ((WARRANTY_SHEET, warranty_rows(policy)), (PARAMS_SHEET, params_rows(policy)),
                        (PROMISE_SHEET, promise_rows(policy)), (RATES_SHEET, rates_rows(policy))):
        read = rows_of(path, sheet)[1:]
        assert [tuple(r) for r in read] == [tuple(r) for r in rows], sheet


def test_help_sheet_explains_the_buttons_colours_and_password(template):
    text = "\n".join(str(r[0]) for r in rows_of(template, HELP_SHEET) if r and r[0])
    for word in ("校验", "计算费用", "生成月报", "发送反馈", "导入回复", "灰色", "红色", "黄色", "密码",
                 "aftersales check", "WPS"):
        assert word in text, word


def test_xlwings_conf_sheet_names_the_udf_module(template, book):
    assert rows_of(template, CONF_SHEET) == [["UDF Modules", "addin.excel.udfs"]]
    assert book[CONF_SHEET].sheet_state == "hidden"


def test_written_orders_keep_their_types_and_stay_text(tmp_path):
    orders = [
        {"order_no": "FW1", "phone": "07318456789", "comment": "=1+1 太慢", "parts_fee": 35.5,
         "labour_fee": "八十", "purchase_date": date(2026, 3, 1), "reported_at": datetime(2026, 10, 5, 9, 30),
         "production_date": "2026年10月5日", "staff_count": 2, "三包判定": "保内"},
        {"order_no": "FW2", "comment": "+86 好评", "labour_fee": Decimal("80.00"), "distance_km": float("nan")},
    ]
    path = write_workbook(tmp_path / "w.xlsx", orders)
    ws = openpyxl.load_workbook(path)[SHEET_NAME]
    col = {h: i for i, h in enumerate(HEADERS, start=1)}
    assert ws.cell(2, col["联系电话"]).value == "07318456789"
    assert ws.cell(2, col["客户意见"]).data_type == "s" and ws.cell(2, col["客户意见"]).value == "=1+1 太慢"
    assert ws.cell(3, col["客户意见"]).value == "+86 好评"
    assert ws.cell(2, col["工时费"]).value == "八十" and ws.cell(3, col["工时费"]).value == 80
    assert ws.cell(2, col["配件费用"]).number_format == "#,##0.00"
    assert ws.cell(2, col["购买日期"]).value == datetime(2026, 3, 1)
    assert ws.cell(2, col["购买日期"]).number_format == "yyyy-mm-dd"
    assert ws.cell(2, col["报修时间"]).number_format == "yyyy-mm-dd hh:mm"
    assert ws.cell(2, col["出厂日期"]).value == "2026年10月5日"
    assert ws.cell(2, col["三包判定"]).value == "保内"
    assert ws.cell(3, col["单程距离(公里)"]).value is None
    assert ws.max_row == 3


def test_cli_writes_and_refuses_to_overwrite(tmp_path, template):
    out = tmp_path / "服务单.xlsx"
    runner = CliRunner()
    first = runner.invoke(command, ["--out", str(out)])
    assert first.exit_code == 0 and out.exists()
    out.write_bytes(b"dealer data")
    again = runner.invoke(command, ["--out", str(out)])
    assert again.exit_code == 1 and "已存在" in again.output and out.read_bytes() == b"dealer data"
    forced = runner.invoke(command, ["--out", str(out), "--force"])
    assert forced.exit_code == 0 and out.read_bytes() == template.read_bytes()
    bad = runner.invoke(command, ["--out", str(tmp_path / "x.csv")])
    assert bad.exit_code == 1 and ".xlsx" in bad.output and not (tmp_path / "x.csv").exists()
