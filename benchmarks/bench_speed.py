"""Benchmark: `check` on a 100,000-order workbook against the bare read of the same file.

Run: python benchmarks/bench_check.py [--orders 100000] [--repeat 3] [--keep FILE]

Builds the workbook with the template writer (a realistic mix of orders with ~1 % mistakes),
then times, each in a fresh Python process (so peak memory is per step): the bare read with
fastexcel (→ Arrow) and with python-calamine (→ Python lists), and the full check
(vet + read + parse + every rule). Imports are done before the clock starts. Prints medians
and peak RSS; target: check ≤ 2 × bare read.
"""
from __future__ import annotations

import argparse
import json
import random
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# step → (imports, not timed; the work, timed)
STEPS = {
    "fastexcel": ("import fastexcel", "fastexcel.read_excel(PATH).load_sheet_by_name('服务单').to_arrow()"),
    "calamine": ("import python_calamine as pc",
                 "pc.CalamineWorkbook.from_path(PATH).get_sheet_by_name('服务单').to_python(skip_empty_area=False)"),
    "check": ("from addin.rules.loader import load_workbook", "wb = load_workbook(PATH); assert len(wb.orders.frame) > 0"),
    "check+fees": ("from addin.rules.loader import load_workbook; from addin.rules.fees import compute",
                   "wb = load_workbook(PATH); compute(wb)"),
}


def make_orders(n: int, seed: int = 7) -> list[dict]:
    """n orders over a year, all categories and service types, about 1 % with a mistake."""
    rnd = random.Random(seed)
    cats = ["电视", "冰箱", "洗衣机", "空调", "热水器", "微波炉"]
    types = ["维修"] * 6 + ["安装"] * 3 + ["保养", "退换货", "咨询"]
    start = datetime(2025, 11, 1, 8, 0)
    orders = []
    for i in range(n):
        reported = start + timedelta(minutes=rnd.randrange(0, 365 * 24 * 60))
        arrived = reported + timedelta(hours=rnd.uniform(0.5, 20))
        left = arrived + timedelta(hours=rnd.uniform(0.3, 3))
        purchase = reported - timedelta(days=rnd.randrange(1, 1500))
        stype = rnd.choice(types)
        order = {
            "order_no": f"FW{i:07d}", "service_type": stype, "customer": rnd.choice("张王李赵刘陈杨黄") + "先生",
            "phone": f"13{rnd.randrange(10**8, 10**9)}", "address": f"某县城关镇人民路{rnd.randrange(1, 300)}号",
            "city_tier": rnd.choice(["县城", "乡镇", "地级市"]), "category": rnd.choice(cats),
            "model": f"M{rnd.randrange(100, 999)}", "serial": f"SN{rnd.randrange(10**9)}",
            "production_date": purchase - timedelta(days=rnd.randrange(10, 200)),
            "purchase_date": purchase.date(),
            "claimed_warranty": "是" if (reported - purchase).days < 365 else "否", "reported_at": reported,
            "first_contact": reported + timedelta(minutes=rnd.randrange(5, 120)),
            "arrived_at": arrived, "left_at": left, "technician": rnd.choice(["王师傅", "李师傅", "赵师傅"]),
            "staff_count": 1, "labour_hours": round((left - arrived).total_seconds() / 3600 * 0.8, 1),
            "distance_km": rnd.randrange(0, 60), "reported_fault": "不制冷", "diagnosed_fault": "压缩机故障",
            "cause": "元件老化", "solution": "更换配件", "parts": rnd.choice(["电源板", "遥控器", "门封条", ""]),
            "customer_agreed": "是", "parts_fee": rnd.choice([0, 120, 350.5]), "labour_fee": rnd.choice([0, 50, 80]),
            "rating": rnd.choice(["非常满意", "满意", "一般"]), "comment": "",
        }
        if rnd.random() < 0.01:
            order[rnd.choice(["phone", "labour_fee", "arrived_at"])] = rnd.choice(["12345", "八十", "2025-13-01"])
        orders.append(order)
    return orders


def run_step(step: str, path: Path) -> tuple[float, float]:
    """Seconds and peak RSS (MiB) of one step in a fresh interpreter."""
    setup, work = STEPS[step]
    code = (f"import time, resource, json; {setup}; PATH = {str(path)!r}; t = time.perf_counter(); "
            f"{work}; dt = time.perf_counter() - t; "
            "print(json.dumps([dt, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024]))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    return tuple(json.loads(out.stdout.strip().splitlines()[-1]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--orders", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--keep", type=Path, help="keep the generated workbook here")
    parser.add_argument("--steps", default="fastexcel,calamine,check,check+fees")
    args = parser.parse_args()
    from addin.book.template import write_workbook

    path = args.keep or Path(tempfile.mkdtemp()) / "bench.xlsx"
    t = time.perf_counter()
    write_workbook(path, make_orders(args.orders))
    print(f"built {args.orders:,} orders in {time.perf_counter() - t:.1f} s → {path} "
          f"({path.stat().st_size / 1e6:.1f} MB)")
    results = {}
    for step in args.steps.split(","):
        runs = [run_step(step, path) for _ in range(args.repeat)]
        results[step] = (statistics.median(r[0] for r in runs), max(r[1] for r in runs))
        print(f"{step:12s} median {results[step][0]:6.2f} s   peak RSS {results[step][1]:7.0f} MiB")
    for bare in ("fastexcel", "calamine"):
        if bare in results and "check" in results:
            print(f"check / {bare} bare read = {results['check'][0] / results[bare][0]:.2f}×")


if __name__ == "__main__":
    main()
