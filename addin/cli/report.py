"""`aftersales report WORKBOOK --month YYYY-MM [--out DIR]`: the month's statistics workbook
and one feedback pack per department. Runs even when the check finds errors (such orders
are included, marked red and counted). Exit 0 when written, 2 when it cannot be."""
from __future__ import annotations

from pathlib import Path

import click

from addin.cli import fail
from addin.book.issues import WorkbookError


def _fail(code: str, message: str) -> None:
    fail(code, message, 2)


@click.command(help="生成某月的售后服务统计表(表7-28 + KPI)和各部门反馈包。\n\n"
                    "订单按“报修时间”归入月份;校验有错误的服务单照样计入并标红。\n"
                    "默认输出到工作簿旁边的 reports/<YYYY-MM>/ 文件夹,整体替换上一次的结果。\n\n"
                    "例:aftersales report 服务单.xlsx --month 2026-10")
@click.argument("workbook", type=click.Path(path_type=Path))
@click.option("--month", required=True, help="月份,格式 YYYY-MM,如 2026-10")
@click.option("--out", "out_dir", type=click.Path(path_type=Path), default=None,
              help="输出文件夹(默认:工作簿所在文件夹/reports/<月份>)")
def command(workbook: Path, month: str, out_dir: Path | None) -> None:
    from addin.rules.loader import load_workbook
    from addin.report.packs import ReportError, build_month
    from addin.book.months import MonthError, parse_month

    try:
        month = parse_month(month)
        wb = load_workbook(workbook)
        report = build_month(wb, month, out_dir)
    except MonthError as error:
        _fail(error.code, str(error))
    except (WorkbookError, ReportError) as error:
        _fail(error.code, error.message)
    except OSError as error:
        _fail("report-write-failed", f"写入月报失败:{error.strerror or error}(文件是否正被 Excel 打开?)")
    except Exception as error:  # noqa: BLE001 - one line for the clerk, never a traceback
        _fail("report-failed", f"生成月报时出错({error.__class__.__name__}:{error})。请把这行信息发给维护人员。")
    t = report.summary.totals
    click.echo(f"{report.summary.label}:服务单 {t['orders']} 张(其中校验有错误 {t['error_orders']} 张,已计入并标红),"
               f"故障 {t['failures']} 张。")
    if report.summary.unplaced:
        click.echo(f"另有 {report.summary.unplaced} 张服务单报修时间为空或无法识别,未计入任何月份。")
    click.echo(f"统计表:{report.stats_path}")
    for pack in report.packs:
        extra = f",另有 {len(pack.carried_ids)} 条逾期未回复" if pack.carried_ids else ""
        click.echo(f"反馈包 {pack.department.name}:{pack.xlsx_path.name}(反馈事项 {len(pack.item_ids)} 条{extra})")
    click.echo(f"输出文件夹:{report.folder}")
