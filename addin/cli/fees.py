"""`aftersales fees WORKBOOK`: warranty verdicts, customer fees, factory claims and promises
as a table with totals, as JSON, or written into the computed columns of a copy.

JSON money: numbers with exactly two decimals (12.50), the exact amount in yuan; read them with
`json.loads(text, parse_float=decimal.Decimal)` to keep them exact. Dates are 'YYYY-MM-DD';
in_warranty and late are null when not known (not computable / not yet due).
"""
from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import click
import numpy as np
import pandas as pd

from addin.cli import fail
from addin.book.issues import WorkbookError

MONEY = ("travel_fee", "night_surcharge", "customer_total", "factory_claim")
HOURS = ("response_hours", "onsite_hours", "visit_hours", "promise_hours")


def _value(key: str, v) -> str:
    """One JSON value; money as a number with two decimals."""
    if v is None or (not isinstance(v, str) and pd.isna(v)):
        return "null"
    if key in MONEY:
        return f"{round(float(v) * 100) / 100:.2f}"
    if isinstance(v, pd.Timestamp):
        return json.dumps(v.strftime("%Y-%m-%d"))
    if hasattr(v, "item"):
        v = v.item()
    return json.dumps(v, ensure_ascii=False)


def _json_column(key: str, column: pd.Series) -> list[str]:
    """`_value` of every value of a column, done per column: money and dates vectorised,
    text and flags encoded once per distinct value."""
    if key in MONEY and pd.api.types.is_float_dtype(column.dtype):
        cents = np.round(column.to_numpy(dtype=float) * 100) / 100
        return ["null" if c != c else f"{c:.2f}" for c in cents.tolist()]
    if pd.api.types.is_bool_dtype(column.dtype):
        return np.where(column.to_numpy(), "true", "false").tolist()
    if pd.api.types.is_integer_dtype(column.dtype):
        return [str(v) for v in column.tolist()]
    if pd.api.types.is_float_dtype(column.dtype) and key not in MONEY:
        return ["null" if v != v else repr(v) if abs(v) != np.inf else json.dumps(v) for v in column.tolist()]
    if pd.api.types.is_datetime64_any_dtype(column.dtype):
        return column.dt.strftime('"%Y-%m-%d"').fillna("null").tolist()
    if column.dtype == object and pd.api.types.infer_dtype(column, skipna=True) in ("string", "boolean", "empty"):
        codes, uniques = pd.factorize(column, use_na_sentinel=True)
        texts = np.array([_value(key, u) for u in uniques] + ["null"], dtype=object)
        return texts[codes].tolist()
    return [_value(key, v) for v in column.tolist()]


def json_chunks(result: pd.DataFrame, rows: int = 5000):
    """The JSON array of `to_json` in pieces of `rows` orders (printed as they come, so the
    whole text of 100,000 orders is never held at once)."""
    names = [json.dumps(key) + ": " for key in result.columns]
    yield "[\n"
    for start in range(0, len(result), rows):
        part = result.iloc[start:start + rows]
        columns = [[f'{{"row": {int(r)}' for r in part.index]]
        columns += [[name + text for text in _json_column(key, part[key])] for name, key in zip(names, part.columns)]
        yield ("" if start == 0 else ",\n") + "},\n".join(map(", ".join, zip(*columns))) + "}"
    yield "\n]"


def to_json(result: pd.DataFrame) -> str:
    """The JSON array: one object per order (the result's columns plus the Excel row)."""
    return "".join(json_chunks(result))


