"""Once-only across copies, renames and links (issue 11 item 2): the outbox ledger lives in the
user's data folder and is keyed by what the mail is, not by the workbook's file name. Mail goes
to a real aiosmtpd server."""
from __future__ import annotations

import os
import shutil
import sqlite3
import sys

import pytest

from addin.cli.send import send_command, send_due_command
from addin.mail import outbox
from addin.mail.outbox import Ledger, legacy_ledger_path, shared_ledger_path
from tests.smtp_server import smtp_server
from tests.test_send import SETTINGS, _run, book  # noqa: F401 (book: fixture)


def test_send__copy_of_workbook_sends_nothing_again(book):
    ledger = book.with_name("台账.xlsx")
    book.rename(ledger)
    copy = ledger.with_name("台账 - 副本.xlsx")
    with smtp_server() as server:
        first = _run(send_command, [ledger, "--month", "2026-09"], server.port)
        shutil.copy(ledger, copy)
        second = _run(send_command, [copy, "--month", "2026-09"], server.port)
        due = _run(send_due_command, [copy, "--today", "2026-10-20"], server.port)
    assert first.exit_code == 0 and second.exit_code == 0 and due.exit_code == 0, second.output
    months = [m["X-Aftersales-Month"] for m in server.handler.messages]
    assert months.count("2026-09") == 4                      # one per department, from the first run only
    assert "之前已发送" in second.output and str(shared_ledger_path()) in second.output
    assert not legacy_ledger_path(copy).exists() and not legacy_ledger_path(ledger).exists()


@pytest.mark.skipif(sys.platform == "win32", reason="symlinks need extra rights on Windows")
def test_send__link_to_workbook_sends_nothing_again(book, tmp_path):
    link = tmp_path / "快捷" / "链接.xlsx"
    link.parent.mkdir()
    os.symlink(book, link)
    with smtp_server() as server:
        _run(send_command, [book, "--month", "2026-09"], server.port)
        again = _run(send_command, [link, "--month", "2026-09"], server.port)
    assert again.exit_code == 0 and len(server.handler.raw) == 4


def _old_ledger(book, month: str, departments) -> None:
    """A ledger as versions before the shared one wrote it beside the workbook."""
    db = sqlite3.connect(legacy_ledger_path(book))
    db.executescript(outbox.SCHEMA.replace("    dealer TEXT NOT NULL DEFAULT '',\n    factory TEXT NOT NULL DEFAULT '',\n", ""))
    for n, (dept, address) in enumerate(departments):
        db.execute("INSERT INTO outbox (month, department, recipient, channel, message_id, content_hash, subject,"
                   " attachment, state, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                   (month, dept, address, "smtp", f"<old{n}@dealer.test>", "h", "主题", "a.xlsx", "sent",
                    "2026-10-05T09:00:00+08:00", "2026-10-05T09:00:00+08:00"))
    db.commit()
    db.close()


def test_send__month_in_old_per_workbook_ledger_is_not_resent(book):
    _old_ledger(book, "2026-09", [(d.name, a) for d in SETTINGS.departments for a in d.emails])
    assert "dealer" not in {r[1] for r in sqlite3.connect(legacy_ledger_path(book)).execute("PRAGMA table_info(outbox)")}
    with smtp_server() as server:
        result = _run(send_command, [book, "--month", "2026-09"], server.port)
        again = _run(send_command, [book, "--month", "2026-09"], server.port)
    assert result.exit_code == 0 and server.handler.raw == [] and "之前已发送" in result.output
    assert again.exit_code == 0 and server.handler.raw == []
    with Ledger(shared_ledger_path(), SETTINGS.dealer_name) as ledger:
        assert len(ledger.rows("2026-09")) == 5                   # adopted once, not twice


def test_ledger__another_dealer_on_the_same_pc_is_separate(tmp_path):
    from tests.test_outbox import _intent
    with Ledger(shared_ledger_path(), "甲商行") as a, Ledger(shared_ledger_path(), "乙商行") as b:
        a.record_intent(_intent())
        assert len(a.rows()) == 2 and b.rows() == [] and b.months_done("smtp") == set()
