"""What one printed service order (表7-27) says, as plain data for addin.day.formpdf.

`order_forms(wb, order_nos)` → one OrderForm per order: its fields as display text, the 三包
verdict of the fee engine (ticked on the form), and the fee lines exactly as the engine
gives them (addin.rules.fees: travel, night and total from `compute`, parts and labour from
its `customer_fees` on the same verdicts) — the printer never computes a fee itself.
`blank_numbers(wb, n)` → order numbers for blank forms, continuing the workbook's numbering and
the numbers printed on earlier blanks (kept in a text file beside the workbook, `issued_path`).
Workbook text is untrusted: control characters are removed before it reaches the page.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from addin import clock
from addin.book.columns import COLUMNS, DATE, DATETIME, INT, MONEY, NUMBER
from addin.book.issues import WorkbookError

COPIES = ("客户联", "经销商存根联", "厂家结算联")
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
KINDS = {c.field: c.kind for c in COLUMNS}
FEE_LINES = (("parts", "配件费用"), ("labour", "工时费"), ("travel", "交通费"),
             ("night", "夜间加收"), ("total", "合计"))


@dataclass(frozen=True)
class OrderForm:
    """One order as printed. `fields`: field → text ('' when empty); `in_warranty`: the
    engine's verdict (None: not decided); `fees`: FEE_LINES key → yuan text, empty when the
    engine could not compute; `fee_note`: what the customer pays and why."""

    order_no: str
    row: int | None = None
    fields: dict[str, str] = field(default_factory=dict)
    in_warranty: bool | None = None
    verdict: str = ""
    fees: dict[str, str] = field(default_factory=dict)
    fee_note: str = ""
    claim: str = ""


def clean(value) -> str:
    """Display text of a cell value: no control characters, dates as 2026-10-05 (09:30)."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    if isinstance(value, pd.Timestamp):
        return value.strftime("%Y-%m-%d %H:%M" if (value.hour, value.minute) != (0, 0) else "%Y-%m-%d")
    if isinstance(value, float):
        return f"{value:g}"
    return CONTROL.sub("", str(value)).strip()


def _text(f: str, value) -> str:
    kind = KINDS.get(f)
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    if kind == DATE:
        return pd.Timestamp(value).strftime("%Y-%m-%d")
    if kind == DATETIME:
        return pd.Timestamp(value).strftime("%Y-%m-%d %H:%M")
    if kind == MONEY:
        return f"{float(value):.2f}"
    if kind in (INT, NUMBER):
        return f"{float(value):g}"
    return clean(value)


def _yuan(fen) -> str:
    return f"{int(fen) / 100:.2f}"


def engine_lines(wb, result: pd.DataFrame) -> pd.DataFrame:
    """The customer's fee lines in fen per order, from the fee engine (result = compute(wb))."""
    from addin.rules.fees import complete, customer_fees
    frame = complete(wb.orders.frame)
    in_w = result["in_warranty"].astype(object).eq(True)
    return customer_fees(frame, wb.policy, in_w, result["computable"].astype(bool))


def _verdict(in_w: bool | None, r) -> str:
    """保内(整机保修,至 2026-03-01) / 保外 / '' (not decided)."""
    if in_w is None:
        return ""
    if not in_w:
        return "保外"
    until = f",至 {r.warranty_until:%Y-%m-%d}" if pd.notna(r.warranty_until) else ""
    return f"保内({r.warranty_kind}{until})" if r.warranty_kind else "保内"


def _fees(in_w: bool | None, r, lines) -> tuple[dict[str, str], str]:
    if not r.computable:
        return {}, "费用待核算:" + clean(r.reason)
    if in_w:
        return {k: "0.00" for k, _ in FEE_LINES}, "三包期内免费"
    shown = {k: _yuan(lines[k]) for k, _ in FEE_LINES}
    if bool(lines["declined"]):
        return shown, "客户检测后不同意维修,不收任何费用"
    return shown, clean(r.explanation)


def _form(row: int, order: pd.Series, r, lines) -> OrderForm:
    in_w = {True: True, False: False}.get(r.in_warranty)      # None when not decided
    fees, note = _fees(in_w, r, lines)
    claim = f"{float(r.factory_claim):.2f}" if in_w and pd.notna(r.factory_claim) else ""
    fields = {f: _text(f, order.get(f)) for f in KINDS}
    if fields["standby_lent"] == "是":          # the dealer's unit in the customer's home, on paper
        back = fields["standby_returned"]
        fields["other_service"] = ";".join(x for x in (fields["other_service"], "借用备用机" + (
            f"(已于 {back} 归还)" if back else "(修好送回时收回)")) if x)
    return OrderForm(clean(order["order_no"]), int(row), fields, in_w, _verdict(in_w, r), fees, note, claim)


def order_forms(wb, order_nos: list[str], result: pd.DataFrame | None = None) -> list[OrderForm]:
    """The forms of the given order numbers, in the order asked (a number on several rows
    gives one form per row). Raises WorkbookError `order-not-found` naming the missing ones."""
    from addin.rules.fees import compute
    frame = wb.orders.frame
    numbers = frame["order_no"].map(clean)
    missing = [n for n in order_nos if not (numbers == n.strip()).any()]
    if missing:
        raise WorkbookError("order-not-found", f"工作簿“{wb.orders.sheet}”表中没有服务单编号 "
                            + "、".join(missing) + ",请核对编号(不打印任何一张)。")
    result = compute(wb) if result is None else result
    lines = engine_lines(wb, result)
    rows = [r for n in dict.fromkeys(x.strip() for x in order_nos) for r in frame.index[numbers == n]]
    return [_form(row, frame.loc[row], result.loc[row], lines.loc[row]) for row in rows]


def issued_path(wb_path: Path | str) -> Path:
    """The text file beside the workbook listing the numbers already printed on blank forms."""
    p = Path(wb_path)
    return p.with_name(p.stem + "_已印空白单号.txt")


def issued_numbers(path: Path) -> list[str]:
    return [line.strip() for line in path.read_text(encoding="utf-8").splitlines()
            if line.strip()] if path.is_file() else []


def blank_numbers(wb, n: int, prefix: str | None = None, issued=()) -> list[str]:
    """`n` order numbers for blank forms: PREFIX + a running number after the largest one with
    that prefix in the workbook or among `issued` (numbers printed on earlier blanks); default
    prefix FW + this month, e.g. FW202610, 3 digits: FW202610001 …"""
    prefix = prefix or f"FW{clock.today():%Y%m}"
    numbers = pd.concat([wb.orders.frame["order_no"].map(clean), pd.Series(list(issued), dtype=object)])
    tails = numbers[numbers.str.startswith(prefix, na=False)].str[len(prefix):]
    tails = tails[tails.str.fullmatch(r"\d+", na=False)]
    width = max([3, *tails.str.len()])
    start = int(tails.astype("int64").max()) + 1 if len(tails) else 1
    return [f"{prefix}{k:0{width}d}" for k in range(start, start + n)]
