"""Near tabs in a fiscal period: a period whose name says a fiscal year (``FY27 Q1``,
``FY2027-Q1``, ``Q1 FY27``) has that fiscal year alone, and the quarters and halves its
name says, not its dates' calendar ones; a plain year (``2026``, ``2027``) may be either
the fiscal year's or a calendar one of its dates. Until 2026-12-07 the fiscal year's were
added to the calendar ones, so in FY27 Q1 (from 2026-10-01) ``OKRs FY26`` and ``OKRs Q4``
read as this period's, and ``FY27Q1``, ``Q1FY27``, ``FY 27`` were not read as periods."""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections import Counter
from types import SimpleNamespace

import pytest

from sheets_sync.domain.models import Period
from sheets_sync.errors import LayoutError
from sheets_sync.grid import as_typed
from sheets_sync.mapping import near_tabs as near_tabs_module
from sheets_sync.mapping.extract import extract
from sheets_sync.mapping.near_tabs import missing_tab, near_tabs
from sheets_sync.mapping.spec import load_mapping
from tests.mapping.test_near_tabs import _book

FY27_Q1 = Period("FY27 Q1", dt.date(2026, 10, 1), dt.date(2026, 12, 31))  # from October
FY27_Q2 = Period("FY27 Q2", dt.date(2027, 1, 1), dt.date(2027, 3, 31))
FY27 = Period("FY27", dt.date(2026, 10, 1), dt.date(2027, 9, 30))
FY27_H2 = Period("FY2027 H2", dt.date(2027, 4, 1), dt.date(2027, 9, 30))
CALENDAR_Q4 = Period("2026-Q4", dt.date(2026, 10, 1), dt.date(2026, 12, 31))
Q1_2027_FROM_OCTOBER = Period("Q1 2027", FY27_Q1.start, FY27_Q1.end)  # no FY in its name
FY_SPAN = Period("FY 2026-27", dt.date(2026, 4, 1), dt.date(2027, 3, 31))
CALENDAR_Q4_ACROSS = Period("Q4 2026", dt.date(2026, 10, 15), dt.date(2027, 1, 14))
FY27_H1 = Period("FY27 H1", FY27_Q1.start, FY27_Q2.end)  # across a calendar year's end

TABS = (
    *("OKRs FY26", "OKRs FY27", "OKRs FY27 Q1", "OKRs FY27 Q2", "OKRs Q1", "OKRs Q4"),
    *("OKRs 2025", "OKRs 2026", "OKRs 2027", "OKRs H1", "OKRs H2", "FY28 OKRs"),
)
SAID_IN_FY27_Q1 = ("OKRs FY27", "OKRs FY27 Q1", "OKRs Q1", "OKRs 2026", "OKRs 2027", "OKRs H1")


def _warning(tab: str) -> str:
    return (
        f"sales.xlsx!{tab}: this tab is not read: the key results are read from OKRs, the "
        'first of okrs.sheet (OKRs, OKR, "Key results") the workbook has; if the team '
        f"fills {as_typed(tab)} now, name it first in okrs.sheet, or rename or delete OKRs"
    )


def _said(period: Period | None, *tabs: str) -> list[str]:
    got = extract(_book("OKRs", "KPIs", *tabs), load_mapping("standard"), period)
    return [str(f) for f in got.findings if "is not read" in f.message]


