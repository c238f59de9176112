"""The button handlers (addin.excel.ribbon) and the live-book glue (addin.excel.livebook) on a recording
stand-in of xlwings (tests/fake_excel.py): which cells, colours, notes and values, that the
dealer's cells survive, and that the number of calls does not grow with the rows."""
from __future__ import annotations

import inspect
from datetime import datetime
from pathlib import Path

import pytest

from addin.excel import ribbon as excel

from addin.excel import livebook
from addin.book.columns import COLUMNS, COMPUTED_HEADERS
from addin.rules.loader import load_workbook
from addin.book.patch import RED, RESULT_SHEET, YELLOW, check_patch
from tests.conftest import good_order, write_orders
from tests.fake_excel import Book

HEADERS = [c.header for c in COLUMNS]
PHONE_COL = HEADERS.index("联系电话") + 1


def _orders(n: int, bad: int = 3) -> list[dict]:
    """n correct orders; the first `bad` have an impossible phone number."""
    return [good_order(i + 1, **({"联系电话": "12345"} if i < bad else {})) for i in range(n)]


def _book(orders, fullname="") -> Book:
    rows = [HEADERS] + [[o.get(h) for h in HEADERS] for o in orders]
    return Book({"服务单": rows}, fullname)  # no policy sheets: the defaults apply, as for the file


def test_check__marks_exactly_the_cells_the_core_finds_on_the_file(tmp_path):
    orders = _orders(6)
    path = write_orders(tmp_path / "服务单.xlsx", orders)
    wb = load_workbook(path)
    marks = check_patch(wb.orders.sheet, wb.orders.header_row, wb.issues).marks
    expected = {(m.cell.row, m.cell.col): m for m in marks if m.cell.sheet == "服务单"}
    book = _book(orders)
    line = excel.check(book)
    sheet = book.sheets["服务单"]
    assert set(sheet.colours) == set(expected)
    for key, mark in expected.items():
        assert sheet.colours[key] == livebook._rgb(mark.colour)
        assert sheet.notes[key] == mark.note
    assert {(2, PHONE_COL), (3, PHONE_COL), (4, PHONE_COL)} <= set(expected)
    assert line.startswith("校验完成:6 张服务单") and book.app.status_bar == line


def test_check__writes_the_result_sheet_with_links_to_the_cells():
    book = _book(_orders(4, bad=1))
    excel.check(book)
    rows = book.sheets[RESULT_SHEET].rows()
    assert rows[0][:3] == ["序号", "工作表", "单元格"]
    cell = f"{chr(64 + PHONE_COL)}2"
    links = [r[2] for r in rows[1:]]
    assert f'=HYPERLINK("#\'服务单\'!{cell}","{cell}")' in links


def test_check__second_click_and_clear_give_back_the_dealers_own_colour_and_note():
    book = _book(_orders(3, bad=1))
    sheet = book.sheets["服务单"]
    sheet.colours[(2, PHONE_COL)] = (0, 176, 80)
    sheet.notes[(2, PHONE_COL)] = "客户换了号码"
    typed = dict(sheet.cells)
    excel.check(book)
    assert sheet.colours[(2, PHONE_COL)] == livebook._rgb(RED)
    assert sheet.notes[(2, PHONE_COL)].endswith("客户换了号码") and "phone" in sheet.notes[(2, PHONE_COL)]
    excel.check(book)  # a second click does not stack notes
    assert sheet.notes[(2, PHONE_COL)].count("客户换了号码") == 1
    line = excel.clear_marks(book)
    assert sheet.colours == {(2, PHONE_COL): (0, 176, 80)}
    assert sheet.notes == {(2, PHONE_COL): "客户换了号码"}
    assert sheet.cells == typed  # nothing the dealer typed changed
    assert line.startswith("已清除")


def test_fees__fills_the_computed_columns_and_leaves_typed_cells_alone():
    orders = _orders(3, bad=0) + [good_order(4, 是否三包期内="否", 购买日期=datetime(2020, 1, 1),
                                             出厂日期=datetime(2019, 12, 1), 配件费用=120, 工时费=50)]
    book = _book(orders)
    typed = dict(book.sheets["服务单"].cells)
    line = excel.fees(book)
    rows = book.sheets["服务单"].rows()
    header = rows[0]
    assert header[:len(HEADERS)] == HEADERS and header[len(HEADERS):] == list(COMPUTED_HEADERS)
    verdict = [r[header.index("三包判定")] for r in rows[1:]]
    assert verdict[:3] == [v for v in verdict[:3] if v.startswith("保内")] and verdict[3] == "保外"
    assert rows[4][header.index("应收客户合计")] >= 170
    assert all(book.sheets["服务单"].cells[k] == v for k, v in typed.items())
    assert line.startswith("计算完成:4 张服务单")


def _calls(n_rows: int, handler) -> int:
    book = _book(_orders(n_rows, bad=3))
    handler(book)
    return len(book.calls)


@pytest.mark.parametrize("handler", [excel.check, excel.fees])
def test_calls__do_not_grow_with_the_rows(handler):
    assert _calls(10, handler) == _calls(1000, handler)


def test_calls__the_report_button_does_not_grow_with_the_rows(tmp_path):
    counts = []
    for n in (10, 200):                       # a month of 200 orders writes five workbooks: enough to show it
        book = _book(_orders(n, bad=3), fullname=str(tmp_path / f"{n}" / "服务单.xlsx"))
        (tmp_path / f"{n}").mkdir()
        assert "个部门反馈包" in excel.report(book, month="2025-10")
        counts.append(len(book.calls))
    assert counts[0] == counts[1]


