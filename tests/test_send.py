"""`aftersales send` and `send-due` end to end: a workbook built in code, loaded by
addin.rules.loader, packs built by addin.report.packs, mail received by a real aiosmtpd server."""
from __future__ import annotations

from datetime import date, datetime
from email import message_from_bytes
from email.policy import default
from pathlib import Path

import pytest
from click.testing import CliRunner

from addin.cli.send import send_command, send_due_command
from addin.mail.sending import log_path
from addin.mail.due import due_months
from addin.mail.outbox import Ledger, run_lock, shared_ledger_path
from addin.book.settings import Department, Settings, department_rows, settings_rows
from tests.conftest import good_order, write_orders
from tests.smtp_server import free_port, smtp_server

DEPTS = (Department("质量部", ("qa@factory.test",)), Department("研发部", ("rd@factory.test", "rd2@factory.test")),
         Department("生产部", ("prod@factory.test",)), Department("售后服务部", ("svc@factory.test",), True))
SETTINGS = Settings(dealer_name="湘潭家电商行", sender="service@dealer.test", send_day=5, departments=DEPTS,
                    mail_when_no_items=True)       # two orders a month raise no items: mail anyway


def _order(n: int, when: datetime) -> dict:
    return good_order(n, **{"服务单编号": f"FW{when:%Y%m}{n:03d}", "报修时间": when,
                            "首次响应时间": when.replace(minute=50), "到达现场时间": when.replace(hour=14),
                            "离开现场时间": when.replace(hour=15), "出厂日期": datetime(2026, 2, 1),
                            "购买日期": datetime(2026, 3, 1)})


@pytest.fixture
def book(tmp_path, at) -> Path:
    """Orders in Aug, Sep, Oct and Nov 2026 (two each); 设置 with the departments above. The
    clock is on 2026-11-23 (November open, October closed) unless a test sets another day."""
    at("2026-11-23")
    orders = [_order(m * 10 + k, datetime(2026, m, 3 + k, 9, 30)) for m in (8, 9, 10, 11) for k in range(2)]
    rows = settings_rows(SETTINGS) + [()] + department_rows(SETTINGS)
    return write_orders(tmp_path / "服务单.xlsx", orders, extra_sheets={"设置": rows})


def _env(port: int | None) -> dict:
    env = {f"AFTERSALES_SMTP_{k}": "" for k in ("HOST", "PORT", "USER", "PASSWORD", "SECURITY")}
    if port:
        env.update(AFTERSALES_SMTP_HOST="127.0.0.1", AFTERSALES_SMTP_PORT=str(port), AFTERSALES_SMTP_SECURITY="none")
    return env


def _run(command, args, port):
    return CliRunner().invoke(command, [str(a) for a in args], env=_env(port))


def test_send__delivers_each_department_once(book):
    with smtp_server() as server:
        first = _run(send_command, [book, "--month", "2026-09"], server.port)
        second = _run(send_command, [book, "--month", "2026-09"], server.port)
    assert first.exit_code == 0, first.output
    assert second.exit_code == 0 and "之前已发送" in second.output
    assert len(server.handler.raw) == 4
    by_dept = {m["Subject"].rsplit("· ", 1)[1]: m for m in server.handler.messages}
    assert set(by_dept) == {d.name for d in DEPTS}
    rd = by_dept["研发部"]
    assert rd["Subject"] == "湘潭家电商行 2026年9月售后反馈包 · 研发部"
    assert [a.addr_spec for a in rd["To"].addresses] == ["rd@factory.test", "rd2@factory.test"]
    html = rd.get_body(("html",)).get_content()
    cids = {p["Content-ID"].strip("<>") for p in rd.walk() if p.get_content_type() == "image/png"}
    assert cids and all(f"cid:{c}" in html for c in cids)
    (name, data), = [(p.get_filename(), p.get_content()) for p in rd.iter_attachments()]
    folder = book.parent / "reports" / "2026-09"
    assert name == "2026年9月_售后反馈_研发部.xlsx" and data == (folder / name).read_bytes()
    with Ledger(shared_ledger_path(), SETTINGS.dealer_name) as ledger:
        assert {r.state for r in ledger.rows("2026-09")} == {"sent"} and len(ledger.rows()) == 5


