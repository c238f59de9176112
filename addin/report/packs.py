"""The month's report folder: the statistics workbook and one pack per department.

`build_month(wb, month, out_dir)` → MonthReport (docs/architecture.md). The folder
(default `<workbook folder>/reports/<YYYY-MM>/`) is built aside and swapped in as a whole;
a folder that holds the workbook, or a non-empty folder that is not an earlier report, is
refused. Each pack: an .xlsx (packbook), an HTML mail body rendered from templates/ with
StrictUndefined and autoescape, PNG charts referenced as cid:, and its feedback item IDs
registered in the reply ledger; earlier items past due without an answer are listed again.
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field, replace
from pathlib import Path

from jinja2 import Environment, FunctionLoader, StrictUndefined

from addin import assets
from addin.report import charts
from addin.book.files import atomic_dir, safe_component
from addin.book.months import parse_month, reply_due, send_date
from addin.report.detail import detail_table
from addin.report.items import ROLE_CHARTS, ROLE_SHEETS, ROLE_TABLES, raised_for, role_of
from addin.report.packbook import settlement_table, write_pack
from addin.report import kpis, trends
from addin.report.privacy import mask_frame, mask_free_text, mask_text
from addin.report.replies import Ledger, dept_code, ledger_path
from addin.book.settings import Department
from addin.report.statbook import KPI_ORDER, stats_filename, write_statbook
from addin.report.summary import MonthSummary, Table, summarize, table_728

MARKER = ".aftersales-report"
HTML_ROWS = 30


class ReportError(Exception):
    """The report cannot be written where asked (code + Chinese message)."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code, self.message = code, message


@dataclass(frozen=True)
class DeptPack:
    department: Department
    xlsx_path: Path
    html: str
    images: dict[str, Path]
    item_ids: list[str]
    subject: str = ""
    carried_ids: list[str] = field(default_factory=list)
    factory: str = ""            # the factory it is for, with several factories (names the mail)


@dataclass(frozen=True)
class MonthReport:
    month: str
    folder: Path
    stats_path: Path
    packs: list[DeptPack]
    summary: MonthSummary


def _safe(name: str) -> str:
    return safe_component(name, "部门")


def _cell(value, kind: str) -> dict:
    if value is None:
        return {"text": "", "num": False}
    if kind == "pct":
        return {"text": f"{value * 100:.1f}%", "num": True}
    if kind == "money":
        return {"text": f"{value:,.2f}", "num": True}
    if kind in ("datetime", "date") and hasattr(value, "strftime"):
        return {"text": value.strftime("%Y-%m-%d %H:%M" if kind == "datetime" else "%Y-%m-%d"), "num": False}
    if isinstance(value, float):
        return {"text": f"{value:g}", "num": True}
    return {"text": str(value), "num": isinstance(value, int)}


def _section(table: Table, image: str | None) -> dict:
    rows = [[_cell(v, k) for v, k in zip(r, table.kinds)] for r in table.rows[:HTML_ROWS]]
    return {"title": table.title, "headers": list(table.headers), "rows": rows, "note": table.note,
            "image": image, "more": max(0, len(table.rows) - HTML_ROWS)}


def _template_source(name: str) -> str | None:
    """A template's text from the package data (None: jinja2 reports it as not found)."""
    source = assets.templates().joinpath(name)
    return source.read_text(encoding="utf-8") if source.is_file() else None


def _environment() -> Environment:
    return Environment(loader=FunctionLoader(_template_source), undefined=StrictUndefined, autoescape=True,
                       trim_blocks=True, lstrip_blocks=True)


def _check_folder(folder: Path, wb_path: Path | None) -> None:
    f = folder.resolve()
    if wb_path is not None and (f == wb_path.resolve().parent or f in wb_path.resolve().parents):
        raise ReportError("out-contains-workbook", f"输出文件夹“{folder}”包含工作簿本身,不能整体替换;请另选一个文件夹。")
    if f.exists() and (not f.is_dir() or (any(f.iterdir()) and not (f / MARKER).exists())):
        raise ReportError("out-not-report", f"输出文件夹“{folder}”已存在且不是以前生成的月报文件夹,为免覆盖别的文件,"
                                            "请另选一个新的或空的文件夹。")


def _mail_sections(tables, sheets, role: str, dept: Department, tmp: Path, final: Path):
    """The mail body's sections (the 分析 tables, then the wide lists) and the PNG charts
    (drawn from the tables themselves) as {cid: final path}."""
    images, sections = {}, []
    for t in tables:
        cid = None
        if t.key in ROLE_CHARTS[role]:
            cid = f"{dept_code(dept.name).lower()}-{t.key}"
            charts.table_png(t, tmp / "图表" / f"{_safe(dept.name)}_{t.key}.png")
            images[cid] = final / "图表" / f"{_safe(dept.name)}_{t.key}.png"
        sections.append(_section(t, cid))
    return images, sections + [_section(t, None) for t in sheets]


