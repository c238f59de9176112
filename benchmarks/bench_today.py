"""Benchmark: today's work lists (addin.day.lists) and the 今日工作 sheet on 100,000 orders.

Run: python benchmarks/bench_today.py [--orders 100000] [--repeat 3]

Builds the orders frame in memory (bench_fees' orders), computes the fees once, then times
`work_lists` and `today_sheet` with the clock set to the day after the last report. Prints
medians in seconds and the length of each list.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path
from types import SimpleNamespace

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from addin import clock  # noqa: E402
from addin.book.policy import Policy  # noqa: E402
from addin.book.settings import Settings  # noqa: E402
from addin.day.lists import today_sheet, work_lists  # noqa: E402
from addin.rules.fees import compute_frame  # noqa: E402
from bench_fees import as_frame, orders, timed  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--orders", type=int, default=100_000)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    frame = as_frame(orders(args.orders))
    fees = compute_frame(frame, Policy(), Settings())
    wb = SimpleNamespace(orders=SimpleNamespace(frame=frame), settings=Settings())
    last = frame["reported_at"].max()
    now = (last + (last - frame["reported_at"].min()) / 365).floor("min").to_pydatetime()
    clock.set_now(now)
    secs, day = timed(lambda: work_lists(wb, fees, clock.now()), args.repeat)
    print(f"work_lists, {len(frame):,} orders: {secs:.2f} s (median of {args.repeat})")
    print("  " + ", ".join(w.table.title for w in day.lists))
    secs, _ = timed(lambda: today_sheet(day, "服务单"), args.repeat)
    print(f"today_sheet: {secs:.2f} s")


if __name__ == "__main__":
    main()
