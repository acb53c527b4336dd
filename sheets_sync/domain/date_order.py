"""Dates with day and month in digits (``15/02/2026``, ``3/31/2026``, ``31.03.2026``):
their order differs between countries. One that is a day only one way round
(``15/02/2026``: there is no month 15) or the same day both ways (``05/05/2026``) is read
so. One that could be either (``03/04/2026``) is read in the order its column shows: a
column whose one-way dates are all day first reads it day first, likewise month first. A
column with none (every one could be either way) or both (two people, two habits) reads
none of those: each is an error on its cell saying what to type, and in a column of both
naming a cell of each. One that is no day either way round (``2/30/2026``) is an error of
its own and shows no order. A year of two digits after "/" or "." is 20yy
(docs/scoring.md, Dates)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sheets_sync.domain.celltext import INVISIBLE
from sheets_sync.grid import CellValue

#: Day and month in digits and a year of four: "15/02/2026", "3.4.2026", "03-04-2026";
#: or of two, 20yy, after "/" or "." ("15/02/26"; "26-02-15" may be year first).
DAY_MONTH = re.compile(r"^(\d{1,2})([/.\-])(\d{1,2})\2(\d{4}|\d{2})$")
#: Such a date with a time of day or a "." after it ("15/02/2026 10:00", "15.02.2026."):
#: an error, with the date to type.
LOOSE = re.compile(r"^(\d{1,2}([/.\-])\d{1,2}\2(?:\d{4}|\d{2}))(?:\.|,?[ T]+\d{1,2}:\d{2}.*)$")
NO_SUCH_DAY = ": no such day, day first or month first"


@dataclass(frozen=True)
class Mixed:
    """A column with dates only day first and dates only month first: the first cell of
    each ("G2", "G9"), which the error on a date that could be either names."""

    day_cell: str
    month_cell: str

    @property
    def hint(self) -> str:
        return (
            f"; in this column {self.day_cell} is day first, {self.month_cell} month first,"
            " so this one's order is not guessed"
        )


#: A column's order of digit dates: day first (True), month first (False), ``Mixed``, or
#: None when no date tells.
Order = bool | Mixed | None


@dataclass(frozen=True)
class Evidence:
    """The first cell of a column read only day first, and the first read only month
    first, each with its text; None where there is none."""

    day: tuple[str, str] | None = None
    month: tuple[str, str] | None = None

    @property
    def order(self) -> Order:
        if self.day and self.month:
            return Mixed(self.day[0], self.month[0])
        return bool(self.day) if self.day or self.month else None


def readings(text: str) -> tuple[dt.date | None, dt.date | None] | None:
    """``text`` (stripped) read day first and month first, None where it is no day so
    read (``31/02/2026``); None for text of another shape."""
    match = DAY_MONTH.match(text)
    if match is None:
        return None
    a, b, year = int(match[1]), int(match[3]), int(match[4])
    if len(match[4]) == 2:
        if match[2] == "-":
            return None
        year += 2000
    both: list[dt.date | None] = []
    for day, month in ((a, b), (b, a)):
        try:
            both.append(dt.date(year, month, day))
        except ValueError:
            both.append(None)
    return both[0], both[1]


def column_evidence(cells: Iterable[tuple[str | None, CellValue]]) -> Evidence:
    """What a column's text cells (each with its cell's name, None if unknown) show of
    its order: only a date that is a day one way round and not the other tells it."""
    day: tuple[str, str] | None = None
    month: tuple[str, str] | None = None
    for cell, value in cells:
        if not isinstance(value, str):
            continue
        text = value.translate(INVISIBLE).strip()  # "15/02/2026\u200b" pasted from a chat
        if (read := readings(text)) is None:
            continue
        if day is None and read[0] and not read[1]:
            day = (cell or "one", text)
        if month is None and read[1] and not read[0]:
            month = (cell or "one", text)
        if day and month:
            break
    return Evidence(day, month)


def digit_order(values: Iterable[CellValue]) -> Order:
    """The order ``values`` show (``column_evidence`` of cells with no names)."""
    return column_evidence((None, value) for value in values).order


def digit_date(text: str, order: Order) -> dt.date | str | None:
    """``text`` (stripped) as a date, in ``order`` where it could be either; else what to
    add to the error: why, and what to type. None for text of another shape."""
    read = readings(text)
    if read is None:
        return None
    day_first, month_first = read
    if day_first is None and month_first is None:
        return NO_SUCH_DAY
    if month_first is None or day_first == month_first:
        return day_first
    if day_first is None:
        return month_first
    if isinstance(order, bool):
        return day_first if order else month_first
    hint = f"; day and month could be either way round: type {day_first} or {month_first}"
    return hint + (order.hint if isinstance(order, Mixed) else "")


def loose_hint(text: str, order: Order) -> str | None:
    """What to add to the error on ``text`` (stripped), a digit date with a time of day or
    a "." after it: the date to type, as ``order`` reads it; or why there is none. None
    for text of another shape."""
    if (match := LOOSE.match(text)) is None or (read := digit_date(match[1], order)) is None:
        return None
    return f"; type it as {read}" if isinstance(read, dt.date) else read


def swapped_dates(
    evidence: Evidence, cells: Sequence[tuple[str | None, CellValue]]
) -> tuple[int, str] | None:
    """The first of ``cells`` (name, value) that is a date cell its spreadsheet may have
    read the wrong way round, and the warning for it; None if none may be. A column whose
    text is day first (``15/02/2026``, which a month-first spreadsheet leaves as text)
    was typed day first: its date cells with a day up to 12 (not its month) may be such a
    spreadsheet's reading of a typed ``04/03/2026``, 3 April for 4 March. Likewise month
    first in a day-first spreadsheet. Said once for the column, and only when none of its
    date cells has a day past 12: such a spreadsheet leaves a typed 20/03/2026 as text, so
    a date cell 2026-03-20 shows the column was typed in the spreadsheet's own order (its
    text dates are cells formatted as text). A date cell with a time of day (a formula's,
    a date picker's) was not typed so, and counts for neither."""
    order = evidence.order
    told = evidence.day if order is True else evidence.month if order is False else None
    if told is None:
        return None
    typed = [(i, v) for i, (_, v) in enumerate(cells) if isinstance(v, dt.date) and _no_time(v)]
    if any(value.day > 12 for _, value in typed):
        return None
    doubtful = [i for i, value in typed if value.day != value.month]
    if not doubtful:
        return None
    value = cells[doubtful[0]][1]
    assert isinstance(value, dt.date)
    day = dt.date(value.year, value.month, value.day)  # a datetime's date
    meant = dt.date(day.year, day.day, day.month)
    first, second = (day.month, day.day) if order else (day.day, day.month)
    match = DAY_MONTH.match(told[1])  # written as the text is: "15.02.2026", "15/02/26"
    sep, year = (match[2], match[4]) if match else ("/", "yyyy")
    year = f"{day.year % 100:02d}" if len(year) == 2 else str(day.year)
    shown = f"{first:02d}{sep}{second:02d}{sep}{year}"
    habit, other = ("day", "a month-first") if order else ("month", "a day-first")
    message = (
        f"this date cell is {day}, but this column's dates typed as text are {habit} first"
        f" ({told[0]}: {told[1]}): if {shown} was typed here, {other} spreadsheet made it"
        f" {day}, not {meant}"
    )
    if more := [cells[i][0] or "?" for i in doubtful[1:]]:
        cell_s = "cell" if len(more) == 1 else "cells"
        message += f" ({len(more)} more date {cell_s} of this column could be so: {_names(more)})"
    message += (
        f"; if {meant.day} {MONTHS[meant.month - 1]} was meant, type {meant}; if it is right,"
        f" retype {told[0]} ({told[1]}) as {_read(told[1])}"
    )
    if texts := [name or "?" for name, text in _digit_texts(cells) if name != told[0]]:
        message += f", and this column's other text dates likewise ({_names(texts)}),"
    return doubtful[0], message + " and this warning goes"


MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def _names(cells: list[str]) -> str:
    return ", ".join(cells[:5]) + (", ..." if len(cells) > 5 else "")


def _read(text: str) -> dt.date | None:
    """One-way ``text`` (the evidence) as its one date."""
    read = readings(text)
    return read and (read[0] or read[1])


def _digit_texts(cells: Sequence[tuple[str | None, CellValue]]) -> list[tuple[str | None, str]]:
    """The cells of ``cells`` holding a digit date as text, with it."""
    found = []
    for name, value in cells:
        if isinstance(value, str) and readings(text := value.translate(INVISIBLE).strip()):
            found.append((name, text))
    return found


def _no_time(value: dt.date) -> bool:
    """A date, or a datetime at midnight (a date cell as openpyxl reads it)."""
    return not isinstance(value, dt.datetime) or value.time() == dt.time()
