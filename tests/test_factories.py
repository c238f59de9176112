"""Issue 15: one dealer, several factories. A workbook built in code with three brands of two
factories (海信 and 容声 → 海信集团, TCL → TCL): each factory's packs, claim and mails hold only
its own orders; a policy row for one factory changes only its verdicts; sending twice mails each
factory's departments once; a one-factory workbook without a brand column is unchanged."""
from __future__ import annotations

import io
import sqlite3
from dataclasses import replace
from datetime import datetime
from decimal import Decimal
from email import message_from_bytes
from email.policy import default
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from addin.book.columns import BY_HEADER
from addin.book.issues import ERROR, WARNING
from addin.book.factories import Department, Factory, Resolver, order_factories
from addin.book.policy import Policy
from addin.book.settings import SETTINGS_SHEET, Settings, department_rows, settings_from_rows, settings_rows
from addin.book.template import write_workbook
from addin.cli.send import send_command
from addin.excel.udf_policy import Rules, for_brand
from addin.report.packs import build_factories, build_month
from addin.report.replies import Ledger
from addin.rules.fees import compute, compute_frame
from addin.rules.loader import load_workbook
from tests.conftest import good_order, write_orders
from tests.smtp_server import smtp_server

HX = Factory("海信集团", ("海信", "容声"), settlement_model="包干", lump_sum_rate=Decimal("0.02"),
             annual_sales=Decimal("1200000"), reply_days=20, departments=(
                 Department("质量部", ("hx-qa@factory.test",)), Department("研发部", ("hx-rd@factory.test",)),
                 Department("售后服务部", ("hx-svc@factory.test",), True)))
TCL = Factory("TCL", ("TCL",), departments=(
    Department("质量部", ("tcl-qa@factory.test",)), Department("研发部", ("tcl-rd@factory.test",)),
    Department("生产部", ("tcl-prod@factory.test",)), Department("售后服务部", ("tcl-svc@factory.test",), True)))
SETTINGS = Settings(dealer_name="青禾家电", sender="svc@dealer.test", send_day=5, mail_when_no_items=True,
                    factories=(HX, TCL), departments=HX.departments + TCL.departments)
# TCL gives its TVs two years on the whole unit (a 三包政策 row with 厂家 = TCL)
TCL_POLICY = Policy(factories=(("TCL", replace(Policy(), warranty=tuple(
    replace(t, whole_unit_months=24) if t.category == "电视" else t for t in Policy().warranty))),))

# (order no, brand as typed, category, customer, phone, purchase date, part)
ORDERS = (
    ("FW202610001", "TCL", "电视", "唐一鸣", "13900000001", datetime(2025, 4, 1), "电源板"),   # 18 months
    ("FW202610002", "TCL", "电视", "唐二娃", "13900000002", datetime(2026, 3, 1), "背光板"),
    ("FW202610003", " tcl ", "电视", "唐三彩", "13900000003", datetime(2026, 5, 1), "背光板"),
    ("FW202610004", "海信", "空调", "海大山", "13700000004", datetime(2025, 4, 1), "电源板"),  # 18 months
    ("FW202610005", "容声", "冰箱", "海小溪", "13700000005", datetime(2026, 3, 1), "压缩机"),
    ("FW202610006", "海信集团", "空调", "海长河", "13700000006", datetime(2026, 6, 1), "压缩机"),
)
OWN = {"TCL": ORDERS[:3], "海信集团": ORDERS[3:]}
MODEL = {"电视": "L55V8", "空调": "KFR-35GW", "冰箱": "BCD-258WD"}
SALES = (("2026-10", "L55V8", 40), ("2026-10", "KFR-35GW", 30), ("2026-10", "BCD-258WD", 20))


def _fields(order: dict) -> dict:
    return {BY_HEADER[h].field: v for h, v in order.items() if h in BY_HEADER}


