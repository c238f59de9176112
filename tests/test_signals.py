"""Items only where there is a pattern, rates from a 销售台账, one Pareto row per fault, on
workbooks built in code (real .xlsx, loaded and reported by the real engine)."""
from datetime import datetime

import openpyxl
import pytest

from addin.book.vocab import SALES_HEADERS, SALES_SHEET
from addin.report.packs import build_month
from addin.report.replies import REPLY_SHEET, Ledger, ledger_path
from addin.rules.loader import load_workbook
from tests.conftest import good_order


def _fail(n, model, category="空调", prod=datetime(2026, 3, 5), day=5, **kw):
    return good_order(n, **{"服务单编号": f"FW2026{n:05d}", "产品型号": model, "产品类型": category,
                            "产品序列号": f"SN{n:06d}", "出厂日期": prod, "购买日期": datetime(2026, 6, 1),
                            "报修时间": datetime(2026, 10, day, 9, 0), "首次响应时间": datetime(2026, 10, day, 9, 20),
                            "到达现场时间": datetime(2026, 10, day, 13, 0), "离开现场时间": datetime(2026, 10, day, 14, 0),
                            "报修故障": "不制冷", "现场确诊故障": "压缩机不启动", "原因分析": "压缩机启动电容击穿",
                            "更换配件": "启动电容", "产品使用工况": "卧室,夏季连续运行", **kw})


def batch_month():
    """5 failures of one model + production month, 9 one-offs (9 models), 4 transport returns
    of one model + production month (a batch by count, but not a product-quality one)."""
    batch = [_fail(i, "KFR-35GW/A1", day=1 + i) for i in range(1, 6)]
    singles = [_fail(10 + i, f"KFR-{i}0GW", prod=datetime(2026, i, 1), day=10 + i) for i in range(1, 10)]
    transport = [_fail(30 + i, "L65X9", "电视", prod=datetime(2026, 8, 1), day=20 + i, **{
        "服务类型": "退换货", "报修故障": "屏幕破裂", "现场确诊故障": "到货外观磕碰", "原因分析": "运输途中磕碰",
        "更换配件": None}) for i in range(1, 5)]
    return batch + singles + transport


@pytest.fixture
def month(make_book, at):
    at("2026-11-20")
    wb = load_workbook(make_book(batch_month()))
    report = build_month(wb, "2026-10")
    return wb, report, {p.department.name: p for p in report.packs}


def _kinds(pack, wb):
    items = Ledger(ledger_path(wb.path)).items("i.department=?", (pack.department.name,))
    return [(i.kind, i.text) for i in items if i.id in pack.item_ids]


def test_a_batch_raises_an_item_for_quality_and_production_one_offs_and_transport_do_not(month):
    wb, _, packs = month
    for dept in ("质量部", "生产部"):
        items = _kinds(packs[dept], wb)
        assert [k for k, _ in items] == ["批次"], items
        assert "KFR-35GW/A1 2026-03" in items[0][1] and "5 单,达到批次阈值 3 单" in items[0][1]
        assert "L65X9" not in " ".join(t for _, t in items)
    rd = _kinds(packs["研发部"], wb)
    assert len(rd) == 1 and "KFR-35GW/A1 故障“压缩机不启动”本月 5 单" in rd[0][1]
    service = _kinds(packs["售后服务部"], wb)
    assert ("服务原因" in [k for k, _ in service]) and any("运输仓储" in t and "4 单" in t for _, t in service)


def test_singletons_are_listed_in_the_detail_sheet_not_asked_about(month):
    _, _, packs = month
    ws = openpyxl.load_workbook(packs["质量部"].xlsx_path)["故障明细"]
    rows = [r for r in ws.iter_rows(values_only=True) if r[1] and str(r[1]).startswith("FW2026")]
    assert len(rows) == 14                                        # 5 + 9 product-quality failures
    assert sum(1 for r in rows if r[0] == "单次(不需回复)") == 9
    one = next(r for r in rows if r[1] == "FW202600001")
    assert one[2:9] == ("KFR-35GW/A1", "2026-03", "SN000001", 123, "卧室,夏季连续运行", "压缩机不启动",
                        "压缩机不启动")                               # 2026-06-01 → 2026-10-02: 123 days
    assert one[10:12] == ("元器件故障", "启动电容")
    replies = openpyxl.load_workbook(packs["质量部"].xlsx_path)[REPLY_SHEET]
    assert [r[0] for r in replies.iter_rows(min_row=2, values_only=True) if r[0] and r[0].startswith("2026")] == \
        packs["质量部"].item_ids


def test_a_fault_typed_three_ways_is_one_pareto_row(make_book, at):
    at("2026-11-20")
    typed = ["不制冷", "制冷差", "不冷"]
    orders = [_fail(i, f"KFR-{i}GW", **{"现场确诊故障": typed[i % 3], "原因分析": "压缩机老化"}) for i in range(6)]
    wb = load_workbook(make_book(orders))
    rows = build_month(wb, "2026-10").summary.kpis["pareto"].rows
    assert rows == (("不制冷", "元器件故障", 6, 1.0, 1.0, "KFR-0GW、KFR-1GW、KFR-2GW"),)


def _with_sales(make_book, orders, sales):
    return load_workbook(make_book(orders, extra_sheets={SALES_SHEET: [SALES_HEADERS, *sales]}))


