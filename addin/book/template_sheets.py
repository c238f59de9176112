"""The side sheets of the dealer's workbook: 说明, 设置, the policy tables, xlwings.conf.

Also the cell styles every sheet shares (Styles). template.py writes the 服务单 sheet and
calls these; the layouts come from settings.py and policy.py so the loader reads back what
is written here.
"""
from __future__ import annotations

from addin import assets
from addin.book.cells import write_value
from addin.book.columns import CITY_TIERS, DATE, DATETIME, INT, MONEY, NUMBER, YES_NO
from addin.book.vocab import (CAUSE_HEADERS, CAUSE_LIST_NAME, CAUSE_SHEET, FAULT_HEADERS, FAULT_LIST_NAME,
                              FAULT_SHEET, GROUPS, SALES_HEADERS, SALES_SHEET, class_rows, fault_rows)
from addin.book.settings import (SECURITIES, SETTINGS_SHEET, SETTLEMENT_MODELS, Settings, department_rows,
                                 factory_rows, key_rows)

HELP_SHEET = "说明"
CONF_SHEET = "xlwings.conf"
# xlwings reads key/value pairs from A1 down (keys are case-insensitive; an empty value
# would override the user's own config, so only keys with a value are written).
CONF_ROWS = (("UDF Modules", "addin.excel.udfs"),)
CATEGORY_LIST_NAME = "产品类型列表"   # workbook name over 三包政策!A2:A…; the 产品类型 dropdown
FACTORY_LIST_NAME = "厂家列表"       # workbook name over 设置's 厂家 column; the 品牌 dropdown
SPARE_FACTORY_ROWS = 4              # empty rows under the 厂家 table for the next factories
PASSWORD_NOTE = ("SMTP 密码不要写在工作簿里。请存放在 Windows 凭据管理器(系统钥匙串),"
                 "或环境变量 AFTERSALES_SMTP_PASSWORD 中,详见“说明”页。")

HEAD_FILL, COMPUTED_FILL, COMPUTED_CELL = "#DDEBF7", "#A6A6A6", "#EDEDED"
ERROR_FILL, WARNING_FILL = "#FFC7CE", "#FFEB9C"
_NUM_FORMATS = {DATE: "yyyy-mm-dd", DATETIME: "yyyy-mm-dd hh:mm", MONEY: "#,##0.00", INT: "0",
                NUMBER: "General"}


class Styles:
    """The formats of one xlsxwriter workbook, made once and shared by every sheet."""

    def __init__(self, wb):
        border = {"border": 1, "border_color": "#808080", "valign": "vcenter", "text_wrap": True}
        self.head = wb.add_format({**border, "bold": True, "bg_color": HEAD_FILL, "align": "center"})
        self.head_required = wb.add_format({**border, "bold": True, "bg_color": HEAD_FILL,
                                            "align": "center", "font_color": "#C00000"})
        self.head_computed = wb.add_format({**border, "bold": True, "bg_color": COMPUTED_FILL,
                                            "align": "center", "font_color": "#262626"})
        self.wrap = wb.add_format({"text_wrap": True, "valign": "top"})
        self.title = wb.add_format({"bold": True, "font_size": 14})
        self.heading = wb.add_format({"bold": True, "font_size": 12, "font_color": "#1F4E79"})
        self.legend = {
            "head": wb.add_format({"bg_color": HEAD_FILL, "border": 1, "text_wrap": True}),
            "required": wb.add_format({"bg_color": HEAD_FILL, "border": 1, "font_color": "#C00000",
                                       "text_wrap": True}),
            "computed": wb.add_format({"bg_color": COMPUTED_FILL, "border": 1, "text_wrap": True}),
            "error": wb.add_format({"bg_color": ERROR_FILL, "border": 1, "text_wrap": True}),
            "warning": wb.add_format({"bg_color": WARNING_FILL, "border": 1, "text_wrap": True}),
        }
        self._cells = {k: wb.add_format({"num_format": v}) for k, v in _NUM_FORMATS.items()}
        self._text = wb.add_format({"num_format": "@"})
        self._computed = {k: wb.add_format({"num_format": _NUM_FORMATS.get(k, "@"),
                                            "bg_color": COMPUTED_CELL})
                          for k in (MONEY, NUMBER, "text")}

    def cell(self, kind: str):
        """Format of a data cell of a dealer column (text columns are Excel text, '@')."""
        return self._cells.get(kind, self._text)

    def computed(self, kind: str):
        return self._computed[kind]


def put(ws, row: int, col: int, value, fmt=None) -> None:
    """Write one value with its own type (xlsxout.write_value); empty cells are left alone."""
    if value is None or value == "":
        return
    write_value(ws, row, col, value, "", fmt)


def write_table_sheet(wb, styles: Styles, name: str, headers, rows, widths) -> None:
    """An editable table: headers in row 1 (frozen), one row per entry."""
    ws = wb.add_worksheet(name)
    for col, width in enumerate(widths):
        ws.set_column(col, col, width)
    for col, header in enumerate(headers):
        ws.write_string(0, col, header, styles.head)
    for r, row in enumerate(rows, start=1):
        for col, value in enumerate(row):
            put(ws, r, col, value, styles.wrap if isinstance(value, str) and len(value) > 20 else None)
    ws.freeze_panes(1, 0)


_SETTING_LISTS = {"默认城市级别": CITY_TIERS, "SMTP加密方式": SECURITIES, "结算方式": SETTLEMENT_MODELS,
                  "无事项时也发送": YES_NO}


