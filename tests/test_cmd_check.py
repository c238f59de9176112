"""`aftersales check`: exit codes, the JSON shape, and the annotated copy."""
from __future__ import annotations

import hashlib
import json

import openpyxl
import pytest
from click.testing import CliRunner

from addin.cli import main

from .conftest import good_order


def run(*args):
    return CliRunner().invoke(main, ["check", *map(str, args)])


def test_check_cli__clean_workbook_exits_0(make_book):
    result = run(make_book([good_order(1), good_order(2)]))
    assert result.exit_code == 0, result.output
    assert "共 2 张服务单" in result.output and "错误 0 个" in result.output


def test_check_cli__warnings_only_exit_0(make_book):
    result = run(make_book([good_order(1, 服务工时=5)]))
    assert result.exit_code == 0 and "提醒 1 个" in result.output


def test_check_cli__json_has_exactly_the_keys(make_book):
    result = run(make_book([good_order(1), good_order(2, 联系电话="12345")]), "--json")
    assert result.exit_code == 1
    problems = json.loads(result.output)
    assert problems == [{"sheet": "服务单", "cell": "D3", "row": 3, "column": "联系电话", "code": "phone-invalid",
                         "severity": "error", "message": problems[0]["message"]}]
    assert "12345" in problems[0]["message"]


def test_check_cli__annotated_copy_marks_cells_and_lists_problems(make_book, tmp_path):
    source = make_book([good_order(1), good_order(2, 联系电话="12345", 服务工时=5), good_order(3, 客户评价="好评")])
    before = hashlib.sha256(source.read_bytes()).hexdigest()
    out = tmp_path / "标注副本.xlsx"
    result = run(source, "--annotate", out)
    assert result.exit_code == 1, result.output
    assert hashlib.sha256(source.read_bytes()).hexdigest() == before       # the original is untouched
    book = openpyxl.load_workbook(out)
    ws = book["服务单"]
    assert ws["D3"].fill.fgColor.rgb.endswith("FFC7CE") and "联系电话" in ws["D3"].comment.text
    assert ws["T3"].fill.fgColor.rgb.endswith("FFEB9C")                    # 服务工时: a warning
    assert ws["D3"].value == "12345"                                        # what the dealer typed stays
    assert ws["B2"].fill.fgColor.rgb in (None, "00000000")                  # a correct cell is not marked
    results = book["校验结果"]
    rows = list(results.iter_rows(values_only=True))
    assert rows[0][:3] == ("序号", "工作表", "单元格")
    assert sorted(r[2] for r in rows[1:]) == ["AF4", "D3", "T3"]      # AF = 客户评价 (原因类别 sits beside 原因分析)
    link = next(c for c in results["C"][1:] if c.value == "D3").hyperlink
    assert link.location == "'服务单'!D3"


def test_check_cli__refuses_to_annotate_over_the_original(make_book):
    source = make_book([good_order(1)])
    result = run(source, "--annotate", source)
    assert result.exit_code == 2 and "output-is-input" in result.output


def test_check_cli__annotates_a_workbook_without_policy_sheets(make_book, tmp_path):
    """Issues on sheets that do not exist (a missing policy table) are listed, not marked."""
    source = make_book([good_order(1)], policy=None)
    out = tmp_path / "副本.xlsx"
    result = run(source, "--annotate", out)
    assert result.exit_code == 0, result.output
    rows = list(openpyxl.load_workbook(out)["校验结果"].iter_rows(values_only=True))
    assert [r[5] for r in rows[1:]] == ["policy-sheets-missing"]


def test_check_cli__an_empty_template_is_a_normal_workbook(tmp_path):
    from addin.book.template import build_template
    path = build_template(tmp_path / "新服务单.xlsx")
    result = run(path)
    assert result.exit_code == 0, result.output
    assert "还没有服务单" in result.output and "错误[" not in result.output
    as_json = run(path, "--json")
    assert as_json.exit_code == 0 and json.loads(as_json.output) == []


def _issues_book(make_book):
    """Three issues with long messages (a phone, a duplicate number, a negative fee)."""
    return make_book([good_order(1, 联系电话="12345"), good_order(2), good_order(3, 服务单编号="FW202610002"),
                      good_order(4, 工时费=-80)])


def test_check_cli__without_a_terminal_each_issue_is_one_whole_line(make_book):
    from addin.rules.loader import load_workbook
    path = _issues_book(make_book)
    expected = load_workbook(path).issues
    result = CliRunner().invoke(main, ["check", str(path)], env={"COLUMNS": "80"})
    lines = result.output.splitlines()
    assert len(lines) == len(expected) + 1                            # the issues, then the summary
    for line, issue in zip(lines, expected):
        assert line == f"服务单!{issue.where.a1} 错误 {issue.code} {issue.message}"
    assert "─" not in result.output and "│" not in result.output


@pytest.mark.parametrize("columns, table", [("80", False), ("160", True)])
def test_check_cli__a_terminal_gets_a_table_only_when_it_is_wide(make_book, monkeypatch, columns, table):
    from addin.cli import output
    monkeypatch.setattr(output, "on_terminal", lambda: True)
    result = CliRunner().invoke(main, ["check", str(_issues_book(make_book))], env={"COLUMNS": columns})
    assert ("┃" in result.output) is table
    assert "phone-invalid" in result.output and "order-no-duplicate" in result.output
    if table:
        assert max(len(line) for line in result.output.splitlines()[:-1]) <= int(columns)
