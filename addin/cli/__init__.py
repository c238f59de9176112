"""The command line: `aftersales COMMAND`. Parses arguments, calls the core, prints.

Commands live in the modules named in COMMANDS and are imported only when used, so
`aftersales --help` and the Excel buttons stay quick. Every module exposes a click
command named `command` (or a group).

The top of the pipeline: may import every other stage; nothing imports it but the entry point
(`aftersales = addin.cli:main`). The modules beside this one (check, fees, report, …) are one
thin command each.
"""
from __future__ import annotations

import importlib
import os
import sys
import traceback
from typing import NoReturn

import click

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
    "replies": ("addin.cli.replies", "导入各部门的改进回复并跟踪"),
    "send": ("addin.cli.send", "发送某月的部门反馈包(只发一次)"),
    "send-due": ("addin.cli.send", "发送所有已到发送日、尚未发送的月份"),
    "schedule": ("addin.cli.schedule", "在系统计划任务中登记每日自动发送"),
    "addin": ("addin.cli.addin", "生成并安装 Excel 加载项(.xlam)"),
}


class LazyGroup(click.Group):
    def list_commands(self, ctx):
        return list(COMMANDS)

    def get_command(self, ctx, name):
        if name not in COMMANDS:
            return None
        module = importlib.import_module(COMMANDS[name][0])
        attr = name.replace("-", "_") + "_command" if hasattr(
            module, name.replace("-", "_") + "_command") else "command"
        return getattr(module, attr)

    def invoke(self, ctx):
        """A fault of the program still ends in one Chinese line (exit 3), not a traceback;
        AFTERSALES_DEBUG=1 shows the traceback for a developer."""
        try:
            return super().invoke(ctx)
        except (click.exceptions.Exit, click.ClickException, click.exceptions.Abort, SystemExit,
                KeyboardInterrupt):
            raise
        except Exception as exc:  # noqa: BLE001 - the last line of defence
            if os.environ.get("AFTERSALES_DEBUG"):
                traceback.print_exc()
            fail("internal", f"程序内部错误({type(exc).__name__}: {exc})。原文件没有被改动;"
                             "请把这一行发给技术支持,或设置 AFTERSALES_DEBUG=1 查看详情。", 3)

    def format_commands(self, ctx, formatter):
        rows = [(name, help_) for name, (_, help_) in COMMANDS.items()]
        with formatter.section("命令 Commands"):
            formatter.write_dl(rows)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="aftersales")
@today_option(hidden=True)          # `aftersales --today 2026-11-05 COMMAND …`: any command on that day
def main():
    """售后服务助手 aftersales:检查服务单、计算三包和费用、生成月报、发送厂家反馈。

    \b
    例 Examples:
      aftersales demo --out demo-out
      aftersales check 服务单.xlsx --annotate 服务单_校验.xlsx
      aftersales report 服务单.xlsx --month 2026-10
    """
