"""The command line: `aftersales COMMAND`. Parses arguments, calls the core, prints.

Owns: the list of commands (COMMANDS), the one way a command ends with an error (`fail`), click
in Chinese with the exit codes every command shares (zh), faults of the program logged for
support (crash), and one thin module per command (check, fees, report, replies, send, schedule,
addin, demo, template). Commands are imported only when used, so `aftersales --help` stays quick;
each module exposes a click command named `command` (or `<name>_command`).

Exit codes: 0 done, 1 the clerk has something to fix (errors found, mail failed), 2 the workbook
(or another input file) cannot be read, 3 a fault of the program (traceback in the log), 4 a
usage error (unknown option, missing argument, a month like 2026-13).

The top of the pipeline: may import every other stage; nothing imports it but the entry point
(`aftersales = addin.cli:main`).
"""
from __future__ import annotations

import importlib
import sys
from typing import NoReturn

import click

from addin.cli import zh

zh.install()
from addin.cli.options import today_option


def fail(code: str, message: str, exit_code: int = 2) -> NoReturn:
    """End a command with one Chinese line `错误[code]:message` on stderr and an exit code."""
    click.echo(f"错误[{code}]:{message}", err=True)
    sys.exit(exit_code)


# name → (module, short help shown by `aftersales --help`)
COMMANDS: dict[str, tuple[str, str]] = {
    "demo": ("addin.cli.demo", "在内置示例数据上运行整套流程(无需Excel或邮件服务器)"),
    "template": ("addin.cli.template", "生成经销商用的空白服务单工作簿"),
    "check": ("addin.cli.check", "校验服务单工作表,列出每个问题及其单元格"),
    "fees": ("addin.cli.fees", "三包判定、客户收费、厂家结算和服务时效"),
    "report": ("addin.cli.report", "生成月度统计表和各部门反馈包"),
    "print": ("addin.cli.print_form", "打印三联服务单(表7-27)和预印编号的空白单(PDF)"),
    "today": ("addin.cli.today", "今日工作:待上门、拉修在外、待回访、待处理投诉"),
    "replies": ("addin.cli.replies", "导入各部门的改进回复并跟踪"),
    "send": ("addin.cli.send", "发送某月的部门反馈包(只发一次)"),
    "send-due": ("addin.cli.send", "发送所有已到发送日、尚未发送的月份"),
    "schedule": ("addin.cli.schedule", "在系统计划任务中登记每日自动发送"),
    "addin": ("addin.cli.addin", "生成并安装 Excel 加载项(.xlam)"),
}


class LazyGroup(zh.Group):
    def list_commands(self, ctx):
        return list(COMMANDS)

    def get_command(self, ctx, name):
        if name not in COMMANDS:
            return None
        module = importlib.import_module(COMMANDS[name][0])
        attr = name.replace("-", "_") + "_command"
        return getattr(module, attr if hasattr(module, attr) else "command")

    def format_commands(self, ctx, formatter):
        with formatter.section("命令"):
            formatter.write_dl([(name, help_) for name, (_, help_) in COMMANDS.items()])


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]},
             exit_codes={0: "完成", 1: "有需要处理的问题(见各命令)", 2: "工作簿或输入文件无法读取"})
@click.version_option(package_name="aftersales", message="%(prog)s 版本 %(version)s",
                      help="显示版本号并退出。")
@today_option(hidden=True)          # `aftersales --today 2026-11-05 COMMAND …`: any command on that day
def main():
    """售后服务助手 aftersales:检查服务单、计算三包和费用、生成月报、发送厂家反馈。

    每个命令的用法和例子:aftersales 命令 --help。

    \b
    例:
      aftersales demo --out demo-out
      aftersales check 服务单.xlsx --annotate 服务单_校验.xlsx
      aftersales report 服务单.xlsx --month 2026-10
    """
