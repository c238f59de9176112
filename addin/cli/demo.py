"""`aftersales demo`: the main job end to end on a built-in demo year — no Excel, no SMTP.

Writes DIR/demo.xlsx (the template with a realistic year of a county dealer's orders ending
with the last complete month, a handful of clerks' mistakes included), checks it, computes
warranty and fees, builds the month's report and department packs, and sends them — as
.eml files in DIR/发件箱 unless the environment names an SMTP server. "Today" (hence the last
complete month, and the check's "in the future") is addin.clock's: `--today` sets it.
"""
from __future__ import annotations

from pathlib import Path

import click

from addin.cli.zh import Command
from addin.cli.options import month_option, today_option


def _step(title: str) -> None:
    click.secho(f"\n== {title} ==", bold=True)


def build_demo_workbook(out: Path, month: str) -> Path:
    from addin.demo.data import DEMO_POLICY, demo_orders
    from addin.book.template import write_workbook

    demo = demo_orders(month)
    path = write_workbook(out / "demo.xlsx", demo.orders, demo.settings, DEMO_POLICY, sales=demo.sales)
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
    from addin.cli.fees import factory_summary_lines
    from addin.rules.fees import compute, month_mask
    from addin.book.patch import write_copy
    from addin.rules.results import result_patch

    result = compute(wb)
    for line in factory_summary_lines(wb, result[month_mask(result, month)], month, result):
        click.echo(line)
    write_copy(result_patch(wb, result), wb.path, annotated)
    click.echo(f"标注副本(问题单元格标色、计算列已填):{annotated}")
    return result


def run_report(wb, month: str, fees):
    """The month's reports, one per factory (the demo has two): {factory name: its packs}."""
    from addin.report.packs import build_factories

    reports = build_factories(wb, month, fees=fees)
    for report in reports:
        who = f"【{report.summary.factory}】" if report.summary.factory else ""
        click.echo(f"{who}月报文件夹:{report.folder}")
        click.echo(f"  统计表:{report.stats_path.name}")
        for pack in report.packs:
            click.echo(f"  {pack.department.name}:{pack.xlsx_path.name}({len(pack.item_ids)} 个反馈事项)")
    return reports[0].packs if len(reports) == 1 else {r.summary.factory: r.packs for r in reports}


def run_send(wb, month: str, packs) -> None:
    from addin.mail.outbox import legacy_ledger_path
    from addin.mail.sending import send_workbook_month

    # the demo's dealer is made up: its sends are recorded beside the demo workbook, never in
    # the user's shared ledger (a real dealer's record must not mix with it)
    _, lines = send_workbook_month(wb, month, packs=packs, ledger_file=legacy_ledger_path(wb.path))
    for line in lines:
        click.echo(line)


@click.command(cls=Command, exit_codes={0: "完成", 2: "无法写入输出文件夹或生成报告"},
               help="在内置示例数据上运行整套流程:生成示例工作簿 → 校验 → 三包和费用 → 月报和部门反馈包 → "
                    "发送(未配置邮件服务器时存为 .eml 文件)。不需要 Excel,也不需要邮件服务器。\n\n"
                    "例:aftersales demo --out demo-out\n\n"
                    "例:aftersales demo --out demo-out --today 2027-02-10(按 2027年2月10日运行,示例数据到 2027年1月)")
@click.option("--out", type=click.Path(path_type=Path), default=Path("aftersales-demo"), show_default=True,
              metavar="文件夹",
              help="输出文件夹")
@month_option(help="示例数据的最后一个月(默认:上一个完整月份),如 2026-10")
@today_option()
def command(out: Path, month: str | None) -> None:
    from addin.cli import fail
    from addin.book.issues import WorkbookError
    from addin.mail.mailer import MailError
    from addin.report.packs import ReportError
    from addin.book.months import last_closed

    month = month or last_closed()
    out.mkdir(parents=True, exist_ok=True)
    try:
        _step("1. 生成示例工作簿")
        path = build_demo_workbook(out, month)
        _step("2. 校验服务单")
        wb = run_check(path)
        _step(f"3. 三包判定与费用({month})")
        fees = run_fees(wb, month, out / "demo_标注.xlsx")
        _step(f"4. 月报与部门反馈包({month})")
        packs = run_report(wb, month, fees)
        _step("5. 发送反馈包")
        run_send(wb, month, packs)
    except (WorkbookError, ReportError, MailError) as error:
        fail(error.code, error.message, 2)
    click.secho(f"\n完成。所有文件在:{out.resolve()}", bold=True)
