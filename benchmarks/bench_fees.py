"""Benchmark: the fee engine (warranty verdicts, fees, claims, promises, explanations) on
100,000 orders, and what it adds to `check` on the same workbook.

Run: python benchmarks/bench_fees.py [--orders 100000] [--repeat 3] [--workbook]

1. Builds the orders frame in memory (the dtypes of records.py; orders from bench_speed's
   generator, serials drawn from a pool so about a third of the machines come back) and
   times `compute_frame` — the engine alone.
2. With --workbook: writes the same orders as an .xlsx with the template writer, then times
   `load_workbook` (the check) and `compute` on the loaded workbook in the same process.
Prints medians in seconds.
"""
from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from addin.book.columns import COLUMNS, DATE, DATETIME, INT, MONEY, NUMBER  # noqa: E402
from addin.rules.fees import compute, compute_frame  # noqa: E402
from addin.book.policy import Policy  # noqa: E402
from addin.book.settings import Settings  # noqa: E402
from bench_speed import make_orders  # noqa: E402


def orders(n: int) -> list[dict]:
    rnd = random.Random(11)
    out = make_orders(n)
    for o in out:
        o["serial"] = f"SN{rnd.randrange(int(n * 0.6))}"
        o["distance_km"] = round(rnd.uniform(0, 60), 1)
        o["parts_fee"], o["labour_fee"] = rnd.choice([0, 35.5, 120, 480]), rnd.choice([0, 50, 80])
    return out


def as_frame(rows: list[dict]) -> pd.DataFrame:
    df = pd.DataFrame(rows, index=pd.RangeIndex(2, len(rows) + 2))
    for c in COLUMNS:
        if c.field not in df:
            df[c.field] = None
        if c.kind in (DATE, DATETIME):
            df[c.field] = pd.to_datetime(df[c.field], errors="coerce", format="mixed").astype("datetime64[ns]")
            if c.kind == DATE:
                df[c.field] = df[c.field].dt.normalize()
        elif c.kind in (INT, NUMBER, MONEY):
            df[c.field] = pd.to_numeric(df[c.field], errors="coerce").astype("float64")
    return df[[c.field for c in COLUMNS]]


def timed(fn, repeat: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--orders", type=int, default=100_000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--workbook", action="store_true", help="also time check and check+fees on an .xlsx")
    args = ap.parse_args()
    rows = orders(args.orders)
    frame = as_frame(rows)
    secs, result = timed(lambda: compute_frame(frame, Policy(), Settings()), args.repeat)
    print(f"compute_frame, {len(frame):,} orders: {secs:.2f} s (median of {args.repeat})")
    print(f"  in warranty {int((result.in_warranty == True).sum()):,}, "  # noqa: E712
          f"exchange-eligible {int(result.exchange_eligible.sum()):,}, late {int((result.late == True).sum()):,}")  # noqa: E712
    if args.workbook:
        from addin.rules.loader import load_workbook
        from addin.book.template import write_workbook
        with tempfile.TemporaryDirectory() as tmp:
            path = write_workbook(Path(tmp) / "bench.xlsx", rows)
            load_s, wb = timed(lambda: load_workbook(path), args.repeat)
            fees_s, _ = timed(lambda: compute(wb), args.repeat)
            print(f"check (load_workbook): {load_s:.2f} s; compute on the loaded workbook: {fees_s:.2f} s "
                  f"(+{fees_s / load_s:.0%} of the check)")


if __name__ == "__main__":
    main()
