"""Turning the cells of one column, as typed, into typed values — in bulk.

Each converter takes the raw cell values of a column (as python-calamine returns them:
str, float, int, bool, datetime, date, time; '' for empty) and returns a typed pandas
Series plus the positions whose non-empty value could not be read. Strings are parsed
with vectorised regular expressions; only the odd cells go through Python one by one.
"""
from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta

import numpy as np
import pandas as pd

_EXCEL_EPOCH = datetime(1899, 12, 30)
_DATE_RE = re.compile(
    r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]+(\d{1,2}):(\d{1,2})(?::(\d{1,2}))?(?:\.\d+)?)?$")
_COMPACT_RE = re.compile(r"^(\d{4})(\d{2})(\d{2})(?:[ T]*(\d{2}):?(\d{2})(?::?(\d{2}))?)?$")
_TIME_RE = re.compile(r"^(\d{1,2})[:点时](\d{1,2})?(?:[:分](\d{1,2})秒?)?分?$")
_MONEY_STRIP = re.compile(r"[\s,元¥￥$]|人民币|RMB", re.IGNORECASE)
_MOBILE = re.compile(r"^1[3-9]\d{9}$")
_LANDLINE = re.compile(r"^(0(?:[12]\d|\d{3}))-?(\d{7,8})(?:(?:-|转|ext\.?|#|x)(\d{1,6}))?$", re.IGNORECASE)


def text(values: list) -> list:
    """Cells → str (stripped) or None. Whole floats lose their '.0' (13812345678.0)."""
    out = []
    for v in values:
        cls = v.__class__
        if cls is str:
            v = v.strip()
            out.append(v or None)
        elif cls is float:
            out.append(str(int(v)) if v.is_integer() else repr(v))
        elif v is None:
            out.append(None)
        elif cls is datetime:
            out.append(v.strftime("%Y-%m-%d %H:%M") if (v.hour or v.minute) else v.strftime("%Y-%m-%d"))
        elif cls is bool:
            out.append("是" if v else "否")
        else:
            out.append(str(v))
    return out


def _norm(s: pd.Series) -> pd.Series:
    return s.str.normalize("NFKC").str.strip()


