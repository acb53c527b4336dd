"""Files an older sheets-sync wrote or shipped (``tests/data/old-config-files``, see its
README) still load: a workspace file ``init`` wrote on the first day, and copies of the
bundled mappings as first shipped, used as a team's own mapping file."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from sheets_sync.config import load_workspace
from sheets_sync.mapping.spec import load_mapping

OLD = Path(__file__).parent.parent / "data" / "old-config-files"
MAPPINGS = ["standard-01b1271.yaml", "objective-blocks-67d7baf.yaml", "flat-tracker-67d7baf.yaml"]


def test_a_first_day_init_workspace_file_loads(tmp_path: Path) -> None:
    shutil.copy(OLD / "init-2c8cd7f.yaml", tmp_path / "sheets-sync.yaml")
    ws = load_workspace(tmp_path / "sheets-sync.yaml", files_must_exist=False)
    assert [t.name for t in ws.teams] == ["Ops"]
    assert ws.period.name == "2026-Q4"


@pytest.mark.parametrize("name", MAPPINGS)
def test_a_first_shipped_mapping_loads_as_a_teams_own_file(tmp_path: Path, name: str) -> None:
    shutil.copy(OLD / "init-2c8cd7f.yaml", tmp_path / "sheets-sync.yaml")
    shutil.copy(OLD / name, tmp_path / name)
    cfg = tmp_path / "sheets-sync.yaml"
    cfg.write_text(cfg.read_text().replace("mapping: standard", f"mapping: {name}"))
    ws = load_workspace(cfg, files_must_exist=False)
    (team,) = ws.teams
    assert team.mapping_error is None
    assert load_mapping(name, tmp_path) is not None
