"""Small known orders for the report tests: frames with the documented dtypes (records.py),
a hand-made fees frame (the columns of fees.compute, docs/architecture.md), and a workbook written with openpyxl."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from addin.book.columns import BY_FIELD, COLUMNS, DATE, DATETIME, FIELDS, INT, MONEY, NUMBER

T = pd.Timestamp

# order_no, type, customer, phone, address, tier, category, model, serial, prod, purchase,
# reported, arrived, left, fault, diagnosed, rating, comment
ORDERS = [
    ("FW001", "维修", "张三", "13812345678", "湖南省长沙市岳麓区麓山路12号", "省会", "空调", "KFR-35GW", "S1",
     "2026-01-10", "2026-09-25", "2026-10-03 09:00", "2026-10-03 12:00", "2026-10-03 14:00",
     "不制冷", "压缩机不启动", "满意", "=HYPERLINK(\"http://x\")"),
    ("FW002", "维修", "李四光", "0731-84567890", "湖南省邵阳市隆回县桃洪镇解放路5号", "县城", "空调", "KFR-35GW", "S2",
     "2026-01-20", "2026-03-01", "2026-10-05 10:00", "2026-10-06 08:00", "2026-10-06 09:00",
     "不制冷", "压缩机不启动", "不满意", "+86 太慢"),
    ("FW003", "安装", "王五", "13900001111", "湖南省长沙市雨花区韶山路1号", "省会", "电视", "L55M5", "S3",
     "2026-05-01", "2026-10-01", "2026-10-08 09:00", "2026-10-08 11:00", "2026-10-08 12:00",
     None, None, "非常满意", None),
    ("FW004", "维修", "赵六", "13700002222", "湖南省株洲市芦淞区建设路3号", "地级市", "洗衣机", "XQB80", "S4",
     "2025-12-15", None, "2026-10-12 15:00", "2026-10-12 18:00", "2026-10-12 19:00",
     "不脱水", None, None, "@sum"),
    ("FW005", "退换货", "长沙市某某电器有限公司", "13600003333", "湖南省长沙市开福区湘江路8号", "省会", "空调", "KFR-35GW",
     "S5", "2026-01-10", "2026-10-10", "2026-10-20 09:00", "2026-10-20 15:00", "2026-10-20 16:00",
     "漏水", "蒸发器漏", "一般", "-换机"),
    ("FW006", "维修", "钱七", "13500004444", "湖南省长沙市岳麓区银盆路9号", "省会", "空调", "KFR-35GW", "S1",
     "2026-01-10", "2026-09-25", "2026-09-28 09:00", "2026-09-28 10:00", "2026-09-28 11:00",
     "不制冷", "缺氟", "满意", None),                      # September: not in October
    ("FW007", "维修", "孙八", "13400005555", "湖南省长沙市天心区书院路2号", "省会", "空调", "KFR-35GW", "S1",
     "2026-01-10", "2026-09-25", "2026-10-30 09:00", None, None,
     "不制冷", None, None, None),                          # open: not yet visited
    ("FW008", "咨询", "周九", "13300006666", "湖南省长沙市岳麓区", "省会", "电视", "L55M5", None,
     None, None, None, None, None, None, None, None, None),  # no 报修时间: unplaced
]
KEYS = ("order_no", "service_type", "customer", "phone", "address", "city_tier", "category", "model", "serial",
        "production_date", "purchase_date", "reported_at", "arrived_at", "left_at", "reported_fault",
        "diagnosed_fault", "rating", "comment")


def frame(orders=ORDERS) -> pd.DataFrame:
    """An OrderSheet-like frame (index = Excel row, from 2) with the documented dtypes."""
    recs = [dict(zip(KEYS, o)) for o in orders]
    df = pd.DataFrame({f: [r.get(f) for r in recs] for f in FIELDS}, index=range(2, 2 + len(recs)))
    for f in FIELDS:
        kind = BY_FIELD[f].kind
        if kind in (DATE, DATETIME):
            df[f] = pd.to_datetime(df[f]).astype("datetime64[ns]")
        elif kind in (INT, NUMBER, MONEY):
            df[f] = pd.to_numeric(df[f]).astype("float64")
        else:
            df[f] = df[f].astype(object)
    df["technician"] = ["王师傅", "王师傅", "李师傅", None, "李师傅", "王师傅", "王师傅", "李师傅"]  # FW004: error
    df["cause"] = ["制冷剂不足", None, None, "排水泵堵", "焊点漏", None, None, None]
    df["solution"] = ["更换压缩机", "更换压缩机", "安装调试", "清理排水泵", "换新机", "加氟", None, None]
    df["parts_fee"] = [0, 0, 0, 50, 0, 0, np.nan, np.nan]
    df["labour_fee"] = [0, 0, 0, 80, 0, 0, np.nan, np.nan]
    return df


def fees(df: pd.DataFrame) -> pd.DataFrame:
    """Fee results as the fee engine would give them for `frame()` (hand-computed)."""
    rows = {
        2: (True, "整机保修", 2, 0.0, 0.0, 0.0, 180.0, 3.0, 4, False),
        3: (True, "整机保修", 1, 0.0, 0.0, 0.0, 100.0, 22.0, 12, True),
        4: (True, "整机保修", 0, 0.0, 0.0, 0.0, 50.0, 2.0, 4, False),
        5: (False, "保外", 1, 12.5, 40.0, 182.5, 0.0, 3.0, 12, False),
        6: (True, "换货期", 1, 0.0, 0.0, 0.0, 50.0, 6.0, 4, True),
        7: (True, "整机保修", 1, 0.0, 0.0, 0.0, 100.0, 1.0, 4, False),
        8: (None, None, 3, np.nan, np.nan, np.nan, np.nan, np.nan, 4, None),
        9: (None, None, 0, np.nan, np.nan, np.nan, np.nan, np.nan, 4, None),
    }
    cols = ("in_warranty", "warranty_kind", "repair_count", "travel_fee", "night_surcharge", "customer_total",
            "factory_claim", "onsite_hours", "promise_hours", "late")
    out = pd.DataFrame.from_dict(rows, orient="index", columns=cols).reindex(df.index)
    out["in_warranty"] = out["in_warranty"].astype(object).where(out["in_warranty"].notna(), None)
    out["late"] = out["late"].astype(object).where(out["late"].notna(), None)
    out["exchange_eligible"] = [False, False, False, False, True, False, True, False]
    out["response_hours"] = [0.5, 2.0, np.nan, 0.5, 0.2, np.nan, np.nan, np.nan]
    out["order_no"] = df["order_no"]
    out["computable"] = out["in_warranty"].map(lambda v: v is not None)
    return out


def write_workbook(path: Path, orders=ORDERS, extra=None) -> Path:
    """A dealer workbook (sheet 服务单 with canonical headers) holding `frame(orders)`."""
    from openpyxl import Workbook
    df = frame(orders)
    if extra:
        for f, values in extra.items():
            df[f] = values
    wb = Workbook()
    ws = wb.active
    ws.title = "服务单"
    ws.append([c.header for c in COLUMNS])
    for _, row in df.iterrows():
        ws.append([_cell(row[c.field]) for c in COLUMNS])
    wb.save(path)
    return path


def _cell(v):
    if v is None or (not isinstance(v, str) and pd.isna(v)):
        return None
    if isinstance(v, pd.Timestamp):
        return v.to_pydatetime()
    return v
