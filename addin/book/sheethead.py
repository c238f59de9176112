"""The first rows of a sheet, read from its XML without reading the rest of the sheet.

Finding the header needs only the first rows, but every full reader (calamine, fastexcel)
parses the whole sheet, and openpyxl's read-only mode parses it too when the sheet has no
`<dimension>` tag. `head_rows` streams the sheet part and stops after row n, then looks up
only the shared strings those rows use. Values: text as typed, numbers as int/float (a date
stays its serial number: the header search needs texts only, and sheetscan._origin falls
back to the full read when a head row does not match fastexcel's text), booleans, error
texts such as '#N/A'. The workbook has been vetted before (no DOCTYPE, no zip bomb).
"""
from __future__ import annotations

import re
import zipfile
from pathlib import Path
from xml.etree.ElementTree import XMLPullParser, iterparse

_REF = re.compile(r"([A-Z]+)(\d+)")
CHUNK = 1 << 16


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _text(elem) -> str:
    """The text of an <is> or <si> element: its <t> runs, without phonetic (<rPh>) runs."""
    parts, skip = [], set()
    for node in elem.iter():
        name = _local(node.tag)
        if name == "rPh":
            skip.update(id(t) for t in node.iter())
        elif name == "t" and id(node) not in skip:
            parts.append(node.text or "")
    return "".join(parts)


def _position(elem, row: int, col: int) -> tuple[int, int]:
    """A <c> element's row and column: its r="B3", or the next cell of the row without one."""
    from addin.book.issues import col_number

    found = _REF.match(elem.get("r") or "")
    return (int(found.group(2)), col_number(found.group(1))) if found else (row, col + 1)


def _cell(elem, row: int, col: int) -> tuple[int, int, str, object] | None:
    """(row, col, type, raw) of a <c> element with a value, else None."""
    kind = elem.get("t", "n")
    v = next((child for child in elem if _local(child.tag) == "v"), None)
    if kind == "inlineStr":
        inline = next((child for child in elem if _local(child.tag) == "is"), None)
        return None if inline is None else (row, col, "str", _text(inline))
    if v is None or v.text is None or v.text == "":
        return None
    return row, col, kind, v.text


def _first_cells(zf: zipfile.ZipFile, part: str, n: int) -> list[tuple]:
    """The valued cells of rows 1..n, streaming the part and stopping after row n."""
    parser = XMLPullParser(events=("start", "end"))
    cells, row, col = [], 0, 0
    with zf.open(part) as fh:
        while chunk := fh.read(CHUNK):
            parser.feed(chunk)
            for event, elem in parser.read_events():
                name = _local(elem.tag)
                if event == "start" and name == "row":
                    row = int(elem.get("r") or row + 1)
                    col = 0
                    if row > n:
                        return cells
                elif event == "end" and name == "c":
                    row, col = _position(elem, row, col)
                    found = _cell(elem, row, col)
                    if found:
                        cells.append(found)
                    elem.clear()
                elif event == "end" and name == "sheetData":
                    return cells
    return cells


def _shared_strings(zf: zipfile.ZipFile, wanted: set[int]) -> dict[int, str]:
    """The shared strings with these indexes, parsing the table only as far as needed."""
    if not wanted or "xl/sharedStrings.xml" not in zf.namelist():
        return {}
    out, last = {}, max(wanted)
    with zf.open("xl/sharedStrings.xml") as fh:
        index = 0
        for _, elem in iterparse(fh, events=("end",)):
            if _local(elem.tag) != "si":
                continue
            if index in wanted:
                out[index] = _text(elem)
            elem.clear()
            index += 1
            if index > last:
                break
    return out


def _value(kind: str, raw: str, strings: dict[int, str]):
    if kind == "s":
        return strings.get(int(raw), "")
    if kind == "b":
        return raw.strip() == "1"
    if kind in ("str", "e", "d"):
        return raw
    try:
        return float(raw) if any(ch in raw for ch in ".eE") else int(raw)
    except ValueError:
        return raw


def head_rows(path: Path, part: str, n: int) -> list[list]:
    """Rows 1..n of the sheet stored in zip part `part`, from column A ('' for empty cells),
    as n rows of equal width. KeyError when a shared string it needs is not where it looks."""
    with zipfile.ZipFile(path) as zf:
        cells = _first_cells(zf, part, n)
        wanted = {int(raw) for _, _, kind, raw in cells if kind == "s" and raw.strip().isdigit()}
        strings = _shared_strings(zf, wanted)
    if wanted - strings.keys():          # a shared-string table stored elsewhere: the caller reads it all
        raise KeyError("shared strings not found")
    width = max((col for _, col, _, _ in cells), default=0)
    grid = [[""] * width for _ in range(n)]
    for row, col, kind, raw in cells:
        if row <= n:
            grid[row - 1][col - 1] = _value(kind, raw, strings)
    return grid