def test_send__dry_run_shows_where_and_sends_nothing(book):
    with smtp_server() as server:
        result = _run(send_command, [book, "--month", "2026-09", "--dry-run"], server.port)
    assert result.exit_code == 0, result.output
    assert "预演" in result.output and "研发部 → rd@factory.test、rd2@factory.test" in result.output
    assert "附件 2026年9月_售后反馈_研发部.xlsx" in result.output
    assert server.handler.raw == []
    with Ledger(shared_ledger_path(), SETTINGS.dealer_name) as ledger:
        assert ledger.rows() == []


def test_send__eml_default_without_server(book):
    result = _run(send_command, [book, "--month", "2026-10"], None)
    assert result.exit_code == 0, result.output
    folder = book.parent / "发件箱"
    assert sorted(p.name for p in folder.glob("*.eml")) == sorted(f"2026-10_{d.name}.eml" for d in DEPTS)
    msg = message_from_bytes((folder / "2026-10_生产部.eml").read_bytes(), policy=default)
    assert next(msg.iter_attachments()).get_filename() == "2026年10月_售后反馈_生产部.xlsx"
    again = _run(send_command, [book, "--month", "2026-10"], None)
    assert again.exit_code == 0 and len(list(folder.glob("*.eml"))) == 4


def test_send__server_down_one_clear_message(book):
    result = _run(send_command, [book, "--month", "2026-09"], free_port())
    assert result.exit_code == 1
    assert "无法连接邮件服务器 127.0.0.1" in result.output and "Traceback" not in result.output
    with Ledger(shared_ledger_path(), SETTINGS.dealer_name) as ledger:
        assert {r.state for r in ledger.rows()} == {"failed"}


def test_send__wrong_password(book):
    with smtp_server("plain", {"service@dealer.test": "right"}) as server:
        env = {**_env(server.port), "AFTERSALES_SMTP_USER": "service@dealer.test", "AFTERSALES_SMTP_PASSWORD": "bad"}
        result = CliRunner().invoke(send_command, [str(book), "--month", "2026-09"], env=env)
    assert result.exit_code == 1 and "授权码" in result.output and server.handler.raw == []


@pytest.mark.parametrize("how, said, not_said", [
    ("refuse", "被拒收 → rd2@factory.test:550", "自动重试"),
    ("defer", "暂时未发出 → rd2@factory.test:451", "改正地址")])     # 4xx: temporary, retried (issue 11)
def test_send__refused_or_deferred_recipient_then_only_the_rest(book, how, said, not_said):
    with smtp_server() as server:
        setattr(server.handler, how, {"rd2@factory.test"})
        first = _run(send_command, [book, "--month", "2026-09"], server.port)
        setattr(server.handler, how, set())
        second = _run(send_command, [book, "--month", "2026-09"], server.port)
    assert first.exit_code == 1 and said in first.output and not_said not in first.output
    assert second.exit_code == 0
    assert [tos for _, tos in server.handler.envelopes][-1] == ["rd2@factory.test"]
    assert len(server.handler.raw) == 5


def test_send__force_resends(book):
    with smtp_server() as server:
        _run(send_command, [book, "--month", "2026-09"], server.port)
        forced = _run(send_command, [book, "--month", "2026-09", "--force", "--department", "质量部"], server.port)
    assert forced.exit_code == 0 and len(server.handler.raw) == 5
    assert server.handler.envelopes[-1][1] == ["qa@factory.test"]


def test_send__open_or_malformed_month_refused(book, at):
    at("2026-11-23")
    for still_open in ("2026-11", "2026-12"):
        refused = _run(send_command, [book, "--month", still_open], None)
        assert refused.exit_code == 1 and "month-open" in refused.output
    bad = _run(send_command, [book, "--month", "2026-13"], None)
    assert bad.exit_code == 4 and "2026-10" in bad.output


