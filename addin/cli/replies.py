"""`aftersales replies import WORKBOOK FILE...` and `aftersales replies status WORKBOOK`:
the departments' answers (改进回复 sheets of returned packs) into the ledger beside the
workbook, and what is still open."""
from __future__ import annotations

import sys
from pathlib import Path

import click

from addin.cli.zh import Group


@click.group(cls=Group, exit_codes={0: "完成", 1: "有回复行无法导入", 2: "文件找不到或无法读取"},
             help="各部门改进回复:导入寄回的反馈包,查看未回复事项。\n\n"
                  "例:aftersales replies import 服务单.xlsx 2026年10月_售后反馈_研发部.xlsx\n\n"
                  "例:aftersales replies status 服务单.xlsx --all")
def command() -> None:
    pass


@command.command("import", exit_codes={0: "全部导入", 1: "有文件或行没有导入(见错误行)", 2: "工作簿或跟踪记录无法使用"},
                 help="把部门寄回的反馈包(.xlsx)中“改进回复”表导入跟踪记录。\n\n"
                                "每个文件先按工作簿的安全规则检查;有问题的文件单独报错,其余照常导入。\n\n"
                                "例:aftersales replies import 服务单.xlsx 2026年10月_售后反馈_研发部.xlsx")
@click.argument("workbook", type=click.Path(path_type=Path))
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
def import_command(workbook: Path, files: tuple[Path, ...]) -> None:
    from addin.book.issues import ERROR
    from addin.book.ledgers import LedgerError
    from addin.cli import fail
    from addin.report.replies import import_replies

    if not workbook.is_file():
        fail("file-missing", f"找不到工作簿“{workbook}”。", 2)
    try:
        result = import_replies(workbook, files)     # each returned file is vetted on its own
    except LedgerError as error:
        fail(error.code, error.message, 2)
    for i in result.issues:
        level = "错误" if i.severity == ERROR else "提醒"
        click.echo(f"{level}[{i.code}] {i.where.sheet}!{i.where.a1}:{i.message}", err=True)
    click.echo(f"读取 {result.files} 个文件:新记录或更新的回复 {len(result.answered)} 条,未变 {result.unchanged} 条,"
               f"尚未填写改进措施 {result.blank} 条。")
    sys.exit(1 if any(i.severity == ERROR for i in result.issues) else 0)


@command.command("status", exit_codes={0: "完成(也包括还没有跟踪记录)"},
                 help="列出各部门未回复的反馈事项(默认截至今天已逾期的)。\n\n"
                      "例:aftersales replies status 服务单.xlsx\n\n"
                      "例:aftersales replies status 服务单.xlsx --all(也列出未到期的)")
@click.argument("workbook", type=click.Path(path_type=Path))
@click.option("--all", "show_all", is_flag=True, help="也列出未到期的未回复事项")
def status_command(workbook: Path, show_all: bool) -> None:
    from addin import clock
    from addin.report.replies import Ledger, ledger_path

    path = ledger_path(workbook)
    if not path.is_file():
        click.echo(f"还没有跟踪记录({path.name}):先用 aftersales report 生成反馈包。")
        return
    today = clock.today()
    items = Ledger(path).items()
    open_items = [i for i in items if not i.answered and (show_all or i.due < today)]
    click.echo(f"共 {len(items)} 条反馈事项,已回复 {sum(i.answered for i in items)} 条,"
               f"{'未回复' if show_all else '逾期未回复'} {len(open_items)} 条。")
    for i in open_items:
        click.echo(f"{i.id}  {i.who}  期限 {i.due.isoformat()}  {i.text}")
