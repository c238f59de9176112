"""Files that ship inside the package, found through importlib.resources (never the source tree).

The repository keeps them at its top level (`templates/`, `macros/`, as the design card says);
pyproject.toml maps those folders into the package as `addin.templates` and `addin.macros`,
so a wheel, an editable install and a checkout all find them the same way.
"""
from __future__ import annotations

from importlib.resources import files
from importlib.resources.abc import Traversable


def templates() -> Traversable:
    """The folder of the jinja2 templates (mail bodies, pack pages)."""
    return files("addin.templates")


def macros() -> Traversable:
    """The folder of the ribbon XML and the VBA modules of the add-in."""
    return files("addin.macros")
