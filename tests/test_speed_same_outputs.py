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


# ---- the report's fast paths (issue 12, second round), each against the code it replaced ----

def _report_orders(n: int = 2400, seed: int = 3) -> list[dict]:
    """A year of orders with repeating models, batches, faults, causes, customers named in
    their own fault texts and phones typed into comments."""
    import random

    rnd = random.Random(seed)
    cats = {"空调": ["不制冷", "制冷差", "漏水", "压缩机不转", "室内机漏水 滴水"], "电视": ["黑屏", "没声音", "灯条损坏"],
            "冰箱": ["不冷", "结霜", "异响"], "洗衣机": ["不脱水", "排水慢", "噪音大"]}
    causes = ["元件老化", "电容击穿", "虚焊", "设计缺陷", "运输磕碰", "安装不当", "电压不稳", "主板损坏", "", None]
    start = datetime(2025, 11, 1, 8)
    orders = []
    for i in range(n):
        cat = rnd.choice(list(cats))
        reported = start + timedelta(minutes=rnd.randrange(0, 365 * 24 * 60))
        purchase = reported - timedelta(days=rnd.choice([3, 10, 40, 200, 700, 1400]))
        name = rnd.choice("张王李赵") + rnd.choice(["先生", "女士", "三", "小明"])
        phone = f"13{rnd.randrange(10 ** 8, 10 ** 9)}"
        fault = rnd.choice(cats[cat])
        orders.append({
            "order_no": f"FW{i:06d}", "service_type": rnd.choice(["维修"] * 5 + ["安装", "退换货", "保养"]),
            "customer": name, "phone": phone, "address": f"湖南省长沙市岳麓区麓山路{rnd.randrange(1, 40)}号",
            "city_tier": rnd.choice(["县城", "乡镇"]), "category": cat, "model": f"{cat[:1]}M{rnd.randrange(1, 6)}",
            "serial": f"SN{rnd.randrange(300)}", "production_date": purchase - timedelta(days=rnd.choice([20, 50, 80])),
            "purchase_date": purchase.date(), "claimed_warranty": "是", "reported_at": reported,
            "first_contact": reported + timedelta(minutes=30), "arrived_at": reported + timedelta(hours=rnd.choice([2, 30])),
            "left_at": reported + timedelta(hours=rnd.choice([3, 31])), "technician": "王师傅", "staff_count": 1,
            "labour_hours": 1, "distance_km": rnd.randrange(0, 50),
            "reported_fault": fault if i % 7 else f"{name}家{fault}", "diagnosed_fault": rnd.choice([fault, "", None]),
            "cause": rnd.choice(causes), "solution": "更换配件", "parts": rnd.choice(["电源板", "", "压缩机"]),
            "customer_agreed": "是", "parts_fee": 50, "labour_fee": 80, "rating": rnd.choice(["满意", "不满意", "一般"]),
            "comment": rnd.choice(["", f"用户手机 {phone[:3]}-{phone[3:7]}-{phone[7:]}", "住滨河花园3栋1单元703室", "好"])})
    return orders


@pytest.fixture(scope="module")
def month_report(tmp_path_factory):
    """(wb, summary) of the busiest month of `_report_orders`, with a 销售台账."""
    from addin.book.template import write_workbook
    from addin.report.summary import summarize
    from addin.rules.fees import compute

    sales = [(m, f"{c}M{k}", 40, None) for m in ("2026-08", "2026-09", "2026-10") for c in "空电冰洗" for k in range(1, 6)]
    path = write_workbook(tmp_path_factory.mktemp("month") / "服务单.xlsx", _report_orders(), sales=sales)
    wb = load_workbook(path, now=datetime(2026, 11, 20))
    s = summarize(wb.orders.frame, compute(wb), "2026-10", policy=wb.policy, settings=wb.settings, issues=wb.issues,
                  error_rows=wb.error_rows, sheet=wb.orders.sheet, vocab=wb.vocab)
    assert len(s.orders) > 150 and s.history["is_quality"].sum() > 500
    return wb, s


