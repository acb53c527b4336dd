"""A quiet re-run takes each unchanged team's result from the last run (``recall.py``) and
does exactly what scoring it again would: same runs, rows, cells; edits still written."""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from sheets_sync.config import load_workspace
from sheets_sync.domain.models import TeamInput
from sheets_sync.sync import engine, rollup_step, team_steps
from sheets_sync.sync.engine import Sync, SyncOptions, SyncResult
from sheets_sync.sync.linked import linked_teams
from sheets_sync.sync.team_rows import CLOCK, naive, rows_for
from sheets_sync.workspace.demo import create_demo
from tests.support.workbooks import folder_cells

NIGHT = dt.date(2026, 11, 23)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return create_demo(tmp_path_factory.mktemp("demo") / "ws")


@pytest.fixture
def scored(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Names of the teams actually scored (a spy around the real scoring)."""
    seen: list[str] = []
    real = team_steps.evaluate_team  # type: ignore[attr-defined]

    def spy(team: TeamInput, **kw: Any) -> Any:
        seen.append(team.team)
        return real(team, **kw)

    monkeypatch.setattr(team_steps, "evaluate_team", spy)
    yield seen


@pytest.fixture
def rows(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[tuple[str, Any, dt.datetime]]]:
    """Each rolled-up team's rollup rows and the run's clock, as the rollup is prepared."""
    seen: list[tuple[str, Any, dt.datetime]] = []
    real = rollup_step.prepare

    def spy(ws: Any, history: Any, runs: Any, context: Any, **kw: Any) -> Any:
        seen[:] = [(r.team, rows_for(r, context), naive(context.generated_at)) for r in runs]
        return real(ws, history, runs, context, **kw)

    monkeypatch.setattr(rollup_step, "prepare", spy)
    yield seen


def night(cfg: Path, as_of: dt.date = NIGHT, cache: bool = True) -> SyncResult:
    return Sync(load_workspace(cfg)).run(SyncOptions(as_of=as_of, workers=1, read_cache=cache))


def copy(demo: Path, dest: Path) -> Path:
    shutil.copytree(demo.parent, dest)
    return dest / demo.name


def linked(cfg: Path) -> set[str]:
    from sheets_sync.sync.reading import read_team

    ws = load_workspace(cfg)
    reads = [read_team(t, ws) for t in ws.teams]
    return {r.spec.name for r in reads if r.team_input and linked_teams(r.team_input)}


def seen_runs(result: SyncResult) -> list[tuple[object, ...]]:
    return [
        (r.team, r.outcome, tuple(r.changes), r.result, r.findings, r.aligned, r.error)
        for r in result.runs
    ]


def without_clock(rows: Any) -> Any:
    tables = (rows.objectives, rows.key_results, rows.kpis, rows.findings)
    return [[row[:CLOCK] + row[CLOCK + 1 :] for row in t] for t in tables]


@pytest.mark.parametrize("packed", [False, True], ids=["plain", "packed"])
def test_quiet_reruns_recall_what_scoring_again_gives(
    demo: Path,
    tmp_path: Path,
    scored: list[str],
    rows: list[tuple[str, Any, dt.datetime]],
    packed: bool,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """``packed``: teams settled where they are read, as with many teams or workers."""
    if packed:
        monkeypatch.setattr(engine, "PACK_READS_AT", 1)
    cached, fresh = copy(demo, tmp_path / "a"), copy(demo, tmp_path / "b")
    fed = linked(cached)  # scored every night: another team's KPI may have moved
    assert len(fed) < 6
    for night_no, day in enumerate((0, 0, 0, 1, 1, 1)):
        as_of = NIGHT + dt.timedelta(days=day)
        scored.clear()
        a = night(cached, as_of)
        a_rows, a_scored = list(rows), list(scored)
        b = night(fresh, as_of, cache=False)
        assert seen_runs(a) == seen_runs(b)
        assert [(t, without_clock(r)) for t, r, _ in a_rows] == [
            (t, without_clock(r)) for t, r, _ in rows
        ]
        # every row carries tonight's clock, recalled or made tonight
        assert {row[CLOCK] for _, r, _ in a_rows for row in r.key_results} == {a_rows[0][2]}
        if night_no in (2, 4, 5):  # kept by the last night: its plan, or its write
            assert set(a_scored) == fed
    assert folder_cells(cached.parent / "teams") == folder_cells(fresh.parent / "teams")


def test_an_owned_cell_edited_by_hand_is_written_again(
    demo: Path, tmp_path: Path, scored: list[str]
) -> None:
    cfg = copy(demo, tmp_path / "ws")
    night(cfg)
    night(cfg)  # kept: every team's result, nothing to write
    team = cfg.parent / "teams" / "Sales.xlsx"
    book = openpyxl.load_workbook(team)
    sheet = book["OKRs"]
    status = next(c for c in sheet[1] if c.value == "Status").column
    was = sheet.cell(3, status).value
    assert was not in (None, "edited by hand")
    sheet.cell(3, status).value = "edited by hand"
    book.save(team)
    scored.clear()
    result = night(cfg)
    sales = next(r for r in result.runs if r.team == "Sales")
    assert sales.outcome.value == "ok" and "Sales" in scored
    assert ("edited by hand", was) in [(c.old, c.new) for c in sales.changes]
    assert openpyxl.load_workbook(team)["OKRs"].cell(3, status).value == was


def _entries(cfg: Path) -> list[Path]:
    return sorted((cfg.parent / ".sheets-sync" / "cache" / "results").glob("*.pickle"))


def test_a_damaged_entry_is_scored_again(demo: Path, tmp_path: Path, scored: list[str]) -> None:
    cfg = copy(demo, tmp_path / "ws")
    night(cfg)
    night(cfg)
    expected = seen_runs(night(cfg))
    entries = _entries(cfg)
    assert entries
    data = bytearray(entries[0].read_bytes())
    data[len(data) // 2] ^= 0x10
    entries[0].write_bytes(bytes(data))
    entries[-1].write_bytes(b"not a pickle")
    scored.clear()
    assert seen_runs(night(cfg)) == expected
    assert len(scored) >= 2 + len(linked(cfg)) - (len(entries) < 6)


def test_removed_teams_lose_their_entries(demo: Path, tmp_path: Path) -> None:
    cfg = copy(demo, tmp_path / "ws")
    night(cfg)
    night(cfg)
    before = len(_entries(cfg))
    assert before >= 1
    ws = load_workspace(cfg)
    from sheets_sync.sync.readcache import ReadCache
    from sheets_sync.sync.team_steps import TeamSteps

    steps = TeamSteps(ws, NIGHT, True, ReadCache(ws.state_dir / "cache"))
    steps.prune(ws.teams)
    assert len(_entries(cfg)) == before
    steps.prune([])
    assert _entries(cfg) == []


@pytest.mark.parametrize("packed", [False, True], ids=["plain", "packed"])
def test_an_edit_a_run_without_write_back_saw_is_scored_and_written_next(
    demo: Path, tmp_path: Path, scored: list[str], packed: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """That run caches the edited file's read (a hit next time) but keeps no result: the
    entry kept before the edit is for other bytes, and is not taken for them, and its
    own plan was not empty (``packed``: finished where it was read, its writes gone)."""
    if packed:
        monkeypatch.setattr(engine, "PACK_READS_AT", 1)
    cfg = copy(demo, tmp_path / "ws")
    night(cfg)
    night(cfg)
    team = cfg.parent / "teams" / "Sales.xlsx"
    book = openpyxl.load_workbook(team)
    sheet = book["KPIs"]
    actual = next(c for c in sheet[1] if c.value == "Actual").column
    sheet.cell(2, actual).value = 987654.0
    book.save(team)
    options = SyncOptions(as_of=NIGHT, workers=1, write_back=False)
    dry = Sync(load_workspace(cfg)).run(options)
    assert next(r for r in dry.runs if r.team == "Sales").changes
    scored.clear()
    result = night(cfg)
    sales = next(r for r in result.runs if r.team == "Sales")
    assert "Sales" in scored and sales.outcome.value == "ok" and sales.changes
    assert sales.result is not None
    assert 987654.0 in [k.kpi.actual for k in sales.result.kpis]


def test_a_recalled_hit_is_not_loaded(
    demo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Settled as they are loaded (many teams), the hits of teams whose result was kept
    are finished without unpickling their read: only the team fed by another's KPIs is
    loaded (and the KPIs it reads, from the entry as it was kept)."""
    from sheets_sync.sync.readcache import ReadCache

    monkeypatch.setattr(engine, "PACK_READS_AT", 1)
    cfg = copy(demo, tmp_path / "ws")
    night(cfg)
    night(cfg)
    expected = seen_runs(night(cfg, cache=False))
    loaded: list[str] = []
    real = ReadCache.loaded

    def spy(self: ReadCache, spec: Any, value: bytes) -> Any:
        loaded.append(spec.name)
        return real(self, spec, value)

    monkeypatch.setattr(ReadCache, "loaded", spy)
    assert seen_runs(night(cfg)) == expected
    assert set(loaded) == linked(cfg)
