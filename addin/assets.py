"""Files that ship inside the package, found through importlib.resources (never the source tree).

The repository keeps them at its top level (`templates/`, `macros/`, as the design card says);
pyproject.toml maps those folders into the package as `addin.templates` and `addin.macros`,
so a wheel, an editable install and a checkout all find them the same way. The template's
说明 page lives beside its writer (addin/book/template_help.txt). tests/test_package.py builds
the wheel and checks it carries every one of these files.
"""
from __future__ import annotations

from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path


def templates() -> Traversable:
    """The folder of the jinja2 templates (mail bodies, pack pages)."""
    return files("addin.templates")


def macros() -> Traversable:
    """The folder of the ribbon XML and the VBA modules of the add-in."""
    return files("addin.macros")


def install_folder() -> Path:
    """The folder that holds the addin package (site-packages, or the checkout when editable):
    what the add-in's PYTHONPATH names."""
    return Path(str(files("addin"))).resolve().parent


def template_help() -> str:
    """The text of the template's 说明 sheet (addin/book/template_help.txt)."""
    return files("addin.book").joinpath("template_help.txt").read_text(encoding="utf-8")
