"""Money in integer fen (分), vectorised, with exact half-up rounding.

Amounts in the orders frame are float yuan parsed exactly from the typed text, so the
decimal the dealer typed is the shortest repr of the float: `to_fen` recovers it (rounding
to 1e-6 fen first) and rounds half-up, so 0.005 yuan → 1 fen. Rates are Decimal and are
applied as exact fractions (`mul_half_up`), never as binary floats. Results go back out as
float yuan (`yuan`), whose shortest repr is the exact amount in fen (12.35, never
12.349999…); addin.rules.textarrays formats them as text with two decimals.
"""
from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

import numpy as np
import pandas as pd


def to_fen(values: pd.Series) -> pd.Series:
    """Float yuan → int64 fen, half-up on the typed decimal; NaN → 0."""
    x = values.astype("float64").fillna(0.0).to_numpy() * 100.0
    x = np.round(x, 6)
    fen = np.sign(x) * np.floor(np.abs(x) + 0.5)
    return pd.Series(fen.astype("int64"), index=values.index)


def ratio(d: Decimal) -> tuple[int, int]:
    """A Decimal as an exact fraction (numerator, denominator > 0)."""
    return Decimal(d).as_integer_ratio()


def mul_half_up(amount: pd.Series | np.ndarray, rate: Decimal) -> np.ndarray:
    """Integer amounts × an exact Decimal rate, rounded half-up to an integer (non-negative
    amounts and rates; callers clip first)."""
    num, den = ratio(rate)
    a = np.asarray(amount, dtype="int64")
    return (2 * a * num + den) // (2 * den)


def decimal_fen(value: Decimal) -> int:
    """One Decimal yuan amount → fen, half-up (for scalar callers such as the UDFs)."""
    return int((Decimal(value) * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def yuan(fen: pd.Series) -> pd.Series:
    """Int fen → float yuan (exact to the fen in its shortest repr)."""
    return fen.astype("int64") / 100.0