def _orders(rows=ORDERS, brand: bool = True) -> list[dict]:
    out = []
    for n, (no, typed, cat, customer, phone, bought, part) in enumerate(rows, start=1):
        when = datetime(2026, 10, 3 + n, 9, 30)
        order = _fields(good_order(n, 服务单编号=no, 客户名称=customer, 联系电话=phone, 产品类型=cat,
                                   购买日期=bought, 出厂日期=datetime(bought.year, bought.month, 1) if bought.month == 1
                                   else datetime(bought.year, bought.month - 1, 1), 是否三包期内=None,
                                   报修时间=when, 首次响应时间=when.replace(minute=50),
                                   到达现场时间=when.replace(hour=14), 离开现场时间=when.replace(hour=15),
                                   更换配件=part, 现场确诊故障=f"{part}损坏", 解决方案=f"更换{part}",
                                   产品序列号=f"SN{no}", 产品型号=MODEL[cat]))
        if brand:
            order["brand"] = typed
        out.append(order)
    return out


@pytest.fixture
def book(tmp_path, at) -> Path:
    at("2026-11-23")
    return write_workbook(tmp_path / "服务单.xlsx", _orders(), SETTINGS, TCL_POLICY, sales=SALES)


def _texts(path: Path) -> str:
    """Every cell of every sheet of an .xlsx, as one text."""
    wb = openpyxl.load_workbook(path if isinstance(path, Path) else io.BytesIO(path), read_only=True)
    return "\n".join(str(v) for ws in wb.worksheets for row in ws.iter_rows(values_only=True) for v in row
                     if v is not None)


def _strangers(factory: str) -> list[str]:
    """What of the other factory's orders must never appear in `factory`'s outputs."""
    return [v for name, rows in OWN.items() if name != factory for r in rows
            for v in (r[0], r[3], r[4], MODEL[r[2]])]


# ---- settings and orders ------------------------------------------------------------------
def test_factories_table_round_trips_through_the_settings_sheet(book):
    wb = load_workbook(book)
    assert wb.settings == SETTINGS and [f.name for f in wb.settings.factory_list()] == ["海信集团", "TCL"]
    assert wb.settings.for_factory(HX).settlement_model == "包干" and wb.settings.for_factory(HX).reply_days == 20
    assert wb.settings.for_factory(TCL).settlement_model == "按单结算"
    assert order_factories(wb.orders.frame, wb.settings.factories).tolist() == ["TCL"] * 3 + ["海信集团"] * 3
    assert not [i for i in wb.issues if i.code.startswith(("brand", "setting", "policy"))], wb.issues


def test_the_check_names_unknown_and_missing_brands_when_there_are_several_factories(tmp_path, at):
    at("2026-11-23")
    orders = _orders()
    orders[0]["brand"], orders[1]["brand"] = "长虹", None
    wb = load_workbook(write_workbook(tmp_path / "b.xlsx", orders, SETTINGS))
    found = {(i.code, i.where.a1): i for i in wb.issues if i.code.startswith("brand")}
    col = openpyxl.utils.get_column_letter(wb.orders.cols["brand"])
    assert set(found) == {("brand-unknown", f"{col}2"), ("brand-missing", f"{col}3")}
    message = found[("brand-unknown", f"{col}2")].message
    assert found[("brand-unknown", f"{col}2")].severity == ERROR and "长虹" in message
    assert all(b in message for b in ("海信", "容声", "TCL"))
    assert wb.unassigned() == [2, 3]
    reports = build_factories(wb, "2026-10", tmp_path / "out")      # such orders are in no factory's report
    assert sum(r.summary.totals["orders"] for r in reports) == 4


def test_a_dealer_with_one_factory_never_has_the_brand_demanded(tmp_path, at):
    at("2026-11-23")
    one = Settings(factories=(Factory("TCL", ("TCL",), departments=TCL.departments),))
    orders = _orders()
    for o in orders:
        o["brand"] = None
    wb = load_workbook(write_workbook(tmp_path / "one.xlsx", orders, one))
    assert not [i for i in wb.issues if i.code.startswith("brand")]
    orders[0]["brand"] = "长虹"                                   # a brand it does not list: a warning only
    wb = load_workbook(write_workbook(tmp_path / "one2.xlsx", orders, one))
    assert [(i.code, i.severity) for i in wb.issues if i.code.startswith("brand")] == [("brand-unknown", WARNING)]


