"""A team file whose name is no UTF-8 text (saved by a system in another encoding) fails
alone, named as its bytes are: validate, sync and rollup ended in a traceback."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from sheets_sync.config import load_workspace
from sheets_sync.errors import ConfigError
from tests.cli.test_ops_cli import AS_OF, run


@pytest.fixture
def latin1_team(demo: Path, tmp_path: Path) -> Path:
    """The demo workspace with ``teams_glob: more/*.xlsx`` matching ``Ops.xlsx`` and
    ``Équipe.xlsx`` saved by a Latin-1 system (its name the bytes ``\\xc9quipe.xlsx``)."""
    ws = tmp_path / "ws"
    shutil.copytree(demo.parent, ws)
    (ws / "more").mkdir()
    shutil.copy(ws / "teams" / "Sales.xlsx", ws / "more" / "Ops.xlsx")
    shutil.copy(ws / "teams" / "Sales.xlsx", ws / "more" / os.fsdecode(b"\xc9quipe.xlsx"))
    cfg = ws / "sheets-sync.yaml"
    cfg.write_text(cfg.read_text("utf-8") + 'teams_glob: "more/*.xlsx"\n', encoding="utf-8")
    return cfg


def test_a_team_file_named_in_another_encoding_fails_alone(latin1_team: Path) -> None:
    """Its name is no UTF-8 text: ``validate``, ``sync`` and ``rollup`` ended in a
    traceback (UnicodeEncodeError ... '\\udcc9'). It is a problem naming the file as its
    bytes are, and the night reads every other team."""
    why = (
        "the file's name is not UTF-8 text (written in another encoding, such as Latin-1), "
        "which the reports and the rollup cannot show: rename the file"
    )
    with pytest.raises(ConfigError) as info:
        load_workspace(latin1_team)
    assert info.value.problems == [  # until 2026-12-06 the file named twice:
        # "teams_glob (more/\\xc9quipe.xlsx).source: ... (more/\\xc9quipe.xlsx)"
        f"sheets-sync.yaml: line 62: teams_glob (more/\\xc9quipe.xlsx): {why}"
    ]
    ws = load_workspace(latin1_team, files_must_exist=False)
    team = next(t for t in ws.teams if t.linked is not None)
    assert (team.name, team.source, team.path) == ("\\xc9quipe", "more/\\xc9quipe.xlsx", None)
    code, out, err = run("validate", "--config", str(latin1_team), *AS_OF)
    assert "Traceback" not in out + err and "\\xc9quipe" in out + err, out + err
    code, out, err = run("sync", "--config", str(latin1_team), *AS_OF)
    assert code == 1 and "Traceback" not in out + err, out + err
    lines = out.splitlines()
    assert f"\\xc9quipe: failed: more/\\xc9quipe.xlsx: {why}" in lines, out
    assert any(line.startswith("Ops: ok") for line in lines), out
    code, out, err = run("rollup", "--config", str(latin1_team), *AS_OF)
    assert "Traceback" not in out + err, out + err
