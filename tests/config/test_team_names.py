"""Names and ids the rollup pivots by (a team's, a period's, a company objective's) are
never cut to what a cell holds, as prose is (cut, two could become one): the workspace
refuses a longer one."""

from __future__ import annotations

from pathlib import Path

import pytest

from sheets_sync.config import load_workspace
from sheets_sync.errors import ConfigError
from tests.conftest import CONFIG


def test_a_name_or_id_longer_than_a_cell_is_refused(tmp_path: Path) -> None:
    """A team name, period name or company objective id of 40,000 characters reached the
    rollup, whose cells hold 32,767 (UTF-16 code units: an emoji is 2): cut there, two
    teams became one in finance's pivot."""
    long, rockets = "T" * 32_768, "\U0001f680" * 16_384  # both one unit too long
    text = (
        CONFIG.replace("name: 2026-Q4", f"name: {long}")
        .replace("id: CO-1", f"id: '{rockets}'")
        .replace("name: Sales", f"name: {long}")
    )
    cfg = tmp_path / "sheets-sync.yaml"
    cfg.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_workspace(cfg, files_must_exist=False)
    tail = "a name or id is at most 32,767 (what an Excel cell holds)"
    assert info.value.problems == [
        f"sheets-sync.yaml: line 2: period.name: is 32,768 characters long; {tail}",
        f"sheets-sync.yaml: line 4: company_objectives[0].id: is 32,768 characters long; {tail}",
        f"sheets-sync.yaml: line 6: teams[0].name: is 32,768 characters long; {tail}",
    ]
    ok = CONFIG.replace("name: Sales", f"name: {long[1:]}")  # 32,767: loads
    cfg.write_text(ok, encoding="utf-8")
    assert load_workspace(cfg, files_must_exist=False).teams[0].name == long[1:]
