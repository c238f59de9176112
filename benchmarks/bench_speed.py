"""Benchmark: `check --json`, `fees --json` and `report` of the busiest month on three shapes of
a 100,000-order workbook, each as a ratio to the bare fastexcel read of the same file.

Run: python benchmarks/bench_speed.py [--orders 100000] [--repeat 3] [--dir DIR] [--shapes ...]

Shapes (built with the template writer, kept in --dir and reused when already there):
  tidy         realistic orders, about 1 % with a clerk's mistake;
  issues       about 40 % of the rows carry a warning or an error (bad phones, wrong 三包 claims,
               impossible dates, too many labour hours, missing fields, unknown categories);
  nodimension  the `issues` workbook with the `<dimension>` tag removed from the order sheet's
               XML (openpyxl's write-only mode and some exporters write none).
Every measurement is a fresh process timed whole (interpreter start, imports, work, output
to /dev/null), median of --repeat; its peak RSS comes from the OS (os.wait4; not on Windows).
The bare read is `python -c "import fastexcel; …to_arrow()"` timed the same way.
Targets: check ≤ 2×, fees ≤ 2.5×, report ≤ 3×, peak memory ≤ 3× the bare read's.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TARGETS = {"check": 2.0, "fees": 2.5, "report": 3.0}
MEMORY_TARGET = 3.0
BARE = "import fastexcel, sys; fastexcel.read_excel(sys.argv[1]).load_sheet_by_name('服务单').to_arrow()"
CLI = "import sys; from addin.cli import main; sys.argv[0] = 'aftersales'; main()"


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


def _flip_claim(o):
    o["claimed_warranty"] = "否" if o["claimed_warranty"] == "是" else "是"


# One clerk's mistake each: field → what goes wrong (warnings and errors of several rules).
MISTAKES = (
    lambda o: o.update(phone="1381234567"),                                    # phone-invalid
    _flip_claim,                                                               # warranty-claim-*
    lambda o: o.update(labour_hours=o["labour_hours"] + 5),                    # labour-hours-exceed
    lambda o: o.update(arrived_at=o["reported_at"] - timedelta(hours=3)),      # arrival-before-report
    lambda o: o.update(technician=None),                                       # technician-missing
    lambda o: o.update(category="电饭煲"),                                     # category-invalid
    lambda o: o.update(city_tier="县"),                                        # city-tier-invalid
    lambda o: o.update(labour_fee="八十"),                                     # money-not-number
    lambda o: o.update(production_date=o["reported_at"] + timedelta(days=40)), # production-after-*
)


def issue_orders(n: int, share: float = 0.4, seed: int = 9) -> list[dict]:
    """The tidy orders with one more mistake in about `share` of the rows."""
    rnd, orders = random.Random(seed), make_orders(n)
    for order in orders:
        if rnd.random() < share:
            rnd.choice(MISTAKES)(order)
    return orders


def strip_dimension(src: Path, dst: Path) -> None:
    """Copy a workbook without the <dimension> tag of its sheets."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename.startswith("xl/worksheets/sheet"):
                data = re.sub(rb"<dimension [^>]*/>", b"", data[:4096], count=1) + data[4096:]
            zout.writestr(info, data)


def busiest_month(orders: list[dict]) -> str:
    months = Counter(o["reported_at"].strftime("%Y-%m") for o in orders if isinstance(o["reported_at"], datetime))
    return months.most_common(1)[0][0]


def build(folder: Path, n: int, shapes: list[str]) -> None:
    """The shapes' files (built once, reused) and the busiest month of each (months-N.json)."""
    from addin.book.template import write_workbook

    folder.mkdir(parents=True, exist_ok=True)
    made = {}
    for shape in shapes:
        path = folder / f"{shape}-{n}.xlsx"
        orders = make_orders(n) if shape == "tidy" else issue_orders(n)
        if not path.exists():
            t = time.perf_counter()
            if shape == "nodimension":
                base = folder / f"issues-{n}.xlsx"
                if not base.exists():
                    write_workbook(base, orders)
                strip_dimension(base, path)
            else:
                write_workbook(path, orders)
            print(f"built {shape}: {n:,} orders in {time.perf_counter() - t:.1f} s → {path} "
                  f"({path.stat().st_size / 1e6:.1f} MB)", flush=True)
        made[shape] = busiest_month(orders)
    (folder / f"months-{n}.json").write_text(json.dumps(made))


def run(args: list[str]) -> tuple[float, float | None]:
    """Whole-process seconds and peak RSS (MiB) of one fresh interpreter."""
    t = time.perf_counter()
    proc = subprocess.Popen([sys.executable, *args], cwd=ROOT, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE)
    if hasattr(os, "wait4"):
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode, peak = os.waitstatus_to_exitcode(status), usage.ru_maxrss / 1024
    else:
        proc.wait()
        peak = None
    dt = time.perf_counter() - t
    err = proc.stderr.read().decode("utf-8", "replace")
    if proc.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(args)} failed ({proc.returncode}): {err}")
    return dt, peak


