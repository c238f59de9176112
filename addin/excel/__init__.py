"""Excel: the only subpackage that imports xlwings (and only its free open-source part, never
xlwings.pro).

Owns: the ribbon's button handlers (ribbon), reading and patching the open book in a few calls
(livebook), the worksheet functions (udfs, udf_cells, udf_shapes, udf_policy) and the .xlam add-in
file built from macros/ (xlam, vba, cfb; those three need no Excel and no xlwings import).
May import addin.book, addin.rules, addin.report, addin.day and addin.mail.

`addin.excel.<handler>` still works for add-ins built before the handlers moved to
addin.excel.ribbon (their VBA runs `import addin.excel; addin.excel.check()`).
"""


import importlib

_SUBMODULES = {"ribbon", "livebook", "udfs", "udf_cells", "udf_shapes", "udf_policy", "xlam", "vba", "cfb"}


def __getattr__(name: str):
    """Older add-ins call the handlers on this package; they live in addin.excel.ribbon."""
    if name in _SUBMODULES:
        return importlib.import_module(f"{__name__}.{name}")
    if name.startswith("_"):
        raise AttributeError(name)
    ribbon = importlib.import_module(f"{__name__}.ribbon")
    try:
        return getattr(ribbon, name)
    except AttributeError:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}") from None