def test_send__unreadable_workbook_exit_2(tmp_path, at):
    at("2026-11-23")                                         # 2026-09 closed: the workbook decides
    result = _run(send_command, [tmp_path / "没有.xlsx", "--month", "2026-09"], None)
    assert result.exit_code == 2 and "错误[" in result.output


def test_send_due__catches_up_two_missed_months(book):
    with smtp_server() as server:
        _run(send_command, [book, "--month", "2026-08"], server.port)
        assert len(server.handler.raw) == 4
        # the PC was off from September: on 10 November both September and October are due
        # (November has orders but is still open)
        result = _run(send_due_command, [book, "--today", "2026-11-10"], server.port)
        assert result.exit_code == 0, result.output
        months = [m["X-Aftersales-Month"] for m in server.handler.messages[4:]]
        assert sorted(months) == ["2026-09"] * 4 + ["2026-10"] * 4
        again = _run(send_due_command, [book, "--today", "2026-11-10"], server.port)
    assert again.exit_code == 0 and "没有到期未发送的月份" in again.output
    assert len(server.handler.raw) == 12
    assert "2026年9月" in log_path(book).read_text(encoding="utf-8")


def test_send_due__never_the_open_month_nor_before_send_day(book):
    with smtp_server() as server:
        before = _run(send_due_command, [book, "--today", "2026-11-04"], server.port)
        sent_before = len(server.handler.raw)
        on_day = _run(send_due_command, [book, "--today", "2026-11-05"], server.port)
    assert before.exit_code == 0 and on_day.exit_code == 0
    months_before = {m["X-Aftersales-Month"] for m in server.handler.messages[:sent_before]}
    months_after = {m["X-Aftersales-Month"] for m in server.handler.messages[sent_before:]}
    assert months_before == {"2026-08", "2026-09"} and months_after == {"2026-10"}   # 11 is still open


def test_send_due__second_run_at_once_does_not_send(book):
    with smtp_server() as server, run_lock(shared_ledger_path()):
        result = _run(send_due_command, [book, "--today", "2026-12-10"], server.port)
    assert result.exit_code == 0 and "另一个发送任务正在运行" in result.output
    assert server.handler.raw == []


def test_due_months__rules():
    months = ["2025-12", "2026-01", "2026-06", "2026-07", "2026-08", "2026-09", "2026-10"]
    today = date(2026, 10, 20)
    # first run: at most three months back; the open month never
    assert due_months(months, today, 5, set()) == (["2026-07", "2026-08", "2026-09"], ["2025-12", "2026-01", "2026-06"])
    # after an earlier delivery: catch up everything since
    assert due_months(months, today, 5, {"2026-06"})[0] == ["2026-06", "2026-07", "2026-08", "2026-09"]
    # before the send day the last closed month waits
    assert due_months(months, date(2026, 10, 4), 5, {"2026-06"})[0] == ["2026-06", "2026-07", "2026-08"]


def test_send_workbook_month__reuses_packs_already_built(book, monkeypatch):
    from addin.report import packs as packs_module
    from addin.rules.loader import load_workbook
    from addin.mail.sending import send_workbook_month

    wb = load_workbook(book)
    report = packs_module.build_month(wb, "2026-09", None)
    monkeypatch.setattr(packs_module, "build_month", lambda *a: pytest.fail("packs must be reused"))
    monkeypatch.delenv("AFTERSALES_SMTP_HOST", raising=False)
    result, lines = send_workbook_month(wb, "2026-09", packs=report.packs)
    assert result.ok and len(result.outcomes) == 4 and lines[0].startswith("2026年9月:写成 .eml")
    msg = message_from_bytes((book.parent / "发件箱" / "2026-09_质量部.eml").read_bytes(), policy=default)
    (name, data), = [(p.get_filename(), p.get_content()) for p in msg.iter_attachments()]
    assert data == (report.folder / name).read_bytes()
