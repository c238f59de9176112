"""Build orders frames by hand with the dtypes documented in addin/records.py (for the fee
and warranty tests; the loader's own tests build real workbooks)."""
from __future__ import annotations

import numpy as np
import pandas as pd

from addin.book.columns import COLUMNS, DATE, DATETIME, INT, MONEY, NUMBER

BASE = {
    "order_no": "FW1", "service_type": "维修", "customer": "张三", "phone": "13812345678",
    "address": "长沙市岳麓区1号", "city_tier": "县城", "category": "电视", "model": "55V8",
    "serial": "SN1", "production_date": "2025-01-01", "purchase_date": "2025-03-01",
    "reported_at": "2025-10-05 09:30", "arrived_at": "2025-10-05 14:00",
    "left_at": "2025-10-05 15:00", "technician": "李师傅", "staff_count": 1,
    "labour_hours": 1, "distance_km": 10, "parts": "", "customer_agreed": "是",
    "parts_fee": 0, "labour_fee": 80,
}


def frame(*rows: dict, first_row: int = 2) -> pd.DataFrame:
    """One order per dict (over BASE); index = Excel rows from first_row."""
    records = [{**BASE, "order_no": f"FW{i + 1}", **r} for i, r in enumerate(rows)]
    index = pd.RangeIndex(first_row, first_row + len(records))
    data = {}
    for col in COLUMNS:
        raw = [r.get(col.field) for r in records]
        if col.kind in (DATE, DATETIME):
            s = pd.to_datetime(pd.Series(raw, index=index, dtype=object), errors="coerce", format="mixed")
            data[col.field] = s.dt.normalize() if col.kind == DATE else s
        elif col.kind in (INT, NUMBER, MONEY):
            data[col.field] = pd.Series([np.nan if v is None else float(v) for v in raw],
                                        index=index, dtype="float64")
        else:
            data[col.field] = pd.Series([None if v in (None, "") else str(v) for v in raw],
                                        index=index, dtype=object)
    return pd.DataFrame(data, index=index)
