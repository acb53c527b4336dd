"""The read's fast paths for the usual cell (2026-12-07, a first night's read CPU) read
every value as the general path does: checked against it, value by value."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sheets_sync.domain.celltext import INVISIBLE
from sheets_sync.domain.values import CellValueError, parse_number
from sheets_sync.grid import CellError, CellValue
from sheets_sync.mapping.examples import starts


def _starts_before(value: CellValue, prefix: str) -> bool:
    """``examples.starts`` as it was: the whole text lowered (its ASCII fast path, lowering
    only the prefix's part, was reverted the same day: 20-28% slower; any new one is held
    to this)."""
    if not isinstance(value, str):
        return False
    if not value.isascii():
        value = value.translate(INVISIBLE)
    text, word = value.strip().lower(), prefix.lower()
    if not text.startswith(word):
        return False
    after = text[len(word) : len(word) + 1]
    return not (after.isalpha() and word[-1:].isalpha())


PREFIXES = ("Example", "example:", "e.g.", "Beispiel", "İ", "ß", "", "EX", "x")
TEXTS = st.one_of(
    st.text(alphabet="EeXxAaMmPpLl :-_.1\u200b\t\nİıßẞ", max_size=14),
    st.sampled_from(["  Example: x", "EXAMPLE", "Examples gallery", "Example1", "e.g. KR"]),
)


@settings(max_examples=300, deadline=None)
@given(TEXTS, st.sampled_from(PREFIXES))
def test_starts_reads_as_it_did(value: str, prefix: str) -> None:
    assert starts(value, prefix) == _starts_before(value, prefix)


@pytest.mark.parametrize("value", [None, 1, 2.5, True, "Example", CellError("#N/A")])
def test_starts_of_other_cells(value: CellValue) -> None:
    assert starts(value, "Example") == _starts_before(value, "Example")


@pytest.mark.parametrize("value", [0.0, -0.0, 12.5, -3e300, 5e-324, 1.7976931348623157e308])
def test_a_float_cell_is_its_number(value: float) -> None:
    got = parse_number(value)
    assert got == value and type(got) is float
    assert math.copysign(1, got) == math.copysign(1, value)


def test_a_blank_cell_is_no_number() -> None:
    assert parse_number(None) is None


@pytest.mark.parametrize("value", [math.inf, -math.inf, math.nan])
def test_a_float_no_score_can_hold_is_still_refused(value: float) -> None:
    with pytest.raises(CellValueError, match="finite"):
        parse_number(value)


class _Float(float):
    pass


def test_a_float_subclass_takes_the_general_path() -> None:
    got = parse_number(_Float(2.0))
    assert got == 2.0 and type(got) is float


def _id_key_before(text: str) -> str:
    import unicodedata

    return unicodedata.normalize("NFKC", text).casefold().strip()


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(max_size=12), st.text(alphabet=st.characters(max_codepoint=127))))
def test_id_key_reads_as_it_did(text: str) -> None:
    """An ASCII ID skips NFKC (it leaves ASCII as it is) and casefolds as lower()."""
    from sheets_sync.domain.ids import id_key

    assert id_key(text) == _id_key_before(text)
    assert id_key(f" Kr{text}\t\x0b\x1c") == _id_key_before(f" Kr{text}\t\x0b\x1c")
