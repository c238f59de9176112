"""Turning the cells of one column into typed values — in bulk.

The reader hands every column over as text (pandas Series of str, None for empty), in the
form fastexcel gives: numbers as '80' or '12.5', dates and date-times as
'2026-10-05 09:30:00', time-only cells as '1899-12-31 09:30:00', booleans as 'true'.
`cell_text` gives the same form for values that come from elsewhere (a live Excel book).
Each converter returns a typed Series and a mask of the cells that hold something that
could not be read. The common forms go through vectorised parsers; only the odd cells
(text dates like 2026年10月5日, '1,200 元', '35公里', full-width digits) take the slower path.

This is the ONE reader of cell values: the order sheet (whole columns), and through the
scalar forms `read_date`, `read_decimal` and `read_phone` the policy tables, the 设置 sheet
and the worksheet functions, so a value one of them accepts is accepted by all. `valid_phones`
and MOBILE / LANDLINE are the one phone-number format (checks, privacy).
"""
from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation

import numpy as np
import pandas as pd

_EXCEL_EPOCH = pd.Timestamp("1899-12-30")
_TIME_BASE = pd.Timestamp("1899-12-31")
_DATE_RE = re.compile(
    r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]+(\d{1,2}):(\d{1,2})(?::(\d{1,2}))?(?:\.\d+)?)?$")
_COMPACT_RE = re.compile(r"^(\d{4})(\d{2})(\d{2})(?:[ T]*(\d{2}):?(\d{2})(?::?(\d{2}))?)?$")
_TIME_RE = re.compile(r"^(\d{1,2})[:点时](\d{1,2})?(?:[:分](\d{1,2})秒?)?分?$")
UNITS = {   # what may follow (or precede) a number, per kind of value
    "money": r"[\s,元¥￥$]|人民币|RMB",
    "distance": r"[\s,]|公里|千米|KM",
    "any": r"[\s,元¥￥$]|人民币|RMB|公里|千米|KM|个月|小时|天|月|个|次",
}
_STRIP = {k: re.compile(v, re.IGNORECASE) for k, v in UNITS.items()}
_MONEY_STRIP = _STRIP["money"]
MOBILE = re.compile(r"^1[3-9]\d{9}$")
LANDLINE = re.compile(r"^(0(?:[12]\d|\d{3}))-?(\d{7,8})(?:(?:-|转|ext\.?|#|x)(\d{1,6}))?$", re.IGNORECASE)
_MOBILE, _LANDLINE = MOBILE, LANDLINE
NORMAL_PHONE = r"1[3-9]\d{9}|0(?:[12]\d|\d{3})-\d{7,8}(?:-\d{1,6})?"   # what `phones` makes of a valid one


def cell_text(v) -> str | None:
    """A Python cell value → the text form fastexcel gives for it (None when empty)."""
    cls = v.__class__
    if cls is str:
        return v if v.strip() else None
    if v is None:
        return None
    if cls is bool:
        return "true" if v else "false"
    if cls is float:
        return str(int(v)) if v.is_integer() and abs(v) < 1e15 else repr(v)
    if cls is datetime or isinstance(v, datetime):
        return v.strftime("%Y-%m-%d %H:%M:%S")
    if cls is date:
        return v.strftime("%Y-%m-%d 00:00:00")
    if cls is time:
        return v.strftime("1899-12-31 %H:%M:%S")
    if cls is timedelta:
        return (_TIME_BASE + v).strftime("%Y-%m-%d %H:%M:%S")
    return str(v)


def text(s: pd.Series) -> pd.Series:
    """Text cells → stripped str, None when empty (object dtype). Stripped once per distinct
    value (a column of choices holds a handful), then spread back by code."""
    codes, uniques = pd.factorize(s)
    kept = pd.Series(uniques, dtype=s.dtype).str.strip()
    kept = kept.astype(object).where(kept.notna() & (kept != ""), None).tolist() + [None]
    return pd.Series(np.array(kept, dtype=object)[codes], index=s.index, dtype=object, name=s.name)


def _norm(s: pd.Series) -> pd.Series:
    return s.str.normalize("NFKC").str.strip()


