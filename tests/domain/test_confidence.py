"""A confidence over the top of the 0-10 scale and under 11 (``10.5``) is an error naming
its cell: until 2026-12-07 it read as a percentage typed without % (10.5 % -> 0.105),
though docs/scoring.md takes 11-100 so, and ``7.5`` was already an error (a number of the
0-10 scale is whole). 11 and up is a percentage, as documented."""

from __future__ import annotations

import datetime as dt
import sys
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from sheets_sync.backends.excel.reader import read_workbook
from sheets_sync.domain.confidence import parse_confidence
from sheets_sync.domain.models import Period
from sheets_sync.domain.team import evaluate_team
from sheets_sync.domain.values import CellValueError, show_number
from sheets_sync.mapping.extract import extract
from sheets_sync.mapping.parse import build_team_input
from sheets_sync.mapping.spec import load_mapping
from tests.conftest import write_team
from tests.mapping.test_fill_down_percent import read_filled_down

OVER = (
    "confidence is 0-10, 0-100%, 7/10 or Low/Medium/High, got {}: over 10, the top of "
    "the 0-10 scale (for {} %, type {}%)"
)


@pytest.mark.parametrize(
    ("raw", "got", "typed"),
    [
        (10.5, "10.5", "10.5"),
        ("10.5", '"10.5"', "10.5"),
        (10.01, "10.01", "10.01"),
        (" 10.99 ", '" 10.99 "', "10.99"),
        (10.000001, "10.000001", "10.000001"),
    ],
)
def test_over_the_top_of_the_scale_is_an_error(raw: object, got: str, typed: str) -> None:
    with pytest.raises(CellValueError) as info:
        parse_confidence(raw)  # type: ignore[arg-type]
    assert str(info.value) == OVER.format(got, typed, typed)


@given(st.decimals(min_value=11, max_value=100, places=2, allow_nan=False))
def test_eleven_and_up_is_a_percentage(typed: Decimal) -> None:
    assert parse_confidence(float(typed)) == float(typed / 100)
    assert parse_confidence(str(typed)) == float(typed / 100)


@pytest.mark.parametrize(("raw", "expected"), [(10, 1.0), (10.0, 1.0), ("10", 1.0), (11, 0.11)])
def test_the_edges_read_as_ever(raw: object, expected: float) -> None:
    assert parse_confidence(raw) == expected  # type: ignore[arg-type]


def test_the_error_names_the_cell(tmp_path: Path) -> None:
    row: list[object] = [
        "O1",
        "Grow",
        None,
        None,
        "KR1",
        "x",
        "Ann",
        "number",
        0,
        5000,
        2000,
        None,
        1,
        10.5,
    ]
    path = write_team(tmp_path / "sales.xlsx", [row])
    data = read_workbook(path, source="sales.xlsx", tabs=["OKRs", "KPIs"])
    team = build_team_input("Sales", extract(data, load_mapping("standard")))
    period = Period("2026-Q4", dt.date(2026, 10, 1), dt.date(2026, 12, 31))
    result = evaluate_team(team, period=period, as_of=dt.date(2026, 11, 15))
    said = OVER.format("10.5", "10.5", "10.5")
    assert [str(f) for f in result.errors] == [f"sales.xlsx!OKRs!N2: {said}"]
    assert [k.confidence for k in team.key_results] == [None]


@pytest.mark.parametrize("raw", [10.000000000000002, 9.999999999999998, 3 * 3.7 - 1.1])
def test_a_formula_s_float_noise_reads_as_the_cell_shows_it(raw: float) -> None:
    """``=3*3.7-1.1`` is 10.000000000000002 in floating point and shows 10: it reads 1.0,
    not "over 10 ... (for 10 %, type 10%)"; 9.999999999999998 shows 10 too."""
    assert parse_confidence(raw) == 1.0


def test_a_number_shown_over_10_is_still_over() -> None:
    with pytest.raises(CellValueError) as info:
        parse_confidence(10.5)
    assert str(info.value) == OVER.format("10.5", "10.5", "10.5")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (0.9999999999999999, 0.9999999999999999),  # a fraction: never the whole 1 (0.1)
        (1.0000000000000002, 0.1),  # shows 1, a whole of the 0-10 scale
        (9.999999999999998, 1.0),
        (10.000000000000002, 1.0),
    ],
)
def test_the_shown_value_never_turns_a_fraction_into_a_whole(raw: float, expected: float) -> None:
    """Judged as shown from 1 up only: a formula's 0.9999999999999999 (100 % in a percent
    cell) read 1, the 0-10 scale's 0.1, on 2026-12-07; it reads as it is, as it did before."""
    assert parse_confidence(raw) == expected


