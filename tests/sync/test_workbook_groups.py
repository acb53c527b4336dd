"""Which teams share a workbook, for the three places that group them: the shards
(``shard.shard_keys``, by ``TeamSpec.path_or_sheet``), the Excel writes
(``team_steps.by_workbook``, by ``path``) and the Google threads
(``google_threads.sheet_turns``, by ``google_key``). They agree on every case below (a
path resolved when the workspace loads, so a symbolic link is the file it leads to; a
sheet's URL made its ``gsheet:`` key), which these tests pin."""

from __future__ import annotations

import os
from pathlib import Path

import openpyxl

from sheets_sync.config import load_workspace
from sheets_sync.ops.shard import shard_keys
from sheets_sync.sync.google_threads import sheet_turns
from sheets_sync.sync.team_steps import by_workbook
from sheets_sync.workspace_spec import TeamSpec
from tests.conftest import write_team

KEY = "1AbCdEfGhIjKlMnOpQrStUvWxYz0123456789abcdEFG"


def _workspace(root: Path) -> list[TeamSpec]:
    """``shared.xlsx`` read by Sales and Ops (a tab each), and by Link through a symbolic
    link (a tab of its own); Own alone; a Google sheet read by Web (its URL) and Key (its
    key, with spaces), and another by Other."""
    book_path = write_team(root / "teams" / "shared.xlsx")
    book = openpyxl.load_workbook(book_path)
    book["OKRs"].title = "Sales OKRs"
    for team in ("Ops", "Link"):
        book.copy_worksheet(book["Sales OKRs"]).title = f"{team} OKRs"
    del book["KPIs"]
    book.save(book_path)
    os.symlink("shared.xlsx", root / "teams" / "link.xlsx")
    write_team(root / "teams" / "own.xlsx")
    (root / "mappings").mkdir()
    lines = []
    for team, source in (
        ("Sales", "teams/shared.xlsx"),
        ("Ops", "teams/shared.xlsx"),
        ("Link", "teams/link.xlsx"),
        ("Own", "teams/own.xlsx"),
        ("Web", f"https://docs.google.com/spreadsheets/d/{KEY}/edit#gid=0"),
        ("Key", f"'gsheet: {KEY} '"),
        ("Other", "gsheet:OTHERSHEETKEY"),
    ):
        (root / "mappings" / f"{team.lower()}.yaml").write_text(
            f"name: {team.lower()}\nokrs:\n  sheet: [{team} OKRs]\n", encoding="utf-8"
        )
        lines.append(f"  - {{name: {team}, source: {source}, mapping: {team.lower()}}}")
    cfg = root / "sheets-sync.yaml"
    cfg.write_text(
        "company: Acme\nperiod: {name: 2026-Q4, start: 2026-10-01, end: 2026-12-31}\n"
        "company_objectives:\n  - {id: CO-1, title: Grow}\nteams:\n" + "\n".join(lines) + "\n",
        encoding="utf-8",
    )
    return list(load_workspace(cfg).teams)


def _names(teams: list[TeamSpec], groups: list[list[int]]) -> set[frozenset[str]]:
    return {frozenset(teams[i].name for i in g) for g in groups}


def test_the_three_groupings_agree(tmp_path: Path) -> None:
    teams = _workspace(tmp_path)
    keys = shard_keys(teams)
    by_shard: dict[str, set[str]] = {}
    for name, key in keys.items():
        by_shard.setdefault(key, set()).add(name)
    expected = {
        frozenset({"Sales", "Ops", "Link"}),
        frozenset({"Own"}),
        frozenset({"Web", "Key"}),
        frozenset({"Other"}),
    }
    assert {frozenset(s) for s in by_shard.values()} == expected
    excel = [i for i, t in enumerate(teams) if not t.is_google]  # the engine's writes
    assert _names(teams, by_workbook(excel, [teams[i] for i in excel])) == {
        g for g in expected if not g & {"Web", "Key", "Other"}
    }
    google = [i for i, t in enumerate(teams) if t.is_google]
    turns = sheet_turns(teams, google)
    assert _names(teams, turns) == {frozenset({"Web", "Key"}), frozenset({"Other"})}


def test_google_teams_are_no_excel_group(tmp_path: Path) -> None:
    """``by_workbook`` groups the Excel writes; a Google team is a group alone there, as
    in the base (Web and Key share a sheet: their turns are ``sheet_turns``'), not a
    chain of Excel patches (grouped, for a day, 2026-12-07)."""
    teams = _workspace(tmp_path)
    google = [i for i, t in enumerate(teams) if t.is_google]
    assert _names(teams, by_workbook(google, [teams[i] for i in google])) == {
        frozenset({"Web"}),
        frozenset({"Key"}),
        frozenset({"Other"}),
    }
    every = list(range(len(teams)))
    assert _names(teams, by_workbook(every, teams)) == {
        frozenset({"Sales", "Ops", "Link"}),
        frozenset({"Own"}),
        frozenset({"Web"}),
        frozenset({"Key"}),
        frozenset({"Other"}),
    }


def test_the_key_of_each_kind_of_team(tmp_path: Path) -> None:
    teams = {t.name: t for t in _workspace(tmp_path)}
    shared = (tmp_path / "teams" / "shared.xlsx").resolve()
    assert teams["Sales"].path_or_sheet == teams["Link"].path_or_sheet == shared
    assert teams["Web"].path_or_sheet == teams["Key"].path_or_sheet == f"gsheet:{KEY}"
    assert teams["Own"].path_or_sheet != shared


def test_a_team_of_neither_is_alone() -> None:
    """A web address that names no sheet: the team fails alone, and is its own group."""
    source = "https://example.com/okrs.xlsx"
    stand_in = TeamSpec("Web", source, "m", mapping=None)  # type: ignore[arg-type]
    assert stand_in.path_or_sheet is None
    assert shard_keys([stand_in, TeamSpec("Web2", source, "m", None)]) == {  # type: ignore[arg-type]
        "Web": "Web",
        "Web2": "Web2",
    }
