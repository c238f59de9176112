import openpyxl
import xlsxwriter

from addin.report.summary import TABLE_728_HEADERS, TABLE_728_KINDS, Table
from addin.report.xlsxout import LINE_PT, ROW_PT, WIDTHS_728, formats, text_lines, write_728, write_table


def _write(tmp_path, draw):
    path = tmp_path / "t.xlsx"
    book = xlsxwriter.Workbook(str(path))
    ws = book.add_worksheet("表")
    draw(ws, formats(book))
    book.close()
    return openpyxl.load_workbook(path)["表"]


def test_text_lines_counts_cjk_as_two_units():
    assert text_lines("更换内胆", 16) == 1                  # 8 units in a 16-wide column
    assert text_lines("打孔挂机,安装混水阀和漏电保护插头,试机", 16) == 3    # 40 units
    assert text_lines("KFR-35GW/BP3", 13) == 1
    assert text_lines("第一行\n第二行", 30) == 2


def test_wrapped_headers_and_rows_get_the_height_they_need(tmp_path):
    t = Table("promise", "上门时效", ("城市级别", "平均上门时长(小时)", "1小时响应达标率"), ("text", "num", "pct"),
              (("县城", 1.5, 0.5), ("一个很长很长的城市级别名称需要三行才能放下的", 2.0, 0.25)))
    ws = _write(tmp_path, lambda ws, f: write_table(ws, 0, 0, t, f, widths=[10, 8, 8], set_widths=True))
    header = ws.row_dimensions[2].height                 # title row 1, header row 2
    assert header >= 3 * LINE_PT                         # "平均上门时长(小时)": 18 units in 8 → 3 lines
    assert ws.row_dimensions[3].height in (None, ROW_PT)  # one line stays one line (15 is the default)
    assert ws.row_dimensions[4].height >= 5 * LINE_PT    # 44 units in a 10-wide column
    assert ws.column_dimensions["A"].width >= 10


def test_empty_table_says_so(tmp_path):
    t = Table("repeats", "返修与换机", ("服务单编号", "维修次数"), ("text", "int"), ())
    ws = _write(tmp_path, lambda ws, f: write_table(ws, 0, 0, t, f))
    assert ws.cell(row=3, column=1).value == "本月无。"


def test_728_print_setup_widths_and_centred_codes(tmp_path):
    row = (1, "张三", "空调", "KFR-35GW/BP3", 1, "不制冷", "压缩机不启动", "打孔、挂机、连接铜管,抽真空试机,讲解使用",
           None, None, None, 1092.0, "FW202610001")
    t = Table("t728", "", TABLE_728_HEADERS, TABLE_728_KINDS, (row,))
    ws = _write(tmp_path, lambda ws, f: write_728(ws, t, f, "2026年10月份产品售后服务统计表"))
    assert ws.page_setup.orientation == "landscape" and ws.page_setup.paperSize == 9
    assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToHeight == 0
    assert ws.print_title_rows == "$2:$2" and ws.print_area == "'表'!$A$1:$M$4"
    assert ws.column_dimensions["D"].width >= len("KFR-35GW/BP3")           # model numbers do not wrap
    assert ws.row_dimensions[3].height >= 2 * LINE_PT                        # 处理方案 needs two lines
    assert ws.cell(row=3, column=13).alignment.horizontal == "center"        # not glued to the money
    assert ws.cell(row=3, column=12).number_format == "#,##0.00"
    assert ws.freeze_panes == "A3"
    assert sum(WIDTHS_728) <= 160                                            # still one readable page wide
