"""`aftersales print WORKBOOK --order FW… [--blank N] --out FILE.pdf`: the three-part service
order (表7-27) of the given orders, and blank forms with pre-printed numbers, as a PDF."""
from __future__ import annotations

import sys
from pathlib import Path

import click

from addin.cli import fail
from addin.cli.zh import Command
from addin.book.issues import WorkbookError

HELP = ("打印三联服务单(表7-27):每张单三页——客户联、经销商存根联、厂家结算联;收费各项取自费用计算"
        "(保内印“三包期内免费”),是否三包期内按系统判定打勾。--blank 另印空白单(只有抬头和预印编号,"
        "编号接着工作簿和以前印过的空白单中最大的编号往下排,已印编号记在工作簿旁的“…_已印空白单号.txt”),"
        "给师傅带出去手写。经销商地址和24小时服务电话取自“设置”表。\n\n"
        """\b
例:aftersales print 服务单.xlsx --order FW202610001 --order FW202610002 --out 服务单.pdf
例:aftersales print 服务单.xlsx --blank 10 --out 空白服务单.pdf""")


@click.command(cls=Command, help=HELP, exit_codes={
    0: "已生成", 1: "有服务单编号在工作簿中找不到(不生成文件)", 2: "文件无法读取或无法写出"})
@click.argument("workbook", type=click.Path(path_type=Path))
@click.option("--order", "orders", multiple=True, metavar="编号", help="要打印的服务单编号,可重复写多次")
@click.option("--blank", default=0, type=click.IntRange(0, 500), metavar="张数", help="另印几张空白服务单(预印编号)")
@click.option("--prefix", metavar="前缀", help="空白单编号的前缀,默认 FW+本月,如 FW202610")
@click.option("--out", type=click.Path(path_type=Path), required=True, metavar="文件.pdf", help="输出的 PDF 文件")
def command(workbook: Path, orders: tuple[str, ...], blank: int, prefix: str | None, out: Path) -> None:
    from addin.day.formpdf import print_orders
    from addin.report.charts import FontMissing
    from addin.rules.loader import load_workbook

    if not orders and not blank:
        fail("nothing-to-print", "请用 --order 指定服务单编号,或用 --blank 指定空白单张数。", 2)
    if out.suffix.lower() != ".pdf":
        fail("out-not-pdf", f"输出文件“{out}”应以 .pdf 结尾。", 2)
    try:
        wb = load_workbook(workbook)
        forms = print_orders(wb, list(orders), blank, out, prefix)
    except WorkbookError as error:
        fail(error.code, error.message, 1 if error.code == "order-not-found" else 2)
    except (FontMissing, OSError) as error:
        fail("pdf-write-failed", f"无法写出 PDF:{error}", 2)
    printed = [f for f in forms if f.row is not None]
    blanks = [f.order_no for f in forms if f.row is None]
    bad = [f.order_no for f in printed if f.row in wb.error_rows]
    click.echo(f"已生成 {out}:服务单 {len(printed)} 张" + (f",空白单 {len(blanks)} 张({blanks[0]}–{blanks[-1]})"
               if blanks else "") + f",共 {3 * len(forms)} 页(每张三联)。")
    if bad:
        click.echo("注意:" + "、".join(bad) + " 校验有错误,打印前请先改正(aftersales check 查看)。")
    sys.exit(0)