def write_settings_sheet(wb, styles: Styles, settings: Settings) -> None:
    """设置: the key/value table, a blank row, the departments table. No password cell."""
    ws = wb.add_worksheet(SETTINGS_SHEET)
    for col, width in enumerate((18, 40, 62)):
        ws.set_column(col, col, width)
    rows = key_rows(settings)
    for r, row in enumerate(rows):
        fmt = styles.head if r == 0 else None
        for col, value in enumerate(row):
            put(ws, r, col, value, fmt)
        label = row[0]
        if label in _SETTING_LISTS:
            ws.data_validation(r, 1, r, 1, {"validate": "list", "source": list(_SETTING_LISTS[label]),
                                            "input_title": label, "input_message": row[2]})
        elif label == "每月发送日":
            ws.data_validation(r, 1, r, 1, {"validate": "integer", "criteria": "between",
                                            "minimum": 1, "maximum": 28,
                                            "error_message": "请填 1 到 28 之间的整数"})
        elif label == "SMTP用户名":
            ws.write_comment(r, 1, PASSWORD_NOTE, {"x_scale": 2, "y_scale": 1.5, "author": "aftersales"})
    start = _factory_table(wb, ws, styles, len(rows) + 1, settings)
    depts = department_rows(settings)
    for i, row in enumerate(depts):
        for col, value in enumerate(row):
            put(ws, start + i, col, value, styles.head if i == 0 else None)
    ws.data_validation(start + 1, 2, start + len(depts) + 20, 2, {
        "validate": "list", "source": list(YES_NO), "input_title": "可见客户完整信息",
        "input_message": "“是”:该部门的反馈包含客户姓名、电话和地址;“否”:这些信息打码后再发送"})
    ws.freeze_panes(1, 0)


def _factory_table(wb, ws, styles: Styles, start: int, settings: Settings) -> int:
    """The 厂家 table from 0-based row `start` (with spare rows for more factories, named
    厂家列表 for the 品牌 dropdown); returns the row where the departments table starts."""
    table = factory_rows(settings)
    for i, row in enumerate(table):
        for col, value in enumerate(row):
            put(ws, start + i, col, value, styles.head if i == 0 else None)
    last = start + len(table) - 1 + SPARE_FACTORY_ROWS
    ws.data_validation(start + 1, 2, last, 2, {"validate": "list", "source": list(SETTLEMENT_MODELS),
                                               "input_title": "结算方式", "input_message": "空着 = 用上面的“结算方式”"})
    ws.write_comment(start, 0, "每个厂家一行:厂家名称、它的品牌(多个用逗号分隔)、结算方式等;空着的格子按上面的同名设置。"
                     "只有一个厂家时这个表可以空着(按上面的设置和下面的部门),服务单的“品牌”列可不填;增加第二个厂家后,每张服务单都要填品牌,"
                     "下面部门表的每一行也要填所属厂家。", {"x_scale": 3, "y_scale": 2, "author": "aftersales"})
    # the blank row before the departments is read as a factory too, so the dropdown covers it
    wb.define_name(FACTORY_LIST_NAME, f"='{SETTINGS_SHEET}'!$A${start + 2}:$A${last + 2}")
    return last + 2


def _list_name(wb, name: str, sheet: str, col: str) -> None:
    """A workbook name over a sheet's column below its header: the source of a dropdown."""
    wb.define_name(name, f"=OFFSET('{sheet}'!${col}$2,0,0,MAX(1,COUNTA('{sheet}'!${col}:${col})-1),1)")


def write_vocab_sheets(wb, styles: Styles, sales=()) -> None:
    """原因分类, 故障代码 (defaults of addin.book.vocab) and 销售台账 (empty in the template)."""
    write_table_sheet(wb, styles, CAUSE_SHEET, CAUSE_HEADERS, class_rows(), (14, 12, 60, 40))
    wb.get_worksheet_by_name(CAUSE_SHEET).data_validation(1, 1, 200, 1, {
        "validate": "list", "source": list(GROUPS), "input_title": "归属",
        "input_message": "产品质量:给质量、研发、生产部;服务过程:给售后服务部;其余不作为事项"})
    write_table_sheet(wb, styles, FAULT_SHEET, FAULT_HEADERS, fault_rows(), (10, 10, 16, 60))
    write_table_sheet(wb, styles, SALES_SHEET, SALES_HEADERS, list(sales), (10, 16, 10, 16))
    wb.get_worksheet_by_name(SALES_SHEET).write_comment(0, 3, "可选:销售系统导出里有生产批次时填写,"
                                                          "用于计算批次故障率", {"author": "aftersales"})
    _list_name(wb, CAUSE_LIST_NAME, CAUSE_SHEET, "A")
    _list_name(wb, FAULT_LIST_NAME, FAULT_SHEET, "C")


def help_lines() -> list[str]:
    return assets.template_help().splitlines()


def write_help_sheet(wb, styles: Styles) -> None:
    """说明: one paragraph per row. '# ' lines are headings, '@style text' lines show a colour."""
    ws = wb.add_worksheet(HELP_SHEET)
    ws.set_column(0, 0, 110, styles.wrap)
    for r, line in enumerate(help_lines()):
        if r == 0:
            ws.write_string(r, 0, line, styles.title)
        elif line.startswith("# "):
            ws.write_string(r, 0, line[2:], styles.heading)
        elif line.startswith("@"):
            style, _, text = line[1:].partition(" ")
            ws.write_string(r, 0, text, styles.legend[style])
        elif line:
            ws.write_string(r, 0, line, styles.wrap)


def write_conf_sheet(wb, styles: Styles) -> None:
    """xlwings.conf (hidden): tells the xlwings add-in where the worksheet functions live."""
    ws = wb.add_worksheet(CONF_SHEET)
    ws.set_column(0, 1, 20)
    for r, (key, value) in enumerate(CONF_ROWS):
        ws.write_string(r, 0, key)
        ws.write_string(r, 1, value)
    ws.hide()
