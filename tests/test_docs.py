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


def test_docs__architecture_names_every_module_of_every_stage():
    root = Path(__file__).resolve().parent.parent / "addin"
    rows = {line.split("|")[1].strip(" `"): line for line in DOC.splitlines() if line.startswith("| `addin/")}
    for stage in ("book", "rules", "report", "mail", "demo", "excel", "cli"):
        row = rows[f"addin/{stage}/"]
        missing = [p.stem for p in (root / stage).glob("*.py")
                   if p.stem != "__init__" and f"`{p.stem}`" not in row and stage != "cli"]
        assert missing == [], stage
