"""A small known month for the report tests: eight orders (seven reported in October 2026) written
into a real workbook with openpyxl, loaded by addin.rules.loader and priced by the real fee engine
(addin.rules.fees.compute) — no hand-made fee numbers. The stories each order tells, and what the
engine gives for it under the default policy (worked out by hand; the tests assert them):

row order  what                                                      engine (三包 · customer · factory claim)
 2  FW001  空调 repair, bought 2026-01-20, 2nd repair of unit S1     整机保修 · 0 · 100 labour + 80 parts = 180
 3  FW002  空调 repair, 45 km away, arrived after 22 h (县城: 12 h)   整机保修 · 0 · 100 + 15 km × 1 = 115, late
 4  FW003  电视 installation, 7 days after purchase                   整机保修 (install: no 退货期) · 0 · 50
 5  FW004  洗衣机 repair, bought 2024-01-10: out of warranty;          保外 · 50 parts + 80 labour + 12.5 travel
           42.5 km, visit 20:30–21:30 (arrives before 21:00);            (12.5 km × 1) = 142.5, no night surcharge
           售后人员 blank
 6  FW005  空调 exchange 10 days after purchase, arrived after 6 h   换货期 · 0 · 50, late (省会: 4 h)
 7  FW006  September: S1's first repair                               (not in the October report)
 8  FW007  S1 again on 10-30, not yet visited                         整机保修, 3rd repair: exchange eligible · 0 ·
                                                                       100 held back (未完工), not claimed
 9  FW008  咨询 without 报修时间                                       not computable, in no month
Check issues: 售后人员 missing on row 5 (error), 报修时间 missing on row 9 (error); nothing else.
"""
from __future__ import annotations

from datetime import datetime
from pathlib import Path

from addin import clock
from addin.book.columns import COLUMNS

NOW = "2026-11-23"       # the clock the month is loaded on: October closed, no time in the future
D = datetime

# order_no, type, customer, phone, address, tier, category, model, serial, production, purchase,
# reported, first contact, arrived, left, km, reported fault, diagnosed fault, cause, solution,
# parts, parts fee, labour fee, rating, comment
KEYS = ("order_no", "service_type", "customer", "phone", "address", "city_tier", "category", "model", "serial",
        "production_date", "purchase_date", "reported_at", "first_contact", "arrived_at", "left_at", "distance_km",
        "reported_fault", "diagnosed_fault", "cause", "solution", "parts", "parts_fee", "labour_fee", "rating",
        "comment")
