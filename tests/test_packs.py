import openpyxl
import pytest
from jinja2 import UndefinedError

from addin.report.packs import MARKER, ReportError, _environment, build_month, report_patch_rows, report_sheet_name
from addin.report.replies import REPLY_HEADERS, REPLY_SHEET
from tests.report_data import load, write_workbook


@pytest.fixture
def report(tmp_path):
    path = write_workbook(tmp_path / "服务单.xlsx")
    wb = load(path)
    return wb, build_month(wb, "2026-10", None)


def test_folder_files_and_names(report, tmp_path):
    wb, r = report
    assert r.folder == tmp_path / "reports" / "2026-10"
    assert r.stats_path.name == "2026年10月_售后服务统计表.xlsx" and r.stats_path.is_file()
    assert [p.department.name for p in r.packs] == ["质量部", "研发部", "生产部", "售后服务部"]
    for p in r.packs:
        assert p.xlsx_path.name == f"2026年10月_售后反馈_{p.department.name}.xlsx"
        book = openpyxl.load_workbook(p.xlsx_path)
        assert REPLY_SHEET in book.sheetnames
        assert tuple(c.value for c in book[REPLY_SHEET][1]) == REPLY_HEADERS
        for cid, png in p.images.items():
            assert f'src="cid:{cid}"' in p.html and png.is_file()


def test_rd_pack_items_and_ids(report):
    _, r = report
    rd = next(p for p in r.packs if p.department.name == "研发部")
    # only the repeated fault (KFR-35GW 压缩机不启动, 2 orders) is an item; the single ones are not
    assert rd.item_ids == ["2026-10-RD-001"]
    ws = openpyxl.load_workbook(rd.xlsx_path)[REPLY_SHEET]
    assert ws.cell(row=2, column=1).value == "2026-10-RD-001"
    assert "KFR-35GW" in ws.cell(row=2, column=2).value and "压缩机不启动" in ws.cell(row=2, column=2).value
    assert ws.protection.sheet and not ws.cell(row=2, column=4).protection.locked


def test_engineering_packs_are_masked_service_pack_is_not(report):
    _, r = report
    by = {p.department.name: p for p in r.packs}
    for name in ("质量部", "研发部", "生产部"):
        text = _all_text(by[name].xlsx_path) + by[name].html
        assert "张三" not in text and "13812345678" not in text and "麓山路" not in text
        assert "张*" in _all_text(by[name].xlsx_path)
    service = _all_text(by["售后服务部"].xlsx_path)
    assert "张三" in service and "13812345678" in service and "麓山路12号" in service


def test_html_is_escaped_and_strict(report, tmp_path):
    wb, r = report
    env = _environment()
    with pytest.raises(UndefinedError):
        env.get_template("pack.html.j2").render(subject="x")
    path = write_workbook(tmp_path / "b.xlsx", extra={"diagnosed_fault": ["<b>坏</b>压缩机不启动",
                                                                         "压缩机不启动", *[None] * 6]})
    out = build_month(load(path), "2026-10", tmp_path / "out")
    rd = next(p for p in out.packs if p.department.name == "研发部")
    assert "&lt;b&gt;坏&lt;/b&gt;" in rd.html and "<b>坏</b>" not in rd.html


def test_rerun_keeps_ids_and_replaces_the_folder_as_a_whole(report):
    wb, r = report
    stale = r.folder / "old.txt"
    stale.write_text("x")
    again = build_month(wb, "2026-10", None)
    assert [p.item_ids for p in again.packs] == [p.item_ids for p in r.packs]
    assert not stale.exists() and (r.folder / MARKER).is_file()


def test_refuses_folders_it_must_not_replace(report, tmp_path):
    wb, _ = report
    with pytest.raises(ReportError) as e:
        build_month(wb, "2026-10", tmp_path)
    assert e.value.code == "out-contains-workbook"
    other = tmp_path / "desk"
    other.mkdir()
    (other / "mine.docx").write_text("x")
    with pytest.raises(ReportError) as e:
        build_month(wb, "2026-10", other)
    assert e.value.code == "out-not-report" and (other / "mine.docx").exists()


def test_report_patch_rows(report):
    _, r = report
    rows = report_patch_rows(r)
    assert report_sheet_name(r) == "2026年10月统计"
    assert rows[0][0] == "2026年10月 售后服务统计"
    assert ["客户满意度"] in rows and ["校验发现的待解决问题"] in rows


def _all_text(path) -> str:
    book = openpyxl.load_workbook(path)
    return "\n".join(str(v) for ws in book for row in ws.iter_rows(values_only=True) for v in row if v is not None)
