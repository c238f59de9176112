"""addin.mail.dispatch: once and only once, against a real aiosmtpd server and a real SQLite ledger.
Packs are small DeptPack-like values with real files (tests/smtp_server.make_pack)."""
from __future__ import annotations

from email import message_from_bytes
from email.policy import default
from pathlib import Path

import pytest

from addin.mail import dispatch
from addin.mail.dispatch import EML, SMTP, send_month
from addin.mail.mailer import SmtpConfig
from addin.mail.outbox import FAILED, SENT, UNKNOWN, Intent, Ledger, legacy_ledger_path
from addin.book.settings import Department, Settings
from tests.smtp_server import free_port, make_pack, smtp_server

MONTH = "2026-10"
QA = Department("质量部", ("qa@factory.test",))
RD = Department("研发部", ("rd@factory.test", "rd2@factory.test"))
SETTINGS = Settings(dealer_name="湘潭家电商行", departments=(QA, RD))


@pytest.fixture
def env(tmp_path):
    built = []

    def packs():
        built.append(1)
        return [make_pack(tmp_path / "reports", MONTH, d) for d in SETTINGS.departments]

    with Ledger(tmp_path / "邮件发送记录.sqlite") as ledger:
        yield ledger, packs, built, tmp_path


def _cfg(port) -> SmtpConfig:
    return SmtpConfig("127.0.0.1", port, "none", "", "service@dealer.test", timeout=3)


def _send(ledger, packs, port, tmp_path, **kw):
    ledger.recover()
    return send_month(SETTINGS, ledger, MONTH, packs, config=_cfg(port), eml_folder=tmp_path / "发件箱", **kw)


def _states(ledger):
    latest = {}
    for d in SETTINGS.departments:
        latest.update({(d.name, a): r.state for a, r in ledger.latest(MONTH, d.name, SMTP).items()})
    return latest


def test_send_twice__second_run_sends_nothing(env):
    ledger, packs, built, tmp = env
    with smtp_server() as server:
        first = _send(ledger, packs, server.port, tmp)
        second = _send(ledger, packs, server.port, tmp)
    assert first.ok and [o.delivery.accepted for o in first.outcomes] == [QA.emails, RD.emails]
    assert len(server.handler.raw) == 2
    assert second.ok and second.outcomes == () and not second.pending
    assert built == [1]                       # nothing left to send → packs not even built again
    assert {s.name: len(s.done) for s in second.steps} == {"质量部": 1, "研发部": 2}
    subjects = sorted(m["Subject"] for m in server.handler.messages)
    assert subjects == ["湘潭家电商行 2026年10月售后反馈包 · 研发部", "湘潭家电商行 2026年10月售后反馈包 · 质量部"]
    ids = {r.message_id for r in ledger.rows()}
    assert ids == {m["Message-ID"] for m in server.handler.messages}


def test_partial_run__refused_recipient_retried_alone(env):
    ledger, packs, _, tmp = env
    with smtp_server() as server:
        server.handler.refuse = {"rd2@factory.test"}
        first = _send(ledger, packs, server.port, tmp)
        assert not first.ok
        assert _states(ledger) == {("质量部", "qa@factory.test"): SENT, ("研发部", "rd@factory.test"): SENT,
                                   ("研发部", "rd2@factory.test"): FAILED}
        server.handler.refuse = set()
        second = _send(ledger, packs, server.port, tmp)
    assert second.ok
    assert server.handler.envelopes[-1] == ("service@dealer.test", ["rd2@factory.test"])
    assert len(server.handler.raw) == 3       # qa, rd (first run) + rd2 alone
    last = server.handler.messages[-1]        # To: still shows the department's addresses
    assert [a.addr_spec for a in last["To"].addresses] == list(RD.emails)


def test_force__resends_on_purpose(env):
    ledger, packs, _, tmp = env
    with smtp_server() as server:
        _send(ledger, packs, server.port, tmp)
        again = _send(ledger, packs, server.port, tmp, force=True, only=("研发部",))
    assert again.ok and [o.department for o in again.outcomes] == ["研发部"]
    assert [tos for _, tos in server.handler.envelopes] == [["qa@factory.test"], list(RD.emails), list(RD.emails)]
    forced = [r for r in ledger.rows() if r.forced]
    assert {r.recipient for r in forced} == set(RD.emails) and {r.state for r in forced} == {SENT}


def test_crash_after_send_before_record__no_duplicate_no_silent_loss(env, monkeypatch):
    ledger, packs, _, tmp = env
    with smtp_server() as server:
        def crash(*args):
            raise RuntimeError("power cut")
        monkeypatch.setattr(dispatch, "record_delivery", crash)
        with pytest.raises(RuntimeError):
            _send(ledger, packs, server.port, tmp)
        monkeypatch.undo()
        assert len(server.handler.raw) == 1          # 质量部 got it; then the "power cut"
        after = _send(ledger, packs, server.port, tmp)
        # no duplicate: 质量部 is unknown now and is not sent again; 研发部 was never tried → sent
        assert len(server.handler.raw) == 2
        assert server.handler.envelopes[1][1] == list(RD.emails)
        # no silent loss: the run is not ok and names the unknown department
        assert not after.ok
        qa = next(s for s in after.steps if s.name == "质量部")
        assert [r.state for r in qa.unknown] == [UNKNOWN] and not qa.send
        # hourly reruns keep waiting for the clerk, still without sending
        assert not _send(ledger, packs, server.port, tmp).ok and len(server.handler.raw) == 2
        # the clerk says it never arrived: exactly one more copy
        resent = _send(ledger, packs, server.port, tmp, unknown="resend", only=("质量部",))
        assert resent.ok and resent.resolved == 1
    assert [tos for _, tos in server.handler.envelopes] == [["qa@factory.test"], list(RD.emails), ["qa@factory.test"]]
    assert _send(ledger, packs, free_port(), tmp).ok        # all settled: no connection needed


