"""The .xlam built in a temp folder and inspected with independent readers: zipfile, an XML
parser, olefile and oletools' olevba; plus the install decision of cmd_addin."""
from __future__ import annotations

import inspect
import re
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import olefile
import pytest
from click.testing import CliRunner
from oletools.olevba import VBA_Parser

from addin.cli import addin as cmd_addin
from addin.cli import main
from addin.excel.xlam import (ADDIN_NAME, CONFIG_SHEET, PROJECT, RIBBON_PART, RIBBON_REL, AddinConfig,
                        build_xlam, vba_modules)

CUI = "{http://schemas.microsoft.com/office/2009/07/customui}"
MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
RELS = "{http://schemas.openxmlformats.org/package/2006/relationships}"


@pytest.fixture(scope="module")
def xlam(tmp_path_factory) -> Path:
    config = AddinConfig(interpreter_win=r"C:\Users\张三\py\python.exe", pythonpath=r"D:\售后")
    return build_xlam(tmp_path_factory.mktemp("addin"), config)


@pytest.fixture(scope="module")
def modules(xlam) -> dict[str, str]:
    parser = VBA_Parser(str(xlam))
    return {name.rsplit(".", 1)[0]: code for _, _, name, code in parser.extract_macros()}


def _buttons(xlam):
    with zipfile.ZipFile(xlam) as z:
        return list(ET.fromstring(z.read(RIBBON_PART)).iter(CUI + "button"))


def test_build__writes_a_sound_zip_with_content_types_first(xlam):
    assert xlam.name == ADDIN_NAME
    with zipfile.ZipFile(xlam) as z:
        assert z.testzip() is None
        names = z.namelist()
        assert names[0] == "[Content_Types].xml"
        assert "customUI/customUI.xml" not in names  # the template's sample ribbon is gone
        types = z.read("[Content_Types].xml").decode()
    assert "application/vnd.ms-excel.addin.macroEnabled.main+xml" in types
    assert 'PartName="/xl/vbaProject.bin" ContentType="application/vnd.ms-office.vbaProject"' in types


def test_build__ribbon_is_well_formed_and_related_from_the_package(xlam):
    with zipfile.ZipFile(xlam) as z:
        rels = ET.fromstring(z.read("_rels/.rels"))
        ribbon = ET.fromstring(z.read(RIBBON_PART))
        targets = [r.get("Target") for r in rels.iter(RELS + "Relationship") if r.get("Type") == RIBBON_REL]
        ids = [r.get("Id") for r in rels.iter(RELS + "Relationship")]
    assert targets == [RIBBON_PART]
    assert len(ids) == len(set(ids))
    assert ribbon.tag == CUI + "customUI"
    tab = ribbon.find(f"{CUI}ribbon/{CUI}tabs/{CUI}tab")
    assert tab.get("label") == "售后服务"


def test_build__olevba_extracts_every_module_exactly(modules):
    expected = {m.name: m.code for m in vba_modules()}
    assert set(modules) == {"ThisWorkbook", "Sheet2", "Dictionary", "xlwings", "AftersalesRibbon"}
    assert modules == expected


def test_build__vba_project_streams_are_readable_by_olefile(xlam):
    with zipfile.ZipFile(xlam) as z:
        ole = olefile.OleFileIO(z.read("xl/vbaProject.bin"))
    project = ole.openstream("PROJECT").read().decode("cp1252")
    assert f'Name="{PROJECT}"' in project
    assert "Module=AftersalesRibbon" in project and "Class=Dictionary" in project
    assert ole.openstream("VBA/_VBA_PROJECT").read()[:4] == b"\xCC\x61\xFF\xFF"


def test_build__every_onaction_names_an_existing_sub(xlam, modules):
    for button in _buttons(xlam):
        module, sub = button.get("onAction").split(".")
        code = modules[module]
        assert re.search(rf"^Sub {sub}\(control As IRibbonControl\)", code, re.M), button.get("id")


def test_build__every_tagged_button_names_a_handler_in_addin_excel(xlam):
    import addin.excel.ribbon as excel
    for button in _buttons(xlam):
        assert re.search(r"[\u4e00-\u9fff]", button.get("label")), button.get("id")
        assert button.get("imageMso"), button.get("id")
        if button.get("onAction") == "AftersalesRibbon.RunButton":
            handler = getattr(excel, button.get("tag") or "", None)
            assert callable(handler), button.get("tag")
            params = list(inspect.signature(handler).parameters.values())
            assert params[0].name == "book" and all(p.default is not p.empty for p in params)
    tags = {b.get("tag") for b in _buttons(xlam)}
    assert {"check", "fees", "report", "send", "import_replies", "print_forms", "today"} <= tags


def test_build__runbutton_runs_the_tagged_handler_through_runpython(modules):
    code = modules["AftersalesRibbon"]
    assert 'RunPython "import addin.excel.ribbon; addin.excel.ribbon." & control.Tag & "()"' in code
    assert re.search(r"^Public Function RunPython\(", modules["xlwings"], re.M)


def test_build__config_sheet_is_the_one_xlwings_reads(xlam, modules):
    name = re.search(r'PROJECT_NAME As String = "([^"]+)"', modules["xlwings"]).group(1)
    assert f"{name}.conf" == CONFIG_SHEET
    with zipfile.ZipFile(xlam) as z:
        workbook = z.read("xl/workbook.xml").decode()
        sheet = ET.fromstring(z.read("xl/worksheets/sheet1.xml"))
    assert f'<sheet name="{CONFIG_SHEET}"' in workbook
    assert sheet.find(f"{MAIN}sheetPr").get("codeName") == "Sheet2"  # matches the VBA document module
    rows = {}
    for row in sheet.iter(MAIN + "row"):
        cells = ["".join(c.itertext()) for c in row.iter(MAIN + "c")]
        rows[cells[0]] = cells[1] if len(cells) > 1 else ""
    assert rows["UDF Modules"] == "addin.excel.udfs"
    assert rows["Interpreter_Win"] == r"C:\Users\张三\py\python.exe"
    assert rows["PYTHONPATH"] == r"D:\售后"
    assert list(rows)[:4] == ["Interpreter_Win", "Interpreter_Mac", "PYTHONPATH", "UDF Modules"]


def test_cli_build__writes_the_addin_where_asked(tmp_path):
    result = CliRunner().invoke(main, ["addin", "build", "--out", str(tmp_path / "出口")])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "出口" / ADDIN_NAME).stat().st_size > 10_000
    assert "已生成加载项" in result.output


def test_install_plan__windows_goes_to_xlstart_with_this_python(tmp_path):
    plan = cmd_addin.install_plan("win32", {"APPDATA": str(tmp_path)}, r"C:\Py\python.exe")
    assert plan.folder == tmp_path / "Microsoft" / "Excel" / "XLSTART"
    assert plan.config.interpreter_win == r"C:\Py\python.exe"
    assert plan.config.udf_modules == "addin.excel.udfs"
    written = cmd_addin.install(plan)
    assert written == plan.folder / ADDIN_NAME and zipfile.is_zipfile(written)


def test_install_plan__other_systems_get_advice_and_no_folder():
    plan = cmd_addin.install_plan("linux", {}, "/usr/bin/python3")
    assert plan.folder is None
    assert "aftersales addin build" in plan.advice and "WPS" in plan.advice


def test_install_plan__windows_without_appdata_is_a_clear_error():
    with pytest.raises(cmd_addin.WorkbookError) as err:
        cmd_addin.install_plan("win32", {}, "python.exe")
    assert err.value.code == "appdata-missing"
