"""Zero-width characters pasted from web pages and chats (U+200B, U+200C, U+200D, U+2060,
U+FEFF, the soft hyphen) in number cells: dropped as other invisible spacing is, inside a
number, around it, and around an empty word (test_values.py is at its 500 lines)."""

from __future__ import annotations

import pytest

from sheets_sync.domain.confidence import parse_confidence
from sheets_sync.domain.values import (
    CellValueError,
    parse_current,
    parse_number,
)

ZERO_WIDTH = ("\u200b", "\u200c", "\u200d", "\u2060", "\ufeff")


@pytest.mark.parametrize("mark", ZERO_WIDTH)
def test_a_zero_width_character_in_or_around_a_number_is_dropped(mark: str) -> None:
    assert parse_number(f"1{mark}000") == 1000.0
    assert parse_number(f"{mark}42") == 42.0
    assert parse_number(f"42{mark}") == 42.0
    assert parse_number(f"1,{mark}234.5") == 1234.5
    assert parse_number(f"45{mark}%") == 0.45
    assert parse_number(f"{mark}1 234{mark}") == 1234.0


EMPTY = ("\u200b", " \u200b\u2060 ", "n/a\u200b", "\ufeffn/a", "\u200b-", "tbd\u00ad")


@pytest.mark.parametrize("raw", EMPTY)
def test_zero_width_alone_or_around_an_empty_word_is_no_value(raw: str) -> None:
    """Invisible in the cell: "\u200b" is blank and "n/a\u200b" is "n/a", as a date's and a
    milestone's are (parse_date, parse_done); a number cell said "expected a number",
    quoting what no one could see."""
    assert parse_number(raw) is None
    assert parse_current(raw) is None
    assert parse_confidence(raw) is None


def test_zero_width_characters_do_not_join_digits_a_space_keeps_apart() -> None:
    """Dropped, not read as a thousands space: "4\u2060 2" is still "4 2", no number."""
    with pytest.raises(CellValueError, match="expected a number"):
        parse_number("4\u2060 2")


@pytest.mark.parametrize(
    ("raw", "expected"), [("High\u200b", 0.9), ("\ufeffmedium", 0.6), ("7\u200b/10", 0.7)]
)
def test_a_confidence_word_or_fraction_with_zero_width_characters_is_read(
    raw: str, expected: float
) -> None:
    """Its number was read ("7\u200b" is 0.7), its word and fraction were not: "High" pasted
    from a chat was `confidence is 0-10, ..., got "High"`, the character unseen."""
    assert parse_confidence(raw) == expected
