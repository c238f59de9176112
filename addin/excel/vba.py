"""The VBA project of the add-in (vbaProject.bin), written per MS-OVBA from module source text.

Owns: the MS-OVBA compression (2.4.1) and its inverse, the `dir` stream (2.3.4.2), the
PROJECT and PROJECTwm streams (2.3.1, 2.3.3), module streams holding only compressed source
(no compiled p-code: `_VBA_PROJECT` carries version 0xFFFF, so Office compiles the source on
load, as it does for xlwings' own template), all placed in a compound file by addin.excel.cfb.

    modules = [Module.from_export("Main.bas", text), Module.document("ThisWorkbook", WORKBOOK)]
    data = vba_project_bin("aftersales", modules)
"""
from __future__ import annotations

import hashlib
import re
import struct
import uuid
from dataclasses import dataclass

from addin.excel.cfb import write_cfb

PROCEDURAL, CLASS, DOCUMENT = "module", "class", "document"
WORKBOOK = "0{00020819-0000-0000-C000-000000000046}"  # VB_Base of ThisWorkbook
WORKSHEET = "0{00020820-0000-0000-C000-000000000046}"  # VB_Base of a sheet
_CLASS_BASE = "0{FCFB3D2A-A0FA-1068-A738-08002B3371B5}"
CODEPAGE = 1252  # the module text must be ASCII: Chinese labels live in the ribbon XML
# Microsoft Office Object Library (IRibbonControl), as xlwings' add-in template references it.
OFFICE_LIBID = (r"*\G{2DF8D04C-5BFA-101B-BDE5-00AA0044DE52}#2.0#0#C:\Program Files (x86)"
                r"\Common Files\Microsoft Shared\OFFICE16\MSO.DLL#Microsoft Office 16.0 Object Library")
REFERENCES = {"Office": OFFICE_LIBID}


# ---- compression (MS-OVBA 2.4.1) ---------------------------------------------------------
def _bit_count(done: int) -> int:
    """Offset bits of a copy token when `done` bytes of the chunk are decompressed."""
    return max((done - 1).bit_length(), 4)


def _longest_match(data: bytes, start: int, pos: int, end: int, seen: dict) -> tuple[int, int]:
    """(offset, length) of the longest earlier match in the chunk, or (0, 0)."""
    limit = min((0xFFFF >> _bit_count(pos - start)) + 3, end - pos)
    best_len, best_off = 0, 0
    for cand in reversed(seen.get(data[pos:pos + 3], ())[-64:]):
        n = 0
        while n < limit and data[cand + n] == data[pos + n]:
            n += 1
        if n > best_len:
            best_len, best_off = n, pos - cand
            if n == limit:
                break
    return (best_off, best_len) if best_len >= 3 else (0, 0)


def _compress_chunk(data: bytes, start: int, end: int) -> bytes:
    out, pos, seen = bytearray(), start, {}
    while pos < end:
        flags, tokens = 0, bytearray()
        for bit in range(8):
            if pos >= end:
                break
            offset, length = _longest_match(data, start, pos, end, seen)
            if length:
                bits = _bit_count(pos - start)
                tokens += struct.pack("<H", ((offset - 1) << (16 - bits)) | (length - 3))
                flags |= 1 << bit
            else:
                tokens.append(data[pos])
                length = 1
            for p in range(pos, pos + length):
                seen.setdefault(data[p:p + 3], []).append(p)
            pos += length
        out.append(flags)
        out += tokens
    if len(out) > 4096:  # incompressible: a raw chunk, padded to 4096 bytes (2.4.1.3.7)
        return struct.pack("<H", 0x3FFF) + data[start:end].ljust(4096, b"\0")
    return struct.pack("<H", 0xB000 | (len(out) + 2 - 3)) + bytes(out)


def compress(data: bytes) -> bytes:
    """MS-OVBA CompressedContainer of `data`."""
    out = bytearray(b"\x01")
    for start in range(0, len(data), 4096):
        out += _compress_chunk(data, start, min(start + 4096, len(data)))
    return bytes(out)