def test_bad_factory_cells_are_chinese_issues_with_their_cell(tmp_path):
    rows = settings_rows(SETTINGS) + [()] + department_rows(SETTINGS)
    head = next(r for r, row in enumerate(rows) if row and row[0] == "厂家")
    rows[head + 1] = (*rows[head + 1][:2], "月结", *rows[head + 1][3:])     # 结算方式 of 海信集团
    rows += [("质量部", "x@factory.test", "否", "长虹"), ("财务部", "y@factory.test", "否", "")]
    settings, issues = settings_from_rows(rows)
    got = {(i.code, i.where.a1) for i in issues}
    n = len(rows)
    assert got == {("setting-factory-invalid", f"C{head + 2}"), ("setting-factory-unknown", f"D{n - 1}"),
                   ("setting-department-factory-missing", f"D{n}")}
    assert all("厂家" in i.message for i in issues)
    assert settings.factories[0].settlement_model is None                 # the bad cell falls back to 结算方式


# ---- policy per factory -------------------------------------------------------------------
def test_a_policy_row_for_one_factory_changes_only_that_factorys_verdicts(tmp_path, at):
    at("2026-11-23")
    plain = compute(load_workbook(write_workbook(tmp_path / "plain.xlsx", _orders(), SETTINGS)))
    own = compute(load_workbook(write_workbook(tmp_path / "own.xlsx", _orders(), SETTINGS, TCL_POLICY)))
    changed = sorted(own.index[own["in_warranty"] != plain["in_warranty"]])
    assert changed == [2]                                       # FW202610001, TCL's TV bought 18 months ago
    assert own.loc[2, "in_warranty"] and not plain.loc[2, "in_warranty"]
    assert not own.loc[5, "in_warranty"] and not plain.loc[5, "in_warranty"]   # 海信's AC of the same age
    assert own.loc[2, "factory_claim"] > 0 and plain.loc[2, "factory_claim"] == 0


def test_the_policy_sheets_show_the_factory_row(book):
    sheet = openpyxl.load_workbook(book, read_only=True)["三包政策"]
    rows = [r for r in sheet.iter_rows(values_only=True)]
    assert rows[0][-1] == "厂家" and [r for r in rows if r[-1] == "TCL"][0][:2] == ("电视", 24)


def test_an_unknown_factory_in_a_policy_row_is_an_error_and_unused(tmp_path, at):
    at("2026-11-23")
    path = write_workbook(tmp_path / "p.xlsx", _orders(), SETTINGS, TCL_POLICY)
    wb = openpyxl.load_workbook(path)
    ws = wb["三包政策"]
    ws.cell(ws.max_row, ws.max_column, "长虹")
    wb.save(path)
    loaded = load_workbook(path)
    bad = [i for i in loaded.issues if i.code == "policy-factory-unknown"]
    assert len(bad) == 1 and "长虹" in bad[0].message and bad[0].where.sheet == "三包政策"
    assert loaded.policy.for_factory("TCL").terms("电视").whole_unit_months == 12


def test_worksheet_functions_take_the_brand_as_their_last_argument(book):
    wb = load_workbook(book)
    rules = Rules(wb.policy, wb.settings)
    assert for_brand(rules, "TCL").policy.terms("电视").whole_unit_months == 24
    assert for_brand(rules, "容声").policy.terms("电视").whole_unit_months == 12
    assert for_brand(rules, "容声").settings.settlement_model == "包干"
    assert for_brand(rules, None) is rules
    with pytest.raises(ValueError, match="长虹"):
        for_brand(rules, "长虹")


# ---- everything per factory ---------------------------------------------------------------
def test_each_factorys_packs_and_claim_hold_exactly_its_own_orders(book, tmp_path):
    wb = load_workbook(book)
    reports = build_factories(wb, "2026-10", tmp_path / "out")
    assert [r.summary.factory for r in reports] == ["海信集团", "TCL"]
    for report in reports:
        name = report.summary.factory
        assert report.folder == tmp_path / "out" / name
        assert [p.department.name for p in report.packs] == [d.name for d in (HX if name == "海信集团" else TCL).departments]
        files = sorted(report.folder.rglob("*.xlsx"))
        assert files and all(name in f.name for f in files)
        texts = {f: _texts(f) for f in files}
        for f, text in texts.items():
            leaked = [v for v in _strangers(name) if v in text]
            assert not leaked, (f.name, leaked)
        stats = texts[report.stats_path]
        assert all(r[0] in stats for r in OWN[name])                     # its own orders are all there
        service = next(p for p in report.packs if p.department.name == "售后服务部")
        claim = texts[service.xlsx_path]
        assert all(r[0] in claim and r[3] in claim for r in OWN[name])  # its claim lists its own orders
        assert all(v not in p.html for p in report.packs for v in _strangers(name))
    totals = {r.summary.factory: r.summary.totals["orders"] for r in reports}
    assert totals == {"海信集团": 3, "TCL": 3}


