"""Numbers as people see them: at most 15 significant digits, as Excel shows a number.

A score computed in floating point carries binary noise in its 16th and 17th digits: a
progress of 0.6 came out 0.6000000000000001, and a dry run printed
``OKRs!R5: (empty) -> 0.6000000000000001``. Excel stores the 17 digits and shows 15, so
the cell reads 0.6; every text this project makes of a number (a dry run's line, the run
report, JSON logs, notifications, the CSV export, a message in Sync notes) shows it the
same way. Scores are never rounded inside the domain (a status compares the exact score
with its thresholds); outside it, a team sheet's Score and Expected cells
(``sync/plan.py``) and the rollup's computed columns (``rollup/digits.py``: scores,
means, ratios, the History and Trends tabs) hold ``shown_float`` of the value, since
2026-12-07; every other cell keeps the exact value (a typed number, a Variance).
"""

from __future__ import annotations

import math
from decimal import Context, Decimal

#: the significant digits Excel shows of a number (its specifications and limits: "Number
#: precision: 15 digits"), and the most a number typed into a cell keeps
SHOWN_DIGITS = 15


def shown_float(number: float) -> float:
    """``number`` rounded to ``SHOWN_DIGITS`` significant digits (0.6000000000000001 ->
    0.6, 0.30000000000000004 -> 0.3): the value a text, or a JSON number, carries. Any
    number typed with 15 digits or fewer is returned as it is, but -0.0 as 0.0 (a key
    result at its start, lower being better, showed ``"progress": -0.0``); inf and NaN
    too, and a number that would round past the largest float (1.7976931348623157e308
    read 'inf')."""
    if not math.isfinite(number):
        return number
    shown = float(f"{number:.{SHOWN_DIGITS}g}") + 0.0  # + 0.0: a -0.0 reads 0.0, as in Excel
    return shown if math.isfinite(shown) else number


def shown_or_none(number: float | None) -> float | None:
    """``shown_float`` of a number that may be missing (an unscored key result's score)."""
    return None if number is None else shown_float(number)


def shown_text(number: float) -> str:
    """``number`` as a text: ``repr`` of ``shown_float``, so never more digits than it
    needs ("0.6", "12.0", "1e-05", "1234567.891")."""
    return repr(shown_float(number))


def _text(number: float, whole: bool) -> str:
    if whole and number.is_integer() and abs(number) < 1e16:
        return str(int(number))
    return repr(number)


def show_pair(a: float, b: float, *, whole: bool = False, apart: float = 0.0) -> tuple[str, str]:
    """Two numbers a text compares (``upper bound (X) is below the lower bound (Y)``, a
    change ``X -> Y``): ``shown_text`` of each, unless those read the same while the
    values differ by more than ``apart``, then the exact ``repr`` of each, so a message
    never says ``(0.3) is below (0.3)``. ``whole``: a whole number as an integer (``12``,
    not ``12.0``), as a message (``values.show_number``) shows it. ``apart``: what the
    caller counts as no difference (a cell rewritten for its style, ``0.6 -> 0.2+0.4``,
    read ``0.6 -> 0.6000000000000001`` with none)."""
    a, b = float(a), float(b)
    shown = _text(shown_float(a), whole), _text(shown_float(b), whole)
    if shown[0] == shown[1] and abs(a - b) > apart and not (math.isnan(a) and math.isnan(b)):
        return _text(a, whole), _text(b, whole)
    return shown


def shown_numbers(value: object) -> object:
    """A JSON-ready ``value`` with each float in it ``shown_float``, in dicts, lists and
    tuples too; anything else (a bool, an int, a text) as it is."""
    if isinstance(value, float):
        return shown_float(value)
    if isinstance(value, dict):
        return {k: shown_numbers(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [shown_numbers(v) for v in value]
    return value


#: every digit of any two floats' difference or sum (their reprs span at most 17 + 308 +
#: 324 digits), and of a product of one by a tolerance: exact, then one rounding. One
#: context for all (``kpi.rag`` too): ``localcontext`` per call cost half of the time of a
#: difference (2000 teams x 15 KPIs a night).
EXACT = Context(prec=800)


def typed_difference(a: float, b: float) -> float:
    """``a - b`` of the numbers as typed: the difference of the decimals ``a`` and ``b``
    read as (their shortest ``repr``, the digits a person typed), rounded once to a
    float. ``0.9996 - 1.0`` in binary is -0.000399999999999956 (each operand's error of a
    17th digit, lifted into the 15 shown by the cancellation); typed it is -0.0004. Why
    not the difference of the 15-digit *shown* operands: a formula's result (2/3) has
    17 digits, and rounding it first would change a difference between numbers that
    read the same (0.6000000000000001 - 0.6 gave 0); a ``repr`` reads back as the same
    float, so two different floats give a difference that is not 0 (1e-16 here), and
    never has more noise than the binary one. Below the smallest normal float the typed
    difference can round to 0 (2.1e-322 - 2.08e-322 is 2e-324, under the smallest float)
    while the binary one is exact there: that one is returned (until 2026-12-06, 0.0).
    Finite in, finite or inf out (1e308 - -1e308: the caller clamps, ``finite.bounded``).
    Any float type: ``float()`` first, as ``repr(numpy.float64(0.5))`` is
    ``np.float64(0.5)``, no decimal (it raised InvalidOperation until 2026-12-06)."""
    if a == b:
        return 0.0
    a, b = float(a), float(b)
    typed = float(EXACT.subtract(Decimal(repr(a)), Decimal(repr(b))))
    return typed if typed else a - b  # a - b of distinct floats is never 0 (subnormals)
