"""Each KPI on the small known month of tests/report_data.py (values worked out by hand)."""
import pytest

from addin.book.issues import ERROR, WARNING, CellRef, Issue
from addin.book.policy import Policy
from addin.book.settings import Settings
from addin.report.summary import summarize
from tests.report_data import fees, frame


@pytest.fixture(scope="module")
def k():
    df = frame()
    issues = [Issue(CellRef("服务单", 5, 18), "售后人员", "technician-missing", ERROR, "售后人员不能为空。"),
              Issue(CellRef("服务单", 3, 4), "联系电话", "phone-odd", WARNING, "电话可疑。"),
              Issue(CellRef("服务单", 7, 4), "联系电话", "phone-odd", WARNING, "九月的单,不计入十月。"),
              Issue(CellRef("设置", 3, 2), "回复期限", "setting-invalid", WARNING, "设置无效。")]
    s = summarize(df, fees(df), "2026-10", policy=Policy(), settings=Settings(settlement_model="包干"),
                  issues=issues, error_rows={5}, sheet="服务单")
    return {key: {r[0] if key != "model_batches" else (r[0], r[1]): r for r in t.rows}
            for key, t in s.kpis.items()} | {"_tables": s.kpis, "_totals": s.totals}


def test_by_type(k):
    assert k["by_type"]["维修"] == ("维修", 0, 1, 3, 4)          # 电视, 洗衣机, 空调, 合计
    assert k["by_type"]["合计"] == ("合计", 1, 1, 4, 6)


def test_warranty(k):
    w = k["warranty"]
    assert (w["整机保修"][2], w["换货期"][2], w["保外"][2], w["无法判定"][2]) == (3, 1, 1, 1)
    assert w["保内合计"][2:] == (4, pytest.approx(4 / 6, abs=1e-4))


def test_fees_and_factory_claims(k):
    f = k["fees"]
    assert f["洗衣机"][1:] == (1, 182.5, 12.5, 40.0, 0.0)
    assert f["空调"][5] == 330.0 and f["合计"][5] == 380.0
    assert "包干" in k["_tables"]["fees"].note


def test_promise_compliance_by_city_tier(k):
    p = k["promise"]
    assert p["省会"][:6] == ("省会", 4, 3, 2, 1, pytest.approx(2 / 3, abs=1e-4))
    assert p["县城"][2:5] == (1, 0, 1)
    assert p["合计"][2:6] == (5, 3, 2, 0.6)
    assert p["合计"][7] == 0.75                       # 3 of 4 first contacts within 1 hour


def test_satisfaction(k):
    s = k["satisfaction"]
    assert s["不满意"][1] == 1 and s["未评价"][1] == 2
    assert s["满意率(非常满意+满意)"][1:] == (2, 0.5)
    assert k["_totals"]["satisfaction_rate"] == 0.5


def test_repeat_repairs_and_exchange(k):
    assert set(k["repeats"]) == {"FW001", "FW005", "FW007"}
    assert k["repeats"]["FW007"][4:6] == (3, "是")


def test_pareto_of_faults_grouped_by_the_fault_list(k):
    rows = k["_tables"]["pareto"].rows
    assert rows[0] == ("压缩机不启动", "元器件故障", 2, 0.4, 0.4, "KFR-35GW")
    assert rows[-1][4] == 1.0 and sum(r[2] for r in rows) == 5
    assert k["pareto"]["不脱水"][1:3] == ("原因不明", 1)     # no diagnosis → the reported fault


def test_batches_and_early_failures_count_product_quality_only(k):
    # product quality: FW001, FW002 (压缩机), FW005 (漏水); FW004 and FW007 have no known cause
    assert k["batches"]["2026-01"][1:] == (3, 2, 3, 0)
    assert "2025-12" not in k["batches"]
    assert k["model_batches"][("KFR-35GW", "2026-01")][2] == 3
    assert k["early"]["合计"][1:] == (3, 2, 3, 0)


def test_open_problems_only_for_the_month_and_the_workbook(k):
    p = k["problems"]
    assert p["technician-missing"][1:3] == ("错误", 1)
    assert p["phone-odd"][2] == 1                    # the September order's issue is not counted
    assert p["setting-invalid"][2] == 1
    detail = k["_tables"]["problem_list"].rows
    assert ("服务单", "R5", "FW004", "售后人员", "错误", "售后人员不能为空。") in detail
    assert "报修时间为空" in k["_tables"]["problems"].note
