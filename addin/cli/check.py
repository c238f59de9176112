"""`aftersales check WORKBOOK`: the checks as a table, JSON, or an annotated copy."""
from __future__ import annotations

import sys
from pathlib import Path

import click

from addin.cli import fail
from addin.cli.output import print_rows
from addin.cli.zh import Command
from addin.book.files import os_error
from addin.book.issues import ERROR, WorkbookError, issues_json


def summary_line(wb) -> str:
    errors = sum(1 for i in wb.issues if i.severity == ERROR)
    warnings = len(wb.issues) - errors
    if wb.no_orders:
        return wb.no_orders + (f"其他工作表:错误 {errors} 个,提醒 {warnings} 个。" if wb.issues else "")
    return (f"共 {len(wb.orders.frame)} 张服务单(工作表“{wb.orders.sheet}”):"
            f"错误 {errors} 个,提醒 {warnings} 个,有错误的服务单 {len(wb.error_rows)} 张。")


def issue_line(i) -> str:
    """One issue on one line, for output without a terminal: `服务单!D5 错误 phone-invalid 联系电话…`."""
    return f"{i.where.sheet}!{i.where.a1} {'错误' if i.severity == ERROR else '提醒'} {i.code} {i.message}"


def _table(issues):
    from rich.table import Table

    table = Table(title="校验结果", show_lines=False)
    for name in ("单元格", "列", "级别", "代码", "说明"):
        table.add_column(name, overflow="fold", no_wrap=name in ("单元格", "代码"))
    for i in issues:
        level = "[red]错误[/red]" if i.severity == ERROR else "[yellow]提醒[/yellow]"
        table.add_row(f"{i.where.sheet}!{i.where.a1}", i.column, level, i.code, i.message)
    return table


def print_table(issues, limit: int) -> None:
    """The issues (at most `limit`): a table on a terminal, one line each otherwise."""
    if issues:
        shown = issues[:limit]
        print_rows(lambda: _table(shown), [issue_line(i) for i in shown], len(issues), "个问题",
                   "用 --limit 调整,或 --annotate 查看全部")


def fail_unreadable(error: WorkbookError) -> None:
    fail(error.code, error.message, 2)


@click.command(cls=Command, exit_codes={0: "没有错误(可以有提醒;也包括还没有服务单的空白工作簿)",
                                        1: "有错误", 2: "文件无法读取或副本无法写入"},
               help="校验服务单工作表:每个问题的单元格、代码、级别和说明。\n\n"
                    "在终端里显示为表格;输出到文件或计划任务时每个问题一行。\n\n"
                    "例:aftersales check 服务单.xlsx --annotate 服务单_校验.xlsx")
@click.argument("workbook", type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="以 JSON 数组输出每个问题(sheet, cell, row, column, code, severity, message)")
@click.option("--annotate", type=click.Path(path_type=Path), metavar="副本.xlsx", help="另存一份标注副本:问题单元格标色加批注,并附“校验结果”工作表")
@click.option("--force", is_flag=True, help="--annotate 的文件已存在时覆盖它")
@click.option("--limit", default=200, show_default=True, metavar="数量", help="表格中最多显示的问题数")
def command(workbook: Path, as_json: bool, annotate: Path | None, force: bool, limit: int) -> None:
    from addin.rules.loader import load_workbook
    from addin.book.patch import check_output, check_patch, write_copy

    try:
        if annotate:
            check_output(workbook, annotate, force)      # before the (long) read
        wb = load_workbook(workbook)
        if annotate:
            write_copy(check_patch(wb.orders.sheet, wb.orders.header_row, wb.issues), workbook, annotate, force)
    except WorkbookError as error:
        fail_unreadable(error)
    except OSError as error:
        fail(*os_error(error, "保存标注副本"), 2)
    if as_json:
        click.echo(issues_json(wb.issues))
    else:
        print_table(wb.issues, limit)
        click.echo(summary_line(wb))
        if annotate:
            click.echo(f"标注副本已保存:{annotate}")
    sys.exit(1 if any(i.severity == ERROR for i in wb.issues) else 0)
