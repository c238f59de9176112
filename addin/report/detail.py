"""A pack's 故障明细: every order the department looks at, with what an engineer needs so they
need not ask back — model, production month, serial, age at failure (days from purchase), 产品
使用工况, the diagnosed fault and its grouped name, the cause and its class, replaced parts — and
the feedback item it belongs to, or "单次" for a single order listed but not asked about.

Engineering roles see the product-quality failures; the service role the 服务过程 failures and
the orders of its items. The frame given is already masked for the department (privacy).
"""
from __future__ import annotations

import pandas as pd

from addin.book.vocab import SERVICE
from addin.report.tables import Table, rows_of

COLS = (("item", "事项编号", "text"), ("order_no", "服务单编号", "text"), ("model", "产品型号", "text"),
        ("prod_month", "生产月份", "text"), ("serial", "产品序列号", "text"), ("days_owned", "购买至报修(天)", "int"),
        ("usage", "产品使用工况", "text"), ("diagnosed_fault", "现场确诊故障", "text"), ("fault", "故障(归类)", "text"),
        ("cause", "原因分析", "text"), ("cause_class", "原因类别", "text"), ("parts", "更换配件", "text"))
SINGLE = "单次(不需回复)"


def detail_table(orders: pd.DataFrame, role: str, raised, ids) -> Table:
    """The 故障明细 table of one pack: the orders of its items first (by item ID), then single ones."""
    item_of: dict = {}
    for item_id, r in zip(ids, raised):
        for row in r.rows:
            item_of.setdefault(row, item_id)
    if role == "service":
        mine = orders["is_failure"] & (orders["cause_group"] == SERVICE)
    else:
        mine = orders["is_quality"]
    sel = orders[mine | orders.index.isin(list(item_of))].copy()
    sel["item"] = [item_of.get(i, SINGLE) for i in sel.index]
    sel["days_owned"] = sel["days_owned"].astype("Int64")
    sel = sel.sort_values(["item", "model", "order_no"], key=lambda s: s.astype(str), kind="stable")
    singles = int((sel["item"] == SINGLE).sum())
    excluded = int((orders["is_failure"] & ~orders.index.isin(sel.index)).sum())
    note = (f"共 {len(sel)} 单,其中 {len(sel) - singles} 单属于反馈事项,{singles} 单为单次故障(列出备查,不需回复)。"
            + (f"另有 {excluded} 单维修、退换货的原因归为其他类别(见“故障原因类别”),未列入。" if excluded else ""))
    return Table("detail", "故障明细(反馈事项的依据和单次故障)", tuple(c[1] for c in COLS), tuple(c[2] for c in COLS),
                 rows_of(sel, [c[0] for c in COLS]), note)