@pytest.mark.parametrize(
    ("period", "said"),
    [
        # the fiscal quarter's own: FY27, its Q1 and H1, the plain years either way
        (FY27_Q1, SAID_IN_FY27_Q1),
        # from January: 2026 is neither its fiscal year nor a calendar year of its dates
        (FY27_Q2, ("OKRs FY27", "OKRs FY27 Q2", "OKRs 2027", "OKRs H1")),
        # a half across a calendar year's end: its quarters, both its dates' years
        (FY27_H1, (*TABS[1:5], "OKRs 2026", "OKRs 2027", "OKRs H1")),
        # the fiscal year: each of its quarters and halves
        (FY27, (*TABS[1:5], "OKRs Q4", "OKRs 2026", "OKRs 2027", "OKRs H1", "OKRs H2")),
        # a half: its quarters (Q3, Q4), the fiscal Q4 of the tabs among them
        (FY27_H2, ("OKRs FY27", "OKRs Q4", "OKRs 2027", "OKRs H2")),
        # a calendar period: its dates' calendar year, quarter and half; FY26 is 2026's
        (CALENDAR_Q4, ("OKRs FY26", "OKRs Q4", "OKRs 2026", "OKRs H2")),
        # its quarter none of its dates' calendar ones: fiscal, as FY27 Q1 (from October)
        (Q1_2027_FROM_OCTOBER, SAID_IN_FY27_Q1),
        # a span: both its fiscal years, each of their quarters and halves
        (FY_SPAN, (*TABS[:5], "OKRs Q4", "OKRs 2026", "OKRs 2027", "OKRs H1", "OKRs H2")),
        (None, TABS),  # a library call with no period: any
    ],
    ids=[
        *("FY27 Q1", "FY27 Q2", "FY27 H1", "FY27", "FY2027 H2"),
        *("2026-Q4", "Q1 2027", "FY 2026-27", "none"),
    ],
)
def test_the_warnings_of_each_period(period: Period | None, said: tuple[str, ...]) -> None:
    assert _said(period, *TABS) == [_warning(tab) for tab in said]


@pytest.mark.parametrize(
    "name",
    [
        *("FY27 Q1", "FY2027-Q1", "Q1 FY27", "FY27Q1", "FY27-Q1", "FY2027Q1", "Q1FY27"),
        *("fy 27 q1", "FY 27 Q1", "Q1-FY2027", "\uff26\uff39\uff12\uff17 \uff31\uff11"),
    ],
)
def test_a_fiscal_period_named_any_way(name: str) -> None:
    period = Period(name, FY27_Q1.start, FY27_Q1.end)
    tabs = ("OKRs FY26", "OKRs FY27 Q2", "OKRs Q1", "OKRs Q4", "OKRs FY27")
    assert _said(period, *tabs) == [_warning("OKRs Q1"), _warning("OKRs FY27")]


@pytest.mark.parametrize(
    "tab",
    [
        *("OKRs FY27Q1", "OKRs FY27-Q1", "OKRs FY2027Q1", "OKRs Q1FY27", "OKRs FY 27"),
        *("OKRs fy27", "FY27 OKRs", "OKRs FY-27", "OKRs Q1 FY2027", "OKRs, FY27_Q1"),
        "OKRs FY'27",
    ],
)
def test_a_fiscal_tab_written_any_way_is_the_periods(tab: str) -> None:
    assert _said(FY27_Q1, tab) == [_warning(tab)]


@pytest.mark.parametrize(
    "tab",
    [
        *("OKRs FY27Q2", "OKRs FY26-Q1", "OKRs FY2026Q1", "OKRs Q2FY27", "OKRs FY 26"),
        *("OKRs fy28", "FY26 OKRs", "OKRs Q4 FY27", "okrs_fy26"),
    ],
)
def test_a_fiscal_tab_of_another_period_written_any_way_is_not(tab: str) -> None:
    assert _said(FY27_Q1, tab) == []


@pytest.mark.parametrize(
    ("tab", "said"),
    [("OKRs 2026Q4", True), ("OKRs Q42026", True), ("OKRs 2026Q1", False), ("OKRs 2025Q4", False)],
)
def test_a_calendar_quarter_glued_to_its_year(tab: str, said: bool) -> None:
    assert _said(CALENDAR_Q4, tab) == ([_warning(tab)] if said else [])


def test_did_you_mean_in_a_fiscal_period_names_its_own_first() -> None:
    """Until 2026-12-07 ``OKRs FY26`` read as FY27 Q1's (it began in 2026): named first."""
    with pytest.raises(LayoutError) as caught:
        extract(
            _book("OKRs FY26", "OKRs FY27 Q2", "OKRs FY27 Q1"), load_mapping("standard"), FY27_Q1
        )
    assert str(caught.value).endswith(
        '; did you mean "OKRs FY27 Q1" or "OKRs FY26" or "OKRs FY27 Q2"? Rename "OKRs FY27 Q1"'
        ' to OKRs, or add "OKRs FY27 Q1" to okrs.sheet in a copy of the built-in standard.yaml'
        " saved as the workspace's mappings/standard.yaml (it wins over the built-in)"
    )


