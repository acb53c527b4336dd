"""Teams sharing one workbook: each must read its own tabs, or the rollup counts one
team's goals (or KPIs) twice; every clash is reported at once."""

from __future__ import annotations

from pathlib import Path

import pytest

from sheets_sync.config import load_workspace
from tests.config.test_config import problems


@pytest.mark.parametrize(
    ("first", "second", "named"),
    [
        ("teams/sales.xlsx", "./teams/../teams/sales.xlsx", "./teams/../teams/sales.xlsx"),
        ('"gsheet:1AbC"', '"gsheet:1AbC "', "gsheet:1AbC"),
        (
            '"gsheet:1AbC"',
            '"gsheet:https://docs.google.com/spreadsheets/d/1AbC/edit#gid=0"',
            "gsheet:1AbC",
        ),
    ],
    ids=["xlsx", "google", "google-url"],
)
def test_two_teams_reading_the_same_tab(
    workspace: Path, first: str, second: str, named: str
) -> None:
    """A copy-pasted team line would count one team's goals twice in the rollup."""
    head = workspace.read_text().split("teams:")[0]
    found = problems(
        workspace.parent,
        head + f"teams:\n  - {{name: Sales, source: {first}}}\n"
        f"  - {{name: Ops, source: {second}}}\n",
    )
    assert found == [
        "sheets-sync.yaml: line 7: teams[1].source: team 'Ops' reads the same tab of the same "
        f"workbook as team 'Sales' ({named}, tab OKRs); the rollup would count its goals twice"
    ]


def test_one_workbook_with_a_tab_per_team_is_a_layout(workspace: Path) -> None:
    root = workspace.parent
    (root / "mappings").mkdir()
    for team in ("sales", "ops"):
        (root / "mappings" / f"{team}.yaml").write_text(
            f"name: {team}\nokrs:\n  sheet: [{team} OKRs]\n", encoding="utf-8"
        )
    head = workspace.read_text().split("teams:")[0]
    workspace.write_text(
        head + "teams:\n"
        "  - {name: Sales, source: teams/sales.xlsx, mapping: sales}\n"
        "  - {name: Ops, source: teams/sales.xlsx, mapping: ops}\n",
        encoding="utf-8",
    )
    assert [t.name for t in load_workspace(workspace).teams] == ["Sales", "Ops"]


def _two_teams_of_one_workbook(workspace: Path, mappings: dict[str, str]) -> list[str]:
    """The problems of Sales and Ops in ``teams/sales.xlsx``, each with its own mapping
    (its YAML after ``name:``)."""
    root = workspace.parent
    (root / "mappings").mkdir()
    for team, body in mappings.items():
        (root / "mappings" / f"{team}.yaml").write_text(f"name: {team}\n{body}", encoding="utf-8")
    head = workspace.read_text().split("teams:")[0]
    return problems(
        root,
        head + "teams:\n"
        "  - {name: Sales, source: teams/sales.xlsx, mapping: sales}\n"
        "  - {name: Ops, source: teams/sales.xlsx, mapping: ops}\n",
    )


def test_a_tab_per_team_sharing_one_kpi_tab_is_a_problem(workspace: Path) -> None:
    """Own OKR tabs but the standard KPI tab each: every KPI would be counted twice."""
    own = "okrs:\n  sheet: [{} OKRs]\nkpis:\n  sheet: [KPIs, KPI]\n"
    assert _two_teams_of_one_workbook(
        workspace, {"sales": own.format("sales"), "ops": own.format("ops")}
    ) == [
        "sheets-sync.yaml: line 7: teams[1].source: team 'Ops' reads the same tab of the same "
        "workbook "
        "as team 'Sales' (teams/sales.xlsx, tab KPIs); the rollup would count its KPIs twice"
    ]


def test_a_tab_name_spelt_otherwise_is_the_same_tab(workspace: Path) -> None:
    """Tabs are found with case, spaces and punctuation ignored (``grid.tab_key``):
    ``sales-okrs`` reads the tab ``Sales OKRs``, so a second team naming it so counts the
    first team's goals twice (the check compared the names as typed)."""
    assert _two_teams_of_one_workbook(
        workspace,
        {"sales": "okrs:\n  sheet: [Sales OKRs]\n", "ops": "okrs:\n  sheet: [sales-okrs]\n"},
    ) == [
        "sheets-sync.yaml: line 7: teams[1].source: team 'Ops' reads the same tab of the same "
        "workbook "
        "as team 'Sales' (teams/sales.xlsx, tab \"sales-okrs\"); the rollup would count its "
        "goals twice"
    ]


def test_tab_lists_sharing_a_name_can_read_the_same_tab(workspace: Path) -> None:
    """A team reads the first of its tabs the workbook has: ``[Sales OKRs, OKRs]`` reads
    ``OKRs`` once ``Sales OKRs`` is renamed, the tab of ``[OKRs]`` (the check compared
    whole lists, so these passed and both teams wrote the same cells)."""
    assert _two_teams_of_one_workbook(
        workspace,
        {"sales": "okrs:\n  sheet: [Sales OKRs, OKRs]\n", "ops": "okrs:\n  sheet: [okrs]\n"},
    ) == [
        "sheets-sync.yaml: line 7: teams[1].source: team 'Ops' can read the same tab of the same "
        "workbook as team 'Sales' (teams/sales.xlsx, tab okrs, in both teams' tab lists: a "
        "team reads the first of its tabs the workbook has); the rollup would count its goals "
        "twice"
    ]


