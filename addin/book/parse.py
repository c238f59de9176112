"""Finding the service-order sheet and its header, and turning its rows into an OrderSheet.

Tolerates what hand-typed workbooks do (spec "Reading real workbooks"): title rows above
the header (anywhere in the first 10 rows), synonym headers with stray spaces, full-width
brackets or a trailing colon, columns in any order, unknown columns (ignored), blank rows,
a totals row, merged cells, a date and its time typed in separate columns, and the value
forms handled by `values`. Unreadable cells become Issues; nothing is changed.
"""
from __future__ import annotations

import re
import unicodedata

import numpy as np
import pandas as pd

from addin.book import values as V
from addin.book.columns import (BY_FIELD, CHOICE, COLUMNS, DATE, DATETIME, INT, MONEY, NUMBER, PHONE,
                      SHEET_NAME, TEXT)
from addin.book.issues import ERROR, CellRef, Issue, WorkbookError
from addin.book.records import OrderSheet
from addin.book.workbook import Book

HEADER_SCAN_ROWS = 10
MIN_HEADER_MATCHES = 4
# A date and its time typed in two columns: the date part's headers → the datetime field.
DATE_PARTS = {
    "报修日期": "reported_at", "投诉日期": "reported_at", "来电日期": "reported_at",
    "到达日期": "arrived_at", "到达现场日期": "arrived_at", "上门日期": "arrived_at",
    "离开日期": "left_at", "离开现场日期": "left_at", "完成日期": "left_at",
}
TIME_ONLY = {"报修时刻": "reported_at", "到达时刻": "arrived_at", "离开时刻": "left_at"}
TOTAL_WORDS = ("合计", "总计", "小计", "汇总")


def normalise_header(value) -> str:
    """'  联系电话: ' / '单程距离（公里）' → '联系电话' / '单程距离(公里)'."""
    text = unicodedata.normalize("NFKC", str(value))
    text = re.sub(r"\s+", "", text)
    return text.rstrip(":*").lstrip("*")


def _header_index() -> dict[str, str]:
    index = {}
    for col in COLUMNS:
        for name in (col.header, *col.synonyms):
            index[normalise_header(name)] = col.field
    index.update(TIME_ONLY)
    return index


HEADER_INDEX = _header_index()


def match_header(value) -> tuple[str, str] | None:
    """A header cell → ('field', name) or ('date', name) for a date-part column, else None."""
    if value is None or value == "":
        return None
    key = normalise_header(value)
    for candidate in (key, re.sub(r"\([^)]*\)$", "", key)):
        if candidate in HEADER_INDEX:
            return "field", HEADER_INDEX[candidate]
        if candidate in DATE_PARTS:
            return "date", DATE_PARTS[candidate]
    return None


def find_header(rows: list[list]) -> tuple[int, dict[int, str], dict[int, str]] | None:
    """The header row among the first rows: (0-based row, {col: field}, {col: date-part field})."""
    best = None
    for r, row in enumerate(rows[:HEADER_SCAN_ROWS]):
        fields, dates = {}, {}
        for c, value in enumerate(row):
            hit = match_header(value)
            if hit is None:
                continue
            kind, name = hit
            target = fields if kind == "field" else dates
            if name not in target.values():
                target[c] = name
        if len(fields) >= MIN_HEADER_MATCHES and (best is None or len(fields) > len(best[1])):
            best = (r, fields, dates)
    return best


def find_order_sheet(book: Book) -> tuple[str, list[list], int, dict[int, str], dict[int, str]]:
    """The sheet holding the orders: 服务单 if it has a header, else the best-matching sheet.
    Returns (name, its first rows as read, 0-based header row, {col: field}, {col: date part})."""
    names = sorted(book.sheet_names, key=lambda n: (n != SHEET_NAME, "服务" not in n))
    empty_named = False
    for name in names:
        head = book.head(name, HEADER_SCAN_ROWS)
        found = find_header(head)
        if found:
            return (name, head, *found)
        empty_named |= name == SHEET_NAME and not any(v != "" for row in head for v in row)
    if empty_named:
        raise WorkbookError("empty-sheet", f"工作表“{SHEET_NAME}”是空的,请先录入表头和服务单。")
    raise WorkbookError("no-order-sheet", "没有找到服务单工作表:前10行里没有“服务单编号、服务类型、客户名称、"
                        "联系电话、产品类型”等表头。请使用模板的“服务单”工作表,或把表头改成模板里的名称。")


