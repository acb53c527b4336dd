"""One file by two names (a hard link): both teams fail, every night and in every shard;
a file system without inode numbers is no hard link; the company workbook by another
name is never a team's (``shared_workbooks.hard_linked``, ``file_key``)."""

from __future__ import annotations

import datetime as dt
import os
import unicodedata
from pathlib import Path
from types import SimpleNamespace
from typing import Any, cast

import pytest

from sheets_sync.backends.excel.files import write_backup
from sheets_sync.config import load_workspace
from sheets_sync.errors import ConfigError
from sheets_sync.ops.shard import select, shard_keys
from sheets_sync.shared_workbooks import Clash, hard_link_message
from sheets_sync.sync.engine import Sync, SyncOptions
from sheets_sync.sync.outcome import Outcome
from tests.config.test_config import problems
from tests.conftest import write_team
from tests.sync.test_shared_workbook import shared_workspace

TWO_TEAMS = "teams:\n  - {name: Sales, source: teams/sales.xlsx}\n"


def _two(workspace: Path, other: str = "ops.xlsx") -> Path:
    head = workspace.read_text().split("teams:")[0]
    workspace.write_text(
        head + TWO_TEAMS + f"  - {{name: Ops, source: teams/{other}}}\n", encoding="utf-8"
    )
    return workspace.parent


def test_a_hard_link_fails_both_teams_every_night_and_stays(workspace: Path) -> None:
    """Until 2026-12-07 the earlier team was written, which parted the two names, and
    the next night both were read as two files: the goals counted twice again."""
    root = _two(workspace)
    os.link(root / "teams" / "sales.xlsx", root / "teams" / "ops.xlsx")
    for night in (dt.date(2026, 11, 16), dt.date(2026, 11, 23)):
        ws = load_workspace(workspace, files_must_exist=False)
        result = Sync(ws).run(SyncOptions(as_of=night, workers=1, rollup=False))
        assert [(r.team, r.outcome) for r in result.runs] == [
            ("Sales", Outcome.FAILED),
            ("Ops", Outcome.FAILED),
        ]
        assert all("(a hard link)" in str(r.error) for r in result.runs)
        assert os.path.samefile(root / "teams" / "sales.xlsx", root / "teams" / "ops.xlsx")


def test_a_hard_link_fails_in_every_shard(workspace: Path) -> None:
    """Its two names may go to two shards (grouped by path): both teams fail in each."""
    root = _two(workspace)
    os.link(root / "teams" / "sales.xlsx", root / "teams" / "ops.xlsx")
    ws = load_workspace(workspace, files_must_exist=False)
    assert shard_keys(ws.teams) == {"Sales": "Sales", "Ops": "Ops"}
    keys = shard_keys(ws.teams)
    for k in (1, 2):
        mine = select(ws.teams, k, 2, lambda t: keys[t.name])
        assert all(t.linked is not None and "(a hard link)" in t.linked for t in mine)


