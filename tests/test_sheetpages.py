"""Page planning of the table+chart sheets, checked on the written file: row heights, row
breaks and chart anchors as Excel reads them, paginated the way a spreadsheet prints."""
import re
import zipfile

import openpyxl
import pytest
import xlsxwriter

from addin.report.sheetpages import PAGE_IN, MARGINS, col_px, lay_out_blocks, page_points, plan_breaks
from addin.report.summary import Table
from addin.report.xlsxout import formats


def test_plan_breaks_moves_a_block_that_does_not_fit_to_the_next_page():
    assert plan_breaks([(3, 200), (17, 200), (31, 200), (45, 200)], 50, 500) == [31]
    assert plan_breaks([(2, 600), (40, 100)], 30, 500) == []          # heading never a page of its own
    assert plan_breaks([(2, 100), (9, 1200), (90, 350)], 0, 500) == [9, 90]   # a long table flows on


def test_wider_content_means_more_rows_per_page():
    assert page_points(3000) > page_points(1500) > page_points(900) == page_points(500)


def _tables():
    by_type = Table("by_type", "按服务类型", ("服务类型", "电视", "空调", "合计"), ("text", "int", "int", "int"),
                    tuple((f"类型{i}", i, 2 * i, 3 * i) for i in range(5)) + (("合计", 10, 20, 30),))
    pareto = Table("pareto", "故障帕累托", ("故障", "原因类别", "故障单数", "占比", "累计占比", "主要型号"),
                   ("text", "text", "int", "pct", "pct", "text"),
                   tuple(("压缩机不启动" * (1 + i % 3), "元器件故障", 20 - i, 0.05, 0.05 * i, f"KFR-{i}GW")
                         for i in range(16)))
    batches = Table("batches", "按生产月份(批次)的故障", ("生产月份", "故障单数", "购买15天内", "购买一年内", "无购买日期"),
                    ("text",) + ("int",) * 4, tuple((f"20{20 + i // 12}-{i % 12 + 1:02d}", i % 4, 0, 1, 0)
                                                     for i in range(60)))
    sat = Table("satisfaction", "客户满意度", ("客户评价", "单数", "占已评价"), ("text", "int", "pct"),
                tuple((r, n, 0.2) for r, n in (("非常满意", 9), ("满意", 5), ("一般", 2), ("不满意", 1),
                                               ("很不满意", 0), ("未评价", 3), ("满意率", 14, ))))
    return [by_type, pareto, sat, batches, by_type, sat, by_type]


@pytest.fixture
def laid_out(tmp_path):
    path = tmp_path / "kpi.xlsx"
    book = xlsxwriter.Workbook(str(path))
    ws = book.add_worksheet("KPI指标")
    layout = lay_out_blocks(book, ws, _tables(), formats(book), sheet="KPI指标", top_row=2, top_points=40)
    book.close()
    return path, layout


def _anchors(path):
    with zipfile.ZipFile(path) as z:
        xml = z.read("xl/drawings/drawing1.xml").decode()
    froms = [int(r) for r in re.findall(r"<xdr:from><xdr:col>\d+</xdr:col><xdr:colOff>-?\d+</xdr:colOff>"
                                         r"<xdr:row>(\d+)</xdr:row>", xml)]
    tos = [int(r) for r in re.findall(r"<xdr:to><xdr:col>\d+</xdr:col><xdr:colOff>-?\d+</xdr:colOff>"
                                       r"<xdr:row>(\d+)</xdr:row>", xml)]
    return list(zip(froms, tos))


def _pages(ws, last_row, scale):
    """Page number of every row (0-based), printing at `scale` with the file's own breaks."""
    usable = (PAGE_IN[1] - MARGINS["top"] - MARGINS["bottom"]) * 72 / scale
    breaks = {b.id for b in ws.row_breaks.brk}              # break after 1-based row id
    page, used, out = 0, 0.0, []
    for r in range(last_row + 1):
        h = ws.row_dimensions[r + 1].height or 15.0
        if (r in breaks and r) or used + h > usable:
            page, used = page + 1, 0.0
        used += h
        out.append(page)
    return out


def test_no_chart_and_no_table_start_is_cut_by_a_page_edge(laid_out):
    path, layout = laid_out
    ws = openpyxl.load_workbook(path)["KPI指标"]
    charts = _anchors(path)
    assert len(charts) == 7 and len(layout["breaks"]) >= 3
    last = max(max(t for _, t in charts), max(r for r, _ in layout["blocks"]) + 8)
    content_px = sum(col_px(w) for w in layout["widths"]) + col_px(2) + 532
    excel_scale = int(100 * min(1, (PAGE_IN[0] - 0.8) * 96 / content_px)) / 100
    for scale in (excel_scale, excel_scale * 0.95):           # LibreOffice fits a little smaller
        pages = _pages(ws, last, scale)
        for first, to in charts:
            assert pages[first] == pages[to], f"chart rows {first}-{to} split at scale {scale}"
        for row, _ in layout["blocks"]:
            assert pages[row] == pages[row + 3], f"table at row {row} split from its first rows"


def test_print_setup_and_spare_hidden_column(laid_out):
    path, layout = laid_out
    ws = openpyxl.load_workbook(path)["KPI指标"]
    col = layout["chart_col"]
    letter = openpyxl.utils.get_column_letter(col + 1)
    assert ws.page_setup.orientation == "landscape" and ws.page_setup.paperSize == 9
    assert ws.page_setup.fitToHeight == 0 and ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.print_area.endswith(f"${letter}$" + ws.print_area.rsplit("$", 1)[1])   # charts printed too
    hidden = openpyxl.utils.get_column_letter(col + 2)
    assert ws.column_dimensions[hidden].hidden                # spare column for chart labels


def test_long_category_charts_are_horizontal_and_capped_to_a_page(tmp_path):
    from addin.report.xlsxcharts import native_chart
    from addin.report.xlsxout import write_table
    book = xlsxwriter.Workbook(str(tmp_path / "c.xlsx"))
    ws, f = book.add_worksheet("S"), formats(book)
    batches = _tables()[3]
    made = native_chart(book, ws, "batches", batches, write_table(ws, 0, 0, batches, f), "S", 9, tallest=600)
    assert type(made[0]).__name__ == "ChartBar" and made[2] == 600
    short = Table("batches", "批次", batches.headers, batches.kinds, batches.rows[:3])
    assert native_chart(book, ws, "batches", short, write_table(ws, 80, 0, short, f), "S", 9)[2] == 300 - 40
    replies = Table("replies", "回复", ("部门", "已发", "已回复", "逾期", "未到期", "回复率"), ("text",) + ("int",) * 4 + ("pct",),
                    (("研发部", 0, 0, 0, 0, None),))
    assert native_chart(book, ws, "replies", replies, write_table(ws, 90, 0, replies, f), "S", 9) is None
    book.close()
