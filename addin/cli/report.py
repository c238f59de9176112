"""`aftersales report WORKBOOK --month YYYY-MM [--out DIR]`: the month's statistics workbook
and one feedback pack per department. Runs even when the check finds errors (such orders
are included, marked red and counted). Exit 0 when written, 2 when it cannot be, 4 (usage) for a month that is none."""
from __future__ import annotations

from pathlib import Path

import click

from addin.cli import fail
from addin.cli.zh import USAGE_EXIT, Command
from addin.book.files import os_error
from addin.book.issues import WorkbookError
from addin.book.ledgers import LedgerError


def _fail(code: str, message: str) -> None:
    fail(code, message, 2)


@click.command(cls=Command, exit_codes={0: "已生成", 2: "工作簿无法读取,或月报无法写入"},
               help="生成某月的售后服务统计表(表7-28 + KPI)和各部门反馈包。\n\n"
                    "订单按“报修时间”归入月份;校验有错误的服务单照样计入并标红。\n"
                    "默认输出到工作簿旁边的 reports/<YYYY-MM>/ 文件夹,整体替换上一次的结果。\n"
                    "设置表中有多个厂家时,每个厂家一个子文件夹(reports/<YYYY-MM>/<厂家>/),"
                    "只含该厂家的服务单,文件名带厂家名。\n\n"
                    "例:aftersales report 服务单.xlsx --month 2026-10")
@click.argument("workbook", type=click.Path(path_type=Path))
@click.option("--month", required=True, metavar="YYYY-MM", help="月份,如 2026-10")
@click.option("--out", "out_dir", type=click.Path(path_type=Path), default=None, metavar="文件夹",
              help="输出文件夹(默认:工作簿所在文件夹/reports/<月份>)")
def command(workbook: Path, month: str, out_dir: Path | None) -> None:
    from addin.rules.loader import load_workbook
    from addin.report.packs import ReportError, build_factories
    from addin.book.months import MonthError, parse_month

    try:
        month = parse_month(month)
        wb = load_workbook(workbook)
        reports = build_factories(wb, month, out_dir)
    except MonthError as error:
        fail(error.code, str(error), USAGE_EXIT)
    except (WorkbookError, ReportError, LedgerError) as error:
        _fail(error.code, error.message)
    except OSError as error:
        _fail(*os_error(error, "写入月报"))
    for report in reports:
        _describe(report, len(reports) > 1)
    unassigned = wb.unassigned()
    if unassigned:
        click.echo(f"另有 {len(unassigned)} 张服务单的品牌不属于设置表中的任何厂家(或没有填),"
                   "未计入任何厂家的月报;请运行 aftersales check 查看并改正。")


def _describe(report, named: bool) -> None:
    t = report.summary.totals
    who = f"【{report.summary.factory}】" if named else ""
    click.echo(f"{who}{report.summary.label}:服务单 {t['orders']} 张(其中校验有错误 {t['error_orders']} 张,已计入并标红),"
               f"故障 {t['failures']} 张。")
    if report.summary.unplaced:
        click.echo(f"另有 {report.summary.unplaced} 张服务单报修时间为空或无法识别,未计入任何月份。")
    click.echo(f"统计表:{report.stats_path}")
    if named and not report.packs:
        click.echo(f"{who}设置表的部门表里没有厂家“{report.summary.factory}”的部门,只生成了统计表,没有反馈包;"
                   f"请在部门表添加它的部门(“厂家”填“{report.summary.factory}”)。")
    for pack in report.packs:
        extra = f",另有 {len(pack.carried_ids)} 条逾期未回复" if pack.carried_ids else ""
        click.echo(f"反馈包 {pack.department.name}:{pack.xlsx_path.name}(反馈事项 {len(pack.item_ids)} 条{extra})")
    click.echo(f"输出文件夹:{report.folder}")
