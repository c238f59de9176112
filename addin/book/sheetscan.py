"""Placing a sheet read as text on the sheet's own grid, and its merged areas.

fastexcel skips leading empty rows and columns, so its table is placed by matching the
header texts against the first rows read exactly (`_origin`); `rows_frame` builds the same
text table from Python values (a live Excel book); merged areas are found by
streaming the sheet XML (`merged_ranges`) and filled with their top-left value.
"""
from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pandas as pd


def _origin(head: list[list], arrow) -> tuple[int, int] | None:
    """Where fastexcel's range starts (it skips leading empty rows and columns): the first
    non-empty row of the head, and the column shift that makes the header texts agree."""
    from addin.book.values import cell_text

    filled = [r for r, row in enumerate(head) if any(v != "" for v in row)]
    if not filled or not arrow.num_columns:
        return (1, 1) if not arrow.num_columns else None
    row0 = filled[0] + 1
    top = arrow.slice(0, len(head)).to_pylist()
    for r in filled[:3]:
        want = {c + 1: cell_text(v) for c, v in enumerate(head[r]) if cell_text(v) is not None}
        line = list(top[r + 1 - row0].values()) if r + 1 - row0 < len(top) else []
        got = {i: v for i, v in enumerate(line) if v is not None}
        if want and got:
            col0 = min(want) - min(got)
            if col0 >= 1 and {i + col0: v for i, v in got.items()} == want:
                return row0, col0
            return None
    return None


def rows_frame(rows: list[list]) -> pd.DataFrame:
    """Python cell values (from A1) → the same text frame fastexcel gives."""
    from addin.book.values import cell_text

    width = max((len(r) for r in rows), default=0)
    data = {c + 1: [cell_text(r[c]) if c < len(r) else None for r in rows] for c in range(width)}
    frame = pd.DataFrame(data, dtype=object)
    frame.index = pd.RangeIndex(1, len(rows) + 1)
    return frame


def fill_merged(frame: pd.DataFrame, ranges) -> pd.DataFrame:
    """Fill merged areas ((row0, col0), (row1, col1), 1-based inclusive) with their top-left value."""
    for (r0, c0), (r1, c1) in ranges:
        if c0 not in frame.columns or r0 not in frame.index:
            continue
        value = frame.at[r0, c0]
        for c in range(c0, c1 + 1):
            if c in frame.columns:
                block = frame.loc[r0:r1, c]
                frame.loc[r0:r1, c] = block.where(block.notna(), value)
    return frame


_MERGE = re.compile(rb'<(?:\w+:)?mergeCell\s+ref="([A-Z]+)(\d+):([A-Z]+)(\d+)"')


def merged_ranges(path: Path, name: str) -> list:
    """Merged areas of a sheet, found by streaming its XML: the <mergeCell> elements come
    after the cell data, so only the text near and after </sheetData> is searched."""
    from addin.book.issues import col_number

    part = sheet_part(path, name)
    if part is None:
        return []
    found, tail = [], b""
    with zipfile.ZipFile(path) as zf, zf.open(part) as fh:
        while chunk := fh.read(1 << 23):
            buf = tail + chunk
            if buf.find(b"mergeCell") >= 0:
                found += [((int(r0), col_number(c0.decode())), (int(r1), col_number(c1.decode())))
                          for c0, r0, c1, r1 in _MERGE.findall(buf)]
                tail = buf[buf.rfind(b"<"):] if buf.rfind(b"<") > len(buf) - 200 else b""
            else:
                tail = buf[-64:]
    return sorted(set(found))


def sheet_part(path: Path, name: str) -> str | None:
    """The zip part holding a sheet, from workbook.xml and its relationships."""
    import html
    import posixpath

    with zipfile.ZipFile(path) as zf:
        book = zf.read("xl/workbook.xml").decode("utf-8", "replace")
        rels = zf.read("xl/_rels/workbook.xml.rels").decode("utf-8", "replace")
    rid = None
    for tag in re.findall(r"<(?:\w+:)?sheet\b[^>]*>", book):
        n = re.search(r'\bname="([^"]*)"', tag)
        r = re.search(r'\br:id="([^"]*)"', tag) or re.search(r'\b\w+:id="([^"]*)"', tag)
        if n and r and html.unescape(n.group(1)) == name:
            rid = r.group(1)
    for tag in re.findall(r"<(?:\w+:)?Relationship\b[^>]*>", rels):
        if rid and re.search(rf'\bId="{re.escape(rid)}"', tag):
            target = re.search(r'\bTarget="([^"]*)"', tag).group(1)
            return target.lstrip("/") if target.startswith("/") else posixpath.normpath("xl/" + target)
    return None