def test_calls__marks_are_capped(monkeypatch):
    monkeypatch.setattr(livebook, "MAX_MARKS", 5)
    book = _book(_orders(30, bad=30))
    line = excel.check(book)
    assert len(book.sheets["服务单"].notes) == 5 and "只列在表中" in line
    assert len(book.sheets[RESULT_SHEET].rows()) > 30


def test_calls__colours_are_set_per_multi_area_range_not_per_cell():
    book = _book(_orders(250, bad=250))
    excel.check(book)
    marked = len(book.sheets["服务单"].notes)
    assert marked == 250 and len(book.sheets["服务单"].colours) == 250
    assert book.calls.count("color=") <= 250 * len("E250,") // 255 + 2     # a few dozen cells a call
    book.calls.clear()
    assert livebook.clear_marks(book) == 250
    assert book.sheets["服务单"].colours == {} and book.calls.count("color=") <= 8


def test_areas__join_cells_under_excels_address_limit_and_keep_them_all():
    cells = [f"{c}{r}" for r in range(1, 400) for c in ("E", "AB")]
    chunks = livebook.areas(cells)
    assert all(len(a) <= 255 for a in chunks) and len(chunks) < len(cells) / 30
    assert [a1 for chunk in chunks for a1 in chunk.split(",")] == cells
    assert livebook.areas([]) == [] and livebook.areas(["A1"]) == ["A1"]


def test_handlers__an_unreadable_book_is_one_chinese_line_in_a_message_box():
    book = Book({"Sheet1": [["随便", "什么"]]})
    line = excel.check(book)
    assert line.startswith("错误[no-order-sheet]") and book.app.alerts == [line]


def test_handlers__buttons_that_need_a_saved_file_say_so():
    book = _book(_orders(2))
    for handler in (excel.send, excel.import_replies, excel.open_reports, excel.report):
        line = handler(book)
        assert "请先把工作簿保存" in line, handler.__name__


def test_import_replies__asks_for_the_files_when_the_folder_is_empty(tmp_path):
    book = _book(_orders(2), fullname=str(tmp_path / "服务单.xlsx"))
    line = excel.import_replies(book)
    assert (tmp_path / "回复").is_dir() and "回复" in line


def test_send__sends_the_due_months_of_the_saved_file(tmp_path, monkeypatch, at):
    """The button runs the same core as `send-due` (no SMTP server: .eml files in 发件箱)."""
    for key in ("HOST", "PORT", "USER", "PASSWORD", "SECURITY"):
        monkeypatch.delenv(f"AFTERSALES_SMTP_{key}", raising=False)
    orders = [good_order(i, 报修时间=datetime(2026, 9, 3, 9, 30), 首次响应时间=datetime(2026, 9, 3, 9, 50),
                         到达现场时间=datetime(2026, 9, 3, 14), 离开现场时间=datetime(2026, 9, 3, 15))
              for i in (1, 2)]
    path = write_orders(tmp_path / "服务单.xlsx", orders)
    at("2026-10-20")
    book = _book(orders, fullname=str(path))
    line = excel.send(book)
    assert line.startswith("发送反馈(按已保存的工作簿)") and book.app.status_bar == line and not book.app.alerts
    # only 研发部 has an item (背光板损坏 twice on L55V8); the others have none and 无事项时也发送 is 否
    assert [p.name for p in (tmp_path / "发件箱").glob("2026-09_*.eml")] == ["2026-09_研发部.eml"]
    assert excel.send(book).endswith("没有到期未发送的月份。")        # once only, as the command


def test_handlers__take_book_first_and_do_nothing_at_import():
    for name in ("check", "fees", "report", "send", "import_replies", "clear_marks", "open_reports", "help"):
        params = list(inspect.signature(getattr(excel, name)).parameters.values())
        assert params[0].name == "book" and all(p.default is not inspect.Parameter.empty for p in params)
    source = Path(excel.__file__).read_text("utf-8")
    assert "\nimport xlwings" not in source and "\nfrom xlwings" not in source


def test_report__writes_packs_beside_the_saved_book_and_the_month_sheet(tmp_path, at):
    at("2025-11-10")                                  # the button means the last closed month: 2025-10
    book = _book(_orders(5), fullname=str(tmp_path / "服务单.xlsx"))
    line = excel.report(book)
    folder = tmp_path / "reports" / "2025-10"
    assert (folder / "2025年10月_售后服务统计表.xlsx").exists()
    assert len(list(folder.glob("2025年10月_售后反馈_*.xlsx"))) == 4
    rows = book.sheets["2025年10月统计"].rows()
    assert rows[0][:2] == ["2025年10月 售后服务统计", "服务单 5 单"]
    assert "4 个部门反馈包" in line and not book.app.alerts


def test_safe__values_excel_can_take():
    import numpy as np
    import pandas as pd
    from decimal import Decimal
    assert livebook._safe("=1+1") == "'=1+1" and livebook._safe("-") == "'-"
    assert livebook._safe(np.int64(3)) == 3 and type(livebook._safe(np.int64(3))) is int
    assert livebook._safe(Decimal("12.30")) == 12.3
    assert livebook._safe(float("nan")) is None and livebook._safe(pd.NaT) is None
    assert livebook._safe(pd.Timestamp("2026-10-05 09:30")) == datetime(2026, 10, 5, 9, 30)


def test_a_click_makes_the_worksheet_functions_reread_the_policy():
    from addin.excel import udf_policy

    udf_policy.CACHE._entries["某工作簿"] = object()
    excel.check(_book(_orders(3, bad=0)))
    assert udf_policy.CACHE._entries == {}


def test_check__an_empty_sheet_says_there_are_no_orders_yet_without_an_alarm():
    book = _book([])
    line = excel.check(book)
    assert "还没有服务单" in line and line.startswith("校验完成")
    assert book.app.alerts == [] and book.app.status_bar == line
