"""`aftersales demo`: the main job end to end on a built-in demo year — no Excel, no SMTP.

Writes DIR/demo.xlsx (the template with a realistic year of a county dealer's orders ending
with the last complete month, a handful of clerks' mistakes included), checks it, computes
warranty and fees, builds the month's report and department packs, and sends them — as
.eml files in DIR/发件箱 unless the environment names an SMTP server.
"""
from __future__ import annotations

from datetime import date
from pathlib import Path

import click


def last_complete_month(today: date) -> str:
    first = today.replace(day=1)
    prev = date(first.year - (first.month == 1), (first.month - 2) % 12 + 1, 1)
    return prev.strftime("%Y-%m")


def _step(title: str) -> None:
    click.secho(f"\n== {title} ==", bold=True)


def build_demo_workbook(out: Path, month: str) -> Path:
    from addin.demo.data import demo_orders
    from addin.book.template import write_workbook

    demo = demo_orders(month)
    path = write_workbook(out / "demo.xlsx", demo.orders, demo.settings, sales=demo.sales)
    click.echo(f"示例工作簿:{path}({len(demo.orders)} 张服务单,{demo.first_day} 至 {demo.last_day},"
               f"其中故意留了 {len(demo.mistakes)} 处常见录入错误)")
    return path


def run_check(path: Path):
    from addin.cli.check import print_table, summary_line
    from addin.rules.loader import load_workbook

    wb = load_workbook(path)
    print_table(wb.issues, 30)
    click.echo(summary_line(wb))
    return wb


def run_fees(wb, month: str, annotated: Path):
    from addin.cli.fees import summary_lines
    from addin.rules.fees import compute, month_mask
    from addin.book.patch import write_copy
    from addin.rules.results import result_patch

    result = compute(wb)
    for line in summary_lines(result[month_mask(result, month)], wb.settings, month):
        click.echo(line)
    write_copy(result_patch(wb, result), wb.path, annotated)
    click.echo(f"标注副本(问题单元格标色、计算列已填):{annotated}")
    return result


def run_report(wb, month: str, fees):
    from addin.report.packs import build_month

    report = build_month(wb, month, fees=fees)
    click.echo(f"月报文件夹:{report.folder}")
    click.echo(f"  统计表:{report.stats_path.name}")
    for pack in report.packs:
        click.echo(f"  {pack.department.name}:{pack.xlsx_path.name}({len(pack.item_ids)} 个反馈事项)")
    return report


def run_send(wb, month: str, report) -> None:
    from addin.mail.sending import send_workbook_month

    _, lines = send_workbook_month(wb, month, packs=report.packs)
    for line in lines:
        click.echo(line)


@click.command(help="在内置示例数据上运行整套流程:生成示例工作簿 → 校验 → 三包和费用 → 月报和部门反馈包 → "
                    "发送(未配置邮件服务器时存为 .eml 文件)。不需要 Excel,也不需要邮件服务器。\n\n"
                    "例:aftersales demo --out demo-out")
@click.option("--out", type=click.Path(path_type=Path), default=Path("aftersales-demo"), show_default=True,
              help="输出文件夹")
@click.option("--month", help="示例数据的最后一个月(默认:上一个完整月份),如 2026-10")
def command(out: Path, month: str | None) -> None:
    from addin.cli import fail
    from addin.book.issues import WorkbookError
    from addin.mail.mailer import MailError
    from addin.report.packs import ReportError

    month = month or last_complete_month(date.today())
    out.mkdir(parents=True, exist_ok=True)
    try:
        _step("1. 生成示例工作簿")
        path = build_demo_workbook(out, month)
        _step("2. 校验服务单")
        wb = run_check(path)
        _step(f"3. 三包判定与费用({month})")
        fees = run_fees(wb, month, out / "demo_标注.xlsx")
        _step(f"4. 月报与部门反馈包({month})")
        report = run_report(wb, month, fees)
        _step("5. 发送反馈包")
        run_send(wb, month, report)
    except (WorkbookError, ReportError, MailError) as error:
        fail(error.code, error.message, 2)
    click.secho(f"\n完成。所有文件在:{out.resolve()}", bold=True)
