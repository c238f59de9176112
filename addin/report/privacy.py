"""Masking customers' personal data for departments that do not need it.

- phones: mobiles keep the first 3 and last 4 digits (138****5678); landlines keep the
  area code and the last 4 digits (0731-****7890); anything else becomes ****;
- names: the first character stays, the rest become * (张*, 张**); organisations
  (…公司, …厂, …店 …) keep their first two characters and their kind (长沙**有限公司);
- addresses: cut after the district/county (区, 县, 旗, 县级市); where a city has no
  districts (东莞市虎门镇…) after the township; unrecognised addresses become ***.
`mask_frame` applies all three to the customer columns of an orders frame.

Free text (报修故障, 现场确诊故障, 原因分析, 解决方案, 客户意见, 产品使用工况, even 产品型号 — every text
column, FREE_TEXT) is where clerks type what should not
be there ("用户手机 158-9210-3115,住滨河花园3栋1单元703室"). `mask_free_text` masks, for the
departments that may not see customers' data: phone-like digit runs (mobiles and landlines,
with spaces, dashes or brackets, or after 电话/手机), house-number address details (3栋1单元703室),
and each order's own customer name (with 先生/女士 …), phone and address wherever they appear
in its own text. One regex per column (pandas str methods); the order's own values are
replaced only in the rows that contain them. `mask_text` does the same for one string.
This is privacy, not validation: the phone column's format is checked in addin.book.values.
"""
from __future__ import annotations

import re

import numpy as np
import pandas as pd

from addin.book.columns import COLUMNS, TEXT
from addin.book.values import LANDLINE, MOBILE

MASK = "****"
# Every text column of an order a pack can print (产品型号, 产品使用工况, 序列号, 其他服务, 回访结果 …,
# derived from the column list so a new text column is masked too), and the grouped fault name;
# not the order number (the key) nor the customer / address columns (mask_frame's job).
FREE_TEXT = tuple(c.field for c in COLUMNS if c.kind == TEXT and c.field not in ("order_no", "customer", "address")
                  ) + ("fault",)
_D = "[0-9０-９]"
_SEP = r"[\s\-－—.·]*"
_PHONE_LIKE = re.compile(
    rf"(?<![0-9０-９A-Za-z])(?:[+＋]?86{_SEP})?1[3-9３-９]{_D}(?:{_SEP}{_D}){{8}}(?!{_D})"      # mobile
    rf"|(?<![0-9０-９A-Za-z])[(（]?0{_D}{{2,3}}[)）]?{_SEP}{_D}{{3,4}}{_SEP}{_D}{{4}}(?:[-－转]{_D}{{1,5}})?(?!{_D})"  # landline
    rf"|(?<![0-9０-９A-Za-z]){_D}{{3,4}}(?:[\s\-－]+{_D}{{3,4}}){{1,2}}(?!{_D})"              # 8456 7890
    rf"|(?:(?<=电话|手机|号码|联系|致电)|(?<=[Tt]el|TEL))[:：\s]*{_D}(?:{_SEP}{_D}){{4,}}")             # 电话 84567890
_HOUSE = re.compile(r"(?:[\u4e00-\u9fa5]{0,8}?(?:小区|花园|公寓|大厦|家园|新村|苑|广场|村|路|街|巷|弄))?"
                    r"(?:[0-9０-９A-Za-z一二三四五六七八九十]+(?:栋|幢|座|号楼|单元|层|楼|室|户))+"
                    r"|[\u4e00-\u9fa5]{1,8}?(?:路|街|巷|弄|大道)[0-9０-９]+号(?:院)?")
_NOT_DIGIT = re.compile(r"\D")
_HONORIFICS = ("先生", "女士", "小姐", "太太", "阿姨", "大爷", "大妈", "师傅", "老师", "家")
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


def mask_text(text) -> str | None:
    """One free text with phone-like digit runs and house-number details masked."""
    if _is_blank(text):
        return text
    return _HOUSE.sub(MASK, _PHONE_LIKE.sub(MASK, str(text)))


def _own_values(frame: pd.DataFrame) -> tuple[list[list[str]], list[str]]:
    """Per row, the order's own strings to hide in its free text (the name of 2+ characters,
    the phone and its digits, the address and its detail part), and its surname (for 张先生)."""
    def col(name) -> list[str]:
        if name not in frame.columns:
            return [""] * len(frame)
        return [v.strip() if v.__class__ is str else "" if _is_blank(v) else str(v).strip()
                for v in frame[name].to_numpy(object)]
    name, phone, address = col("customer"), col("phone"), col("address")
    kept_of = {a: mask_address(a) or "" for a in set(address) if a}          # per distinct value
    kept = [kept_of[a] if a else "" for a in address]
    detail = [a[len(k):] if k != "***" and a.startswith(k) else "" for a, k in zip(address, kept)]
    digits_of = {p: _NOT_DIGIT.sub("", p) for p in set(phone)}
    digits = [digits_of[p] for p in phone]
    owns = [[v if len(v) >= 2 else "" for v in values] for values in (name, phone, digits, address, detail)]
    surnames = [n[0] if 2 <= len(n) <= 4 else "" for n in name]
    return owns, surnames


