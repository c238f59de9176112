from datetime import date, datetime

import openpyxl
import pytest

from addin.rules.loader import load_workbook
from addin.report.packs import build_month
from addin.report.replies import REPLY_SHEET, Ledger, FeedbackItem, due_date, import_replies, ledger_path
from tests.report_data import write_workbook


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


def test_due_date_is_reply_days_after_the_send_day():
    assert due_date("2026-10", 5, 30) == date(2026, 12, 5)
    assert due_date("2026-12", 1, 10) == date(2027, 1, 11)


def test_ids_are_stable_and_numbered_after_existing(tmp_path):
    ledger = Ledger(tmp_path / "l.sqlite")
    a, b, c = (FeedbackItem("研发部", "型号故障", k, f"{k} 故障") for k in ("A|x", "B|y", "C|z"))
    assert ledger.register("2026-10", "研发部", [a, b], date(2026, 12, 5)) == ["2026-10-RD-001", "2026-10-RD-002"]
    assert ledger.register("2026-10", "研发部", [c, a], date(2026, 12, 5)) == ["2026-10-RD-003", "2026-10-RD-001"]
    assert [i.id for i in ledger.items()] == ["2026-10-RD-001", "2026-10-RD-003"]   # B left: inactive


def test_round_trip_pack_reply_import_next_pack(tmp_path):
    # the service pack of the small month has three items (late visits in two tiers, one unhappy customer)
    path = write_workbook(tmp_path / "服务单.xlsx")
    wb = load_workbook(path)
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
    build_month(load_workbook(path), "2026-10", None)
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
    assert codes == ["reply-date-invalid", "reply-file-unreadable", "reply-sheet-missing", "reply-unknown-id"]
    assert result.answered == ("2026-10-SV-002",)
