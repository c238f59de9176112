"""The dealer's workbook as written by the tool: the blank template and copies with orders.

`build_template(path)` writes `workbook_template.xlsx`: sheet 服务单 (the canonical headers of
columns.COLUMNS, then the computed columns in grey; dropdowns, formats, input hints, frozen
header), 说明 (how a clerk uses it), 设置, the four policy sheets of policy.py and a hidden
xlwings.conf sheet. `write_workbook(path, orders, ...)` writes the same layout with order
rows (the demo and the benchmark use it; xlsxwriter constant_memory keeps 100k rows cheap).
Output is written atomically and is byte-for-byte the same for the same input.
"""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from numbers import Number
from pathlib import Path

import xlsxwriter

from addin.book.columns import (CHOICE, COLUMNS, COMPUTED_HEADERS, DATE, DATETIME, INT, MONEY, NUMBER,
                      SHEET_NAME, Column)
from addin.book.files import atomic_path
from addin.book.cells import text_units
from addin.book.policy import (PARAMS_HEADERS, PARAMS_SHEET, PROMISE_HEADERS, PROMISE_SHEET, RATES_HEADERS,
                     RATES_SHEET, WARRANTY_HEADERS, WARRANTY_SHEET, Policy, params_rows,
                     promise_rows, rates_rows, warranty_rows)
from addin.book.policy import FACTORY_COLUMN
from addin.book.settings import Settings
from addin.book.template_sheets import (CATEGORY_LIST_NAME, FACTORY_LIST_NAME, Styles, write_conf_sheet, write_help_sheet,
                              write_settings_sheet, write_table_sheet, write_vocab_sheets)
from addin.book.vocab import CAUSE_LIST_NAME, FAULT_LIST_NAME

TEMPLATE_ROWS = 20000          # last Excel row the dropdowns and hints cover in the template
SPARE_ROWS = 5000              # extra rows covered beyond the orders of a filled workbook
COMPUTED_NOTE = "由工具自动计算,请勿手填"
ALWAYS_REQUIRED = ("order_no", "service_type", "customer", "phone", "category", "model",
                   "reported_at", "technician")
COMPUTED_MONEY = ("交通费", "夜间加收", "应收客户合计", "厂家结算金额")
COMPUTED_HOURS = ("响应时长(小时)", "上门时长(小时)")
PROPERTIES = {
    "title": "售后服务单", "subject": "服务单、设置与三包政策", "author": "aftersales",
    "comments": f"由 aftersales template 生成(xlsxwriter {xlsxwriter.__version__})",
    "created": datetime(2025, 1, 1),
}
LISTED = {"cause_class": (CAUSE_LIST_NAME, True), "diagnosed_fault": (FAULT_LIST_NAME, False),
          "brand": (FACTORY_LIST_NAME, False)}
# The blank template: the one factory of the keys and departments of 设置, and an empty 厂家 table
# under them (说明 says how to add a second factory).
TEMPLATE_SETTINGS = Settings()
_KIND_HINTS = {
    DATE: "日期,如 2026-10-05(也可写 2026/10/5、2026年10月5日)",
    DATETIME: "日期和时间,如 2026-10-05 09:30",
    MONEY: "金额(元),只填数字,如 80 或 35.5",
}


def build_template(path: Path | str, *, policy: Policy = Policy(),
                   settings: Settings = TEMPLATE_SETTINGS) -> Path:
    """Write the blank dealer workbook to `path` (atomically) and return the path."""
    return write_workbook(path, (), settings=settings, policy=policy)


def write_workbook(path: Path | str, orders=(), settings: Settings = Settings(),
                   policy: Policy = Policy(), sales=()) -> Path:
    """Write the dealer workbook with `orders` as data rows of 服务单 (row 2 onward).

    Each order is a dict: field name of columns.COLUMNS (or a computed header) → value;
    str, int/float/Decimal, date/datetime or None. Strings are always written as text
    (a comment starting with '=' stays text, a phone keeps its leading zero). `sales`: rows of
    the 销售台账 sheet (month, model, units[, production month])."""
    path = Path(path)
    orders = list(orders)
    with atomic_path(path) as tmp:
        wb = xlsxwriter.Workbook(str(tmp), {"constant_memory": True, "strings_to_urls": False})
        wb.set_properties(PROPERTIES)
        styles = Styles(wb)
        _orders_sheet(wb, styles, orders, policy)
        write_help_sheet(wb, styles)
        write_settings_sheet(wb, styles, settings)
        _policy_sheets(wb, styles, policy)
        write_vocab_sheets(wb, styles, sales)
        write_conf_sheet(wb, styles)
        wb.close()
    return path


def display_width(text: str) -> int:
    """Columns a text needs in Excel: CJK and full-width characters count twice."""
    return text_units(text)