_HONORIFIC = "(?:" + "|".join(_HONORIFICS) + ")"


def _replace_own(texts: list, owns: list[list[str]], surnames: list[str]) -> list:
    """`texts` with every row's own values masked (a plain substring test per row; the
    replacement runs only where it hits)."""
    out = list(texts)
    for own in owns:
        for i in [i for i, (t, o) in enumerate(zip(out, own)) if o and o in t]:
            out[i] = out[i].replace(own[i], MASK)
    for i in [i for i, (t, s) in enumerate(zip(out, surnames)) if s and s in t]:
        out[i] = re.sub(re.escape(surnames[i]) + _HONORIFIC, MASK, out[i])
    return out


BLOB_LIMIT = 1_000                # characters: beyond that testing each row column by column is quicker


def _may_hold_own(columns, owns: list[list[str]], surnames: list[str]) -> list[bool] | None:
    """Per row: could one of its own values (or its surname) be in its free text? False only
    where none of them is in any distinct text of the columns (then `_replace_own` would change
    nothing there), tested against all distinct texts joined in one string; None (test every
    row) when the distinct texts are too long for that to pay."""
    distinct = {v for texts in columns for v in set(texts.tolist()) if isinstance(v, str)}
    if sum(map(len, distinct)) > BLOB_LIMIT:
        return None
    blob = "\x00".join(distinct)
    maybe = [False] * len(surnames)
    for values in (*owns, surnames):
        for i in [i for i, v in enumerate(values) if v and v in blob]:
            maybe[i] = True
    return maybe


OWN_COLUMNS = tuple(MASKERS)


def _texts_in(series: pd.Series) -> bool:
    return any(isinstance(v, str) for v in series.to_numpy(object))


def _reuse(out: pd.DataFrame, present: list[str], raw: pd.DataFrame, masked: pd.DataFrame) -> list[str]:
    """Fills `out`'s columns from an earlier `mask_free_text(raw)` → `masked` where this frame's
    rows are rows of `raw` with the same own values and the same texts (a row's masked text
    depends only on them); returns the columns still to mask."""
    if not out.index.isin(raw.index).all():
        return present
    for c in OWN_COLUMNS:
        if (c in out.columns) != (c in raw.columns) or (
                c in out.columns and not out[c].equals(raw[c].reindex(out.index))):
            return present
    left = []
    for c in present:
        if c in raw.columns and c in masked.columns and _texts_in(out[c]) and out[c].equals(raw[c].reindex(out.index)):
            out[c] = masked[c].reindex(out.index)
        else:
            left.append(c)
    return left


def mask_free_text(frame: pd.DataFrame, columns=FREE_TEXT, done=None) -> pd.DataFrame:
    """A copy of an orders frame whose free-text `columns` carry no customer data (see the
    module docstring); other columns are untouched. `done`: (raw, masked), an earlier call's
    frame and result, whose masked texts are taken for the rows and columns they share."""
    out = frame.copy()
    present = [c for c in columns if c in out.columns]
    if not present or out.empty:
        return out
    if done is not None:
        present = _reuse(out, present, *done)
        if not present:
            return out
    owns, surnames = _own_values(out)
    columns = {col: out[col].to_numpy(object) for col in present}
    maybe = _may_hold_own(columns.values(), owns, surnames)
    for col in present:
        texts = columns[col]
        has = np.array([isinstance(v, str) for v in texts], dtype=bool)
        if not has.any():
            continue
        rows = np.flatnonzero(has)
        own = texts[rows].tolist()
        hit = [k for k, i in enumerate(rows.tolist()) if maybe is None or maybe[i]]
        if hit:
            at = rows[hit]
            for k, text in zip(hit, _replace_own([own[k] for k in hit], [[o[i] for i in at] for o in owns],
                                                 [surnames[i] for i in at])):
                own[k] = text
        uniques = pd.Series(pd.unique(pd.Series(own, dtype=object)), dtype=object)   # texts repeat a lot
        masked = uniques.str.replace(_PHONE_LIKE, MASK, regex=True).str.replace(_HOUSE, MASK, regex=True)
        texts = texts.copy()
        texts[rows] = pd.Series(own, dtype=object).map(dict(zip(uniques, masked))).to_numpy(object)
        out[col] = pd.Series(texts, index=out.index, dtype=object)
    return out
