"""`aftersales … | head`: the reader closes the pipe early. Before, that was a BrokenPipeError
traceback, exit 3 and an entry in the fault log (found by review); now one line and exit 2."""
from __future__ import annotations

import os
import subprocess
import sys

from addin.book.template import write_workbook
from addin.demo.data import DEMO_POLICY, demo_orders


def test_a_reader_that_closes_the_pipe_is_not_a_program_fault(tmp_path, at):
    at("2026-11-10")
    demo = demo_orders("2026-10")
    book = write_workbook(tmp_path / "demo.xlsx", demo.orders, demo.settings, DEMO_POLICY, sales=demo.sales)
    logs = tmp_path / "logs"
    env = {**os.environ, "AFTERSALES_LOG_DIR": str(logs), "AFTERSALES_TODAY": "2026-11-10"}
    proc = subprocess.Popen([sys.executable, "-c", "from addin.cli import main; main()", "fees", "--json",
                             str(book)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    assert proc.stdout.read(10)                   # like `head -c 10`: read a little, then close
    proc.stdout.close()
    err = proc.stderr.read().decode("utf-8")
    assert proc.wait(timeout=120) == 2
    assert "输出已被关闭" in err and "Traceback" not in err and "internal" not in err
    assert not logs.exists() or not any(logs.iterdir())
