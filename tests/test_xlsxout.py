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


def test_text_lines_of_short_long_and_multi_line_texts():
    assert text_lines("更换内胆", 16) == 1                  # 8 units in a 16-wide column
    assert text_lines("打孔挂机,安装混水阀和漏电保护插头,试机", 16) == 3    # 40 units
    assert text_lines("KFR-35GW/BP3", 16) == 1
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


def test_text_lines_follow_excel_pixels_not_character_counts():
    # Worked by hand with Excel's geometry (96 dpi): a 15-wide column leaves 7 x 15 = 105 px for
    # text and a 10 pt CJK character is 13.3 px, so 7 characters (93 px) fit and 8 (107 px) do not.
    assert text_lines("客户更换路由器", 15) == 1
    assert text_lines("客户更换了路由器", 15) == 2
    # Latin text by its letters: "KFR-35GW/BP3" = 3 x 9.5 + 5.1 + 2 x 8.2 + 9.5 + 13.2 (W)
    # + 5.1 + 2 x 9.5 + 8.2 = 105 px fits in 16 x 7 = 112 px, not in 14 x 7 = 98 px.
    assert text_lines("KFR-35GW/BP3", 16) == 1
    assert text_lines("KFR-35GW/BP3", 14) == 2
    # Words stay whole: "FW202611007" (96.5 px) fits on the first line of 105 px and the second
    # number moves down whole instead of being cut after its first digits.
    assert text_lines("FW202611007 FW202611021", 15) == 2
    # Where counting two units a CJK character and one a letter is wrong (the old estimate):
    assert text_lines("中" * 31, 60) == 1             # 413 px of 420 (not 62 units > 59)
    assert text_lines("abcdefghijk", 11) == 1          # 9 x 7.5 + 2 x 4.0 = 75.5 px of 77
    # ... and where words wrap whole: each "ABCDEFG " is 70.5 px, two do not fit in 112 px,
    # so three lines where 23 characters in 15 units would say two.
    assert text_lines("ABCDEFG ABCDEFG ABCDEFG", 16) == 3
    # Punctuation between model numbers joins them, as LibreOffice wraps them (rendered: three
    # lines "KFR-35GW/" | "BP3、L55Q8、F60-" | "21A1" in a 20-wide column, where two rows were
    # drawn): 77.8 px, then a 128.5 px piece that does not fit beside it, then 34.1 px more.
    assert text_lines("KFR-35GW/BP3、L55Q8、F60-21A1", 20) == 3
    # A piece longer than a line starts on a new line, then is cut (LibreOffice draws
    # "县城上门超时 8 单(服务单" and then the order numbers): 85.1 px on the first line, then
    # 334.6 px of numbers over 140 px lines: 4 lines, not the 3 of filling the first line up.
    assert text_lines("超时单(服务单" + "FW202611010、" * 3 + ")", 20) == 4


def test_a_long_text_gets_up_to_twenty_lines(tmp_path):
    from addin.report.xlsxout import MAX_LINES, PAD_PT, row_points
    assert MAX_LINES == 20
    assert row_points(["中" * 7 * 12], [15]) == 12 * LINE_PT + PAD_PT     # 12 lines of 7 characters
    assert row_points(["中" * 7 * 30], [15]) == 20 * LINE_PT + PAD_PT
