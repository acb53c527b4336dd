"""A fiscal year spelled out (``Fiscal 2027 Q1``, ``Fiscal Year 2027 Q1``) reads as
``FY2027 Q1`` does, in a tab's name and a period's; a plain-year span (``OKRs 2026-27``)
reads as a fiscal year's span (``FY 2026-27``): in a fiscal period a fiscal year's, in a
calendar one its years both the dates'. Until 2026-12-07 ``Fiscal`` was a word of the
tab's name (``OKRs Fiscal 2027 Q1`` no near name of ``OKRs``) and the ``27`` of
``2026-27`` a number (the tab numbered): neither was ever warned of."""

from __future__ import annotations

import datetime as dt

import pytest

from sheets_sync.domain.models import Period
from sheets_sync.mapping.extract import extract
from sheets_sync.mapping.spec import load_mapping
from tests.mapping.test_near_tabs import _book
from tests.mapping.test_near_tabs_fiscal import (
    CALENDAR_Q4,
    CALENDAR_Q4_ACROSS,
    FY27_Q1,
    FY27_Q2,
    FY_SPAN,
    _warning,
)

SPELLED = ("OKRs Fiscal 2027 Q1", "OKRs Fiscal Year 2027 Q1", "OKRs FY2027 Q1", "OKRs fiscal 27 Q1")
SPANS = ("OKRs 2026-27", "OKRs 2026/27", "OKRs 2026-2027", "OKRs 2026-27 Q1")
FISCAL_SPELLED_Q1 = Period("Fiscal 2027 Q1", FY27_Q1.start, FY27_Q1.end)
YEAR_OF_APRIL = Period("2026-27", dt.date(2026, 4, 1), dt.date(2027, 3, 31))  # plain span


def _tabs_said(period: Period | None, *tabs: str) -> list[str]:
    got = extract(_book("OKRs", "KPIs", *tabs), load_mapping("standard"), period)
    return [str(f.tab) for f in got.findings if "is not read" in f.message]


@pytest.mark.parametrize(
    ("period", "said"),
    [
        (FY27_Q1, SPELLED),  # FY27's Q1: each spelling
        (FISCAL_SPELLED_Q1, SPELLED),  # the period spelled so too
        (FY27_Q2, ()),  # another quarter
        (CALENDAR_Q4, ()),  # a calendar quarter: 2027 is none of its years
        (None, SPELLED),
    ],
    ids=["FY27 Q1", "Fiscal 2027 Q1", "FY27 Q2", "2026-Q4", "none"],
)
def test_a_fiscal_year_spelled_out_is_one(period: Period | None, said: tuple[str, ...]) -> None:
    assert _tabs_said(period, *SPELLED) == list(said)


def test_a_period_named_fiscal_is_fiscal() -> None:
    """``Fiscal 2027 Q1`` from October: the fiscal Q1, not the calendar one (``OKRs Q4``,
    the calendar quarter of its dates with no year, is the fiscal Q4: not its own)."""
    tabs = ("OKRs Q1", "OKRs Q4", "OKRs FY27", "OKRs FY26")
    assert _tabs_said(FISCAL_SPELLED_Q1, *tabs) == ["OKRs Q1", "OKRs FY27"]
    assert _tabs_said(FY27_Q1, *tabs) == ["OKRs Q1", "OKRs FY27"]


def test_a_fiscal_year_spelled_out_is_its_fy() -> None:
    """``Fiscal Year 2027`` from 2026-10-01 to 2027-09-30 is FY27: until 2026-12-07 its
    name said no fiscal year, the period was calendar, and ``OKRs FY26`` (2026 one of its
    dates' years) was warned of as its own."""
    period = Period("Fiscal Year 2027", dt.date(2026, 10, 1), dt.date(2027, 9, 30))
    assert _tabs_said(period, "OKRs FY26", "OKRs FY27") == ["OKRs FY27"]


