import re
import shutil
import subprocess
import zipfile

import openpyxl
import pytest

from addin.report.statbook import SHEET_728, SHEET_KPI, SHEET_PROBLEMS, stats_filename, write_statbook
from addin.report.summary import TABLE_728_HEADERS
from tests.report_data import summary


@pytest.fixture
def book(tmp_path):
    # formula-looking text typed by a clerk: FW002's fault, FW001's customer
    s = summary(tmp_path, extra={"reported_fault": {1: "=1+1"}, "customer": {0: "@张三"}})
    return write_statbook(s, tmp_path / stats_filename(s), dealer="示例家电商行"), s


def test_file_name_and_sheets(book):
    path, s = book
    assert path.name == "2026年10月_售后服务统计表.xlsx"
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == [SHEET_728, SHEET_KPI, SHEET_PROBLEMS]


def test_table_728_rows_totals_and_text_stays_text(book):
    path, s = book
    ws = openpyxl.load_workbook(path)[SHEET_728]
    rows = list(ws.iter_rows(values_only=True))
    assert rows[1] == TABLE_728_HEADERS
    data = rows[2:8]
    assert [r[12] for r in data] == ["FW001", "FW002", "FW003", "FW004", "FW005", "FW007"]
    # 处理费用: claims 180 + 115 + 50 + 50 (FW001/002/003/005; FW007 not visited: nothing claimed
    # yet) and FW004's 142.5 to pay (no night surcharge: it arrived at 20:30)
    assert rows[8][0] == "合计" and rows[8][4] == 6 and rows[8][11] == pytest.approx(537.5)
    cell = ws.cell(row=4, column=6)
    assert cell.value == "=1+1" and cell.data_type == "s"
    assert ws.cell(row=3, column=2).value == "@张三" and ws.cell(row=3, column=2).data_type == "s"


def test_error_orders_are_filled_and_commented(book):
    path, s = book
    ws = openpyxl.load_workbook(path)[SHEET_728]
    fw004 = 6                                          # header row 2 + 4th order
    assert ws.cell(row=fw004, column=13).value == "FW004"
    assert ws.cell(row=fw004, column=1).fill.fgColor.rgb.endswith("F8CBAD")
    assert ws.cell(row=3, column=1).fill.fgColor.rgb in (None, "00000000")


def test_print_setup_landscape_one_page_wide(book):
    path, _ = book
    ws = openpyxl.load_workbook(path)[SHEET_728]
    assert ws.page_setup.orientation == "landscape"
    assert ws.page_setup.fitToWidth in (None, 1) and ws.page_setup.fitToHeight == 0   # 1 is the default
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.print_title_rows == "$2:$2"


def test_kpi_sheet_has_native_charts(book):
    path, _ = book
    with zipfile.ZipFile(path) as z:
        charts = [n for n in z.namelist() if n.startswith("xl/charts/chart")]
    assert len(charts) >= 6
    ws = openpyxl.load_workbook(path)[SHEET_KPI]
    titles = [r[0] for r in ws.iter_rows(values_only=True) if r[0]]
    for t in ("按服务类型和产品类型的服务单数", "三包期内外", "上门时效达标(按城市级别)", "客户满意度",
              "故障帕累托(按故障,同义写法已归并)", "按生产月份(批次)的产品质量故障",
              "早期故障(按型号,从购买日期算起,产品质量)", "故障原因类别(维修、退换货)"):
        assert t in titles


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice not installed")
def test_libreoffice_converts_to_pdf(book, tmp_path):
    path, _ = book
    out = tmp_path / "pdf"
    subprocess.run(["soffice", "--headless", f"-env:UserInstallation=file://{tmp_path}/lo", "--convert-to",
                    "pdf", "--outdir", str(out), str(path)], check=True, capture_output=True, timeout=180)
    pdf = out / (path.stem + ".pdf")
    assert pdf.is_file() and pdf.read_bytes()[:4] == b"%PDF"


def test_every_sheet_prints_on_a4_one_page_wide(book):
    path, _ = book
    wb = openpyxl.load_workbook(path)
    for name in (SHEET_728, SHEET_KPI, SHEET_PROBLEMS):
        ws = wb[name]
        assert ws.page_setup.paperSize == 9 and ws.page_setup.orientation == "landscape", name
        assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToHeight == 0, name
        assert ws.print_area, name


def test_kpi_charts_sit_beside_their_tables_inside_the_print_area(book):
    path, _ = book
    ws = openpyxl.load_workbook(path)[SHEET_KPI]
    with zipfile.ZipFile(path) as z:
        rels = z.read("xl/worksheets/_rels/sheet2.xml.rels").decode()
        drawing = z.read("xl/drawings/" + rels.split("drawings/")[1].split('"')[0]).decode()
    cols = {int(c) for c in re.findall(r"<xdr:from><xdr:col>(\d+)</xdr:col>", drawing)}
    assert len(cols) == 1                                       # one chart column, right of every table
    (col,) = cols
    last = ws.print_area.split(":")[-1]
    assert openpyxl.utils.column_index_from_string(re.sub(r"[$\d]", "", last)) == col + 1
    widest = max(len([c for c in r if c is not None]) for r in ws.iter_rows(max_col=col, values_only=True))
    assert widest < col


def test_header_rows_of_kpi_tables_are_tall_enough_for_their_wrapped_text(book):
    from addin.report.xlsxout import LINE_PT, text_lines
    path, _ = book
    ws = openpyxl.load_workbook(path)[SHEET_KPI]
    checked = 0
    for row in ws.iter_rows(min_row=3):
        cells = [c for c in row if c.value is not None and c.fill.fgColor.rgb.endswith("DDEBF7")]
        if not cells:
            continue
        need = max(text_lines(c.value, ws.column_dimensions[c.column_letter].width - 0.71) for c in cells)
        height = ws.row_dimensions[row[0].row].height or 15
        assert height >= min(need, 8) * LINE_PT or need == 1, [c.value for c in cells]
        checked += need > 1
    assert checked >= 1                                        # e.g. "1小时响应达标率" in two lines
