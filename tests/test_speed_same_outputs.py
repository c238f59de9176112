"""The fast paths give exactly what the slow ones gave (issue 12): each is compared with the
straightforward implementation it replaced, kept here as the reference, on a workbook built in
code with every kind of mistake the checks know (messages from templates and from callables,
dates with and without a time, whole and fractional numbers, empty cells)."""
from __future__ import annotations

import json
from datetime import datetime, timedelta

import numpy as np
import openpyxl
import pandas as pd
import pytest
from click.testing import CliRunner

from addin.book.issues import Issue, WorkbookError, issues_json
from addin.book.sheethead import head_rows
from addin.book.sheetscan import sheet_part
from addin.book.workbook import open_book
from addin.cli import main
from addin.cli.fees import _value, to_json
from addin.rules import checks
from addin.rules.fees import compute
from addin.rules.loader import load_workbook
from tests.conftest import good_order, write_orders

MISTAKES = (
    {"联系电话": "1381234567"}, {"是否三包期内": "否"}, {"服务工时": 9.5}, {"服务工时": 7},
    {"到达现场时间": datetime(2025, 10, 5, 8, 0)}, {"售后人员": None}, {"产品类型": "电饭煲"},
    {"城市级别": "县"}, {"工时费": "八十"}, {"出厂日期": datetime(2025, 11, 20)},
    {"购买日期": datetime(2019, 1, 1), "出厂日期": datetime(2018, 1, 1)}, {"到达人员数": 1.5},
    {"配件费用": -12.5}, {"单程距离(公里)": -3}, {"报修时间": "2025-13-01"}, {"客户评价": "还行"},
    {"离开现场时间": datetime(2025, 10, 5, 13, 0)}, {"服务单编号": "FW202610001"},
    {"购买日期": datetime(2023, 1, 1), "出厂日期": datetime(2020, 1, 1), "是否三包期内": "是"},
    {"首次响应时间": datetime(2025, 10, 5, 9, 0)}, {"报修时间": datetime(2031, 1, 1, 0, 0)},
)


