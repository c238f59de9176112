"""The outbox ledger: every message we ever tried to send, one row per message and recipient,
in ONE SQLite file per user on this PC (`邮件发送记录.sqlite` in addin.datadir's user data
folder, table `outbox`), so that every copy, renamed file or link of a workbook finds the same
record and a month is mailed once whatever the workbook is called.

A row is keyed by what the mail is: dealer, factory ('' = the dealer's single factory; the
column is there for dealers with several), month, department, recipient (and channel). A
`Ledger` works for one (dealer, factory); `inherit` hands a single factory's rows to the factory
that now has those addresses when a dealer sets up several. The per-workbook ledger older versions kept beside
the workbook (`<stem>_邮件发送记录.sqlite`) is adopted on open (`adopt`): its rows are copied
in once, so a month recorded there is never sent again.

States of a row:
  pending  — intent recorded, message not yet handed to a server;
  sending  — the server said "go ahead" (354) and is getting the message;
  sent     — the server accepted it (250), or the .eml file was written (channel `eml`);
  failed   — refused or never handed over (wrong address, server down …): retried next run;
  unknown  — handed over but no answer came (connection lost after DATA, or the program
             stopped there): never resent automatically; the clerk is told until they decide.
A run starts with `recover()`: rows left `pending` by a stopped run become `failed` (nothing
was handed over, so sending again cannot duplicate), rows left `sending` become `unknown`.
`run_lock()` (a lock file beside the ledger) makes sure only one run touches it at a time.
A ledger that is not a database, or stays locked, raises LedgerError (code + Chinese message).
"""
from __future__ import annotations

import os
import sqlite3
import sys
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from addin.book import ledgers
from addin.book.ledgers import LedgerError, ledger_error  # noqa: F401 (LedgerError: part of the API)
from addin.datadir import data_dir
from addin import clock

PENDING, SENDING, SENT, FAILED, UNKNOWN = "pending", "sending", "sent", "failed", "unknown"

SCHEMA = """
CREATE TABLE IF NOT EXISTS outbox (
    id INTEGER PRIMARY KEY,
    dealer TEXT NOT NULL DEFAULT '',
    factory TEXT NOT NULL DEFAULT '',
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
"""
INDEXES = """
CREATE INDEX IF NOT EXISTS outbox_key ON outbox (dealer, factory, month, department, channel);
CREATE UNIQUE INDEX IF NOT EXISTS outbox_message ON outbox (message_id, recipient);
"""
COLUMNS = ("id", "month", "department", "recipient", "channel", "message_id", "content_hash", "subject",
           "attachment", "state", "forced", "created_at", "updated_at", "detail", "location", "dealer", "factory")
COPIED = ", ".join(COLUMNS[1:15])


LEDGER_SUFFIX = "_邮件发送记录"
LEDGER_NAME = "邮件发送记录.sqlite"
LABEL = "发送记录"


class LockBusy(Exception):
    """Another run holds the ledger's lock."""


def shared_ledger_path(create: bool = True) -> Path:
    """The one ledger of this user on this PC (every copy of every workbook uses it); its folder
    is created unless `create` is False (a dry run only reads a copy, if the ledger exists)."""
    return data_dir(create) / LEDGER_NAME