@pytest.mark.parametrize(
    ("period", "said"),
    [
        # a fiscal year of April (FY 2026-27) or October (FY27: 2026-10 to 2027-09): its
        # span, the span's Q1 where the period is its Q1
        (FY_SPAN, SPANS),
        (YEAR_OF_APRIL, SPANS),
        (FY27_Q1, SPANS),
        # FY27's Q2 from January: the span, not its Q1
        (FY27_Q2, SPANS[:3]),
        # a calendar quarter of 2026 alone: 2027 is none of its years
        (CALENDAR_Q4, ()),
        # a calendar quarter across the year's end: both its years (no Q1 of 2026)
        (CALENDAR_Q4_ACROSS, SPANS[:3]),
        (None, SPANS),
    ],
    ids=["FY 2026-27", "2026-27", "FY27 Q1", "FY27 Q2", "2026-Q4", "Q4 across", "none"],
)
def test_a_plain_year_span_reads_as_a_fiscal_years(
    period: Period | None, said: tuple[str, ...]
) -> None:
    assert _tabs_said(period, *SPANS) == list(said)


def test_a_plain_year_span_is_warned_of_as_the_other_near_tabs_are() -> None:
    got = extract(_book("OKRs", "KPIs", "OKRs 2026-27"), load_mapping("standard"), FY_SPAN)
    assert [str(f) for f in got.findings if "is not read" in f.message] == [
        _warning("OKRs 2026-27")
    ]


@pytest.mark.parametrize(
    "tab",
    [
        "OKRs 2026-12",  # a month: no span, numbered as before
        "OKRs 2026-28",  # years not in a row
        "OKRs 2025-27",
    ],
)
def test_years_not_in_a_row_are_no_span(tab: str) -> None:
    assert _tabs_said(None, tab) == []


def test_a_fiscal_span_spelled_out_is_the_fy_span() -> None:
    tabs = ("OKRs FY 2026-27", "OKRs Fiscal 2026-27", "OKRs Fiscal Year 2026/27")
    assert _tabs_said(FY_SPAN, *tabs) == list(tabs)
    assert _tabs_said(CALENDAR_Q4, *tabs) == []


SPACED = (
    "OKRs Fiscal  2027",  # two spaces
    "OKRs Fiscal Q1 2027",  # the quarter between
    "OKRs Year 2026-27",
    "OKRs 2026–27",  # an en dash
    "OKRs FY 2026–27",
    "OKRs 2026 - 27",
)


@pytest.mark.parametrize(
    ("period", "said"),
    [(FY_SPAN, SPACED), (CALENDAR_Q4, ()), (None, SPACED)],
    ids=["FY 2026-27", "2026-Q4", "none"],
)
def test_a_fiscal_year_spaced_or_dashed_otherwise_is_one(
    period: Period | None, said: tuple[str, ...]
) -> None:
    """Spaces in a row, an en dash, a spaced dash, ``Fiscal`` before the quarter, and
    ``Year`` before a span are read as ``FY 2026-27`` (until 2026-12-07 words of the tab's
    name, or the ``27`` a number: never said)."""
    assert _tabs_said(period, *SPACED) == list(said)


def test_a_plain_year_is_no_span_however_spaced() -> None:
    """A dash between a year and a number not the next year's is no span."""
    assert _tabs_said(None, "OKRs 2026 - 28", "OKRs 2026 – 12", "KPIs 1 - 2") == []


def test_a_short_period_named_for_a_span_only_has_its_dates_quarters() -> None:
    """``Winter 2026-27`` (December to February) names a span and no quarter: its
    quarters and halves are its dates' calendar ones (Q4, Q1; H2, H1), not all four, so
    the span's Q2 and Q3 tabs are not its own (until 2026-12-07 every quarter's was)."""
    winter = Period("Winter 2026-27", dt.date(2026, 12, 1), dt.date(2027, 2, 28))
    tabs = ["OKRs 2026-27", "OKRs Q1 2026-27", "OKRs Q2 2026-27", "OKRs Q3 2026-27"]
    tabs += ["OKRs Q4 2026-27", "OKRs H1 2026-27", "OKRs H2 2026-27"]
    assert _tabs_said(winter, *tabs) == [
        "OKRs 2026-27",
        "OKRs Q1 2026-27",
        "OKRs Q4 2026-27",
        "OKRs H1 2026-27",
        "OKRs H2 2026-27",
    ]
    # a year of them (April to March): every quarter's, as before
    assert _tabs_said(YEAR_OF_APRIL, *tabs) == tabs
