"""Time the packs' analysis of a 100,000-order year: cause classes, fault grouping, the month summary
with its 12-month history (python benchmarks/bench_analysis.py)."""
import time
import pandas as pd
from addin.demo.data import demo_orders
from addin.book.vocab import Vocab, classify, fault_names
from addin.report.summary import summarize
from addin.book.policy import Policy
demo = demo_orders("2026-10")
base = pd.DataFrame(demo.orders)
frame = pd.concat([base] * (100_000 // len(base) + 1), ignore_index=True).iloc[:100_000]
frame["order_no"] = [f"FW{i:07d}" for i in range(len(frame))]
for c in ("reported_at", "production_date", "purchase_date", "left_at", "arrived_at", "first_contact"):
    frame[c] = pd.to_datetime(frame[c], errors="coerce")
for c in ("parts_fee", "labour_fee"):
    frame[c] = pd.to_numeric(frame[c], errors="coerce")
t = time.perf_counter(); classify(frame, Vocab()); t1 = time.perf_counter() - t
t = time.perf_counter(); fault_names(frame, Vocab()); t2 = time.perf_counter() - t
t = time.perf_counter(); s = summarize(frame, None, "2026-10", policy=Policy()); t3 = time.perf_counter() - t
print(f"classify 100k: {t1:.2f} s; fault_names 100k: {t2:.2f} s; summarize (incl. 12-month history): {t3:.2f} s; month orders {len(s.orders)}")
