"""Bad files: each gives one clear Chinese message, a stable code and exit 2, and is never changed."""
from __future__ import annotations

import hashlib
import zipfile

import pytest
from click.testing import CliRunner

from addin.cli import main
from addin.book.issues import WorkbookError
from addin.book.workbook import MAX_ROWS
from addin.rules.loader import load_workbook

from .bigsheet import big_xlsx
from .conftest import good_order, write_orders


def _entity_bomb(path):
    write_orders(path, [good_order(1)])
    with zipfile.ZipFile(path) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    bomb = (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>'
            b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>&lol2;</t></si></sst>')
    name = next(n for n in parts if "sharedStrings" in n or n.endswith("sheet1.xml"))
    parts[name] = bomb
    with zipfile.ZipFile(path, "w") as z:
        for n, data in parts.items():
            z.writestr(n, data)


def _zip_bomb(path):
    write_orders(path, [good_order(1)])
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as z:
        with z.open("xl/media/padding.bin", "w", force_zip64=True) as f:
            block = b"\0" * (1 << 20)
            for _ in range(60):
                f.write(block)


def _truncated(path):
    write_orders(path, [good_order(n) for n in range(1, 30)])
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


BAD = {
    "file-missing": lambda p: None,
    "is-directory": lambda p: p.mkdir(),
    "format-xls": lambda p: p.with_suffix(".xls").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600),
    "format-unsupported": lambda p: p.with_suffix(".csv").write_text("服务单编号,客户名称\nA1,张三\n", encoding="utf-8"),
    "format-unsupported-txt": lambda p: p.with_suffix(".txt").write_text("hello", encoding="utf-8"),
    "encrypted": lambda p: p.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 4000),
    "not-xlsx": lambda p: p.write_bytes(b"just some text pretending to be a workbook"),
    "corrupt": lambda p: p.write_bytes(b"PK\x03\x04" + b"\x13" * 500),
    "corrupt-truncated": _truncated,
    "zip-bomb": _zip_bomb,
    "xml-unsafe": _entity_bomb,
    # one row over the limit (300,000 rows of data + the header): refused at the edge, cheaply
    "too-many-rows": lambda p: big_xlsx(p, MAX_ROWS + 1, dimension=True),
    "too-many-rows-nodim": lambda p: big_xlsx(p, MAX_ROWS + 1, dimension=False),
    "no-order-sheet": lambda p: write_orders(p, [], headers=["甲", "乙", "丙"], sheet="Sheet1"),
    "empty-sheet": lambda p: write_orders(p, [], headers=[""]),
}


def _path_for(tmp_path, case):
    suffix = {"format-xls": ".xls", "format-unsupported": ".csv", "format-unsupported-txt": ".txt"}.get(case, ".xlsx")
    return (tmp_path / ("坏文件" + suffix))


@pytest.mark.parametrize("case", list(BAD))
def test_workbook__bad_file_gives_code_and_exit_2(tmp_path, case):
    path = _path_for(tmp_path, case)
    BAD[case](path.with_suffix(".xlsx") if path.suffix == ".xlsx" else path)
    before = hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else None
    code = case.split("-truncated")[0].split("-txt")[0].split("-nodim")[0]
    with pytest.raises(WorkbookError) as caught:
        load_workbook(path)
    assert caught.value.code == code
    result = CliRunner().invoke(main, ["check", str(path)])
    assert result.exit_code == 2, result.output
    assert f"[{code}]" in result.output and "Traceback" not in result.output
    assert any("\u4e00" <= ch <= "\u9fff" for ch in caught.value.message)
    if before:
        assert hashlib.sha256(path.read_bytes()).hexdigest() == before