def summary_lines(result: pd.DataFrame, settings, month: str | None = None) -> list[str]:
    """Totals in Chinese (used by this command and by `aftersales demo`)."""
    from addin.rules.fees_summary import lump_sum_comparison, totals

    t = totals(result)
    scope = f"{month} 月" if month else "全部"
    lines = [f"{scope}共 {t['orders']} 张服务单:保内 {t['in_warranty']} 张,"
             f"保外 {t['computable'] - t['in_warranty']} 张;客户应付合计 {t['customer_total']} 元"
             f"(交通费 {t['travel_fee']} 元,夜间加收 {t['night_surcharge']} 元);"
             f"厂家结算合计 {t['factory_claim']} 元;上门超时 {t['late']} 张;"
             f"可免费换机 {t['exchange_eligible']} 张;保外转保内嫌疑 {t['fraud_flags']} 张。"]
    if t["not_computable_note"]:
        lines.append(t["not_computable_note"])
    at = result.attrs.get("reported_at")
    if settings.settlement_model == "包干" and at is not None and at.notna().any():
        year = int(month[:4]) if month else int(at.max().year)
        lines.append("包干对比:" + lump_sum_comparison(result, settings, year)["summary"])
    return lines


def print_table(result: pd.DataFrame, limit: int, explain: bool = False) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title="三包与费用", show_lines=explain)
    names = ("行", "服务单编号", "三包", "保修至", "交通费", "夜间", "客户应付", "厂家结算", "上门小时", "超时")
    for name in names + (("计算说明",) if explain else ()):
        table.add_column(name, overflow="fold", no_wrap=name != "计算说明")
    for row, r in result.head(limit).iterrows():
        verdict = "无法计算" if not r.computable else ("保内" if r.in_warranty else "保外")
        money = ["" if pd.isna(r[k]) else f"{r[k]:.2f}" for k in MONEY]
        until = "" if pd.isna(r.warranty_until) else r.warranty_until.strftime("%Y-%m-%d")
        hours = "" if pd.isna(r.onsite_hours) else f"{r.onsite_hours:g}"
        late = {True: "[red]是[/red]", False: "否"}.get(r.late, "")
        cells = [str(row), str(r.order_no or ""), verdict, until, *money, hours, late]
        table.add_row(*cells, *([r.explanation] if explain else []))
    console = Console()
    console.print(table)
    if len(result) > limit:
        console.print(f"……另有 {len(result) - limit} 张未显示(用 --limit 调整,或 --json 查看全部)。")


def _month(ctx, param, value):
    if value is not None and not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", value):
        raise click.BadParameter(f"“{value}”不是月份,请写成 2026-10 这样的格式。")
    return value


def _annotate(wb, result, workbook: Path, out: Path) -> None:
    from addin.book.patch import write_copy
    from addin.rules.results import result_patch

    write_copy(result_patch(wb, result), workbook, out)


@click.command(help="三包判定、客户收费、厂家结算和服务时效。退出码:0 全部可计算,1 有服务单因数据错误"
                    "无法计算,2 文件无法读取。\n\n例:aftersales fees 服务单.xlsx --month 2026-10")
@click.argument("workbook", type=click.Path(path_type=Path))
@click.option("--month", callback=_month, help="只看这个月报修的服务单,如 2026-10")
@click.option("--json", "as_json", is_flag=True, help="以 JSON 数组输出,每张服务单一个对象(金额为两位小数的数字)")
@click.option("--annotate", type=click.Path(path_type=Path), help="另存一份副本,填好三包判定、费用、时效等计算列")
@click.option("--explain", is_flag=True, help="表格中加一列“计算说明”(每张单的算式)")
@click.option("--limit", default=200, show_default=True, help="表格中最多显示的服务单数")
def command(workbook: Path, month: str | None, as_json: bool, annotate: Path | None, explain: bool,
            limit: int) -> None:
    from addin.rules.fees import compute, month_mask
    from addin.rules.loader import load_workbook

    try:
        wb = load_workbook(workbook)
        result = compute(wb)
        if annotate:
            _annotate(wb, result, workbook, annotate)
    except WorkbookError as error:
        fail(error.code, error.message, 2)
    if month:
        result = result[month_mask(result, month)]
    if as_json:
        for chunk in json_chunks(result):
            click.echo(chunk, nl=False)
        click.echo()
    else:
        print_table(result, limit, explain)
        for line in summary_lines(result, wb.settings, month):
            click.echo(line)
        if annotate:
            click.echo(f"已填好计算列的副本已保存:{annotate}")
    sys.exit(0 if result["computable"].all() else 1)
