"""`aftersales send WORKBOOK --month YYYY-MM` and `aftersales send-due WORKBOOK`.

Thin commands over addin.dispatch: load the workbook, pick the transport (SMTP when a server
is configured, else .eml files in 发件箱/ beside the workbook), hold the run lock, settle what
a stopped run left behind, send, print one line per department. Exit codes: 0 all done,
1 something needs the clerk (failure, refused address, unknown outcome), 2 workbook unreadable.
"""
from __future__ import annotations

import re
import sys
from datetime import date, datetime
from pathlib import Path

import click

from .dispatch import EML, MonthResult, send_month
from .due import due_months, month_of, order_months
from .issues import WorkbookError
from .mailer import MailError, month_label, smtp_config, subject_for
from .outbox import Ledger, LockBusy, ledger_path, run_lock

OUTBOX_FOLDER = "发件箱"


def outbox_folder(workbook: Path) -> Path:
    return Path(workbook).parent / OUTBOX_FOLDER


def log_path(workbook: Path) -> Path:
    return Path(workbook).with_name(Path(workbook).stem + "_自动发送日志.txt")


def _fail(code: str, message: str, exit_code: int = 1):
    click.echo(f"错误[{code}]:{message}", err=True)
    sys.exit(exit_code)


def _load(workbook: Path):
    from .loader import load_workbook
    try:
        return load_workbook(workbook)
    except WorkbookError as error:
        _fail(error.code, error.message, 2)


def packs_builder(wb, month: str):
    """A function building (or reusing) the month's packs, called only if something is to send."""
    def build():
        from .packs import ReportError, build_month
        try:
            return build_month(wb, month, None).packs
        except ReportError as error:
            raise MailError(error.code, error.message) from None
    return build


def _config(settings, dry_run: bool):
    try:
        return smtp_config(settings), ""
    except MailError as error:
        if dry_run and error.code == "smtp-no-password":
            return smtp_config(settings, keyring_get=lambda user: "(未设置)"), error.message
        raise


def _addresses(rows_or_names) -> str:
    return "、".join(getattr(r, "recipient", r) for r in rows_or_names)


def describe(result: MonthResult, dealer: str) -> list[str]:
    """Chinese lines for the clerk: one header, then one or more lines per department."""
    how = f"写成 .eml 文件到 {result.where}" if result.channel == EML else f"通过邮件服务器 {result.where} 发送"
    lines = [f"{month_label(result.month)}:{'(预演,不会发送)将' if result.dry_run else ''}{how}"]
    outcomes = {o.department: o for o in result.outcomes}
    for step in result.steps:
        name = step.name
        if not step.to and not step.problems:
            lines.append(f"  {name}:设置表里没有收件邮箱,不发送")
        for problem in step.problems:
            lines.append(f"  {name}:未发送 —— {problem}")
        if step.done and not (step.send and set(step.send) & {r.recipient for r in step.done}):
            did = "已写入发件箱" if result.channel == EML else "已发送"
            lines.append(f"  {name}:之前{did},跳过({_addresses(step.done)},{step.done[-1].updated_at})")
        if step.unknown and not step.send:
            lines.append(f"  {name}:状态不明 —— {step.unknown[-1].detail}({_addresses(step.unknown)},"
                         f"{step.unknown[-1].updated_at})。为避免重复,不会自动重发;请向收件人确认后运行"
                         f" aftersales send 工作簿 --month {result.month} --department {name} --unknown received"
                         f"(已收到)或 --unknown resend(未收到,重发)")
        if result.dry_run and step.send and step.pack is not None:
            xlsx = Path(step.pack.xlsx_path)
            lines.append(f"  {name} → {_addresses(step.send)};主题“{subject_for(dealer, result.month, name)}”;"
                         f"附件 {xlsx.name}({max(1, xlsx.stat().st_size // 1024)} KB),图表 {len(step.pack.images)} 张")
        if name in outcomes:
            lines += _outcome_lines(outcomes[name])
    if len(lines) == 1:
        lines.append("  没有需要发送的部门")
    return lines


def _outcome_lines(o) -> list[str]:
    lines, d = [], o.delivery
    if o.error:
        lines.append(f"  {o.department}:失败 —— {o.error}(下次运行会重试)")
    if d.accepted and o.location.endswith(".eml"):
        lines.append(f"  {o.department}:已写入 {o.location}(收件人 {_addresses(d.accepted)};"
                     "用 Outlook 打开即为待发送的草稿)")
    elif d.accepted:
        lines.append(f"  {o.department}:已发送 → {_addresses(d.accepted)}")
    for address, reason in d.refused.items():
        lines.append(f"  {o.department}:被拒收 → {address}:{reason}(改正地址后再运行会只补发这一封)")
    if d.unknown:
        lines.append(f"  {o.department}:状态不明 → {_addresses(d.unknown)}:{d.detail}。不会自动重发;"
                     "请向收件人确认后用 --unknown received 或 --unknown resend 处理")
    return lines


def _check_month(month: str, force: bool) -> None:
    if not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", month):
        _fail("month-invalid", f"月份“{month}”格式不对,请写成 2026-10 这样。")
    if month >= month_of(date.today()) and not force:
        _fail("month-open", f"{month_label(month)}还没有结束,不能发送月度反馈包(确需发送请加 --force)。")