def test_a_backup_link_made_meanwhile_does_not_part_one_paths_teams(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Keyed by inode, a backup link made between two stats (a night of another process:
    link, then rename) gave one path's two teams two keys, two shards that race to
    replace the file (until 2026-12-07)."""
    ws = load_workspace(shared_workspace(tmp_path))
    book = tmp_path / "teams" / "shared.xlsx"
    real = os.stat
    linked: list[bool] = []

    def backup_after_first_stat(path: Any, *args: Any, **kwargs: Any) -> Any:
        found = real(path, *args, **kwargs)
        if not linked:
            linked.append(True)
            os.link(book, tmp_path / "backup.xlsx")
        return found

    monkeypatch.setattr(os, "stat", backup_after_first_stat)
    assert shard_keys(ws.teams) == {"Sales": "Sales", "Ops": "Sales"}


def test_three_names_are_all_told(workspace: Path) -> None:
    """With three names each team was told of one other (until 2026-12-07): fixing that
    pair left the third."""
    root = _two(workspace)
    workspace.write_text(
        workspace.read_text() + "  - {name: Hr, source: teams/hr.xlsx}\n", encoding="utf-8"
    )
    teams = root.resolve() / "teams"
    for name in ("ops.xlsx", "hr.xlsx"):
        os.link(teams / "sales.xlsx", teams / name)
    ws = load_workspace(workspace, files_must_exist=False)
    assert ws.teams[0].linked == (
        f"is the same file as {teams / 'ops.xlsx'}, the workbook of team 'Ops', and as "
        f"{teams / 'hr.xlsx'}, the workbook of team 'Hr' (hard links); not read or written: "
        "a write would part the 3 names into 3 files. Delete every name but one, then copy "
        "the file left to each name deleted, and give each copy its team's goals (teams "
        "'Sales' and 'Ops' read the tab OKRs)"
    )


def test_the_advice_for_three_names_is_worded_for_three() -> None:
    """``Delete one name, then copy the other file to it`` left two names of three, and
    ``both teams`` were three (until 2026-12-07); two names keep the pair's words."""
    names = {Path("/t/ops.xlsx"): ["Ops"], Path("/t/hr.xlsx"): ["Hr", "Legal"]}
    assert hard_link_message(names).endswith(
        "a write would part the 3 names into 3 files. Delete every name but one, then copy "
        "the file left to each name deleted (a file each), or delete every name but one and "
        "list the one left for every team (a tab each)"
    )
    pair = hard_link_message({Path("/t/ops.xlsx"): ["Ops"]})
    assert pair.endswith(
        "a write would part the two names into two files. Delete one name, then copy the "
        "other file to it (a file each), or delete one name and list the other for both "
        "teams (a tab each)"
    )
    shared = hard_link_message({Path("/t/ops.xlsx"): ["Ops", "Hr"]})  # a tab each there
    assert shared.endswith("or delete one name and list the other for every team (a tab each)")


def test_a_backup_link_left_by_a_killed_night_is_no_hard_link(workspace: Path) -> None:
    """A night killed between its backup (a hard link, ``write_backup``) and its rename
    leaves the team's file with two names, one of them no team's: the team syncs."""
    root = _two(workspace)
    write_team(root / "teams" / "ops.xlsx")
    ws = load_workspace(workspace)
    sales = root / "teams" / "sales.xlsx"
    write_backup(sales, sales.read_bytes(), ws.backup_dir_for(sales.resolve()))
    assert os.stat(sales).st_nlink == 2
    ws = load_workspace(workspace)
    assert [(t.name, t.linked) for t in ws.teams] == [("Sales", None), ("Ops", None)]
    result = Sync(ws).run(SyncOptions(as_of=dt.date(2026, 11, 16), workers=1, rollup=False))
    assert [(r.team, r.outcome) for r in result.runs] == [
        ("Sales", Outcome.OK),
        ("Ops", Outcome.OK),
    ]


class _NoInode:
    """An ``os.stat`` result of a file system that numbers no inode (``st_ino`` 0)."""

    def __init__(self, found: os.stat_result) -> None:
        self._found = found

    def __getattr__(self, name: str) -> Any:
        return 0 if name == "st_ino" else getattr(self._found, name)


def test_a_file_system_without_inode_numbers_has_no_hard_links(
    workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """WinFsp, sshfs-win, some SMB mounts report inode 0 for every file: every team was
    one file, and the whole workspace was refused (until 2026-12-07)."""
    root = _two(workspace)
    write_team(root / "teams" / "ops.xlsx")
    os.link(root / "teams" / "ops.xlsx", root / "ops backup.xlsx")  # two names: a key
    os.link(root / "teams" / "sales.xlsx", root / "sales backup.xlsx")
    real = os.stat
    monkeypatch.setattr(os, "stat", lambda *a, **k: _NoInode(real(*a, **k)))
    ws = load_workspace(workspace)
    assert [(t.name, t.linked) for t in ws.teams] == [("Sales", None), ("Ops", None)]


def test_a_name_spelled_in_another_case_stays_the_yamls_error(
    workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Where case is ignored, ``Sales.xlsx`` is ``sales.xlsx``; a backup linked to it
    (a night killed before its rename) gives it two names. Ops was failed alone "as a
    hard link" instead of the configuration error (until 2026-12-07)."""
    root = _two(workspace, "Sales.xlsx")
    os.link(root / "teams" / "sales.xlsx", root / "backup.xlsx")
    real = os.stat

    def ignoring_case(path: Any, *args: Any, **kwargs: Any) -> Any:
        if isinstance(path, (str, Path)) and Path(path).name == "Sales.xlsx":
            path = Path(path).with_name("sales.xlsx")
        return real(path, *args, **kwargs)

    monkeypatch.setattr(os, "stat", ignoring_case)
    assert problems(root, workspace.read_text()) == [
        "sheets-sync.yaml: line 7: teams[1].source: team 'Ops' reads the same tab of the same "
        "workbook as team 'Sales' (teams/Sales.xlsx, tab OKRs); the rollup would count "
        "its goals twice"
    ]


def test_two_names_apart_only_in_case_are_a_hard_link_where_case_counts(
    workspace: Path,
) -> None:
    """On Linux ``Sales.xlsx`` and ``sales.xlsx`` are two names; a casefold took them for
    one and missed the link (until 2026-12-07): the YAML's shared-tab error, or, with a
    tab each, the first write parted them."""
    root = _two(workspace, "Sales.xlsx")
    if (root / "teams" / "Sales.xlsx").exists():
        pytest.skip("a file system that ignores case")
    os.link(root / "teams" / "sales.xlsx", root / "teams" / "Sales.xlsx")
    ws = load_workspace(workspace, files_must_exist=False)
    assert [(t.name, "(a hard link)" in (t.linked or "")) for t in ws.teams] == [
        ("Sales", True),
        ("Ops", True),
    ]


def test_one_name_in_nfc_and_nfd_is_no_hard_link(
    workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Where normalization is ignored (macOS), a name in NFC and in NFD is one file; a
    backup linked to it gave it two names, and both teams failed "as a hard link"
    instead of the YAML's shared-tab error (until 2026-12-07)."""
    nfc, nfd = (
        unicodedata.normalize("NFC", "Ventes é.xlsx"),
        unicodedata.normalize("NFD", "Ventes é.xlsx"),
    )
    root = workspace.parent
    write_team(root / "teams" / nfd)
    os.link(root / "teams" / nfd, root / "backup.xlsx")
    real = os.stat

    def ignoring_normalization(path: Any, *args: Any, **kwargs: Any) -> Any:
        if isinstance(path, (str, Path)) and Path(path).name == nfc:
            path = Path(path).with_name(nfd)
        return real(path, *args, **kwargs)

    monkeypatch.setattr(os, "stat", ignoring_normalization)
    head = workspace.read_text().split("teams:")[0]
    text = (
        head
        + f"teams:\n  - {{name: A, source: teams/{nfd}}}\n  - {{name: B, source: teams/{nfc}}}\n"
    )
    assert problems(root, text) == [
        "sheets-sync.yaml: line 7: teams[1].source: team 'B' reads the same tab of the same "
        f"workbook as team 'A' (teams/{nfc}, tab OKRs); the rollup would count "
        "its goals twice"
    ]


def _company(root: Path) -> None:
    """A company workbook, and a hard link to it in ``teams/``."""
    write_team(root / "company.xlsx")
    os.link(root / "company.xlsx", root / "teams" / "company copy.xlsx")


def test_a_glob_match_hard_linked_to_the_company_workbook_is_a_problem_every_night(
    workspace: Path,
) -> None:
    """Skipped as the company workbook, it was skipped one night: the rollup's write
    parted the two names, and the next night the copy was read as a team (its rows the
    company's), until 2026-12-07. Now nothing is written and the link stays."""
    root = workspace.parent
    _company(root)
    head = workspace.read_text().split("teams:")[0]
    workspace.write_text(head + 'teams_glob: "teams/*.xlsx"\n', encoding="utf-8")
    for _night in (1, 2):
        with pytest.raises(ConfigError) as info:
            load_workspace(workspace)
        assert info.value.problems == [
            "sheets-sync.yaml: rollup.output: is the workbook of team 'company copy' "
            "(teams/company copy.xlsx); the company rollup would replace it"
        ]
        assert os.path.samefile(root / "company.xlsx", root / "teams" / "company copy.xlsx")


def test_a_listed_team_hard_linked_to_the_company_workbook_is_a_problem(
    workspace: Path,
) -> None:
    root = workspace.parent
    _company(root)
    head = workspace.read_text().split("teams:")[0]
    text = head + TWO_TEAMS + "  - {name: Copy, source: teams/company copy.xlsx}\n"
    assert problems(root, text) == [
        "sheets-sync.yaml: rollup.output: is the workbook of team 'Copy' (teams/company "
        "copy.xlsx); the company rollup would replace it"
    ]


def _linked_three(workspace: Path, names: tuple[str, str, str]) -> dict[str, str | None]:
    """Teams Sales (standard), Ops (objective-blocks: its goals tab is Sales's) and Hr
    (flat-tracker: a tab of its own) on ``names``, all one file by hard links; what each
    team is told."""
    root = workspace.parent
    head = workspace.read_text().split("teams:")[0]
    workspace.write_text(
        head + "teams:\n"
        f"  - {{name: Sales, source: teams/{names[0]}, mapping: standard}}\n"
        f"  - {{name: Ops, source: teams/{names[1]}, mapping: objective-blocks}}\n"
        f"  - {{name: Hr, source: teams/{names[2]}, mapping: flat-tracker}}\n",
        encoding="utf-8",
    )
    for name in sorted(set(names) - {"sales.xlsx"}):
        os.link(root / "teams" / "sales.xlsx", root / "teams" / name)
    return {t.name: t.linked for t in load_workspace(workspace, files_must_exist=False).teams}


def test_a_tab_each_is_not_advised_when_two_other_names_share_a_tab(workspace: Path) -> None:
    """Clashes were looked for between a team and each other name only: Hr, reading a
    tab of its own, was advised to list one name for every team, which the config then
    refuses (Sales and Ops read one tab) (until 2026-12-07)."""
    told = _linked_three(workspace, ("sales.xlsx", "ops.xlsx", "hr.xlsx"))
    hr = told["Hr"]
    assert hr is not None and "(a tab each)" not in hr
    assert hr.endswith(
        "and give each copy its team's goals (teams 'Sales' and 'Ops' read the tab OKRs)"
    )


def test_the_pair_advice_counts_the_teams_of_both_names(workspace: Path) -> None:
    """Sales on one name, Ops and Hr on the other: Hr was told to list the other name
    for "both teams" (three), a tab each, while Sales and Ops read one tab; Sales was
    told to give "the copy the other team's goals", not saying which (until 2026-12-07)."""
    told = _linked_three(workspace, ("sales.xlsx", "ops.xlsx", "ops.xlsx"))
    assert all(m is not None and "(a tab each)" not in m for m in told.values())
    assert all(
        m is not None
        and m.endswith(
            "Delete one name, then copy the other file to it, and keep each team's goals in "
            "its own file (teams 'Sales' and 'Ops' both read the tab OKRs)"
        )
        for m in told.values()
    )


def test_a_tab_each_by_three_teams_on_two_names_is_every_team() -> None:
    """The teams on this team's own name count: one other team there and one here is
    not "both teams" when a third shares this name."""
    pair = hard_link_message({Path("/t/ops.xlsx"): ["Ops"]}, own=2)
    assert pair.endswith("or delete one name and list the other for every team (a tab each)")


def test_a_cross_clash_names_goals_and_kpis() -> None:
    """One team's goals tab is the other's KPIs tab: the advice said "keep each team's
    goals" (until 2026-12-07), a KPIs tab the other team's too."""
    team, first = (cast(Any, SimpleNamespace(name=n)) for n in ("B", "A"))
    clash = Clash(team, first, "X", "goals", exact=True, theirs="KPIs")
    told = hard_link_message({Path("/t/b.xlsx"): ["B"]}, clash)
    assert told.endswith(
        "and keep each team's goals and KPIs in its own file (team 'B' reads the tab X as "
        "its goals, team 'A' as its KPIs)"
    ), told
    three = hard_link_message({Path("/t/b.xlsx"): ["B"], Path("/t/c.xlsx"): ["C"]}, clash)
    assert three.endswith(
        "and give each copy its team's goals and KPIs (team 'B' reads the tab X as its "
        "goals, team 'A' as its KPIs)"
    ), three