def _orders_sheet(wb, styles: Styles, orders: list[dict], policy: Policy) -> None:
    ws = wb.add_worksheet(SHEET_NAME)
    ws.activate()
    last = max(TEMPLATE_ROWS, len(orders) + 1 + SPARE_ROWS) - 1   # 0-based last row
    keys, formats = [], []
    for col, c in enumerate(COLUMNS):
        fmt = styles.cell(c.kind)
        ws.set_column(col, col, max(c.width, display_width(c.header) + 3), fmt)
        head = styles.head_required if c.field in ALWAYS_REQUIRED else styles.head
        ws.write_string(0, col, c.header, head)
        _validate(ws, col, c, last, policy)
        keys.append(c.field)
        formats.append(fmt)
    for j, header in enumerate(COMPUTED_HEADERS):
        col = len(COLUMNS) + j
        fmt = styles.computed(_computed_kind(header))
        ws.set_column(col, col, max(10, display_width(header) + 3), fmt)
        ws.write_string(0, col, header, styles.head_computed)
        ws.data_validation(0, col, last, col, {
            "validate": "any", "input_title": header, "input_message": COMPUTED_NOTE})
        keys.append(header)
        formats.append(fmt)
    ws.set_row(0, 30)
    ws.freeze_panes(1, 1)
    ws.autofilter(0, 0, 0, len(keys) - 1)
    _write_rows(ws, orders, keys, formats)


def _computed_kind(header: str) -> str:
    return MONEY if header in COMPUTED_MONEY else NUMBER if header in COMPUTED_HOURS else "text"


def _validate(ws, col: int, c: Column, last: int, policy: Policy) -> None:
    """One data validation per column: a dropdown, a number rule or just the input hint."""
    hint = c.hint or _KIND_HINTS.get(c.kind, "")
    rule: dict = {"validate": "any"}
    if c.kind == CHOICE:
        source = f"={CATEGORY_LIST_NAME}" if c.field == "category" else list(c.choices)
        allowed = "请从下拉列表中选择:" + "、".join(policy.categories if c.field == "category" else c.choices)
        rule = {"validate": "list", "source": source, "error_title": c.header,
                "error_message": allowed if len(allowed) <= 250 else "请从下拉列表中选择"}
        hint = hint or "从下拉列表中选择"
    elif c.field in LISTED:
        name, strict = LISTED[c.field]
        rule = {"validate": "list", "source": f"={name}", "error_type": "stop" if strict else "information",
                "error_title": c.header, "error_message": "请从下拉列表中选择" if strict else
                ("也可以填该厂家在设置表中列出的品牌" if c.field == "brand" else
                 "不在列表中的写法也可以保存;统计时按“故障代码”表的同义词归类")}
        hint = hint or "从下拉列表中选择"
    elif c.kind in (MONEY, NUMBER):
        rule = {"validate": "decimal", "criteria": ">=", "value": 0, "error_title": c.header,
                "error_message": "请填不小于 0 的数字,不要写单位或汉字,如 80"}
    elif c.kind == INT:
        rule = {"validate": "integer", "criteria": ">=", "value": 1, "error_title": c.header,
                "error_message": "请填 1 或更大的整数"}
    if rule["validate"] == "any" and not hint:
        return
    if hint:
        rule.update(input_title=c.header, input_message=hint)
    ws.data_validation(1, col, last, col, rule)


def _write_rows(ws, orders: list[dict], keys: list[str], formats: list) -> None:
    write_string, write_number, write_datetime = ws.write_string, ws.write_number, ws.write_datetime
    for r, order in enumerate(orders, start=1):
        for c, key in enumerate(keys):
            v = order.get(key)
            if v is None:
                continue
            cls = v.__class__
            if cls is str:
                if v:
                    write_string(r, c, v, formats[c])
            elif cls is float or cls is int or cls is Decimal:
                if v == v:                                        # NaN is left empty
                    write_number(r, c, float(v), formats[c])
            elif isinstance(v, (datetime, date)):
                if v == v:                                        # NaT is left empty
                    write_datetime(r, c, v, formats[c])
            elif isinstance(v, Number) and not isinstance(v, bool):
                if v == v:
                    write_number(r, c, float(v), formats[c])
            else:
                write_string(r, c, str(v), formats[c])


def _policy_sheets(wb, styles: Styles, policy: Policy) -> None:
    tables = (
        (WARRANTY_SHEET, WARRANTY_HEADERS, warranty_rows(policy), (10, 14, 16, 70)),
        (PARAMS_SHEET, PARAMS_HEADERS, params_rows(policy), (20, 10, 70)),
        (PROMISE_SHEET, PROMISE_HEADERS, promise_rows(policy), (12, 16)),
        (RATES_SHEET, RATES_HEADERS, rates_rows(policy), (10, 10, 12, 18, 14, 18)),
    )
    for name, headers, rows, widths in tables:
        if policy.factories:        # the optional 厂家 column, when a factory has rows of its own
            rows, headers, widths = [(*r, "") for r in rows] + factory_policy_rows(name, policy), \
                (*headers, FACTORY_COLUMN), (*widths, 12)
        write_table_sheet(wb, styles, name, headers, rows, widths)
    wb.define_name(CATEGORY_LIST_NAME,
                   f"=OFFSET('{WARRANTY_SHEET}'!$A$2,0,0,MAX(1,COUNTA('{WARRANTY_SHEET}'!$A:$A)-1),1)")


_ROWS_OF = {WARRANTY_SHEET: warranty_rows, PARAMS_SHEET: params_rows, PROMISE_SHEET: promise_rows,
            RATES_SHEET: rates_rows}


def factory_policy_rows(sheet: str, policy: Policy) -> list[tuple]:
    """The rows of one policy sheet that a factory's own policy changes, its name in 厂家."""
    generic = set(_ROWS_OF[sheet](policy))
    return [(*row, name) for name, own in policy.factories
            for row in _ROWS_OF[sheet](own) if row not in generic]