def commands(path: Path, month: str, out: Path) -> dict[str, list[str]]:
    return {
        "bare read": ["-c", BARE, str(path)],
        "check": ["-c", CLI, "check", str(path), "--json"],
        "fees": ["-c", CLI, "fees", str(path), "--json"],
        "report": ["-c", CLI, "report", str(path), "--month", month, "--out", str(out)],
    }


def measure(path: Path, month: str, repeat: int) -> dict[str, tuple[float, float, float | None, float | None]]:
    """Per command: median seconds, median ratio to the bare read, peak RSS and its ratio.
    Rounds interleave the commands (bare, check, fees, report, bare, …) and each ratio is
    taken within its round, so a machine whose load changes affects both sides alike."""
    out = Path(tempfile.mkdtemp())
    try:
        runs: dict[str, list] = {}
        for _ in range(repeat):
            for name, args in commands(path, month, out / "report").items():
                runs.setdefault(name, []).append(run(args))
        bare = runs["bare read"]
        results = {}
        for name, got in runs.items():
            peaks = [p for _, p in got if p is not None]
            bare_peak = max((p for _, p in bare if p is not None), default=None)
            peak = max(peaks) if peaks else None
            results[name] = (statistics.median(t for t, _ in got),
                             statistics.median(t / b for (t, _), (b, _) in zip(got, bare)),
                             peak, peak / bare_peak if peak and bare_peak else None)
        return results
    finally:
        shutil.rmtree(out, ignore_errors=True)


def _mark(ratio: float, target: float) -> str:
    """✓ when a ratio meets its own target (≤ target), ✗ when it does not."""
    return "✓" if ratio <= target else "✗"


def table(rows: dict[str, dict], months: dict[str, str], n: int) -> list[str]:
    lines = [f"| workbook ({n:,} orders) | bare fastexcel read | `check --json` (≤ {TARGETS['check']:g}×) "
             f"| `fees --json` (≤ {TARGETS['fees']:g}×) | `report` of the busiest month (≤ {TARGETS['report']:g}×) |",
             "|---|---|---|---|---|"]
    for shape, res in rows.items():
        bare_t, _, bare_m, _ = res["bare read"]
        cells = [f"{bare_t:.2f} s, {bare_m or 0:.0f} MiB"]
        for cmd in ("check", "fees", "report"):
            t, ratio, _, mem = res[cmd]
            cells.append(f"{t:.2f} s = **{ratio:.2f}×** {_mark(ratio, TARGETS[cmd])}"
                         + (f", memory {mem:.2f}× {_mark(mem, MEMORY_TARGET)}" if mem else ""))
        lines.append(f"| {shape} ({months[shape]}) | " + " | ".join(cells) + " |")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--orders", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--dir", type=Path, default=Path(tempfile.gettempdir()) / "aftersales-bench")
    parser.add_argument("--shapes", default="tidy,issues,nodimension")
    parser.add_argument("--build-only", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.build_only:
        build(args.dir, args.orders, args.shapes.split(","))
        return
    # Built in a child: a forked process starts with its parent's peak RSS, so the parent stays small.
    subprocess.run([sys.executable, __file__, "--build-only", "--orders", str(args.orders), "--dir", str(args.dir),
                    "--shapes", args.shapes], check=True)
    busiest = json.loads((args.dir / f"months-{args.orders}.json").read_text())
    built = {s: (args.dir / f"{s}-{args.orders}.xlsx", busiest[s]) for s in args.shapes.split(",")}
    rows, start_load = {}, os.getloadavg()[0] if hasattr(os, "getloadavg") else None
    for shape, (path, month) in built.items():
        rows[shape] = measure(path, month, args.repeat)
        print(f"{shape}: " + ", ".join(f"{k} {t:.2f} s ({r:.2f}×) / {m or 0:.0f} MiB"
                                       for k, (t, r, m, _) in rows[shape].items()), flush=True)
    load = (f", load average {start_load:.1f} at the start, {os.getloadavg()[0]:.1f} at the end"
            if start_load is not None else "")
    print(f"\nmedian of {args.repeat} rounds of fresh processes; {os.cpu_count()} cores{load}; ratio = whole-process "
          "time / bare fastexcel read of the same file in the same round; memory = peak RSS / the bare read's "
          f"(target ≤ {MEMORY_TARGET:g}×); each ratio marked ✓ where it meets its own target, ✗ where not\n")
    print("\n".join(table(rows, {s: m for s, (_, m) in built.items()}, args.orders)))


if __name__ == "__main__":
    main()
