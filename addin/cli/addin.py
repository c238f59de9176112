"""`aftersales addin build|install`: make the Excel add-in file and put it where Excel loads it.

build   writes aftersales.xlam (any system; no Excel needed).
install on Windows writes it into the user's XLSTART folder (Excel opens every file there at
        start, which loads an .xlam as an add-in) with its config sheet pointing at this Python
        (Interpreter_Win = sys.executable, PYTHONPATH = this project, UDF Modules = addin.excel.udfs).
        On other systems it only says what to do instead.
The decision (install_plan) is pure and tested; writing the file is addin.excel.xlam's build_xlam.
"""
from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path

import click

from addin import assets
from addin.cli import fail
from addin.cli.zh import Group
from addin.book.issues import WorkbookError
from addin.excel.xlam import ADDIN_NAME, AddinConfig, build_xlam


@dataclass(frozen=True)
class InstallPlan:
    """Where the add-in goes and what its config says; `folder` is None when this system
    cannot take it, and `advice` then says what to do instead."""

    folder: Path | None
    config: AddinConfig
    advice: str = ""


def install_plan(platform: str, environ: dict, executable: str) -> InstallPlan:
    """What `install` would do on `platform` (sys.platform) with these environment variables."""
    config = AddinConfig(interpreter_win=executable, pythonpath=str(assets.install_folder()))
    if platform.startswith("win"):
        appdata = environ.get("APPDATA")
        if not appdata:
            raise WorkbookError("appdata-missing", "找不到 APPDATA 环境变量,无法确定 Excel 的启动文件夹 XLSTART")
        return InstallPlan(Path(appdata) / "Microsoft" / "Excel" / "XLSTART", config)
    return InstallPlan(None, config, advice=(
        "本机不是 Windows,无法自动安装 Excel 加载项。请这样做:\n"
        "  1. 运行 aftersales addin build --out 某文件夹,得到 aftersales.xlam;\n"
        "  2. 在装有 Excel 的 Windows 电脑上安装本软件后运行 aftersales addin install;\n"
        "     或在任何电脑上运行 aftersales addin build --python 该电脑上 python.exe 的完整路径,\n"
        "     再把 aftersales.xlam 复制到那台电脑的 %APPDATA%\\Microsoft\\Excel\\XLSTART;\n"
        "  3. WPS 或其他表格软件:请直接使用命令行(aftersales check / fees / report / send)\n"
        "     和计划任务(aftersales schedule),它们处理的是同一个工作簿。"))


def install(plan: InstallPlan) -> Path:
    """Write the add-in into plan.folder (the Windows-only step)."""
    try:
        return build_xlam(plan.folder, plan.config)
    except PermissionError:
        raise WorkbookError("addin-busy", f"无法写入 {plan.folder / ADDIN_NAME}:请先关闭 Excel 再安装") from None


def _fail(err: WorkbookError):
    fail(err.code, err.message, 2)


@click.group(name="addin", cls=Group, exit_codes={0: "完成", 2: "无法生成或安装"})
def command():
    """生成并安装 Excel 加载项(.xlam,功能区“售后服务”选项卡)。

    \b
    例:
      aftersales addin build --out 加载项
      aftersales addin install
    """


@command.command("build", exit_codes={0: "已生成", 2: "无法写入"})
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=Path("."),
              show_default=True, metavar="文件夹", help="加载项写入的文件夹")
@click.option("--python", "python", default="", metavar="路径", help="Excel 所在 Windows 电脑上 python.exe 的完整路径"
              "(写入加载项配置 Interpreter_Win;不填则使用系统路径中的 python)")
def build_command(out_dir: Path, python: str):
    """生成 aftersales.xlam(任何系统都可以,无需 Excel)。

    \b
    例:
      aftersales addin build --out 加载项
      aftersales addin build --python "C:\\Python312\\python.exe"
    """
    try:
        path = build_xlam(out_dir, AddinConfig(interpreter_win=python))
    except WorkbookError as err:
        _fail(err)
    click.echo(f"已生成加载项:{path}")


@command.command("install", exit_codes={0: "已安装(不是 Windows 时只说明怎么做)", 2: "无法安装"})
def install_command():
    """把加载项装进 Excel 的启动文件夹,并让它使用当前的 Python(仅 Windows)。

    \b
    例:
      aftersales addin install
    """
    try:
        plan = install_plan(sys.platform, dict(os.environ), sys.executable)
        if plan.folder is None:
            click.echo(plan.advice)
            return
        path = install(plan)
    except WorkbookError as err:
        _fail(err)
    click.echo(f"已安装:{path}\nPython:{plan.config.interpreter_win}\n请重新启动 Excel,功能区会出现“售后服务”选项卡。")
