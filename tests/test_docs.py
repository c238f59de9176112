"""The architecture page names what the code really returns."""
from __future__ import annotations

from pathlib import Path

from addin.rules.fees import RESULT_COLUMNS

DOC = (Path(__file__).resolve().parent.parent / "docs" / "architecture.md").read_text(encoding="utf-8")


def test_docs__architecture_lists_every_fees_column():
    missing = [c for c in RESULT_COLUMNS if c != "order_no" and f"`{c}`" not in DOC]
    assert missing == []


def test_docs__architecture_links_resolve():
    folder = Path(__file__).resolve().parent.parent / "docs"
    for name in ("template.md", "fees.md", "report.md", "print.md", "mail.md", "excel.md"):
        assert f"({name})" in DOC and (folder / name).is_file()