def test_the_claim_and_the_lump_sum_comparison_are_per_factory(book):
    from addin.cli.fees import factory_summary_lines
    wb = load_workbook(book)
    result = compute(wb)
    lines = factory_summary_lines(wb, result, None, result)
    hx, tcl = lines.index("【海信集团】"), lines.index("【TCL】")
    assert any("包干对比" in line for line in lines[hx:tcl]) and not any("包干对比" in line for line in lines[tcl:])
    own = {f.name: own for f, own in wb.by_factory()}
    claims = {n: round(float(result.loc[o.orders.frame.index, "factory_claim"].sum()), 2) for n, o in own.items()}
    assert f"厂家结算合计 {claims['TCL']:.2f} 元" in lines[tcl + 1]


def test_reply_items_are_keyed_by_factory(book, tmp_path):
    wb = load_workbook(book)
    reports = build_factories(wb, "2026-10", tmp_path / "out")
    ids = {r.summary.factory: {i for p in r.packs for i in p.item_ids} for r in reports}
    assert ids["TCL"] and ids["海信集团"] and not ids["TCL"] & ids["海信集团"]
    path = book.with_name(book.stem + "_改进回复跟踪.sqlite")
    assert {i.id for i in Ledger(path, "TCL").open_items("质量部", "2099-01", datetime(2100, 1, 1).date())} \
        <= ids["TCL"]


def test_an_older_reply_ledger_is_kept_when_items_gain_their_factory(tmp_path):
    path = tmp_path / "old.sqlite"
    with sqlite3.connect(path) as db:
        db.executescript("""CREATE TABLE items(id TEXT PRIMARY KEY, month TEXT NOT NULL, department TEXT NOT NULL,
          kind TEXT NOT NULL, key TEXT NOT NULL, seq INTEGER NOT NULL, text TEXT NOT NULL, due TEXT NOT NULL,
          active INTEGER NOT NULL DEFAULT 1, UNIQUE(month, department, kind, key));
          INSERT INTO items VALUES('2026-09-QA-001','2026-09','质量部','批次','k','1','旧事项','2026-11-04',1);""")
    db.close()
    assert [i.id for i in Ledger(path).items()] == ["2026-09-QA-001"]
    assert Ledger(path, "TCL").open_items("质量部", "2026-10", datetime(2026, 12, 1).date()) == []


def test_sending_twice_mails_each_factorys_departments_once(book):
    env = {f"AFTERSALES_SMTP_{k}": "" for k in ("USER", "PASSWORD")}
    with smtp_server() as server:
        env.update(AFTERSALES_SMTP_HOST="127.0.0.1", AFTERSALES_SMTP_PORT=str(server.port),
                   AFTERSALES_SMTP_SECURITY="none")
        first = CliRunner().invoke(send_command, [str(book), "--month", "2026-10"], env=env)
        second = CliRunner().invoke(send_command, [str(book), "--month", "2026-10"], env=env)
        raw = list(server.handler.raw)
    assert first.exit_code == 0, first.output
    assert second.exit_code == 0 and "之前已发送" in second.output, second.output
    assert "【海信集团】" in first.output and "【TCL】" in first.output
    recipients = sorted(r for _, tos, _ in raw for r in tos)
    expected = sorted(e for f in (HX, TCL) for d in f.departments for e in d.emails)
    assert recipients == expected                                  # seven mails, each once, none twice
    for _, tos, data in raw:
        msg = message_from_bytes(data, policy=default)
        name = "TCL" if tos[0].startswith("tcl-") else "海信集团"
        assert name in msg["Subject"]
        body = msg.get_body(("html",)).get_content()
        attachment = next(p for p in msg.iter_attachments() if p.get_filename().endswith(".xlsx"))
        assert name in attachment.get_filename()
        text = body + _texts(attachment.get_content())
        assert not [v for v in _strangers(name) if v in text], (msg["Subject"], tos)


