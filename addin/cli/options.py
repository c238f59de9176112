"""Options several commands share: `--month YYYY-MM` (checked, made canonical by
addin.book.months) and `--today YYYY-MM-DD` (puts addin.clock on that day for the whole
command: the demo year, the last closed month, what send-due finds due, the loader's
future-date check, the replies' due dates)."""
from __future__ import annotations

import click

from addin import clock

TODAY_HELP = "按这一天运行(默认:今天),如 2026-11-05;也可用环境变量 AFTERSALES_TODAY"


def _month(ctx, param, value):
    from addin.book.months import MonthError, parse_month
    if value is None:
        return None
    try:
        return parse_month(value)
    except MonthError as error:          # a usage error (exit 4) that keeps its own code
        from addin.cli import fail
        from addin.cli.zh import USAGE_EXIT
        fail(error.code, str(error), USAGE_EXIT)


def month_option(help: str, required: bool = False):
    """`--month YYYY-MM`: the command gets the canonical month text (or None)."""
    return click.option("--month", required=required, callback=_month, metavar="YYYY-MM", help=help)


def _today(ctx, param, value):
    if value is not None:
        try:
            ctx.with_resource(clock.frozen(value))       # back to the clock it found when the command ends
        except clock.ClockError as error:
            raise click.BadParameter(str(error)) from None
    return value


def today_option(hidden: bool = False, help: str = TODAY_HELP):
    """`--today YYYY-MM-DD`: sets the one clock before anything else runs (not passed on)."""
    return click.option("--today", metavar="YYYY-MM-DD", callback=_today, expose_value=False, is_eager=True,
                        hidden=hidden, help=help)
