"""`aftersales schedule install|show|remove WORKBOOK`: the daily `send-due` run in the OS scheduler."""
from __future__ import annotations

import re
from pathlib import Path

import click

from addin.cli import fail
from addin.cli.zh import USAGE_EXIT, Group
from addin.mail.schedule import ScheduleError, job_for, perform


def _do(action: str, workbook: Path, at: str = "09:00") -> None:
    if not re.fullmatch(r"([01]\d|2[0-3]):[0-5]\d", at):
        fail("schedule-time", f"时间“{at}”格式不对,请写成 09:00 这样。", USAGE_EXIT)
    if action == "install" and not Path(workbook).exists():
        fail("file-missing", f"找不到工作簿“{workbook}”。", 2)
    try:
        click.echo(perform(action, job_for(workbook, at)))
    except ScheduleError as error:
        fail(error.code, error.message, 1)


@click.group(cls=Group, exit_codes={0: "完成", 1: "系统计划任务操作失败", 2: "找不到工作簿"},
             help="在系统计划任务中登记每天自动运行 aftersales send-due(Windows 任务计划程序;其他系统用 cron)。\n\n"
                  "例:aftersales schedule install 服务单.xlsx --at 09:00")
def command() -> None:
    pass


@command.command(exit_codes={0: "已登记", 1: "登记失败", 2: "找不到工作簿"},
                 help="登记:每天 --at 时刻、以及每次登录后运行一次;电脑关机错过的会在开机后补上。\n\n"
                      "例:aftersales schedule install 服务单.xlsx --at 09:00")
@click.argument("workbook", type=click.Path(path_type=Path))
@click.option("--at", default="09:00", show_default=True, metavar="HH:MM", help="每天运行的时刻(HH:MM)")
def install(workbook: Path, at: str) -> None:
    _do("install", workbook, at)


@command.command(exit_codes={0: "完成", 1: "无法查询系统计划任务"},
                 help="显示为这个工作簿登记的计划任务。\n\n例:aftersales schedule show 服务单.xlsx")
@click.argument("workbook", type=click.Path(path_type=Path))
def show(workbook: Path) -> None:
    _do("show", workbook)


@command.command(exit_codes={0: "已删除(或本来就没有)", 1: "删除失败"},
                 help="删除为这个工作簿登记的计划任务。\n\n例:aftersales schedule remove 服务单.xlsx")
@click.argument("workbook", type=click.Path(path_type=Path))
def remove(workbook: Path) -> None:
    _do("remove", workbook)
