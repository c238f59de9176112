"""The ribbon buttons 打印服务单 and 今日工作 (addin.excel.ribbon) on the recording stand-in of
xlwings (tests/fake_excel.py): the selected rows become a real PDF beside the workbook, the work
lists become the sheet 今日工作 with its red cells."""
from __future__ import annotations

import shutil
import subprocess

import pytest

from addin.book.columns import COLUMNS
from addin.day.lists import SHEET
from addin.excel import livebook
from addin.excel import ribbon
from tests.conftest import good_order
from tests.fake_excel import Book
from tests.test_lists import NOW, ORDERS, no

HEADERS = [c.header for c in COLUMNS]


def _book(orders, fullname="") -> Book:
    return Book({"服务单": [HEADERS] + [[o.get(h) for h in HEADERS] for o in orders], "说明": [["随便"]]},
                fullname)


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler's pdftotext")
def test_print_forms__the_selected_rows_become_three_copies_each(tmp_path, at):
    at("2026-10-15T09:30")
    book = _book([good_order(n) for n in range(1, 6)], str(tmp_path / "服务单.xlsx"))
    sheet = book.sheets["服务单"]
    book.selection = sheet.range((3, 2), (4, 5))  # rows 3 and 4: orders 2 and 3
    line = ribbon.print_forms(book)
    out = tmp_path / "打印" / "服务单_20261015_093000.pdf"
    assert line == f"已生成 2 张服务单(每张三联,共 6 页):{out}" and book.app.status_bar == line
    text = subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True).stdout
    pages = text.split("\f")[:-1]
    assert len(pages) == 6
    assert [p.count(f"编号:{no(2)}") for p in pages] == [1, 1, 1, 0, 0, 0]
    assert all(f"编号:{no(3)}" in p for p in pages[3:])


def test_print_forms__without_a_selection_on_the_order_sheet_says_what_to_do(tmp_path):
    book = _book([good_order(1)], str(tmp_path / "服务单.xlsx"))
    line = ribbon.print_forms(book)
    assert line.startswith("错误[no-order-selected]") and book.app.alerts == [line]
    book.selection = book.sheets["说明"].range("A1")
    assert ribbon.print_forms(book).startswith("错误[no-order-selected]")
    book.selection = book.sheets["服务单"].range("A1")  # the header row only
    assert "没有服务单编号" in ribbon.print_forms(book)
    assert not (tmp_path / "打印").exists()


def test_today__writes_the_sheet_with_the_late_visit_in_red(at):
    at(NOW)
    book = _book(ORDERS)
    typed = dict(book.sheets["服务单"].cells)
    line = ribbon.today(book)
    assert line.startswith("今日工作:待上门(3),拉修在外(2),待回访(2),待处理投诉(3)")
    sheet = book.sheets[SHEET]
    rows = sheet.rows()
    link = f'=HYPERLINK("#\'服务单\'!A3","{no(2)}")'  # order 2 is on Excel row 3
    r = next(i for i, row in enumerate(rows, 1) if row[0] == link)
    assert rows[r - 1][8] == "已超时 1.0 小时"
    assert sheet.colours[(r, 9)] == livebook._rgb("FFC7CE")
    assert rows[r - 1][2] == "13812345678"
    assert all(book.sheets["服务单"].cells[k] == v for k, v in typed.items())


def test_print_forms__an_unsaved_book_is_asked_to_be_saved_first():
    book = _book([good_order(1)])
    book.selection = book.sheets["服务单"].range((2, 1))
    assert ribbon.print_forms(book).startswith("错误[book-unsaved]")
