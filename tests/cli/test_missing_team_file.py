"""A listed team file that is gone (renamed, moved, deleted) fails its team with a line
that says where it was looked for and what to do: until 2026-12-07 it said
`ops.xlsx: file not found`, which named neither the folder nor a way out."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from click.testing import CliRunner

from sheets_sync.cli import cli
from sheets_sync.config import load_workspace
from sheets_sync.sync.engine import Sync, SyncOptions
from tests.conftest import write_team


def test_a_team_file_gone_says_where_and_what_to_do(workspace: Path) -> None:
    workspace.write_text(
        workspace.read_text() + "  - {name: Ops, source: teams/ops.xlsx}\n", encoding="utf-8"
    )
    result = CliRunner().invoke(cli, ["sync", "--config", str(workspace), "--as-of", "2026-11-23"])
    assert result.exit_code == 1
    assert (
        "Ops: failed: ops.xlsx: file not found (teams/ops.xlsx): if it was renamed, moved or"
        " deleted, put it back, or give the team its new path (its source in the"
        " workspace file)\n"
    ) in result.stdout


def test_a_glob_team_gone_says_teams_glob_not_its_source(workspace: Path) -> None:
    """A ``teams_glob`` match has no entry whose path to change: gone after the run
    matched it (renamed meanwhile, its folder unmounted), it says so."""
    write_team(workspace.parent / "more" / "Ops.xlsx")
    workspace.write_text(workspace.read_text() + 'teams_glob: "more/*.xlsx"\n', encoding="utf-8")
    ws = load_workspace(workspace)
    (workspace.parent / "more" / "Ops.xlsx").unlink()
    result = Sync(ws).run(SyncOptions(as_of=dt.date(2026, 11, 23), teams=("Ops",), workers=1))
    assert [r.error for r in result.runs] == [
        "Ops.xlsx: file not found (more/Ops.xlsx, matched by teams_glob as the run began):"
        " renamed, moved or deleted since, or its folder unreachable; if it is back, or moved"
        " within teams_glob, the next run reads it"
    ]
