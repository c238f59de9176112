"""Customers' data typed into free text (issue 11 item 3): masked in the engineering packs (xlsx
cells, the xlsx chart XML, the PNG charts' labels, the mail HTML), kept for the service pack."""
from __future__ import annotations

import zipfile

import pandas as pd
import pytest

from addin.report import charts
from addin.report.packs import build_month
from addin.report.privacy import mask_free_text, mask_text
from addin.rules.loader import load_workbook
from tests.report_data import write_workbook

# FW001 is 张三 13812345678 湖南省长沙市岳麓区麓山路12号; FW002 李四光 0731-84567890 (tests/report_data.py)
LEAKS = ("158-9210-3115", "15892103115", "0731-8456 7890", "84567890", "张三", "李四光", "李先生",
         "3栋1单元703室", "麓山路12号", "138 1234 5678", "13812345678")


@pytest.mark.parametrize("text, kept", [
    ("用户手机 158-9210-3115,住滨河花园3栋1单元703室", "用户手机"),
    ("座机(0731)8456 7890转12 不制冷", "不制冷"), ("联系 138 1234 5678", "联系"),
    ("电话84567890 压缩机坏", "压缩机坏"), ("+86 158 9210 3115", "")])
def test_mask_text__phones_and_house_numbers(text, kept):
    masked = mask_text(text)
    assert kept in masked and not any(ch.isdigit() for ch in masked.replace("86", "", 0))
    assert "****" in masked


@pytest.mark.parametrize("text", ["型号KFR-35GW 序列号SN2025030001", "2026-10-05 开机无图像", "批次20250301",
                                  "更换3号线", "压缩机 3 台"])
def test_mask_text__engineering_facts_stay(text):
    assert mask_text(text) == text


def test_mask_free_text__the_orders_own_name_phone_and_address():
    f = pd.DataFrame({"customer": ["张三", "李四光"], "phone": ["13812345678", "0731-84567890"],
                      "address": ["湖南省长沙市岳麓区麓山路12号", "湖南省邵阳市隆回县桃洪镇解放路5号"],
                      "cause": ["张三说是 13812345678 麓山路12号家里电压低", "李先生 李四光 在桃洪镇解放路5号"],
                      "comment": [None, "电话 84567890 请回电"]}, dtype=object)
    out = mask_free_text(f)
    text = " ".join(str(v) for v in out[["cause", "comment"]].values.ravel())
    assert not any(leak in text for leak in ("张三", "13812345678", "麓山路12号", "李先生", "李四光", "解放路5号",
                                             "84567890"))
    assert "家里电压低" in text and "请回电" in text and out["comment"][0] is None
    assert out["customer"].tolist() == ["张三", "李四光"]           # other columns untouched (mask_frame's job)


def _xml_text(path) -> str:
    with zipfile.ZipFile(path) as z:
        return "".join(z.read(n).decode("utf-8", "replace") for n in z.namelist() if n.endswith(".xml"))


def _spy_chart_labels(monkeypatch) -> list[str]:
    """Every title and category label the PNG charts are drawn with, from now on."""
    labels: list[str] = []
    for name in ("pareto_chart", "bar_chart", "stacked_chart"):
        real = getattr(charts, name)

        def spy(path, title, names, *args, _real=real, **kwargs):
            labels.extend([title, *map(str, names)])
            return _real(path, title, names, *args, **kwargs)
        monkeypatch.setattr(charts, name, spy)
    return labels


def test_packs__free_text_pii_masked_in_engineering_outputs(tmp_path, monkeypatch):
    labels = _spy_chart_labels(monkeypatch)
    fault = ["用户手机 158-9210-3115,住滨河花园3栋1单元703室 张三说不制冷", "李先生(0731-8456 7890)说不制冷",
             *[None] * 6]
    path = write_workbook(tmp_path / "服务单.xlsx", extra={
        "diagnosed_fault": fault, "cause": ["电话 84567890 压缩机坏", "客户李四光 15892103115"] + [None] * 6,
        "solution": ["到麓山路12号更换", None, *[None] * 6], "comment": ["回访 138 1234 5678", *[None] * 7]})
    r = build_month(load_workbook(path), "2026-10", None)
    by = {p.department.name: p for p in r.packs}
    for name in ("质量部", "研发部", "生产部"):
        outputs = {"xlsx": _xml_text(by[name].xlsx_path), "html": by[name].html}
        for where, text in outputs.items():
            assert [leak for leak in LEAKS if leak in text] == [], (name, where)
        assert "不制冷" in outputs["xlsx"] or "不制冷" in outputs["html"]
    engineering_labels = " ".join(labels)
    assert labels and [leak for leak in LEAKS if leak in engineering_labels] == []
    service = _xml_text(by["售后服务部"].xlsx_path)
    assert "158-9210-3115" in service and "张三" in service           # full data for the settlement check


def test_packs__the_customers_name_phone_and_address_in_every_text_column_stay_out_of_engineering_packs(
        tmp_path, monkeypatch):
    """产品使用工况, 产品型号 and every other text column an order has: whatever a clerk types there
    about the customer is masked like 报修故障 / 原因分析 (the reviewer saw 工况 and 型号 unmasked)."""
    from addin.book.columns import COLUMNS, TEXT
    from tests.report_data import ORDERS
    labels = _spy_chart_labels(monkeypatch)
    fields = [c.field for c in COLUMNS if c.kind == TEXT and c.field not in ("order_no", "customer", "address", "brand")]
    assert {"usage", "model", "serial", "other_service", "visit_result"} <= set(fields)

    def typed(o, field):
        return f"{o.get(field) or ''} 客户{o['customer']},电话{o['phone']},住{o['address']}"
    path = write_workbook(tmp_path / "服务单.xlsx", extra={f: [typed(o, f) for o in ORDERS] for f in fields})
    r = build_month(load_workbook(path), "2026-10", None)
    by = {p.department.name: p for p in r.packs}
    leaks = [v for o in ORDERS for v in (o["customer"], o["phone"], o["address"])]
    for name in ("质量部", "研发部", "生产部"):
        outputs = {"xlsx": _xml_text(by[name].xlsx_path), "html": by[name].html}
        for where, text in outputs.items():
            assert [leak for leak in leaks if leak in text] == [], (name, where)
        assert "产品使用工况" in outputs["xlsx"] and "KFR-35GW" in outputs["xlsx"]   # the facts stay
    assert labels and [leak for leak in leaks if leak in " ".join(labels)] == []
    service = _xml_text(by["售后服务部"].xlsx_path)
    assert "客户张三,电话13812345678,住湖南省长沙市岳麓区麓山路12号" in service   # full data for the settlement check
