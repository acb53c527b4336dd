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
import pandas as pd

from sheets_sync.domain.shown import shown_float


def shown_values(values: pd.Series) -> pd.Series:
    """``values`` (numbers, blanks as NaN) with each number ``shown_float``, as float64
    under the same index and name. A Python call a value (~0.5 us): tens of thousands a
    night, some tens of milliseconds at 2,000 teams."""
    numbers = values.to_numpy(dtype=float, na_value=np.nan)
    shown = np.array([shown_float(v) for v in numbers.tolist()], dtype=float)
    return pd.Series(shown, index=values.index, name=values.name)


def shown_cells(values: Sequence[float | None]) -> list[float | None]:
    """``values`` (numbers and blanks, as a row of cells holds them) with each number
    ``shown_float``, a blank as it is."""
    return [None if v is None else shown_float(v) for v in values]


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