def test_rates_from_a_sales_ledger_on_small_known_numbers(make_book, at):
    at("2026-11-20")
    # KFR-35GW/A1: 5 failures in October, 3 of them within 15 days of purchase (bought 2026-10-01).
    # Sales by hand: 2025-11…2026-10 = 100 + 150 + 250 = 500 units, October alone 250 (a row of
    # 2025-10 is outside the 12 months and must not count).
    early = {"购买日期": datetime(2026, 10, 1)}
    orders = [_fail(i, "KFR-35GW/A1", day=2 + i, **(early if i <= 3 else {})) for i in range(1, 6)]
    sales = [("2025-10", "KFR-35GW/A1", 999), ("2026-01", "KFR-35GW/A1", 100), ("2026年9月", "KFR-35GW/A1", 150),
             (datetime(2026, 10, 1), "KFR-35GW/A1", 250), ("2026-10", "L65X9", 40)]
    wb = _with_sales(make_book, orders, sales)
    table = build_month(wb, "2026-10").summary.kpis["rates"]
    assert table.rows == (("KFR-35GW/A1", 5, 3, 250, 500, 0.01, 0.012),)     # 5/500, 3/250
    assert "另有 1 个有销量的型号本月无故障" in table.note                       # L65X9: sold, no failure


def test_a_batch_rate_above_the_alert_raises_an_item_below_the_count_threshold(make_book, at):
    at("2026-11-20")
    orders = [_fail(i, "KFR-35GW/A1", day=2 + i) for i in range(1, 3)]               # 2 failures < 3
    sales = [("2026-06", "KFR-35GW/A1", 50, "2026-03"), ("2026-07", "KFR-35GW/A1", 30, "2026-03")]
    wb = _with_sales(make_book, orders, sales)
    packs = {p.department.name: p for p in build_month(wb, "2026-10").packs}
    items = _kinds(packs["质量部"], wb)
    assert len(items) == 1 and "批次故障率 2.5% 超过预警 2%" in items[0][1]         # 2 / 80 units


def test_sales_cells_that_make_no_sense_are_warnings_at_their_cell(make_book):
    wb = _with_sales(make_book, [_fail(1, "A")], [("十月", "A", 5), ("2026-10", "A", -3), ("2026-10", "A", 7)])
    bad = [i for i in wb.issues if i.code == "sales-value-invalid"]
    assert [(i.where.sheet, i.where.row, i.where.col) for i in bad] == [(SALES_SHEET, 2, 1), (SALES_SHEET, 3, 3)]
    assert wb.vocab.sales["qty"].tolist() == [7]


def test_the_clerks_cause_class_wins_over_the_keywords(make_book, at):
    at("2026-11-20")
    orders = [_fail(i, "KFR-35GW/A1", **{"原因类别": "安装问题"}) for i in range(1, 6)]
    wb = load_workbook(make_book(orders))
    packs = {p.department.name: p for p in build_month(wb, "2026-10").packs}
    assert _kinds(packs["质量部"], wb) == []
    assert any("安装问题" in t for _, t in _kinds(packs["售后服务部"], wb))


def test_an_answered_item_still_failing_is_raised_again_and_says_so(make_book, at, tmp_path):
    at("2026-12-20")
    sept = [_fail(i, "KFR-35GW/A1", day=2 + i) for i in range(1, 5)]
    later = [_fail(40, "KFR-35GW/A1", day=3, **{"报修时间": datetime(2026, 11, 3, 9, 0),
                                                "首次响应时间": datetime(2026, 11, 3, 9, 20),
                                                "到达现场时间": datetime(2026, 11, 3, 13, 0),
                                                "离开现场时间": datetime(2026, 11, 3, 14, 0)})]
    wb = load_workbook(make_book(sept + later))
    october = {p.department.name: p for p in build_month(wb, "2026-10").packs}
    Ledger(ledger_path(wb.path)).record(october["质量部"].item_ids[0], "更换电容供应商", "李工", "2026-12-01", "",
                                       "test")
    november = {p.department.name: p for p in build_month(wb, "2026-11").packs}
    items = _kinds(november["质量部"], wb)
    assert len(items) == 1
    assert f"2026-10 已回复改进措施({october['质量部'].item_ids[0]}),本月仍有 1 单" in items[0][1]


def test_the_annotated_copy_offers_the_cause_class_and_fault_dropdowns(tmp_path):
    from click.testing import CliRunner

    from addin.book.columns import FIELDS
    from addin.book.template import write_workbook
    from addin.cli.check import command as check_command
    order = {**dict.fromkeys(FIELDS), "order_no": "FW1", "service_type": "维修", "customer": "张伟", "category": "空调"}
    source = write_workbook(tmp_path / "服务单.xlsx", [order])
    out = tmp_path / "标注.xlsx"
    CliRunner().invoke(check_command, [str(source), "--annotate", str(out)])
    ws = openpyxl.load_workbook(out)["服务单"]
    header = {c.value: c.column_letter for c in ws[1]}
    lists = {str(dv.sqref).split(":")[0]: dv.formula1 for dv in ws.data_validations.dataValidation}
    assert lists[header["原因类别"] + "2"] == "原因类别列表"
    assert lists[header["现场确诊故障"] + "2"] == "故障名称列表"


def test_trend_flags_on_hand_worked_counts():
    from addin.report.trends import flag, spark
    assert flag([0] * 11 + [3]) == "新增" and flag([0] * 11 + [1]) == ""       # one order is no pattern
    assert flag([0] * 9 + [1, 2, 5]) == "上升"                  # 5 > 2 (last month) and > (0 + 1 + 2) / 3
    assert flag([0] * 8 + [4, 4, 4, 4]) == ""                   # level, not rising
    assert flag([0] * 9 + [6, 1, 2]) == ""                      # 2 > 1, but 2 < (0 + 6 + 1) / 3
    assert spark([0, 1, 2, 4]) == "▁▃▅█"
