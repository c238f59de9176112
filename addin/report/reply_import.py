"""Reading the departments' returned packs (their 改进回复 sheets) into the reply ledger.

A returned pack is a file from outside: each is vetted like a workbook (book.workbook.vet: type,
size, zip bomb, DOCTYPE/entities, regular file) and a bad one is one issue while the others are
still imported. Rows are reported, with their cell and a stable code, and not taken when their ID
is unknown (reply-unknown-id), belongs to another department (reply-other-department) or a later
month (reply-other-month) than the pack, or comes twice with different answers
(reply-duplicate-id: the first is kept); an absurd plan date (9999-12-31, 1899) is reported and
not recorded (reply-date-absurd).
"""
from __future__ import annotations

import re
from datetime import date, datetime
from pathlib import Path

import pandas as pd

from addin.book.issues import ERROR, WARNING, CellRef, Issue
from addin.report.replies import ID_PATTERN, REPLY_SHEET, ImportResult, Ledger, _text, ledger_path

EARLIEST, LATEST = date(2000, 1, 1), date(2100, 12, 31)    # a plan outside is a typo, not a date
_PACK_NAME = re.compile(r"(\d{4})年(\d{1,2})月_售后反馈_")


def _planned(v, where: CellRef, issues: list) -> str | None:
    if isinstance(v, (datetime, date)):
        day = v.date() if isinstance(v, datetime) else v
    else:
        text = _text(v)
        if text is None:
            return None
        parsed = pd.to_datetime(text.replace("年", "-").replace("月", "-").replace("日", "").replace(".", "-")
                                .replace("/", "-"), errors="coerce")
        if pd.isna(parsed) and not re.fullmatch(r"\d{4}-\d{1,2}-\d{1,2}", text.strip()):
            issues.append(Issue(where, "计划完成日期", "reply-date-invalid", WARNING,
                                f"计划完成日期“{text}”不是日期,已按原文记录;请写成 2026-12-31 这样的日期。"))
            return text
        day = None if pd.isna(parsed) else parsed.date()
    if day is None or not EARLIEST <= day <= LATEST:
        shown = day.isoformat() if day else _text(v)
        issues.append(Issue(where, "计划完成日期", "reply-date-absurd", ERROR,
                            f"计划完成日期“{shown}”不合理(应在 {EARLIEST.year} 至 {LATEST.year} 年之间),没有记录这个日期;"
                            "请改正后重新导入。"))
        return None
    return day.isoformat()


def _file_issue(path: Path, code: str, message: str) -> Issue:
    return Issue(CellRef(path.name, 1, 1), "", code, ERROR, message)


def _open(path: Path, issues: list):
    """The returned pack opened read-only after vetting it like a workbook (book.workbook.vet),
    or None with one issue."""
    from openpyxl import load_workbook

    from addin.book.issues import WorkbookError
    from addin.book.workbook import vet
    try:
        vet(path)
        return load_workbook(path, read_only=True, data_only=True)
    except WorkbookError as error:
        issues.append(_file_issue(path, "reply-" + error.code, error.message + "这个文件没有导入。"))
    except Exception as exc:  # noqa: BLE001 - any unreadable file becomes one message
        issues.append(_file_issue(path, "reply-file-unreadable",
                                  f"无法打开“{path.name}”:{exc.__class__.__name__}。请确认它是部门寄回的 .xlsx 反馈包。"))
    return None


def _read_sheet(path: Path, issues: list) -> list[tuple[int, dict]]:
    """Rows of a returned pack's 改进回复 sheet as (Excel row, header → value)."""
    book = _open(path, issues)
    if book is None:
        return []
    try:
        if REPLY_SHEET not in book.sheetnames:
            issues.append(_file_issue(path, "reply-sheet-missing",
                                      f"“{path.name}”里没有“{REPLY_SHEET}”工作表,不是反馈包或工作表被改名了。"))
            return []
        rows = list(book[REPLY_SHEET].iter_rows(values_only=True))
    except Exception as exc:  # noqa: BLE001 - a part that vetting let through but openpyxl cannot read
        issues.append(_file_issue(path, "reply-file-unreadable",
                                  f"“{path.name}”的“{REPLY_SHEET}”表无法读取({exc.__class__.__name__}),这个文件没有导入。"))
        return []
    finally:
        book.close()
    for h, row in enumerate(rows[:10]):
        names = [_text(v) for v in row]
        if "编号" in names and "改进措施" in names:
            return [(h + 2 + i, dict(zip(names, r))) for i, r in enumerate(rows[h + 1:])]
    issues.append(Issue(CellRef(f"{path.name}!{REPLY_SHEET}", 1, 1), "", "reply-header-missing", ERROR,
                        f"“{path.name}”的“{REPLY_SHEET}”表找不到“编号”和“改进措施”两列的表头。"))
    return []


