"""Dates with day and month in digits (``15/02/2026``, ``3/31/2026``, ``31.03.2026``):
their order differs between countries, so a cell alone is read only if its column says
the order. A column whose digit dates include one that can be read only day first
(``15/02/2026``: there is no month 15) and none only month first reads them all day
first, ``03/04/2026`` as 3 April; likewise month first. A column with neither (every one
could be either way) or both (two people, two habits) reads none: each is an error on
its cell saying what to type (docs/scoring.md, Dates)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from typing import Literal

from sheets_sync.grid import CellValue

#: Day and month in digits and a year of four: "15/02/2026", "3.4.2026", "03-04-2026".
DAY_MONTH = re.compile(r"^(\d{1,2})([/.\-])(\d{1,2})\2(\d{4})$")


#: ``digit_order`` of a column with dates in both orders: none is read, and each says why.
MIXED: Literal["mixed"] = "mixed"
#: A column's order of digit dates: day first (True), month first (False), ``MIXED``, or
#: None when no date tells.
Order = bool | Literal["mixed"] | None
MIXED_HINT = "; this column has dates both day first and month first, so none typed so is read"


def digit_order(values: Iterable[CellValue]) -> Order:
    """True if the text cells among ``values`` with day and month in digits are day first
    (one has a first number past 12, none a second), False if month first, ``MIXED`` if
    both show, None if no cell tells."""
    day = month = False
    for value in values:
        if isinstance(value, str) and (match := DAY_MONTH.match(value.strip())):
            first, second = int(match[1]), int(match[3])
            day |= first > 12 >= second
            month |= second > 12 >= first
    if day and month:
        return MIXED
    return day if day or month else None


def digit_date(text: str, day_first: bool) -> dt.date | None:
    """``text`` (stripped) read in the given order, or None if it has no such shape or
    is no day so read (``31/02/2026``)."""
    match = DAY_MONTH.match(text)
    if match is None:
        return None
    first, second, year = int(match[1]), int(match[3]), int(match[4])
    day, month = (first, second) if day_first else (second, first)
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def order_hint(text: str) -> str:
    """What a date with day and month in digits could mean, for the error message."""
    match = DAY_MONTH.match(text)
    if match is None:
        return ""
    a, b, year = int(match[1]), int(match[3]), int(match[4])
    readings = []
    for day, month in ((a, b), (b, a)):
        try:
            readings.append(dt.date(year, month, day).isoformat())
        except ValueError:
            continue
    if len(set(readings)) == 2:
        return f"; day and month could be either way round: type {readings[0]} or {readings[1]}"
    if readings:
        return f"; type it as {readings[0]} (the order of day and month is not guessed)"
    return ""
