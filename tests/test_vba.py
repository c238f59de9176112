"""The VBA project writer (addin.excel.vba, addin.excel.cfb), checked against independent readers:
oletools' decompressor and VBA parser, olefile for the compound file, and the MS-OVBA
specification's own examples."""
from __future__ import annotations

import io
import random
import struct

import olefile
import pytest
from oletools.olevba import VBA_Parser, decompress_stream

from addin.excel.cfb import write_cfb
from addin.excel.vba import (CLASS, DOCUMENT, PROCEDURAL, WORKBOOK, Module, compress, decompress,
                       dir_stream, encrypt, vba_project_bin)
from addin.excel.xlam import xlwings_dir


def _samples():
    rng = random.Random(6)
    text = (xlwings_dir() / "xlwings_custom_addin.bas").read_bytes()
    return {
        "empty": b"",
        "one": b"a",
        "spec": b"#aaabcdefaaaaghijaaaaaklaaamnopqaaaaaaaaaaaarstuvwxyzaaa",
        "runs": b"a" * 10000 + b"b" * 5000,
        "chunk-exact": bytes(rng.randrange(256) for _ in range(8192)),
        "xlwings-module": text,
        "chinese": "售后服务 校验 计算费用\r\n".encode("gbk") * 300,
    }


@pytest.mark.parametrize("name", list(_samples()))
def test_compress__round_trips_through_oletools(name):
    data = _samples()[name]
    packed = compress(data)
    assert decompress(packed) == data
    assert bytes(decompress_stream(bytearray(packed))) == data  # independent decompressor


def test_compress__matches_the_specification_examples():
    # MS-OVBA 3.2.1: nothing to match, so one exact encoding (literals, flag bytes 0x00)
    assert compress(b"abcdefghijklmnopqrstuv.") == bytes.fromhex(
        "0119B000" "6162636465666768" "00" "696A6B6C6D6E6F70" "00" "7172737475762E")
    # MS-OVBA 3.2.2: the specification's compressed bytes decode to its text
    spec = bytes.fromhex("012FB000236161616263646582660070616768696A013808616B6C00306D6E6F70"
                         "0671027004107273747576107778797A003C")
    assert decompress(spec) == b"#aaabcdefaaaaghijaaaaaklaaamnopqaaaaaaaaaaaarstuvwxyzaaa"


def test_compress__shrinks_text_and_bounds_random_data():
    text = (xlwings_dir() / "xlwings_custom_addin.bas").read_bytes()
    assert len(compress(text)) < len(text) // 2
    noise = _samples()["chunk-exact"]
    assert len(compress(noise)) == 1 + 2 * (2 + 4096)  # two raw chunks


def test_cfb__olefile_reads_every_stream_back():
    rng = random.Random(1)
    streams = {f"S{i:02d}/n{i}": bytes(rng.randrange(256) for _ in range(rng.choice([1, 63, 64, 700, 4095, 4096, 9000])))
               for i in range(40)}
    streams["PROJECT"] = b"x" * 5000
    data = write_cfb(streams)
    assert len(data) % 512 == 0
    ole = olefile.OleFileIO(io.BytesIO(data))
    assert sorted("/".join(e) for e in ole.listdir()) == sorted(streams)
    for path, content in streams.items():
        assert ole.openstream(path).read() == content


def _check_red_black(ole, sid, parent_red=False):
    """Black height of the sibling tree rooted at sid; asserts the red-black rules."""
    if sid == olefile.NOSTREAM:
        return 1
    entry = ole.direntries[sid]
    red = entry.color == 0
    assert not (red and parent_red), "red node with red parent"
    left, right = _check_red_black(ole, entry.sid_left, red), _check_red_black(ole, entry.sid_right, red)
    assert left == right, "unequal black heights"
    return left + (0 if red else 1)


@pytest.mark.parametrize("count", [1, 2, 3, 4, 5, 7, 8, 12, 31])
def test_cfb__siblings_form_a_sorted_red_black_tree(count):
    names = [f"m{'x' * (i % 5)}{i}" for i in range(count)]
    ole = olefile.OleFileIO(io.BytesIO(write_cfb({f"VBA/{n}": b"1" for n in names})))
    storage = ole.direntries[ole.root.sid_child]
    assert ole.direntries[storage.sid_child].color == 1  # root of the tree is black
    _check_red_black(ole, storage.sid_child)
    in_order = []

    def walk(sid):
        if sid != olefile.NOSTREAM:
            walk(ole.direntries[sid].sid_left)
            in_order.append(ole.direntries[sid].name)
            walk(ole.direntries[sid].sid_right)
    walk(storage.sid_child)
    assert in_order == sorted(names, key=lambda n: (len(n), n.upper()))


