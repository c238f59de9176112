import os
from datetime import date, datetime

import openpyxl
import pytest

from addin.report.packs import build_month
from addin.report.replies import REPLY_HEADERS, REPLY_SHEET, Ledger, FeedbackItem, import_replies, ledger_path
from tests.report_data import load, write_workbook


def fill(pack_path, answers: dict):
    """Answer some items as a department would: open the pack, type into 改进回复, save."""
    book = openpyxl.load_workbook(pack_path)
    ws = book[REPLY_SHEET]
    for row in range(2, ws.max_row + 1):
        item = ws.cell(row=row, column=1).value
        if item in answers:
            measures, owner, planned, effect = answers[item]
            ws.cell(row=row, column=4, value=measures)
            ws.cell(row=row, column=5, value=owner)
            ws.cell(row=row, column=6, value=planned)
            ws.cell(row=row, column=7, value=effect)
    book.save(pack_path)
    return pack_path


def test_ids_are_stable_and_numbered_after_existing(tmp_path):
    ledger = Ledger(tmp_path / "l.sqlite")
    a, b, c = (FeedbackItem("研发部", "型号故障", k, f"{k} 故障") for k in ("A|x", "B|y", "C|z"))
    assert ledger.register("2026-10", "研发部", [a, b], date(2026, 12, 5)) == ["2026-10-RD-001", "2026-10-RD-002"]
    assert ledger.register("2026-10", "研发部", [c, a], date(2026, 12, 5)) == ["2026-10-RD-003", "2026-10-RD-001"]
    assert [i.id for i in ledger.items()] == ["2026-10-RD-001", "2026-10-RD-003"]   # B left: inactive


def test_round_trip_pack_reply_import_next_pack(tmp_path):
    # the service pack of the small month has three items (late visits in two tiers, one unhappy customer)
    path = write_workbook(tmp_path / "服务单.xlsx")
    wb = load(path)
    october = build_month(wb, "2026-10", None)
    rd = next(p for p in october.packs if p.department.name == "售后服务部")
    answer = ("- 改用新压缩机供应商", "张工", datetime(2026, 12, 31), "待验证")
    fill(rd.xlsx_path, {"2026-10-SV-001": answer})
    result = import_replies(path, [rd.xlsx_path])
    assert result.answered == ("2026-10-SV-001",) and result.blank == 2 and result.issues == ()
    item = Ledger(ledger_path(path)).items("i.id=?", ("2026-10-SV-001",))[0]
    assert (item.measures, item.owner, item.planned) == ("- 改用新压缩机供应商", "张工", "2026-12-31")
    assert import_replies(path, [rd.xlsx_path]).unchanged == 1            # re-import changes nothing

    november = build_month(wb, "2026-11", None)
    rd11 = next(p for p in november.packs if p.department.name == "售后服务部")
    assert rd11.carried_ids == ["2026-10-SV-002", "2026-10-SV-003"]
    ws = openpyxl.load_workbook(rd11.xlsx_path)[REPLY_SHEET]
    listed = [ws.cell(row=r, column=1).value for r in range(2, ws.max_row + 1)]
    assert "2026-10-SV-002" in listed and "2026-10-SV-001" not in listed
    assert "2026-10-SV-002" in rd11.html
    rates = {r[0]: r for r in november.summary.kpis["replies"].rows}
    assert rates["售后服务部"][1:] == (3, 1, 2, 0, 0.3333)
    kpi = openpyxl.load_workbook(november.stats_path)["KPI指标"]
    assert any(r[0] == "售后服务部" and r[5] == 0.3333 for r in kpi.iter_rows(values_only=True))


def test_bad_files_and_unknown_ids_are_reported(tmp_path):
    path = write_workbook(tmp_path / "服务单.xlsx")
    build_month(load(path), "2026-10", None)
    other = tmp_path / "other.xlsx"
    openpyxl.Workbook().save(other)
    forged = tmp_path / "forged.xlsx"
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = REPLY_SHEET
    ws.append(["编号", "反馈事项", "回复期限", "改进措施", "责任人", "计划完成日期", "实施效果"])
    ws.append(["2026-10-RD-999", "x", None, "措施", "人", "下个月", None])
    ws.append(["2026-10-SV-002", "x", None, "措施", "人", "下个月", None])
    book.save(forged)
    junk = tmp_path / "junk.xlsx"
    junk.write_text("not a workbook")
    result = import_replies(path, [other, forged, junk])
    codes = sorted(i.code for i in result.issues)
    assert codes == ["reply-date-invalid", "reply-not-xlsx", "reply-sheet-missing", "reply-unknown-id"]
    assert result.answered == ("2026-10-SV-002",)


# ---- hostile and careless returned packs (issue 11 item 4) --------------------------------------

def _reply_pack(path, rows, sheet=REPLY_SHEET):
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = sheet
    ws.append(list(REPLY_HEADERS))
    for row in rows:
        ws.append(list(row))
    book.save(path)
    return path


def _registered(tmp_path):
    """A workbook path whose reply ledger knows 2026-10 items of 研发部 and 质量部 and one 2026-11 item."""
    wb = tmp_path / "服务单.xlsx"
    ledger = Ledger(ledger_path(wb))
    for month, dept in (("2026-10", "研发部"), ("2026-10", "质量部"), ("2026-11", "研发部")):
        ledger.register(month, dept, [FeedbackItem(dept, "型号故障", f"K{n}", f"事项{n}") for n in (1, 2)], date(2026, 12, 5))
    return wb, ledger


