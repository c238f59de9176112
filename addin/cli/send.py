"""`aftersales send WORKBOOK --month YYYY-MM` and `aftersales send-due WORKBOOK`.

Thin commands over addin.mail.sending: load the workbook, send, print one line per department.
Exit codes: 0 all done, 1 something needs the clerk (failure, refused address, unknown
outcome), 2 workbook unreadable, 4 (usage) a month that is none.
"""
from __future__ import annotations

import sys
from pathlib import Path

import click

from addin.book.issues import WorkbookError
from addin.book.months import MonthError, is_closed, month_label, parse_month
from addin.mail.mailer import MailError
from addin.mail.outbox import LedgerError, LockBusy
from addin.cli import fail
from addin.cli.options import today_option
from addin.cli.zh import USAGE_EXIT, Command
from addin.mail.sending import send_due, send_workbook_month


def _fail(code: str, message: str, exit_code: int = 1):
    fail(code, message, exit_code)


def _load(workbook: Path):
    from addin.rules.loader import load_workbook
    try:
        return load_workbook(workbook)
    except WorkbookError as error:
        _fail(error.code, error.message, 2)


def _check_month(month: str, force: bool) -> str:
    try:
        month = parse_month(month)
    except MonthError as error:
        _fail(error.code, str(error), USAGE_EXIT)
    if not is_closed(month) and not force:
        _fail("month-open", f"{month_label(month)}还没有结束,不能发送月度反馈包(确需发送请加 --force)。")
    return month


@click.command(cls=Command, exit_codes={0: "完成", 1: "有失败或待确认(或邮件设置有误、月份未结束、发送记录损坏或被占用)",
                                        2: "工作簿无法读取"},
               help="发送某月的部门反馈包:每个部门一封,已发送过的不再发送。\n\n"
                    "没有配置SMTP服务器时,邮件写成 .eml 文件放到工作簿旁的“发件箱”文件夹。"
                    "没有服务单的月份不发送;没有反馈事项的部门不发送(设置“无事项时也发送”为“是”时发简短通知)。\n\n"
                    "设置表中有多个厂家时,每个厂家的反馈包只发给该厂家的部门(邮件主题带厂家名称),"
                    "--department 指每个厂家的同名部门。\n\n"
                    "每次发送记在本机用户数据文件夹里的“邮件发送记录.sqlite”(输出的最后一行写明位置):"
                    "工作簿另存、复制、改名后也不会重复发送。\n\n"
                    "例:aftersales send 服务单.xlsx --month 2026-10 --dry-run")
@click.argument("workbook", type=click.Path(path_type=Path))
@click.option("--month", required=True, metavar="YYYY-MM", help="月份,如 2026-10")
@click.option("--dry-run", is_flag=True, help="只显示将发给谁、什么内容,不发送,也不在工作簿旁写任何文件")
@click.option("--force", is_flag=True, help="有意重发:已发送过的部门也再发一次")
@click.option("--department", "departments", multiple=True, metavar="部门", help="只处理这个部门(可重复)")
@click.option("--unknown", type=click.Choice(["received", "resend"]),
              help="处理“状态不明”的邮件:received=对方已收到,resend=对方未收到,重发")
def send_command(workbook: Path, month: str, dry_run: bool, force: bool, departments, unknown) -> None:
    month = _check_month(month, force)
    wb = _load(workbook)
    try:
        result, lines = send_workbook_month(wb, month, force=force, only=tuple(departments),
                                            unknown=unknown or "", dry_run=dry_run)
    except (MailError, LedgerError) as error:
        _fail(error.code, error.message)
    except LockBusy as busy:
        _fail("send-busy", f"另一个发送任务正在运行(锁文件 {busy}),本次没有发送,请稍后再试。")
    click.echo("\n".join(lines))
    sys.exit(0 if result.ok else 1)


@click.command(cls=Command, exit_codes={0: "完成(也包括没有到期的月份、另一个发送任务正在运行)",
                                        1: "有失败或待确认", 2: "工作簿无法读取"},
               help="发送所有已到发送日、尚未发送的月份(补发电脑关机期间错过的月份)。\n\n"
                    "可以每小时运行:已发送的不会重发,两个同时运行时只有一个发送。有多个厂家时逐个厂家发送。"
                    "有内容时把结果追加到工作簿旁的“<工作簿名>_自动发送日志.txt”。\n\n"
                    "例:aftersales send-due 服务单.xlsx\n\n"
                    "例:aftersales send-due 服务单.xlsx --today 2026-11-05 --dry-run(看那天会发送什么)")
@click.argument("workbook", type=click.Path(path_type=Path))
@click.option("--dry-run", is_flag=True, help="只显示哪些月份、哪些部门将发送,不发送")
@today_option(help="按这一天判断哪些月份到期(默认:今天),如 2026-11-05")
def send_due_command(workbook: Path, dry_run: bool) -> None:
    outcome = send_due(_load(workbook), workbook, dry_run=dry_run)
    click.echo("\n".join(outcome.lines), err=not outcome.ok)
    sys.exit(0 if outcome.ok else 1)
