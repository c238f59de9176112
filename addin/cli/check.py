"""`aftersales check WORKBOOK`: the checks as a table, JSON, or an annotated copy."""
from __future__ import annotations

import sys
from pathlib import Path

import click

from addin.cli import fail
from addin.book.issues import ERROR, WorkbookError, issues_json


def summary_line(wb) -> str:
    errors = sum(1 for i in wb.issues if i.severity == ERROR)
    warnings = len(wb.issues) - errors
    bad = len(wb.error_rows)
    return (f"共 {len(wb.orders.frame)} 张服务单(工作表“{wb.orders.sheet}”):"
            f"错误 {errors} 个,提醒 {warnings} 个,有错误的服务单 {bad} 张。")


def print_table(issues, limit: int) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title="校验结果", show_lines=False)
    for name in ("单元格", "列", "级别", "代码", "说明"):
        table.add_column(name, overflow="fold")
    for i in issues[:limit]:
        level = "[red]错误[/red]" if i.severity == ERROR else "[yellow]提醒[/yellow]"
        table.add_row(f"{i.where.sheet}!{i.where.a1}", i.column, level, i.code, i.message)
    console = Console()
    if issues:
        console.print(table)
    if len(issues) > limit:
        console.print(f"……另有 {len(issues) - limit} 个问题未显示(用 --limit 调整,或 --annotate 查看全部)。")


def fail_unreadable(error: WorkbookError) -> None:
    fail(error.code, error.message, 2)


@click.command(help="校验服务单工作表。退出码:0 无错误(可有提醒),1 有错误,2 文件无法读取。\n\n"
                    "例:aftersales check 服务单.xlsx --annotate 服务单_校验.xlsx")
@click.argument("workbook", type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="以 JSON 数组输出每个问题(sheet, cell, row, column, code, severity, message)")
@click.option("--annotate", type=click.Path(path_type=Path), help="另存一份标注副本:问题单元格标色加批注,并附“校验结果”工作表")
@click.option("--limit", default=200, show_default=True, help="表格中最多显示的问题数")
def command(workbook: Path, as_json: bool, annotate: Path | None, limit: int) -> None:
    from addin.rules.loader import load_workbook
    from addin.book.patch import check_patch, write_copy

    try:
        wb = load_workbook(workbook)
        if annotate:
            write_copy(check_patch(wb.orders.sheet, wb.orders.header_row, wb.issues), workbook, annotate)
    except WorkbookError as error:
        fail_unreadable(error)
    if as_json:
        click.echo(issues_json(wb.issues))
    else:
        print_table(wb.issues, limit)
        click.echo(summary_line(wb))
        if annotate:
            click.echo(f"标注副本已保存:{annotate}")
    sys.exit(1 if any(i.severity == ERROR for i in wb.issues) else 0)