def _dept_pack(env, wb, summary, dept: Department, tmp: Path, final: Path, ledger: Ledger) -> DeptPack:
    settings, month = wb.settings, summary.month
    role = role_of(dept.name)
    due = reply_due(month, settings.send_day, settings.reply_days)
    raised = raised_for(dept.name, summary, ledger.answered_keys(dept.name, month))
    found = [r.item for r in raised]
    ids = ledger.register(month, dept.name, found, due)
    carried = ledger.open_items(dept.name, month, send_date(month, settings.send_day))
    detail = detail_table(mask_frame(summary.orders, dept.full_customer_data), role, raised, ids)
    tables = [summary.kpis[k] for k in ROLE_TABLES[role] if k in summary.kpis]
    sheets = [summary.kpis[k] for k in ROLE_SHEETS.get(role, ()) if k in summary.kpis] + [detail]
    images, sections = _mail_sections(tables, sheets, role, dept, tmp, final)
    orders = summary.orders if role == "service" else summary.orders[summary.orders["is_failure"]]
    shown = mask_frame(orders, dept.full_customer_data)
    own = summary.factory
    name = f"{summary.label}_售后反馈_{safe_component(own, '厂家') + '_' if own else ''}{_safe(dept.name)}.xlsx"
    title = f"{summary.label}售后反馈 — {own + ' ' if own else ''}{dept.name}"
    write_pack(tmp / name, title=title, tables=tables, orders_728=table_728(orders, shown["customer"]),
               marked={i for i, bad in enumerate(orders["has_error"]) if bad},
               settlement=settlement_table(shown) if role == "service" else None,
               items=[(i, it.text, due) for i, it in zip(ids, found)], carried=carried, lists=sheets)
    html = env.get_template("pack.html.j2").render(
        subject=title, department=dept.name, dealer=settings.dealer_name, label=summary.label,
        totals=summary.totals, attachment=name, due=due.isoformat(), sections=sections,
        short=not (found or carried),
        items=[{"id": i, "text": it.text, "due": due.isoformat()} for i, it in zip(ids, found)],
        carried=[{"id": c.id, "month": c.month, "text": c.text, "due": c.due.isoformat()} for c in carried],
        privacy_note=("本邮件及附件含客户完整信息,仅供结算审核使用,请勿外传。" if dept.full_customer_data
                      else "客户姓名已脱敏;客户电话、地址不随本反馈包发送。"),
        sent_on=send_date(month, settings.send_day).isoformat())
    images = images if (found or carried) else {}          # the short mail shows no chart
    return DeptPack(dept, final / name, html, images, ids, title, [c.id for c in carried], own)


def replies_table(ledger: Ledger, month: str, settings) -> Table:
    rows = ledger.response_rates(month, send_date(month, settings.send_day), [d.name for d in settings.departments])
    return Table("replies", "各部门回复情况(以前各月的反馈事项)", ("部门", "已发事项", "已回复", "逾期未回复",
                 "未到期", "回复率"), ("text", "int", "int", "int", "int", "pct"), tuple(rows))


def _masked(table: Table) -> Table:
    return replace(table, rows=tuple(tuple(mask_text(v) if isinstance(v, str) else v for v in r) for r in table.rows))


def private_summary(summary: MonthSummary, wb) -> MonthSummary:
    """The month as departments without full customer data see it: customers' data masked in
    the orders' free text (privacy.mask_free_text) before any table, chart or item is made from
    it (the repeat table's earlier visits too: its repairs, the only orders that table reads;
    and the 12 months of 故障走势, drawn again from the masked history), and phone-like runs
    masked in every other text cell (e.g. the check's examples). The history's failures are the
    repeat window's repairs: their texts are masked once."""
    orders = mask_free_text(summary.orders)
    repeat_orders = summary.repeat_orders
    if repeat_orders is not None:
        repairs = repeat_orders[repeat_orders["service_type"].isin(kpis.FAULT_TYPES)]
        repeat_orders = mask_free_text(repairs)
    tables = kpis.all_kpis(orders, wb.policy, wb.settings, wb.issues, wb.orders.sheet, summary.unplaced,
                           summary.vocab, repeat_orders)
    history = summary.history
    if history is not None:        # 故障走势 names models: drawn again from the masked history
        history = mask_free_text(history, done=(repairs, repeat_orders) if repeat_orders is not None else None)
        tables.update(trends.tables(orders, history, summary.vocab.sales, summary.month, wb.policy))
    tables = {k: _masked(t) for k, t in {**summary.kpis, **tables}.items()}
    return replace(summary, orders=orders, table728=table_728(orders), kpis=tables, history=history,
                   repeat_orders=repeat_orders)


