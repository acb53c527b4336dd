"""A cell's number format pattern, as the emulator shows it and the reader reads it: one
rule for both, the pattern's bare ``%`` (``numfmt.is_percent_code`` in the product, the
emulator's own tokens in the fake, which imports nothing of the product's rules)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from sheets_sync.backends.gsheets.backend import GoogleSheetsBackend
from sheets_sync.emulator import Emulator
from sheets_sync.emulator.cellvalues import format_number
from tests.support.google import formatted_sheet

pytestmark = pytest.mark.emulator


@pytest.mark.parametrize(
    ("pattern", "shown"),
    [
        ("0%", "100%"),
        ("0.0%", "100.0%"),
        ("0\\%", "1%"),
        ('0"%"', "1%"),
        ('0.00" %"', "1.00 %"),
        ("[Red]0%", "100%"),
        ("0.00", "1.00"),
    ],
)
def test_a_pattern_shows_a_percentage_by_its_bare_percent_sign(pattern: str, shown: str) -> None:
    """Google's guide: ``\\`` and quotes make the next character or the text literal, a bare
    ``%`` multiplies by 100. The emulator looked at ``pattern.endswith("%")``: ``0\\%``
    showed 1 as 100% (until 2026-12-07), though the reader, as Google, read no percentage."""
    for kind in ("NUMBER", "PERCENT"):
        assert format_number(1, {"type": kind, "pattern": pattern}) == shown, kind


def test_the_emulator_shows_a_percentage_where_the_reader_reads_one(
    emulator: Emulator, client: Any
) -> None:
    """Each cell's 1 is shown as 100% (its ``formattedValue``) exactly where the reader,
    on the same cells, found a percent cell."""
    patterns = ["0%", "0.0%", '0"%"', "0\\%", "0.00", '0.0" %"', "[Blue]0%"]
    # by the section a positive value is shown by (until 2026-12-07 the reader counted a
    # % in any section, the emulator the first only: 0;0% read 100%, showing 1)
    patterns += ["0;0%", "0;-0%", "[>=1]0;0%", "[<1]0;0%", "0%;0"]
    # a lone section's condition too (until 2026-12-07 each showed 1 as 100%, read 100%)
    patterns += ["[<1]0%", "[>1]0%", "[<=1]0%"]
    key = formatted_sheet(
        emulator, client, [1] * len(patterns), [{"type": "NUMBER", "pattern": p} for p in patterns]
    )
    shown = [row[0] for row in emulator.values(key, "OKRs!A2:A16")]
    assert shown[:7] == ["100%", "100.0%", "1%", "1%", "1.00", "1.0 %", "100%"]
    assert shown[7:] == ["1", "1", "1", "100%", "100%", "1", "1", "100%"]
    grid = GoogleSheetsBackend(client, key).read(["OKRs"]).sheets["OKRs"]
    shown_percent = {(r, 1) for r, text in enumerate(shown, start=2) if _hundred_percent(text)}
    expected = {(2, 1), (3, 1), (8, 1), (12, 1), (13, 1), (16, 1)}
    assert grid.percent_cells == shown_percent == expected


def _hundred_percent(text: str) -> bool:
    """``text`` shows 1 as a percentage: 100 and a ``%``."""
    return text.endswith("%") and float(text[:-1]) == 100


def test_a_date_format_whose_pattern_shows_no_date_reads_its_number(
    emulator: Emulator, client: Any
) -> None:
    """A pattern given governs the display, as it decides a percentage: a script's
    ``{"type": "DATE", "pattern": "0.00"}`` shows 46000 as 46000.00, yet it read as the
    date 2025-12-09 (until 2026-12-07: the type alone decided a date). A date pattern, or
    none (the type's default), is still a date; a NUMBER type's date pattern still a
    number (docs/google-sheets.md says why)."""
    formats: list[dict[str, str]] = [
        {"type": "DATE", "pattern": "0.00"},
        {"type": "DATE_TIME", "pattern": "#,##0"},
        {"type": "DATE", "pattern": '0 "days"'},
        {"type": "DATE", "pattern": "yyyy-mm-dd"},
        {"type": "DATE_TIME", "pattern": "M/d/yyyy"},
        {"type": "DATE"},
        {"type": "NUMBER", "pattern": "0.00"},
    ]
    key = formatted_sheet(emulator, client, [46000] * len(formats), formats)
    shown = [row[0] for row in emulator.values(key, "OKRs!A2:A8")]
    assert shown == [
        "46000.00",
        "46,000",
        "46000 days",
        "2025-12-09",
        "12/9/2025",
        "2025-12-09",
        "46000.00",
    ]
    grid = GoogleSheetsBackend(client, key).read(["OKRs"]).sheets["OKRs"]
    read = [row[0] for row in grid.rows[1:]]
    day = dt.date(2025, 12, 9)
    assert read == [46000, 46000, 46000, day, dt.datetime(2025, 12, 9), day, 46000]


def test_a_date_format_whose_pattern_shows_a_percentage_is_a_percent_cell(
    emulator: Emulator, client: Any
) -> None:
    """A date type's pattern with no date element is the number pattern it shows as, its
    bare ``%`` too: {DATE, "0%"} shows 1 as 100% (the emulator and, by the pattern's rule,
    Google), yet it was no percent cell (until 2026-12-07), so its 100% read 1 of 10. A
    date pattern's ``%`` is a literal character."""
    formats: list[dict[str, str]] = [
        {"type": "DATE", "pattern": "0%"},
        {"type": "TIME", "pattern": "0.0%"},
        {"type": "DATE", "pattern": "yyyy %"},
        {"type": "TEXT", "pattern": "0%"},
    ]
    key = formatted_sheet(emulator, client, [1] * len(formats), formats)
    shown = [row[0] for row in emulator.values(key, "OKRs!A2:A5")]
    assert shown[:3] == ["100%", "100.0%", "1899 %"]
    grid = GoogleSheetsBackend(client, key).read(["OKRs"]).sheets["OKRs"]
    assert grid.percent_cells == {(2, 1), (3, 1)}
    assert grid.percent_ones == {(2, 1), (3, 1)}


def test_an_elapsed_time_pattern_reads_as_a_time(emulator: Emulator, client: Any) -> None:
    """``[h]`` is an elapsed time: 1.5 shows 36 (hours), and it read the number 1.5 (until
    2026-12-07, ``[h]`` removed as a ``[colour]``), where the Excel reader reads a time."""
    formats = [{"type": "DATE_TIME", "pattern": p} for p in ("[h]", '[h] "hours"')]
    key = formatted_sheet(emulator, client, [1.5, 1.5], formats)
    assert [row[0] for row in emulator.values(key, "OKRs!A2:A3")] == ["36", "36 hours"]
    grid = GoogleSheetsBackend(client, key).read(["OKRs"]).sheets["OKRs"]
    assert [row[0] for row in grid.rows[1:]] == [dt.datetime(1899, 12, 31, 12, 0)] * 2
