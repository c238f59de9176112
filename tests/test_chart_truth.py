"""Every chart draws its table's numbers: the native charts' series ranges read back from the
written .xlsx point at the table's cells, and each PNG chart's input data is the table's."""
import re
import zipfile

import openpyxl
import pytest

from addin.report import charts
from addin.report.packs import build_month
from addin.report.statbook import SHEET_KPI
from addin.rules.loader import load_workbook
from tests.test_signals import batch_month


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    from addin import clock
    clock.set_now("2026-11-20")
    path = tmp_path_factory.mktemp("truth") / "book.xlsx"
    from tests.conftest import write_orders
    write_orders(path, batch_month())
    report = build_month(load_workbook(path), "2026-10")
    clock.set_now(None)
    return report


def _series(path):
    """(chart title, categories range, values range) for every series of every chart."""
    out = []
    with zipfile.ZipFile(path) as z:
        for name in sorted(n for n in z.namelist() if re.match(r"xl/charts/chart\d+\.xml", n)):
            xml = z.read(name).decode("utf-8")
            title = "".join(re.findall(r"<a:t>(.*?)</a:t>", xml.split("</c:title>")[0]))
            for ser in re.findall(r"<c:ser>(.*?)</c:ser>", xml, re.S):
                cat = re.search(r"<c:cat>.*?<c:f>(.*?)</c:f>", ser, re.S)
                val = re.search(r"<c:val>.*?<c:f>(.*?)</c:f>", ser, re.S)
                out.append((title, cat.group(1) if cat else None, val.group(1)))
    return out


def _cells(ws, ref):
    area = ref.split("!")[1].replace("$", "")
    got = ws[area] if ":" in area else ((ws[area],),)
    return [c.value for row in got for c in row]


def test_native_charts_read_their_tables_cells(report):
    ws = openpyxl.load_workbook(report.stats_path)[SHEET_KPI]
    k = report.summary.kpis
    drawn = {t: (cat, val) for t, cat, val in _series(report.stats_path)}
    for key, count_col in (("pareto", 2), ("batches", 1)):
        table = k[key]
        cat, val = drawn[table.title]
        assert _cells(ws, cat) == [r[0] for r in table.rows]
        assert _cells(ws, val) == [r[count_col] for r in table.rows]
    promise = k["promise"]
    on_time = [v for t, c, v in _series(report.stats_path) if t == promise.title][0]
    assert _cells(ws, on_time) == [r[3] for r in promise.rows if r[0] != "合计"]


def test_png_charts_draw_the_tables_rows(report, tmp_path, monkeypatch):
    k = report.summary.kpis
    pareto = charts.chart_data(k["pareto"])
    assert pareto["labels"] == [r[0] for r in k["pareto"].rows]
    assert pareto["series"]["故障单数"] == [r[2] for r in k["pareto"].rows]
    assert pareto["cumulative"] == [r[4] for r in k["pareto"].rows]
    mb = charts.chart_data(k["model_batches"])
    assert mb["series"]["故障单数"] == [r[2] for r in k["model_batches"].rows]
    seen = {}
    real = charts.pareto_chart
    monkeypatch.setattr(charts, "pareto_chart", lambda path, title, labels, counts, cum: seen.update(
        labels=list(labels), counts=list(counts), cum=list(cum)) or real(path, title, labels, counts, cum))
    charts.table_png(k["pareto"], tmp_path / "p.png")
    assert seen == {"labels": pareto["labels"], "counts": pareto["series"]["故障单数"], "cum": pareto["cumulative"]}
    assert (tmp_path / "p.png").stat().st_size > 1000


def test_mail_png_of_each_pack_is_its_tables(report):
    for pack in report.packs:
        for cid in pack.images:
            key = cid.split("-", 1)[1]
            assert report.summary.kpis[key].title in pack.html
