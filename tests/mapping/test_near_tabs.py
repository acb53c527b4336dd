"""A second tab of one kind under a near name (``KPIs`` and ``KPIs 2026``, ``Copy of
OKRs``, ``OKRs (2)``): the first name of the mapping's list is read, and the other, an old
copy or the one the team fills now, was passed over without a word (until 2026-12-07).
It is said at the tab not read, naming the tab that is, unless the mapping names it."""

from __future__ import annotations

import datetime as dt

import pytest

from sheets_sync.domain.models import Period, Severity
from sheets_sync.errors import LayoutError
from sheets_sync.grid import CellValue, SheetGrid, WorkbookData
from sheets_sync.mapping.extract import extract
from sheets_sync.mapping.spec import MappingSpec, load_mapping, parse_mapping

#: the built-in mapping's: a copy of it in the workspace wins over it
BUILTIN = (
    " in a copy of the built-in standard.yaml saved as the workspace's mappings/standard.yaml"
    " (it wins over the built-in)"
)

OKR_ROWS: tuple[tuple[CellValue, ...], ...] = (
    ("Objective ID", "KR ID", "Target", "Current"),
    ("O1", "O1.1", 10, 5),
)
KPI_ROWS: tuple[tuple[CellValue, ...], ...] = (("KPI ID", "Actual"), ("K1", 3))


def _book(*names: str) -> WorkbookData:
    grids = {n: SheetGrid(n, KPI_ROWS if "kpi" in n.lower() else OKR_ROWS) for n in names}
    return WorkbookData("sales.xlsx", names, grids)


def _said(mapping: MappingSpec, *names: str) -> list[str]:
    got = extract(_book(*names), mapping)
    return [str(f) for f in got.findings if "is not read" in f.message]


def test_a_second_kpi_tab_under_a_near_name_is_said_at_it() -> None:
    said = _said(load_mapping("standard"), "OKRs", "KPIs", "KPIs 2026")
    assert said == [
        "sales.xlsx!KPIs 2026: this tab is not read: the KPIs are read from KPIs, the "
        'first of kpis.sheet (KPIs, KPI, Metrics) the workbook has; if the team fills "KPIs '
        '2026" now, name it first in kpis.sheet, or rename or delete KPIs'
    ]


def test_it_is_a_warning_and_the_tab_read_is_the_first() -> None:
    got = extract(_book("OKRs", "KPIs 2026", "KPIs"), load_mapping("standard"))
    near = [f for f in got.findings if "is not read" in f.message]
    assert [(f.severity, f.tab) for f in near] == [(Severity.WARNING, "KPIs 2026")]
    assert got.kpis is not None and got.kpis.layout.tab == "KPIs"


@pytest.mark.parametrize(
    "other",
    [
        "Copy of OKRs",
        "OKRs (2)",
        "OKRs Q1",
        "FY26 OKRs",
        "OKR 2025",
        "OKRs new",
        "Draft OKRs",
        "Copie de OKRs",
        "Kopie von OKRs",
        "Copia de OKRs",
        "OKRs のコピー",
        "Cópia de OKRs",
        "OKRs final",  # no near name until 2026-12-07 (okrsfinal)
        "Final OKRs",
    ],
)
def test_copies_and_periods_are_near_names(other: str) -> None:
    said = _said(load_mapping("standard"), "OKRs", other)
    assert (
        len(said) == 1
        and "the key results are read from OKRs, the first of okrs.sheet" in (said[0])
    )


@pytest.mark.parametrize(
    "other",
    [
        *("OKR guide", "Board KPIs", "Notes", "2026", "Metrics"),
        # kept for the record, numbered, a number inside a word: said for a day (2026-12-07)
        *("okrs_old", "Old OKRs (archive)", "OKRs (archive)", "Key results (old)", "KPI 1"),
        *("OKRs backup", "OKRs template", "Previous OKRs", "OKR 1:1s"),
    ],
)
def test_other_tabs_are_not_near_names(other: str) -> None:
    assert _said(load_mapping("standard"), "OKRs", "KPIs", other) == []


def test_a_tab_the_mapping_names_is_not_said() -> None:
    """The mapping says which: its list's order."""
    mapping = parse_mapping(
        "name: mine\nokrs:\n  sheet: [OKRs]\nkpis:\n  sheet: [KPIs 2026, KPIs]\n",
        source="mine.yaml",
    )
    assert _said(mapping, "OKRs", "KPIs", "KPIs 2026") == []


def test_the_other_kinds_tab_is_not_said() -> None:
    mapping = parse_mapping(
        "name: mine\nokrs:\n  sheet: [Goals]\nkpis:\n  sheet: [Goals 2026]\n", source="m.yaml"
    )
    grids = {"Goals": SheetGrid("Goals", OKR_ROWS), "Goals 2026": SheetGrid("Goals 2026", KPI_ROWS)}
    got = extract(WorkbookData("sales.xlsx", tuple(grids), grids), mapping)
    assert [f for f in got.findings if "is not read" in f.message] == []


Q4 = Period("Q4 2026", dt.date(2026, 10, 1), dt.date(2026, 12, 31))


