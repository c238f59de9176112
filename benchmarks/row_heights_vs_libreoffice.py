"""Check: the report's estimated row heights against the lines LibreOffice really draws.

Run: python benchmarks/row_heights_vs_libreoffice.py [--month 2026-11]

Builds the demo's reports in a temporary folder, collects every distinct wrapped text of every
sheet with the width of its column, writes them one per tall row into a scratch workbook (one
sheet per column width), lets LibreOffice (`soffice`, with Carlito installed for Excel's column
widths) print it to PDF, reads each text's lines back with `pdftotext -bbox-layout` and compares
them with `addin.report.xlsxout.text_lines`. Prints how many texts are estimated exactly, one
line generous, or short (a short one is text cut off in the report: the number must be 0).
Needs soffice and pdftotext; not a test because it takes LibreOffice.
"""
from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path
from xml.etree import ElementTree as ET

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import openpyxl  # noqa: E402
import xlsxwriter  # noqa: E402

from addin.report.xlsxout import FONT, text_lines  # noqa: E402

XLSXWRITER_PAD = 5 / 7          # xlsxwriter stores a width w as w + 5/7


def wrapped_texts(folder: Path) -> list[tuple[float, str]]:
    """(column width, text) of every wrapped text cell in the workbooks under `folder`."""
    pairs = set()
    for f in sorted(folder.rglob("*.xlsx")):
        z = zipfile.ZipFile(f)
        wb = openpyxl.load_workbook(f)
        for i, ws in enumerate(wb.worksheets, 1):
            xml = z.read(f"xl/worksheets/sheet{i}.xml").decode()
            widths = {}
            for m in re.finditer(r'<col min="(\d+)" max="(\d+)" width="([\d.]+)"', xml):
                for c in range(int(m[1]), int(m[2]) + 1):
                    widths[c] = round(float(m[3]) - XLSXWRITER_PAD, 4)
            for row in ws.iter_rows():
                for c in row:
                    if isinstance(c.value, str) and c.alignment.wrap_text and c.column in widths:
                        pairs.add((widths[c.column], c.value))
    return sorted(pairs)


def scratch_book(pairs, path: Path) -> None:
    wb = xlsxwriter.Workbook(path)
    fmt = wb.add_format({"font_name": FONT, "font_size": 10, "text_wrap": True, "valign": "top"})
    by_width: dict[float, list[str]] = {}
    for w, t in pairs:
        by_width.setdefault(w, []).append(t)
    for k, (w, texts) in enumerate(sorted(by_width.items())):
        ws = wb.add_worksheet(f"w{k}")
        ws.set_column(0, 0, w)
        for r, t in enumerate(texts):
            ws.write_string(r, 0, t, fmt)
            ws.set_row(r, 14 * 22)
    wb.close()


def drawn_lines(pdf: Path) -> list[list[str]]:
    html = subprocess.run(["pdftotext", "-bbox-layout", str(pdf), "-"], capture_output=True,
                          text=True, check=True).stdout
    html = re.sub(r"<!DOCTYPE[^>]*>", "", html).replace('xmlns="http://www.w3.org/1999/xhtml"', "")
    root = ET.fromstring(html)
    return [["".join(w.text or "" for w in line.iter("word")) for line in block.iter("line")]
            for block in root.iter("block")]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--month", default="2026-11")
    args = ap.parse_args()
    if not (shutil.which("soffice") and shutil.which("pdftotext")):
        sys.exit("needs soffice (LibreOffice) and pdftotext (poppler-utils)")
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        year, mon = args.month.split("-")
        today = f"{int(year) + (mon == '12')}-{int(mon) % 12 + 1:02d}-05"
        subprocess.run([sys.executable, "-c", "from addin.cli import main; main()", "demo",
                        "--out", str(tmp / "demo"), "--month", args.month, "--today", today],
                       check=True, capture_output=True, cwd=ROOT)
        pairs = wrapped_texts(tmp / "demo" / "reports")
        scratch_book(pairs, tmp / "heights.xlsx")
        subprocess.run(["soffice", "--headless", "--convert-to", "pdf", "--outdir", str(tmp),
                        str(tmp / "heights.xlsx")], check=True, capture_output=True)
        blocks = drawn_lines(tmp / "heights.pdf")
    flat = lambda s: re.sub(r"\s+", "", s)  # noqa: E731
    exact = generous = 0
    short, lost, b = [], 0, 0
    for w, text in pairs:
        j = b
        while j < len(blocks) and flat("".join(blocks[j])) != flat(text):
            j += 1
        if j == len(blocks):
            lost += 1
            continue
        b = j + 1
        drawn, est = len(blocks[j]), text_lines(text, w)
        if est < drawn:
            short.append((w, text, drawn, est))
        elif est > drawn:
            generous += 1
        else:
            exact += 1
    print(json.dumps({"texts": len(pairs), "exact": exact, "one_or_more_generous": generous,
                      "short": len(short), "not_found_in_pdf": lost}, ensure_ascii=False))
    for w, text, drawn, est in short[:20]:
        print(f"short: width {w}, drawn {drawn} lines, estimated {est}: {text!r}")
    sys.exit(1 if short else 0)


if __name__ == "__main__":
    main()
