"""Backups a workspace keeps: the ``backups.keep`` rule, and the flat backups of the layout
before each file had its own folder (``.sheets-sync/backups/<name>.<stamp>.bak``)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from sheets_sync.config import load_workspace
from sheets_sync.sync.engine import Sync, SyncOptions
from sheets_sync.sync.outcome import Outcome
from tests.conftest import write_team

ROW = ["O1", "Grow", "committed", "", "KR1", "Deals", "Ann", "number", 0, 10, 5]
FLAT = [f"2026111{d}T020000000000Z" for d in range(1, 4)]  # three nights before the move


def _workspace(root: Path, keep: int) -> Path:
    """``sales.xlsx`` (one file of that name) and two ``ops.xlsx`` in different folders,
    each with flat backups from before 2026-11-23."""
    teams = {"Sales": "teams/sales.xlsx", "EMEA": "teams/emea/ops.xlsx",
             "APAC": "teams/apac/ops.xlsx"}  # fmt: skip
    for source in teams.values():
        write_team(root / source, okr_rows=[ROW], kpi_rows=[])
    flat = root / ".sheets-sync" / "backups"
    flat.mkdir(parents=True)
    for name in ("sales.xlsx", "ops.xlsx", "sales.xlsx.old.xlsx"):
        for stamp in FLAT:
            (flat / f"{name}.{stamp}.bak").write_bytes(b"an old version")
    cfg = root / "sheets-sync.yaml"
    cfg.write_text(
        "company: Acme\nperiod: {name: Q4, start: 2026-10-01, end: 2026-12-31}\n"
        f"backups: {{keep: {keep}}}\nteams:\n"
        + "".join(f"  - {{name: {n}, source: {s}}}\n" for n, s in teams.items()),
        encoding="utf-8",
    )
    return cfg


def _night(cfg: Path, day: int) -> None:
    options = SyncOptions(as_of=dt.date(2026, 11, day), rollup=False)
    runs = Sync(load_workspace(cfg)).run(options).runs
    assert {r.outcome for r in runs} == {Outcome.OK}  # the pace moves: every file is written


def _flat(root: Path, name: str) -> list[str]:
    folder = root / ".sheets-sync" / "backups"
    return sorted(p.name[len(name) + 1 : -4] for p in folder.glob(f"{name}.2*.bak"))


def _own(root: Path, folder: str) -> int:
    return len(list((root / ".sheets-sync" / "backups" / folder).glob("*.bak")))


def test_flat_backups_count_as_the_oldest_under_the_keep_rule(tmp_path: Path) -> None:
    """They were never pruned once each file had its own folder: as the file's own
    backups come, the flat ones make room for them, oldest first."""
    cfg = _workspace(tmp_path, keep=2)
    _night(cfg, 23)
    assert _own(tmp_path, "teams/sales.xlsx") == 1
    assert _flat(tmp_path, "sales.xlsx") == FLAT[-1:]  # two backups in all
    _night(cfg, 24)
    assert _own(tmp_path, "teams/sales.xlsx") == 2
    assert _flat(tmp_path, "sales.xlsx") == []
    # two files named ops.xlsx: whose flat backups those are cannot be told, so they stay
    assert _flat(tmp_path, "ops.xlsx") == FLAT
    assert _own(tmp_path, "teams/emea/ops.xlsx") == _own(tmp_path, "teams/apac/ops.xlsx") == 2
    # another file's whose name begins with sales.xlsx: not sales.xlsx's
    assert _flat(tmp_path, "sales.xlsx.old.xlsx") == FLAT


@pytest.mark.parametrize(("keep", "flat_left"), [(0, []), (1, []), (3, FLAT[1:]), (5, FLAT)])
def test_keep_counts_the_flat_backups_too(tmp_path: Path, keep: int, flat_left: list[str]) -> None:
    cfg = _workspace(tmp_path, keep=keep)
    _night(cfg, 23)
    assert _own(tmp_path, "teams/sales.xlsx") == min(keep, 1)
    assert _flat(tmp_path, "sales.xlsx") == flat_left
    assert _own(tmp_path, "teams/emea/ops.xlsx") == min(keep, 1)