def test_unknown_confirmed_received__nothing_sent(env, monkeypatch):
    ledger, packs, _, tmp = env
    with smtp_server() as server:
        server.handler.drop_after_data = True
        first = _send(ledger, packs, server.port, tmp)
        server.handler.drop_after_data = False
        assert not first.ok and first.outcomes[0].delivery.unknown == QA.emails
        # the connection was lost: 研发部 was not handed over and is marked failed, not unknown
        assert first.outcomes[1].error and _states(ledger)[("研发部", "rd@factory.test")] == FAILED
        second = _send(ledger, packs, server.port, tmp)
        assert [tos for _, tos in server.handler.envelopes] == [["qa@factory.test"], list(RD.emails)]
        assert not second.ok
        settled = _send(ledger, packs, server.port, tmp, unknown="received")
    assert settled.ok and settled.resolved == 1 and len(server.handler.raw) == 2
    assert _states(ledger)[("质量部", "qa@factory.test")] == SENT


def test_crash_before_data__retried_automatically(env):
    ledger, packs, _, tmp = env
    # a run stopped after recording its intent, before the server got anything
    ledger.record_intent(Intent(MONTH, "质量部", QA.emails, SMTP, "<x@dealer.test>", "h", "s", "a.xlsx"))
    with smtp_server() as server:
        result = _send(ledger, packs, server.port, tmp)
    assert result.ok and len(server.handler.raw) == 2
    assert [r.state for r in ledger.rows() if r.message_id == "<x@dealer.test>"] == [FAILED]


def test_server_down__nothing_marked_sent_then_sent_when_up(env):
    ledger, packs, _, tmp = env
    down = _send(ledger, packs, free_port(), tmp)
    assert not down.ok and all("无法连接" in o.error for o in down.outcomes)
    assert {r.state for r in ledger.rows()} == {FAILED}
    with smtp_server() as server:
        up = _send(ledger, packs, server.port, tmp)
    assert up.ok and len(server.handler.raw) == 2


def test_wrong_password__nothing_marked_sent(env):
    ledger, packs, _, tmp = env
    with smtp_server("ssl", {"u@dealer.test": "right"}, tmp) as server:
        cfg = SmtpConfig("127.0.0.1", server.port, "ssl", "u@dealer.test", "u@dealer.test", "wrong", 3,
                         server.client_context())
        result = send_month(SETTINGS, ledger, MONTH, packs, config=cfg, eml_folder=tmp / "发件箱")
    assert not result.ok and "授权码" in result.outcomes[0].error
    assert {r.state for r in ledger.rows()} == {FAILED} and server.handler.raw == []


def test_bad_and_example_addresses__not_sent_and_reported(env):
    ledger, packs, _, tmp = env
    settings = Settings(departments=(Department("质量部", ("qa@example.com", "qa@factory")),
                                     Department("研发部", ())))
    with smtp_server() as server:
        result = send_month(settings, ledger, MONTH, packs, config=_cfg(server.port), eml_folder=tmp)
    assert not result.ok and server.handler.raw == []
    qa, rd = result.steps
    assert len(qa.problems) == 2 and "示例邮箱" in qa.problems[0]
    assert rd.to == () and rd.problems == ()              # no address: a note, not a failure


def test_eml_default__files_written_once(env):
    ledger, packs, _, tmp = env
    folder = tmp / "发件箱"
    first = send_month(SETTINGS, ledger, MONTH, packs, config=None, eml_folder=folder)
    second = send_month(SETTINGS, ledger, MONTH, packs, config=None, eml_folder=folder)
    assert first.ok and first.channel == EML and second.outcomes == ()
    files = sorted(p.name for p in folder.iterdir())
    assert files == ["2026-10_研发部.eml", "2026-10_质量部.eml"]
    msg = message_from_bytes((folder / "2026-10_研发部.eml").read_bytes(), policy=default)
    assert msg["X-Unsent"] == "1" and msg["Subject"].endswith("研发部")
    assert next(msg.iter_attachments()).get_filename() == "2026年10月_售后反馈_研发部.xlsx"
    rows = ledger.rows(MONTH, channel=EML)
    assert {r.state for r in rows} == {SENT} and len(rows) == 3
    assert {r.location for r in rows} == {str(folder / "2026-10_质量部.eml"), str(folder / "2026-10_研发部.eml")}
    # a mail server configured later: the .eml files do not count as delivered by mail
    assert ledger.months_done(SMTP) == set()
    forced = send_month(SETTINGS, ledger, MONTH, packs, config=None, eml_folder=folder, force=True)
    assert forced.ok and (folder / "2026-10_研发部_2.eml").exists()


def test_dry_run__plans_without_sending_or_recording(env):
    ledger, packs, _, tmp = env
    result = send_month(SETTINGS, ledger, MONTH, packs, config=_cfg(free_port()), eml_folder=tmp, dry_run=True)
    assert result.dry_run and result.pending and result.outcomes == ()
    assert [s.send for s in result.steps] == [QA.emails, RD.emails]
    assert all(s.pack is not None for s in result.steps)
    assert ledger.rows() == []
