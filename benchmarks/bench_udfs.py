"""Benchmark: worksheet functions filled down cell by cell against one formula for the column.

Run: python benchmarks/bench_udfs.py [--rows 1000] [--repeat 5] [--functions SVC_TRAVEL_FEE,...]

For each function: the Python time of `rows` single-cell calls (what Excel spends when the
formula is filled down `rows` rows: one engine run per cell) against one call with the
whole columns (what =SVC_TRAVEL_FEE(U2:U1001) costs: one engine run), as xlwings hands the
arguments over (a column as [[v], …], dates as datetime). Both use the defaults (no calling
workbook; with one, addin.excel.udf_policy reads its tables once per recalculation either way).
Checks that both give the same values. Prints seconds: per-cell total once (it is long),
the column call as a median of --repeat. Excel's own per-call overhead (COM, VBA wrapper)
comes on top for every cell, so the real gap is larger.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from addin.excel import udfs  # noqa: E402
from bench_speed import make_orders  # noqa: E402

CALLS = {   # function → the order fields of its arguments, in order
    "SVC_TRAVEL_FEE": ("distance_km",),
    "SVC_WARRANTY": ("category", "purchase_date", "production_date", "reported_at", "parts"),
    "SVC_CUSTOMER_TOTAL": ("claimed_warranty", "parts_fee", "labour_fee", "distance_km", "arrived_at",
                           "left_at"),
    "SVC_LATE": ("reported_at", "arrived_at", "city_tier"),
}


def columns(rows: list[dict], fields) -> list[list[list]]:
    return [[[r[f]] for r in rows] for f in fields]


def bench(name: str, rows: list[dict], repeat: int) -> tuple[float, float]:
    fn, fields = getattr(udfs, name), CALLS[name]
    start = time.perf_counter()
    cells = [fn(*[r[f] for f in fields]) for r in rows]
    per_cell = time.perf_counter() - start
    args, times, column = columns(rows, fields), [], None
    for _ in range(repeat):
        start = time.perf_counter()
        column = fn(*args)
        times.append(time.perf_counter() - start)
    if column != [[c] for c in cells]:
        raise SystemExit(f"{name}: the column differs from the single cells")
    return per_cell, statistics.median(times)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=1000)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--functions", default=",".join(CALLS))
    args = ap.parse_args()
    rows = make_orders(args.rows)
    print(f"{args.rows:,} rows: filled down (one call per cell) vs one formula for the column")
    for name in args.functions.split(","):
        per_cell, column = bench(name, rows, args.repeat)
        print(f"  {name:<20} per cell {per_cell:6.2f} s ({per_cell / args.rows * 1000:5.1f} ms/cell)"
              f"   column {column * 1000:6.1f} ms   ×{per_cell / column:,.0f}")


if __name__ == "__main__":
    main()
