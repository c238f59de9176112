"""Today's work lists: what the clerk has to chase today, each list sorted by urgency.

`work_lists(wb, fees, now)` → four WorkLists (plain Tables plus which rows are red and which
Excel row each comes from), computed on whole columns:
- 待上门: on-site services (安装/维修/保养) reported but not yet visited; hours left to the
  promise = 报修时间 + the fee engine's promise_hours − now (red when late), most late first;
- 拉修在外: units taken away for repair — 是否借用备用机 = 是 (a standby was lent) or 解决方案
  saying the unit was taken (拉回, 带回, 拆回 …) — not back yet: a standby is back when its
  备用机归还日期 is filled, a unit without a standby when 离开现场时间 (the finish) is; units
  without a standby first (red: the customer has no appliance), then the longest away;
- 待回访: finished (离开现场时间) at least 设置 回访天数 (default 3) days ago, within the last
  VISIT_WINDOW days, without 回访日期 (complaints are in the next list), longest waiting first;
- 待处理投诉: 客户评价 不满意/很不满意 without 回访日期 (the follow-up), finished within the last
  VISIT_WINDOW days, 很不满意 first, then oldest.
Rows older than VISIT_WINDOW days are left out and counted in the list's note.
Every list carries the customer's phone: this is the dealer's own list, never a factory pack.
`today_sheet(lists, now)` is the 今日工作 sheet as SheetContent (red cells, links to the orders).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

import numpy as np
import pandas as pd

from addin.book.issues import CellRef
from addin.book.patch import RED, SheetContent, link_to
from addin.report.tables import Table, rows_of
from addin.rules.fees import ONSITE_TYPES, complete

SHEET = "今日工作"
COMPLAINTS = ("很不满意", "不满意")
TAKEN = r"拉回|带回|拆回|取回|拿回|返厂|送修|拉修"
VISIT_WINDOW = 30
MAX_WIDTH = 40


@dataclass(frozen=True)
class WorkList:
    table: Table
    rows: tuple[int, ...] = ()           # the Excel row of each table row (for links)
    red: tuple[int, ...] = ()            # indices of table rows to show in red
    red_col: int = 0                     # the column (0-based) that turns red
    more: int = 0                        # rows left out (too old), said in the note


@dataclass(frozen=True)
class DayLists:
    now: datetime
    lists: tuple[WorkList, ...] = field(default_factory=tuple)


def _days(now: datetime, earlier: pd.Series) -> pd.Series:
    """Calendar days from each date of `earlier` to today."""
    return (pd.Timestamp(now).normalize() - earlier.dt.normalize()).dt.days


def _product(o: pd.DataFrame) -> pd.Series:
    return (o["category"].fillna("") + " " + o["model"].fillna("")).str.strip()


def _made(key, title, headers, kinds, sel: pd.DataFrame, cols, red_mask=None, red_col=0, note="",
          more=0) -> WorkList:
    red = tuple(np.flatnonzero(red_mask.to_numpy())) if red_mask is not None else ()
    return WorkList(Table(key, f"{title}({len(sel)})", headers, kinds, rows_of(sel, cols), note),
                    tuple(int(r) for r in sel.index), tuple(int(i) for i in red), red_col, more)


def _recent(sel: pd.DataFrame) -> tuple[pd.DataFrame, int]:
    """The rows of the last VISIT_WINDOW days (column `days`) and how many older were left out."""
    kept = sel[sel["days"] <= VISIT_WINDOW]
    return kept, len(sel) - len(kept)


def _older(more: int, what: str) -> str:
    return f"另有 {more} 张 {VISIT_WINDOW} 天以前的单{what},不再列出。" if more else ""


def open_visits(o: pd.DataFrame, fees: pd.DataFrame, now: datetime) -> WorkList:
    todo = o[o["service_type"].isin(ONSITE_TYPES) & o["arrived_at"].isna() & o["left_at"].isna()
             & o["reported_at"].notna()]
    promise = fees["promise_hours"].reindex(todo.index)
    due = todo["reported_at"] + pd.to_timedelta(promise, unit="h")
    left = ((due - pd.Timestamp(now)).dt.total_seconds() / 3600).round(1)
    sel = todo.assign(product=_product(todo), promise=promise, left=left,
                      state=np.where(left < 0, "已超时 " + (-left).astype(str) + " 小时",
                                     "剩 " + left.abs().astype(str) + " 小时")).sort_values(["left", "order_no"])
    return _made("visits_open", "待上门", ("服务单编号", "客户名称", "联系电话", "地址", "产品", "报修故障",
                 "报修时间", "承诺时限(小时)", "剩余时间", "售后人员"),
                 ("text",) * 6 + ("datetime", "num", "text", "text"), sel,
                 ("order_no", "customer", "phone", "address", "product", "reported_fault", "reported_at",
                  "promise", "state", "technician"), sel["left"] < 0, 8,
                 "剩余时间 = 报修时间 + 承诺上门时限 − 现在;红色为已超过承诺时限。")


def away(o: pd.DataFrame, now: datetime) -> WorkList:
    lent = o["standby_lent"] == "是"
    taken = o["solution"].fillna("").str.contains(TAKEN, regex=True)
    back = np.where(lent, o["standby_returned"].notna(), o["left_at"].notna())
    sel = o[(lent | taken) & ~back]
    since = sel["arrived_at"].where(sel["arrived_at"].notna(), sel["reported_at"])
    sel = sel.assign(product=_product(sel), since=since, days=_days(now, since),
                     standby=np.where(sel["standby_lent"] == "是", "已借出", "未借"),
                     state=np.where(sel["standby_lent"] != "是", "客户家中无机器可用", "备用机在客户家,尚未收回"))
    sel = sel.assign(rank=(sel["standby_lent"] == "是").astype(int)).sort_values(
        ["rank", "days", "order_no"], ascending=[True, False, True])
    return _made("away", "拉修在外", ("服务单编号", "客户名称", "联系电话", "地址", "产品", "拉回日期",
                 "在外天数", "备用机", "状态"), ("text",) * 5 + ("date", "int", "text", "text"), sel,
                 ("order_no", "customer", "phone", "address", "product", "since", "days", "standby", "state"),
                 sel["standby_lent"] != "是", 7, "备用机未借的排在前面(红色):客户家中没有机器可用。")


def visits_due(o: pd.DataFrame, now: datetime, after_days: int) -> WorkList:
    waiting = o[o["left_at"].notna() & o["visit_date"].isna() & ~o["rating"].isin(COMPLAINTS)]
    days = _days(now, waiting["left_at"])
    due = waiting[days >= after_days].assign(days=days, product=_product(waiting))
    sel, more = _recent(due)
    sel = sel.sort_values(["days", "order_no"], ascending=[False, True])
    note = f"完成服务满 {after_days} 天仍未回访(设置“回访天数”);投诉单见“待处理投诉”。" + _older(more, "从未回访")
    return _made("visits_due", "待回访", ("服务单编号", "客户名称", "联系电话", "产品", "完成时间", "已过天数",
                 "客户评价", "售后人员"), ("text",) * 4 + ("datetime", "int", "text", "text"), sel,
                 ("order_no", "customer", "phone", "product", "left_at", "days", "rating", "technician"),
                 note=note, more=more)


def complaints(o: pd.DataFrame, now: datetime) -> WorkList:
    sel = o[o["rating"].isin(COMPLAINTS) & o["visit_date"].isna()]
    done = sel["left_at"].where(sel["left_at"].notna(), sel["reported_at"])
    sel, more = _recent(sel.assign(done=done, days=_days(now, done), product=_product(sel),
                                   rank=(sel["rating"] != COMPLAINTS[0]).astype(int)))
    sel = sel.sort_values(["rank", "days", "order_no"], ascending=[True, False, True])
    return _made("complaints", "待处理投诉", ("服务单编号", "客户名称", "联系电话", "客户评价", "客户意见", "产品",
                 "完成时间", "已过天数", "售后人员"), ("text",) * 6 + ("datetime", "int", "text"), sel,
                 ("order_no", "customer", "phone", "rating", "comment", "product", "done", "days", "technician"),
                 sel["rating"] == COMPLAINTS[0], 3,
                 "客户评价不满意或很不满意、还没有回访(填“回访日期”即算已跟进)。" + _older(more, "未跟进"), more)


def work_lists(wb, fees: pd.DataFrame, now: datetime) -> DayLists:
    """The four lists of a loaded workbook (rules.loader.Loaded) with its fees (compute(wb))."""
    o = complete(wb.orders.frame)
    return DayLists(now, (open_visits(o, fees, now), away(o, now),
                          visits_due(o, now, wb.settings.visit_after_days), complaints(o, now)))


def _cell(value, kind: str):
    if value is None:
        return ""
    if kind == "datetime":
        return value.strftime("%Y-%m-%d %H:%M")
    if kind == "date":
        return value.strftime("%Y-%m-%d")
    return value


def today_sheet(day: DayLists, sheet: str, order_col: int = 1) -> SheetContent:
    """The 今日工作 sheet: a title row, then each list (title, headers, rows, note); the order
    numbers link to their row on the order sheet `sheet` (column `order_col`)."""
    rows: list[list] = [[f"今日工作 {day.now:%Y-%m-%d %H:%M}:" + ",".join(w.table.title for w in day.lists)]]
    links, fills = {}, {}
    for w in day.lists:
        t = w.table
        rows += [[], [t.title], list(t.headers)]
        for i, (r, excel_row) in enumerate(zip(t.rows, w.rows)):
            rows.append([_cell(v, k) for v, k in zip(r, t.kinds)])
            links[(len(rows), 1)] = link_to(CellRef(sheet, excel_row, order_col))
            if i in w.red:
                fills[(len(rows), w.red_col + 1)] = RED
        if not t.rows:
            rows.append(["(无)"])
        rows.append([t.note])
    return SheetContent(rows, links, _widths(rows), fills)


def _widths(rows: list[list]) -> dict[int, int]:
    """Column widths from the table rows' text (titles and notes, one cell wide, left out)."""
    from addin.report.xlsxout import text_units
    widths: dict[int, int] = {}
    for row in rows:
        if len(row) > 1:
            for c, v in enumerate(row, start=1):
                widths[c] = max(widths.get(c, 8), min(MAX_WIDTH, text_units(str(v)) + 2))
    return widths
