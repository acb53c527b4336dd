"""A team's backup folders are found as its file is written, not as its backend is opened:
a night that writes nothing resolves no team's file for them (each team's was some 14 ms
of a 500-team no-op night's 190 ms cache-hit read, until 2026-12-07). The backups are
where they were; a read parked in the spill keeps its backup folders."""

from __future__ import annotations

import datetime as dt
import pickle
from pathlib import Path

import pytest

from sheets_sync import unpickle
from sheets_sync.backends.excel.backend import ExcelBackend
from sheets_sync.backends.factory import open_backend
from sheets_sync.config import load_workspace
from sheets_sync.sync.engine import Sync, SyncOptions
from sheets_sync.sync.outcome import Outcome
from sheets_sync.workspace_spec import Workspace
from tests.conftest import write_team

AS_OF = dt.date(2026, 11, 23)


@pytest.fixture
def two_teams(tmp_path: Path) -> Path:
    for region in ("emea", "apac"):
        (tmp_path / "teams" / region).mkdir(parents=True)
        write_team(tmp_path / "teams" / region / "sales.xlsx")
    cfg = tmp_path / "sheets-sync.yaml"
    cfg.write_text(
        "company: Acme\nperiod: {name: Q4, start: 2026-10-01, end: 2026-12-31}\n"
        "teams:\n  - {name: EMEA, source: teams/emea/sales.xlsx}\n"
        "  - {name: APAC, source: teams/apac/sales.xlsx}\n",
        encoding="utf-8",
    )
    return cfg


@pytest.fixture
def asked(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The files whose backup folders were asked for, by name of their folder."""
    seen: list[str] = []
    found = Workspace.backup_dirs_for

    def counted(self: Workspace, path: Path) -> tuple[Path, Path | None]:
        seen.append(path.parent.name)
        return found(self, path)

    monkeypatch.setattr(Workspace, "backup_dirs_for", counted)
    return seen


def _night(cfg: Path) -> set[Outcome]:
    runs = Sync(load_workspace(cfg)).run(SyncOptions(as_of=AS_OF, rollup=False)).runs
    return {r.outcome for r in runs}


def test_a_night_that_writes_nothing_finds_no_backup_folder(
    two_teams: Path, asked: list[str]
) -> None:
    assert _night(two_teams) == {Outcome.OK}  # both written: each one's folders found
    assert sorted(asked) == ["apac", "emea"]
    backups = two_teams.parent / ".sheets-sync" / "backups" / "teams"
    for region in ("emea", "apac"):  # where they were: the file's folders under the workspace
        (kept,) = (backups / region / "sales.xlsx").iterdir()
        assert kept.name.startswith("sales.xlsx.")
    asked.clear()
    assert _night(two_teams) == {Outcome.UNCHANGED}
    assert asked == []


def test_a_pickled_backend_keeps_its_backup_folders(two_teams: Path) -> None:
    """A read parked in the spill (``TeamRead.pack``) holds its backend: pickled with its
    folders found, and loaded by the spill's loader, which allows no workspace."""
    ws = load_workspace(two_teams)
    team = ws.teams[0]
    assert team.path is not None
    backend = open_backend(team, ws)
    assert isinstance(backend, ExcelBackend)
    back = unpickle.loads(pickle.dumps(backend, pickle.HIGHEST_PROTOCOL), unpickle.SPILL)
    expected = ws.backup_dirs_for(team.path)
    assert (back.backup_dir, back.legacy_backup_dir) == expected
    assert (backend.backup_dir, backend.legacy_backup_dir) == expected
    # as a library caller builds one: the folder it names, or the hidden one beside the file
    assert ExcelBackend(team.path, backup_dir=ws.root).backup_dir == ws.root
    assert ExcelBackend(team.path).backup_dir == team.path.parent / ".sheets-sync-backups"
