"""The user's data folder: where what must be shared by every copy of a workbook on this PC
lives (the outbox ledger and the run lock of addin.mail.outbox).

`data_dir()` is platformdirs' user data dir for "aftersales" (Windows:
%LOCALAPPDATA%\\aftersales), or the folder named by the environment variable
AFTERSALES_DATA_DIR (tests, a shared drive, a portable install). Created on first use.
"""
from __future__ import annotations

import os
from pathlib import Path

ENV = "AFTERSALES_DATA_DIR"


def data_dir(create: bool = True) -> Path:
    """The folder, created if missing (a dry run asks with `create=False`: it writes nothing)."""
    override = os.environ.get(ENV, "").strip()
    if override:
        folder = Path(override)
    else:
        import platformdirs
        folder = Path(platformdirs.user_data_dir("aftersales", appauthor=False))
    if create:
        folder.mkdir(parents=True, exist_ok=True)
    return folder
