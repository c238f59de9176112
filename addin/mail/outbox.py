"""The outbox ledger: every message we ever tried to send, one row per message and recipient,
in an SQLite file beside the workbook (`<stem>_邮件发送记录.sqlite`, table `outbox`; named like
the reply ledger `<stem>_改进回复跟踪.sqlite` of addin.report.replies).

States of a row:
  pending  — intent recorded, message not yet handed to a server;
  sending  — the server said "go ahead" (354) and is getting the message;
  sent     — the server accepted it (250), or the .eml file was written (channel `eml`);
  failed   — refused or never handed over (wrong address, server down …): retried next run;
  unknown  — handed over but no answer came (connection lost after DATA, or the program
             stopped there): never resent automatically; the clerk is told until they decide.
A run starts with `recover()`: rows left `pending` by a stopped run become `failed` (nothing
was handed over, so sending again cannot duplicate), rows left `sending` become `unknown`.
`run_lock()` makes sure only one run touches the ledger at a time.
"""
from __future__ import annotations

import os
import sqlite3
import sys
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from addin import clock

PENDING, SENDING, SENT, FAILED, UNKNOWN = "pending", "sending", "sent", "failed", "unknown"
STATE_LABELS = {PENDING: "待发送", SENDING: "发送中", SENT: "已发送", FAILED: "失败", UNKNOWN: "状态不明"}

SCHEMA = """
CREATE TABLE IF NOT EXISTS outbox (
    id INTEGER PRIMARY KEY,
    month TEXT NOT NULL,
    department TEXT NOT NULL,
    recipient TEXT NOT NULL,
    channel TEXT NOT NULL,          -- smtp / eml
    message_id TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    subject TEXT NOT NULL,
    attachment TEXT NOT NULL,
    state TEXT NOT NULL,
    forced INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    detail TEXT NOT NULL DEFAULT '',
    location TEXT NOT NULL DEFAULT ''   -- server host:port, or the .eml file
);
CREATE INDEX IF NOT EXISTS outbox_month ON outbox (month, department, channel);
"""


LEDGER_SUFFIX = "_邮件发送记录"


class LockBusy(Exception):
    """Another run holds the ledger's lock."""


def ledger_path(workbook: Path | str) -> Path:
    workbook = Path(workbook)
    return workbook.with_name(workbook.stem + LEDGER_SUFFIX + ".sqlite")


def _now() -> str:
    return clock.stamp()


@dataclass(frozen=True)
class Row:
    id: int
    month: str
    department: str
    recipient: str
    channel: str
    message_id: str
    content_hash: str
    subject: str
    attachment: str
    state: str
    forced: int
    created_at: str
    updated_at: str
    detail: str
    location: str


@dataclass(frozen=True)
class Intent:
    """One message about to be handed over."""

    month: str
    department: str
    recipients: tuple[str, ...]
    channel: str
    message_id: str
    content_hash: str
    subject: str
    attachment: str
    location: str = ""
    forced: bool = False


class Ledger:
    def __init__(self, path: Path | str):
        self.path = Path(path)
        self.db = sqlite3.connect(self.path, timeout=15, isolation_level=None)
        self.db.executescript(SCHEMA)

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> "Ledger":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _update(self, sql: str, args: tuple) -> int:
        with self.db:     # one transaction, committed before we go on
            return self.db.execute(sql, args).rowcount

    def recover(self) -> int:
        """Settle rows a stopped run left behind; returns how many rows changed."""
        note = "上次运行在交给服务器之前中断,未发出,将重新发送"
        n = self._update("UPDATE outbox SET state=?, detail=?, updated_at=? WHERE state=?",
                         (FAILED, note, _now(), PENDING))
        note = "上次运行在邮件交给服务器时中断,无法确定对方是否收到"
        return n + self._update("UPDATE outbox SET state=?, detail=?, updated_at=? WHERE state=?",
                                (UNKNOWN, note, _now(), SENDING))

    def record_intent(self, intent: Intent) -> None:
        now = _now()
        with self.db:
            self.db.executemany(
                "INSERT INTO outbox (month, department, recipient, channel, message_id, content_hash, subject,"
                " attachment, state, forced, created_at, updated_at, location) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
                [(intent.month, intent.department, r, intent.channel, intent.message_id, intent.content_hash,
                  intent.subject, intent.attachment, PENDING, int(intent.forced), now, now, intent.location)
                 for r in intent.recipients])

    def mark(self, message_id: str, recipients, state: str, detail: str = "") -> None:
        """Set the state of some recipients of one message (one transaction)."""
        now = _now()
        with self.db:
            self.db.executemany("UPDATE outbox SET state=?, detail=?, updated_at=? WHERE message_id=? AND recipient=?",
                                [(state, detail, now, message_id, r) for r in recipients])

    def rows(self, month: str | None = None, department: str | None = None,
             channel: str | None = None) -> list[Row]:
        sql, args = "SELECT * FROM outbox WHERE 1=1", []
        for col, value in (("month", month), ("department", department), ("channel", channel)):
            if value is not None:
                sql += f" AND {col}=?"
                args.append(value)
        return [Row(*values) for values in self.db.execute(sql + " ORDER BY id", args)]

    def latest(self, month: str, department: str, channel: str) -> dict[str, Row]:
        """Per recipient, the row that decides what happens next: a delivery (sent) wins, then an
        unknown outcome, then the newest attempt."""
        rank = {SENT: 3, UNKNOWN: 2, SENDING: 2}
        best: dict[str, Row] = {}
        for row in self.rows(month, department, channel):
            old = best.get(row.recipient)
            if old is None or (rank.get(row.state, 0), row.id) >= (rank.get(old.state, 0), old.id):
                best[row.recipient] = row
        return best

    def resolve_unknown(self, month: str, department: str | None, channel: str, delivered: bool) -> int:
        """The clerk decided: unknown rows become sent (they got it) or failed (send again)."""
        state, note = (SENT, "经确认对方已收到") if delivered else (FAILED, "经确认对方未收到,将重新发送")
        sql = "UPDATE outbox SET state=?, detail=?, updated_at=? WHERE state=? AND month=? AND channel=?"
        args = [state, note, _now(), UNKNOWN, month, channel]
        if department is not None:
            sql += " AND department=?"
            args.append(department)
        return self._update(sql, tuple(args))

    def months_done(self, channel: str) -> set[str]:
        """Months with at least one delivered message on this channel."""
        return {m for (m,) in self.db.execute("SELECT DISTINCT month FROM outbox WHERE state=? AND channel=?",
                                              (SENT, channel))}


def _lock_file(fh) -> None:
    if sys.platform == "win32":
        import msvcrt
        msvcrt.locking(fh.fileno(), msvcrt.LK_NBLCK, 1)
    else:
        import fcntl
        fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)


@contextmanager
def run_lock(workbook: Path | str):
    """Hold `<stem>_邮件发送记录.lock` beside the workbook for a whole run; raises LockBusy when
    another run has it. The OS releases the lock when a process dies, so it never goes stale."""
    path = Path(workbook).with_name(Path(workbook).stem + LEDGER_SUFFIX + ".lock")
    path.touch(exist_ok=True)
    fh = open(path, "r+b")
    try:
        try:
            _lock_file(fh)
        except OSError:
            raise LockBusy(str(path)) from None
        fh.seek(0)
        fh.truncate()
        fh.write(f"{os.getpid()} {_now()}\n".encode())
        fh.flush()
        yield path
    finally:
        fh.close()
