"""The wheel carries what the code reads at run time: every file of templates/ and macros/
(mapped into the package as addin.templates / addin.macros) and the template's help text,
and no module finds its data through the source tree.

The wheel is built for real by setuptools' own build backend (the one pyproject.toml names),
without an isolated environment so it takes seconds; `.ci/run` goes further and installs it
into a fresh venv and runs `aftersales demo` and `aftersales addin build` outside the checkout.
"""
from __future__ import annotations

import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
# repository folder → where its files land in the wheel
DATA = {"templates": "addin/templates", "macros": "addin/macros"}


def _tracked(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file() and "__pycache__" not in p.parts)


@pytest.fixture(scope="module")
def wheel_names(tmp_path_factory) -> set[str]:
    pytest.importorskip("setuptools.build_meta")
    src = tmp_path_factory.mktemp("src")
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info")
    for name in ("addin", *DATA):
        shutil.copytree(ROOT / name, src / name, ignore=ignore)
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(ROOT / name, src / name)
    out = tmp_path_factory.mktemp("dist")
    code = f"from setuptools import build_meta; print(build_meta.build_wheel({str(out)!r}))"
    done = subprocess.run([sys.executable, "-c", code], cwd=src, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    wheel = out / done.stdout.strip().splitlines()[-1]
    with zipfile.ZipFile(wheel) as zf:
        return set(zf.namelist())


def test_wheel__carries_every_template_macro_and_the_help_text(wheel_names):
    expected = {f"{inside}/{p.relative_to(ROOT / folder).as_posix()}"
                for folder, inside in DATA.items() for p in _tracked(ROOT / folder)}
    expected.add("addin/book/template_help.txt")
    assert {"addin/templates/pack.html.j2", "addin/macros/ribbon.xml"} <= expected
    assert expected - wheel_names == set()


def test_wheel__carries_every_module_and_the_entry_point(wheel_names):
    modules = {p.relative_to(ROOT).as_posix() for p in _tracked(ROOT / "addin") if p.suffix == ".py"}
    assert modules - wheel_names == set()
    assert any(n.endswith(".dist-info/entry_points.txt") for n in wheel_names)


def test_no_module_finds_files_through_the_source_tree():
    """Package data is found through importlib.resources (addin.assets); a path built from a
    module's own location breaks as soon as the package is zipped or laid out differently."""
    pattern = re.compile(r"__file__|parents\[")
    offenders = [f"{p.relative_to(ROOT)}:{n}" for p in _tracked(ROOT / "addin") if p.suffix == ".py"
                 for n, line in enumerate(p.read_text("utf-8").splitlines(), 1)
                 if pattern.search(line) and not line.lstrip().startswith("#")]
    assert offenders == []


def test_assets_are_read_through_importlib_resources():
    from addin import assets
    assert assets.templates().joinpath("pack.html.j2").read_text("utf-8").strip()
    assert "customUI" in assets.macros().joinpath("ribbon.xml").read_text("utf-8")
    assert "服务类型" in assets.template_help()
    assert (assets.install_folder() / "addin" / "__init__.py").is_file()
