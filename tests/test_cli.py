"""The command line stays honest: every command answers --help, and the README names it."""
from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from addin.cli import COMMANDS, main

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("name", list(COMMANDS))
def test_cli__every_command_has_help_and_is_documented(name):
    result = CliRunner().invoke(main, [name, "--help"])
    assert result.exit_code == 0, result.output
    assert "Usage:" in result.output
    assert f"aftersales {name}" in README


def test_cli__top_level_help_lists_every_command():
    result = CliRunner().invoke(main, ["--help"])
    assert result.exit_code == 0
    assert all(name in result.output for name in COMMANDS)


def test_cli__readme_first_screen_has_the_two_commands():
    first_screen = "\n".join(README.splitlines()[:25])
    assert "aftersales demo" in first_screen and "pytest" in first_screen


def test_cli__demo_runs_the_whole_month(tmp_path):
    out = tmp_path / "演示"
    result = CliRunner().invoke(main, ["demo", "--out", str(out), "--today", "2026-11-15"])   # → October
    assert result.exit_code == 0, result.output
    assert (out / "demo.xlsx").is_file() and (out / "demo_标注.xlsx").is_file()
    assert "共 " in result.output and "2026-10 月共" in result.output
    assert (out / "reports" / "2026-10" / "2026年10月_售后服务统计表.xlsx").is_file()
    assert len(list((out / "发件箱").glob("2026-10_*.eml"))) == 4


def test_cli__a_program_fault_is_one_chinese_line_not_a_traceback(make_book, monkeypatch):
    import addin.rules.loader

    def broken(*args, **kwargs):
        raise ZeroDivisionError("division by zero")
    monkeypatch.setattr(addin.rules.loader, "load_workbook", broken)
    monkeypatch.delenv("AFTERSALES_DEBUG", raising=False)
    result = CliRunner().invoke(main, ["check", str(make_book([]))])
    assert result.exit_code == 3
    assert "错误[internal]" in result.output and "Traceback" not in result.output


def test_cli__demo_month_and_today_are_checked_before_any_work(tmp_path):
    for option, value in (("--month", "2026-13"), ("--today", "2026-02-30")):
        result = CliRunner().invoke(main, ["demo", "--out", str(tmp_path / "x"), option, value])
        assert result.exit_code == 2 and value in result.output and "Traceback" not in result.output
    assert not (tmp_path / "x").exists()


def test_cli__a_global_today_sets_the_clock_for_the_command_only(tmp_path, monkeypatch, at):
    from addin import clock
    at("2030-01-01")
    seen = []
    monkeypatch.setattr("addin.cli.template.command.callback", lambda **kw: seen.append(clock.today()))
    result = CliRunner().invoke(main, ["--today", "2028-02-29", "template", "--out", str(tmp_path / "t.xlsx")])
    assert result.exit_code == 0, result.output
    assert [str(d) for d in seen] == ["2028-02-29"] and str(clock.today()) == "2030-01-01"