def decompress(buf: bytes) -> bytes:
    """Inverse of compress, for any conforming CompressedContainer."""
    if not buf or buf[0] != 1:
        raise ValueError("not an MS-OVBA compressed container")
    out, pos = bytearray(), 1
    while pos < len(buf):
        header = struct.unpack_from("<H", buf, pos)[0]
        end, pos, chunk = min(pos + (header & 0x0FFF) + 3, len(buf)), pos + 2, len(out)
        if not header & 0x8000:
            out += buf[pos:pos + 4096]
            pos += 4096
            continue
        while pos < end:
            flags, pos = buf[pos], pos + 1
            for bit in range(8):
                if pos >= end:
                    break
                if not flags >> bit & 1:
                    out.append(buf[pos])
                    pos += 1
                    continue
                token, pos = struct.unpack_from("<H", buf, pos)[0], pos + 2
                bits = _bit_count(len(out) - chunk)
                length, src = (token & (0xFFFF >> bits)) + 3, len(out) - (token >> (16 - bits)) - 1
                for i in range(length):
                    out.append(out[src + i])
    return bytes(out)


# ---- modules -----------------------------------------------------------------------------
@dataclass(frozen=True)
class Module:
    """One VBA module: its name, kind and the source text as stored (Attribute lines first)."""

    name: str
    kind: str
    code: str

    @classmethod
    def from_export(cls, filename: str, text: str) -> "Module":
        """A module from the text the VBA editor exports (.bas or .cls)."""
        text = text.replace("\r\n", "\n")
        match = re.search(r'^Attribute VB_Name = "([^"]+)"', text, re.M)
        if not match:
            raise ValueError(f"{filename}: no Attribute VB_Name line")
        if not filename.lower().endswith(".cls"):
            return cls(match.group(1), PROCEDURAL, _crlf(text))
        body = re.sub(r"\AVERSION 1\.0 CLASS\nBEGIN\n.*?\nEND\n", "", text, flags=re.S)
        lines = body.split("\n")
        attrs = [ln for ln in lines if ln.startswith("Attribute VB_")]
        rest = lines[len(attrs):]
        stored = [attrs[0], f'Attribute VB_Base = "{_CLASS_BASE}"'] + [
            a for a in attrs[1:] if not a.startswith("Attribute VB_Description")]
        stored += ["Attribute VB_TemplateDerived = False", "Attribute VB_Customizable = False"]
        stored += [a for a in attrs if a.startswith("Attribute VB_Description")]
        return cls(match.group(1), CLASS, _crlf("\n".join(stored + rest)))

    @classmethod
    def document(cls, name: str, base: str, code: str = "") -> "Module":
        """The code module behind the workbook (base WORKBOOK) or a sheet (WORKSHEET)."""
        head = [f'Attribute VB_Name = "{name}"', f'Attribute VB_Base = "{base}"',
                "Attribute VB_GlobalNameSpace = False", "Attribute VB_Creatable = False",
                "Attribute VB_PredeclaredId = True", "Attribute VB_Exposed = True",
                "Attribute VB_TemplateDerived = False", "Attribute VB_Customizable = True"]
        return cls(name, DOCUMENT, _crlf("\n".join(head) + "\n" + code))

    def source_bytes(self) -> bytes:
        return self.code.encode("cp1252")


def _crlf(text: str) -> str:
    text = text.replace("\r\n", "\n")
    return (text if text.endswith("\n") else text + "\n").replace("\n", "\r\n")


# ---- streams -----------------------------------------------------------------------------
def _rec(rid: int, data: bytes = b"") -> bytes:
    return struct.pack("<HI", rid, len(data)) + data


def _text(rid: int, uni_id: int, value: str) -> bytes:
    return _rec(rid, value.encode("cp1252")) + _rec(uni_id, value.encode("utf-16-le"))


def _u32(n: int) -> bytes:
    return struct.pack("<I", n)