def numbers(s: pd.Series, units: str = "money") -> tuple[pd.Series, np.ndarray]:
    """Number cells → float64; text such as '1,200 元', '¥80', '８０' is read too, and with
    units="distance" '35公里', '35km', '35 千米' (UNITS says what each kind may carry)."""
    codes, uniques = pd.factorize(s)                     # read once per distinct text
    u = pd.Series(uniques, dtype=s.dtype)
    out = pd.to_numeric(u, errors="coerce").astype(float)
    odd = out.isna() & u.notna()
    if odd.any():
        cleaned = _norm(u[odd]).str.replace(_STRIP[units], "", regex=True)
        out[odd] = pd.to_numeric(cleaned, errors="coerce").astype(float)
    bad = np.append((out.isna() & u.notna() & (u.str.strip() != "")).to_numpy(dtype=bool), False)[codes]
    return pd.Series(np.append(out.to_numpy(dtype=float), np.nan)[codes], index=s.index, name=s.name), bad


def datetimes(s: pd.Series) -> tuple[pd.Series, pd.Series, np.ndarray]:
    """Date cells → (datetime64 Series, time-of-day timedelta Series for time-only cells, bad mask).

    Accepts Excel dates and date-times, Excel serial numbers, 8-digit numbers (20261005),
    text such as 2026-10-05, 2026/10/5, 2026.10.5, 2026年10月5日, with or without a time.
    A column of dates (few distinct values) is read once per distinct text.
    """
    codes, uniques = pd.factorize(s)
    if 2 * len(uniques) > len(s):
        return _datetimes(s)
    stamp, tod, bad = _datetimes(pd.Series(uniques, dtype=s.dtype))
    return (pd.Series(np.append(stamp.to_numpy(), np.datetime64("NaT", "ns"))[codes], index=s.index, name=s.name,
                      dtype="datetime64[ns]"),
            pd.Series(np.append(tod.to_numpy(), np.timedelta64("NaT", "ns"))[codes], index=s.index,
                      dtype="timedelta64[ns]"),
            np.append(bad, False)[codes])


def _datetimes(s: pd.Series) -> tuple[pd.Series, pd.Series, np.ndarray]:
    present = s.notna() & (s.str.strip() != "")
    stamp = pd.to_datetime(s, format="ISO8601", errors="coerce").astype("datetime64[ns]")
    tod = pd.Series(pd.NaT, index=s.index, dtype="timedelta64[ns]")
    early = stamp < pd.Timestamp("1900-01-01")          # a time-only cell (Excel day 0)
    if early.any():
        tod[early] = stamp[early] - stamp[early].dt.normalize()
        stamp[early] = pd.NaT
    odd = present & stamp.isna() & tod.isna()
    if odd.any():
        o_stamp, o_tod = _odd_dates(s[odd])
        stamp[odd], tod[odd] = o_stamp, o_tod
    bad = (present & stamp.isna() & tod.isna()).to_numpy()
    return stamp, tod, bad


def _odd_dates(s: pd.Series) -> tuple[pd.Series, pd.Series]:
    """The slow path: Chinese and dotted dates, separate times, serial numbers."""
    n = _norm(s)
    seps = n.str.replace(r"[年月/.]", "-", regex=True).str.replace(r"[日号]", " ", regex=True)
    seps = seps.str.replace(r"\s+", " ", regex=True).str.strip().str.replace("- ", "-", regex=False)
    parts = seps.str.extract(_DATE_RE)
    parts = parts.where(parts[0].notna(), n.str.extract(_COMPACT_RE))
    nums = parts.apply(pd.to_numeric, errors="coerce")
    stamp = pd.to_datetime(dict(year=nums[0], month=nums[1], day=nums[2], hour=nums[3].fillna(0),
                                minute=nums[4].fillna(0), second=nums[5].fillna(0)), errors="coerce")
    stamp = pd.Series(stamp, index=s.index).astype("datetime64[ns]")
    tparts = n.str.extract(_TIME_RE).apply(pd.to_numeric, errors="coerce")
    tod = pd.to_timedelta(tparts[0] * 3600 + tparts[1].fillna(0) * 60 + tparts[2].fillna(0), unit="s")
    tod = tod.where((tparts[0] < 24) & (tparts[1].fillna(0) < 60)).astype("timedelta64[ns]")
    serial = pd.to_numeric(n, errors="coerce")
    is_day = stamp.isna() & tod.isna() & (serial >= 1) & (serial < 110000)
    stamp[is_day] = _EXCEL_EPOCH + pd.to_timedelta(serial[is_day], unit="D")
    is_time = stamp.isna() & tod.isna() & (serial >= 0) & (serial < 1)
    tod[is_time] = pd.to_timedelta(serial[is_time], unit="D")
    return stamp, tod