# ---- one factory, no brand column: as before ----------------------------------------------
def _cells_of(folder: Path) -> dict:
    return {f.relative_to(folder).as_posix(): _texts(f) for f in sorted(folder.rglob("*.xlsx"))}


def test_one_factory_without_a_brand_column_gives_the_same_outputs_as_before(tmp_path, at):
    at("2026-11-23")
    settings = Settings(dealer_name="青禾家电", departments=TCL.departments)
    rows = settings_rows(settings) + [()] + department_rows(settings)
    orders = [good_order(n, 服务单编号=f"FW2026100{n:02d}", 报修时间=datetime(2026, 10, 3 + n, 9, 30),
                         首次响应时间=datetime(2026, 10, 3 + n, 9, 50), 到达现场时间=datetime(2026, 10, 3 + n, 14),
                         离开现场时间=datetime(2026, 10, 3 + n, 15), 购买日期=datetime(2026, 3, 1),
                         出厂日期=datetime(2026, 2, 1)) for n in range(1, 5)]
    headers = [h for h in orders[0] if h in BY_HEADER]            # no 品牌 column at all
    path = write_orders(tmp_path / "one.xlsx", orders, headers=headers, extra_sheets={SETTINGS_SHEET: rows})
    wb = load_workbook(path)
    assert "brand" not in wb.orders.cols and not [i for i in wb.issues if i.code.startswith("brand")]
    assert wb.by_factory()[0][1] is wb and Resolver(wb.settings.factory_list()).single
    # the fees: the same as the engine's core on the whole frame (the code path before factories)
    old = compute_frame(wb.orders.frame, wb.policy, wb.settings)
    new = compute(wb)
    assert new.drop(columns=["explanation"]).equals(old.drop(columns=["explanation"]))
    # the report: build_factories makes exactly what build_month makes, under the same names
    before = build_month(wb, "2026-10", tmp_path / "before", ledger_file=tmp_path / "l1.sqlite")
    after = build_factories(wb, "2026-10", tmp_path / "after", ledger_file=tmp_path / "l2.sqlite")
    assert len(after) == 1 and after[0].summary.factory == "" and after[0].folder == tmp_path / "after"
    assert [p.xlsx_path.name for p in after[0].packs] == [p.xlsx_path.name for p in before.packs]
    assert _cells_of(tmp_path / "after") == _cells_of(tmp_path / "before")
    assert after[0].stats_path.name == "2026年10月_售后服务统计表.xlsx"
    assert [p.item_ids for p in after[0].packs] == [p.item_ids for p in before.packs]


def test_adding_a_second_factory_mails_the_first_factorys_departments_nothing_again(tmp_path, at):
    at("2026-11-23")
    single = Settings(dealer_name="青禾家电", sender="svc@dealer.test", send_day=5, mail_when_no_items=True,
                      departments=TCL.departments)
    orders = _orders()
    path = write_workbook(tmp_path / "服务单.xlsx", orders, single)
    env = {f"AFTERSALES_SMTP_{k}": "" for k in ("USER", "PASSWORD")}
    with smtp_server() as server:
        env.update(AFTERSALES_SMTP_HOST="127.0.0.1", AFTERSALES_SMTP_PORT=str(server.port),
                   AFTERSALES_SMTP_SECURITY="none")
        first = CliRunner().invoke(send_command, [str(path), "--month", "2026-10"], env=env)
        write_workbook(path, orders, SETTINGS, TCL_POLICY)          # the dealer adds 海信集团
        second = CliRunner().invoke(send_command, [str(path), "--month", "2026-10"], env=env)
        raw = list(server.handler.raw)
    assert first.exit_code == 0 and second.exit_code == 0, second.output
    sent = [r for _, tos, _ in raw for r in tos]
    assert sorted(sent) == sorted([e for d in TCL.departments for e in d.emails] * 1
                                  + [e for d in HX.departments for e in d.emails])


def test_the_blank_template_has_one_factory_and_says_how_to_add_a_second(tmp_path):
    from addin.book.template import build_template
    path = build_template(tmp_path / "t.xlsx")
    wb = load_workbook(path)
    assert len(wb.settings.factory_list()) == 1 and not [i for i in wb.issues if i.code.startswith("brand")]
    book = openpyxl.load_workbook(path)
    rows = [[c.value for c in row] for row in book[SETTINGS_SHEET].iter_rows()]
    assert any(r[0] == "厂家" and r[1].startswith("品牌") for r in rows)
    assert any(r[0] == "部门" and str(r[3]).startswith("厂家") for r in rows)
    assert "厂家列表" in book.defined_names
    head = [c.value for c in book["服务单"][1]]
    assert "品牌" in head
    help_text = "\n".join(str(r[0].value) for r in book["说明"].iter_rows() if r[0].value)
    assert "增加第二个厂家" in help_text and "品牌" in help_text


