"""The reply ledger: every feedback item sent to a department and its answer (SQLite beside
the workbook, `<workbook stem>_改进回复跟踪.sqlite`).

- `Ledger.register(month, items)` gives each item a readable, stable ID such as
  2026-10-RD-003: the same (month, department, kind, key) always gets the same ID; items
  that vanish from a re-run month are kept but marked inactive.
- An item is due `reply_days` after the month's send day (the pack for 2026-10 goes out on
  the send day of 2026-11); answered = its 改进措施 is filled.
- `import_replies(wb_path, files)` reads the 改进回复 sheet of returned packs into the ledger.
"""
from __future__ import annotations

import re
import sqlite3
from contextlib import closing
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import pandas as pd

from addin.book.issues import ERROR, WARNING, CellRef, Issue

REPLY_SHEET = "改进回复"
REPLY_HEADERS = ("编号", "反馈事项", "回复期限", "改进措施", "责任人", "计划完成日期", "实施效果")
ID_PATTERN = re.compile(r"^\d{4}-\d{2}-[A-Z0-9]+-\d{3}$")
DEPT_CODES = {"研发部": "RD", "质量部": "QA", "生产部": "PR", "售后服务部": "SV"}
SCHEMA = """
CREATE TABLE IF NOT EXISTS items(id TEXT PRIMARY KEY, month TEXT NOT NULL, department TEXT NOT NULL,
  kind TEXT NOT NULL, key TEXT NOT NULL, seq INTEGER NOT NULL, text TEXT NOT NULL, due TEXT NOT NULL,
  active INTEGER NOT NULL DEFAULT 1, UNIQUE(month, department, kind, key));
CREATE TABLE IF NOT EXISTS replies(item_id TEXT PRIMARY KEY, measures TEXT, owner TEXT, planned TEXT,
  effect TEXT, source TEXT, imported_at TEXT);
"""


@dataclass(frozen=True)
class FeedbackItem:
    department: str
    kind: str          # 型号故障 / 批次 / 早期故障 / 生产月份 / 上门超时 / 客户不满意
    key: str
    text: str
    count: int = 0


@dataclass(frozen=True)
class LedgerItem:
    id: str
    month: str
    department: str
    kind: str
    text: str
    due: date
    measures: str | None = None
    owner: str | None = None
    planned: str | None = None
    effect: str | None = None

    @property
    def answered(self) -> bool:
        return bool(self.measures and self.measures.strip())


@dataclass(frozen=True)
class ImportResult:
    files: int
    answered: tuple[str, ...]        # IDs whose answer was recorded or changed
    unchanged: int
    blank: int                       # rows with an ID but no 改进措施 yet
    issues: tuple[Issue, ...]


def ledger_path(wb_path: Path | str) -> Path:
    p = Path(wb_path)
    return p.with_name(p.stem + "_改进回复跟踪.sqlite")


def dept_code(name: str) -> str:
    import hashlib
    return DEPT_CODES.get(name) or "D" + hashlib.sha1(name.encode("utf-8")).hexdigest()[:4].upper()


def due_date(month: str, send_day: int, reply_days: int) -> date:
    start = pd.Timestamp(month + "-01") + pd.offsets.MonthBegin(1)
    return (start + pd.Timedelta(days=send_day - 1 + reply_days)).date()


class Ledger:
    def __init__(self, path: Path | str):
        self.path = Path(path)
        with closing(self._connect()) as db, db:
            db.executescript(SCHEMA)

    def _connect(self):
        return sqlite3.connect(self.path)

    def register(self, month: str, department: str, items, due: date) -> list[str]:
        """IDs for `items` of one department's pack (new ones numbered after the existing);
        items of that month and department not in `items` become inactive."""
        code, ids = dept_code(department), []
        with closing(self._connect()) as db, db:
            db.execute("UPDATE items SET active=0 WHERE month=? AND department=?", (month, department))
            for it in items:
                row = db.execute("SELECT id FROM items WHERE month=? AND department=? AND kind=? AND key=?",
                                 (month, department, it.kind, it.key)).fetchone()
                if row is None:
                    seq = db.execute("SELECT COALESCE(MAX(seq),0)+1 FROM items WHERE month=? AND department=?",
                                     (month, department)).fetchone()[0]
                    row = (f"{month}-{code}-{seq:03d}",)
                    db.execute("INSERT INTO items(id,month,department,kind,key,seq,text,due) VALUES(?,?,?,?,?,?,?,?)",
                               (row[0], month, department, it.kind, it.key, seq, it.text, due.isoformat()))
                db.execute("UPDATE items SET active=1, text=?, due=? WHERE id=?", (it.text, due.isoformat(), row[0]))
                ids.append(row[0])
        return ids

    def items(self, where: str = "1", params=()) -> list[LedgerItem]:
        sql = ("SELECT i.id,i.month,i.department,i.kind,i.text,i.due,r.measures,r.owner,r.planned,r.effect "
               "FROM items i LEFT JOIN replies r ON r.item_id=i.id WHERE i.active=1 AND " + where +
               " ORDER BY i.month, i.department, i.seq")
        with closing(self._connect()) as db:
            rows = db.execute(sql, params).fetchall()
        return [LedgerItem(r[0], r[1], r[2], r[3], r[4], date.fromisoformat(r[5]), *r[6:]) for r in rows]

    def open_items(self, department: str, before_month: str, as_of: date) -> list[LedgerItem]:
        """Unanswered items of earlier months whose reply was due on or before `as_of`."""
        return [i for i in self.items("i.department=? AND i.month<?", (department, before_month))
                if not i.answered and i.due <= as_of]

    def answered_keys(self, department: str, before_month: str) -> dict[tuple[str, str], tuple[str, str]]:
        """(kind, key) → (month, ID) of the department's latest answered item of an earlier month."""
        sql = ("SELECT i.kind, i.key, i.month, i.id FROM items i JOIN replies r ON r.item_id=i.id "
               "WHERE i.department=? AND i.month<? AND TRIM(COALESCE(r.measures,''))<>'' ORDER BY i.month")
        with closing(self._connect()) as db:
            return {(k, key): (m, i) for k, key, m, i in db.execute(sql, (department, before_month))}

    def response_rates(self, before_month: str, as_of: date, departments) -> list[tuple]:
        """Per department: (部门, 已发事项, 已回复, 逾期未回复, 未到期, 回复率) over earlier months."""
        rows = []
        for dept in departments:
            items = self.items("i.department=? AND i.month<?", (dept, before_month))
            answered = sum(i.answered for i in items)
            overdue = sum(not i.answered and i.due <= as_of for i in items)
            rows.append((dept, len(items), answered, overdue, len(items) - answered - overdue,
                         round(answered / len(items), 4) if items else None))
        return rows

    def record(self, item_id: str, measures, owner, planned, effect, source: str) -> bool:
        """Store one answer; True when it is new or changed."""
        new = (measures, owner, planned, effect)
        with closing(self._connect()) as db, db:
            old = db.execute("SELECT measures,owner,planned,effect FROM replies WHERE item_id=?", (item_id,)).fetchone()
            if old is not None and tuple(old) == new:
                return False
            db.execute("INSERT OR REPLACE INTO replies VALUES(?,?,?,?,?,?,?)",
                       (item_id, *new, source, datetime.now().isoformat(timespec="seconds")))
        return True

    def known(self, item_id: str) -> bool:
        with closing(self._connect()) as db:
            return db.execute("SELECT 1 FROM items WHERE id=?", (item_id,)).fetchone() is not None