def _old_faults(t, vocab):
    out = pd.Series("", index=t.index, dtype=object)
    terms = sorted(((term, f) for f in vocab.faults for term in {vocab_norm(f.name), *f.synonyms} if term),
                   key=lambda p: -len(p[0]))
    for source in ("diagnosed_fault", "reported_fault"):
        for exact in (True, False):
            for term, f in terms:
                scope = (t["category"] == vocab_norm(f.category)) if f.category else True
                found = (t[source] == term) if exact else t[source].str.contains(term, regex=False)
                out = out.mask((out == "") & scope & found, f.name)
    typed = t["diagnosed_fault"].where(t["diagnosed_fault"] != "", t["reported_fault"])
    return out.mask(out == "", typed).mask(lambda s: s == "", "(未填故障)")


def vocab_norm(v):
    from addin.book.vocab import norm
    return norm(v)


def test_fault_names__one_loop_per_distinct_text_names_what_the_frame_masks_named(month_report):
    from addin.book import vocab as V
    from addin.book.vocab import DEFAULT_FAULTS, Fault, Vocab

    wb, s = month_report
    extra = Vocab(faults=DEFAULT_FAULTS + (Fault("", "ANY1", "漏水", ("滴水",)), Fault("空调", "X", "", ("制冷",))))
    for vocab in (wb.vocab, extra):
        t = pd.DataFrame({c: [V.norm(v) for v in wb.orders.frame[c].fillna("").astype(str)]
                          for c in ("category", "diagnosed_fault", "reported_fault")}).drop_duplicates()
        t.loc[len(t) + 10_000] = ["空调", "", ""]
        assert V._faults(t, vocab).tolist() == _old_faults(t, vocab).tolist()


def _old_monthly_counts(history, keys, month):
    from addin.report.trends import months_to
    q = history[history["is_quality"]]
    if q.empty:
        return pd.DataFrame(columns=months_to(month))
    return pd.crosstab([q[k] for k in keys], q["month"]).reindex(columns=months_to(month), fill_value=0)


def _old_trend(history, month):
    from addin.report import trends as T
    span = T.months_to(month)
    by_model = _old_monthly_counts(history, ["model"], month)
    by_batch = _old_monthly_counts(history.dropna(subset=["prod_month"]), ["model", "prod_month"], month)
    rows = []
    for model, counts in by_model[by_model[month] > 0].sort_values(month, ascending=False).iterrows():
        c = [int(v) for v in counts]
        rows.append((model, "(全部批次)", *c, sum(c), T.spark(c), T.flag(c)))
        if isinstance(by_batch.index, pd.MultiIndex) and model in by_batch.index.get_level_values(0):
            sub = by_batch.xs(model, level=0)
            for pm, bc in sub[sub[month] > 0].sort_values(month, ascending=False).iterrows():
                b = [int(v) for v in bc]
                rows.append((model, pm, *b, sum(b), T.spark(b), T.flag(b)))
    return rows


def test_trend__grouped_counts_give_crosstabs_rows_in_the_same_order(month_report, monkeypatch):
    from addin.report import trends

    _, s = month_report
    for keys in (["model"], ["model", "prod_month"]):
        old, new = _old_monthly_counts(s.history, keys, s.month), trends.monthly_counts(s.history, keys, s.month)
        assert old.equals(new.rename_axis(index=old.index.names, columns=old.columns.name))
    monkeypatch.setattr(trends, "TREND_ROWS", 10_000)
    for month in (s.month, "2026-07"):
        assert list(trends.trend(s.history, month).rows) == _old_trend(s.history, month)
    assert len(_old_trend(s.history, s.month)) > 20


def _old_item_trend(summary, cols):
    from addin.report import trends
    h = summary.history
    q = h[h["is_quality"]] if "cause_class" not in cols else h
    for c, v in cols.items():
        q = q[q[c] == v]
    counts = [int(v) for v in q["month"].value_counts().reindex(trends.months_to(summary.month), fill_value=0)]
    f = trends.flag(counts)
    return f",近 3 个月 {'→'.join(map(str, counts[-3:]))}" + (f"({f})" if f else "")


def _old_group_items(dept, summary, sub, by, kind, rule, say, answered):
    from addin.report.items import TOP, Raised
    from addin.report.replies import FeedbackItem
    out = []
    for key, g in sub.groupby(by, sort=True):
        key = key if isinstance(key, tuple) else (key,)
        skey = "|".join(map(str, key))
        reason = rule(key, len(g)) or ("仍在发生" if (kind, skey) in answered else "")
        if reason:
            out.append(Raised(FeedbackItem(dept, kind, skey, say(key, g, reason) + "。", len(g)), g.index))
    out.sort(key=lambda r: (-r.item.count, r.item.key))
    return out[:TOP]