@pytest.fixture
def folded(monkeypatch: pytest.MonkeyPatch) -> Counter[str]:
    """The names near_tabs folds (NFKC), each as often as it is."""
    seen: Counter[str] = Counter()

    def normalize(form: str, text: str) -> str:
        seen[text] += 1
        return unicodedata.normalize(form, text)  # type: ignore[arg-type]

    monkeypatch.setattr(near_tabs_module, "unicodedata", SimpleNamespace(normalize=normalize))
    near_tabs_module.forget()  # what earlier tests left kept: each call below starts cold
    return seen


def test_each_name_and_the_period_are_folded_once(folded: Counter[str]) -> None:
    """Until 2026-12-07 a missing tab's "did you mean" folded each tab's name twice
    (``_base``, then ``_copy_of``) and the period's name again at each tab. The tab
    list's names are folded once a call too (``Final OKRs`` is ``okrs``). Each call
    here starts with nothing kept from the one before (``forget``)."""
    tabs = ("OKRs FY26", "OKRs FY27 Q2", "OKRs Q1", "Notes")
    data, spec = _book(*tabs), load_mapping("standard").okrs
    once = Counter({**dict.fromkeys((*tabs, *spec.sheet), 1), "FY27 Q1": 1})
    missing_tab(data, spec, FY27_Q1)
    assert folded == once
    folded.clear()
    near_tabs_module.forget()
    near_tabs(_book("OKRs", *tabs), "okrs", spec, "OKRs", ["OKRs"], FY27_Q1)
    assert folded == once  # the tab OKRs not: read (the list's OKRs is)


def test_the_next_team_of_the_same_names_and_period_folds_nothing_again(
    folded: Counter[str],
) -> None:
    """Each team's workbook has the same few tab names, mapping and period: read once a
    night, not once a team (until 2026-12-07 all were folded again for every team, 131 ms
    of a 500-team first night). Its findings are the same for each team."""
    tabs = ("OKRs", "OKRs FY26", "OKRs FY27 Q1", "Copy of OKRs", "Notes")
    spec = load_mapping("standard").okrs
    first = near_tabs(_book(*tabs), "okrs", spec, "OKRs", ["OKRs"], FY27_Q1)
    assert folded
    folded.clear()
    for _ in range(3):  # three more teams, each its own workbook
        again = near_tabs(_book(*tabs), "okrs", spec, "OKRs", ["OKRs"], FY27_Q1)
        assert [f.message for f in again] == [f.message for f in first]
    assert [f.tab for f in first] == ["OKRs FY27 Q1", "Copy of OKRs"]
    assert folded == Counter()


