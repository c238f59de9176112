"""`aftersales today WORKBOOK`: today's work lists (addin.day.lists) as tables on the screen, as
JSON, or as the sheet 今日工作 in a copy of the workbook."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from addin.cli import fail
from addin.cli.zh import Command
from addin.book.issues import WorkbookError

HELP = ("今日工作:待上门(距承诺上门时限还剩几小时,超时标红)、拉修在外(是否借了备用机)、"
        "完成满 N 天仍未回访(N 为“设置”表的“回访天数”,默认 3)、不满意未跟进的投诉;每张表按紧急程度排序,"
        "带客户电话(经销商内部使用,不发给厂家)。“现在”默认为电脑时间,可用 --today 指定。\n\n"
        """\b
例:aftersales today 服务单.xlsx
例:aftersales today 服务单.xlsx --annotate 服务单_今日工作.xlsx --today 2026-10-15T08:30""")


def _today(ctx, param, value):
    from addin import clock
    if value:
        try:
            clock.set_now(value)
        except clock.ClockError as error:
            raise click.BadParameter(str(error)) from None
    return value


def _json(day) -> str:
    out = {"now": day.now.isoformat(timespec="minutes")}
    for w in day.lists:
        out[w.table.key] = [dict(zip(w.table.headers, (v.isoformat(timespec="minutes") if hasattr(v, "isoformat")
                                                        else v for v in row))) for row in w.table.rows]
    return json.dumps(out, ensure_ascii=False, indent=1)


def _print(day, limit: int) -> None:
    from rich.console import Console
    from rich.table import Table as RichTable

    from addin.day.lists import _cell
    console = Console()
    console.print(f"今日工作 {day.now:%Y-%m-%d %H:%M}")
    for w in day.lists:
        t = w.table
        table = RichTable(title=t.title, caption=t.note)
        for h in t.headers:
            table.add_column(h, overflow="fold")
        for i, row in enumerate(t.rows[:limit]):
            cells = [str(_cell(v, k)) for v, k in zip(row, t.kinds)]
            if i in w.red:
                cells[w.red_col] = f"[red]{cells[w.red_col]}[/red]"
            table.add_row(*cells)
        console.print(table)
        if len(t.rows) > limit:
            console.print(f"……另有 {len(t.rows) - limit} 张未显示(用 --limit 调整)。")


@click.command(cls=Command, help=HELP, exit_codes={0: "已列出", 2: "文件无法读取或副本无法写出"})
@click.argument("workbook", type=click.Path(path_type=Path))
@click.option("--annotate", type=click.Path(path_type=Path), metavar="副本.xlsx", help="另存一份副本,加一张“今日工作”表")
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出四张清单")
@click.option("--today", callback=_today, expose_value=False, is_eager=True, metavar="时间",
              help="按这个时间计算,如 2026-10-15 或 2026-10-15T08:30")
@click.option("--limit", default=50, show_default=True, metavar="数量", help="每张表最多显示几张单")
def command(workbook: Path, annotate: Path | None, as_json: bool, limit: int) -> None:
    from addin import clock
    from addin.book.patch import Patch, write_copy
    from addin.day.lists import SHEET, today_sheet, work_lists
    from addin.rules.fees import compute
    from addin.rules.loader import load_workbook

    try:
        wb = load_workbook(workbook)
        day = work_lists(wb, compute(wb), clock.now())
        if annotate:
            content = today_sheet(day, wb.orders.sheet, wb.orders.cols.get("order_no", 1))
            write_copy(Patch(wb.orders.sheet, wb.orders.header_row, sheets={SHEET: content}), workbook, annotate)
    except WorkbookError as error:
        fail(error.code, error.message, 2)
    except OSError as error:
        fail("write-failed", f"无法写出副本:{error}", 2)
    if as_json:
        click.echo(_json(day))
    else:
        _print(day, limit)
        if annotate:
            click.echo(f"已保存带“{SHEET}”表的副本:{annotate}")
    sys.exit(0)
