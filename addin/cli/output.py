"""How the commands print lists: a rich table on a wide terminal, plain lines everywhere else.

Without a terminal (a scheduled job, a pipe, a log file) a table has no width to fit, and on
a terminal narrower than TABLE_WIDTH (a default Windows console is 80 columns) it wraps 说明
over 5–8 lines and cuts numbers; there each item is one line instead, its codes and order
numbers whole, readable at any width and easy to search (`findstr`, `grep`).
"""
from __future__ import annotations

import sys

TABLE_WIDTH = 120          # columns a terminal needs before lists are shown as tables


def on_terminal() -> bool:
    """True when the output is a terminal a person is looking at."""
    try:
        return sys.stdout.isatty()
    except (AttributeError, ValueError):      # no stdout, or a closed one
        return False


def console():
    from rich.console import Console
    return Console()


def print_rows(make_table, lines: list[str], total: int, what: str, how: str) -> None:
    """Show a list: make_table() (a rich Table) on a terminal at least TABLE_WIDTH wide, else
    one plain line per item; then, when `total` is more than shown, how many were left out."""
    import click
    shown = len(lines)
    out = console() if on_terminal() else None
    if out is not None and out.width >= TABLE_WIDTH:
        out.print(make_table())
    else:
        for line in lines:
            click.echo(line)
    if total > shown:
        click.echo(f"……另有 {total - shown} {what}未显示({how})。")