def _parse_date_strings(s: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Text dates → (datetime64 Series, time-only timedelta Series); NaT where unreadable."""
    n = _norm(s)
    seps = n.str.replace(r"[年月/.]", "-", regex=True).str.replace(r"[日号]", " ", regex=True)
    seps = seps.str.replace(r"\s+", " ", regex=True).str.strip().str.replace(r"- ", "-", regex=False)
    parts = seps.str.extract(_DATE_RE)
    compact = n.str.extract(_COMPACT_RE)
    parts = parts.where(parts[0].notna(), compact)
    nums = parts.apply(pd.to_numeric, errors="coerce")
    stamp = pd.to_datetime(
        dict(year=nums[0], month=nums[1], day=nums[2], hour=nums[3].fillna(0),
             minute=nums[4].fillna(0), second=nums[5].fillna(0)), errors="coerce")
    tparts = n.str.extract(_TIME_RE).apply(pd.to_numeric, errors="coerce")
    tod = pd.to_timedelta(tparts[0] * 3600 + tparts[1].fillna(0) * 60 + tparts[2].fillna(0), unit="s")
    tod = tod.where((tparts[0] < 24) & (tparts[1].fillna(0) < 60))
    return stamp, tod


def datetimes(values: list, index) -> tuple[pd.Series, pd.Series, np.ndarray]:
    """Cells → (datetime64 Series, time-of-day timedelta Series for time-only cells, bad mask).

    Accepts Excel dates and date-times, Excel serial numbers, 8-digit numbers (20261005),
    text such as 2026-10-05, 2026/10/5, 2026.10.5, 2026年10月5日, with or without a time.
    """
    n = len(values)
    stamps: list = [None] * n
    tods: list = [None] * n
    strings: dict[int, str] = {}
    bad = np.zeros(n, dtype=bool)
    for i, v in enumerate(values):
        cls = v.__class__
        if cls is datetime:
            stamps[i] = v
        elif cls is str:
            if v:
                strings[i] = v
        elif cls is date:
            stamps[i] = datetime(v.year, v.month, v.day)
        elif cls is float or cls is int:
            stamps[i], tods[i], bad[i] = _from_number(v)
        elif cls is time:
            tods[i] = timedelta(hours=v.hour, minutes=v.minute, seconds=v.second)
        elif cls is timedelta:
            tods[i] = v
        elif v is not None:
            bad[i] = True
    stamp = pd.Series(pd.to_datetime(stamps, errors="coerce"), index=index, dtype="datetime64[ns]")
    tod = pd.Series(pd.to_timedelta(tods, errors="coerce"), index=index, dtype="timedelta64[ns]")
    if strings:
        pos = np.fromiter(strings.keys(), dtype=np.int64, count=len(strings))
        s_stamp, s_tod = _parse_date_strings(pd.Series(list(strings.values()), dtype=object))
        stamp.iloc[pos] = s_stamp.to_numpy()
        tod.iloc[pos] = s_tod.to_numpy()
        bad[pos] = s_stamp.isna().to_numpy() & s_tod.isna().to_numpy()
    return stamp, tod, bad


def _from_number(v: float):
    """An Excel serial (46300.5), an 8-digit date (20261005) or a time fraction (0.375)."""
    if 0 <= v < 1:
        return None, timedelta(days=v), False
    if 19000101 <= v <= 21001231 and float(v).is_integer():
        try:
            return datetime.strptime(str(int(v)), "%Y%m%d"), None, False
        except ValueError:
            return None, None, True
    if 1 <= v < 110000:
        return _EXCEL_EPOCH + timedelta(days=float(v)), None, False
    return None, None, True


def numbers(values: list, index) -> tuple[pd.Series, np.ndarray]:
    """Cells → float64 Series; text such as '1,200 元', '¥80', '８０' is read; bad mask."""
    n = len(values)
    out = np.full(n, np.nan)
    strings: dict[int, str] = {}
    bad = np.zeros(n, dtype=bool)
    for i, v in enumerate(values):
        cls = v.__class__
        if cls is float or cls is int:
            out[i] = v
        elif cls is str:
            if v.strip():
                strings[i] = v
        elif v is not None:
            bad[i] = True
    if strings:
        pos = np.fromiter(strings.keys(), dtype=np.int64, count=len(strings))
        s = _norm(pd.Series(list(strings.values()), dtype=object)).str.replace(_MONEY_STRIP, "", regex=True)
        parsed = pd.to_numeric(s, errors="coerce").to_numpy(dtype=float)
        out[pos] = parsed
        bad[pos] = np.isnan(parsed)
    return pd.Series(out, index=index), bad


def phones(values: list, index) -> tuple[pd.Series, np.ndarray]:
    """Cells → normalised phone text (13812345678, 0731-84567890, 010-12345678-123) or the
    text as typed when it is not a valid number (bad mask True there)."""
    raw = pd.Series(text(values), index=index, dtype=object)
    present = raw.notna()
    s = _norm(raw[present].astype(str)).str.replace(r"[\s()()]", "", regex=True)
    s = s.str.replace(r"^(?:\+?86)-?(?=1\d{10}$)", "", regex=True)
    digits = s.str.replace("-", "", regex=False)
    mobile = digits.str.fullmatch(_MOBILE)
    land = s.str.extract(_LANDLINE)
    landline = land[1].notna() & ~mobile
    norm = raw.copy()
    norm[mobile[mobile].index] = digits[mobile]
    fmt = land[0] + "-" + land[1] + ("-" + land[2]).fillna("")
    norm[landline[landline].index] = fmt[landline]
    bad = present.copy()
    bad[present] = ~(mobile | landline)
    return norm, bad.to_numpy()
