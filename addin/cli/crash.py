"""A fault of the program: one Chinese line for the clerk (exit 3), the traceback in a log file
the dealer can send to support.

The log is `aftersales-错误日志.txt` in the user's log folder (platformdirs: on Windows
%LOCALAPPDATA%\\aftersales\\Logs, on Linux ~/.local/state/aftersales/log), or in the folder
the environment variable AFTERSALES_LOG_DIR names. Each fault is appended with its time, the
command and the traceback. AFTERSALES_DEBUG=1 also prints the traceback, for a developer.
"""
from __future__ import annotations

import os
import sys
import traceback
from pathlib import Path
from typing import NoReturn

import click

from addin import clock

INTERNAL_EXIT = 3
LOG_NAME = "aftersales-错误日志.txt"


def log_folder() -> Path:
    """Where fault logs go (AFTERSALES_LOG_DIR, else the user's log folder)."""
    configured = os.environ.get("AFTERSALES_LOG_DIR", "").strip()
    if configured:
        return Path(configured)
    from platformdirs import user_log_dir
    return Path(user_log_dir("aftersales", appauthor=False))


def write_log(exc: BaseException, command: str) -> Path:
    """Append the fault with its traceback to the log; the log file's path."""
    path = log_folder() / LOG_NAME
    path.parent.mkdir(parents=True, exist_ok=True)
    text = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
    with open(path, "a", encoding="utf-8") as fh:
        fh.write(f"==== {clock.stamp()} {command} (aftersales {_version()})\n{text}\n")
    return path


def report_crash(exc: BaseException, command: str) -> NoReturn:
    """Log the fault, tell the clerk in one line where the log is, exit 3."""
    if os.environ.get("AFTERSALES_DEBUG"):
        traceback.print_exception(type(exc), exc, exc.__traceback__)
    try:
        where = f"详细记录已写入 {write_log(exc, command)},请把这个文件发给技术支持。"
    except OSError as error:
        where = f"详细记录无法写入日志文件({error.strerror or error}),请把这一行发给技术支持。"
    what = " ".join(str(exc).split())          # one line, whatever the exception says
    click.echo(f"错误[internal]:程序内部错误 {type(exc).__name__}({what})。原文件没有被改动;{where}",
               err=True)
    sys.exit(INTERNAL_EXIT)


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version
    try:
        return version("aftersales")
    except PackageNotFoundError:
        return "?"
