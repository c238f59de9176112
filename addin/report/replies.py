"""The reply ledger: every feedback item sent to a department and its answer (SQLite beside
the workbook, `<workbook stem>_改进回复跟踪.sqlite`).

- `Ledger.register(month, items)` gives each item a readable, stable ID such as
  2026-10-RD-003: the same (factory, month, department, kind, key) always gets the same ID; items
  that vanish from a re-run month are kept but marked inactive.
- Keyed by factory too (`Ledger(path, factory)`): with several factories each factory's items
  carry a code of its name in their ID (2026-10-TCL-QA-001, 2026-10-F5936-QA-001), so two factories' 质量部 never share
  an ID, a count or a reply rate. '' is the dealer's single factory (IDs as they always were).
- An item is due `reply_days` after the month's send day (the pack for 2026-10 goes out on
  the send day of 2026-11); answered = its 改进措施 is filled.
- `import_replies(wb_path, files)` reads the 改进回复 sheet of returned packs into the ledger.
"""
from __future__ import annotations

import re
import sqlite3
from contextlib import closing
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from addin import clock
from addin.book import ledgers
from addin.book.issues import Issue
from addin.book.ledgers import ledger_error

LABEL = "改进回复跟踪记录"
REPLY_SHEET = "改进回复"
REPLY_HEADERS = ("编号", "反馈事项", "回复期限", "改进措施", "责任人", "计划完成日期", "实施效果")
ID_PATTERN = re.compile(r"^\d{4}-\d{2}-(?:[A-Z0-9]+-)?[A-Z0-9]+-\d{3}$")   # month-[factory-]dept-n
DEPT_CODES = {"研发部": "RD", "质量部": "QA", "生产部": "PR", "售后服务部": "SV"}
SCHEMA = """
CREATE TABLE IF NOT EXISTS items(id TEXT PRIMARY KEY, month TEXT NOT NULL, department TEXT NOT NULL,
  kind TEXT NOT NULL, key TEXT NOT NULL, seq INTEGER NOT NULL, text TEXT NOT NULL, due TEXT NOT NULL,
  active INTEGER NOT NULL DEFAULT 1, factory TEXT NOT NULL DEFAULT '',
  UNIQUE(factory, month, department, kind, key));
CREATE TABLE IF NOT EXISTS replies(item_id TEXT PRIMARY KEY, measures TEXT, owner TEXT, planned TEXT,
  effect TEXT, source TEXT, imported_at TEXT);
"""
# A ledger written before items were keyed by factory: the same rows, factory ''.
MIGRATE = """
ALTER TABLE items RENAME TO items_before_factories;
""" + SCHEMA.split(";")[0] + """;
INSERT INTO items(id, month, department, kind, key, seq, text, due, active)
  SELECT id, month, department, kind, key, seq, text, due, active FROM items_before_factories;
DROP TABLE items_before_factories;
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
    factory: str = ""          # '' for a dealer's single factory

    @property
    def who(self) -> str:
        """The department as the clerk knows it: 质量部, or 海信集团 质量部 with several factories."""
        return f"{self.factory} {self.department}" if self.factory else self.department

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


def factory_code(name: str) -> str:
    """The factory's part of an item ID, with its hyphen: '' for the single factory; a short
    Latin name as it reads ("TCL-"); otherwise F + 4 hex digits of the name ("F3A9C-")."""
    import hashlib
    if not name:
        return ""
    if name.isascii() and name.isalnum() and len(name) <= 8:
        return name.upper() + "-"
    return "F" + hashlib.sha1(name.encode("utf-8")).hexdigest()[:4].upper() + "-"


class Ledger:
    """The reply ledger at `path`, for one factory's packs (`factory`; '' = the single factory)
    when registering and counting; reading replies back (import) sees every factory's items,
    whose IDs never collide (two names with one code: the later factory takes the next free number). A corrupt or locked file raises book.ledgers.LedgerError."""

    def __init__(self, path: Path | str, factory: str = ""):
        self.path, self.factory = Path(path), factory or ""
        try:
            with closing(self._connect()) as db, db:
                db.executescript(SCHEMA)
                if "factory" not in {r[1] for r in db.execute("PRAGMA table_info(items)")}:
                    db.executescript(MIGRATE)
        except sqlite3.Error as error:
            raise ledger_error(error, self.path, LABEL) from None

    def _connect(self):
        return ledgers.connect(self.path, LABEL)

    def register(self, month: str, department: str, items, due: date) -> list[str]:
        """IDs for `items` of one department's pack (new ones numbered after the existing);
        items of that month and department not in `items` become inactive."""
        code, ids, mine = factory_code(self.factory) + dept_code(department), [], (self.factory, month, department)
        with closing(self._connect()) as db, db:
            db.execute("UPDATE items SET active=0 WHERE factory=? AND month=? AND department=?", mine)
            for it in items:
                row = db.execute("SELECT id FROM items WHERE factory=? AND month=? AND department=? AND kind=? AND key=?",
                                 (*mine, it.kind, it.key)).fetchone()
                if row is None:
                    seq = db.execute("SELECT COALESCE(MAX(seq),0)+1 FROM items WHERE factory=? AND month=? AND "
                                     "department=?", mine).fetchone()[0]
                    while db.execute("SELECT 1 FROM items WHERE id=?", (f"{month}-{code}-{seq:03d}",)).fetchone():
                        seq += 1       # two factories' names with one code: the later takes the next free number
                    row = (f"{month}-{code}-{seq:03d}",)
                    db.execute("INSERT INTO items(id,month,department,kind,key,seq,text,due,factory) "
                               "VALUES(?,?,?,?,?,?,?,?,?)",
                               (row[0], month, department, it.kind, it.key, seq, it.text, due.isoformat(), self.factory))
                db.execute("UPDATE items SET active=1, text=?, due=? WHERE id=?", (it.text, due.isoformat(), row[0]))
                ids.append(row[0])
        return ids

    def items(self, where: str = "1", params=()) -> list[LedgerItem]:
        sql = ("SELECT i.id,i.month,i.department,i.kind,i.text,i.due,r.measures,r.owner,r.planned,r.effect,i.factory "
               "FROM items i LEFT JOIN replies r ON r.item_id=i.id WHERE i.active=1 AND " + where +
               " ORDER BY i.month, i.department, i.seq")
        with closing(self._connect()) as db:
            rows = db.execute(sql, params).fetchall()
        return [LedgerItem(r[0], r[1], r[2], r[3], r[4], date.fromisoformat(r[5]), *r[6:]) for r in rows]

    def open_items(self, department: str, before_month: str, as_of: date) -> list[LedgerItem]:
        """Unanswered items of earlier months whose reply was due on or before `as_of`."""
        return [i for i in self.items("i.factory=? AND i.department=? AND i.month<?",
                                      (self.factory, department, before_month))
                if not i.answered and i.due <= as_of]

    def answered_keys(self, department: str, before_month: str) -> dict[tuple[str, str], tuple[str, str]]:
        """(kind, key) → (month, ID) of the department's latest answered item of an earlier month."""
        sql = ("SELECT i.kind, i.key, i.month, i.id FROM items i JOIN replies r ON r.item_id=i.id "
               "WHERE i.factory=? AND i.department=? AND i.month<? AND TRIM(COALESCE(r.measures,''))<>'' "
               "ORDER BY i.month")
        with closing(self._connect()) as db:
            return {(k, key): (m, i) for k, key, m, i in db.execute(sql, (self.factory, department, before_month))}

    def response_rates(self, before_month: str, as_of: date, departments) -> list[tuple]:
        """Per department: (部门, 已发事项, 已回复, 逾期未回复, 未到期, 回复率) over earlier months."""
        rows = []
        for dept in departments:
            items = self.items("i.factory=? AND i.department=? AND i.month<?", (self.factory, dept, before_month))
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
                       (item_id, *new, source, clock.now().isoformat(timespec="seconds")))
        return True

    def known(self, item_id: str) -> bool:
        with closing(self._connect()) as db:
            return db.execute("SELECT 1 FROM items WHERE id=?", (item_id,)).fetchone() is not None

    def where_from(self, item_ids) -> dict[str, tuple[str, str]]:
        """{item ID: (department, month)} for the IDs the ledger knows (the department named with
        its factory when it has one: 海信集团 质量部)."""
        ids = sorted(set(item_ids))
        out = {}
        with closing(self._connect()) as db:
            for start in range(0, len(ids), 500):
                chunk = ids[start:start + 500]
                out.update({r[0]: (f"{r[3]} {r[1]}" if r[3] else r[1], r[2]) for r in db.execute(
                    f"SELECT id, department, month, factory FROM items WHERE id IN ({','.join('?' * len(chunk))})",
                    chunk)})
        return out


    def inherit(self, departments, own_models, foreign_models=None, first: tuple = ()) -> int:
        """When a dealer with one factory adds more: the single factory's items ('' key) of this
        factory's `departments` become its own (IDs and answers kept), so their reminders and
        reply rates go on in its packs. An item goes to the factory whose orders have the model
        its key names (`own_models`); an item naming no model of another factory with that
        department (`foreign_models`: {department: models}) — 服务原因, 上门超时 … — to the first
        factory of the 厂家 table with a department of that name (`first`). Returns how many."""
        if not self.factory or not departments:
            return 0
        own, foreign, first = {str(m) for m in own_models}, foreign_models or {}, set(first)
        with closing(self._connect()) as db, db:
            rows = db.execute(f"SELECT id, department, key FROM items WHERE factory='' AND department IN "
                              f"({','.join('?' * len(departments))})", tuple(departments)).fetchall()
            mine = [(self.factory, i) for i, dept, key in rows
                    if key.split("|")[0] in own or (dept in first and key.split("|")[0] not in foreign.get(dept, ()))]
            before = db.total_changes
            db.executemany("UPDATE OR IGNORE items SET factory=? WHERE id=? AND factory=''", mine)
            return db.total_changes - before


def _text(v) -> str | None:
    if v is None:
        return None
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    s = str(v).strip()
    return s or None


def import_replies(wb_path: Path | str, files) -> ImportResult:
    """Read returned packs' 改进回复 sheets into the workbook's ledger (addin.report.reply_import)."""
    from addin.report.reply_import import import_replies as run
    return run(wb_path, files)