def default_folder(wb, month: str) -> Path:
    """`<workbook folder>/reports/<YYYY-MM>/`, and `<factory>/` in it for one of several factories."""
    folder = Path(wb.path).parent / "reports" / month
    own = getattr(wb.settings, "factory", "")
    return folder / safe_component(own, "厂家") if own else folder


def build_month(wb, month: str, out_dir: Path | None = None, fees=None, ledger_file: Path | None = None) -> MonthReport:
    """Build the month's statistics workbook and department packs (see module docstring).
    `fees`: the result of fees.compute(wb) when the caller already has it (else computed);
    `ledger_file`: the reply ledger to use instead of the one beside the workbook (a dry run's copy)."""
    from addin.rules.fees import compute
    month = parse_month(month)
    fees = compute(wb) if fees is None else fees
    folder = Path(out_dir) if out_dir is not None else default_folder(wb, month)
    _check_folder(folder, Path(wb.path) if wb.path else None)
    summary = summarize(wb.orders.frame, fees, month, policy=wb.policy, settings=wb.settings,
                        issues=wb.issues, error_rows=wb.error_rows, sheet=wb.orders.sheet,
                        vocab=getattr(wb, "vocab", None))
    ledger = Ledger(ledger_file or ledger_path(wb.path), wb.settings.factory)
    if wb.settings.factory:                           # a former single factory's items (Loaded.inherits)
        ledger.inherit([d.name for d in wb.settings.departments], wb.orders.frame["model"].dropna().astype(str),
                       getattr(wb, "foreign_models", ()), getattr(wb, "inherits", ()))
    summary = replace(summary, kpis={**summary.kpis, "replies": replies_table(ledger, month, wb.settings)},
                      factory=wb.settings.factory)
    env = _environment()
    with atomic_dir(folder) as tmp:
        (tmp / MARKER).write_text(month, encoding="utf-8")
        stats = write_statbook(summary, tmp / stats_filename(summary), dealer=wb.settings.dealer_name)
        private = private_summary(summary, wb) if any(not d.full_customer_data for d in wb.settings.departments) else None
        packs = [_dept_pack(env, wb, summary if d.full_customer_data else private, d, tmp, folder, ledger)
                 for d in wb.settings.departments]
    return MonthReport(month, folder, folder / stats.name, packs, summary)


def build_factories(wb, month: str, out_dir: Path | None = None, fees=None,
                    ledger_file: Path | None = None) -> list[MonthReport]:
    """build_month for every factory of the workbook, each on its own orders only (Loaded.
    for_factory): a single factory → [the report build_month always made]; several → one folder
    per factory (`<out_dir>/<factory>/`, default `reports/<YYYY-MM>/<factory>/`), its files
    named after it."""
    pairs = wb.by_factory()
    if len(pairs) == 1:
        return [build_month(wb, month, out_dir, fees, ledger_file)]
    return [build_month(own, month, None if out_dir is None else Path(out_dir) / safe_component(f.name, "厂家"),
                        None if fees is None else fees.loc[own.orders.frame.index], ledger_file)
            for f, own in pairs]


def report_sheet_name(report: MonthReport) -> str:
    """The live workbook's sheet for the month (31 characters at most, as Excel allows)."""
    own = report.summary.factory
    part = re.sub(r"[\[\]]", "_", safe_component(own, "厂家")) if own else ""   # Excel refuses [ ] too
    if len(part) > 18:       # two long names sharing their first 18 characters stay two sheets
        part = part[:13] + "~" + hashlib.sha1(own.encode("utf-8")).hexdigest()[:4].upper()
    return f"{report.summary.label}{part}统计"


def report_patch_rows(report: MonthReport) -> list[list]:
    """Rows of the month's report sheet for the live workbook (addin.book.patch whole-sheet rows):
    a title row, then every KPI table as its title, headers and rows, a blank row between."""
    s = report.summary
    t = s.totals
    rows: list[list] = [[f"{s.label} 售后服务统计", f"服务单 {t['orders']} 单", f"校验有错误 {t['error_orders']} 单",
                         f"统计表:{report.stats_path.name}"]]
    for key in (*KPI_ORDER, "problems"):
        if key in s.kpis:
            table = s.kpis[key]
            rows += [[], [table.title], list(table.headers), *[list(r) for r in table.rows]]
            if table.note:
                rows.append([table.note])
    return rows