def test_the_report_button_builds_every_factory_and_says_what_it_built(tmp_path, at):
    import addin.excel as excel
    from addin.book.columns import COLUMNS
    from tests.fake_excel import Book
    at("2026-11-10")                                   # the button means the last closed month: 2026-10
    header = [c.header for c in COLUMNS]
    rows = [header] + [[o.get(c.field) for c in COLUMNS] for o in _orders()]
    settings = settings_rows(SETTINGS) + [()] + department_rows(SETTINGS)
    book = Book({"服务单": rows, SETTINGS_SHEET: settings}, str(tmp_path / "服务单.xlsx"))
    line = excel.report(book)
    assert "海信集团" in line and "TCL" in line and "3 个部门反馈包" in line and "4 个部门反馈包" in line
    for name in ("海信集团", "TCL"):
        folder = tmp_path / "reports" / "2026-10" / name
        assert (folder / f"2026年10月_售后服务统计表_{name}.xlsx").exists()
        sheet = book.sheets[f"2026年10月{name}统计"].rows()
        text = "\n".join(str(v) for r in sheet for v in r)
        assert not [v for v in _strangers(name) if v in text]


def test_a_whole_column_formula_judges_each_order_under_its_brands_factory(book):
    from addin.excel import udf_policy
    from addin.excel.udfs import SVC_WARRANTY, SVC_WARRANTY_UNTIL
    from tests.fake_excel import Book as FakeBook
    from addin.excel.livebook import ExcelRows  # noqa: F401 (the reader the functions use)
    wb = openpyxl.load_workbook(book)
    sheets = {ws.title: [[c.value for c in row] for row in ws.iter_rows()] for ws in wb.worksheets}
    live = FakeBook(sheets, str(book))
    udf_policy.clear()
    caller = live.sheets["服务单"].range("B2")
    bought = datetime(2025, 4, 1)                      # 18 months before the report
    args = ([["电视"], ["空调"], ["电视"]], [[bought]] * 3, [[datetime(2025, 3, 1)]] * 3,
            [[datetime(2026, 10, 20, 9)]] * 3, [["电源板"]] * 3, [["维修"]] * 3)
    got = SVC_WARRANTY(*args, brand=[["TCL"], ["海信"], ["长虹"]], caller=caller)
    assert got[0][0].startswith("保内") and got[1][0] == "保外" and "长虹" in got[2][0]
    assert SVC_WARRANTY(*args, caller=caller)[0][0] == "保外"          # no brand: the rows without a 厂家
    until = SVC_WARRANTY_UNTIL(*args, brand=[["TCL"], ["海信"], ["TCL"]], caller=caller)
    assert until[0][0].year == 2027 and until[1][0].year == 2026


@pytest.mark.skipif(__import__("shutil").which("pdftotext") is None, reason="poppler-utils not installed")
def test_the_factory_copy_of_the_service_order_names_the_factory_it_claims_from(book, tmp_path):
    import subprocess
    from addin.day.formpdf import print_orders
    wb = load_workbook(book)
    out = tmp_path / "forms.pdf"
    print_orders(wb, ["FW202610002", "FW202610005"], 0, out)
    text = subprocess.run(["pdftotext", "-layout", str(out), "-"], capture_output=True, text=True).stdout
    pages = text.split("\f")
    assert "向TCL结算" in pages[2] and "向海信集团结算" in pages[5]          # the 厂家结算联 of each order
    assert not any("向TCL结算" in p or "向海信集团结算" in p for p in pages[:2] + pages[3:5])


