"""Shards of Google teams: the teams of one sheet (a tab each) land in one shard."""

from __future__ import annotations

from typing import Any, cast

from sheets_sync.ops.shard import select, shard_keys
from sheets_sync.workspace_spec import TeamSpec


def _team(name: str, source: str) -> TeamSpec:
    return TeamSpec(name=name, source=source, mapping_name="m", mapping=cast(Any, None))


def test_teams_of_one_google_sheet_go_to_one_shard() -> None:
    """Google teams have no path: until 2026-12-07 each was its own shard key, so two
    teams of one sheet ran on two machines, and one's write made the other's version
    check fail (CONFLICTED) though nobody had edited the sheet."""
    teams = [_team(f"T{i}", "gsheet:OTHER" + str(i)) for i in range(6)]
    teams += [_team("Sales", "gsheet:SHARED"), _team("Ops", "gsheet:SHARED")]
    keys = shard_keys(teams)
    assert keys["Sales"] == keys["Ops"] == "Sales"
    assert [keys[f"T{i}"] for i in range(6)] == [f"T{i}" for i in range(6)]
    for n in (2, 3, 4, 5):
        shards = [select(teams, k, n, lambda t: keys[t.name]) for k in range(1, n + 1)]
        holding = [k for k, s in enumerate(shards) if {"Sales", "Ops"} & {t.name for t in s}]
        assert len(holding) == 1
