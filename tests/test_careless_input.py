"""Careless and hostile input end to end (issue 11 items 5-7): special files, outputs that must
not overwrite, full disks, outputs under a file, corrupt or locked ledgers, absurd months, locked
or unreadable workbooks, an old .xls renamed .xlsx, a 451 from the server and the SMTP password.
Each ends in one Chinese line with a stable code and the documented exit code, never a traceback.
Mail goes to a real aiosmtpd server."""
from __future__ import annotations

import errno
import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from addin.book import ledgers
from addin.cli.check import command as check_command
from addin.cli.fees import command as fees_command
from addin.cli.replies import import_command
from addin.cli.report import command as report_command
from addin.cli.send import send_command, send_due_command
from addin.excel.cfb import write_cfb
from addin.mail.outbox import shared_ledger_path
from tests.conftest import good_order, write_orders
from tests.smtp_server import smtp_server
from tests.test_send import _env, _run, book  # noqa: F401 (book: fixture)


def _line(result, code: str, exit_code: int) -> None:
    assert result.exit_code == exit_code, result.output
    assert f"错误[{code}]" in result.output and "Traceback" not in result.output, result.output


@pytest.fixture
def small(tmp_path) -> Path:
    return write_orders(tmp_path / "服务单.xlsx", [good_order(1)])


# ---- item 5: special files and outputs -----------------------------------------------------------

@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on Windows")
def test_check__fifo_named_xlsx_is_refused_not_opened(tmp_path):
    fifo = tmp_path / "服务单.xlsx"
    os.mkfifo(fifo)
    code = "from addin.cli import main; main()"
    run = subprocess.run([sys.executable, "-c", code, "check", str(fifo)], capture_output=True, text=True,
                         timeout=60, env={**os.environ, "PYTHONIOENCODING": "utf-8"})
    assert run.returncode == 2 and "错误[not-regular-file]" in run.stderr


def test_annotate__existing_target_needs_force_and_name_must_be_xlsx(small, tmp_path):
    target = tmp_path / "别的文件.xlsx"
    target.write_bytes(b"precious")
    refused = CliRunner().invoke(check_command, [str(small), "--annotate", str(target)])
    _line(refused, "annotate-exists", 2)
    assert target.read_bytes() == b"precious"
    forced = CliRunner().invoke(check_command, [str(small), "--annotate", str(target), "--force"])
    assert forced.exit_code == 0 and openpyxl.load_workbook(target).sheetnames[0] == "服务单"
    for name in ("副本.txt", "副本.xlsx.bat", "副本"):
        _line(CliRunner().invoke(fees_command, [str(small), "--annotate", str(tmp_path / name)]), "annotate-not-xlsx", 2)
        assert not (tmp_path / name).exists()


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX device node")
def test_annotate__device_node_refused_even_with_force(small, tmp_path):
    link = tmp_path / "dev.xlsx"
    os.symlink(os.devnull, link)
    _line(CliRunner().invoke(check_command, [str(small), "--annotate", str(link), "--force"]), "annotate-not-file", 2)
    assert Path(os.devnull).exists() and not Path(os.devnull).is_file()


def test_report__temporary_folders_of_a_killed_run_are_removed(book):
    reports = book.parent / "reports"
    stale = reports / ".2026-09.aftersales-tmp.k1ll3d"
    (stale / "图表").mkdir(parents=True)
    (stale / "2026年9月_售后反馈_售后服务部.xlsx").write_bytes(b"customer data")
    old = time.time() - 2 * 24 * 3600
    os.utime(stale, (old, old))
    fresh = reports / ".2026-08.aftersales-tmp.running"      # another run's, still going
    fresh.mkdir()
    result = CliRunner().invoke(report_command, [str(book), "--month", "2026-09"])
    assert result.exit_code == 0, result.output
    assert not stale.exists() and fresh.exists()
    assert sorted(p.name for p in reports.iterdir()) == [".2026-08.aftersales-tmp.running", "2026-09"]


# ---- item 6: clear errors --------------------------------------------------------------------------

def test_annotate__disk_full_is_one_line_and_leaves_nothing(small, tmp_path, monkeypatch):
    def full(self, filename):
        Path(filename).write_bytes(b"half")
        raise OSError(errno.ENOSPC, "No space left on device", str(filename))
    monkeypatch.setattr(openpyxl.Workbook, "save", full)
    out = tmp_path / "out" / "副本.xlsx"
    _line(CliRunner().invoke(check_command, [str(small), "--annotate", str(out)]), "disk-full", 2)
    assert "磁盘空间不足" in CliRunner().invoke(fees_command, [str(small), "--annotate", str(out)]).output
    assert list(out.parent.iterdir()) == []


def test_outputs_under_a_file_are_one_line(small, tmp_path):
    afile = tmp_path / "a.txt"
    afile.write_text("x")
    _line(CliRunner().invoke(check_command, [str(small), "--annotate", str(afile / "副本.xlsx")]), "out-under-file", 2)
    _line(CliRunner().invoke(report_command, [str(small), "--month", "2025-10", "--out", str(afile / "r")]),
          "out-under-file", 2)


def test_send__corrupt_outbox_ledger(book):
    shared_ledger_path().write_bytes(b"this is not sqlite" * 100)
    _line(_run(send_command, [book, "--month", "2026-09"], None), "ledger-corrupt", 1)
    due = _run(send_due_command, [book, "--today", "2026-10-20"], None)
    assert due.exit_code == 1 and "错误[ledger-corrupt]" in due.output and "Traceback" not in due.output
    assert not (book.parent / "发件箱").exists()


