import pandas as pd
import pytest

from addin.report.privacy import mask_address, mask_frame, mask_name, mask_phone


@pytest.mark.parametrize("raw, masked", [
    ("13812345678", "138****5678"), ("0731-84567890", "0731-****7890"), ("073184567890", "0731-****7890"),
    ("010-12345678-123", "010-****5678"), ("12", "****"), (None, None), ("", None)])
def test_mask_phone(raw, masked):
    assert mask_phone(raw) == masked


@pytest.mark.parametrize("raw, masked", [
    ("张三", "张*"), ("张三丰", "张**"), ("欧阳娜娜", "欧**"), ("王", "*"),
    ("长沙市某某电器有限公司", "长沙**有限公司"), (None, None)])
def test_mask_name(raw, masked):
    assert mask_name(raw) == masked


@pytest.mark.parametrize("raw, masked", [
    ("湖南省长沙市岳麓区麓山路12号", "湖南省长沙市岳麓区"),
    ("湖南省邵阳市隆回县桃洪镇解放路5号", "湖南省邵阳市隆回县"),
    ("湖南省长沙市浏阳市集里街道1号", "湖南省长沙市浏阳市"),
    ("广东省东莞市虎门镇银龙路3号", "广东省东莞市虎门镇"),
    ("北京市朝阳区建国路88号", "北京市朝阳区"),
    ("内蒙古自治区呼和浩特市新城区xx路", "内蒙古自治区呼和浩特市新城区"),
    ("麓山路12号", "***")])
def test_mask_address(raw, masked):
    assert mask_address(raw) == masked


def test_mask_frame__masks_only_for_departments_without_full_data():
    df = pd.DataFrame({"customer": ["张三", None], "phone": ["13812345678", "0731-84567890"],
                       "address": ["湖南省长沙市岳麓区麓山路12号", None], "model": ["A", "B"]})
    masked = mask_frame(df, full_customer_data=False)
    assert masked["customer"].iloc[0] == "张*" and pd.isna(masked["customer"].iloc[1])
    assert masked["phone"].tolist() == ["138****5678", "0731-****7890"]
    assert masked["address"].iloc[0] == "湖南省长沙市岳麓区" and pd.isna(masked["address"].iloc[1])
    assert masked["model"].tolist() == ["A", "B"]
    assert df["phone"].iloc[0] == "13812345678"          # the input is untouched
    assert mask_frame(df, full_customer_data=True).equals(df)
