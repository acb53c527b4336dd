"""Two team names of one workbook by a symbolic link: the linked team fails alone when it
would read another team's tab (``shared_workbooks``); a tab of its own is a layout."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from sheets_sync.config import load_workspace
from tests.config.test_config import problems
from tests.conftest import write_team


def _linked(ws_root: Path, other: str) -> str:
    return (
        f"is a symbolic link to {ws_root.resolve() / 'teams' / f'{other.lower()}.xlsx'}, the "
        f"workbook of team {other!r}; not read or written (it would read the same tab, "
        "OKRs, and the rollup would count its goals twice)"
    )


def _glob_workspace(workspace: Path) -> Path:
    head = workspace.read_text().split("teams:")[0]
    workspace.write_text(head + 'teams_glob: "teams/*.xlsx"\n', encoding="utf-8")
    return workspace.parent


def test_a_glob_match_linked_to_another_is_a_team_that_fails(workspace: Path) -> None:
    """``b.xlsx -> sales.xlsx`` was dropped without a word: team b never showed."""
    root = _glob_workspace(workspace)
    (root / "teams" / "b.xlsx").symlink_to("sales.xlsx")
    ws = load_workspace(workspace, files_must_exist=False)
    assert {t.name: t.linked for t in ws.teams} == {"b": _linked(root, "sales"), "sales": None}


def test_config_check_names_a_linked_glob_match_once(workspace: Path) -> None:
    """It said ``teams_glob (teams/b.xlsx).source: is a symbolic link ... (teams/b.xlsx)``:
    the file twice, at a key no file has (until 2026-12-06)."""
    root = _glob_workspace(workspace)
    (root / "teams" / "b.xlsx").symlink_to("sales.xlsx")
    assert problems(root, workspace.read_text()) == [
        f"sheets-sync.yaml: line 5: teams_glob (teams/b.xlsx): {_linked(root, 'sales')}"
    ]


def test_a_glob_match_linked_to_a_later_match_does_not_take_its_file(workspace: Path) -> None:
    """``a.xlsx -> sales.xlsx`` sorts first: team a read and wrote Sales's workbook, and
    team sales was dropped."""
    root = _glob_workspace(workspace)
    (root / "teams" / "a.xlsx").symlink_to("sales.xlsx")
    ws = load_workspace(workspace, files_must_exist=False)
    assert {t.name: t.linked for t in ws.teams} == {"a": _linked(root, "sales"), "sales": None}


def test_a_glob_match_linked_to_a_listed_team_is_still_that_team(workspace: Path) -> None:
    text = workspace.read_text()
    workspace.write_text(text + 'teams_glob: "teams/*.xlsx"\n', encoding="utf-8")
    (workspace.parent / "teams" / "b.xlsx").symlink_to("sales.xlsx")
    assert [t.name for t in load_workspace(workspace).teams] == ["Sales"]


def test_a_link_to_a_shared_workbook_with_a_tab_of_its_own_is_a_layout(workspace: Path) -> None:
    root = workspace.parent
    (root / "mappings").mkdir()
    for team in ("sales", "ops"):
        (root / "mappings" / f"{team}.yaml").write_text(
            f"name: {team}\nokrs:\n  sheet: [{team} OKRs]\n", encoding="utf-8"
        )
    (root / "teams" / "ops.xlsx").symlink_to("sales.xlsx")
    head = workspace.read_text().split("teams:")[0]
    workspace.write_text(
        head + "teams:\n"
        "  - {name: Sales, source: teams/sales.xlsx, mapping: sales}\n"
        "  - {name: Ops, source: teams/ops.xlsx, mapping: ops}\n",
        encoding="utf-8",
    )
    assert [(t.name, t.linked) for t in load_workspace(workspace).teams] == [
        ("Sales", None),
        ("Ops", None),
    ]


def test_two_links_to_one_file_fail_the_later(workspace: Path) -> None:
    root = workspace.parent
    (root / "teams" / "a.xlsx").symlink_to("sales.xlsx")
    (root / "teams" / "b.xlsx").symlink_to("sales.xlsx")
    head = workspace.read_text().split("teams:")[0]
    workspace.write_text(
        head + "teams:\n  - {name: A, source: teams/a.xlsx}\n  - {name: B, source: teams/b.xlsx}\n",
        encoding="utf-8",
    )
    ws = load_workspace(workspace, files_must_exist=False)
    assert {t.name: t.linked for t in ws.teams} == {
        "A": None,
        "B": _linked(root, "sales").replace("team 'sales'", "team 'A'"),
    }


def test_the_same_file_named_twice_without_a_link_is_still_the_yamls_problem(
    workspace: Path,
) -> None:
    """A copy-pasted line (or ``teams/../teams/x.xlsx``) is no file someone linked: the
    configuration error stays, every team unsynced until it is fixed."""
    write_team(workspace.parent / "teams" / "ops.xlsx")
    head = workspace.read_text().split("teams:")[0]
    found = problems(
        workspace.parent,
        head + "teams:\n  - {name: Sales, source: teams/sales.xlsx}\n"
        "  - {name: Ops, source: teams/../teams/sales.xlsx}\n",
    )
    assert found == [
        "sheets-sync.yaml: line 7: teams[1].source: team 'Ops' reads the same tab of the same "
        "workbook as team 'Sales' (teams/../teams/sales.xlsx, tab OKRs); the rollup would "
        "count its goals twice"
    ]


@pytest.mark.parametrize("link_first", [False, True])
def test_a_link_whose_goals_tab_is_the_others_kpi_tab_says_so(
    workspace: Path, link_first: bool
) -> None:
    """It said the rollup would "count its goals twice": the clash is that both teams
    write their results (Status, Sync notes) into one tab, as ``config check`` says it
    (told as the link's team sees it, listed first or not)."""
    root = workspace.parent
    (root / "mappings").mkdir()
    (root / "mappings" / "ops.yaml").write_text(
        "name: ops\nokrs:\n  sheet: [Ops OKRs, KPIs]\n", encoding="utf-8"
    )
    (root / "teams" / "ops.xlsx").symlink_to("sales.xlsx")
    head = workspace.read_text().split("teams:")[0]
    lines = [
        "  - {name: Sales, source: teams/sales.xlsx}\n",
        "  - {name: Ops, source: teams/ops.xlsx, mapping: ops}\n",
    ]
    workspace.write_text(
        head + "teams:\n" + "".join(lines[::-1] if link_first else lines), encoding="utf-8"
    )
    real = root.resolve() / "teams" / "sales.xlsx"
    ws = load_workspace(workspace, files_must_exist=False)
    assert {t.name: t.linked for t in ws.teams} == {
        "Sales": None,
        "Ops": f"is a symbolic link to {real}, the workbook of team 'Sales'; not read or "
        "written (it would read as its goals the tab KPIs, which team 'Sales' reads as its "
        "KPIs; both would write their results (Status, Sync notes) into that tab)",
    }


def _hard(
    ws_root: Path, other: str, team: str, tab: str | None = "OKRs", both: str = "'Sales' and 'Ops'"
) -> str:
    """What a team whose file is ``other``'s by another name (a hard link), the workbook
    of team ``team``, fails with; ``tab``: the goals tab both read, None for a tab each;
    ``both``: the two teams that read it, in the config's order.
    A plain ``cp`` onto the other name fails ("are the same file"): the advice said to
    replace one name by a copy (until 2026-12-07)."""
    start = (
        f"is the same file as {ws_root.resolve() / 'teams' / f'{other}.xlsx'} (a hard link), "
        f"the workbook of team {team!r}; not read or written: a write would part the two "
        "names into two files. Delete one name, then copy the other file to it"
    )
    if tab is None:
        return (
            f"{start} (a file each), or delete one name and list the other for both teams "
            "(a tab each)"
        )
    return (
        f"{start}, and keep each team's goals in its own file (teams {both} both read the "
        f"tab {tab})"
    )


def test_a_hard_link_to_another_teams_workbook_fails_both_teams(workspace: Path) -> None:
    """``ln sales.xlsx ops.xlsx``: one file, two paths resolved apart. Until 2026-12-07
    both teams read its one tab and the rollup counted its goals twice; then the later
    team failed, the earlier was written, the write parted the names, and the next
    night both synced as two files: the goals counted twice again, config check clean."""
    root = workspace.parent
    os.link(root / "teams" / "sales.xlsx", root / "teams" / "ops.xlsx")
    head = workspace.read_text().split("teams:")[0]
    workspace.write_text(
        head + "teams:\n"
        "  - {name: Sales, source: teams/sales.xlsx}\n"
        "  - {name: Ops, source: teams/ops.xlsx}\n",
        encoding="utf-8",
    )
    ws = load_workspace(workspace, files_must_exist=False)
    assert {t.name: t.linked for t in ws.teams} == {
        "Sales": _hard(root, "ops", "Ops"),
        "Ops": _hard(root, "sales", "Sales"),
    }


def test_a_glob_match_hard_linked_to_another_fails_both(workspace: Path) -> None:
    """Name order decided which team was told it "is a hard link to" the other, and was
    failed: a hard link has no direction (until 2026-12-07)."""
    root = _glob_workspace(workspace)
    os.link(root / "teams" / "sales.xlsx", root / "teams" / "b.xlsx")
    glob = "'b' and 'sales'"
    assert problems(root, workspace.read_text()) == [
        "sheets-sync.yaml: line 5: teams_glob (teams/b.xlsx): "
        + _hard(root, "sales", "sales", both=glob),
        "sheets-sync.yaml: line 5: teams_glob (teams/sales.xlsx): "
        + _hard(root, "b", "b", both=glob),
    ]


def test_a_hard_link_with_a_tab_of_its_own_fails_both_teams(workspace: Path) -> None:
    """A tab each through two names: the first write parted them into two files, and a
    user's later edits under one name were never seen under the other. Both fail: one
    file named for both teams is the layout (``test_shared_workbook``)."""
    root = workspace.parent
    (root / "mappings").mkdir()
    for team in ("sales", "ops"):
        (root / "mappings" / f"{team}.yaml").write_text(
            f"name: {team}\nokrs:\n  sheet: [{team} OKRs]\n", encoding="utf-8"
        )
    os.link(root / "teams" / "sales.xlsx", root / "teams" / "ops.xlsx")
    head = workspace.read_text().split("teams:")[0]
    workspace.write_text(
        head + "teams:\n"
        "  - {name: Sales, source: teams/sales.xlsx, mapping: sales}\n"
        "  - {name: Ops, source: teams/ops.xlsx, mapping: ops}\n",
        encoding="utf-8",
    )
    assert [
        (t.name, t.linked) for t in load_workspace(workspace, files_must_exist=False).teams
    ] == [
        ("Sales", _hard(root, "ops", "Ops", None)),
        ("Ops", _hard(root, "sales", "Sales", None)),
    ]
