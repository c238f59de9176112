"""Writing outputs safely: atomically, beside the dealer's workbook, never over it; the one
sanitiser for file-name parts taken from workbook text (`safe_component`); cleaning up the
temporary files and folders a killed run left behind (`clean_stale`).
"""
from __future__ import annotations

import errno
import hashlib
import os
import re
import shutil
import tempfile
import time
import unicodedata
from contextlib import contextmanager
from pathlib import Path

TMP_TAG = ".aftersales-tmp."        # every temporary file and folder we make carries it
STALE_SECONDS = 3600                # a temporary left this long belongs to a run that died
_UNSAFE = re.compile(r'[\\/:*?"<>|\s\x00-\x1f\x7f\u2028\u2029\ufeff]+')
_RESERVED = re.compile(r"^(CON|PRN|AUX|NUL|CLOCK\$|COM[0-9¹²³]|LPT[0-9¹²³])(\..*)?$", re.IGNORECASE)
MAX_COMPONENT = 60                  # characters; with our prefixes a name stays well under 255 bytes


def os_error(error: OSError, doing: str) -> tuple[str, str]:
    """(stable code, one Chinese sentence) for an OSError met while `doing` (e.g. 写入标注副本)."""
    where = f"“{error.filename}”" if getattr(error, "filename", None) else ""
    if error.errno == errno.ENOSPC or getattr(error, "winerror", None) == 112:
        return "disk-full", f"{doing}失败:磁盘空间不足{where}。请清理磁盘或换一个位置后再试;原文件没有被改动。"
    if isinstance(error, (NotADirectoryError, FileExistsError)) or error.errno == errno.ENOTDIR:
        return "out-under-file", (f"{doing}失败:输出位置{where}的上一级是一个文件而不是文件夹,"
                                  "请另选一个文件夹。")
    if isinstance(error, PermissionError) or error.errno == errno.EROFS:
        return "file-locked", (f"{doing}失败:{where}被占用或没有写入权限(是否正被 Excel 打开?)。"
                               "请关闭它或另选位置后再试。")
    return "write-failed", f"{doing}失败:{error.strerror or error}{where}。"


def safe_component(text, fallback: str = "未命名") -> str:
    """`text` (a department, factory, dealer or month typed in a workbook) as one safe file-name
    part on Windows and elsewhere: no separators, drive colons, control characters or line
    breaks, no leading/trailing dots or spaces, no reserved device names (CON, NUL, COM1 …), at
    most MAX_COMPONENT characters. A name that had to change gets a short hash of the original,
    so two different names never end up as the same file. Ordinary names come back unchanged."""
    original = "" if text is None else unicodedata.normalize("NFC", str(text))
    name = _UNSAFE.sub("_", original).strip(" ._")
    if _RESERVED.match(name):
        name = "_" + name
    name = name[:MAX_COMPONENT].rstrip(" ._")
    if name == original and name:
        return name
    digest = hashlib.sha1(original.encode("utf-8", "surrogatepass")).hexdigest()[:6]
    return f"{name or fallback}_{digest}"


def clean_stale(folder: Path | str, max_age: float = STALE_SECONDS) -> int:
    """Remove our temporary files and folders in `folder` (names carrying TMP_TAG) older than
    `max_age` seconds: what a killed run left (they may hold full customer data). Returns how
    many were removed; anything that cannot be removed now is left for a later run."""
    removed, now = 0, time.time()
    try:
        entries = list(Path(folder).iterdir())
    except OSError:
        return 0
    for entry in entries:
        try:
            if TMP_TAG not in entry.name or now - entry.lstat().st_mtime < max_age:
                continue
            if entry.is_dir() and not entry.is_symlink():
                shutil.rmtree(entry)
            else:
                entry.unlink()
            removed += 1
        except OSError:
            continue
    return removed


@contextmanager
def atomic_path(target: Path | str):
    """Yield a temporary path in the target's folder; on success it replaces `target` in one
    step (os.replace), on failure it is removed and `target` is untouched.

    with atomic_path(out) as tmp:
        workbook.save(tmp)
    """
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    clean_stale(target.parent)
    fd, name = tempfile.mkstemp(prefix="." + target.stem[:40] + TMP_TAG, suffix=".part" + target.suffix,
                                dir=target.parent)
    os.close(fd)
    tmp = Path(name)
    try:
        yield tmp
        _readable(tmp, 0o644)
        os.replace(tmp, target)
    finally:
        if tmp.exists():
            tmp.unlink()


def _readable(path: Path, mode: int) -> None:
    """mkstemp/mkdtemp make private files (0600/0700); outputs are ordinary files the
    dealer's other accounts may open. The umask still applies as for any new file."""
    umask = os.umask(0)
    os.umask(umask)
    try:
        os.chmod(path, mode & ~umask)
    except OSError:
        pass


def atomic_write_bytes(target: Path | str, data: bytes) -> Path:
    with atomic_path(target) as tmp:
        tmp.write_bytes(data)
    return Path(target)


def atomic_write_text(target: Path | str, text: str) -> Path:
    """`text` as UTF-8 into `target`, atomically (see atomic_write_bytes)."""
    return atomic_write_bytes(target, text.encode("utf-8"))


@contextmanager
def atomic_dir(target: Path | str):
    """Yield a fresh temporary folder beside `target`; on success it replaces the folder
    `target` as a whole (an existing report is never left half-replaced)."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    clean_stale(target.parent)
    tmp = Path(tempfile.mkdtemp(prefix="." + target.name[:40] + TMP_TAG, dir=target.parent))
    try:
        yield tmp
        _readable(tmp, 0o755)
        old = None
        if target.exists():
            old = target.with_name("." + target.name + ".old")
            if old.exists():
                shutil.rmtree(old)
            os.replace(target, old)
        os.replace(tmp, target)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)


def same_file(a: Path | str, b: Path | str) -> bool:
    """True when two paths name the same file (used to refuse writing over the input)."""
    a, b = Path(a), Path(b)
    try:
        return a.exists() and b.exists() and os.path.samefile(a, b)
    except OSError:
        return a.resolve() == b.resolve()