def test_send__locked_outbox_ledger(book, monkeypatch):
    monkeypatch.setattr(ledgers, "BUSY_SECONDS", 0.2)
    holder = sqlite3.connect(shared_ledger_path(), isolation_level=None)
    holder.execute("CREATE TABLE IF NOT EXISTS x (a)")
    holder.execute("BEGIN EXCLUSIVE")
    try:
        _line(_run(send_command, [book, "--month", "2026-09"], None), "ledger-locked", 1)
    finally:
        holder.close()
    assert _run(send_command, [book, "--month", "2026-09"], None).exit_code == 0


def test_report_and_replies__corrupt_reply_ledger(book, tmp_path):
    (book.parent / "服务单_改进回复跟踪.sqlite").write_bytes(b"\0garbage" * 200)
    _line(CliRunner().invoke(report_command, [str(book), "--month", "2026-09"]), "ledger-corrupt", 2)
    pack = tmp_path / "回复.xlsx"
    openpyxl.Workbook().save(pack)
    _line(CliRunner().invoke(import_command, [str(book), str(pack)]), "ledger-corrupt", 2)


@pytest.mark.parametrize("month", ["0000-01", "9999-12", "2026-00"])
def test_absurd_months_are_one_line(small, month):
    env = _env(None)
    # a month that is no month is a usage error (exit 4, as every command's --help says)
    _line(CliRunner().invoke(report_command, [str(small), "--month", month]), "month-invalid", 4)
    _line(CliRunner().invoke(fees_command, [str(small), "--month", month]), "month-invalid", 4)
    _line(CliRunner().invoke(send_command, [str(small), "--month", month, "--force"], env=env), "month-invalid", 4)


def test_unreadable_or_locked_workbook(small, monkeypatch):
    """Excel holding the file (a sharing violation on Windows) and a file without read permission
    both reach us as PermissionError, at the first read or when the zip is opened."""
    import zipfile
    real_open = Path.open

    def locked(self, *args, **kwargs):
        if self == small:
            raise PermissionError(errno.EACCES, "Permission denied", str(self))
        return real_open(self, *args, **kwargs)
    monkeypatch.setattr(Path, "open", locked)
    _line(CliRunner().invoke(check_command, [str(small)]), "no-permission", 2)
    monkeypatch.setattr(Path, "open", real_open)

    def zip_locked(*args, **kwargs):
        raise PermissionError(errno.EACCES, "Permission denied")
    monkeypatch.setattr(zipfile, "ZipFile", zip_locked)
    _line(CliRunner().invoke(check_command, [str(small)]), "no-permission", 2)


def test_old_xls_renamed_xlsx_is_not_called_password_protected(tmp_path):
    renamed = tmp_path / "旧表.xlsx"
    renamed.write_bytes(write_cfb({"Workbook": b"\x09\x08\x10\x00" * 200, "\x05SummaryInformation": b"\0" * 64}))
    result = CliRunner().invoke(check_command, [str(renamed)])
    _line(result, "format-xls", 2)
    assert "旧版 .xls" in result.output and "密码" not in result.output
    encrypted = tmp_path / "加密.xlsx"
    encrypted.write_bytes(write_cfb({"EncryptionInfo": b"\x04\x00\x04\x00" * 50, "EncryptedPackage": b"\1" * 5000}))
    _line(CliRunner().invoke(check_command, [str(encrypted)]), "encrypted", 2)


# the 451 case is in tests/test_send.py (test_send__refused_or_deferred_recipient_then_only_the_rest)


# ---- item 7: passwords -------------------------------------------------------------------------------

SECRET = "Sq7xK2pLm9QwErTy"


def _login_env(port: int, password: str) -> dict:
    return {**_env(port), "AFTERSALES_SMTP_USER": "service@dealer.test", "AFTERSALES_SMTP_PASSWORD": password}


def _nowhere(book, *texts) -> None:
    import base64
    forms = (SECRET, base64.b64encode(SECRET.encode()).decode(),
             base64.b64encode(f"\0service@dealer.test\0{SECRET}".encode()).decode())
    files = [p for p in (shared_ledger_path(), book.with_name("服务单_自动发送日志.txt")) if p.exists()]
    blobs = [*texts, *(p.read_bytes().decode("utf-8", "replace") for p in files)]
    assert files and not [f for f in forms for b in blobs if f in b]


def test_password__plain_login_warns_once_and_is_never_written(book):
    with smtp_server("plain", {"service@dealer.test": SECRET}) as server:
        server.handler.refuse, server.handler.echo = {"rd2@factory.test"}, SECRET   # a careless server
        sent = CliRunner().invoke(send_command, [str(book), "--month", "2026-09"], env=_login_env(server.port, SECRET))
    assert len(server.handler.raw) == 4 and "被拒收 → rd2@factory.test:550" in sent.output
    assert sent.output.count("不加密") == 1
    _nowhere(book, sent.output)


def test_password__wrong_one_is_not_in_the_message_nor_the_log(book):
    with smtp_server("plain", {"service@dealer.test": "the-right-one"}) as server:
        result = CliRunner().invoke(send_due_command, [str(book), "--today", "2026-10-20"],
                                    env=_login_env(server.port, SECRET))
    assert result.exit_code == 1 and "授权码" in result.output and server.handler.raw == []
    assert result.output.count("不加密") == 1 and "不加密" in book.with_name("服务单_自动发送日志.txt").read_text("utf-8")
    _nowhere(book, result.output)
