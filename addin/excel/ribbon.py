"""The buttons of the 售后服务 ribbon tab: one handler per button, run on the open workbook.

Each handler takes `book` (an xlwings Book; by default the workbook the button was clicked
in, `xw.Book.caller()`), reads the sheets it needs in one call each (addin.excel.livebook), runs
the same core as the command line, applies the resulting addin.book.patch.Patch in a few calls,
and tells the clerk one short Chinese line on the status bar (errors: in a message box,
never a traceback). The ribbon's button tags (macros/ribbon.xml) name these functions.
Nothing happens at import time; xlwings is imported only when a button runs without a book.
"""
from __future__ import annotations

import os
from pathlib import Path

from addin import clock
from addin.book.issues import ERROR, WorkbookError
from addin.book.months import last_closed
from addin.excel.livebook import ExcelRows, apply_patch, clear_marks as _clear
from addin.book.patch import SheetContent, check_patch

TITLE = "售后服务"
REPLIES_FOLDER = "回复"
HELP = ("售后服务加载项\n"
        "校验:检查服务单,问题单元格标色并加批注,问题清单见“校验结果”表。\n"
        "计算费用:三包判定、客户收费、厂家结算、服务时效,填入灰色计算列。\n"
        "打印服务单:选中的服务单打成三联单(客户联、经销商存根联、厂家结算联)PDF,放在工作簿旁的“打印”文件夹。\n"
        "今日工作:待上门(距承诺时限还剩几小时)、拉修在外、待回访、待处理投诉,写入“今日工作”表。\n"
        "生成月报:上个月的统计表和各部门反馈包,放在工作簿旁的 reports 文件夹。\n"
        "发送反馈:发送已到发送日的月份(按已保存的工作簿),每个部门每月只发一次。\n"
        "导入回复:读取工作簿旁“回复”文件夹里各部门返回的反馈包。\n"
        "清除标记:去掉本工具的颜色和批注,恢复原样。\n"
        "不用 Excel 时:命令行 aftersales check / fees / print / today / report / send-due 处理同一个工作簿。")
PRINT_FOLDER = "打印"


def _caller(book):
    if book is None:
        import xlwings as xw
        book = xw.Book.caller()
    return book


def _run(book, action) -> str:
    """Run action(book) → one line for the clerk; faults become one line in a message box."""
    book = _caller(book)
    try:
        line = action(book)
    except Exception as err:  # noqa: BLE001 - a button must never end in a traceback
        code = getattr(err, "code", type(err).__name__)
        line = f"错误[{code}]:{getattr(err, 'message', str(err))}"
        book.app.alert(line, title=TITLE)
        return line
    book.app.status_bar = line
    return line


def _load(book):
    """Read the live book once and load it; a click also makes the worksheet functions read
    the (possibly edited) policy tables again on their next call."""
    from addin.excel import udf_policy
    from addin.rules.loader import load_book
    udf_policy.clear()
    reader = ExcelRows(book)
    return reader, load_book(reader, path=reader.path)


def _saved_path(reader: ExcelRows) -> Path:
    if reader.path is None:
        raise WorkbookError("book-unsaved", "请先把工作簿保存到文件夹中,再使用这个按钮。")
    return reader.path


def _counts(wb) -> str:
    errors = sum(1 for i in wb.issues if i.severity == ERROR)
    return f"{len(wb.orders.frame)} 张服务单,错误 {errors} 个,提醒 {len(wb.issues) - errors} 个"


def _marked(marked: int, wb) -> str:
    cells = len({i.where for i in wb.issues})
    more = f"(另有 {cells - marked} 个只列在表中)" if cells > marked else ""
    return f"已标出 {marked} 个单元格{more}"


def check(book=None) -> str:
    """校验: mark the problem cells and (re)write the 校验结果 sheet."""
    def action(book):
        reader, wb = _load(book)
        marked = apply_patch(book, check_patch(wb.orders.sheet, wb.orders.header_row, wb.issues), reader)
        if wb.no_orders:
            return f"校验完成:{wb.no_orders}" + (f"其他工作表有 {len(wb.issues)} 个问题,详见“校验结果”表。"
                                                  if wb.issues else "")
        return f"校验完成:{_counts(wb)};{_marked(marked, wb)},详见“校验结果”表。"
    return _run(book, action)


def fees(book=None) -> str:
    """计算费用: warranty verdicts, fees and timings into the computed columns."""
    def action(book):
        from addin.rules.fees import compute, computed_columns, totals
        reader, wb = _load(book)
        result = compute(wb)
        patch = check_patch(wb.orders.sheet, wb.orders.header_row, wb.issues)
        patch.values = {h: s.to_dict() for h, s in computed_columns(result).items()}
        apply_patch(book, patch, reader)
        t = totals(result)
        return (f"计算完成:{t['orders']} 张服务单,保内 {t['in_warranty']} 张,无法计算 {t['not_computable']} 张;"
                f"应收客户合计 {t['customer_total']} 元,厂家结算 {t['factory_claim']} 元。")
    return _run(book, action)


def selected_orders(book, wb) -> list[str]:
    """The order numbers on the rows selected on the order sheet (several areas allowed)."""
    from addin.day.form import clean
    sel = getattr(book, "selection", None)
    if sel is None or sel.sheet.name != wb.orders.sheet:
        raise WorkbookError("no-order-selected", f"请先在“{wb.orders.sheet}”表中选中要打印的服务单所在的行"
                                                 "(可按住 Ctrl 多选),再点“打印服务单”。")
    rows = [r for area in (getattr(sel, "areas", None) or [sel])
            for r in range(area.row, area.last_cell.row + 1)]
    frame = wb.orders.frame
    numbers = [clean(v) for v in frame["order_no"].reindex(frame.index.intersection(rows))]
    numbers = list(dict.fromkeys(n for n in numbers if n))
    if not numbers:
        raise WorkbookError("no-order-selected", "选中的行里没有服务单编号,请选中填有服务单的行再点“打印服务单”。")
    return numbers


