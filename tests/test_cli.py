"""The command line stays honest and speaks one language: every command and subcommand answers
--help in Chinese with examples and its exit codes, the README names it, usage errors are one
Chinese line with exit 4, and a fault of the program leaves its traceback in a log file."""
from __future__ import annotations

import ast
import importlib
import re
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from addin.cli import COMMANDS, main, zh

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
CLICK = Path(click.__file__).resolve().parent
# click texts only a programmer's mistake or a feature we do not use can show
NEVER_SHOWN = ("DeprecationWarning", "Could not determine name", "No options defined", "Arguments take exactly",
               "Name '{name}' defined twice", "Boolean option", "Unknown color", "Unknown standard stream",
               "Windows error", "Editing failed")
DYNAMIC = ("required",)      # texts click translates through a variable: _(extra["required"])


def click_texts() -> set[str]:
    """Every text click marks for translation (gettext / ngettext) in the modules zh patches."""
    found = set()
    for name in zh.MODULES:
        for node in ast.walk(ast.parse((CLICK / f"{name}.py").read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", "") in ("_", "ngettext"):
                found |= {a.value for a in node.args if isinstance(a, ast.Constant) and isinstance(a.value, str)}
    return {t for t in found if not t.startswith(NEVER_SHOWN)} | set(DYNAMIC)


ENGLISH = sorted({part.strip() for text in click_texts() for part in re.split(r"\{[^}]*\}|%\([^)]*\)s", text)
                  if len(part.strip()) >= 5 and re.search(r"[A-Za-z]{3}", part)}, key=len, reverse=True)
GENERIC_METAVARS = re.compile(r"\b(TEXT|INTEGER|FLOAT|BOOLEAN|PATH|FILENAME|DIRECTORY|OPTIONS|COMMAND|ARGS)\b")


def english_left(text: str) -> list[str]:
    return [e for e in ENGLISH if e in text] + GENERIC_METAVARS.findall(text)


def pages() -> list[tuple[str, ...]]:
    """The argument lists of every help page: the top, each command, each subcommand."""
    out = [()]
    for name in COMMANDS:
        command = main.get_command(None, name)
        out.append((name,))
        out += [(name, sub) for sub in getattr(command, "commands", {})]
    return out


def test_cli__translates_every_text_click_can_show():
    known = set(zh.TEXTS) | set(zh.PLURALS) | set(zh.PLURAL_FORMS)
    assert click_texts() - known == set()


@pytest.mark.parametrize("args", pages(), ids=lambda a: " ".join(a) or "aftersales")
def test_cli__every_page_is_chinese_with_examples_and_exit_codes(args):
    result = CliRunner().invoke(main, [*args, "--help"])
    assert result.exit_code == 0, result.output
    page = result.output
    assert page.startswith("用法:") and "例" in page and "退出码" in page
    assert "3  程序内部错误" in page and "4  命令用法错误" in page
    assert english_left(page) == []
    assert f"aftersales {' '.join(args[:1])}" in README


@pytest.mark.parametrize("args", [
    ["check"], ["check", "a.xlsx", "--bogus"], ["check", "a.xlsx", "--limit", "很多"], ["nosuch"],
    ["send", "a.xlsx"], ["send", "a.xlsx", "--month", "2026-09", "--unknown", "maybe"],
    ["send-due", "a.xlsx", "--today", "明天"], ["fees", "a.xlsx", "--month", "13"], ["replies", "import", "a.xlsx"],
    ["schedule", "install"], ["addin", "build", "--out"], ["template", "--forse"], ["demo", "extra"],
    ["send", "a.xlsx", "--month", "2026-13"], ["report", "a.xlsx", "--month", "2026-13"],
    ["schedule", "install", "a.xlsx", "--at", "9点"],
])
def test_cli__a_usage_error_is_one_chinese_line_with_exit_4(args):
    result = CliRunner().invoke(main, args)
    assert result.exit_code == zh.USAGE_EXIT == 4, result.output
    assert result.output.startswith("错误[") and english_left(result.output) == []
    assert "Traceback" not in result.output


def test_cli__no_arguments_shows_the_help_page():
    result = CliRunner().invoke(main, [])
    assert result.exit_code == 4 and result.output.startswith("用法:") and "命令:" in result.output


def test_cli__top_level_help_lists_every_command():
    result = CliRunner().invoke(main, ["--help"])
    assert result.exit_code == 0
    assert all(name in result.output for name in COMMANDS)


def test_cli__every_command_and_group_is_ours():
    for args in pages()[1:]:
        command = main.get_command(None, args[0])
        if len(args) == 2:
            command = command.commands[args[1]]
        assert isinstance(command, (zh.Command, zh.Group)), args


def test_cli__readme_first_screen_has_the_two_commands():
    first_screen = "\n".join(README.splitlines()[:25])
    assert "aftersales demo" in first_screen and "pytest" in first_screen


def test_cli__readme_documents_the_exit_codes():
    assert all(f"| {code} |" in README for code in range(5))


def test_cli__demo_runs_the_whole_month(tmp_path):
    out = tmp_path / "演示"
    result = CliRunner().invoke(main, ["demo", "--out", str(out), "--today", "2026-11-15"])   # → October
    assert result.exit_code == 0, result.output
    assert (out / "demo.xlsx").is_file() and (out / "demo_标注.xlsx").is_file()
    assert "共 " in result.output and "2026-10 月共" in result.output
    # the demo dealer serves two factories (issue 15): a statistics table and packs each
    assert (out / "reports" / "2026-10" / "TCL" / "2026年10月_售后服务统计表_TCL.xlsx").is_file()
    assert (out / "reports" / "2026-10" / "海信集团" / "2026年10月_售后服务统计表_海信集团.xlsx").is_file()
    assert len(list((out / "发件箱").glob("2026-10_TCL_*.eml"))) == 4
    assert len(list((out / "发件箱").glob("2026-10_海信集团_*.eml"))) == 3


def test_cli__a_program_fault_is_one_line_naming_the_log_with_the_traceback(make_book, monkeypatch, tmp_path):
    import addin.rules.loader

    def broken(*args, **kwargs):
        raise ZeroDivisionError("division by zero\nsecond line")
    monkeypatch.setattr(addin.rules.loader, "load_workbook", broken)
    monkeypatch.delenv("AFTERSALES_DEBUG", raising=False)
    monkeypatch.setenv("AFTERSALES_LOG_DIR", str(tmp_path / "日志"))
    result = CliRunner().invoke(main, ["check", str(make_book([]))])
    assert result.exit_code == 3
    log = tmp_path / "日志" / "aftersales-错误日志.txt"
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("错误[internal]") and str(log) in lines[0]
    assert "Traceback" not in result.output and english_left(result.output) == []
    text = log.read_text(encoding="utf-8")
    assert "Traceback (most recent call last)" in text and "in broken" in text and "ZeroDivisionError" in text
    assert " check (aftersales " in text.splitlines()[0]


def test_cli__a_fault_that_cannot_be_logged_still_ends_in_one_line(make_book, monkeypatch, tmp_path):
    import addin.rules.loader

    monkeypatch.setattr(addin.rules.loader, "load_workbook", lambda *a, **k: 1 / 0)
    blocker = tmp_path / "file"
    blocker.write_text("", encoding="utf-8")
    monkeypatch.setenv("AFTERSALES_LOG_DIR", str(blocker / "日志"))      # a folder under a file
    result = CliRunner().invoke(main, ["check", str(make_book([]))])
    assert result.exit_code == 3 and len(result.output.strip().splitlines()) == 1
    assert "无法写入日志文件" in result.output and "Traceback" not in result.output


def test_cli__the_log_goes_to_the_users_log_folder_by_default(monkeypatch):
    from platformdirs import user_log_dir

    from addin.cli.crash import log_folder
    monkeypatch.delenv("AFTERSALES_LOG_DIR", raising=False)
    assert log_folder() == Path(user_log_dir("aftersales", appauthor=False))


@pytest.mark.parametrize("module", sorted({m for m, _ in COMMANDS.values()}))
def test_cli__command_modules_import_cleanly(module):
    assert importlib.import_module(module).__doc__


def test_cli__demo_month_and_today_are_checked_before_any_work(tmp_path):
    for option, value in (("--month", "2026-13"), ("--today", "2026-02-30")):
        result = CliRunner().invoke(main, ["demo", "--out", str(tmp_path / "x"), option, value])
        assert result.exit_code == 4 and value in result.output and "Traceback" not in result.output
    assert not (tmp_path / "x").exists()


def test_cli__a_global_today_sets_the_clock_for_the_command_only(tmp_path, monkeypatch, at):
    from addin import clock
    at("2030-01-01")
    seen = []
    monkeypatch.setattr("addin.cli.template.command.callback", lambda **kw: seen.append(clock.today()))
    result = CliRunner().invoke(main, ["--today", "2028-02-29", "template", "--out", str(tmp_path / "t.xlsx")])
    assert result.exit_code == 0, result.output
    assert [str(d) for d in seen] == ["2028-02-29"] and str(clock.today()) == "2030-01-01"