def legacy_ledger_path(workbook: Path | str) -> Path:
    """Where versions before the shared ledger kept it: beside the workbook."""
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
    dealer: str = ""
    factory: str = ""


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
    """The rows of one (dealer, factory) in the ledger at `path`."""

    def __init__(self, path: Path | str, dealer: str = "", factory: str = ""):
        self.path, self.dealer, self.factory = Path(path), dealer, factory
        self.db = ledgers.connect(self.path, LABEL, isolation_level=None)
        try:
            self.db.executescript(SCHEMA)
            have = {r[1] for r in self.db.execute("PRAGMA table_info(outbox)")}
            for column in ("dealer", "factory"):      # a ledger written before the key had them
                if column not in have:
                    self.db.execute(f"ALTER TABLE outbox ADD COLUMN {column} TEXT NOT NULL DEFAULT ''")
            self.db.executescript(INDEXES)
        except (sqlite3.Error, OSError) as error:
            raise ledger_error(error, self.path, LABEL) from None

    def adopt(self, legacy: Path | str) -> int:
        """Copy in, once, the rows of an older per-workbook ledger (as this dealer's; a row keeps
        the factory it names, others are the single factory's); returns how many rows were new.
        A missing file adopts nothing."""
        legacy = Path(legacy)
        if not legacy.is_file() or legacy.resolve() == self.path.resolve():
            return 0
        try:
            self.db.execute("ATTACH DATABASE ? AS legacy", (str(legacy),))      # only read
        except sqlite3.Error as error:
            raise ledger_error(error, legacy, LABEL) from None
        try:
            # rows that name their factory keep it (a dealer with several); older rows are the
            # single factory's ('' — `inherit` gives them to the factory that has their address)
            has_factory = "factory" in {r[1] for r in self.db.execute("PRAGMA legacy.table_info(outbox)")}
            factory = "CASE WHEN factory <> '' THEN factory ELSE ? END" if has_factory else "?"
            with self.db:
                return self.db.execute(
                    f"INSERT OR IGNORE INTO outbox (dealer, factory, {COPIED}) SELECT ?, {factory}, {COPIED} "
                    "FROM legacy.outbox", (self.dealer, "")).rowcount
        except sqlite3.Error as error:
            raise ledger_error(error, legacy, LABEL) from None
        finally:
            self.db.execute("DETACH DATABASE legacy")

    def inherit(self, recipients) -> int:
        """When a dealer with one factory adds more: the rows the single factory ('' key) sent to
        these recipients (this factory's department addresses) become this factory's, so no month
        goes to them again. Returns how many rows moved; nothing for the '' key itself."""
        recipients = sorted(set(recipients))
        if not self.factory or not recipients:
            return 0
        with self.db:
            return self.db.execute(
                f"UPDATE outbox SET factory=? WHERE dealer=? AND factory='' AND recipient IN "
                f"({','.join('?' * len(recipients))})", (self.factory, self.dealer, *recipients)).rowcount

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
                "INSERT INTO outbox (dealer, factory, month, department, recipient, channel, message_id, content_hash,"
                " subject, attachment, state, forced, created_at, updated_at, location)"
                " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                [(self.dealer, self.factory, intent.month, intent.department, r, intent.channel, intent.message_id,
                  intent.content_hash, intent.subject, intent.attachment, PENDING, int(intent.forced), now, now,
                  intent.location) for r in intent.recipients])

    def mark(self, message_id: str, recipients, state: str, detail: str = "") -> None:
        """Set the state of some recipients of one message (one transaction)."""
        now = _now()
        with self.db:
            self.db.executemany("UPDATE outbox SET state=?, detail=?, updated_at=? WHERE message_id=? AND recipient=?",
                                [(state, detail, now, message_id, r) for r in recipients])

    def rows(self, month: str | None = None, department: str | None = None,
             channel: str | None = None) -> list[Row]:
        sql, args = f"SELECT {', '.join(COLUMNS)} FROM outbox WHERE dealer=? AND factory=?", [self.dealer, self.factory]
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
        sql = ("UPDATE outbox SET state=?, detail=?, updated_at=? WHERE state=? AND month=? AND channel=?"
               " AND dealer=? AND factory=?")
        args = [state, note, _now(), UNKNOWN, month, channel, self.dealer, self.factory]
        if department is not None:
            sql += " AND department=?"
            args.append(department)
        return self._update(sql, tuple(args))

    def months_done(self, channel: str) -> set[str]:
        """Months with at least one delivered message on this channel."""
        return {m for (m,) in self.db.execute(
            "SELECT DISTINCT month FROM outbox WHERE state=? AND channel=? AND dealer=? AND factory=?",
            (SENT, channel, self.dealer, self.factory))}


def _lock_file(fh) -> None:
    if sys.platform == "win32":
        import msvcrt
        msvcrt.locking(fh.fileno(), msvcrt.LK_NBLCK, 1)
    else:
        import fcntl
        fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)


@contextmanager
def run_lock(ledger: Path | str):
    """Hold the lock file beside the ledger (`邮件发送记录.lock`) for a whole run; raises LockBusy
    when another run has it. The OS releases the lock when a process dies, so it never goes stale."""
    path = Path(ledger).with_suffix(".lock")
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
