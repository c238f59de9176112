"""Per-row text (rule sentences, 计算说明) built fast: numpy object arrays, and each distinct
value formatted once (dates, amounts and counts repeat a lot across 100,000 orders)."""
from __future__ import annotations

import numpy as np
import pandas as pd


def obj(values) -> np.ndarray:
    """Any column of text → object array of str ('' where missing)."""
    s = pd.Series(values, copy=False) if not isinstance(values, pd.Series) else values
    return s.astype(object).where(s.notna(), "").to_numpy(dtype=object)


def each_once(values, fmt, missing: str = "") -> np.ndarray:
    """fmt applied to each distinct value once, spread back to every row; NaN/NaT → missing."""
    codes, uniques = pd.factorize(pd.Series(values, copy=False), use_na_sentinel=True)
    texts = np.array([fmt(u) for u in uniques] + [missing], dtype=object)
    return texts[codes]        # code -1 (missing) picks the last entry


def day_text(dates) -> np.ndarray:
    """Dates → 'YYYY-MM-DD' ('' for NaT), formatted in C by numpy."""
    days = np.asarray(dates, dtype="datetime64[ns]").astype("datetime64[D]")
    text = np.datetime_as_string(days, unit="D").astype(object)
    text[np.isnat(days)] = ""
    return text


def int_text(values) -> np.ndarray:
    return each_once(values, lambda v: str(int(v)))


def fen_text(fen) -> np.ndarray:
    """Int fen → '12.30'."""
    return each_once(fen, lambda v: f"{int(v) // 100}.{int(v) % 100:02d}")


def per_distinct(keys: pd.DataFrame, build) -> np.ndarray:
    """build(frame of the distinct key rows) → one text per distinct row, spread back to every
    row. Rows are told apart by a 64-bit hash of all their keys."""
    hashed = pd.util.hash_pandas_object(keys, index=False).to_numpy()
    codes, uniques = pd.factorize(hashed)
    first = np.full(len(uniques), -1, dtype="int64")
    first[codes[::-1]] = np.arange(len(codes))[::-1]     # first row of each code
    distinct = keys.iloc[first].reset_index(drop=True)
    return np.asarray(build(distinct), dtype=object)[codes]