def _answer(values: dict, where: CellRef, issues: list) -> tuple:
    """(改进措施, 责任人, 计划完成日期, 实施效果) of one row."""
    planned = _planned(values.get("计划完成日期"), CellRef(where.sheet, where.row, 6), issues)
    return (_text(values.get("改进措施")), _text(values.get("责任人")), planned, _text(values.get("实施效果")))


def _pack_of(file: Path, known: dict) -> tuple[str | None, str | None]:
    """(department, month) the returned pack was made for: the department most of its known IDs
    belong to, the month its file name says (2026年10月_售后反馈_研发部.xlsx), else its latest."""
    if not known:
        return None, None
    depts = [d for d, _ in known.values()]
    m = _PACK_NAME.search(file.name)
    month = f"{int(m.group(1)):04d}-{int(m.group(2)):02d}" if m else max(mo for _, mo in known.values())
    return max(sorted(set(depts)), key=depts.count), month


def _misplaced(item: tuple[str, str], pack: tuple, item_id: str, where: CellRef) -> Issue | None:
    dept, month = item
    if pack[0] is not None and dept != pack[0]:
        return Issue(where, "编号", "reply-other-department", ERROR,
                     f"编号“{item_id}”是{dept}的反馈事项,不在这份{pack[0]}的反馈包里:这一行没有导入。")
    if pack[1] is not None and month > pack[1]:
        return Issue(where, "编号", "reply-other-month", ERROR,
                     f"编号“{item_id}”是 {month} 的反馈事项,不属于这份 {pack[1]} 的反馈包:这一行没有导入。")
    return None


def _file_rows(ledger: "Ledger", file: Path, issues: list):
    """(item ID, cell, answer values) of one file's rows that may be imported; reports unknown,
    misplaced and repeated IDs."""
    rows = []
    for row, values in _read_sheet(file, issues):
        item_id = (_text(values.get("编号")) or "").upper()
        if not item_id or (not ID_PATTERN.match(item_id) and _text(values.get("改进措施")) is None):
            continue
        rows.append((item_id, CellRef(f"{file.name}!{REPLY_SHEET}", row, 1), values))
    known = ledger.where_from([i for i, _, _ in rows])
    pack = _pack_of(file, known)
    for item_id, where, values in rows:
        if item_id not in known:
            issues.append(Issue(where, "编号", "reply-unknown-id", ERROR,
                                f"编号“{item_id}”不在跟踪记录里:请不要修改编号列;这一行没有导入。"))
        elif problem := _misplaced(known[item_id], pack, item_id, where):
            issues.append(problem)
        else:
            yield item_id, where, values


def import_replies(wb_path: Path | str, files) -> ImportResult:
    """Read returned packs' 改进回复 sheets into the workbook's ledger. Each file is vetted on its
    own (a bad file is one issue, the others are still imported); an ID met twice with
    different answers keeps the first and reports the other."""
    ledger, issues, answered, unchanged, blank = Ledger(ledger_path(wb_path)), [], [], 0, 0
    files, seen = [Path(f) for f in files], {}
    for file in files:
        for item_id, where, values in _file_rows(ledger, file, issues):
            if _text(values.get("改进措施")) is None:
                blank += 1
                continue
            answer = _answer(values, where, issues)
            if item_id in seen:
                if seen[item_id][0] != answer:
                    issues.append(Issue(where, "编号", "reply-duplicate-id", ERROR,
                                        f"编号“{item_id}”出现了两次,回复内容不同;已保留先读到的"
                                        f"({seen[item_id][1]}),这一行没有导入。请删去多余的一行后重新导入。"))
                continue
            seen[item_id] = (answer, f"{where.sheet}!{where.a1}")
            if ledger.record(item_id, *answer, file.name):
                answered.append(item_id)
            else:
                unchanged += 1
    return ImportResult(len(files), tuple(answered), unchanged, blank, tuple(issues))
