import openpyxl
import pytest

from addin.report.packbook import REPLY_ROW_PT, SHEET_ORDERS, SHEET_SETTLEMENT
from addin.report.packs import build_month
from addin.report.replies import REPLY_SHEET
from tests.report_data import load, write_workbook


@pytest.fixture(scope="module")
def packs(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("packs")
    wb = load(write_workbook(tmp / "服务单.xlsx"))
    return {p.department.name: openpyxl.load_workbook(p.xlsx_path) for p in build_month(wb, "2026-10", None).packs}


def test_every_pack_sheet_prints_on_a4_landscape_one_page_wide(packs):
    for dept, book in packs.items():
        for ws in book.worksheets:
            assert ws.page_setup.paperSize == 9 and ws.page_setup.orientation == "landscape", (dept, ws.title)
            assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToHeight == 0, (dept, ws.title)
            assert ws.print_area, (dept, ws.title)


def test_long_sheets_repeat_their_header_row(packs):
    service = packs["售后服务部"]
    assert service[SHEET_SETTLEMENT].print_title_rows == "$2:$2"          # below its title
    assert service[SHEET_ORDERS].print_title_rows == "$2:$2"
    assert service[REPLY_SHEET].print_title_rows == "$1:$1"


def test_reply_rows_leave_room_to_write_and_fit_the_item_text(packs):
    ws = packs["研发部"][REPLY_SHEET]
    for r in range(2, ws.max_row + 1):
        if ws.cell(row=r, column=1).value and str(ws.cell(row=r, column=1).value).startswith("2026-"):
            assert ws.row_dimensions[r].height >= REPLY_ROW_PT

