"""Arithmetic on typed numbers that stays finite.

Every number a team types is finite (``values._finite``), but a difference or a ratio of
two of them need not be: start 0, target 1e-308 and current 1e308 made a Progress of
inf (blank in the company workbook, ``inf`` in the export), and -1e308 to 1e308 made
inf / inf, a NaN. These keep such results finite: a difference that overflows is taken on halves
(halving a number that large is exact), and whatever is still past a float's range is
clamped to it, as scores are clamped to 0..1.
"""

from __future__ import annotations

import math
import sys

#: The largest finite float; results beyond it are clamped to it.
LARGEST = sys.float_info.max


def bounded(number: float) -> float:
    """``number`` clamped to the finite floats (±``LARGEST``); NaN is not expected."""
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
