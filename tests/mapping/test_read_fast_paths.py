"""The read's fast paths for the usual cell (2026-12-07, a first night's read CPU) read
every value as the general path does: checked against it, value by value."""

from __future__ import annotations

import datetime as dt
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sheets_sync.domain import date_order
from sheets_sync.domain.celltext import INVISIBLE
from sheets_sync.domain.models import Finding, Origin, Severity
from sheets_sync.domain.values import CellValueError, parse_number
from sheets_sync.grid import CellError, CellValue
from sheets_sync.mapping import parse as parse_module
from sheets_sync.mapping.examples import starts
from sheets_sync.mapping.extract import RowRecord


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


def _date_column_before(
    records: list[RowRecord], field: str
) -> tuple[date_order.Order, list[Finding]]:
    """``parse._date_column`` as it was: every cell of the column named first."""
    cells = [(r.cells.get(field), r.values.get(field)) for r in records]
    evidence = date_order.column_evidence(cells)
    if (swapped := date_order.swapped_dates(evidence, cells)) is None:
        return evidence.order, []
    index, message = swapped
    origin = Origin("s.xlsx", "OKRs", records[index].row, records[index].cells)
    return evidence.order, [Finding.at(origin, field, message, severity=Severity.WARNING)]


_ASKED: list[str] = []  # the cells' names asked for


class _Named(dict[str, str]):
    """A row's cells, noting each name asked for (``_ASKED``)."""

    def get(self, key: str, default: str | None = None) -> str | None:  # type: ignore[override]
        _ASKED.append(key)
        return super().get(key, default)


DUES = st.one_of(
    st.none(),
    st.dates(dt.date(2026, 1, 1), dt.date(2026, 12, 31)),
    st.sampled_from(["15/02/2026", "02/15/2026", "04/03/2026", "4.3.26", "soon", 3.0]),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(DUES, max_size=8))
def test_a_date_column_reads_as_with_every_cell_named(dues: list[CellValue]) -> None:
    records = [
        RowRecord(row, "kr", {"due": due}, _Named(due=f"L{row}"))
        for row, due in enumerate(dues, start=2)
    ]
    got = parse_module._date_column(records, "due", "s.xlsx", "OKRs")
    assert got == _date_column_before(records, "due")


def test_a_date_column_with_no_text_names_no_cell() -> None:
    """Its order is told only by text (a 500-team night's Due and As of columns of date
    cells named 17,500 cells for nothing, until 2026-12-07)."""
    dues: list[CellValue] = [dt.date(2026, 3, 4), None, dt.datetime(2026, 4, 3), 7.0]
    records = [
        RowRecord(row, "kr", {"due": due}, _Named(due=f"L{row}"))
        for row, due in enumerate(dues, start=2)
    ]
    _ASKED.clear()
    assert parse_module._date_column(records, "due", "s.xlsx", "OKRs") == (None, [])
    assert _ASKED == []
    records.append(RowRecord(6, "kr", {"due": "15/02/2026"}, _Named(due="L6")))
    order, said = parse_module._date_column(records, "due", "s.xlsx", "OKRs")
    assert order is True and [f.cell for f in said] == ["L2"]
    assert len(_ASKED) >= len(records)
