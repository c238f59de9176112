"""addin.mail.outbox: the SQLite ledger of sent mail, its recovery rules and the run lock."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from addin.mail.outbox import (FAILED, PENDING, SENDING, SENT, UNKNOWN, Intent, Ledger, LockBusy, legacy_ledger_path,
                          run_lock, shared_ledger_path)


def _intent(msg_id="<1@d.test>", recipients=("a@f.test", "b@f.test"), month="2026-10", dept="研发部",
            channel="smtp") -> Intent:
    return Intent(month, dept, tuple(recipients), channel, msg_id, "h" * 64, "主题", "附件.xlsx", "smtp.test:465")


@pytest.fixture
def ledger(tmp_path):
    with Ledger(shared_ledger_path(), "湘潭家电商行") as led:
        yield led


def test_ledger_paths__shared_in_data_dir_legacy_beside_workbook(tmp_path):
    assert shared_ledger_path() == tmp_path / "_userdata" / "邮件发送记录.sqlite"
    assert legacy_ledger_path(tmp_path / "服务单.xlsx") == tmp_path / "服务单_邮件发送记录.sqlite"


def test_intent_then_outcome__persisted(ledger, tmp_path):
    ledger.record_intent(_intent())
    assert [r.state for r in ledger.rows()] == [PENDING, PENDING]
    ledger.mark("<1@d.test>", ["a@f.test"], SENT)
    ledger.mark("<1@d.test>", ["b@f.test"], FAILED, "550 unknown user")
    with Ledger(ledger.path, "湘潭家电商行") as again:               # a second process sees it committed
        rows = {r.recipient: r for r in again.rows("2026-10", "研发部", "smtp")}
    assert rows["a@f.test"].state == SENT and rows["b@f.test"].detail == "550 unknown user"
    assert rows["a@f.test"].message_id == "<1@d.test>" and rows["a@f.test"].content_hash == "h" * 64
    assert rows["a@f.test"].created_at[:4].isdigit()


def test_recover__pending_is_retried_sending_is_unknown(ledger):
    ledger.record_intent(_intent("<1@d.test>", ["a@f.test"]))
    ledger.record_intent(_intent("<2@d.test>", ["b@f.test"]))
    ledger.mark("<2@d.test>", ["b@f.test"], SENDING)
    assert ledger.recover() == 2
    states = {r.recipient: r.state for r in ledger.rows()}
    assert states == {"a@f.test": FAILED, "b@f.test": UNKNOWN}


def test_latest__sent_beats_later_failure_and_unknown_beats_failure(ledger):
    ledger.record_intent(_intent("<1@d.test>", ["a@f.test", "b@f.test"]))
    ledger.mark("<1@d.test>", ["a@f.test"], SENT)
    ledger.mark("<1@d.test>", ["b@f.test"], UNKNOWN)
    ledger.record_intent(_intent("<2@d.test>", ["a@f.test", "b@f.test"]))     # e.g. a forced resend
    ledger.mark("<2@d.test>", ["a@f.test", "b@f.test"], FAILED, "server down")
    latest = ledger.latest("2026-10", "研发部", "smtp")
    assert latest["a@f.test"].state == SENT and latest["b@f.test"].state == UNKNOWN
    assert ledger.latest("2026-10", "研发部", "eml") == {}


def test_resolve_unknown__received_or_resend(ledger):
    ledger.record_intent(_intent("<1@d.test>", ["a@f.test"]))
    ledger.record_intent(_intent("<2@d.test>", ["b@f.test"], dept="质量部"))
    ledger.mark("<1@d.test>", ["a@f.test"], UNKNOWN)
    ledger.mark("<2@d.test>", ["b@f.test"], UNKNOWN)
    assert ledger.resolve_unknown("2026-10", "研发部", "smtp", delivered=True) == 1
    assert ledger.resolve_unknown("2026-10", None, "smtp", delivered=False) == 1
    assert {r.recipient: r.state for r in ledger.rows()} == {"a@f.test": SENT, "b@f.test": FAILED}
    assert ledger.months_done("smtp") == {"2026-10"} and ledger.months_done("eml") == set()


def test_run_lock__second_holder_refused_then_free(tmp_path):
    wb = tmp_path / "邮件发送记录.sqlite"
    with run_lock(wb):
        with pytest.raises(LockBusy):
            with run_lock(wb):
                pass
        # another process is refused too
        code = ("import sys; from addin.mail.outbox import run_lock, LockBusy\n"
                "try:\n    run_lock(sys.argv[1]).__enter__()\nexcept LockBusy:\n    sys.exit(3)\n")
        assert subprocess.run([sys.executable, "-c", code, str(wb)]).returncode == 3
    with run_lock(wb):          # released on exit
        pass