def _bomb(path):
    """A valid-looking .xlsx whose one part expands 1000-fold past the workbook limits."""
    import zipfile
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/workbook.xml", "<workbook/>")
        z.writestr("xl/worksheets/sheet1.xml", b"<a>" + b" " * 60_000_000 + b"</a>")
    return path


def _xxe(path):
    import zipfile
    _reply_pack(path, [("2026-10-RD-001", "", "", "改", "", "", "")])
    with zipfile.ZipFile(path) as src:
        parts = {n: src.read(n) for n in src.namelist()}
    parts["xl/sharedStrings.xml"] = (b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;">]>'
                                     + parts.get("xl/sharedStrings.xml", b"<sst/>").split(b"?>", 1)[-1])
    with zipfile.ZipFile(path, "w") as dst:
        for n, data in parts.items():
            dst.writestr(n, data)
    return path


def test_import__hostile_files_one_message_each_others_still_imported(tmp_path):
    wb, ledger = _registered(tmp_path)
    good = _reply_pack(tmp_path / "2026年10月_售后反馈_研发部.xlsx", [("2026-10-RD-001", "事项1", "", "换压缩机供应商", "王工",
                                                                    "2026-12-01", "")])
    bad = [_bomb(tmp_path / "bomb.xlsx"), _xxe(tmp_path / "xxe.xlsx")]
    if hasattr(os, "mkfifo"):
        os.mkfifo(tmp_path / "pipe.xlsx")
        bad.append(tmp_path / "pipe.xlsx")
    result = import_replies(wb, [*bad, good])
    codes = [i.code for i in result.issues]
    assert codes[:2] == ["reply-zip-bomb", "reply-xml-unsafe"] and len(codes) == len(bad)
    assert "reply-not-regular-file" in codes or not hasattr(os, "mkfifo")
    assert result.answered == ("2026-10-RD-001",)
    assert ledger.items("i.id=?", ("2026-10-RD-001",))[0].measures == "换压缩机供应商"


def test_import__duplicate_other_department_month_and_absurd_dates_reported(tmp_path):
    wb, ledger = _registered(tmp_path)
    pack = _reply_pack(tmp_path / "2026年10月_售后反馈_研发部.xlsx", [
        ("2026-10-RD-001", "事项1", "", "真正的回复", "王工", "2026-12-01", ""),
        ("2026-10-RD-001", "事项1", "", "误粘的另一行", "李工", "2026-12-02", ""),
        ("2026-10-QA-001", "事项1", "", "质量部的回复", "赵工", "2026-12-01", ""),
        ("2026-11-RD-001", "事项1", "", "下个月的回复", "王工", "2026-12-01", ""),
        ("2026-10-RD-002", "事项2", "", "日期写错", "王工", datetime(9999, 12, 31), ""),
        ("2026-10-RD-002", "事项2", "", "日期写错", "王工", datetime(9999, 12, 31), ""),   # identical: no noise
    ])
    result = import_replies(wb, [pack])
    got = {(i.code, i.where.row) for i in result.issues}
    assert got == {("reply-duplicate-id", 3), ("reply-other-department", 4), ("reply-other-month", 5),
                   ("reply-date-absurd", 6), ("reply-date-absurd", 7)}
    assert all(i.where.sheet == f"{pack.name}!{REPLY_SHEET}" for i in result.issues)
    items = {i.id: i for i in ledger.items()}
    assert items["2026-10-RD-001"].measures == "真正的回复" and items["2026-10-QA-001"].measures is None
    assert items["2026-11-RD-001"].measures is None
    assert items["2026-10-RD-002"].measures == "日期写错" and items["2026-10-RD-002"].planned is None
    old = _reply_pack(tmp_path / "old.xlsx", [("2026-10-RD-001", "", "", "x", "", "1899-12-30", "")])
    assert [i.code for i in import_replies(wb, [old]).issues] == ["reply-date-absurd"]


def test_item_ids_name_a_latin_factory_as_it_reads_and_others_by_a_stable_code():
    from addin.report.replies import ID_PATTERN, factory_code
    assert factory_code("") == ""                         # the single factory: IDs as before
    assert factory_code("TCL") == "TCL-"
    assert factory_code("海信集团") == factory_code("海信集团") != factory_code("美的集团")
    assert factory_code("海信集团").startswith("F") and len(factory_code("海信集团")) == 6
    for name in ("", "TCL", "海信集团", "A B/../x"):
        assert ID_PATTERN.match(f"2026-11-{factory_code(name)}QA-001")
    assert not ID_PATTERN.match("2026-11-TCL-QA-X-001")


def test_the_reply_sheet_id_column_fits_the_longest_id(tmp_path):
    import xlsxwriter
    from openpyxl import load_workbook
    from addin.report.packbook import _reply_sheet
    from addin.report.xlsxout import formats, text_px
    from datetime import date as d
    path = tmp_path / "r.xlsx"
    book = xlsxwriter.Workbook(path)
    ws = book.add_worksheet("改进回复")
    long_id = "2026-11-F5936-QA-001"
    _reply_sheet(book, ws, [(long_id, "某型号批次故障", d(2027, 1, 4))], [], formats(book))
    book.close()
    width = load_workbook(path)["改进回复"].column_dimensions["A"].width
    assert 7 * width >= text_px(long_id) + 7                # 16 wide (the old width) is not enough
    assert text_px(long_id) > 7 * 16
