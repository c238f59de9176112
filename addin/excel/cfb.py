"""A small writer of Compound File Binary files (MS-CFB version 3), the container of vbaProject.bin.

Only what the add-in needs: a whole file written in one go from a mapping of stream paths
("VBA/dir") to bytes. Storages are implied by the paths. Streams under 4096 bytes live in
the mini stream, larger ones in regular 512-byte sectors; sibling entries form a red-black
tree as the format requires. No reading and no in-place editing: olefile reads these files
(and the tests use it as the independent reader). PyPI has no well-kept CFB writer (olefile
only rewrites streams of unchanged size), hence this module.
"""
from __future__ import annotations

import struct

SECTOR = 512
MINI = 64
CUTOFF = 4096
FREESECT, ENDOFCHAIN, FATSECT, NOSTREAM = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF
_STORAGE, _STREAM, _ROOT = 1, 2, 5
_RED, _BLACK = 0, 1


class _Entry:
    def __init__(self, name: str, kind: int, data: bytes = b""):
        if len(name) > 31:
            raise ValueError(f"CFB entry name longer than 31 characters: {name}")
        self.name, self.kind, self.data = name, kind, data
        self.children: dict[str, _Entry] = {}
        self.left = self.right = self.child = NOSTREAM
        self.color = _BLACK
        self.start, self.size, self.sid = ENDOFCHAIN, 0, 0


def _sort_key(entry: _Entry):
    """MS-CFB 2.6.4: shorter names first, then by upper-cased name."""
    return (len(entry.name.encode("utf-16-le")), entry.name.upper())


def _tree(entries: list[_Entry], depth: int = 1, deepest: int | None = None) -> int:
    """Link sorted siblings into a balanced tree; nodes on the incomplete last level are red,
    all others black, which makes a valid red-black tree. Returns the root's id."""
    if not entries:
        return NOSTREAM
    if deepest is None:
        deepest = len(entries).bit_length()  # levels of the balanced tree
        if len(entries) == (1 << deepest) - 1:
            deepest += 1  # perfect tree: no red level
    mid = len(entries) // 2
    node = entries[mid]
    node.color = _RED if depth == deepest else _BLACK
    node.left = _tree(entries[:mid], depth + 1, deepest)
    node.right = _tree(entries[mid + 1:], depth + 1, deepest)
    return node.sid


def _chain(fat: list[int], first: int, count: int) -> None:
    for i in range(first, first + count - 1):
        fat[i] = i + 1
    if count:
        fat[first + count - 1] = ENDOFCHAIN


def _sectors(n_bytes: int, size: int) -> int:
    return -(-n_bytes // size)


def _dir_entry(e: _Entry) -> bytes:
    name = (e.name.encode("utf-16-le") + b"\0\0") if e.kind else b""
    return struct.pack("<64sHBBIII16sIQQIQ", name, len(name), e.kind, e.color, e.left,
                       e.right, e.child, b"\0" * 16, 0, 0, 0, e.start, e.size)


def _collect(streams: dict[str, bytes]) -> list[_Entry]:
    root = _Entry("Root Entry", _ROOT)
    for path, data in streams.items():
        parts = path.strip("/").split("/")
        node = root
        for part in parts[:-1]:
            node = node.children.setdefault(part, _Entry(part, _STORAGE))
        node.children[parts[-1]] = _Entry(parts[-1], _STREAM, bytes(data))
    order, todo = [], [root]
    while todo:
        node = todo.pop(0)
        node.sid = len(order)
        order.append(node)
        todo.extend(node.children.values())
    for node in order:
        node.child = _tree(sorted(node.children.values(), key=_sort_key))
    return order


def write_cfb(streams: dict[str, bytes]) -> bytes:
    """The bytes of a compound file holding `streams` ({"VBA/dir": b"...", "PROJECT": ...})."""
    entries = _collect(streams)
    small = [e for e in entries if e.kind == _STREAM and len(e.data) < CUTOFF]
    large = [e for e in entries if e.kind == _STREAM and len(e.data) >= CUTOFF]
    mini = bytearray()
    minifat: list[int] = []
    for e in small:
        e.start, e.size = (len(minifat) if e.data else ENDOFCHAIN), len(e.data)
        n = _sectors(len(e.data), MINI)
        minifat.extend([0] * n)
        _chain(minifat, len(minifat) - n, n)
        mini += e.data + b"\0" * (n * MINI - len(e.data))
    n_dir = _sectors(len(entries), SECTOR // 128)
    n_minifat = _sectors(len(minifat) * 4, SECTOR)
    n_mini = _sectors(len(mini), SECTOR)
    n_large = sum(_sectors(len(e.data), SECTOR) for e in large)
    body = n_dir + n_minifat + n_mini + n_large
    n_fat = 1
    while n_fat * (SECTOR // 4) < n_fat + body:
        n_fat += 1
    if n_fat > 109:
        raise ValueError("vbaProject too large for this writer (more than 109 FAT sectors)")
    fat = [FREESECT] * (n_fat * SECTOR // 4)
    fat[:n_fat] = [FATSECT] * n_fat
    pos = n_fat
    first_dir = pos
    _chain(fat, pos, n_dir)
    pos += n_dir
    first_minifat = pos if n_minifat else ENDOFCHAIN
    _chain(fat, pos, n_minifat)
    pos += n_minifat
    root = entries[0]
    root.start, root.size = (pos if n_mini else ENDOFCHAIN), len(mini)
    _chain(fat, pos, n_mini)
    pos += n_mini
    for e in large:
        n = _sectors(len(e.data), SECTOR)
        e.start, e.size = pos, len(e.data)
        _chain(fat, pos, n)
        pos += n
    header = struct.pack("<8s16sHHHHH6sIIIIIIIII", b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1",
                         b"\0" * 16, 0x3E, 3, 0xFFFE, 9, 6, b"\0" * 6, 0, n_fat, first_dir,
                         0, CUTOFF, first_minifat, n_minifat, ENDOFCHAIN, 0)
    difat = list(range(n_fat)) + [FREESECT] * (109 - n_fat)
    out = bytearray(header + struct.pack("<109I", *difat))
    out += struct.pack(f"<{len(fat)}I", *fat)
    empty = _Entry("", 0)
    dirs = b"".join(_dir_entry(e) for e in entries)
    dirs += _dir_entry(empty) * (n_dir * 4 - len(entries))
    out += dirs
    table = struct.pack(f"<{len(minifat)}I", *minifat)
    out += table + struct.pack("<I", FREESECT) * ((n_minifat * SECTOR - len(table)) // 4)
    out += mini + b"\0" * (n_mini * SECTOR - len(mini))
    for e in large:
        out += e.data + b"\0" * (_sectors(len(e.data), SECTOR) * SECTOR - len(e.data))
    return bytes(out)