def test_encrypt__reproduces_excels_own_project_stream():
    # The PROJECT stream of xlwings' template, written by Excel: same seed and filler bytes
    # must give the same CMG/DPB/GC text (unprotected project, no password, visible).
    ole = olefile.OleFileIO(_template_vba())
    lines = dict(line.split("=", 1) for line in ole.openstream("PROJECT").read().decode("cp1252").splitlines()
                 if "=" in line and not line.startswith("&"))
    pid = lines["ID"].strip('"')
    for key, data in (("CMG", bytes(4)), ("DPB", bytes(1)), ("GC", b"\xff")):
        value = bytes.fromhex(lines[key].strip('"'))
        assert encrypt(pid, data, value[0], _filler(pid, value)) == value.hex().upper()


def _filler(pid: str, value: bytes) -> bytes:
    seed, key = value[0], value[0] ^ value[2]
    unenc, enc1, enc2, out = sum(pid.encode()) & 0xFF, value[2], value[1], []
    assert unenc == key
    for byte in value[3:3 + (seed & 6) // 2]:
        plain = byte ^ ((enc2 + unenc) & 0xFF)
        enc2, enc1, unenc = enc1, byte, plain
        out.append(plain)
    return bytes(out)


def _template_vba():
    import zipfile
    with zipfile.ZipFile(xlwings_dir() / "quickstart_addin_ribbon.xlam") as z:
        return io.BytesIO(z.read("xl/vbaProject.bin"))


def test_module__class_export_is_stored_without_its_version_header():
    text = (xlwings_dir() / "addin" / "Dictionary.cls").read_text("cp1252")
    m = Module.from_export("Dictionary.cls", text)
    assert m.kind == CLASS and m.name == "Dictionary"
    assert m.code.startswith('Attribute VB_Name = "Dictionary"\r\nAttribute VB_Base = "0{FCFB3D2A')
    assert "VERSION 1.0 CLASS" not in m.code and "MultiUse" not in m.code
    assert "Public Property Get CompareMode() As CompareMethod" in m.code


def test_module__export_without_name_is_refused():
    with pytest.raises(ValueError, match="VB_Name"):
        Module.from_export("x.bas", "Sub A()\nEnd Sub\n")


def test_dir_stream__records_name_every_module_and_its_type():
    mods = [Module.document("ThisWorkbook", WORKBOOK), Module("Main", PROCEDURAL, 'Attribute VB_Name = "Main"\r\n')]
    data, pos, seen = dir_stream("proj", mods), 0, []
    while pos < len(data):
        rid, size = struct.unpack_from("<HI", data, pos)
        size = 6 if rid == 0x09 else size
        seen.append((rid, data[pos + 6:pos + 6 + size]))
        pos += 6 + size
    assert seen[-1] == (0x10, b"")
    names = [d for rid, d in seen if rid == 0x19]
    types = [rid for rid, _ in seen if rid in (0x21, 0x22)]
    assert names == [b"ThisWorkbook", b"Main"] and types == [0x22, 0x21]
    assert (0x0F, struct.pack("<H", 2)) in seen


def test_vba_project_bin__olevba_extracts_each_module_exactly():
    mods = [Module.document("ThisWorkbook", WORKBOOK),
            Module.from_export("Main.bas", 'Attribute VB_Name = "Main"\nSub Hello()\n    MsgBox "hi"\nEnd Sub\n'),
            Module.from_export("Big.bas", 'Attribute VB_Name = "Big"\n' + "' filler line\n" * 900)]
    parser = VBA_Parser("vbaProject.bin", data=vba_project_bin("proj", mods))
    got = {name.rsplit(".", 1)[0]: code for _, _, name, code in parser.extract_macros()}
    assert got == {m.name: m.code for m in mods}
    assert {m.kind for m in mods} == {DOCUMENT, PROCEDURAL}


def test_vba_project_bin__refuses_duplicate_module_names():
    m = Module("A", PROCEDURAL, 'Attribute VB_Name = "A"\r\n')
    with pytest.raises(ValueError, match="duplicate"):
        vba_project_bin("p", [m, m])
