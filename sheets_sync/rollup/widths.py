"""How many characters a number column needs as its number format shows it.

A column sized from its header alone printed ``###`` in LibreOffice and Excel for a
currency value in the millions (the demo's `$3,400,000.00` in a 9-wide Target column).
Only the largest and the smallest value of each format count: a longer rendering needs a
larger magnitude (or a minus sign), so two values per format size a column of any length.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pandas as pd

#: Characters Excel's General format shows of a number at most (it rounds, then goes to
#: scientific notation, rather than print ``###``).
GENERAL_MAX = 11
#: Texts a column's width is taken from (the first ones), and the widest a column gets:
#: past it a text wraps or spills rather than push the next columns off the page.
TEXT_SAMPLE = 200
MAX_CHARS = 60


def shown_chars(value: float, num_format: str) -> int:
    """Characters ``value`` takes in ``num_format`` (the formats the rollup writes)."""
    if not math.isfinite(value):
        return 0
    if num_format in ("0.0%", "0%"):
        digits = 1 if num_format == "0.0%" else 0
        return len(f"{value * 100:.{digits}f}%")
    if num_format == "0.00":
        return len(f"{value:.2f}")
    if num_format == "0":
        return len(f"{value:.0f}")
    if num_format.endswith("#,##0.00"):  # '"$"#,##0.00': the symbol, then the amount
        symbol = num_format[: -len("#,##0.00")].strip('"')
        return len(symbol) + len(f"{value:,.2f}")
    text = f"{value:.10g}"  # General: at most 10 significant digits
    return min(GENERAL_MAX, len(text))


def column_chars(values: pd.Series, formats: str | Sequence[str]) -> int:
    """The widest rendering of ``values``, each in its format (one for all, or one a row)."""
    quick = _numpy_chars(values, formats)
    return quick if quick is not None else columns_chars(values.to_frame(), formats)[0]


def _numpy_chars(values: pd.Series, formats: str | Sequence[str]) -> int | None:
    """``column_chars`` of a float64 or Int64 column from numpy's extremes of its finite
    values, per format: the same values ``columns_chars`` finds (a frame, a
    ``to_numeric``, a ``where``, a groupby or a transposed frame a column cost ~0.5 ms,
    some 60 ms of a 500-team rollup's CPU, bench/notes.md). None (ask ``columns_chars``)
    for any other dtype, and for an extreme of zero where -0.0 is among the values: 0.0
    and -0.0 are equal, and which of them a maximum picks (``-0.00`` is a character
    wider) is its own."""
    if values.dtype == "float64":
        numbers = values.to_numpy()
    elif values.dtype == "Int64":
        numbers = values.to_numpy(dtype="float64", na_value=np.nan)  # no -0.0
    else:
        return None
    if isinstance(formats, str):
        groups = [(formats, numbers)]
    else:
        codes, names = pd.factorize(np.asarray(formats, dtype=object))
        groups = [(str(name), numbers[codes == k]) for k, name in enumerate(names)]
    widest = 0
    for num_format, part in groups:
        finite = part[np.isfinite(part)]
        if not finite.size:
            continue
        high, low = float(finite.max()), float(finite.min())
        if (high == 0 or low == 0) and np.signbit(finite[finite == 0]).any():
            return None
        widest = max(widest, shown_chars(high, num_format), shown_chars(low, num_format))
    return widest


def columns_chars(frame: pd.DataFrame, formats: str | Sequence[str]) -> list[int]:
    """``column_chars`` of each of ``frame``'s columns, the rows grouped by format once
    (the Trends tab's night columns share their rows' formats: grouped again for each
    night, they cost a groupby a night)."""
    numbers = frame.apply(pd.to_numeric, errors="coerce").astype("float64")
    numbers = numbers.where(np.isfinite(numbers))
    if isinstance(formats, str):
        highs, lows = numbers.max().to_frame(formats).T, numbers.min().to_frame(formats).T
    else:
        by = numbers.groupby(np.asarray(formats, dtype=object), sort=False)
        highs, lows = by.max(), by.min()
    widest = [0] * len(frame.columns)
    for extremes in (highs, lows):
        for num_format, row in zip(extremes.index, extremes.to_numpy(), strict=True):
            for c, extreme in enumerate(row):
                if not pd.isna(extreme):
                    widest[c] = max(widest[c], shown_chars(float(extreme), str(num_format)))
    return widest


def text_chars(values: pd.Series) -> int:
    """The longest of the first ``TEXT_SAMPLE`` texts in ``values`` (others count 0): what
    a text column is sized by, so a 500,000-row column is not read whole."""
    return max(
        (len(v) for v in values.iloc[:TEXT_SAMPLE].tolist() if isinstance(v, str)), default=0
    )
