"""`aftersales fees WORKBOOK`: warranty verdicts, customer fees, factory claims and promises
as a table with totals, as JSON, or written into the computed columns of a copy.

JSON money: numbers with exactly two decimals (12.50), the exact amount in yuan; read them with
`json.loads(text, parse_float=decimal.Decimal)` to keep them exact. Dates are 'YYYY-MM-DD';
in_warranty and late are null when not known (not computable / not yet due). `factory`: the
factory of the order's 品牌 ('' when it has none — with several factories such an order claims
nothing, claim_status 品牌未知, and the exit code is 1).
"""
from __future__ import annotations

import json
import sys
from json.encoder import encode_basestring
from pathlib import Path

import click
import numpy as np
import pandas as pd

from addin.cli import fail
from addin.cli.output import print_rows
from addin.cli.zh import Command
from addin.cli.options import month_option
from addin.book.issues import WorkbookError

MONEY = ("travel_fee", "night_surcharge", "customer_total", "factory_claim", "claim_labour", "claim_travel",
         "claim_materials", "claim_held")
TABLE_MONEY = MONEY[:4]     # the table and the one-line form show these four


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
    if isinstance(v, tuple):               # suspicions (codes) and notes (sentences): JSON lists
        v = list(v)
    return json.dumps(v, ensure_ascii=False)


def _per_bits(values: np.ndarray, text, prefix: str = "") -> list[str]:
    """prefix + text(v) of every float, computed once per distinct bit pattern (so 0.0 and -0.0
    stay apart): money and hours take a few hundred values over 100,000 orders."""
    codes, uniques = pd.factorize(np.ascontiguousarray(values, dtype=np.float64).view(np.int64))
    return np.array([prefix + text(v) for v in uniques.view(np.float64).tolist()], dtype=object)[codes].tolist()


def _json_column(key: str, column: pd.Series, prefix: str = "") -> list[str]:
    """prefix + `_value` of every value of a column, done per column: money and dates
    vectorised, text and flags encoded once per distinct value (the prefix, `"key": `, is
    joined to each distinct text, not to each cell)."""
    if key in MONEY and pd.api.types.is_float_dtype(column.dtype):
        cents = np.round(column.to_numpy(dtype=float) * 100) / 100
        return _per_bits(cents, lambda c: "null" if c != c else f"{c:.2f}", prefix)
    if pd.api.types.is_bool_dtype(column.dtype):
        return np.where(column.to_numpy(), prefix + "true", prefix + "false").tolist()
    if pd.api.types.is_integer_dtype(column.dtype):
        return [f"{prefix}{v}" for v in column.tolist()]
    if pd.api.types.is_float_dtype(column.dtype) and key not in MONEY:
        return _per_bits(column.to_numpy(dtype=float),
                         lambda v: "null" if v != v else repr(v) if abs(v) != np.inf else json.dumps(v), prefix)
    if isinstance(column.dtype, np.dtype) and column.dtype.kind == "M":      # dates: a few thousand distinct
        values = column.to_numpy()
        codes, uniques = pd.factorize(values.view(np.int64))
        texts = pd.Series(uniques.view(values.dtype)).dt.strftime('"%Y-%m-%d"').fillna("null").tolist()
        return np.array([prefix + t for t in texts], dtype=object)[codes].tolist()
    if pd.api.types.is_datetime64_any_dtype(column.dtype):
        return [prefix + t for t in column.dt.strftime('"%Y-%m-%d"').fillna("null").tolist()]
    if column.dtype == object and pd.api.types.infer_dtype(column, skipna=True) in ("string", "boolean", "empty"):
        codes, uniques = pd.factorize(column, use_na_sentinel=True)
        quote = encode_basestring if key not in MONEY else None       # = json.dumps(text, ensure_ascii=False)
        texts = np.array([prefix + (quote(u) if quote and u.__class__ is str else _value(key, u)) for u in uniques]
                         + [prefix + "null"], dtype=object)
        return texts[codes].tolist()
    values = column.tolist()
    if column.dtype == object and all(v.__class__ is tuple or v is None for v in values):
        distinct = dict.fromkeys(values)           # suspicions, notes: a few distinct tuples of text
        if all(v is None or all(e.__class__ is str for e in v) for v in distinct):
            texts = {v: prefix + _value(key, v) for v in distinct}
            return [texts[v] for v in values]
    return [prefix + _value(key, v) for v in values]


def json_chunks(result: pd.DataFrame, rows: int = 5000):
    """The JSON array of `to_json` in pieces of `rows` orders (printed as they come, so the
    whole text of 100,000 orders is never held at once)."""
    names = [json.dumps(key) + ": " for key in result.columns]
    yield "[\n"
    for start in range(0, len(result), rows):
        part = result.iloc[start:start + rows]
        columns = [[f'{{"row": {int(r)}' for r in part.index]]
        columns += [_json_column(key, part[key], name) for name, key in zip(names, part.columns)]
        yield ("" if start == 0 else ",\n") + "},\n".join(map(", ".join, zip(*columns))) + "}"
    yield "\n]"


