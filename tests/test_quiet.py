"""Quiet months stay quiet, and a dry run writes nothing: `aftersales send` end to end on
workbooks built in code (.eml channel, no server configured)."""
from __future__ import annotations

from datetime import datetime
from email import message_from_bytes
from email.policy import default

from click.testing import CliRunner

from addin.book.settings import Department, Settings, department_rows, settings_rows
from addin.cli.send import send_command
from tests.conftest import write_orders
from tests.test_signals import _fail

DEPTS = (Department("质量部", ("qa@factory.test",)), Department("售后服务部", ("svc@factory.test",), True))
ENV = {f"AFTERSALES_SMTP_{k}": "" for k in ("HOST", "PORT", "USER", "PASSWORD", "SECURITY")}


def _book(tmp_path, orders, **settings):
    s = Settings(dealer_name="湘潭家电商行", departments=DEPTS, **settings)
    folder = tmp_path / "dealer"
    folder.mkdir()
    return write_orders(folder / "服务单.xlsx", orders,
                        extra_sheets={"设置": settings_rows(s) + [()] + department_rows(s)})


def _send(*args):
    return CliRunner().invoke(send_command, [str(a) for a in args], env=ENV)


def _tree(folder):
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))


def _batch(month=9):
    """A product-quality batch of 5 in `month` of 2025 (the quality pack has an item)."""
    return [_fail(i, "KFR-35GW/A1", prod=datetime(2025, 3, 1), **{
        "购买日期": datetime(2025, 6, 1), "报修时间": datetime(2025, month, 2 + i, 9, 0),
        "首次响应时间": datetime(2025, month, 2 + i, 9, 20), "到达现场时间": datetime(2025, month, 2 + i, 13, 0),
        "离开现场时间": datetime(2025, month, 2 + i, 14, 0)}) for i in range(1, 6)]


def test_dry_run_writes_nothing_beside_the_workbook(tmp_path):
    book = _book(tmp_path, _batch())
    before = _tree(book.parent)
    out = _send(book, "--month", "2025-09", "--dry-run")
    assert out.exit_code == 0, out.output
    assert "预演" in out.output and "质量部 → qa@factory.test" in out.output
    assert _tree(book.parent) == before == ["服务单.xlsx"]          # no reports/, no ledger, no 发件箱


def test_dry_run_after_a_real_run_reads_the_ledgers_and_changes_nothing(tmp_path):
    book = _book(tmp_path, _batch())
    assert _send(book, "--month", "2025-09").exit_code == 0
    before = {p: p.stat().st_mtime_ns for p in book.parent.rglob("*") if p.is_file()}
    out = _send(book, "--month", "2025-09", "--dry-run")
    assert out.exit_code == 0 and "之前已写入发件箱,跳过" in out.output
    assert {p: p.stat().st_mtime_ns for p in book.parent.rglob("*") if p.is_file()} == before


def test_a_month_without_orders_mails_nothing_and_says_why(tmp_path):
    book = _book(tmp_path, _batch())
    out = _send(book, "--month", "2025-08")
    assert out.exit_code == 0 and "2025年8月:没有服务单,不发送任何邮件" in out.output
    assert not (book.parent / "发件箱").exists()
    assert (book.parent / "reports" / "2025-08" / "2025年8月_售后服务统计表.xlsx").is_file()


def test_a_department_without_items_gets_no_mail_unless_the_settings_ask(tmp_path):
    book = _book(tmp_path, _batch())
    out = _send(book, "--month", "2025-09")
    assert "售后服务部:本月没有需要该部门回复的事项,不发送" in out.output
    assert [p.name for p in (book.parent / "发件箱").iterdir()] == ["2025-09_质量部.eml"]


def test_a_short_mail_when_the_settings_ask(tmp_path):
    book = _book(tmp_path, _batch(), mail_when_no_items=True)
    assert _send(book, "--month", "2025-09").exit_code == 0
    eml = (book.parent / "发件箱" / "2025-09_售后服务部.eml").read_bytes()
    body = message_from_bytes(eml, policy=default).get_body(("html",)).get_content()
    assert "本月没有需要售后服务部回复的事项" in body and "本邮件无需回复" in body
    assert "<img" not in body and "故障帕累托" not in body


def test_dry_run_does_not_create_the_user_data_folder(tmp_path, monkeypatch):
    data = tmp_path / "not-yet" / "aftersales"        # a PC that never sent anything
    monkeypatch.setenv("AFTERSALES_DATA_DIR", str(data))
    book = _book(tmp_path, _batch())
    out = _send(book, "--month", "2025-09", "--dry-run")
    assert out.exit_code == 0, out.output
    assert not (tmp_path / "not-yet").exists()
    assert _send(book, "--month", "2025-09").exit_code == 0   # a real run creates it, with its ledger
    assert (data / "邮件发送记录.sqlite").is_file()