@pytest.mark.parametrize(
    ("period", "tab", "said"),
    [
        # a calendar year of the dates with their calendar quarter or half: said (for a
        # day, 2026-12-07, not: the quarter read as fiscal whatever the year)
        *((FY27_Q1, tab, True) for tab in ("OKRs 2026 Q4", "OKRs Q4 2026", "OKRs_Q4_2026")),
        (FY27_Q1, "OKRs 2026 H2", True),
        (FY27_Q1, "OKRs Q1 2027", True),  # the fiscal year's, written plain, and its Q1
        (FY27_Q1, "OKRs FY27 Q1 2026", True),  # the fiscal quarter, its dates' year beside
        # neither reading: the fiscal Q1 of a calendar year, a calendar year's Q1 (for a
        # day, said: each mark was the period's alone)
        *((FY27_Q1, tab, False) for tab in ("OKRs Q1 2026", "OKRs 2026 Q1", "OKRs H1 2026")),
        (FY27_Q1, "OKRs Q4", False),  # no year: the fiscal Q4
        (FY27_Q1, "OKRs FY27 Q4", False),
        (FY27_Q1, "OKRs 2027 Q4", False),
        # from January: the calendar Q1 of 2027 is the fiscal Q2
        *((FY27_Q2, tab, True) for tab in ("OKRs Q1 2027", "OKRs 2027 Q1", "OKRs 2027 Q2")),
        *((FY27_Q2, tab, False) for tab in ("OKRs Q1", "OKRs 2026 Q4", "OKRs 2027 Q3")),
        # a quarter named without FY that is not its dates' calendar one: fiscal (until
        # 2026-12-07 its name's and its dates' were one set: OKRs FY26 and OKRs Q4 said)
        *((Q1_2027_FROM_OCTOBER, tab, False) for tab in ("OKRs FY26", "OKRs Q4", "OKRs Q1 2026")),
        *((Q1_2027_FROM_OCTOBER, tab, True) for tab in ("OKRs FY27", "OKRs Q1", "OKRs 2026 Q4")),
        (Q1_2027_FROM_OCTOBER, "OKRs 2026", True),
        # dates across a calendar year's end: a year and a quarter or half the tab names
        # together, one of the dates' (for a day, 2026-12-07, each alone: OKRs Q1 2026
        # said in FY27 H1, as 2026 and Q1 both were its)
        *((FY27_H1, tab, True) for tab in ("OKRs Q4 2026", "OKRs 2026 H2", "OKRs Q1 2027")),
        *((FY27_H1, tab, True) for tab in ("OKRs 2027 Q1", "OKRs H1 2027", "OKRs Q2 2027")),
        *((FY27_H1, tab, False) for tab in ("OKRs Q1 2026", "OKRs 2026 Q1", "OKRs Q4 2027")),
        *((FY27_H1, tab, False) for tab in ("OKRs H1 2026", "OKRs 2027 H2", "OKRs 2026 Q3")),
        *((FY27, tab, False) for tab in ("OKRs Q1 2026", "OKRs 2026 Q1", "OKRs H1 2026")),
        (FY27, "OKRs Q4 2026", True),  # calendar: its dates' first quarter
        (FY27, "OKRs Q4 2027", True),  # fiscal: its own Q4, from 2027-07-01
        *((CALENDAR_Q4_ACROSS, tab, True) for tab in ("OKRs Q4 2026", "OKRs Q1 2027")),
        *((CALENDAR_Q4_ACROSS, tab, True) for tab in ("OKRs 2026 H2", "FY27 Q1 OKRs")),
        *((CALENDAR_Q4_ACROSS, tab, False) for tab in ("OKRs Q1 2026", "OKRs Q4 2027")),
        *((CALENDAR_Q4_ACROSS, tab, False) for tab in ("OKRs H1 2026", "OKRs 2027 H2")),
        (CALENDAR_Q4_ACROSS, "FY26 Q1 OKRs", False),
        # a calendar period, its quarter named as its dates': calendar as before
        (Period("Q4 2026", FY27_Q1.start, FY27_Q1.end), "OKRs FY26", True),
        (Period("Q1 2027", FY27_Q2.start, FY27_Q2.end), "OKRs Q4", False),
    ],
    ids=lambda value: value.name if isinstance(value, Period) else str(value),
)
def test_a_tab_is_the_periods_if_its_fiscal_or_its_calendar_reading_is(
    period: Period, tab: str, said: bool
) -> None:
    """A fiscal period has two readings of a tab: fiscal (its FY and plain year the fiscal
    year's, its quarter or half the period's name's) and calendar (a plain year and no FY:
    that year one of its dates' calendar years, its quarter or half theirs). A tab is the
    period's if either reading takes all its marks."""
    assert _said(period, tab) == ([_warning(tab)] if said else [])


@pytest.mark.parametrize("name", ["FY 2026-27", "FY26/27", "FY 2026/27", "FY2026-2027", "FY26-27"])
@pytest.mark.parametrize(
    ("tab", "said"),
    [
        *(("OKRs FY27", True), ("Copy of OKRs FY27", True), ("OKRs FY26", True)),
        *(("OKRs FY26/27", True), ("OKRs FY 2026-27", True), ("OKRs FY27 Q2", True)),
        *(("OKRs 2027", True), ("OKRs FY28", False), ("OKRs FY25/26", False)),
    ],
)
def test_a_fiscal_year_named_as_a_span_is_both_its_years(name: str, tab: str, said: bool) -> None:
    """``FY 2026-27`` is the fiscal year of both numbers (until 2026-12-07 of 2026 alone,
    for a day: ``OKRs FY27`` was not said in it)."""
    period = Period(name, dt.date(2026, 4, 1), dt.date(2027, 3, 31))
    assert _said(period, tab) == ([_warning(tab)] if said else [])


FY26_Q1_FROM_APRIL = Period("FY26 Q1", dt.date(2026, 4, 1), dt.date(2026, 6, 30))


