"""The parsed service-order sheet: a typed frame for bulk work, records for one order.

`OrderSheet.frame` is a pandas DataFrame, one row per order, index = the Excel row number
(1-based) the order came from, one column per field of `columns.COLUMNS` (English names):
- text, phone and choice fields: python str or None (phone normalised: digits, landlines as
  0xxx-xxxxxxx[-ext]; choice values stripped but otherwise as typed, even when invalid);
- date fields: datetime64 (midnight), NaT when empty or unreadable;
- datetime fields: datetime64, NaT when empty or unreadable;
- int, number and money fields: float64 (money in yuan, parsed exactly from the text),
  NaN when empty or unreadable.
Unreadable values are reported as Issues by the parser; the cell itself is never changed.
`OrderSheet.cols` maps a field to its 1-based column in the sheet (only fields present).
"""
from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import date, datetime
from decimal import Decimal

import pandas as pd

from addin.book.columns import BY_FIELD, DATE, DATETIME, FIELDS, INT, MONEY, NUMBER
from addin.book.issues import CellRef


@dataclass
class OrderSheet:
    sheet: str
    header_row: int
    cols: dict[str, int]                  # field → 1-based column number
    frame: pd.DataFrame
    headers: dict[int, str] = field(default_factory=dict)  # column number → header as typed
    unreadable: dict[str, set[int]] = field(default_factory=dict)  # field → rows typed but unreadable

    def present(self, fld: str) -> pd.Series:
        """True where the cell holds something (even if it could not be read)."""
        mask = self.frame[fld].notna()
        bad = self.unreadable.get(fld)
        if bad:
            mask = mask | self.frame.index.isin(list(bad))
        return mask

    def cell(self, row: int, fld: str) -> CellRef:
        """Where a field of an order lives (the first column if the field is absent)."""
        return CellRef(self.sheet, row, self.cols.get(fld, 1))

    def header(self, fld: str) -> str:
        return BY_FIELD[fld].header if fld in BY_FIELD else fld

    def records(self) -> list["ServiceOrder"]:
        return [ServiceOrder.from_row(self.sheet, row, values)
                for row, values in zip(self.frame.index, self.frame.to_dict("records"))]


@dataclass(frozen=True)
class ServiceOrder:
    """One service order as typed values, remembering the row it came from."""

    where: CellRef
    order_no: str | None = None
    service_type: str | None = None
    customer: str | None = None
    phone: str | None = None
    address: str | None = None
    city_tier: str | None = None
    category: str | None = None
    model: str | None = None
    serial: str | None = None
    production_date: date | None = None
    purchase_date: date | None = None
    claimed_warranty: str | None = None
    usage: str | None = None
    reported_at: datetime | None = None
    first_contact: datetime | None = None
    arrived_at: datetime | None = None
    left_at: datetime | None = None
    technician: str | None = None
    staff_count: int | None = None
    labour_hours: float | None = None
    distance_km: float | None = None
    reported_fault: str | None = None
    diagnosed_fault: str | None = None
    cause: str | None = None
    cause_class: str | None = None
    solution: str | None = None
    parts: str | None = None
    customer_agreed: str | None = None
    parts_fee: Decimal | None = None
    labour_fee: Decimal | None = None
    other_service: str | None = None
    rating: str | None = None
    comment: str | None = None
    visit_date: date | None = None
    visit_result: str | None = None
    standby_lent: str | None = None
    standby_returned: date | None = None
    verified: str | None = None
    brand: str | None = None

    @classmethod
    def from_row(cls, sheet: str, row: int, values: dict) -> "ServiceOrder":
        kwargs = {}
        for f in FIELDS:
            v = values.get(f)
            if v is None or (not isinstance(v, str) and pd.isna(v)):
                kwargs[f] = None
                continue
            kind = BY_FIELD[f].kind
            if kind == DATE:
                v = pd.Timestamp(v).date()
            elif kind == DATETIME:
                v = pd.Timestamp(v).to_pydatetime()
            elif kind == INT:
                v = int(v)
            elif kind == MONEY:
                v = Decimal(f"{float(v):.2f}")
            elif kind == NUMBER:
                v = float(v)
            kwargs[f] = v
        return cls(where=CellRef(sheet, int(row), 1), **kwargs)


assert {f.name for f in fields(ServiceOrder)} - {"where"} == set(FIELDS)
