"""Computed numbers as the rollup holds them: at most the 15 significant digits Excel
shows (``domain.shown.shown_float``), a column at a time. Pure: no I/O.

A score, mean or ratio computed in floating point carries binary noise in its 16th and
17th digits (0.6000000000000001). Excel shows 15 digits, but pandas, a formula comparing
the cell with 0.6 and a pivot's grouping saw the noise; the team sheets' Score and
Expected cells, the company workbook's tables, its History and Trends tabs, the export
and a Google rollup hold the 15 digits instead (docs/rollup.md). Statuses and bands are
judged on the exact numbers before they are made so.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt
import pandas as pd

from sheets_sync.domain.shown import shown_float


def shown_values(values: pd.Series) -> pd.Series:
    """``values`` (numbers, blanks as NaN) with each number ``shown_float``, as float64
    under the same index and name (``shown_array``)."""
    numbers = values.to_numpy(dtype=float, na_value=np.nan)
    return pd.Series(shown_array(numbers), index=values.index, name=values.name)


#: 10**0 .. 10**22, each exact as a float (10**23 is not)
_POW10 = np.array([float(10**k) for k in range(23)])


def shown_array(numbers: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    """``shown_float`` of each of ``numbers``, the same floats (tests/rollup/test_digits.py),
    with numpy: a number of magnitude 1e-8 to 1e37 is scaled by an exact power of ten to
    15 digits before the point (one rounding), rounded to a whole number, half to even,
    as Python formats a tie (a scaled .5 that the scaling's own rounding made is told from
    a true tie by that rounding's exact error, ``_product_error``), and scaled back (one
    correctly rounded division or product: the float nearest the 15-digit decimal, as
    ``float()`` of its text). The rest go through ``shown_float`` itself: a log10 one off
    at a power of ten, a magnitude outside that range, a number past 1e15 whose quotient
    lands near .5. Measured 2026-12-07 on 40,000 scores: a Python call a value took 27 ms
    (0.68 us each; some 0.3 s of CPU a night at 2,000 teams, over the tables' columns,
    the History tab and the Trends means), this 3 ms, none of them sent to Python."""
    x = np.asarray(numbers, dtype=np.float64)
    out = np.where(x == 0, 0.0, x)  # -0.0 reads 0.0; inf and NaN as they are
    at = np.flatnonzero(np.isfinite(x) & (x != 0))
    if not at.size:
        return out
    size = np.abs(x[at])
    power = np.floor(np.log10(size)).astype(np.int64)
    scale = 14 - power  # 10**scale takes the number to 15 digits before the point
    inside = np.abs(scale) <= 22
    exact = _POW10[np.minimum(np.abs(scale), 22)]
    up = scale >= 0
    with np.errstate(all="ignore"):  # the branch np.where does not take may overflow
        scaled = np.where(up, size * exact, size / exact)
        whole = np.rint(scaled)  # half to even, as Python formats a tie
        half = scaled - whole  # exact: the two are within 0.5 of each other
        # a product's own rounding (``_product_error``) settles a scaled .5 that is none
        beyond = np.sign(half) * np.sign(_product_error(size, exact, scaled))
        whole = np.where((np.abs(half) == 0.5) & (beyond > 0), whole + 2 * half, whole)
        # a quotient's is not known: one near .5 goes to ``shown_float`` (numbers past 1e15)
        near = ~up & (np.abs(np.abs(half) - 0.5) <= 2 * np.spacing(scaled))
        settled = inside & (scaled >= 1e14) & (scaled < 1e15) & ~near
        back = np.where(up, whole / exact, whole * exact)
    out[at] = np.where(settled, np.copysign(back, x[at]), x[at])
    for i in at[~settled].tolist():
        out[i] = shown_float(float(x[i]))
    return out


#: Veltkamp's splitter for a float64: 2**27 + 1
_SPLIT = 134217729.0


def _product_error(
    a: npt.NDArray[np.float64], b: npt.NDArray[np.float64], product: npt.NDArray[np.float64]
) -> npt.NDArray[np.float64]:
    """``a * b - product`` exactly, ``product`` the float ``a * b`` (Dekker's TwoProduct:
    the halves of 26 bits multiply exactly), for products well inside the floats' range."""
    a_hi = _SPLIT * a
    a_hi = a_hi - (a_hi - a)
    b_hi = _SPLIT * b
    b_hi = b_hi - (b_hi - b)
    a_lo, b_lo = a - a_hi, b - b_hi
    return (((a_hi * b_hi - product) + a_hi * b_lo) + a_lo * b_hi) + a_lo * b_lo


def shown_cells(values: Sequence[float | None]) -> list[float | None]:
    """``values`` (numbers and blanks, as a row of cells holds them) with each number
    ``shown_float``, a blank as it is."""
    if not values:
        return []
    numbers = np.array([np.nan if v is None else v for v in values], dtype=np.float64)
    shown = shown_array(numbers).tolist()
    return [None if v is None else s for v, s in zip(values, shown, strict=True)]


#: The numbers the rollup computes (scores, means, ratios), as against what a team typed
#: (Start, Target, Actual...) or a typed difference (Variance, ``shown.typed_difference``)
COMPUTED = {
    "summary": ("Average objective score", "Net confidence"),
    "objectives": ("Score", "Expected"),
    "key_results": ("Progress", "Score", "Expected"),
    "kpis": ("Variance %",),
    "company_objectives": ("Score",),
    "alignment": ("Score",),
}


def shown(frame: pd.DataFrame, table: str) -> pd.DataFrame:
    """``frame`` with its ``COMPUTED`` columns as ``shown_values`` gives them, the at
    most 15 significant digits Excel shows, as a team sheet's Score cell holds them: a
    progress of 0.6000000000000001 is 0.6 in the workbook, the export and a Google rollup
    (until 2026-12-07 every digit: pandas, a formula and a pivot saw the noise). Bands and
    statuses were judged on the exact numbers before; those stay."""
    columns = [c for c in COMPUTED[table] if c in frame.columns and len(frame)]
    if not columns:
        return frame
    frame = frame.copy()
    for column in columns:
        frame[column] = shown_values(frame[column])
    return frame