@pytest.mark.parametrize(
    ("period", "tab", "said"),
    [
        # its fiscal year's calendar years, one of them its FY: until 2026-12-07 not said
        *((FY27_Q1, tab, True) for tab in ("OKRs FY26/27", "OKRs FY26/27 Q1", "OKRs FY 2026-27")),
        (FY27_Q2, "OKRs FY26/27 Q2", True),  # the fiscal year from 2026-10-01
        (FY27_H1, "OKRs FY 2026/27 H1", True),
        (FY27, "OKRs FY2026-2027", True),
        (FY26_Q1_FROM_APRIL, "OKRs FY26/27 Q1", True),  # FY26 from 2026-04-01 to 2027-03-31
        # another fiscal year, quarter: not said
        *((FY27_Q1, tab, False) for tab in ("OKRs FY 2027-28", "OKRs FY26/27 Q2", "OKRs FY25/26")),
        (FY26_Q1_FROM_APRIL, "OKRs FY 2025-26 Q1", False),
        (CALENDAR_Q4, "OKRs FY26/27", False),  # a calendar period: no fiscal year of two
    ],
    ids=lambda value: value.name if isinstance(value, Period) else str(value),
)
def test_a_tab_named_for_a_span_is_a_fiscal_periods_if_it_is_its_fiscal_year(
    period: Period, tab: str, said: bool
) -> None:
    """A span, ``FY 2026-27``, is a fiscal period's when its years are the calendar years
    of the period's fiscal year (from the period's start, back by its name's quarters or
    halves before it) and one of them its ``FY``; until 2026-12-07 both had to be its
    ``FY``, so ``OKRs FY26/27 Q1`` was never FY27 Q1's."""
    assert _said(period, tab) == ([_warning(tab)] if said else [])


@pytest.mark.parametrize(
    ("period", "tab", "said"),
    [
        *((CALENDAR_Q4, tab, True) for tab in ("OKRs Q4'26", "OKRs Q4 26", "OKRs 4Q26")),
        *((CALENDAR_Q4, tab, True) for tab in ("OKRs Q4-26", "OKRs Q4’26", "OKRs 4Q2026")),
        *((CALENDAR_Q4, tab, True) for tab in ("OKRs H2'26", "OKRs 2H26", "OKRs Q4 '26")),
        *((CALENDAR_Q4, tab, False) for tab in ("OKRs Q4'25", "OKRs Q1 26", "OKRs 1Q27")),
        # in FY27 Q1 from October: the calendar Q4 of 2026, the fiscal Q1 of 2027
        *((FY27_Q1, tab, True) for tab in ("OKRs Q4'26", "OKRs Q1'27", "OKRs 1Q27")),
        *((FY27_Q1, tab, False) for tab in ("OKRs Q1'26", "OKRs Q4'27", "OKRs 4Q27")),
    ],
    ids=lambda value: value.name if isinstance(value, Period) else str(value),
)
def test_a_quarter_with_its_years_last_two_digits(period: Period, tab: str, said: bool) -> None:
    """``Q4'26``, ``Q4 26``, ``4Q26`` are the quarter of 2026 (until 2026-12-07 the ``26``
    read as a number, and the tab as numbered, ``KPI 1``: not said)."""
    assert _said(period, tab) == ([_warning(tab)] if said else [])


@pytest.mark.parametrize("tab", ["OKRs Q1 12", "OKRs Q1 2026 v2"])
def test_a_quarter_of_a_short_year_is_no_number(tab: str) -> None:
    """``v2`` is a version, a copy's word; ``12`` after a quarter its year, not of Q4."""
    assert _said(CALENDAR_Q4, tab) == []


@pytest.mark.parametrize(
    ("tab", "said"),
    [
        ("OKRs - FY27 Q1 - final", True),
        ("OKRs FY27 Q1 (final)", True),
        ("OKRs FY26 Q4 final", False),
    ],
)
def test_a_final_copy_of_the_period_is_a_near_name(tab: str, said: bool) -> None:
    """Until 2026-12-07 ``final`` was part of the tab's name (``okrsfinal``): no near name."""
    assert _said(FY27_Q1, tab) == ([_warning(tab)] if said else [])