@click.command(help="发送某月的部门反馈包:每个部门一封,已发送过的不再发送。\n\n"
                    "没有配置SMTP服务器时,邮件写成 .eml 文件放到工作簿旁的“发件箱”文件夹。\n\n"
                    "退出码:0 完成,1 有失败或待确认,2 工作簿无法读取。\n\n"
                    "例:aftersales send 服务单.xlsx --month 2026-10 --dry-run")
@click.argument("workbook", type=click.Path(path_type=Path))
@click.option("--month", required=True, help="月份,如 2026-10")
@click.option("--dry-run", is_flag=True, help="只显示将发给谁、什么内容,不发送")
@click.option("--force", is_flag=True, help="有意重发:已发送过的部门也再发一次")
@click.option("--department", "departments", multiple=True, help="只处理这个部门(可重复)")
@click.option("--unknown", type=click.Choice(["received", "resend"]),
              help="处理“状态不明”的邮件:received=对方已收到,resend=对方未收到,重发")
def send_command(workbook: Path, month: str, dry_run: bool, force: bool, departments, unknown) -> None:
    _check_month(month, force)
    wb = _load(workbook)
    try:
        config, note = _config(wb.settings, dry_run)
        if note:
            click.echo("提醒:" + note)
        result = _locked(workbook, dry_run, lambda ledger: send_month(
            wb.settings, ledger, month, packs_builder(wb, month), config=config,
            eml_folder=outbox_folder(workbook), force=force, only=tuple(departments),
            unknown=unknown or "", dry_run=dry_run))
    except MailError as error:
        _fail(error.code, error.message)
    except LockBusy as busy:
        _fail("send-busy", f"另一个发送任务正在运行(锁文件 {busy}),本次没有发送,请稍后再试。")
    click.echo("\n".join(describe(result, wb.settings.dealer_name)))
    sys.exit(0 if result.ok else 1)


def _locked(workbook: Path, dry_run: bool, action):
    """Run `action(ledger)` holding the run lock, after settling what a stopped run left."""
    if dry_run:
        with Ledger(ledger_path(workbook)) as ledger:
            return action(ledger)
    with run_lock(workbook), Ledger(ledger_path(workbook)) as ledger:
        ledger.recover()
        return action(ledger)


def _span(months: list[str]) -> str:
    return months[0] if len(months) == 1 else f"{months[0]} 至 {months[-1]}(共 {len(months)} 个月)"


def _due(wb, workbook: Path, today: date, dry_run: bool) -> tuple[list[str], bool, bool]:
    """Send every due month: (lines to print, all went well, anything to report)."""
    config, note = _config(wb.settings, dry_run)
    channel = "smtp" if config else EML
    lines, state = ([f"提醒:{note}"] if note else []), {"ok": True, "acted": bool(note)}

    def run(ledger):
        months, old = due_months(order_months(wb.orders.frame), today, wb.settings.send_day,
                                 ledger.months_done(channel))
        for month in months:
            try:
                result = send_month(wb.settings, ledger, month, packs_builder(wb, month), config=config,
                                    eml_folder=outbox_folder(workbook), dry_run=dry_run)
            except MailError as error:       # e.g. the month's packs cannot be built
                lines.append(f"{month_label(month)}:错误[{error.code}]:{error.message}")
                state.update(ok=False, acted=True)
                continue
            if result.pending or not result.ok or dry_run:
                lines.extend(describe(result, wb.settings.dealer_name))
                state["acted"] = True
            state["ok"] = state["ok"] and result.ok
            if result.outcomes and all(o.error for o in result.outcomes):
                lines.append("邮件服务器不可用,其余月份下次再发")
                break
        if old and state["acted"]:
            lines.append(f"较早的月份 {_span(old)} 不自动发送(需要时用 aftersales send --month)")
    _locked(workbook, dry_run, run)
    return lines, state["ok"], state["acted"]


def _log(workbook: Path, lines: list[str]) -> None:
    stamp = datetime.now().astimezone().isoformat(timespec="seconds")
    with open(log_path(workbook), "a", encoding="utf-8") as fh:
        fh.write("\n".join(f"{stamp} {line}" for line in lines) + "\n")


@click.command(help="发送所有已到发送日、尚未发送的月份(补发电脑关机期间错过的月份)。\n\n"
                    "可以每小时运行:已发送的不会重发,两个同时运行时只有一个发送。"
                    "有内容时把结果追加到工作簿旁的“<工作簿名>_自动发送日志.txt”。\n\n"
                    "例:aftersales send-due 服务单.xlsx")
@click.argument("workbook", type=click.Path(path_type=Path))
@click.option("--dry-run", is_flag=True, help="只显示哪些月份、哪些部门将发送,不发送")
@click.option("--today", type=click.DateTime(["%Y-%m-%d"]), hidden=True, help="按这一天计算(测试用)")
def send_due_command(workbook: Path, dry_run: bool, today) -> None:
    wb = _load(workbook)
    day = today.date() if today else date.today()
    try:
        lines, ok, acted = _due(wb, workbook, day, dry_run)
    except MailError as error:
        lines, ok, acted = [f"错误[{error.code}]:{error.message}"], False, True
    except LockBusy:
        click.echo("另一个发送任务正在运行,本次不发送。")
        sys.exit(0)
    if not acted:
        lines = ["没有到期未发送的月份。"]
    elif not dry_run:
        _log(workbook, lines)
    click.echo("\n".join(lines), err=not ok)
    sys.exit(0 if ok else 1)
