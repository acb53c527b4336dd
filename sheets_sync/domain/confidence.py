"""A key result's confidence, as people type it: 0-10, 0-100%, 7/10 or Low/Medium/High,
normalised to 0..1 (moved out of ``values.py`` on 2026-12-07, unchanged)."""

from __future__ import annotations

import datetime as dt
import math
import re
from fractions import Fraction

from sheets_sync.domain.celltext import INVISIBLE
from sheets_sync.domain.shown import shown_float
from sheets_sync.domain.values import (
    CellValueError,
    check_error,
    describe,
    is_empty,
    is_percent_text,
    parse_number,
    show_number,
)
from sheets_sync.grid import CellValue

__all__ = ["CONFIDENCE_WORDS", "parse_confidence"]

CONFIDENCE_WORDS = {
    "low": 0.3,
    "l": 0.3,
    "medium": 0.6,
    "med": 0.6,
    "m": 0.6,
    "high": 0.9,
    "h": 0.9,
}
_CONFIDENCE_FORMS = "confidence is 0-10, 0-100%, 7/10 or Low/Medium/High"
#: "7/10", "3 / 5": a score out of a scale, as people say it.
_FRACTION = re.compile(r"^(\d+(?:\.\d+)?)\s*/\s*(\d+(?:\.\d+)?)$")


def parse_confidence(value: CellValue, percent_cell: bool = False) -> float | None:
    """0-10, 0-100%, 7/10, or Low/Medium/High, normalised to 0..1.

    A whole number up to 10 reads on the 0-10 scale (7 -> 0.7); a fraction below 1 is a
    percent cell (0.7 -> 0.7); 11..100 is a percentage typed without % (70 -> 0.7). Over
    10 and under 11 (10.5) is a 0-10 value over its top: an error, as 7.5 is. A number is
    judged as its cell shows it (15 significant digits, ``shown_float``) from 1 up: a
    formula's ``=3*3.7-1.1`` (10.000000000000002) reads 10, as 9.999999999999998 does; a
    fraction below 1 (0.9999999999999999) reads as it is, never as a whole 1.

    ``percent_cell``: a number from a cell in a percent format, which shows it as a
    percentage: over 1 it is that percentage, as shown (a formula's 1.0000000000000002 is
    100%, 1.0), and over 100% an error built from the number (2: "got 200%").
    """
    check_error(value)
    if is_empty(value):
        return None
    if isinstance(value, dt.date):  # and datetime
        # Excel (US) and Google turn a typed 7/10 into July 10: say so, not "expected a
        # number"
        raise CellValueError(
            f"{_CONFIDENCE_FORMS}, got a date ({describe(value)}); "
            "a spreadsheet turns a typed 7/10 into a date: type 7 or 70%"
        )
    if isinstance(value, str):
        word = value.translate(INVISIBLE).strip().lower()  # "High\u200b" pasted from a chat
        if word in CONFIDENCE_WORDS:
            return CONFIDENCE_WORDS[word]
        fraction = _FRACTION.match(word)
        if fraction:
            # the decimals as typed, divided exactly and rounded once: in floats 3.3 / 10
            # is 0.32999999999999996, which a message quotes
            try:
                part, whole = Fraction(fraction[1]), Fraction(fraction[2])
            except ValueError:  # past Python's 4,300 digits of an int read from text
                raise CellValueError(f"{_CONFIDENCE_FORMS}, got {describe(value)}") from None
            if not 0 <= part <= whole or whole == 0:
                raise CellValueError(f"{_CONFIDENCE_FORMS}, got {describe(value)}")
            return float(part / whole)
        if is_percent_text(value):  # "100％", "100%\u200b" too: "100％" read 0.1
            number = parse_number(value)
            assert number is not None
            if not 0 <= number <= 1:
                raise CellValueError(f"confidence must be between 0% and 100%, got {value}")
            return number
    try:
        number = parse_number(value)
    except CellValueError as error:
        if not str(error).startswith("expected a number"):
            raise  # "0,7": the number's own, more precise message
        raise CellValueError(f"{_CONFIDENCE_FORMS}, got {describe(value)}") from None
    if number is None:  # "\u200b", "n/a\u200b": an empty word with invisible characters
        return None
    # as the cell shows it: a formula's float noise, 10.000000000000002 (shown 10), read
    # 10 % and 9.999999999999998 was an error until 2026-12-07. Only from 1 up: below, the
    # shown value could turn a fraction into a whole (0.9999999999999999, a percent cell's
    # 100 %, would read 1, the 0-10 scale's 0.1); a fraction reads as it is
    if number >= 1:
        number = shown_float(number)
    numeric = isinstance(value, int | float)  # not a text, which shows no percentage
    if percent_cell and numeric and number >= 1:
        if number == 1:
            return 1.0
        if not math.isfinite(number * 100):  # 1e307: no percentage to show, the number
            # then (it fell through to the 0-10 scale's error, which knew no percent cell,
            # until 2026-12-07)
            raise CellValueError(
                f"confidence must be between 0% and 100%, got {show_number(number)} "
                "in a percent cell (over 100%)"
            )
        raise CellValueError(
            f"confidence must be between 0% and 100%, got {show_number(number * 100)}%"
        )
    if 0 <= number <= 10 and float(number).is_integer():
        return number / 10
    if 0 <= number < 1:
        return number
    if 10 < number < 11:  # a 0-10 value over its top, not 10.5 % (0.105, until 2026-12-07)
        raise CellValueError(
            f"{_CONFIDENCE_FORMS}, got {describe(value)}: over 10, the top of the 0-10 "
            f"scale (for {show_number(number)} %, type {show_number(number)}%)"
        )
    if 10 < number <= 100:  # as typed, rounded once: 33.3 / 100 is 0.33299999999999996
        return float(f"{number!r}e-2")
    raise CellValueError(f"{_CONFIDENCE_FORMS}, got {describe(value)}")