def data_rows(table: pd.DataFrame, header: int) -> pd.DataFrame:
    """Rows below the header (1-based Excel row `header`) that hold an order: blank rows
    and totals rows (合计/总计/小计/汇总 in one of the first columns) are left out."""
    body = table.loc[header + 1:]
    filled = body.notna().sum(axis=1)
    blank = filled == 0
    sparse = (filled > 0) & (filled <= 3)            # only these can be whitespace-only rows
    if sparse.any():
        blank[sparse] = body[sparse].apply(lambda c: c.str.strip().fillna("") == "").all(axis=1)
    total = pd.Series(False, index=body.index)
    for c in body.columns[:4]:
        text = body[c]
        maybe = text.str.lstrip().str[:1].isin(list("合总小汇"))
        if maybe.any():
            total |= text[maybe].str.replace(r"\s", "", regex=True).str.startswith(TOTAL_WORDS).reindex(
                body.index, fill_value=False)
    return body[~(blank | total)]


def parse_orders(book: Book) -> tuple[OrderSheet, list[Issue]]:
    """Read the order sheet into an OrderSheet (typed frame) and the Issues of unreadable cells."""
    name, head, header, fields, dates = find_order_sheet(book)
    wanted = {c + 1 for c in (*fields, *dates)} | {1, 2, 3, 4}
    body = data_rows(book.table(name, head, wanted), header + 1)
    index = pd.Index(body.index, name="row")
    sheet = OrderSheet(name, header + 1, {f: c + 1 for c, f in fields.items()}, pd.DataFrame(index=index),
                       {c + 1: str(v) for c, v in enumerate(head[header]) if v != ""})
    issues: list[Issue] = []
    empty = pd.Series(None, index=index, dtype=object)
    column = {c: (body[c + 1] if c + 1 in body.columns else empty) for c in (*fields, *dates)}
    frame = {field: _convert(sheet, field, c, column, issues, dates) for c, field in fields.items()}
    for col in COLUMNS:
        if col.field not in frame:
            frame[col.field] = _empty(col.kind, index)
    sheet.frame = pd.DataFrame(frame, index=index)[[c.field for c in COLUMNS]]
    return sheet, issues


def _empty(kind: str, index) -> pd.Series:
    if kind in (DATE, DATETIME):
        return pd.Series(pd.NaT, index=index, dtype="datetime64[ns]")
    if kind in (INT, NUMBER, MONEY):
        return pd.Series(np.nan, index=index)
    return pd.Series(None, index=index, dtype=object)


DISTANCE_FIELDS = ("distance_km",)   # km: 35, 35公里, 35km, 35 千米


def _convert(sheet: OrderSheet, field: str, c: int, column: dict, issues, dates) -> pd.Series:
    kind, raw = BY_FIELD[field].kind, column[c]
    if kind in (TEXT, CHOICE):
        return V.text(raw)
    if kind == PHONE:
        return V.phones(raw)[0]        # invalid phones are the checks' business (phone-invalid)
    if field in DISTANCE_FIELDS:
        series, bad = V.numbers(raw, "distance")
        _report(sheet, field, c, raw, bad, issues, "number-invalid",
                "“{v}”不是公里数,请只填数字,如 35(可带“公里”或 km)。")
        return series
    if kind in (INT, NUMBER, MONEY):
        series, bad = V.numbers(raw)
        _report(sheet, field, c, raw, bad, issues, "money-not-number" if kind == MONEY else "number-invalid",
                "“{v}”不是数字,请只填数字,如 80 或 12.5(可带“元”)。")
        return series
    stamp, tod, bad = V.datetimes(raw)
    date_col = next((dc for dc, f in dates.items() if f == field), None)
    if date_col is not None:
        part, _, part_bad = V.datetimes(column[date_col])
        _report(sheet, field, date_col, column[date_col], part_bad, issues, "date-invalid",
                "“{v}”不是有效日期,请填成 2026-10-05 这样的格式。", header=sheet.headers.get(date_col + 1))
        stamp = stamp.where(stamp.notna(), part.dt.normalize() + tod.fillna(pd.Timedelta(0)))
    else:
        bad = bad | (tod.notna() & stamp.isna()).to_numpy()
    if kind == DATE:
        stamp = stamp.dt.normalize()
    _report(sheet, field, c, raw, bad, issues, "date-invalid",
            "“{v}”不是有效的日期时间,请填成 2026-10-05 09:30 这样的格式(日期用 - 或 / 分隔)。"
            if kind == DATETIME else "“{v}”不是有效日期,请填成 2026-10-05 这样的格式。")
    return stamp


def _report(sheet, field, c, raw, bad, issues, code, template, header=None) -> None:
    if not bad.any():
        return
    rows = raw.index[bad]
    sheet.unreadable[field] = set(sheet.unreadable.get(field, ())) | {int(r) for r in rows}
    for row in rows:
        issues.append(Issue(CellRef(sheet.sheet, int(row), c + 1), header or BY_FIELD[field].header,
                            code, ERROR, template.format(v=_shown(raw[row]))))


def _shown(value: str) -> str:
    """A cell's text as the clerk sees it (fastexcel writes dates as '2026-10-05 00:00:00')."""
    return value[:-9] if value.endswith(" 00:00:00") else value