ROWS = [
    ("FW001", "维修", "张三", "13812345678", "湖南省长沙市岳麓区麓山路12号", "省会", "空调", "KFR-35GW", "S1",
     D(2026, 1, 10), D(2026, 1, 20), D(2026, 10, 3, 9), D(2026, 10, 3, 9, 30), D(2026, 10, 3, 12),
     D(2026, 10, 3, 14), 12, "不制冷", "压缩机不启动", "制冷剂不足", "更换压缩机", "压缩机", 80, 0, "满意",
     "=HYPERLINK(\"http://x\")"),
    ("FW002", "维修", "李四光", "0731-84567890", "湖南省邵阳市隆回县桃洪镇解放路5号", "县城", "空调", "KFR-35GW", "S2",
     D(2026, 1, 20), D(2026, 3, 1), D(2026, 10, 5, 10), D(2026, 10, 5, 12), D(2026, 10, 6, 8), D(2026, 10, 6, 9),
     45, "不制冷", "压缩机不启动", "压缩机损坏", "更换压缩机", "压缩机", 0, 0, "不满意", "+86 太慢"),
    ("FW003", "安装", "王五", "13900001111", "湖南省长沙市雨花区韶山路1号", "省会", "电视", "L55M5", "S3",
     D(2026, 5, 1), D(2026, 10, 1), D(2026, 10, 8, 9), None, D(2026, 10, 8, 11), D(2026, 10, 8, 12),
     5, "新机安装", None, None, "安装调试", None, None, None, "非常满意", None),
    ("FW004", "维修", "赵六", "13700002222", "湖南省株洲市芦淞区建设路3号", "地级市", "洗衣机", "XQB80", "S4",
     D(2023, 12, 15), D(2024, 1, 10), D(2026, 10, 12, 15), D(2026, 10, 12, 15, 30), D(2026, 10, 12, 20, 30),
     D(2026, 10, 12, 21, 30), 42.5, "不脱水", "排水泵堵塞", "排水泵堵", "清理排水泵", "排水泵", 50, 80, None,
     "@sum"),
    ("FW005", "退换货", "长沙市某某电器有限公司", "13600003333", "湖南省长沙市开福区湘江路8号", "省会", "空调",
     "KFR-35GW", "S5", D(2026, 1, 10), D(2026, 10, 10), D(2026, 10, 20, 9), D(2026, 10, 20, 9, 10),
     D(2026, 10, 20, 15), D(2026, 10, 20, 16), 8, "漏水", "蒸发器漏", "焊点漏", "换新机", None, None, None,
     "一般", "-换机"),
    ("FW006", "维修", "钱七", "13500004444", "湖南省长沙市岳麓区银盆路9号", "省会", "空调", "KFR-35GW", "S1",
     D(2026, 1, 10), D(2026, 1, 20), D(2026, 9, 28, 9), D(2026, 9, 28, 9, 20), D(2026, 9, 28, 10),
     D(2026, 9, 28, 11), 12, "不制冷", "缺氟", "制冷剂不足", "加氟", None, 0, 0, "满意", None),
    ("FW007", "维修", "孙八", "13400005555", "湖南省长沙市天心区书院路2号", "省会", "空调", "KFR-35GW", "S1",
     D(2026, 1, 10), D(2026, 1, 20), D(2026, 10, 30, 9), None, None, None, 12, "不制冷", None, None, None,
     None, None, None, None, None),
    ("FW008", "咨询", "周九", "13300006666", "湖南省长沙市岳麓区", "省会", "电视", "L55M5", None,
     None, None, None, None, None, None, None, "遥控器怎么配对", None, None, None, None, None, None, None, None),
]
TECHNICIANS = ["王师傅", "王师傅", "李师傅", None, "李师傅", "王师傅", "王师傅", "李师傅"]   # FW004: the error
ORDERS = [dict(zip(KEYS, row), technician=tech) for row, tech in zip(ROWS, TECHNICIANS)]


def write_workbook(path: Path, orders=ORDERS, extra: dict | None = None) -> Path:
    """A dealer workbook: sheet 服务单 (canonical headers) holding `orders`, `extra` written over
    them (field → a value per order, or {order index: value}), and the default policy's sheets."""
    from openpyxl import Workbook

    from tests.conftest import policy_sheets
    orders = [dict(o) for o in orders]
    for f, values in (extra or {}).items():
        for i, v in (values.items() if isinstance(values, dict) else enumerate(values)):
            orders[i][f] = v
    wb = Workbook()
    ws = wb.active
    ws.title = "服务单"
    ws.append([c.header for c in COLUMNS])
    for o in orders:
        ws.append([o.get(c.field) for c in COLUMNS])
        for cell in ws[ws.max_row]:
            if cell.data_type == "f":          # text a clerk typed that looks like a formula stays text
                cell.data_type = "s"
    for name, rows in policy_sheets().items():
        sheet = wb.create_sheet(name)
        for row in rows:
            sheet.append(list(row))
    wb.save(path)
    return path


def load(path: Path):
    """The workbook loaded (and checked) on NOW."""
    from addin.rules.loader import load_workbook
    with clock.frozen(NOW):
        return load_workbook(path)


def october(folder: Path, extra: dict | None = None) -> tuple:
    """(loaded workbook, the fee engine's result) for the month's workbook written into `folder`."""
    from addin.rules.fees import compute
    wb = load(write_workbook(Path(folder) / "服务单.xlsx", extra=extra))
    return wb, compute(wb)


def summary(folder: Path, extra: dict | None = None, more_issues=(), **kwargs):
    """summary.summarize of October on the real loaded workbook: its frame, its check issues (plus
    `more_issues`), its error rows and the fee engine's result."""
    from addin.book.policy import Policy
    from addin.report.summary import summarize
    wb, fees = october(folder, extra)
    kwargs.setdefault("policy", Policy())
    return summarize(wb.orders.frame, fees, "2026-10", issues=[*wb.issues, *more_issues],
                     error_rows=wb.error_rows, sheet=wb.orders.sheet, **kwargs)

