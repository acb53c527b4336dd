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
    numbers = pd.to_numeric(values, errors="coerce").astype("float64")
    numbers = numbers.where(np.isfinite(numbers))
    if isinstance(formats, str):
        extremes = [(formats, numbers.max(), numbers.min())]
    else:
        by = numbers.groupby(np.asarray(formats, dtype=object), sort=False)
        agg = pd.DataFrame({"max": by.max(), "min": by.min()})
        extremes = [(str(f), hi, lo) for f, hi, lo in agg.itertuples()]
    widest = 0
    for num_format, hi, lo in extremes:
        for extreme in (hi, lo):
            if not pd.isna(extreme):
                widest = max(widest, shown_chars(float(extreme), num_format))
    return widest
