"""A duplicate team name names both teams: a copy of a team file dropped into another
folder of ``teams_glob`` said only `teams_glob (teams/emea/sales.xlsx): duplicate team
name 'sales'`, and the admin had to find the other file (until 2026-12-07)."""

from __future__ import annotations

from pathlib import Path

import pytest

from sheets_sync.config import load_workspace
from sheets_sync.errors import ConfigError
from tests.conftest import write_team


def test_a_copy_in_another_folder_of_the_glob_names_both_files(workspace: Path) -> None:
    root = workspace.parent
    for folder in ("apac", "emea"):
        write_team(root / "teams" / folder / "sales.xlsx")
    head = workspace.read_text().split("teams:")[0]
    workspace.write_text(head + 'teams_glob: "teams/*/*.xlsx"\n', encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_workspace(workspace)
    assert info.value.problems == [
        "sheets-sync.yaml: line 5: teams_glob (teams/emea/sales.xlsx): duplicate team name"
        " 'sales', the name of teams_glob (teams/apac/sales.xlsx) too; rename one of them"
    ]