@pytest.mark.parametrize(
    ("other", "said"),
    [
        ("OKRs 2026", True),
        ("OKRs Q4", True),
        ("FY26 OKRs", True),
        ("OKRs H2 2026", True),
        ("OKRs 2025", False),
        ("OKRs Q1", False),
        ("OKRs Q4 2025", False),
        ("FY25 OKRs", False),
        ("Metrics 2024", False),
        ("Copy of OKRs", True),
    ],
)
def test_a_year_or_quarter_is_said_only_if_it_is_the_periods(other: str, said: bool) -> None:
    """Last year's tab kept beside this year's was said every night (for a day)."""
    got = extract(_book("OKRs", "KPIs", other), load_mapping("standard"), Q4)
    assert bool([f for f in got.findings if "is not read" in f.message]) is said


FY27_Q1 = Period("FY27 Q1", dt.date(2026, 10, 1), dt.date(2026, 12, 31))  # from October


@pytest.mark.parametrize(
    ("other", "said"),
    [
        ("OKRs Q1", True),
        ("OKRs FY27", True),
        ("OKRs FY2027 Q1", True),
        ("OKRs H1", True),
        ("OKRs 2026", True),  # the calendar year of its dates
        ("OKRs 2027", True),  # its fiscal year's, written plain
        ("OKRs Q2", False),
        # the fiscal Q4 and the fiscal year before: said until 2026-12-07, as the
        # calendar quarter of its dates and its dates' year (test_near_tabs_fiscal.py)
        ("OKRs Q4", False),
        ("OKRs FY26", False),
        ("OKRs FY28", False),
        ("OKRs 2025", False),
    ],
)
def test_a_fiscal_periods_own_name_says_its_year_and_quarter(other: str, said: bool) -> None:
    """A fiscal period (``FY27 Q1``, 2026-10-01 to 12-31): its name's fiscal year,
    quarter and half are its own, in place of its dates' calendar ones (a plain year may
    be either). Until 2026-12-07 the current ``OKRs Q1`` and ``OKRs FY27`` read as other
    periods, passed over unsaid; then, for a day, ``OKRs Q4`` and ``OKRs FY26`` read as
    this one's."""
    got = extract(_book("OKRs", "KPIs", other), load_mapping("standard"), FY27_Q1)
    assert bool([f for f in got.findings if "is not read" in f.message]) is said


def test_did_you_mean_names_the_periods_tabs_first() -> None:
    """A workbook of a tab a quarter, its ``OKRs`` gone (period Q4 2026): until
    2026-12-07 "did you mean" named the first three in tab order, ``"OKRs 2025" or "OKRs
    Q1" or "OKRs Q2"``, never the quarter's own ``OKRs Q4``."""
    names = ("OKRs 2025", "OKRs Q1", "OKRs Q2", "OKRs Q3", "OKRs Q4", "OKRs (archive)")
    with pytest.raises(LayoutError) as caught:
        extract(_book(*names), load_mapping("standard"), Q4)
    assert str(caught.value).endswith(
        '; did you mean "OKRs Q4" or "OKRs 2025" or "OKRs Q1"? Rename "OKRs Q4" to OKRs, or '
        'add "OKRs Q4" to okrs.sheet' + BUILTIN
    )


def test_did_you_mean_with_no_period_keeps_the_tab_order() -> None:
    with pytest.raises(LayoutError) as caught:
        extract(_book("OKRs 2025", "OKRs Q4"), load_mapping("standard"))
    assert str(caught.value).endswith(
        '; did you mean "OKRs 2025" or "OKRs Q4"? Rename "OKRs 2025" to OKRs, or add '
        '"OKRs 2025" to okrs.sheet' + BUILTIN
    )


def test_a_workbook_with_no_near_tab_spells_out_no_tab_list(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The warning's words (the list's names as typed) are made only for a tab said: most
    workbooks have none (until 2026-12-07 made for every team, twice, and dropped)."""
    from sheets_sync.mapping import near_tabs as module

    spelled: list[str] = []

    def as_typed(title: str) -> str:
        spelled.append(title)
        return title

    monkeypatch.setattr(module, "as_typed", as_typed)
    spec = load_mapping("standard").okrs
    assert module.near_tabs(_book("OKRs", "KPIs", "Notes"), "okrs", spec, "OKRs", ["OKRs"]) == []
    assert spelled == []
    said = module.near_tabs(_book("OKRs", "Copy of OKRs"), "okrs", spec, "OKRs", ["OKRs"])
    assert [f.tab for f in said] == ["Copy of OKRs"] and spelled


def test_a_long_tab_name_is_not_kept_across_teams() -> None:
    """Only tab names of a tab name's usual length are kept, read and keyed
    (``near_tabs._NAME_CHARS``, ``grid._KEPT_NAME``): a tab's name is not capped on read,
    and workbooks of tabs named 30,000 characters long would otherwise hold them all night
    (129 MB for 1,200 such names), a copy's warning said the same."""
    from sheets_sync import grid
    from sheets_sync.mapping import near_tabs

    near_tabs.forget()
    grid._kept_key.cache_clear()
    mapping = load_mapping("standard")
    assert _said(mapping, "OKRs", "KPIs") == []
    kept, keys = near_tabs._tab_kept.cache_info().currsize, grid._kept_key.cache_info().currsize
    long = "Copy of KPIs " + "€" * 5_000
    said = _said(mapping, "OKRs", "KPIs", long)
    assert len(said) == 1 and said[0].startswith(f"sales.xlsx!{long}: this tab is not read")
    assert near_tabs._tab_kept.cache_info().currsize == kept
    assert grid._kept_key.cache_info().currsize == keys
