"""Writing outputs safely: atomically, beside the dealer's workbook, never over it."""
from __future__ import annotations

import os
import shutil
import tempfile
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def atomic_path(target: Path | str):
    """Yield a temporary path in the target's folder; on success it replaces `target` in one
    step (os.replace), on failure it is removed and `target` is untouched.

    with atomic_path(out) as tmp:
        workbook.save(tmp)
    """
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix="." + target.stem[:40] + ".", suffix=".part" + target.suffix,
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
    tmp = Path(tempfile.mkdtemp(prefix="." + target.name[:40] + ".", dir=target.parent))
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
