"""click in Chinese: the one place that makes the command line speak one language.

click marks every text it shows (usage, headings, "Missing argument", "is not readable", choice
and date errors, …) for gettext and looks each up through the module-level `_` / `ngettext`
of its modules. `install()` points those hooks at the table below (no .mo files, no locale
settings: the dealer's Windows language does not matter). The Command and Group classes add
what translation cannot: a usage error is one line with a stable code and its own exit code
(USAGE_EXIT, not 2, which means "the workbook cannot be read"), every help page ends with its
exit codes, and a fault of the program goes through addin.cli.crash (exit 3, traceback in a
log file). tests/test_cli.py fails when click shows a text this table does not know.
"""
from __future__ import annotations

import re
from contextlib import contextmanager

import click

USAGE_EXIT = 4
COMMON_EXITS = {3: "程序内部错误(详情写入日志文件,见错误提示)", USAGE_EXIT: "命令用法错误(参数或选项不对)"}

TEXTS = {
    "Usage:": "用法:",
    "Options": "选项",
    "Commands": "命令",
    "Positional arguments": "参数",
    "Show this message and exit.": "显示本帮助并退出。",
    "Show the version and exit.": "显示版本号并退出。",
    "%(prog)s, version %(version)s": "%(prog)s 版本 %(version)s",
    "Try '{command} {option}' for help.": "请运行“{command} {option}”查看用法和例子。",
    "Error: {message}": "错误:{message}",
    "Aborted!": "已中止。",
    "Missing argument": "缺少参数",
    "Missing option": "缺少选项",
    "Missing parameter": "缺少参数",
    "Missing parameter: {param_name}": "缺少参数:{param_name}",
    "Missing {param_type}": "缺少{param_type}",
    "Missing command.": "缺少命令。",
    "No such command {name!r}.": "没有命令 {name!r}。",
    "No such option {name!r}.": "没有选项 {name!r}。",
    "Invalid value for {param_hint}: {message}": "{param_hint} 的值不对:{message}",
    "Invalid value: {message}": "值不对:{message}",
    "Option {name!r} does not take a value.": "选项 {name!r} 不带值。",
    "Argument {name!r} takes {nargs} values.": "参数 {name!r} 需要 {nargs} 个值。",
    "Invalid start character for option ({option})": "选项的开头字符不对({option})",
    "Could not open file {filename!r}: {message}": "无法打开文件 {filename!r}:{message}",
    "unknown error": "未知错误",
    "Choose from:\n\t{choices}": "可选:\n\t{choices}",
    "Choice({choices})": "可选({choices})",
    "{value} is not in the range {range}.": "{value} 不在范围 {range} 内。",
    "{value!r} is not a valid {number_type}.": "{value!r} 不是数字。",
    "{value!r} is not a valid boolean. Recognized values: {states}": "{value!r} 不是是/否值,可写:{states}",
    "{value!r} is not a valid UUID.": "{value!r} 不是有效的 UUID。",
    "{name} {filename!r} does not exist.": "{name} {filename!r} 不存在。",
    "{name} {filename!r} is a file.": "{name} {filename!r} 是文件,这里要文件夹。",
    "{name} {filename!r} is a directory.": "{name} {filename!r} 是文件夹,这里要文件。",
    "{name} {filename!r} is not readable.": "{name} {filename!r} 无法读取(没有权限?)。",
    "{name} {filename!r} is not writable.": "{name} {filename!r} 无法写入(没有权限?)。",
    "{name} {filename!r} is not executable.": "{name} {filename!r} 不能执行。",
    "Value must be an iterable.": "值必须是一组值。",
    "file": "文件", "directory": "文件夹", "path": "路径",
    "default: {default}": "默认:{default}",
    "required": "必填",                       # looked up as _(extra["required"])
    "env var: {var}": "环境变量:{var}",
    "(dynamic)": "(运行时决定)",
    "deprecated": "已弃用",
    "Do you want to continue?": "要继续吗?",
    "Confirm the action without prompting.": "不询问,直接确认。",
    "Repeat for confirmation": "请再输入一次确认",
    "Error: The two entered values do not match.": "错误:两次输入不一致。",
    "Error: invalid input": "错误:输入无效",
    "Press any key to continue...": "按任意键继续……",
}
PLURALS = {
    "Got unexpected extra argument ({args})": "多余的参数({args})",
    "Takes {nargs} values but 1 was given.": "需要 {nargs} 个值,只给了 1 个。",
    "Did you mean {possibility}?": "是不是想写 {possibility}?",
    "{value!r} is not {choice}.": "{value!r} 不是可选值 {choice}。",
    "{value!r} does not match the format {format}.": "{value!r} 不符合格式 {format}。",
    "Option {name!r} requires an argument.": "选项 {name!r} 后面要写一个值。",
    "{len_type} values are required, but {len_value} was given.": "需要 {len_type} 个值,给了 {len_value} 个。",
}
PLURAL_FORMS = {
    "Got unexpected extra arguments ({args})": "多余的参数({args})",
    "Takes {nargs} values but {len} were given.": "需要 {nargs} 个值,给了 {len} 个。",
    "(Did you mean one of: {possibilities}?)": "(是不是想写其中之一:{possibilities}?)",
    "{value!r} is not one of {choices}.": "{value!r} 不是可选值之一:{choices}。",
    "{value!r} does not match the formats {formats}.": "{value!r} 不符合格式 {formats}。",
    "Option {name!r} requires {nargs} arguments.": "选项 {name!r} 后面要写 {nargs} 个值。",
    "{len_type} values are required, but {len_value} were given.": "需要 {len_type} 个值,给了 {len_value} 个。",
}
MODULES = ("core", "exceptions", "types", "decorators", "formatting", "parser", "termui", "utils")