def dir_stream(project: str, modules: list[Module]) -> bytes:
    """The decompressed `dir` stream: project information, references, modules (2.3.4.2)."""
    out = bytearray(_rec(0x01, _u32(1)) + _rec(0x02, _u32(0x409)) + _rec(0x14, _u32(0x409)))
    out += _rec(0x03, struct.pack("<H", CODEPAGE)) + _rec(0x04, project.encode("cp1252"))
    out += _text(0x05, 0x40, "") + _text(0x06, 0x3D, "")
    out += _rec(0x07, _u32(0)) + _rec(0x08, _u32(0))
    out += struct.pack("<HIIH", 0x09, 4, 1, 0) + _text(0x0C, 0x3C, "")
    for name, libid in REFERENCES.items():
        lib = libid.encode("cp1252")
        out += _text(0x16, 0x3E, name)
        out += _rec(0x0D, _u32(len(lib)) + lib + _u32(0) + b"\0\0")
    out += _rec(0x0F, struct.pack("<H", len(modules))) + _rec(0x13, struct.pack("<H", 0xFFFF))
    for m in modules:
        out += _text(0x19, 0x47, m.name) + _text(0x1A, 0x32, m.name) + _text(0x1C, 0x48, "")
        out += _rec(0x31, _u32(0)) + _rec(0x1E, _u32(0)) + _rec(0x2C, struct.pack("<H", 0xFFFF))
        out += _rec(0x21 if m.kind == PROCEDURAL else 0x22) + _rec(0x2B)
    return bytes(out + _rec(0x10))


def encrypt(project_id: str, data: bytes, seed: int, ignored: bytes | None = None) -> str:
    """MS-OVBA 2.4.3.2 data encryption (the CMG/DPB/GC values of the PROJECT stream).
    `ignored` are the (seed & 6) / 2 filler bytes; derived from the seed when not given."""
    key = sum(project_id.encode("ascii")) & 0xFF
    out = [seed, seed ^ 2, seed ^ key]
    unenc1, enc1, enc2 = key, seed ^ key, seed ^ 2
    if ignored is None:
        ignored = bytes((seed * 7 + i) & 0xFF for i in range((seed & 6) // 2))
    for byte in ignored + struct.pack("<I", len(data)) + data:
        enc = byte ^ ((enc2 + unenc1) & 0xFF)
        out.append(enc)
        enc2, enc1, unenc1 = enc1, enc, byte
    return bytes(out).hex().upper()


def project_stream(project: str, modules: list[Module], project_id: str) -> bytes:
    """The PROJECT stream: module list, name, unprotected and visible (2.3.1)."""
    seed = hashlib.sha256(project_id.encode()).digest()
    lines = [f'ID="{project_id}"']
    for m in modules:
        lines.append({DOCUMENT: f"Document={m.name}/&H00000000", CLASS: f"Class={m.name}",
                      PROCEDURAL: f"Module={m.name}"}[m.kind])
    lines += [f'Name="{project}"', 'HelpContextID="0"', 'VersionCompatible32="393222000"',
              f'CMG="{encrypt(project_id, bytes(4), seed[0])}"',
              f'DPB="{encrypt(project_id, bytes(1), seed[1])}"',
              f'GC="{encrypt(project_id, bytes([0xFF]), seed[2])}"', "",
              "[Host Extender Info]",
              "&H00000001={3832D640-CF90-11CF-8E43-00A0C911005A};VBE;&H00000000", "",
              "[Workspace]"] + [f"{m.name}=0, 0, 0, 0, C" for m in modules]
    return ("\r\n".join(lines) + "\r\n").encode("cp1252")


def project_wm(modules: list[Module]) -> bytes:
    """PROJECTwm: each module name in the code page and in UTF-16 (2.3.3)."""
    return b"".join(m.name.encode("cp1252") + b"\0" + m.name.encode("utf-16-le") + b"\0\0"
                    for m in modules) + b"\0\0"


def vba_project_bin(project: str, modules: list[Module]) -> bytes:
    """The bytes of vbaProject.bin for `modules` (names unique, source ASCII)."""
    names = [m.name.lower() for m in modules]
    if len(set(names)) != len(names):
        raise ValueError("duplicate VBA module names")
    project_id = "{" + str(uuid.uuid5(uuid.NAMESPACE_URL, "aftersales/" + project)).upper() + "}"
    streams = {
        "PROJECT": project_stream(project, modules, project_id),
        "PROJECTwm": project_wm(modules),
        "VBA/_VBA_PROJECT": b"\xCC\x61\xFF\xFF\x00\x00\x00",
        "VBA/dir": compress(dir_stream(project, modules)),
    }
    for m in modules:
        streams["VBA/" + m.name] = compress(m.source_bytes())
    return write_cfb(streams)
