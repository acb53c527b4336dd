"""A listed team file that is gone (renamed, moved, deleted) fails its team with a line
that says where it was looked for and what to do: until 2026-12-07 it said
`ops.xlsx: file not found`, which named neither the folder nor a way out."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from sheets_sync.cli import cli


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
