"""What a clerk on the phone asks about one unit: its repairs so far and whether a new fault
today gives a free exchange (三包 Art. 11) — for SVC_REPAIRS and SVC_EXCHANGE.

`serial_status(frame, policy, settings, serial, now)` judges a probe order (a 维修 reported
`now`, no part named, on the unit's latest order's product and dates) together with every
order of that serial, with the same engine as `aftersales fees`: the earlier repairs' period
(a main part's 3 years after a main-part repair) and Art. 8 days apply as they would to a real
order. `orders_for(caller)` reads the calling workbook's 服务单 once per recalculation burst
(the ribbon's reader and loader). This module does not import xlwings.
"""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from addin.book.values import serial_keys
from addin.excel.udf_policy import CACHE, RulesCache
from addin.excel.udf_shapes import UdfInputError
from addin.rules.fees import compute_frame

ORDERS = CACHE          # one cache for a workbook's tables and its orders (udf_policy.clear() empties both)
PROBE_FIELDS = ("category", "model", "serial", "production_date", "purchase_date", "city_tier")


@dataclass(frozen=True)
class SerialStatus:
    repairs: int             # in-warranty repairs so far (those Art. 11 counts)
    eligible: bool           # a fault reported now may be exchanged free of charge
    in_warranty: bool | None
    rule: str

    def answer(self) -> str:
        """SVC_EXCHANGE's cell: 是/否 and why."""
        if self.eligible:
            return f"是:三包期内已修理{self.repairs}次,可免费调换同型号产品"
        if self.in_warranty is False:
            return f"否:已过三包期(三包期内修理{self.repairs}次)"
        return f"否:三包期内修理{self.repairs}次,不足换机所需次数"


def serial_status(frame: pd.DataFrame, policy, settings, serial, now) -> SerialStatus:
    key = serial_keys(pd.Series([serial], dtype=object)).iloc[0]
    if key == "":
        raise UdfInputError(f"序列号“{serial or ''}”为空或不是真实序列号,无法统计维修次数")
    mine = frame[serial_keys(frame["serial"]) == key].sort_values("reported_at", kind="stable")
    if mine.empty:
        return SerialStatus(0, False, None, "本工作簿中没有此序列号的服务单")
    probe = {f: mine[f].iloc[-1] for f in PROBE_FIELDS}
    probe.update(order_no="(今日来电)", service_type="维修", reported_at=pd.Timestamp(now))
    extra = pd.DataFrame([probe], index=[int(frame.index.max()) + 1])
    both = pd.concat([mine, extra.astype({c: mine[c].dtype for c in extra.columns if c in mine})])
    r = compute_frame(both, policy, settings).iloc[-1]
    if not r.computable:
        raise UdfInputError(r.reason)
    return SerialStatus(int(r.repair_count), bool(r.exchange_eligible), bool(r.in_warranty), r.warranty_rule)


def orders_for(caller, cache: RulesCache = ORDERS) -> pd.DataFrame:
    """The calling workbook's orders frame (read once per recalculation burst)."""
    if caller is None:
        raise UdfInputError("请在服务单工作簿中使用此函数(需要读取“服务单”工作表)")

    def load():
        from addin.excel.livebook import ExcelRows
        from addin.rules.loader import load_book
        reader = ExcelRows(caller.sheet.book)
        return load_book(reader, path=reader.path).orders.frame
    try:
        key = str(caller.sheet.book.fullname) + "|orders"
        return cache.get(key, load)
    except UdfInputError:
        raise
    except Exception as exc:  # noqa: BLE001 - a cell shows a reason, never a Python error
        raise UdfInputError(f"无法读取本工作簿的服务单({type(exc).__name__}),请点“校验”查看") from None
