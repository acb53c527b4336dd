"""Numbers as text: at most the 15 significant digits Excel shows, never more than needed."""

from __future__ import annotations

import math
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sheets_sync.domain.shown import (
    shown_float,
    shown_numbers,
    shown_or_none,
    shown_text,
    typed_difference,
)
from sheets_sync.domain.values import parse_text, show_number


@pytest.mark.parametrize(
    ("number", "text"),
    [
        (0.2 + 0.4, "0.6"),  # 0.6000000000000001, a computed score
        (0.1 + 0.2, "0.3"),  # 0.30000000000000004
        (1 - 1e-16, "1.0"),  # 0.9999999999999999
        (53 / 91, "0.582417582417582"),  # 0.5824175824175825: the 16th digit goes
        (7 / 15, "0.466666666666667"),
        (0.65, "0.65"),
        (12.0, "12.0"),
        (1e-05, "1e-05"),
        (1234567.891, "1234567.891"),
        (123456789012345.0, "123456789012345.0"),
        (0.1 * 3 * 1e-17, "3e-18"),  # 3.0000000000000004e-18: the digits, not the size
        (-0.07 * 100, "-7.0"),  # -7.000000000000001
        (0.0, "0.0"),
        (-0.0, "0.0"),  # a key result at its start, lower better: "progress": -0.0
    ],
)
def test_a_number_shown_as_text_has_the_digits_excel_shows(number: float, text: str) -> None:
    assert shown_text(number) == text
    assert repr(shown_float(number)) == text


def test_a_number_typed_with_15_digits_or_fewer_is_kept_as_it_is() -> None:
    for typed in (0.1, 0.6, 1234.5678, 999999999999999.0, 1.23456789012345e-300, 1e308):
        assert shown_float(typed) == typed


def test_inf_nan_and_none_pass_through() -> None:
    assert shown_float(math.inf) == math.inf
    assert math.isnan(shown_float(math.nan))
    assert shown_or_none(None) is None
    assert shown_or_none(0.2 + 0.4) == 0.6


def test_a_json_document_has_each_float_shown_and_nothing_else_touched() -> None:
    doc = {"score": 0.2 + 0.4, "n": 3, "ok": True, "list": [0.1 + 0.2, "0.30000000000000004"]}
    assert shown_numbers(doc) == {
        "score": 0.6,
        "n": 3,
        "ok": True,
        "list": [0.3, "0.30000000000000004"],
    }
    out = shown_numbers(doc)
    assert isinstance(out, dict) and out["ok"] is True and type(out["n"]) is int
    assert shown_numbers((0.2 + 0.4, None)) == [0.6, None]


def test_a_message_shows_a_computed_number_as_excel_shows_it() -> None:
    """``show_number`` (findings, Sync notes): a KPI Actual computed by a formula."""
    assert show_number(0.1 + 0.2) == "0.3"
    assert show_number(11.999999999999998) == "12"  # a whole number once shown
    assert show_number(1234567.0) == "1234567"
    assert show_number(0.125) == "0.125"


def test_a_number_read_as_text_keeps_every_digit() -> None:
    """IDs are read as text: rounded as ``shown`` rounds, the distinct IDs
    1234567890123456.8 and 1234567890123457 read the same, and a computed ID's text
    (history is keyed by it) would change once."""
    assert parse_text(0.1 + 0.2) == "0.30000000000000004"
    assert parse_text(1234567890123456.8) == "1234567890123456.8"
    assert parse_text(1234567890123457.0) == "1234567890123457"
    assert parse_text(11.999999999999998) == "11.999999999999998"
    assert parse_text(12.0) == "12"
    assert parse_text(1e20) == "100000000000000000000"


def test_the_largest_float_is_not_rounded_to_infinity() -> None:
    """Rounded to 15 digits it is 1.79769313486232e308, past the largest float: it read
    'inf' (and Infinity in JSON) until 2026-12-06."""
    biggest = 1.7976931348623157e308
    assert shown_float(biggest) == biggest
    assert shown_float(-biggest) == -biggest
    assert shown_text(biggest) == "1.7976931348623157e+308"
    assert shown_numbers([biggest]) == [biggest]


finite = st.floats(allow_nan=False, allow_infinity=False, min_value=-1e300, max_value=1e300)


@given(finite, finite)
def test_a_typed_difference_hides_no_difference_and_keeps_the_sign(a: float, b: float) -> None:
    """``typed_difference`` is the binary one without its noise: 0 only for equal floats,
    of the same sign, and never farther from the true difference of the decimals typed."""
    typed, binary = typed_difference(a, b), a - b
    assert (typed == 0) == (a == b)
    assert math.copysign(1, typed) == math.copysign(1, binary) or a == b
    exact = Decimal(repr(a)) - Decimal(repr(b))
    assert abs(Decimal(typed) - exact) <= abs(Decimal(binary) - exact)


def test_a_typed_difference_of_close_numbers_reads_as_typed() -> None:
    assert shown_text(0.9996 - 1.0) == "-0.000399999999999956"  # binary, 15 digits shown
    assert typed_difference(0.9996, 1.0) == -0.0004
    assert shown_text(typed_difference(12.3, 12.2)) == "0.1"  # 0.10000000000000142


def test_a_typed_difference_below_the_normal_floats_is_never_0() -> None:
    """2.1e-322 - 2.08e-322 typed is 2e-324, which rounds to 0; the binary difference
    of two subnormals is exact: it read 0.0 until 2026-12-06."""
    assert typed_difference(2.1e-322, 2.08e-322) == 2.1e-322 - 2.08e-322 != 0
    assert typed_difference(5e-324, -5e-324) == 1e-323


def test_a_typed_difference_takes_a_numpy_float() -> None:
    """``repr(numpy.float64(0.9996))`` is ``np.float64(0.9996)``: it raised
    InvalidOperation until 2026-12-06."""
    np = pytest.importorskip("numpy")
    assert typed_difference(np.float64(0.9996), np.float64(1.0)) == -0.0004
    assert type(typed_difference(np.float64(0.9996), 1.0)) is float
