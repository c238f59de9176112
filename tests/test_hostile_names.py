"""Workbook text that ends up in file names and mail headers (docs/threat-model.md): hostile
department names in 设置 must not put any output outside its folder, nor break a header."""
from __future__ import annotations

import os
from datetime import datetime
from email import message_from_bytes
from email.policy import default
from pathlib import Path

import pytest
from click.testing import CliRunner

from addin.book.files import safe_component
from addin.book.settings import Department, Settings, department_rows, settings_rows
from addin.cli.report import command as report_command
from addin.cli.send import send_command
from tests.conftest import good_order, write_orders

HOSTILE = ("研发部/../../../x", "..\\..\\y", "CON", "a:b", "质量\n部", "生产部\r\nBcc: evil@x.test",
           "长" * 300, "N_x0000_UL", "售后服务部. . ", "nul.txt")
# end to end, the same traits in fewer departments (each costs a pack)
DEPARTMENTS = ("研发部/../../../x", "..\\..\\a:b", "CON", "质量\n部", "生产部\r\nBcc: evil@x.test",
               "长" * 300 + "N_x0000_UL. . ")


@pytest.mark.parametrize("name", HOSTILE)
def test_safe_component__one_plain_name_part(name):
    part = safe_component(name)
    assert part and part == part.strip(" .") and len(part) <= 70
    assert not set(part) & set('\\/:*?"<>|\r\n\x00')
    assert part.split(".")[0].upper() not in {"CON", "NUL", "PRN", "AUX"}
    assert Path(part).name == part and not Path(part).is_absolute()


def test_safe_component__ordinary_names_unchanged_and_changed_ones_distinct():
    assert safe_component("研发部") == "研发部" and safe_component("2026-10") == "2026-10"
    assert safe_component("研发部/x") != safe_component("研发部:x")


def _book(folder: Path) -> Path:
    depts = tuple(Department(n, (f"d{i}@factory.test",)) for i, n in enumerate(DEPARTMENTS))
    settings = Settings(dealer_name="湘潭\n家电商行", sender="service@dealer.test", departments=depts)
    when = datetime(2026, 9, 3, 9, 30)
    orders = [good_order(n, **{"服务单编号": f"FW202609{n:03d}", "报修时间": when, "首次响应时间": when.replace(minute=50),
                               "到达现场时间": when.replace(hour=14), "离开现场时间": when.replace(hour=15),
                               "出厂日期": datetime(2026, 2, 1), "购买日期": datetime(2026, 3, 1),
                               "现场确诊故障": "主板损坏"}) for n in range(1, 4)]
    folder.mkdir(parents=True)
    rows = settings_rows(settings) + [()] + department_rows(settings)
    return write_orders(folder / "服务单.xlsx", orders, extra_sheets={"设置": rows})


def _all_files(root: Path) -> set[Path]:
    return {Path(d) / f for d, _, files in os.walk(root) for f in files}


def test_report_and_send__hostile_names_stay_in_their_folders(tmp_path, at):
    at("2026-10-15")
    root = tmp_path / "深" / "层" / "工作区"
    book = _book(root)
    before = _all_files(tmp_path)
    env = {f"AFTERSALES_SMTP_{k}": "" for k in ("HOST", "PORT", "USER", "PASSWORD", "SECURITY")}
    report = CliRunner().invoke(report_command, [str(book), "--month", "2026-09"], env=env)
    assert report.exit_code == 0, report.output
    sent = CliRunner().invoke(send_command, [str(book), "--month", "2026-09"], env=env)
    assert sent.exit_code == 0, sent.output
    new = _all_files(tmp_path) - before
    reports, outbox = root / "reports" / "2026-09", root / "发件箱"
    data = Path(os.environ["AFTERSALES_DATA_DIR"])
    ledgers = {root / "服务单_改进回复跟踪.sqlite"}           # the reply ledger lives beside the workbook
    stray = [p for p in new - ledgers if not (p.parent in (reports, reports / "图表", outbox) or data in p.parents)]
    assert stray == []
    emls = sorted(outbox.glob("*.eml"))
    assert len(emls) == len(DEPARTMENTS) and len(list(reports.glob("*_售后反馈_*.xlsx"))) == len(DEPARTMENTS)
    for eml in emls:
        msg = message_from_bytes(eml.read_bytes(), policy=default)
        assert msg["Bcc"] is None and "\n" not in msg["Subject"] and len(msg["To"].addresses) == 1
        assert msg.defects == [] and all(not p.defects for p in msg.walk())
