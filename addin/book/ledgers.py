"""The SQLite ledgers kept for a dealer (the reply ledger of addin.report.replies, the outbox of
addin.mail.outbox): opening one, and turning what SQLite or the disk says into one Chinese
LedgerError with a stable code (ledger-corrupt, ledger-locked, ledger-unusable).
"""
from __future__ import annotations

import sqlite3
from pathlib import Path

BUSY_SECONDS = 15.0                 # how long to wait for another program to let go of a ledger


class LedgerError(Exception):
    """A ledger cannot be used (corrupt, locked too long, unwritable): code + Chinese message."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code, self.message = code, message


def ledger_error(error: Exception, path: Path | str, label: str = "记录") -> LedgerError:
    """One Chinese sentence for an SQLite or file error on the ledger `path` (`label` names it:
    发送记录, 改进回复跟踪记录)."""
    text = str(error).lower()
    if isinstance(error, sqlite3.OperationalError) and "locked" in text:
        return LedgerError("ledger-locked", f"{label}“{path}”正被另一个程序占用(已等待{BUSY_SECONDS:g}秒),"
                                            "本次没有改动;请关闭正在打开它的程序后再试。")
    if isinstance(error, sqlite3.DatabaseError) and ("not a database" in text or "malformed" in text):
        return LedgerError("ledger-corrupt", f"{label}“{path}”已损坏(不是有效的数据库),本次没有改动。请从备份恢复它,"
                                             "或把它改名保存后再运行(那样以前的记录会丢失)。")
    return LedgerError("ledger-unusable", f"无法使用{label}“{path}”:{getattr(error, 'strerror', None) or error}。"
                                          "本次没有改动。")


def connect(path: Path | str, label: str = "记录", **kwargs) -> sqlite3.Connection:
    """An SQLite connection that has read the schema once (so a file that is not a database fails
    here, as a LedgerError, and not halfway through a run)."""
    try:
        db = sqlite3.connect(path, timeout=BUSY_SECONDS, **kwargs)
        db.execute("SELECT count(*) FROM sqlite_master").fetchone()
        return db
    except (sqlite3.Error, OSError) as error:
        raise ledger_error(error, path, label) from None