def test_kpi_tab_lists_sharing_a_name_can_read_the_same_tab(workspace: Path) -> None:
    own = "okrs:\n  sheet: [{} OKRs]\nkpis:\n  sheet: [{} KPIs, {}]\n"
    assert _two_teams_of_one_workbook(
        workspace,
        {
            "sales": own.format("sales", "sales", "Metrics"),
            "ops": own.format("ops", "ops", "metrics!"),
        },
    ) == [
        "sheets-sync.yaml: line 7: teams[1].source: team 'Ops' can read the same tab of the same "
        "workbook as team 'Sales' (teams/sales.xlsx, tab \"metrics!\", in both teams' tab lists: "
        "a team reads the first of its tabs the workbook has); the rollup would count its KPIs "
        "twice"
    ]


def test_every_shared_tab_of_a_workbook_is_reported_at_once(workspace: Path) -> None:
    """One problem per pair of teams and kind that can meet on a tab: only the first
    clash of each team was reported (fix it, run again, find the next), and a team that
    clashed was left out of the later teams' check, so Ops's and Web's clash (tab
    ``web okrs``) surfaced only once Ops was fixed."""
    root = workspace.parent
    (root / "mappings").mkdir()
    tabs = {
        "sales": ("[OKRs]", "[KPIs]"),
        "ops": ("[Ops OKRs, okrs, Web OKRs]", "[Ops KPIs]"),
        "web": ("[web okrs]", "[kpis]"),
        "hr": ("[HR OKRs, OKRS]", "[HR KPIs]"),
    }
    for team, (okrs, kpis) in tabs.items():
        (root / "mappings" / f"{team}.yaml").write_text(
            f"name: {team}\nokrs:\n  sheet: {okrs}\nkpis:\n  sheet: {kpis}\n",
            encoding="utf-8",
        )
    head = workspace.read_text().split("teams:")[0]
    found = problems(
        root,
        head
        + "teams:\n"
        + "".join(
            f"  - {{name: {team.title()}, source: teams/sales.xlsx, mapping: {team}}}\n"
            for team in tabs
        ),
    )
    can_read = (
        "sheets-sync.yaml: line {line}: teams[{i}].source: team '{team}' can read the same tab of "
        "the "
        "same workbook as team '{other}' (teams/sales.xlsx, tab {tab}, in both teams' tab "
        "lists: a team reads the first of its tabs the workbook has); the rollup would count "
        "its goals twice"
    )
    assert found == [
        can_read.format(line=7, i=1, team="Ops", other="Sales", tab="okrs"),
        "sheets-sync.yaml: line 8: teams[2].source: team 'Web' reads the same tab of the same "
        "workbook as team 'Sales' (teams/sales.xlsx, tab kpis); the rollup would count its "
        "KPIs twice",
        can_read.format(line=8, i=2, team="Web", other="Ops", tab='"web okrs"'),
        can_read.format(line=9, i=3, team="Hr", other="Sales", tab="OKRS"),
        can_read.format(line=9, i=3, team="Hr", other="Ops", tab="OKRS"),
    ]


def test_one_teams_goals_tab_as_the_others_kpi_tab_is_a_problem(workspace: Path) -> None:
    """Each team wrote its own results into that tab's Status and Sync notes cells (a key
    result's 'On track', then a KPI's 'Red', into one cell), and config check passed,
    until 2026-12-06: only tabs of one kind were compared."""
    assert _two_teams_of_one_workbook(
        workspace,
        {
            "sales": "okrs:\n  sheet: [OKRs]\nkpis:\n  sheet: [Sales KPIs]\n",
            "ops": "okrs:\n  sheet: [Ops OKRs]\nkpis:\n  sheet: [OKRs]\n",
        },
    ) == [
        "sheets-sync.yaml: line 7: teams[1].source: team 'Ops' reads as its KPIs the tab team "
        "'Sales' "
        "reads as its goals (teams/sales.xlsx, tab OKRs); both would write their results "
        "(Status, Sync notes) into that tab"
    ]


@pytest.mark.parametrize(
    ("sheet", "named"),
    [('"Bob\'s"', '"Bob\'s"'), ("Q1 OKRs", '"Q1 OKRs"'), ("A1", '"A1"'), ("OKRs", "OKRs")],
)
def test_a_shared_tab_is_named_as_typed(workspace: Path, sheet: str, named: str) -> None:
    """``tab "Bob's"``, in words as the team types it (``grid.as_typed``): until
    2026-12-07 Python's repr, ``tab 'A1'`` beside ``tab 'OKRs'``, then for a day a
    formula's quoting, ``tab 'Bob''s'``."""
    assert _two_teams_of_one_workbook(
        workspace, {team: f"okrs:\n  sheet: [{sheet}]\n" for team in ("sales", "ops")}
    ) == [
        "sheets-sync.yaml: line 7: teams[1].source: team 'Ops' reads the same tab of the same "
        "workbook "
        f"as team 'Sales' (teams/sales.xlsx, tab {named}); the rollup would count its goals "
        "twice"
    ]