def phones(s: pd.Series) -> tuple[pd.Series, np.ndarray]:
    """Phone cells → normalised text (13812345678, 0731-84567890, 010-12345678-123), or the
    text as typed when it is not a valid number (bad mask True there)."""
    raw = text(s)
    present = raw.notna()
    plain = pd.Series(False, index=s.index)
    plain[present] = s[present].str.fullmatch(r"1[3-9]\d{9}").astype(bool)   # the usual case, no clean-up
    present = present & ~plain
    cleaned = _norm(raw[present].astype(str)).str.replace(r"[\s()()]", "", regex=True)
    digits = cleaned.str.replace("-", "", regex=False).str.replace(r"^\+?86(?=1\d{10}$)", "", regex=True)
    mobile = digits.str.fullmatch(_MOBILE).astype(bool)
    land = cleaned.str.extract(_LANDLINE)
    landline = land[1].notna() & ~mobile
    norm = raw.copy()
    norm[mobile[mobile].index] = digits[mobile]
    formatted = land[0] + "-" + land[1] + ("-" + land[2]).fillna("")
    norm[landline[landline].index] = formatted[landline]
    bad = present.copy()
    bad[present] = ~(mobile | landline)
    return norm, bad.to_numpy()  # `plain` rows are already normalised and valid


_PLACEHOLDER_SERIAL = re.compile(
    r"[-—_/\\.0*#?？]*|无|未知|不详|没有|暂无|空|无序列号|无条码|无机号|看不清|NA|N/A|NONE|NULL|NIL|UNKNOWN",
    re.IGNORECASE)


def serial_keys(s: pd.Series) -> pd.Series:
    """Serial numbers as the key that finds the same unit again: NFKC, no spaces, upper case;
    '' for a blank or an obvious placeholder (无, -, 0, 000, 未知, N/A …), which never matches."""
    key = s.astype(object).where(s.notna(), "").astype(str)
    key = key.str.normalize("NFKC").str.replace(" ", "", regex=False).str.strip().str.upper()  # literal: 10× faster
    return key.where(~key.str.fullmatch(_PLACEHOLDER_SERIAL), "")


PLACEHOLDER_MAX_LEN = 8


def placeholder_serials(s: pd.Series) -> pd.Series:
    """True where a serial is typed but is a placeholder (无, -, 0, 未知 …). Only short texts
    (≤ PLACEHOLDER_MAX_LEN characters) can be one, so the check looks at those alone."""
    short = s[s.notna() & (s.astype(str).str.len() <= PLACEHOLDER_MAX_LEN)]
    return pd.Series(s.index.isin(short.index[serial_keys(short) == ""]), index=s.index)


def valid_phones(phone: pd.Series) -> pd.Series:
    """True where a phone (as `phones` normalised it) is a valid mobile or landline."""
    return phone.str.fullmatch(NORMAL_PHONE, na=False).astype(bool)


def read_phone(value) -> tuple[str | None, bool]:
    """One phone cell → (normalised text, valid), through `phones`."""
    norm, bad = phones(pd.Series([cell_text(value)], dtype=object))
    return norm.iloc[0], norm.iloc[0] is not None and not bad[0]


def read_date(value) -> pd.Timestamp:
    """One date cell (datetime, date, Excel serial, or any text form `datetimes` reads) →
    Timestamp, NaT when empty; ValueError when it holds something that is not a date."""
    stamp, tod, bad = datetimes(pd.Series([cell_text(value)], dtype=object))
    if bad[0] or (pd.isna(stamp.iloc[0]) and pd.notna(tod.iloc[0])):
        raise ValueError("不是有效的日期")
    return stamp.iloc[0]


def read_decimal(value, units: str = "any", percent: bool = False) -> Decimal:
    """One number cell → Decimal (exact, as typed): '1,200', '30公里', '95元', full-width
    digits; '50%' → 0.5 when `percent`. ValueError('请填数字') otherwise (also for dates and
    booleans)."""
    if isinstance(value, (bool, datetime, date, time, timedelta)) or value is None:
        raise ValueError("请填数字")
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = _STRIP[units].sub("", unicodedata.normalize("NFKC", str(value)).strip())
    scale = 1
    if percent and text.endswith("%"):
        text, scale = text[:-1], 100
    try:
        d = Decimal(text) / scale
    except InvalidOperation:
        raise ValueError("请填数字") from None
    if not d.is_finite():
        raise ValueError("请填数字")
    return d
