"""The 厂家 table of 设置 as clerks really type it (found by an adversarial review): brands
separated by the Chinese comma, a brand that is a number, a brand listed under two factories,
several e-mail addresses in one cell, and the 品牌 dropdown covering every row read as a factory."""
from __future__ import annotations

import openpyxl

from addin.book.factories import split_brands
from addin.book.settings import SETTINGS_SHEET, department_rows, settings_from_rows, settings_rows
from addin.book.template import write_workbook
from tests.test_factories import SETTINGS


def _rows(**cells) -> list[list]:
    """settings_rows(SETTINGS) with cells replaced: {"r20c1": value} = row 20 (0-based), col 1."""
    rows = [list(r) for r in settings_rows(SETTINGS)]
    for key, value in cells.items():
        r, c = (int(x) for x in key[1:].split("c"))
        rows[r] += [None] * (c + 1 - len(rows[r]))
        rows[r][c] = value
    return rows


def _factory(settings, name):
    return next(f for f in settings.factories if f.name == name)


def test_brands_split_on_the_full_width_comma_semicolon_and_enumeration_comma():
    assert split_brands("海信\uff0c容声\uff1b科龙\u3001Hisense") == ("海信", "容声", "科龙", "Hisense")
    settings, issues = settings_from_rows(_rows(r20c1="海信\uff0c容声"))
    assert _factory(settings, "海信集团").brands == ("海信", "容声")
    assert not [i for i in issues if i.code.startswith("setting-")]


def test_a_brand_typed_as_a_number_is_that_number():
    settings, _ = settings_from_rows(_rows(r21c1=360.0))           # a reader gives 360 as 360.0
    assert _factory(settings, "TCL").brands == ("360",)


def test_a_brand_under_two_factories_is_reported_at_the_second_factorys_brand_cell():
    _, issues = settings_from_rows(_rows(r21c1="TCL、容声"))
    dup = [i for i in issues if i.code == "setting-brand-duplicate"]
    assert len(dup) == 1 and dup[0].where.a1 == "B22"      # 设置!B22: TCL's row, not the header
    assert "容声" in dup[0].message


def test_department_addresses_split_on_full_width_separators_and_spaces():
    rows = [list(r) for r in settings_rows(SETTINGS)] + [[]] + [list(r) for r in department_rows(SETTINGS)]
    head = next(i for i, r in enumerate(rows) if r and r[0] == "部门")
    rows[head + 1][1] = "a@factory.test\uff1bb@factory.test c@factory.test"
    settings, issues = settings_from_rows(rows)
    assert settings.departments[0].emails == ("a@factory.test", "b@factory.test", "c@factory.test")
    assert not [i for i in issues if i.code == "setting-email-invalid"]


def test_the_brand_dropdown_covers_every_row_read_as_a_factory(tmp_path):
    path = write_workbook(tmp_path / "t.xlsx", [])
    wb = openpyxl.load_workbook(path)
    ref = wb.defined_names["厂家列表"].attr_text            # '设置'!$A$21:$A$25
    first, last = (int(x) for x in ref.replace("$", "").split("!")[1].replace("A", "").split(":"))
    ws = wb[SETTINGS_SHEET]
    rows = [[c.value for c in row] for row in ws.iter_rows()]
    for r in range(first, last + 1):                      # a factory typed in any row of the range is read
        trial = [list(x) for x in rows]
        trial[r - 1][0], trial[r - 1][1] = "第五厂", "五牌"
        settings, _ = settings_from_rows(trial)
        assert any(f.name == "第五厂" for f in settings.factories), r
    assert rows[last][0] == "部门"                         # the row after the range: the departments' header


def test_two_factories_whose_names_share_an_id_code_get_distinct_item_ids(tmp_path):
    # Found by brute force: both names hash to F7CB5; before, the second factory's first item
    # hit the ledger's UNIQUE id and `report` stopped with exit 3.
    from datetime import date
    from addin.report.items import FeedbackItem
    from addin.report.replies import Ledger, factory_code
    assert factory_code("乙厂") == factory_code("厂家66032")
    path = tmp_path / "replies.sqlite"
    item = [FeedbackItem("质量部", "批次故障", "K|1", "事项")]
    a = Ledger(path, "乙厂").register("2026-11", "质量部", item, date(2026, 12, 25))
    b = Ledger(path, "厂家66032").register("2026-11", "质量部", item, date(2026, 12, 25))
    assert a == ["2026-11-F7CB5-QA-001"] and b == ["2026-11-F7CB5-QA-002"]
    assert Ledger(path, "厂家66032").register("2026-11", "质量部", item, date(2026, 12, 25)) == b   # stable


def test_two_long_factory_names_get_two_report_sheets_in_the_live_workbook():
    from types import SimpleNamespace
    from addin.report.packs import report_sheet_name
    names = ("海信家电集团股份有限公司青岛黄岛分公司空调", "海信家电集团股份有限公司青岛黄岛分公司冰箱")
    sheets = [report_sheet_name(SimpleNamespace(summary=SimpleNamespace(factory=n, label="2026年11月")))
              for n in names]
    assert sheets[0] != sheets[1]                          # before: both cut to the same 18 characters
    assert all(len(s) <= 31 and s.startswith("2026年11月海信家电集团股份有限") for s in sheets)
    assert report_sheet_name(SimpleNamespace(summary=SimpleNamespace(factory="TCL", label="2026年11月"))) \
        == "2026年11月TCL统计"