def to_json(result: pd.DataFrame) -> str:
    """The JSON array: one object per order (the result's columns plus the Excel row)."""
    return "".join(json_chunks(result))


def summary_lines(result: pd.DataFrame, settings, month: str | None = None, full: pd.DataFrame | None = None) -> list[str]:
    """Totals in Chinese (used by this command and by `aftersales demo`). `result` is the month's
    slice when `month` is given; `full` the whole result (the year so far for 包干)."""
    from addin.rules.fees_summary import totals

    t = totals(result)
    scope = f"{month} 月" if month else "全部"
    lines = [f"{scope}共 {t['orders']} 张服务单:保内 {t['in_warranty']} 张,"
             f"保外 {t['computable'] - t['in_warranty']} 张;客户应付合计 {t['customer_total']} 元"
             f"(交通费 {t['travel_fee']} 元,夜间加收 {t['night_surcharge']} 元);"
             f"厂家结算合计 {t['factory_claim']} 元;上门超时 {t['late']} 张;"
             f"可免费换机 {t['exchange_eligible']} 张;保外转保内嫌疑 {t['fraud_flags']} 张。"]
    if t["claim_held_orders"]:
        lines.append(f"暂不结算 {t['claim_held_orders']} 张共 {t['claim_held']} 元(未完工 {t['not_done']} 张,"
                     "其余为保外转保内嫌疑待核实;核实后在“已核实”填“是”),未计入厂家结算合计。")
    if t["not_computable_note"]:
        lines.append(t["not_computable_note"])
    at = result.attrs.get("reported_at")
    if settings.settlement_model == "包干" and at is not None and at.notna().any():
        lines += lump_sum_lines(full if full is not None else result, settings, month)
    return lines


def factory_summary_lines(wb, result: pd.DataFrame, month: str | None, full: pd.DataFrame | None = None) -> list[str]:
    """summary_lines for the dealer's single factory, or per factory (its claim, its 包干
    comparison) under a 【factory】 heading each when 设置 lists several."""
    pairs = wb.by_factory()
    if len(pairs) == 1:
        return summary_lines(result, wb.settings, month, full)
    lines = []
    for factory, own in pairs:
        rows = own.orders.frame.index
        mine, whole = (None if r is None else _rows_of(r, rows) for r in (result, full))
        lines += [f"【{factory.name}】", *summary_lines(mine, own.settings, month, whole)]
    lost = [r for r in wb.unassigned() if r in result.index]
    if lost:
        shown = "、".join(f"第{r}行" for r in lost[:10]) + (f" 等" if len(lost) > 10 else "")
        lines.append(f"另有 {len(lost)} 张服务单({shown})的品牌不属于设置表中的任何厂家(或没有填),未计入以上任何厂家"
                     "的合计,也不向任何厂家结算;请改正“品牌”(aftersales check 列出这些单元格)。")
    return lines


def factory_column(wb, result: pd.DataFrame) -> pd.Series:
    """The factory of every order of `result` ('' for a dealer's single unnamed factory or an
    order of no factory)."""
    from addin.book.factories import order_factories

    factories = wb.settings.factory_list()
    if len(factories) <= 1:
        return pd.Series(factories[0].name if factories else "", index=result.index, dtype=object)
    of = order_factories(wb.orders.frame, factories).reindex(result.index)
    return of.where(of.notna(), "").astype(object)


def _rows_of(result: pd.DataFrame, rows) -> pd.DataFrame:
    part = result[result.index.isin(rows)]
    part.attrs = {"reported_at": result.attrs["reported_at"].reindex(part.index)} if "reported_at" in result.attrs else {}
    return part


def _cells(row, r) -> list[str]:
    """The table's cells of one order: row, number, verdict, until, money ×4, hours, late."""
    verdict = "无法计算" if not r.computable else ("保内" if r.in_warranty else "保外")
    money = ["" if pd.isna(r[k]) else f"{r[k]:.2f}" for k in TABLE_MONEY]
    until = "" if pd.isna(r.warranty_until) else r.warranty_until.strftime("%Y-%m-%d")
    hours = "" if pd.isna(r.onsite_hours) else f"{r.onsite_hours:g}"
    return [str(row), str(r.order_no or ""), verdict, until, *money, hours, {True: "是", False: "否"}.get(r.late, "")]


