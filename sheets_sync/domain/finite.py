"""Arithmetic on typed numbers that stays finite.

Every number a team types is finite (``values._finite``), but a difference or a ratio of
two of them need not be: start 0, target 1e-308 and current 1e308 made a Progress of
inf (blank in the company workbook, ``inf`` in the export), and -1e308 to 1e308 made
inf / inf, a NaN. These keep such results finite: a difference that overflows is taken on halves
(halving a number that large is exact), and whatever is still past Excel's range is
clamped to it, as scores are clamped to 0..1.

Excel's range, not a float's: these results are written (a KPI's Variance into the team
sheet, Progress and Variance % into the company workbook), and Excel's largest number is
9.99999999999999E+307 (its specifications and limits): the float maximum, 1.797E+308, it
does not take as typed input, and a file holding one shows it oddly. Values a team typed
are never clamped: they are written back as they were.
"""

from __future__ import annotations

import math

#: Excel's largest number (the largest a user can type); results beyond it, an overflow
#: to inf among them, are clamped to it.
LARGEST = 9.99999999999999e307


def bounded(number: float) -> float:
    """``number`` clamped to ±``LARGEST`` (inf too); NaN is not expected."""
    return min(LARGEST, max(-LARGEST, number))


def difference(a: float, b: float) -> float:
    """``a - b`` of finite numbers, clamped when it overflows (1e308 - -1e308)."""
    return bounded(a - b)


def ratio_of_differences(a: float, b: float, c: float, d: float) -> float:
    """``(a - b) / (c - d)`` of finite numbers with ``c != d``, finite: a difference that
    overflows is taken on halves (and the ratio scaled back), then the ratio is clamped
    (a tiny ``c - d`` can still make it huge). Never NaN: ``c - d`` of distinct finite
    floats is never 0, nor the half of one that overflowed."""
    top, bottom, scale = a - b, c - d, 1.0
    if math.isinf(top):
        top, scale = a / 2 - b / 2, 2.0
    if math.isinf(bottom):
        bottom, scale = c / 2 - d / 2, scale / 2
    return bounded(top / bottom * scale)
