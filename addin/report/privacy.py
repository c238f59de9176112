"""Masking customers' personal data for departments that do not need it.

- phones: mobiles keep the first 3 and last 4 digits (138****5678); landlines keep the
  area code and the last 4 digits (0731-****7890); anything else becomes ****;
- names: the first character stays, the rest become * (张*, 张**); organisations
  (…公司, …厂, …店 …) keep their first two characters and their kind (长沙**有限公司);
- addresses: cut after the district/county (区, 县, 旗, 县级市); where a city has no
  districts (东莞市虎门镇…) after the township; unrecognised addresses become ***.
`mask_frame` applies all three to the customer columns of an orders frame.
"""
from __future__ import annotations

import re

import pandas as pd

from addin.book.values import LANDLINE, MOBILE

MASK = "****"
_MOBILE, _LANDLINE = MOBILE, LANDLINE          # the one phone format (addin.book.values)
_ORG_SUFFIXES = ("有限责任公司", "股份有限公司", "有限公司", "公司", "集团", "厂", "店", "中心", "酒店",
                 "宾馆", "学校", "医院", "商行", "超市", "合作社", "研究所", "事务所", "局", "部", "院")
_ADDRESS = re.compile(
    r"^(?P<prov>[^省市区县旗]{2,7}?(?:省|自治区|特别行政区))?"
    r"(?P<city>[^省市区县旗]{1,10}?(?:自治州|地区|市|州|盟))?"
    r"(?P<county>[^省市区县旗路街号]{1,10}?(?:区|县|旗|市))?"
    r"(?P<town>[^省市区县旗镇乡路街号]{1,8}?(?:镇|乡|街道))?")


def _is_blank(value) -> bool:
    return value is None or (not isinstance(value, str) and pd.isna(value)) or str(value).strip() == ""


def mask_phone(phone) -> str | None:
    """138****5678 for a mobile, 0731-****7890 for a landline (extension dropped)."""
    if _is_blank(phone):
        return None
    text = str(phone).strip().replace(" ", "")
    if _MOBILE.match(text):
        return text[:3] + "****" + text[-4:]
    m = _LANDLINE.match(text)
    if m:
        return f"{m.group(1)}-****{m.group(2)[-4:]}"
    return MASK


def mask_name(name) -> str | None:
    """张三 → 张*, 张三丰 → 张**, 长沙某某电器有限公司 → 长沙**有限公司."""
    if _is_blank(name):
        return None
    text = str(name).strip()
    for suffix in _ORG_SUFFIXES:
        if text.endswith(suffix) and len(text) > len(suffix) + 2:
            return text[:2] + "**" + suffix
    if len(text) == 1:
        return "*"
    return text[0] + "*" * min(len(text) - 1, 2)


def mask_address(address) -> str | None:
    """湖南省长沙市岳麓区麓山路12号 → 湖南省长沙市岳麓区; unknown shapes → ***."""
    if _is_blank(address):
        return None
    text = re.sub(r"\s+", "", str(address))
    m = _ADDRESS.match(text)
    if not m:
        return "***"
    parts = m.groupdict()
    if parts["county"]:
        kept = "".join(parts[k] or "" for k in ("prov", "city", "county"))
    elif parts["town"]:
        kept = "".join(parts[k] or "" for k in ("prov", "city", "town"))
    else:
        return "***"
    return kept


MASKERS = {"customer": mask_name, "phone": mask_phone, "address": mask_address}


def mask_frame(frame: pd.DataFrame, full_customer_data: bool) -> pd.DataFrame:
    """A copy of `frame` with customer, phone and address masked (unless the department may
    see full data). Each distinct value is masked once, so a month of orders is quick."""
    out = frame.copy()
    if full_customer_data:
        return out
    for col, fn in MASKERS.items():
        if col in out.columns:
            values = out[col].astype(object)
            uniques = {v: fn(v) for v in pd.unique(values) if not _is_blank(v)}
            out[col] = values.map(lambda v: uniques.get(v) if not _is_blank(v) else None).astype(object)
    return out
