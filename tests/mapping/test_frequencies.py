"""The KPI frequencies teams type: daily to yearly, in the spellings people use, each
with the staleness window docs/scoring.md gives; words that mean two things are refused."""

from __future__ import annotations

import datetime as dt

import pytest

from sheets_sync.domain.kpi import is_stale
from sheets_sync.domain.models import KPI, Frequency
from sheets_sync.grid import CellValue, SheetGrid, WorkbookData
from sheets_sync.mapping.extract import extract
from sheets_sync.mapping.parse import build_team_input
from sheets_sync.mapping.spec import load_mapping
from sheets_sync.template.spec import TEMPLATE

HEAD = ("KPI ID", "KPI", "Owner", "Frequency", "Target", "Actual")
OKRS = (("Objective ID", "Objective", "KR ID", "Key result", "Target", "Current"),)


def _read(typed: CellValue) -> tuple[Frequency | None, list[str]]:
    rows = (HEAD, ("KPI-1", "Uptime", "Ann", typed, 99, 99.5))
    grids = {"OKRs": SheetGrid("OKRs", OKRS), "KPIs": SheetGrid("KPIs", rows)}
    data = WorkbookData("sales.xlsx", ("OKRs", "KPIs"), grids)
    team = build_team_input("Sales", extract(data, load_mapping("standard")))
    errors = [str(f) for f in team.findings if f.is_error]
    return (team.kpis[0].frequency if team.kpis else None), errors


@pytest.mark.parametrize(
    ("typed", "frequency"),
    [
        ("daily", Frequency.DAILY),
        ("Daily", Frequency.DAILY),
        ("weekly", Frequency.WEEKLY),
        (" Monthly ", Frequency.MONTHLY),
        ("biweekly", Frequency.BIWEEKLY),
        ("Bi-weekly", Frequency.BIWEEKLY),
        ("bi weekly", Frequency.BIWEEKLY),
        ("Fortnightly", Frequency.BIWEEKLY),
        ("every 2 weeks", Frequency.BIWEEKLY),
        ("QUARTERLY", Frequency.QUARTERLY),
        ("Semi-annual", Frequency.SEMIANNUAL),
        ("semiannually", Frequency.SEMIANNUAL),
        ("half-yearly", Frequency.SEMIANNUAL),
        ("yearly", Frequency.YEARLY),
        ("Annually", Frequency.YEARLY),
        ("annual", Frequency.YEARLY),
        ("", Frequency.MONTHLY),  # blank: monthly, as before
        # 2026-12-07: every ..., a non-breaking hyphen or an en dash, a trailing "."
        ("every 3 months", Frequency.QUARTERLY),
        ("Every three months", Frequency.QUARTERLY),
        ("every week", Frequency.WEEKLY),
        ("every month", Frequency.MONTHLY),
        ("every day", Frequency.DAILY),
        ("every other week", Frequency.BIWEEKLY),
        ("Bi\u2011weekly", Frequency.BIWEEKLY),
        ("Bi\u2013weekly", Frequency.BIWEEKLY),
        ("Weekly.", Frequency.WEEKLY),
        ("semi-annual. ", Frequency.SEMIANNUAL),
        # zero-width characters pasted from a chat are dropped (refused until 2026-12-07)
        ("Bi-weekly\u200b", Frequency.BIWEEKLY),
        ("bi\u200bweekly", Frequency.BIWEEKLY),
        ("\ufeffWeekly", Frequency.WEEKLY),
        ("Bi\u00adweekly", Frequency.BIWEEKLY),
        # an em dash, a minus sign, a small and a full-width hyphen-minus (2026-12-07)
        ("Bi\u2014weekly", Frequency.BIWEEKLY),
        ("Bi\u2212weekly", Frequency.BIWEEKLY),
        ("semi\ufe63annual", Frequency.SEMIANNUAL),
        ("half\uff0dyearly", Frequency.SEMIANNUAL),
    ],
)
def test_frequencies_as_teams_type_them(typed: str, frequency: Frequency) -> None:
    assert _read(typed) == (frequency, [])


@pytest.mark.parametrize("typed", ["hourly", "sometimes"])
def test_a_frequency_that_means_none_is_an_error_naming_the_choices(typed: str) -> None:
    _, errors = _read(typed)
    assert errors == [
        f'sales.xlsx!KPIs!D2: "{typed}" is not one of: daily, weekly, biweekly, monthly, '
        "quarterly, semiannual, yearly"
    ]


@pytest.mark.parametrize(
    ("typed", "why"),
    [
        ("bimonthly", "every two months, or twice a month?"),
        ("Bi-monthly", "every two months, or twice a month?"),
        ("Biannual", "twice a year, or every two years?"),
        ("bi-annually", "twice a year, or every two years?"),
    ],
)
def test_a_frequency_that_means_two_things_is_an_error_saying_why_and_what_to_type(
    typed: str, why: str
) -> None:
    """Bimonthly is twice a month to some and every other month to others (biannual
    likewise of a year): a guess would judge the KPI stale a month early or late. The
    error says so, and what to type for each (it named only the choices until
    2026-12-07)."""
    _, errors = _read(typed)
    month = "type biweekly for twice a month, monthly or quarterly for every two months"
    year = "type semiannual for twice a year, yearly for every two years"
    assert errors == [
        f'sales.xlsx!KPIs!D2: "{typed}" is ambiguous ({why}): '
        + (month if why.startswith("every two months") else year)
    ]


@pytest.mark.parametrize(
    ("typed", "what"),
    [
        ("every two months", "type monthly or quarterly for every two months"),
        ("every 2 months", "type monthly or quarterly for every two months"),
        ("Every other month", "type monthly or quarterly for every two months"),
        ("twice a month", "type biweekly for twice a month"),
        ("semi-monthly", "type biweekly for twice a month"),
        ("Semimonthly", "type biweekly for twice a month"),
    ],
)
def test_a_frequency_between_the_choices_says_what_to_type(typed: str, what: str) -> None:
    """Every two months and twice a month are clear but no choice of the list: the error
    says what to type, as bimonthly's does (it named only the choices until 2026-12-07)."""
    _, errors = _read(typed)
    assert errors == [f'sales.xlsx!KPIs!D2: "{typed}" is no frequency of its own: {what}']


@pytest.mark.parametrize(
    ("frequency", "fresh_days"),
    [
        (Frequency.DAILY, 4),
        (Frequency.BIWEEKLY, 17),
        (Frequency.SEMIANNUAL, 187),
        (Frequency.YEARLY, 369),
    ],
)
def test_the_new_frequencies_go_stale_one_day_past_window_plus_grace(
    frequency: Frequency, fresh_days: int
) -> None:
    """The window plus the default grace of 3 days (a daily KPI updated on Friday is fresh
    on Tuesday, stale on Wednesday)."""
    run = dt.date(2026, 11, 30)
    day = run - dt.timedelta(fresh_days)
    assert not is_stale(KPI("K", frequency=frequency, target=1, actual=1, as_of=day), run)
    stale = KPI("K", frequency=frequency, target=1, actual=1, as_of=day - dt.timedelta(1))
    assert is_stale(stale, run)


def test_the_templates_frequency_list_offers_every_frequency() -> None:
    options = TEMPLATE.kpis.column("frequency").options
    assert options == (
        *("daily", "weekly", "biweekly", "monthly"),
        *("quarterly", "semiannual", "yearly"),
    )
