"""Day numbers in Due date / As of: one rule in both of Excel's date systems.

A number below 61 is no date anyone meant (the 1900 system's are a day off before March
1900; in a Mac workbook they would be January-February 1904), and a number that is no day
of the workbook's own system must be refused, not read in the other system.
"""

from __future__ import annotations

import datetime as dt

import pytest

from sheets_sync.grid import DATE_EPOCH, CellValue, SheetGrid, WorkbookData
from sheets_sync.mapping.extract import extract
from sheets_sync.mapping.parse import build_team_input
from sheets_sync.mapping.spec import load_mapping

HEAD: tuple[str, ...] = ("Objective ID", "Objective", "KR ID", "Key result", "Owner")
HEAD += ("KR type", "Start", "Target", "Current", "Due date")


def _read(due: CellValue, epoch: str | None) -> tuple[dt.date | None, list[str]]:
    rows = (HEAD, ("O1", "Grow", "KR1", "Goal", "Ann", "number", 0, 100, 50, due))
    meta = {DATE_EPOCH: epoch} if epoch else {}
    data = WorkbookData("sales.xlsx", ("OKRs",), {"OKRs": SheetGrid("OKRs", rows)}, meta=meta)
    team = build_team_input("Sales", extract(data, load_mapping("standard")))
    errors = [str(f) for f in team.findings if f.is_error]
    return (team.key_results[0].due if team.key_results else None), errors


@pytest.mark.parametrize("epoch", [None, "1904-01-01"], ids=["1900", "1904"])
@pytest.mark.parametrize(
    ("number", "shown"), [(0, "0"), (5.0, "5"), (60.0, "60"), (60.9, "60.9"), (12.0, "12")]
)
def test_day_numbers_below_61_are_refused_in_either_system(
    epoch: str | None, number: float, shown: str
) -> None:
    """A reader gives a typed 12 as 12.0: the message says 12, as typed."""
    assert _read(number, epoch) == (
        None,
        [f"sales.xlsx!OKRs!J2: expected a date, got the number {shown}"],
    )


@pytest.mark.parametrize(
    ("epoch", "due"),
    [(None, dt.date(1900, 3, 1)), ("1904-01-01", dt.date(1904, 3, 2))],
    ids=["1900", "1904"],
)
def test_day_61_is_a_date_in_either_system(epoch: str | None, due: dt.date) -> None:
    assert _read(61, epoch) == (due, [])


def test_a_number_past_the_1904_systems_last_day_is_not_read_as_a_1900_day() -> None:
    """2957500 is 9997-... in the 1900 system but past 9999-12-31 counted from 1904."""
    assert _read(2957500, "1904-01-01") == (
        None,
        ["sales.xlsx!OKRs!J2: expected a date, got the number 2957500"],
    )
    assert _read(2957500, None)[0] == dt.date(1899, 12, 30) + dt.timedelta(days=2957500)


@pytest.mark.parametrize(
    ("due", "shown"),
    [
        ("1850-01-01", "1850-01-01"),
        ("29 Feb 1896", "1896-02-29"),
        (dt.date(1899, 12, 31), "1899-12-31"),
        (dt.datetime(1900, 2, 28, 9, 30), "1900-02-28"),
    ],
)
def test_a_date_before_march_1900_is_refused_however_typed(due: CellValue, shown: str) -> None:
    """A due date of 1850 is a typo (for 2025?). It was read, and the company workbook
    wrote it as a negative day number (Excel shows ``####``; the export and Google
    1850-01-01): now it is refused as a day number below 61 is, naming the cell."""
    assert _read(due, None) == (
        None,
        [
            f"sales.xlsx!OKRs!J2: expected a date on or after 1900-03-01, got {shown} "
            "(Excel shows none before 1900 and January-February 1900 a day late)"
        ],
    )


def test_march_1900_is_a_date() -> None:
    assert _read("1900-03-01", None) == (dt.date(1900, 3, 1), [])