def _text(v) -> str | None:
    if v is None:
        return None
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    s = str(v).strip()
    return s or None


def _planned(v, where: CellRef, issues: list) -> str | None:
    if isinstance(v, (datetime, date)):
        return (v.date() if isinstance(v, datetime) else v).isoformat()
    text = _text(v)
    if text is None:
        return None
    parsed = pd.to_datetime(text.replace("年", "-").replace("月", "-").replace("日", "").replace(".", "-")
                            .replace("/", "-"), errors="coerce")
    if pd.isna(parsed):
        issues.append(Issue(where, "计划完成日期", "reply-date-invalid", WARNING,
                            f"计划完成日期“{text}”不是日期,已按原文记录;请写成 2026-12-31 这样的日期。"))
        return text
    return parsed.date().isoformat()


def _read_sheet(path: Path, issues: list) -> list[tuple[int, dict]]:
    """Rows of a returned pack's 改进回复 sheet as (Excel row, header → value)."""
    from openpyxl import load_workbook
    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - any unreadable file becomes one message
        issues.append(Issue(CellRef(path.name, 1, 1), "", "reply-file-unreadable", ERROR,
                            f"无法打开“{path.name}”:{exc.__class__.__name__}。请确认它是部门寄回的 .xlsx 反馈包。"))
        return []
    try:
        if REPLY_SHEET not in book.sheetnames:
            issues.append(Issue(CellRef(path.name, 1, 1), "", "reply-sheet-missing", ERROR,
                                f"“{path.name}”里没有“{REPLY_SHEET}”工作表,不是反馈包或工作表被改名了。"))
            return []
        rows = list(book[REPLY_SHEET].iter_rows(values_only=True))
    finally:
        book.close()
    for h, row in enumerate(rows[:10]):
        names = [_text(v) for v in row]
        if "编号" in names and "改进措施" in names:
            return [(h + 2 + i, dict(zip(names, r))) for i, r in enumerate(rows[h + 1:])]
    issues.append(Issue(CellRef(f"{path.name}!{REPLY_SHEET}", 1, 1), "", "reply-header-missing", ERROR,
                        f"“{path.name}”的“{REPLY_SHEET}”表找不到“编号”和“改进措施”两列的表头。"))
    return []


def import_replies(wb_path: Path | str, files) -> ImportResult:
    """Read returned packs' 改进回复 sheets into the workbook's ledger."""
    ledger, issues, answered, unchanged, blank = Ledger(ledger_path(wb_path)), [], [], 0, 0
    files = [Path(f) for f in files]
    for file in files:
        for row, values in _read_sheet(file, issues):
            item_id = (_text(values.get("编号")) or "").upper()
            if not item_id or (not ID_PATTERN.match(item_id) and _text(values.get("改进措施")) is None):
                continue
            where = CellRef(f"{file.name}!{REPLY_SHEET}", row, 1)
            if not ledger.known(item_id):
                issues.append(Issue(where, "编号", "reply-unknown-id", ERROR,
                                    f"编号“{item_id}”不在跟踪记录里:请不要修改编号列;这一行没有导入。"))
                continue
            measures = _text(values.get("改进措施"))
            if measures is None:
                blank += 1
                continue
            planned = _planned(values.get("计划完成日期"), CellRef(where.sheet, row, 6), issues)
            changed = ledger.record(item_id, measures, _text(values.get("责任人")), planned,
                                    _text(values.get("实施效果")), file.name)
            if changed:
                answered.append(item_id)
            else:
                unchanged += 1
    return ImportResult(len(files), tuple(answered), unchanged, blank, tuple(issues))