def order_line(row, r, explain: bool = False) -> str:
    """One order on one line (output without a terminal); the explanation on the next, indented."""
    c = _cells(row, r)
    line = (f"第{c[0]}行 {c[1] or '(无编号)'} {c[2]}" + (f" 保修至{c[3]}" if c[3] else "")
            + f" 客户应付 {c[6] or '-'} 厂家结算 {c[7] or '-'} 交通费 {c[4] or '-'} 夜间 {c[5] or '-'}"
            + (f" 上门 {c[8]} 小时" if c[8] else "") + (" 超时" if c[9] == "是" else ""))
    return line + (f"\n    {r.explanation}" if explain and r.explanation else "")


def lump_sum_lines(result: pd.DataFrame, settings, month: str | None) -> list[str]:
    """包干: a month against 1/12 of the allowance and the year so far against its share; without
    a month, the latest year of the data so far (to its latest month)."""
    from addin.rules.fees_summary import lump_sum_comparison

    if month:
        year, last = int(month[:4]), int(month[5:7])
        periods = [range(last, last + 1), range(1, last + 1)]
    else:
        latest = result.attrs["reported_at"].max()
        year, last = int(latest.year), int(latest.month)
        periods = [range(1, last + 1)]
    return ["包干对比:" + lump_sum_comparison(result, settings, year, p)["summary"]
            for p in dict.fromkeys(periods)]


def _table(rows, explain: bool):
    from rich.table import Table

    table = Table(title="三包与费用", show_lines=explain)
    names = ("行", "服务单编号", "三包", "保修至", "交通费", "夜间", "客户应付", "厂家结算", "上门小时", "超时")
    for name in names + (("计算说明",) if explain else ()):
        table.add_column(name, overflow="fold", no_wrap=name in ("行", "服务单编号"))
    for row, r in rows.iterrows():
        cells = _cells(row, r)
        cells[9] = "[red]是[/red]" if cells[9] == "是" else cells[9]
        table.add_row(*cells, *([r.explanation] if explain else []))
    return table


def print_table(result: pd.DataFrame, limit: int, explain: bool = False) -> None:
    """The orders (at most `limit`): a table on a terminal, one line each otherwise."""
    rows = result.head(limit)
    print_rows(lambda: _table(rows, explain), [order_line(row, r, explain) for row, r in rows.iterrows()],
               len(result), "张", "用 --limit 调整,或 --json 查看全部")


def _annotate(wb, result, workbook: Path, out: Path, force: bool) -> None:
    from addin.book.patch import write_copy
    from addin.rules.results import result_patch

    write_copy(result_patch(wb, result), workbook, out, force)


@click.command(cls=Command, exit_codes={0: "全部可计算", 1: "有服务单因数据错误无法计算,或品牌不属于任何厂家", 2: "文件无法读取或副本无法写入"},
               help="三包判定、客户收费、厂家结算和服务时效。\n\n"
                    "在终端里显示为表格;输出到文件或计划任务时每张服务单一行。\n\n"
                    "例:aftersales fees 服务单.xlsx --month 2026-10")
@click.argument("workbook", type=click.Path(path_type=Path))
@month_option(help="只看这个月报修的服务单,如 2026-10")
@click.option("--json", "as_json", is_flag=True, help="以 JSON 数组输出,每张服务单一个对象(金额为两位小数的数字)")
@click.option("--annotate", type=click.Path(path_type=Path), metavar="副本.xlsx", help="另存一份副本,填好三包判定、费用、时效等计算列")
@click.option("--force", is_flag=True, help="--annotate 的文件已存在时覆盖它")
@click.option("--explain", is_flag=True, help="表格中加一列“计算说明”(每张单的算式)")
@click.option("--limit", default=200, show_default=True, metavar="数量", help="表格中最多显示的服务单数")
def command(workbook: Path, month: str | None, as_json: bool, annotate: Path | None, force: bool, explain: bool,
            limit: int) -> None:
    from addin.book.files import os_error
    from addin.book.patch import check_output
    from addin.rules.fees import compute, month_mask
    from addin.rules.loader import load_workbook

    try:
        if annotate:
            check_output(workbook, annotate, force)      # before the (long) read
        wb = load_workbook(workbook)
        result = compute(wb)
        if annotate:
            _annotate(wb, result, workbook, annotate, force)
    except WorkbookError as error:
        fail(error.code, error.message, 2)
    except OSError as error:
        fail(*os_error(error, "保存副本"), 2)
    full = result
    if month:
        result = result[month_mask(result, month)]
    lost = [r for r in wb.unassigned() if r in result.index]
    if as_json:
        for chunk in json_chunks(result.assign(factory=factory_column(wb, result))):
            click.echo(chunk, nl=False)
        click.echo()
    else:
        print_table(result, limit, explain)
        for line in factory_summary_lines(wb, result, month, full):
            click.echo(line)
        if annotate:
            click.echo(f"已填好计算列的副本已保存:{annotate}")
    sys.exit(0 if result["computable"].all() and not lost else 1)