def _open(path: Path) -> None:
    if hasattr(os, "startfile"):
        os.startfile(path)  # noqa: S606 - Windows: open with the default viewer


def print_forms(book=None) -> str:
    """打印服务单: the three-part service order of the selected rows, as a PDF in the folder
    打印 beside the workbook (opened when done)."""
    def action(book):
        from addin.day.formpdf import print_orders
        reader, wb = _load(book)
        numbers = selected_orders(book, wb)
        out = _saved_path(reader).parent / PRINT_FOLDER / f"服务单_{clock.now():%Y%m%d_%H%M%S}.pdf"
        forms = print_orders(wb, numbers, 0, out)
        _open(out)
        return f"已生成 {len(forms)} 张服务单(每张三联,共 {3 * len(forms)} 页):{out}"
    return _run(book, action)


def today(book=None) -> str:
    """今日工作: the day's work lists into the sheet 今日工作 (late visits in red)."""
    def action(book):
        from addin.day.lists import SHEET, today_sheet, work_lists
        from addin.rules.fees import compute
        reader, wb = _load(book)
        day = work_lists(wb, compute(wb), clock.now())
        patch = check_patch(wb.orders.sheet, wb.orders.header_row, wb.issues)
        patch.sheets[SHEET] = today_sheet(day, wb.orders.sheet, wb.orders.cols.get("order_no", 1))
        apply_patch(book, patch, reader)
        return "今日工作:" + ",".join(w.table.title for w in day.lists) + f",详见“{SHEET}”表。"
    return _run(book, action)


def report(book=None, month: str | None = None) -> str:
    """生成月报: last month's statistics workbook and department packs beside the workbook (one
    set per factory when 设置 lists several), and the month's report sheet(s) in this workbook."""
    def action(book):
        from addin.report.packs import build_factories, report_patch_rows, report_sheet_name
        reader, wb = _load(book)
        _saved_path(reader)
        results = build_factories(wb, month or last_closed(), None)
        patch = check_patch(wb.orders.sheet, wb.orders.header_row, wb.issues)
        for result in results:
            patch.sheets[report_sheet_name(result)] = SheetContent(report_patch_rows(result))
        apply_patch(book, patch, reader)
        return ";".join(f"已生成{r.summary.factory}{r.summary.label}月报:统计表和 {len(r.packs)} 个部门反馈包在 "
                        f"{r.folder};本工作簿新增“{report_sheet_name(r)}”表" for r in results) + "。"
    return _run(book, action)


def send(book=None) -> str:
    """发送反馈: the same as `aftersales send-due` on the saved workbook."""
    def action(book):
        from addin.mail.sending import send_due
        from addin.rules.loader import load_workbook
        path = _saved_path(ExcelRows(book))
        outcome = send_due(load_workbook(path), path)
        said = _per_factory(outcome.lines)
        if not outcome.ok:
            raise WorkbookError("send-failed", said)
        return f"发送反馈(按已保存的工作簿):{said}"
    return _run(book, action)


def _per_factory(lines: list[str]) -> str:
    """The outcome's last line, or with several factories each 【factory】 heading with its lines."""
    if not any(line.startswith("【") for line in lines):
        return lines[-1]
    return "\n".join(line for line in lines if not line.startswith("发送记录"))


def import_replies(book=None) -> str:
    """导入回复: every returned pack in the 回复 folder beside the workbook."""
    def action(book):
        from addin.report.replies import import_replies as run_import
        path = _saved_path(ExcelRows(book))
        folder = path.parent / REPLIES_FOLDER
        folder.mkdir(exist_ok=True)
        files = sorted(p for p in folder.glob("*.xlsx") if not p.name.startswith("~$"))
        if not files:
            return f"请把各部门返回的反馈包(.xlsx)放进 {folder},再点“导入回复”。"
        result = run_import(path, files)
        errors = sum(1 for i in result.issues if i.severity == ERROR)
        return (f"已读取 {result.files} 个文件:新回复 {len(result.answered)} 条,未变 {result.unchanged} 条,"
                f"尚未填写 {result.blank} 条" + (f",有 {errors} 行无法导入。" if errors else "。"))
    return _run(book, action)


def clear_marks(book=None) -> str:
    """清除标记: put back every colour and note this tool changed."""
    return _run(book, lambda b: f"已清除 {_clear(b)} 个单元格的标记,恢复原来的颜色和批注。")


def open_reports(book=None) -> str:
    """打开报告文件夹: the reports folder beside the workbook."""
    def action(book):
        folder = _saved_path(ExcelRows(book)).parent / "reports"
        if not folder.exists():
            return f"还没有生成过月报(文件夹 {folder} 不存在),请先点“生成月报”。"
        if hasattr(os, "startfile"):
            os.startfile(folder)  # noqa: S606 - Windows: open in Explorer
        return f"报告文件夹:{folder}"
    return _run(book, action)


def help(book=None) -> str:  # noqa: A001 - the button is called 帮助 (help)
    """帮助: what each button does."""
    def action(book):
        book.app.alert(HELP, title=TITLE)
        return "售后服务加载项:把鼠标停在按钮上可看说明。"
    return _run(book, action)
