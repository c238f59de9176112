"""Assembling the Excel add-in (.xlam) from xlwings' ribbon add-in template, our ribbon and our VBA.

Works on any system (no Excel needed). The template `quickstart_addin_ribbon.xlam` shipped in
the xlwings package gives the package parts (workbook, styles, theme); we replace:
  customUI/customUI14.xml  the 售后服务 tab (macros/ribbon.xml), related from _rels/.rels
  xl/vbaProject.bin        written by addin.excel.vba from xlwings' custom add-in module (renamed
                           to our project), its Dictionary class and macros/*.bas
  xl/worksheets/sheet1.xml the config sheet `aftersales.conf` the xlwings module reads:
                           Interpreter_Win, PYTHONPATH, UDF Modules = addin.excel.udfs, ...
The xlwings package is located, never imported (only addin/excel.py and udfs.py import it).
"""
from __future__ import annotations

import importlib.util
import io
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from importlib.resources.abc import Traversable
from xml.sax.saxutils import escape

from addin import assets
from addin.book.files import atomic_write_bytes
from addin.book.issues import WorkbookError
from addin.excel.vba import WORKBOOK, WORKSHEET, Module, vba_project_bin

PROJECT = "aftersales"
ADDIN_NAME = "aftersales.xlam"
CONFIG_SHEET = f"{PROJECT}.conf"  # xlwings reads PROJECT_NAME & ".conf" (a leading _ disables it)
CONFIG_CODENAME = "Sheet2"  # the template's config sheet keeps its code name
TEMPLATE = "quickstart_addin_ribbon.xlam"
UDF_MODULES = "addin.excel.udfs"
RIBBON_PART = "customUI/customUI14.xml"
RIBBON_REL = "http://schemas.microsoft.com/office/2007/relationships/ui/extensibility"
_REPLACED = {"customUI/customUI.xml", "xl/vbaProject.bin", "xl/worksheets/sheet1.xml",
             "xl/workbook.xml", "_rels/.rels", "docProps/core.xml"}


@dataclass(frozen=True)
class AddinConfig:
    """What the add-in's config sheet says (keys as xlwings reads them)."""

    interpreter_win: str = ""
    interpreter_mac: str = ""
    pythonpath: str = ""
    udf_modules: str = UDF_MODULES
    extra: tuple[tuple[str, object], ...] = field(default=(
        ("Conda Path", ""), ("Conda Env", ""), ("Debug UDFs", False),
        ("Use UDF Server", False), ("Show Console", False)))

    def rows(self) -> list[tuple[str, object]]:
        return [("Interpreter_Win", self.interpreter_win), ("Interpreter_Mac", self.interpreter_mac),
                ("PYTHONPATH", self.pythonpath), ("UDF Modules", self.udf_modules), *self.extra]


def xlwings_dir() -> Path:
    spec = importlib.util.find_spec("xlwings")
    if spec is None or not spec.origin:
        raise WorkbookError("xlwings-missing", "未安装 xlwings,无法生成加载项:请先 pip install xlwings")
    return Path(spec.origin).parent


def vba_modules(macros: Traversable | None = None) -> list[Module]:
    """The add-in's VBA: document modules, xlwings' custom add-in module renamed to our
    project, its Dictionary class, and every macros/*.bas."""
    macros = macros or assets.macros()
    xw = xlwings_dir()
    text = (xw / "xlwings_custom_addin.bas").read_text("cp1252")
    const = 'Public Const PROJECT_NAME As String = "myaddin"'
    if const not in text:
        raise WorkbookError("xlwings-template", "xlwings 的加载项模块格式已变,找不到 PROJECT_NAME")
    text = text.replace(const, const.replace("myaddin", PROJECT))
    ours = sorted((p for p in macros.iterdir() if p.name.endswith(".bas")), key=lambda p: p.name)
    if not ours:
        raise WorkbookError("macros-missing", f"找不到 VBA 宏文件:{macros}")
    return [Module.document("ThisWorkbook", WORKBOOK),
            Module.document(CONFIG_CODENAME, WORKSHEET),
            Module.from_export("Dictionary.cls", (xw / "addin" / "Dictionary.cls").read_text("cp1252")),
            Module.from_export("xlwings.bas", text),
            *(Module.from_export(p.name, p.read_text("ascii")) for p in ours)]


def _cell(ref: str, value) -> str:
    if isinstance(value, bool):
        return f'<c r="{ref}" t="b"><v>{int(value)}</v></c>'
    if value in ("", None):
        return ""
    return f'<c r="{ref}" t="inlineStr"><is><t>{escape(str(value))}</t></is></c>'


def config_sheet_xml(config: AddinConfig) -> str:
    rows = "".join(f'<row r="{i}">{_cell(f"A{i}", key)}{_cell(f"B{i}", value)}</row>'
                   for i, (key, value) in enumerate(config.rows(), start=1))
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            f'<sheetPr codeName="{CONFIG_CODENAME}"/><cols><col min="1" max="1" width="18" customWidth="1"/>'
            f'<col min="2" max="2" width="60" customWidth="1"/></cols><sheetData>{rows}</sheetData></worksheet>')


def _workbook_xml(template: str) -> str:
    text = re.sub(r'<sheet name="[^"]*"', f'<sheet name="{CONFIG_SHEET}"', template, count=1)
    return re.sub(r"<mc:AlternateContent.*?</mc:AlternateContent>", "", text, flags=re.S)


def _rels_xml(template: str) -> str:
    text = re.sub(r'<Relationship [^>]*ui/extensibility"[^>]*/>', "", template)
    rel = f'<Relationship Id="rIdAftersalesUI" Type="{RIBBON_REL}" Target="{RIBBON_PART}"/>'
    return text.replace("</Relationships>", rel + "</Relationships>")


CORE_XML = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?><cp:coreProperties '
            'xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
            'xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>售后服务</dc:title>'
            '<dc:creator>aftersales</dc:creator></cp:coreProperties>')


def build_xlam_bytes(config: AddinConfig = AddinConfig(), macros: Traversable | None = None) -> bytes:
    """The .xlam file's bytes."""
    macros = macros or assets.macros()
    ribbon = macros.joinpath("ribbon.xml").read_bytes()
    parts = {RIBBON_PART: ribbon, "xl/vbaProject.bin": vba_project_bin(PROJECT, vba_modules(macros)),
             "xl/worksheets/sheet1.xml": config_sheet_xml(config).encode("utf-8"),
             "docProps/core.xml": CORE_XML.encode("utf-8")}
    out = io.BytesIO()
    with zipfile.ZipFile(xlwings_dir() / TEMPLATE) as src, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        names = sorted(src.namelist(), key=lambda n: n != "[Content_Types].xml")
        for name in names:
            if name == "xl/workbook.xml":
                dst.writestr(name, _workbook_xml(src.read(name).decode("utf-8")))
            elif name == "_rels/.rels":
                dst.writestr(name, _rels_xml(src.read(name).decode("utf-8")))
            elif name not in _REPLACED:
                dst.writestr(name, src.read(name))
        for name, data in parts.items():
            dst.writestr(name, data)
    return out.getvalue()


def build_xlam(out_dir: Path | str, config: AddinConfig = AddinConfig()) -> Path:
    """Write aftersales.xlam into `out_dir` (atomically) and return its path."""
    return atomic_write_bytes(Path(out_dir) / ADDIN_NAME, build_xlam_bytes(config))
