"""However a night is run (one process, packed reads, workers, no read cache), it does the
same; and a dry run foresees it exactly.

Each mode settles teams in different places (``engine.py``): in one process after every
read, packed as each read is made, or in the worker that parsed it (and a cache hit, with
many teams, packed as it is loaded). A team's KRs may read
other teams' KPIs, files change between nights (new values, or only their bytes: a
re-save, a read-cache miss with nothing to write) and the date moves. Several nights of
random such changes, applied alike to one workspace per mode, must give the same runs,
the same cells in every team file and the same company workbook, whether the rollup was
left alone on a night whose inputs were unchanged (``rollup_state.py``) or rebuilt.
"""

from __future__ import annotations

import datetime as dt
import random
import shutil
from pathlib import Path

import pytest
from python_calamine import CalamineWorkbook

from sheets_sync.config import load_workspace
from sheets_sync.sync import engine
from sheets_sync.sync.engine import Sync, SyncOptions
from sheets_sync.sync.rollup_state import SYNCED, RollupState
from tests.conftest import write_team
from tests.support.workbooks import folder_cells, resave

TEAMS = [*(f"T{i}" for i in range(8)), "Sales", "Sales/EMEA"]  # a link names "Sales/EMEA/KPI-1"
MODES = {  # (workers, packed reads, read cache, rollup may be left alone)
    "one process": (1, False, True, True),
    "packed reads": (1, True, True, True),
    "workers": (2, False, True, True),
    "workers, parked cache hits": (2, True, True, True),
    "workers, no cache": (2, False, False, True),
    "rollup always rebuilt": (1, False, True, False),
}
NIGHTS = (23, 24, 24, 26)  # as_of days in November; the second night repeats the date


def _rows(rnd: random.Random, team: str) -> tuple[list[list[object]], list[list[object]]]:
    other = rnd.choice([t for t in TEAMS if t != team])
    link = f"{other}/KPI-{rnd.randint(1, 2)}" if rnd.random() < 0.6 else None
    okrs: list[list[object]] = [
        ["O1", "Grow", "committed", "", "KR1", "Deals", "Ann", "number", 0, 10,
         rnd.choice([None, rnd.randint(0, 12)])],
        ["O1", "Grow", "committed", "", "KR2", "NPS", "Ann", "number", 20, 60, None, None,
         1, None, None, link],
        ["O2", "Keep", "aspirational", "", "KR3", "Churn", "Bob", "number", 10, 2,
         rnd.randint(0, 12), None, 2],
    ]  # fmt: skip
    kpis: list[list[object]] = [
        ["KPI-1", "NPS", "Cy", "lagging", "monthly", None, "higher", 50, None, None, None,
         rnd.randint(20, 70)],
        ["KPI-2", "Tickets", "Cy", "lagging", "weekly", None, "lower", 30, None, None, None,
         rnd.choice([None, rnd.randint(10, 50)])],
    ]  # fmt: skip
    return okrs, kpis


def _file(team: str) -> str:
    return team.replace("/", "-")


def _workspace(root: Path, rnd: random.Random) -> Path:
    for team in TEAMS:
        write_team(root / "teams" / f"{_file(team)}.xlsx", *_rows(rnd, team))
    cfg = root / "sheets-sync.yaml"
    teams = "".join(f"  - {{name: {t}, source: teams/{_file(t)}.xlsx}}\n" for t in TEAMS)
    cfg.write_text(
        f"company: Acme\nperiod: {{name: Q4, start: 2026-10-01, end: 2026-12-31}}\nteams:\n{teams}",
        encoding="utf-8",
    )
    return cfg


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_every_mode_syncs_the_same_nights(
    eight_cpus: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, seed: int
) -> None:
    rnd = random.Random(seed)
    first = tmp_path / "one process"
    _workspace(first, rnd)
    roots = {mode: tmp_path / mode for mode in MODES}
    for root in roots.values():
        if root != first:
            shutil.copytree(first, root)
    for night, day in enumerate(NIGHTS):
        if night:  # between nights: some teams change their numbers, some only re-save
            for team in TEAMS:
                action, rows = rnd.random(), _rows(rnd, team)
                for root in roots.values():
                    path = root / "teams" / f"{_file(team)}.xlsx"
                    if action < 0.3:
                        write_team(path, *rows)
                    elif action < 0.6:
                        resave(path)
        # a dry run first, with workers (and its cache hits parked as loaded): it writes
        # nothing and foresees the night exactly
        monkeypatch.setattr(engine, "PACK_READS_AT", 1)
        before = folder_cells(roots["workers"] / "teams")
        dry = SyncOptions(as_of=dt.date(2026, 11, day), workers=2, dry_run=True)
        foreseen = Sync(load_workspace(roots["workers"] / "sheets-sync.yaml")).run(dry).runs
        assert folder_cells(roots["workers"] / "teams") == before
        seen = {}
        for mode, (workers, packed, cache, skip) in MODES.items():
            monkeypatch.setattr(engine, "PACK_READS_AT", 1 if packed else 10**9)
            monkeypatch.setattr(RollupState, "unchanged", UNCHANGED if skip else _never)
            as_of = dt.date(2026, 11, day)
            options = SyncOptions(as_of=as_of, workers=workers, read_cache=cache)
            runs = Sync(load_workspace(roots[mode] / "sheets-sync.yaml")).run(options).runs
            seen[mode] = [(r.team, r.outcome, list(r.changes), r.result, r.error) for r in runs]
        cells = {mode: folder_cells(root / "teams") for mode, root in roots.items()}
        rollups = {mode: _rollup(root / "company.xlsx") for mode, root in roots.items()}
        would = [(r.team, list(r.changes), r.result, r.error) for r in foreseen]
        assert would == [(t, c, res, e) for t, _, c, res, e in seen["workers"]], f"night {night}"
        for mode in MODES:
            assert seen[mode] == seen["one process"], f"{mode}, night {night}"
            assert cells[mode] == cells["one process"], f"{mode}, night {night}"
            assert rollups[mode] == rollups["one process"], f"{mode}, night {night}"


UNCHANGED = RollupState.unchanged


def _never(*args: object, **kw: object) -> bool:
    return False


def _rollup(path: Path) -> dict[str, list[list[object]]]:
    """The company workbook's cells as a night left alone may differ from one built
    anew (docs/rollup.md): the time it was written, and its outcomes ``ok`` and
    ``unchanged`` (both: synced) are the night's that wrote it."""
    book = CalamineWorkbook.from_path(str(path))
    return {
        name: [[_kept(v) for v in row] for row in book.get_sheet_by_name(name).to_python()]
        for name in book.sheet_names
    }


def _kept(value: object) -> object:
    if isinstance(value, dt.datetime):
        return None
    return SYNCED.get(value, value) if isinstance(value, str) else value