def test_feedback_items__as_when_every_group_was_cut_out_and_the_history_filtered(month_report, monkeypatch):
    from addin.report import items

    _, s = month_report
    o = s.orders
    for model, fault, cause in zip(o["model"], o["fault"], o["cause_class"]):
        for cols in ({"model": model}, {"model": model, "fault": fault}, {"cause_class": cause},
                     {"model": model, "prod_month": "2026-07"}):
            assert items._trend(s, cols) == _old_item_trend(s, cols)
    answered = {("型号故障", f"{o['model'].iloc[0]}|{o['fault'].iloc[0]}"): ("2026-09", "X-1")}
    depts = ("研发部", "质量部", "生产部", "售后服务部", "总经办")
    new = {d: items.raised_for(d, s, answered) for d in depts}
    monkeypatch.setattr(items, "_group_items", _old_group_items)
    monkeypatch.setattr(items, "_trend", _old_item_trend)
    old = {d: items.raised_for(d, s, answered) for d in depts}
    for d in depts:
        assert [(r.item, list(r.rows)) for r in new[d]] == [(r.item, list(r.rows)) for r in old[d]]
    assert sum(len(v) for v in old.values()) > 15


def test_mask_free_text__reuse_and_the_prefilter_change_no_text(month_report, monkeypatch):
    from addin.report import privacy

    _, s = month_report
    raw = s.repeat_orders[s.repeat_orders["service_type"].isin(("维修", "退换货"))]
    masked = privacy.mask_free_text(raw)
    reused = privacy.mask_free_text(s.history, done=(raw, masked))
    present = [c for c in privacy.FREE_TEXT if c in s.history.columns]
    left = privacy._reuse(s.history.copy(), present, raw, masked)
    assert "fault" in left and "reported_fault" not in left and "comment" not in left
    for c in left:       # the rest is taken over: what is left has no text or texts unlike raw's
        assert not privacy._texts_in(s.history[c]) or not s.history[c].equals(raw[c].reindex(s.history.index))
    monkeypatch.setattr(privacy, "BLOB_LIMIT", -1)              # no prefilter: every row tested
    assert reused.equals(privacy.mask_free_text(s.history))
    assert masked.equals(privacy.mask_free_text(raw))
    changed = s.history.assign(comment=s.history["comment"].where(s.history.index % 2 == 0, "张三 13812345678"))
    assert privacy.mask_free_text(changed, done=(raw, masked)).equals(privacy.mask_free_text(changed))
    assert (masked["comment"] != raw["comment"]).any() and (masked["reported_fault"] != raw["reported_fault"]).any()


def test_private_summary__tables_as_when_every_order_of_the_repeat_window_was_masked(month_report):
    from dataclasses import replace

    from addin.report import kpis, packs
    from addin.report.privacy import mask_free_text

    wb, s = month_report
    new = packs.private_summary(s, wb)
    orders = mask_free_text(s.orders)
    tables = kpis.all_kpis(orders, wb.policy, wb.settings, wb.issues, wb.orders.sheet, s.unplaced, s.vocab,
                           mask_free_text(s.repeat_orders))
    old = {k: packs._masked(t) for k, t in {**s.kpis, **tables}.items()}
    assert new.kpis == old and new.history.equals(mask_free_text(s.history)) and new.orders.equals(orders)
    assert len(new.kpis["repeats"].rows) > 5
    assert replace(new, kpis={}, orders=None, history=None, repeat_orders=None, table728=None) == replace(
        s, kpis={}, orders=None, history=None, repeat_orders=None, table728=None)


def test_row_heights__are_row_points_of_every_row():
    from addin.report.xlsxout import row_heights, row_points

    rows = [("短", "一段很长很长的中文说明文字,要折好几行才能放下" * (i % 4), None, 12.5, "a\nb\nc" * (i % 3), "")
            for i in range(40)]
    widths, wrapped = [6, 10, 8, 9, 5, 7], [True, True, False, False, True, True]
    assert row_heights(rows, widths, wrapped) == [row_points(r, widths, wrapped) for r in rows]
    assert row_heights(rows, widths[:3], wrapped) == [row_points(r, widths[:3], wrapped) for r in rows]
    assert row_heights([], widths, wrapped) == [] and row_heights(rows[:2], widths, [False] * 6) == [15.0, 15.0]