def test_a_fraction_in_a_percent_cell_reads_as_its_percentage(tmp_path: Path) -> None:
    """Through the reader: a ``0%`` cell whose formula gives 0.9999999999999999 (shown
    100%) is 0.9999999999999999, not 0.1."""
    row: list[object] = ["O1", "Grow", None, None, "KR1", "x", "Ann", "number", 0, 5000]
    path = write_team(tmp_path / "sales.xlsx", [[*row, 2000, None, 1, 0.9999999999999999]])
    book = openpyxl.load_workbook(path)
    book["OKRs"]["N2"].number_format = "0%"
    book.save(path)
    data = read_workbook(path, source="sales.xlsx", tabs=["OKRs", "KPIs"])
    team = build_team_input("Sales", extract(data, load_mapping("standard")))
    assert [k.confidence for k in team.key_results] == [0.9999999999999999]


@pytest.mark.parametrize(
    ("raw", "shown", "plain"),
    [
        (2, "200%", 0.2),
        (10, "1000%", 1.0),
        (7.0, "700%", 0.7),
        (1.5, "150%", None),
        (1.15, "115%", None),
        (12, "1200%", 0.12),
        (10.000000000000002, "1000%", 1.0),
        # the percentage built from the number, never parsed again as text: "100.001%" was
        # ambiguous (a thousands dot?) and "1e+22%" not a number (until a review, 2026-12-07).
        # 1.00001 in a 0% cell shows 100% but is judged as shown to 15 digits, 100.001%
        (1.00001, "100.001%", None),
        (1.23456, "123.456%", None),
        (1e20, "1e+22%", None),
    ],
)
def test_a_number_a_percent_cell_shows_over_100_percent_is_that_error(
    tmp_path: Path, raw: float, shown: str, plain: float | None
) -> None:
    """A percent cell holding 2 shows 200%: the error a typed 200% gets, naming the cell.
    Until 2026-12-07 a whole 2..10 there read 2 of 10 (0.2) and 12 read 12 % without a
    word, while 1.5 (shown 150%) was an error quoting 1.5."""
    rows: list[list[object]] = [
        ["O1", "Grow", None, None, kr, "x", "Ann", "number", 0, 5000, 2000, None, 1, raw]
        for kr in ("KR1", "KR2")
    ]
    path = write_team(tmp_path / "sales.xlsx", rows)
    book = openpyxl.load_workbook(path)
    book["OKRs"]["N2"].number_format = "0%"  # N3 stays a plain cell: 2 of 10 there
    book.save(path)
    data = read_workbook(path, source="sales.xlsx", tabs=["OKRs", "KPIs"])
    team = build_team_input("Sales", extract(data, load_mapping("standard")))
    period = Period("2026-Q4", dt.date(2026, 10, 1), dt.date(2026, 12, 31))
    result = evaluate_team(team, period=period, as_of=dt.date(2026, 11, 15))
    assert [str(f) for f in result.errors if "confidence" in f.message][:1] == [
        f"sales.xlsx!OKRs!N2: confidence must be between 0% and 100%, got {shown}"
    ]
    assert team.key_results[0].confidence is None
    assert team.key_results[1].confidence == plain  # as ever in a plain cell


@pytest.mark.parametrize("raw", [1e307, 1e308, sys.float_info.max])
def test_a_percent_cell_s_number_whose_percentage_overflows_is_the_percentage_error(
    raw: float,
) -> None:
    """1e307 in a percent cell has no finite percentage to show: it fell through to the
    0-10 scale's error, naming no percentage (until a review, 2026-12-07). Now the
    percentage error, quoting the number."""
    with pytest.raises(CellValueError) as raised:
        parse_confidence(raw, True)
    assert str(raised.value) == (
        f"confidence must be between 0% and 100%, got {show_number(raw)} "
        "in a percent cell (over 100%)"
    )


def test_a_number_over_1_filled_down_from_a_percent_cell_is_that_cell_s_error(
    tmp_path: Path,
) -> None:
    """Confidence in ``fill_down``: a 2 in a 0% cell (200%) copied into the blank plain
    cell below read 2 of 10 (0.2) there without a word, only its own row the error (until
    a review, 2026-12-07). Now judged by the cell it came from, as a 1 there (100%)
    already was."""
    rows: list[list[object]] = [
        ["O1", "Grow", None, None, kr, "x", "Ann", "number", 0, 5000, 2000, None, 1, raw]
        for kr, raw in (("KR1", 2), ("KR2", None))
    ]
    path = write_team(tmp_path / "sales.xlsx", rows)
    book = openpyxl.load_workbook(path)
    book["OKRs"]["N2"].number_format = "0%"
    book.save(path)
    team = read_filled_down(path, "okrs", "confidence")
    period = Period("2026-Q4", dt.date(2026, 10, 1), dt.date(2026, 12, 31))
    result = evaluate_team(team, period=period, as_of=dt.date(2026, 11, 15))
    assert [k.confidence for k in team.key_results] == [None, None]
    said = [str(f) for f in result.errors if "confidence" in f.message]
    assert said and all(s.endswith("got 200%") for s in said), said