@pytest.fixture(scope="module")
def book_path(tmp_path_factory):
    orders = [good_order(i + 1, **(MISTAKES[(i // 2) % len(MISTAKES)] if i % 2 else {}))
              for i in range(4 * len(MISTAKES))]
    for i, o in enumerate(orders):          # times with and without minutes, varied money
        o["报修时间"] = o["报修时间"] + timedelta(hours=i % 5) if isinstance(o["报修时间"], datetime) else o["报修时间"]
        o["配件费用"] = o["配件费用"] if i % 4 else 35.5
    return write_orders(tmp_path_factory.mktemp("same") / "服务单.xlsx", orders,
                        title_rows=[["2025年10月 服务单"], []])


def _old_show(v):
    if isinstance(v, pd.Timestamp):
        return v.strftime("%Y-%m-%d %H:%M") if (v.hour or v.minute) else v.strftime("%Y-%m-%d")
    if isinstance(v, float) and not np.isnan(v) and v.is_integer():
        return int(v)
    return "" if v is None or (isinstance(v, float) and np.isnan(v)) else v


class RowByRow(checks.Context):
    """The Context.flag of before issue 12: a dict per flagged row, every field shown."""

    def flag(self, mask, field, code, severity, message):
        mask = pd.Series(mask, index=self.f.index).fillna(False).astype(bool)
        out = []
        for row, values in self.f[mask.to_numpy()].to_dict("index").items():
            values = {k: _old_show(v) for k, v in values.items()}
            values["_row"] = int(row)
            text = message(values) if callable(message) else message.format(**values)
            out.append(Issue(self.orders.cell(int(row), field), checks.BY_FIELD[field].header, code, severity, text))
        return out


def test_checks__column_by_column_messages_equal_the_row_by_row_ones(book_path, at):
    at("2026-11-23")
    wb = load_workbook(book_path)
    now = datetime(2026, 11, 23)
    fast = checks.Context(wb.orders, wb.policy, wb.settings, now)
    slow = RowByRow(wb.orders, wb.policy, wb.settings, now)
    codes = set()
    for check in checks.CHECKS:
        assert check(fast) == check(slow), check.__name__
        codes |= {i.code for i in check(fast)}
    assert len(codes) >= 18                      # the workbook really exercises the rules


def test_check_json__is_what_json_dumps_gave(book_path, at):
    at("2026-11-23")
    wb = load_workbook(book_path)
    assert len(wb.issues) > 40
    reference = json.dumps([i.as_dict() for i in wb.issues], ensure_ascii=False, indent=1)
    assert issues_json(wb.issues) == reference and issues_json([]) == json.dumps([], indent=1)
    out = CliRunner().invoke(main, ["check", str(book_path), "--json"]).output
    assert out == reference + "\n"


def _old_to_json(result):
    """The fees JSON as before: `_value` (one value's JSON, unchanged) for every cell, row by row."""
    objects = []
    for row, rec in zip(result.index, result.to_dict("records")):
        pairs = [f'"row": {int(row)}'] + [f"{json.dumps(k)}: {_value(k, v)}" for k, v in rec.items()]
        objects.append("{" + ", ".join(pairs) + "}")
    return "[\n" + ",\n".join(objects) + "\n]"


def test_fees_json__per_column_equals_per_row(book_path, at):
    at("2026-11-23")
    result = compute(load_workbook(book_path))
    assert (~result["computable"]).any() and result["in_warranty"].eq(True).any()
    assert to_json(result) == _old_to_json(result)
    assert to_json(result.iloc[:0]) == _old_to_json(result.iloc[:0])


def _openpyxl_head(path, name, n):
    """The head as before: openpyxl read-only, values from A1."""
    book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    grid = [[] for _ in range(n)]
    for row in book[name].iter_rows(min_row=1, max_row=n, max_col=60):
        for cell in row:
            if getattr(cell, "value", None) is not None:
                line = grid[cell.row - 1]
                line.extend([""] * (cell.column - len(line)))
                line[cell.column - 1] = cell.value
    book.close()
    width = max(len(r) for r in grid)
    return [r + [""] * (width - len(r)) for r in grid]


def test_head__the_sheet_xml_gives_what_openpyxl_gave(tmp_path):
    path = tmp_path / "head.xlsx"
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "服务单"
    ws["C2"] = "维修服务单 2025"
    ws["E2"] = 2025
    ws["F2"] = 12.5
    ws["G2"] = True
    ws["B4"], ws["C4"], ws["D4"] = "服务单编号", " 服务类型 ", "客户名称"
    ws["B5"], ws["D5"] = "FW1", "张三"
    ws["A13"] = "below the head"
    book.save(path)
    part = sheet_part(path, "服务单")
    assert head_rows(path, part, 12) == _openpyxl_head(path, "服务单", 12)
    assert len(head_rows(path, part, 12)) == 12 and head_rows(path, part, 4)[3][1] == "服务单编号"


def test_head__a_template_written_workbook_reads_the_same_through_the_book(book_path, tmp_path):
    from addin.book.template import write_workbook

    path = write_workbook(tmp_path / "t.xlsx", [{"order_no": "FW1", "customer": "张三", "labour_fee": 80}])
    for p in (book_path, path):
        ours, theirs = open_book(p).head("服务单", 10), _openpyxl_head(p, "服务单", 10)
        assert [[v != "" for v in r] for r in ours] == [[v != "" for v in r] for r in theirs]
        dates = [(a, b) for ra, rb in zip(ours, theirs) for a, b in zip(ra, rb) if isinstance(b, datetime)]
        assert all(isinstance(a, float | int) for a, _ in dates)   # a date stays its serial number
        assert [[a for a, b in zip(ra, rb) if not isinstance(b, datetime)] for ra, rb in zip(ours, theirs)] == \
            [[b for b in rb if not isinstance(b, datetime)] for rb in theirs]


def test_head__a_sheet_without_dimension_tag_reads_the_same(book_path, tmp_path):
    import re
    import zipfile

    bare = tmp_path / "nodim.xlsx"
    with zipfile.ZipFile(book_path) as zin, zipfile.ZipFile(bare, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename.startswith("xl/worksheets/"):
                data, n = re.subn(rb"<dimension [^>]*/>", b"", data)
                assert n == 1
            zout.writestr(info, data)
    assert open_book(bare).head("服务单", 10) == open_book(book_path).head("服务单", 10)
    assert load_workbook(bare).issues == load_workbook(book_path).issues


def test_rows_of__per_column_equals_per_cell(book_path, at):
    from addin.report import tables
    from addin.report.summary import summarize

    at("2026-11-23")
    wb = load_workbook(book_path)
    summary = summarize(wb.orders.frame, compute(wb), "2025-10", policy=wb.policy, settings=wb.settings,
                        issues=wb.issues, error_rows=wb.error_rows, sheet=wb.orders.sheet)
    orders = summary.orders
    kinds = {orders[c].dtype.kind for c in orders.columns}
    assert {"M", "f", "O", "b"} <= kinds and orders.isna().any().any()
    per_cell = tuple(tuple(tables._value(v) for v in row) for row in orders.itertuples(index=False, name=None))
    assert tables.rows_of(orders, orders.columns) == per_cell
    assert tables.rows_of(orders.iloc[:0], orders.columns) == ()


def _sheet_parts(path) -> dict[str, bytes]:
    import zipfile

    with zipfile.ZipFile(path) as z:
        return {n: z.read(n) for n in z.namelist() if n.startswith("xl/worksheets/") or n == "xl/sharedStrings.xml"}


def _fill(book):
    from addin.report.xlsxout import formats

    f = formats(book)
    ws = book.add_worksheet("表")
    ws.set_row(3, None, book.add_format({"bold": True}))
    ws.set_column(5, 5, 12, book.add_format({"italic": True}))
    for r in range(40):
        ws.write_string(r, 0, f"文本 <&> \"{r}\" " * (r % 3), f[("text", r % 2 == 0)])
        ws.write_number(r, 1, r * 1.1 - 7, f[("money", False)])
        ws.write_number(r, 2, 10 ** (r - 20), f[("num", True)])
        ws.write_datetime(r, 3, datetime(2026, 1, 1) + timedelta(hours=r * 7), f[("datetime", False)])
        ws.write_blank(r, 4, None, f[("text", False)])
        ws.write_string(r, 5, "无格式")                     # column format
        ws.write_number(r, 6, r)                            # no format at all
        ws.write_formula(r, 7, f"=B{r + 1}*2", f[("num", False)], r * 2.2)
    ws.write_rich_string(41, 0, "a", f[("text", True)], "b", "c")
    ws.write_comment(5, 12, "批注在数据右边")              # spans: comments count as used columns
    ws.write_comment(60, 3, "只有批注的行")
    ws.set_row(70, 30)                                  # a row with a height only
    ws.write_string(3, 8, "行格式")                         # row format


def test_fast_sheet__writes_exactly_xlsxwriters_sheet_xml(tmp_path):
    import xlsxwriter

    from addin.report import fastsheet

    paths = []
    for name, fast in (("stock.xlsx", False), ("fast.xlsx", True)):
        book = xlsxwriter.Workbook(str(tmp_path / name))
        _fill(book)
        assert isinstance(book.worksheets()[0], fastsheet.FastSheet)
        if not fast:                            # the same content through xlsxwriter's own writer
            book.worksheets()[0].__class__ = xlsxwriter.worksheet.Worksheet
        book.close()
        paths.append(tmp_path / name)
    stock, fast = (_sheet_parts(p) for p in paths)
    assert stock == fast and b'<c r="A2" s=' in stock["xl/worksheets/sheet1.xml"]


def test_fast_sheet__a_table_written_row_by_row_is_xlsxwriters_sheet_xml(tmp_path):
    from decimal import Decimal

    import xlsxwriter

    from addin.report.tables import Table
    from addin.report.xlsxout import formats, write_table

    from datetime import date

    stamps = (datetime(2026, 1, 1, 0, 0), datetime(2026, 3, 1, 13, 7, 59, 123456), datetime(1900, 1, 1, 6),
              datetime(1900, 2, 28, 23, 59), date(1900, 3, 1), date(2026, 10, 31), None,
              pd.Timestamp("2026-10-05 08:30"))
    rows = tuple((f"型号{i % 7}" * (i % 4), i * 2.5 - 3, i, None, i % 2 == 0, datetime(2026, 1, 1 + i % 28),
                  Decimal("12.30"), "x" * (20000 if i == 3 else 1),
                  datetime(2025, 11, 1, 8) + timedelta(minutes=97 * i), stamps[i % len(stamps)] if i % 9 else
                  date(2026, 2, 1 + i % 27)) for i in range(30))
    table = Table("t", "表", tuple("ABCDEFGHIJ"), ("text", "money", "int", "text", "text", "date", "money", "text",
                                                  "datetime", "datetime"), rows, "注")
    paths = []
    for name, fast in (("stock.xlsx", False), ("fast.xlsx", True)):
        book = xlsxwriter.Workbook(str(tmp_path / name))
        f = formats(book)
        if not fast:
            book.worksheet_class = xlsxwriter.worksheet.Worksheet
        write_table(book.add_worksheet("表"), 0, 0, table, f, marked_rows={2, 5})
        book.close()
        paths.append(tmp_path / name)
    stock, fast = (_sheet_parts(p) for p in paths)
    assert stock == fast and b"<v>24.5</v>" in stock["xl/worksheets/sheet1.xml"]


def test_head__shared_strings_and_the_fall_back_when_they_are_elsewhere(tmp_path):
    import zipfile

    import xlsxwriter

    path, moved = tmp_path / "shared.xlsx", tmp_path / "moved.xlsx"
    book = xlsxwriter.Workbook(str(path))          # not constant_memory: strings go to the shared table
    ws = book.add_worksheet("服务单")
    ws.write_rich_string(0, 0, "售后", book.add_format({"bold": True}), "服务单")
    for c, h in enumerate(["服务单编号", "服务类型", "客户名称", "联系电话", "产品类型"]):
        ws.write_string(2, c + 1, h)
    book.close()
    expected = [["售后服务单", "", "", "", "", ""], [""] * 6, ["", "服务单编号", "服务类型", "客户名称", "联系电话", "产品类型"]]
    assert head_rows(path, sheet_part(path, "服务单"), 3) == expected == _openpyxl_head(path, "服务单", 3)
    with zipfile.ZipFile(path) as zin, zipfile.ZipFile(moved, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info)
            name = "xl/strings.xml" if info.filename == "xl/sharedStrings.xml" else info.filename
            if name.endswith(".rels") or name == "[Content_Types].xml":
                data = data.replace(b"sharedStrings.xml", b"strings.xml")
            zout.writestr(name, data)
    with pytest.raises(KeyError):
        head_rows(moved, sheet_part(moved, "服务单"), 3)
    with pytest.raises(WorkbookError) as caught:                   # the full read then says what is wrong
        open_book(moved).head("服务单", 3)
    assert caught.value.code == "corrupt"
