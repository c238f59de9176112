"""The layout keeps its promise: imports only point down the pipeline, and only addin/excel
talks to Excel.

Every module of addin/ is parsed (ast, nothing imported) and each `import` / `from … import`
naming addin or xlwings is checked against the order each subpackage's docstring states:
book < rules < report < mail < demo < excel < cli. A stage may import itself and the stages
before it; `addin.clock` and `addin.assets` serve every stage and import no stage.
"""
from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ADDIN = Path(__file__).resolve().parent.parent / "addin"
STAGES = ("book", "rules", "report", "day", "mail", "demo", "excel", "cli")
SHARED = ("clock", "assets", "datadir")
# addin/udfs.py: the worksheet functions under their pre-split name, for old workbooks
SHIMS = {"udfs"}


def imported_modules(path: Path) -> list[tuple[int, str]]:
    """(line, dotted module) of every absolute import in a file; `from addin import x` → addin.x."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append((node.lineno, node.module))
            if node.module == "addin":
                found += [(node.lineno, f"addin.{alias.name}") for alias in node.names]
    return found


def place(module: str) -> str | None:
    """The stage (or shared module) an addin.* module belongs to; None outside addin."""
    parts = module.split(".")
    if parts[0] != "addin" or len(parts) == 1:
        return None
    return parts[1]


def rank(name: str) -> int:
    return -1 if name in SHARED else STAGES.index(name)


def violations(root: Path = ADDIN) -> list[str]:
    """One line per import that breaks the layout, for every module under `root`."""
    bad = []
    for path in sorted(root.rglob("*.py")):
        home = path.relative_to(root).with_suffix("").parts[0]
        where = path.relative_to(root.parent).as_posix()
        if home in SHIMS or home == "__init__":
            continue
        if home not in STAGES + SHARED:
            bad.append(f"{where} is in no stage")
            continue
        for line, module in imported_modules(path):
            if module == "xlwings.pro" or module.startswith("xlwings.pro."):
                bad.append(f"{where}:{line} imports {module} (never xlwings.pro)")
            elif module.split(".")[0] == "xlwings" and home != "excel":
                bad.append(f"{where}:{line} imports xlwings outside addin/excel")
            target = place(module)
            if target is None or target == home:
                continue
            if target not in STAGES + SHARED:
                bad.append(f"{where}:{line} imports {module}, which is no stage")
            elif rank(target) > rank(home):
                bad.append(f"{where}:{line} imports {module}: {home} may not import {target}")
    return bad


def test_layout__imports_point_down_the_pipeline_and_only_excel_imports_xlwings():
    assert violations() == []


def stated_room(doc: str) -> set[str]:
    """The stages a subpackage's docstring says it may import: the `addin.X` names of its
    "May import …" sentence; all of them for "every other stage"; none for "nothing else"."""
    sentence = re.search(r"(may import|imports nothing).*?\.(\s|$)", doc, re.IGNORECASE | re.DOTALL)
    assert sentence, "the docstring does not say what the package may import"
    if "every other stage" in sentence.group(0):
        return set(STAGES)
    return set(re.findall(r"addin\.(\w+)", sentence.group(0)))


def imported_stages(root: Path, stage: str) -> set[str]:
    return {place(module) for path in (root / stage).rglob("*.py") for _, module in imported_modules(path)
            if place(module) in STAGES} - {stage}


@pytest.mark.parametrize("stage", STAGES)
def test_layout__each_stage_imports_only_what_its_docstring_allows(stage):
    doc = ast.get_docstring(ast.parse((ADDIN / stage / "__init__.py").read_text(encoding="utf-8")))
    assert doc and "Owns" in doc
    room = stated_room(doc) - {stage}
    assert room <= set(STAGES[:STAGES.index(stage)])            # the docstring itself points down
    assert imported_stages(ADDIN, stage) <= room


@pytest.mark.parametrize("source, expected", [
    ("from addin.cli import fail\n", "rules/x.py:1 imports addin.cli: rules may not import cli"),
    ("from addin import cli\n", "rules/x.py:1 imports addin.cli: rules may not import cli"),
    ("import xlwings as xw\n", "rules/x.py:1 imports xlwings outside addin/excel"),
    ("def f():\n    from addin.excel.ribbon import check\n",
     "rules/x.py:2 imports addin.excel.ribbon: rules may not import excel"),
])
def test_layout__the_check_catches_an_upward_import(tmp_path, source, expected):
    assert violations(fake_addin(tmp_path, "rules/x.py", source)) == ["addin/" + expected]


def test_layout__xlwings_pro_is_refused_even_in_excel(tmp_path):
    root = fake_addin(tmp_path, "excel/x.py", "from xlwings.pro import Markdown\n")
    assert violations(root) == ["addin/excel/x.py:1 imports xlwings.pro (never xlwings.pro)"]


def test_layout__a_module_outside_every_stage_is_reported(tmp_path):
    assert violations(fake_addin(tmp_path, "helpers.py", "import os\n")) == ["addin/helpers.py is in no stage"]


def fake_addin(tmp_path: Path, name: str, source: str) -> Path:
    """A one-module addin/ tree to show the check fails when it should."""
    path = tmp_path / "addin" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(source, encoding="utf-8")
    return tmp_path / "addin"