def test_text_and_numbers__once_per_distinct_value_as_column_wise():
    from addin.book import values as V

    def old_text(s):
        s = s.str.strip()
        return s.astype(object).where(s.notna() & (s != ""), None)

    def old_numbers(s, units):
        out = pd.to_numeric(s, errors="coerce").astype(float)
        odd = out.isna() & s.notna()
        if odd.any():
            out[odd] = pd.to_numeric(V._norm(s[odd]).str.replace(V._STRIP[units], "", regex=True),
                                     errors="coerce").astype(float)
        return out, (out.isna() & s.notna() & (s.str.strip() != "")).to_numpy()

    data = ["1", " 2 ", None, "", "八十", "1,200 元", "¥80", "８０", "35公里", "35km", "1e3", "-3", "1", "  ",
            "\u3000是\u3000", "\xa0否", "是"]
    for values in (data, [None, None], [], ["x"]):
        for dtype in ("str", object):
            s = pd.Series(values, dtype=dtype, index=range(5, 5 + len(values)), name="q")
            a, b = old_text(s), V.text(s)
            assert a.equals(b) and a.dtype == b.dtype and a.name == b.name
            for units in ("money", "distance"):
                (x, bx), (y, by) = old_numbers(s, units), V.numbers(s, units)
                assert x.equals(y) and x.name == y.name and bx.tolist() == by.tolist()


def test_fees_json__floats_once_per_distinct_bit_pattern_as_per_value():
    from addin.cli.fees import _json_column

    v = pd.Series([0.0, -0.0, np.nan, 1.005, 2.5, np.inf, -np.inf, 1e20, 0.1 + 0.2, -0.004, 3.0] * 3)
    assert _json_column("onsite_hours", v) == [_value("onsite_hours", x) for x in v.tolist()]
    cents = (np.round(v.to_numpy() * 100) / 100).tolist()            # the money path before (column-wise)
    assert _json_column("travel_fee", v) == ["null" if c != c else f"{c:.2f}" for c in cents]
    assert _json_column("onsite_hours", v.iloc[:0]) == []


@pytest.mark.parametrize("unit", ["ns", "us", "s"])
def test_fees_json__dates_once_per_distinct_value_as_strftime_of_the_column(unit):
    from addin.cli.fees import _json_column

    c = pd.Series(pd.to_datetime(["2026-10-05", None, "2026-10-05 13:00", "1900-01-01", None, "2262-01-01"],
                                 format="mixed").astype(f"datetime64[{unit}]"), index=[3, 5, 7, 9, 11, 13])
    assert _json_column("warranty_until", c) == c.dt.strftime('"%Y-%m-%d"').fillna("null").tolist()
    assert _json_column("warranty_until", c.iloc[:0]) == []


def test_datetimes__once_per_distinct_text_as_for_every_cell():
    from addin.book import values as V

    texts = ["2026-10-05", "2026-10-05 08:30:00", None, "", "  ", "2026/10/5", "2026.10.5", "2026年10月5日",
             "2026年10月5日 9:30", "20261005", "45000", "0.5", "1899-12-31 09:30:00", "09:30", "2026-13-01",
             "明天", "2026-10-05", "2026-02-30", "４５０００"]
    for values in (texts * 3, texts[:1] * 5 + [None], [None, None], []):
        for dtype in ("str", object):
            s = pd.Series(values, dtype=dtype, index=range(7, 7 + len(values)), name="d")
            (a, at, ab), (b, bt, bb) = V._datetimes(s), V.datetimes(s)
            assert a.equals(b) and a.name == b.name and a.dtype == b.dtype
            assert at.equals(bt) and at.dtype == bt.dtype and ab.tolist() == bb.tolist()


def test_fees_json__the_key_prefix_is_joined_per_distinct_text_as_per_cell(book_path):
    from addin.cli.fees import _json_column

    result = compute(load_workbook(book_path))
    for key in result.columns:
        column = result[key]
        assert _json_column(key, column, '"k": ') == ['"k": ' + t for t in _json_column(key, column)], key