def test_a_hostile_factory_name_stays_one_file_name_and_one_header_line(tmp_path, at):
    from addin.mail.sending import send_workbook_month
    from addin.report.packs import report_sheet_name
    at("2026-11-23")
    evil = "..\\..\\坏[厂]\r\nBcc: x@evil.test"
    settings = replace(SETTINGS, factories=(replace(HX, name=evil), TCL))
    orders = _orders()
    for o in orders[3:]:
        o["brand"] = "容声"
    path = write_workbook(tmp_path / "服务单.xlsx", orders, settings)
    wb = load_workbook(path)
    reports = build_factories(wb, "2026-10")
    for r in reports:
        assert r.folder.parent == tmp_path / "reports" / "2026-10"
        assert not set(report_sheet_name(r)) & set("[]:*?/\\\r\n") and len(report_sheet_name(r)) <= 31
    _, lines = send_workbook_month(wb, "2026-10")
    emls = sorted((tmp_path / "发件箱").glob("*.eml"))
    assert len(emls) == 7 and all(e.parent == tmp_path / "发件箱" for e in emls)
    for e in emls:
        msg = message_from_bytes(e.read_bytes(), policy=default)
        assert "\n" not in msg["Subject"] and "evil" not in (msg.get("Bcc") or "")
        assert msg.get_all("Bcc") is None


def test_an_older_ledger_beside_the_workbook_goes_to_the_factory_that_has_its_addresses(tmp_path, at):
    from addin.mail.outbox import legacy_ledger_path
    from addin.mail.sending import send_workbook_month
    at("2026-11-23")
    single = Settings(dealer_name="青禾家电", send_day=5, mail_when_no_items=True, departments=TCL.departments)
    path = write_workbook(tmp_path / "服务单.xlsx", _orders(), single)
    send_workbook_month(load_workbook(path), "2026-10", ledger_file=legacy_ledger_path(path))   # an older version
    assert len(list((tmp_path / "发件箱").glob("*.eml"))) == 4
    write_workbook(path, _orders(), replace(SETTINGS, dealer_name="青禾家电"))
    result, lines = send_workbook_month(load_workbook(path), "2026-10")
    new = sorted(e.name for e in (tmp_path / "发件箱").glob("2026-10_*_*.eml"))
    assert new == ["2026-10_海信集团_售后服务部.eml", "2026-10_海信集团_研发部.eml", "2026-10_海信集团_质量部.eml"]
    assert result.ok and sum("之前已写入发件箱" in line for line in lines) == 4


def test_an_order_of_no_factory_claims_nothing_and_fees_says_so(tmp_path, at):
    """Several factories, 品牌 unknown / blank on two in-warranty orders: no factory summary has them,
    so `fees` says they are left out and exits 1; they claim nothing (held, 品牌未知), --json names
    every order's factory, and the 厂家结算联 says it cannot be claimed."""
    import json
    import subprocess
    from addin.cli.fees import command as fees_command
    from addin.day.formpdf import print_orders
    at("2026-11-23")
    orders = _orders()
    orders[1]["brand"], orders[4]["brand"] = "长虹", None          # FW202610002, FW202610005: in warranty
    path = write_workbook(tmp_path / "b.xlsx", orders, SETTINGS, TCL_POLICY)
    wb = load_workbook(path)
    result = compute(wb)
    lost = result.loc[[3, 6]]
    assert lost["factory_claim"].tolist() == [0, 0] and (lost["claim_held"] > 0).all()
    assert lost["claim_status"].str.startswith("品牌未知").all() and "长虹" in lost["claim_status"][3]
    assert (result.loc[[2, 4, 7], "claim_status"] == "结算").all()        # FW202610004: 保外
    run = CliRunner().invoke(fees_command, [str(path), "--month", "2026-10"])
    assert run.exit_code == 1, run.output
    assert "另有 2 张服务单(第3行、第6行)" in run.output and "未计入" in run.output
    shown = [line for line in run.output.splitlines() if "厂家结算合计" in line]
    claimed = sum(Decimal(line.split("厂家结算合计 ")[1].split(" 元")[0]) for line in shown)
    assert len(shown) == 2 and claimed == Decimal(str(result["factory_claim"].sum())).quantize(Decimal("0.01"))
    rows = json.loads(CliRunner().invoke(fees_command, [str(path), "--json"]).output)
    assert [(o["row"], o["factory"]) for o in rows] == [(2, "TCL"), (3, ""), (4, "TCL"), (5, "海信集团"),
                                                        (6, ""), (7, "海信集团")]
    assert {"order_no", "factory_claim", "claim_status"} <= set(rows[0])
    out = tmp_path / "forms.pdf"
    print_orders(wb, ["FW202610002"], 0, out)
    pages = subprocess.run(["pdftotext", "-layout", str(out), "-"], capture_output=True, text=True).stdout.split("\f")
    assert "不能向厂家结算" in pages[2] and "厂家结算金额" not in pages[2]


