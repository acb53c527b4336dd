"""Anything a person or another tool can put in a cell: every parser returns a value or
raises ``CellValueError`` (a finding on the cell), never another exception, which ended
the whole team as "internal error ... please report it"; and a number it returns is
finite (a NaN or inf would reach the scores)."""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sheets_sync.domain.confidence import parse_confidence
from sheets_sync.domain.models import Direction
from sheets_sync.domain.values import (
    EPOCH_1904,
    CellValueError,
    parse_choice,
    parse_current,
    parse_date,
    parse_done,
    parse_number,
    parse_text,
)
from sheets_sync.grid import CellError, CellValue

PARSERS: dict[str, Callable[[CellValue], object]] = {
    "number": parse_number,
    "current": parse_current,
    "confidence": parse_confidence,
    "done": parse_done,
    "date": parse_date,
    "date1904": lambda v: parse_date(v, EPOCH_1904),
    "text": parse_text,
    "choice": lambda v: parse_choice(v, Direction),
}

#: Pieces of what people type around numbers: signs, currency, percent, brackets, the
#: apostrophe that forces text, separators, spaces of every width, full-width forms.
PIECES = st.sampled_from(
    [
        *"0123456789+-−–$€£¥%()',./ ",
        *("\u00a0", "\u202f", "\u3000", "１", "％", "．", "\u200b", "\ufeff"),
        *("e", "E", "k", "bn", "inf", "nan", "NaN", "Infinity", "#N/A"),
    ]
)
TYPED = st.lists(PIECES, max_size=12).map("".join)

ODD_TEXT = [
    *("$", "()", "'", "%", "-", "+", "$-", "(-)", "'%", "€%", "(%)", "+$", "''", "$$"),
    *("NaN", "inf", "-inf", "Infinity", "1e308", "1e-400", "1e400", "0x10", "1_000", "٣"),
    *("#N/A", "#DIV/0!", "#REF!", "#SPILL!", "#CALC!", "", " ", "\u00a0", "\u3000"),
    "9" * 5000,
    "9" * 5000 + "/" + "9" * 5000,
    "1/" + "9" * 5000,
    "1" + "0" * 5000 + "%",
]

VALUES: st.SearchStrategy[CellValue] = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(),  # NaN, inf, -0.0, denormals, 1e308
    st.sampled_from(ODD_TEXT),
    TYPED,
    st.text(max_size=20),
    st.datetimes(),
    st.dates(),
    st.times(),
    st.timedeltas(),
    st.sampled_from(["#N/A", "#DIV/0!", "#REF!", "#SPILL!", "#CALC!"]).map(CellError),
)


def _check(parse: Callable[[CellValue], object], value: CellValue) -> None:
    try:
        result = parse(value)
    except CellValueError as exc:
        assert str(exc)
        return
    if isinstance(result, float):
        assert math.isfinite(result), (value, result)


@pytest.mark.parametrize("name", PARSERS)
@pytest.mark.parametrize("value", ODD_TEXT)
def test_odd_text_is_read_or_refused_with_a_message(name: str, value: str) -> None:
    _check(PARSERS[name], value)


@pytest.mark.parametrize("name", PARSERS)
@settings(max_examples=100, deadline=None)
@given(value=VALUES)
def test_any_cell_is_read_or_refused_with_a_message(name: str, value: CellValue) -> None:
    _check(PARSERS[name], value)


@pytest.mark.parametrize("raw", ["$", "()", "'", "%", "$%", "(-)", "'$"])
def test_signs_with_no_digits_are_not_a_number(raw: str) -> None:
    """Found 2026-12-06: "$", "()" and "'" in Start, Target, Current, Weight or any KPI
    number ended the team in "internal error (IndexError: string index out of range)":
    with the sign, bracket or apostrophe taken off, nothing was left, and ``"" in "+-"``
    is true."""
    with pytest.raises(CellValueError, match=re.escape(f'expected a number, got "{raw}"')):
        parse_number(raw)


@pytest.mark.parametrize(
    "raw", ["9" * 5000 + "/" + "9" * 5000, "1/" + "9" * 5000, "9" * 4301 + " / 1"]
)
def test_a_confidence_fraction_of_thousands_of_digits_is_refused(raw: str) -> None:
    """Found 2026-12-06: Python refuses to read an integer of more than 4,300 digits
    (``sys.get_int_max_str_digits``), so a fraction typed that long in Confidence ended
    the team in "internal error (ValueError: Exceeds the limit (4300 digits) ...)"."""
    with pytest.raises(CellValueError, match="confidence is 0-10, 0-100%, 7/10 or Low"):
        parse_confidence(raw)


def test_a_date_cell_far_from_today_is_a_date_or_a_finding() -> None:
    """Far dates must not end the team in an internal error. Since 2026-12-06 a date
    before 1900-03-01 is refused as it is read (Excel shows none before 1900), so year 1
    is a finding naming the rule; a far future date is still a date."""
    assert parse_date(dt.datetime(9999, 12, 31)) == dt.date(9999, 12, 31)
    with pytest.raises(
        CellValueError, match=r"expected a date on or after 1900-03-01, got 0001-01-01"
    ):
        parse_date(dt.datetime(1, 1, 1))


@pytest.mark.parametrize("raw", ["Q1, Q2", "about 5, maybe 6", "=DATE(2026,1,1)", "5 won, 2 lost"])
def test_text_with_a_comma_that_is_no_number_is_not_called_a_decimal_comma(raw: str) -> None:
    """Found 2026-12-06: any text with a comma was "ambiguous (decimal comma?); type it
    like 1234.5", which sent the team lead looking for a number in "Q1, Q2"."""
    with pytest.raises(CellValueError) as info:
        parse_number(raw)
    assert str(info.value) == f'expected a number, got "{raw}"'