def gettext(message: str) -> str:
    return TEXTS.get(message, message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return PLURALS.get(singular, singular) if n == 1 else PLURAL_FORMS.get(plural, plural)


def install() -> None:
    """Point click's gettext hooks at the table (idempotent; costs a few attribute sets)."""
    import importlib
    for name in MODULES:
        module = importlib.import_module(f"click.{name}")
        if hasattr(module, "_"):
            module._ = gettext
        if hasattr(module, "ngettext"):
            module.ngettext = ngettext


class UsageFault(click.UsageError):
    """A usage error shown as one Chinese line with the code `usage`, then where to find help."""

    exit_code = USAGE_EXIT

    def show(self, file=None) -> None:
        lines = [f"错误[usage]:{self.format_message()}"]
        if self.ctx is not None:
            lines += [self.ctx.get_usage(), f"请运行“{self.ctx.command_path} --help”查看用法和例子。"]
        click.echo("\n".join(lines), file=file, err=file is None)


def _usage_fault(error: click.UsageError) -> click.UsageError:
    """The same error as a UsageFault: its message in Chinese quotes and full stop."""
    if isinstance(error, click.exceptions.NoArgsIsHelpError):   # shows the help page: keep it
        error.exit_code = USAGE_EXIT
        return error
    message = re.sub(r"'([^'\n]*)'", r"“\1”", error.format_message().strip())
    return UsageFault(re.sub(r"\.$", "。", message), error.ctx)


@contextmanager
def usage_faults():
    """Inside the block, any click usage error comes out as a UsageFault."""
    try:
        yield
    except UsageFault:
        raise
    except click.UsageError as error:
        raise _usage_fault(error) from None


class _Chinese:
    """What every command and group of aftersales shares (mixed into click.Command/Group)."""

    def __init__(self, *args, exit_codes: dict[int, str] | None = None, **kwargs):
        kwargs.setdefault("options_metavar", "[选项]")
        super().__init__(*args, **kwargs)
        self.exit_codes = {**(exit_codes or {0: "完成"}), **COMMON_EXITS}

    def make_context(self, info_name, args, parent=None, **extra):
        with usage_faults():
            return super().make_context(info_name, args, parent, **extra)

    def invoke(self, ctx):
        """A fault of the program still ends in one Chinese line (exit 3), its traceback in the
        log file the line names (addin.cli.crash)."""
        try:
            with usage_faults():
                return super().invoke(ctx)
        except (click.exceptions.Exit, click.ClickException, click.exceptions.Abort, SystemExit):
            raise
        except BrokenPipeError:
            _output_closed()
        except Exception as exc:  # noqa: BLE001 - the last line of defence
            from addin.cli.crash import report_crash
            report_crash(exc, ctx.command_path)

    def format_epilog(self, ctx, formatter) -> None:
        super().format_epilog(ctx, formatter)
        with formatter.section("退出码"):
            formatter.write_dl([(str(code), text) for code, text in sorted(self.exit_codes.items())])


def _output_closed():
    """The reader of our output went away (`aftersales check x.xlsx | head`): no traceback, no log;
    one line on stderr and exit 2 (output not writable), stdout pointed at nowhere so that
    Python's own flush at exit does not fail again."""
    import os
    import sys
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    try:
        print("输出已被关闭(例如接到了 head),命令已停止;要看全部结果请把输出存到文件。", file=sys.stderr)
    except OSError:
        pass
    sys.exit(2)


class Command(_Chinese, click.Command):
    """A command of aftersales: Chinese texts, usage errors exit USAGE_EXIT, exit codes in --help."""


class Group(_Chinese, click.Group):
    """A group of aftersales commands (its subcommands are Commands)."""

    command_class = Command

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("subcommand_metavar", "命令 [参数]...")
        super().__init__(*args, **kwargs)

    def resolve_command(self, ctx, args):
        with usage_faults():
            return super().resolve_command(ctx, args)


Group.group_class = Group
