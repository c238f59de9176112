"""`aftersales template --out FILE`: write the blank dealer workbook (workbook_template.xlsx)."""
from __future__ import annotations

from pathlib import Path

import click

from addin.book.template import build_template
from addin.cli import fail
from addin.cli.zh import Command


@click.command(name="template", cls=Command,
               exit_codes={0: "已生成", 1: "没有写入(文件名不是 .xlsx、文件已存在或无法写入)"})
@click.option("--out", "out", type=click.Path(dir_okay=False, path_type=Path),
              default=Path("workbook_template.xlsx"), show_default=True, metavar="文件.xlsx",
              help="要生成的工作簿文件(.xlsx)")
@click.option("--force", is_flag=True, help="文件已存在时覆盖它(只在确定它不是正在使用的服务单时使用)")
def command(out: Path, force: bool):
    """生成经销商用的空白服务单工作簿:服务单、说明、设置和三包政策各页。

    \b
    例:
      aftersales template --out 服务单.xlsx
    """
    if out.suffix.lower() != ".xlsx":
        _fail("template-name", f"文件名“{out.name}”要以 .xlsx 结尾,例如 服务单.xlsx。")
    if out.exists() and not force:
        _fail("file-exists", f"文件“{out}”已存在,为了不覆盖已有的服务单,没有写入。请换一个文件名,或加 --force 覆盖。")
    try:
        build_template(out)
    except OSError as exc:
        _fail("write-failed", f"无法写入“{out}”:{exc.strerror or exc}。请检查文件夹是否存在、文件是否正被 Excel 打开。")
    click.echo(f"已生成空白服务单工作簿:{out}")


def _fail(code: str, message: str):
    fail(code, message, 1)