def test_a_single_factorys_reply_items_go_on_in_the_packs_of_the_factory_that_takes_them_over(tmp_path, at):
    """A dealer reported October with one factory (items with factory ''), then adds a second: the
    December packs still remind of the unanswered October items and count them in 各部门回复情况 —
    an item naming a model goes to the factory whose orders have it, the others to the first
    factory of the 厂家 table with that department."""
    at("2026-11-23")
    single = Settings(dealer_name="青禾家电", sender="svc@dealer.test", send_day=5, mail_when_no_items=True,
                      departments=TCL.departments)
    rows = ORDERS + (("FW202610007", "海信", "空调", "海三", "13700000007", datetime(2026, 6, 1), "压缩机"),
                     ("FW202610008", "容声", "冰箱", "海四", "13700000008", datetime(2026, 3, 1), "压缩机"))
    path = write_workbook(tmp_path / "服务单.xlsx", _orders(rows), single)
    october = build_factories(load_workbook(path), "2026-10", tmp_path / "oct")
    sent = {i: p.department.name for p in october[0].packs for i in p.item_ids}
    assert len(sent) >= 3, sent
    items = {i.id: i for i in Ledger(path.with_name(path.stem + "_改进回复跟踪.sqlite")).items()}
    at("2027-01-20")
    write_workbook(path, _orders(rows), SETTINGS, TCL_POLICY)    # the dealer adds 海信集团 (listed first)
    reports = build_factories(load_workbook(path), "2026-12", tmp_path / "dec")
    carried = {i: (r.summary.factory, p.department.name) for r in reports for p in r.packs for i in p.carried_ids}
    assert set(carried) == set(sent)                                # every unanswered item, once
    assert all(dept == sent[i] for i, (_, dept) in carried.items())
    for i, (factory, _) in carried.items():
        models = {MODEL[o[2]] for o in rows if ("TCL" in o[1].upper()) == (factory == "TCL")}
        named = next((m for m in MODEL.values() if m in items[i].text), None)
        assert named is None or named in models, (i, factory, items[i].text)
    rates = {r.summary.factory: sum(row[1] for row in r.summary.kpis["replies"].rows) for r in reports}
    assert sum(rates.values()) == len(sent)


@pytest.mark.parametrize("with_orders", [True, False])
def test_a_factory_no_department_row_names_is_flagged_at_its_cell_and_report_and_send_say_so(
        tmp_path, at, with_orders):
    """A factory with orders and nobody to send its packs to is an error the clerk must fix (a
    warning while it has no orders), at its name's cell in 设置; report and send name it."""
    from addin.cli.report import command as report_command
    at("2026-11-23")
    settings = replace(SETTINGS, factories=(*SETTINGS.factories, Factory("长虹", ("长虹",))))
    orders = _orders()
    if with_orders:
        orders[0]["brand"] = "长虹"
    path = write_workbook(tmp_path / "服务单.xlsx", orders, settings)
    wb = load_workbook(path)
    found = [i for i in wb.issues if i.code == "setting-factory-no-departments"]
    ws = openpyxl.load_workbook(path)[SETTINGS_SHEET]
    cell = next(c.coordinate for row in ws.iter_rows() for c in row if c.value == "长虹" and c.column == 1)
    assert [(i.where.sheet, i.where.a1, i.severity) for i in found] == [
        (SETTINGS_SHEET, cell, ERROR if with_orders else WARNING)]
    assert "长虹" in found[0].message
    if not with_orders:
        return
    run = CliRunner().invoke(report_command, [str(path), "--month", "2026-10", "--out", str(tmp_path / "out")])
    assert run.exit_code == 0 and "没有厂家“长虹”的部门" in run.output, run.output
    run = CliRunner().invoke(send_command, [str(path), "--month", "2026-10", "--dry-run"],
                             env={"AFTERSALES_SMTP_HOST": ""})
    assert run.exit_code == 1 and "没有厂家“长虹”的部门" in run.output, run.output
