"""Worker processes change how fast a night runs, never what it does."""

from __future__ import annotations

import datetime as dt
import faulthandler
import json
import os
import shutil
import signal
import time
from collections import Counter
from concurrent.futures.process import EXTRA_QUEUED_CALLS
from pathlib import Path
from typing import Any

import pytest

from sheets_sync.backends.excel.backend import ExcelBackend
from sheets_sync.config import load_workspace
from sheets_sync.sync import engine
from sheets_sync.sync.engine import Sync, SyncOptions, SyncResult
from sheets_sync.sync.outcome import Outcome, TeamRun
from sheets_sync.sync.parallel import WorkerDiedError, map_in_workers
from sheets_sync.sync.reading import TeamRead
from sheets_sync.workspace.demo import create_demo
from tests.support.workbooks import folder_cells

# every test here forks workers: on a one-CPU box too (the cap is tested alone)
pytestmark = pytest.mark.usefixtures("eight_cpus")
AS_OF = dt.date(2026, 11, 23)
PARENT = os.getpid()


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return create_demo(tmp_path_factory.mktemp("demo") / "ws")


def run(cfg: Path, workers: int) -> SyncResult:
    return Sync(load_workspace(cfg)).run(SyncOptions(as_of=AS_OF, workers=workers))


def test_two_processes_sync_exactly_like_one(demo: Path, tmp_path: Path) -> None:
    one, two = tmp_path / "one", tmp_path / "two"
    shutil.copytree(demo.parent, one)
    shutil.copytree(demo.parent, two)
    a, b = run(one / demo.name, 1), run(two / demo.name, 2)
    assert [(r.team, r.outcome, r.changes, r.result) for r in a.runs] == [
        (r.team, r.outcome, r.changes, r.result) for r in b.runs
    ]
    assert a.company == b.company
    # results are held packed through the night, and in the result returned: in memory,
    # not in the spill file (removed at the end, below)
    for r in (*a.runs, *b.runs):
        assert r.packed is not None and isinstance(r.packed.result, bytes)
        assert r.packed.rows is None and r.result is not None
    assert folder_cells(one / "teams") == folder_cells(two / "teams")
    assert folder_cells(one) == folder_cells(two) or _same_but_timestamps(one, two)
    # the rollup's input digest, made from results digested in the read workers, is the
    # digest one process makes of them: the quiet night after skips the build either way
    states = [load_workspace(d / demo.name).state_dir / "rollup-state.json" for d in (one, two)]
    inputs = [json.loads(p.read_text())["inputs"] for p in states]
    assert inputs[0] and inputs[0] == inputs[1]
    spill = load_workspace(two / demo.name).state_dir / "spill"
    assert spill.is_dir() and list(spill.iterdir()) == []  # reads were parked, then removed
    # and the night after, nothing to write in either
    assert {r.outcome.value for r in run(two / demo.name, 2).runs} == {"unchanged"}


def test_runs_given_to_progress_keep_their_results_after_the_night(
    demo: Path, tmp_path: Path
) -> None:
    shutil.copytree(demo.parent, tmp_path / "ws")
    seen: list[TeamRun] = []
    sync = Sync(load_workspace(tmp_path / "ws" / demo.name), progress=seen.append)
    result = sync.run(SyncOptions(as_of=AS_OF, workers=2))
    assert sync.spill is None  # the night's spill file is gone
    assert [r.result for r in seen] == [r.result for r in result.runs]
    assert all(r.packed is not None for r in seen) and result.runs[0].result is not None


@pytest.mark.parametrize("workers", [1, 2])
def test_progress_and_the_result_share_each_kept_result(
    demo: Path, tmp_path: Path, workers: int
) -> None:
    """Each keeping of a run read its result back from the spill file as new bytes, so
    a callback that held what it got (``run_sync``'s teams done, for a stopped night's
    lines) and the ``SyncResult`` held two copies of every result at the night's end:
    +5 MB on a quiet night at 2,000 teams. The full night, then the quiet one after."""
    shutil.copytree(demo.parent, tmp_path / "ws")
    for night in ("full", "quiet"):
        seen: list[TeamRun] = []
        sync = Sync(load_workspace(tmp_path / "ws" / demo.name), progress=seen.append)
        result = sync.run(SyncOptions(as_of=AS_OF, workers=workers))
        told = {r.team: r for r in seen}
        assert sorted(told) == sorted(r.team for r in result.runs), night
        for r in result.runs:
            assert r.packed is not None and told[r.team].held is r.held, (night, r.team)


def test_one_process_packs_its_reads_like_the_workers_do(
    demo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """From ``PACK_READS_AT`` teams a one-process night settles and parks each read as it
    is made, and drops it once the team is written; the night is the same."""
    plain, packed = tmp_path / "plain", tmp_path / "packed"
    shutil.copytree(demo.parent, plain)
    shutil.copytree(demo.parent, packed)
    a = run(plain / demo.name, 1)
    packs: list[str] = []
    original = TeamRead.pack

    def counted(self: TeamRead, spill: Any = None) -> TeamRead:
        packs.append(self.spec.name)
        return original(self, spill)

    monkeypatch.setattr(engine, "PACK_READS_AT", 1)
    monkeypatch.setattr(TeamRead, "pack", counted)
    b = run(packed / demo.name, 1)
    assert sorted(packs) == sorted(r.team for r in b.runs)  # every read was parked
    assert [(r.team, r.outcome, r.changes, r.result) for r in a.runs] == [
        (r.team, r.outcome, r.changes, r.result) for r in b.runs
    ]
    assert folder_cells(plain / "teams") == folder_cells(packed / "teams")
    assert folder_cells(plain) == folder_cells(packed) or _same_but_timestamps(plain, packed)


def test_a_packed_read_ships_its_writer_no_grids(
    demo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What a writer unpacks of a parked read is the backend, the read's ``WorkbookData``
    without its grids (``reading._parse``: version and meta, which the write checks) and
    the writes; a team planned for writing has its parse only in ``entry``, pickled once
    for the writer to cache as it is. Grids kept there would pickle every cell read twice,
    in the read worker and again for ``after``, and unpickle them in the writer."""
    shutil.copytree(demo.parent, tmp_path / "ws")
    unpacked: list[TeamRead] = []
    cached: list[str] = []  # planned for writing: their parse in ``entry``
    original = TeamRead.unpack

    def seen(self: TeamRead) -> TeamRead:
        planned = self.entry is not None
        state = original(self)
        assert state.data is not None and dict(state.data.sheets) == {}, state.spec.name
        assert state.data.version and state.data.meta == {"format": "xlsx"}
        if planned:  # the parse went to the writer once, in ``entry``
            assert state.extract is None and state.team_input is None, state.spec.name
            cached.append(state.spec.name)
        unpacked.append(state)
        return state

    monkeypatch.setattr(engine, "PACK_READS_AT", 1)
    monkeypatch.setattr(TeamRead, "unpack", seen)
    night = run(tmp_path / "ws" / demo.name, 1)
    written = [r.team for r in night.runs if r.outcome is Outcome.OK]
    assert written and set(written) <= {s.spec.name for s in unpacked}
    assert cached and set(cached) <= set(written)


def test_cache_hits_wait_for_their_writers_packed(
    demo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With workers, a cache hit is loaded in this process; from ``PACK_READS_AT`` teams
    it is settled and parked as it is loaded, as a worker's read is, instead of waiting
    for its writer as objects while the rollup is built (~57 KB a team). The next
    night, every team a hit and every team written, is the same either way."""
    roots = {}
    for name in ("whole", "parked"):
        shutil.copytree(demo.parent, tmp_path / name)
        roots[name] = tmp_path / name / demo.name
        run(roots[name], 2)  # fills the read cache
    packed: list[str] = []
    original = TeamRead.pack

    def counted(self: TeamRead, spill: Any = None) -> TeamRead:
        if os.getpid() == PARENT:  # not a worker's own read
            packed.append(self.spec.name)
        return original(self, spill)

    monkeypatch.setattr(TeamRead, "pack", counted)
    nights = {}
    for name, at in (("whole", 10**9), ("parked", 1)):
        monkeypatch.setattr(engine, "PACK_READS_AT", at)
        packed.clear()
        options = SyncOptions(as_of=AS_OF + dt.timedelta(days=3), workers=2)
        nights[name] = Sync(load_workspace(roots[name])).run(options)
    assert sorted(packed) == sorted(r.team for r in nights["parked"].runs)
    assert {r.outcome for r in nights["parked"].runs} == {Outcome.OK}
    assert [(r.team, r.outcome, r.changes, r.result) for r in nights["whole"].runs] == [
        (r.team, r.outcome, r.changes, r.result) for r in nights["parked"].runs
    ]
    assert folder_cells(roots["whole"].parent / "teams") == folder_cells(
        roots["parked"].parent / "teams"
    )


def _same_but_timestamps(one: Path, two: Path) -> bool:
    """The rollups differ only in the run's own clock (Generated at, Last successful read)."""
    a, b = folder_cells(one), folder_cells(two)
    if a.keys() != b.keys():
        return False
    for key in a:
        for row_a, row_b in zip(a[key], b[key], strict=True):
            for x, y in zip(row_a, row_b, strict=True):
                if x != y and not (isinstance(x, dt.datetime) and isinstance(y, dt.datetime)):
                    return False
    return True


def _aborts_in_a_child(i: int) -> tuple[int, int]:
    if i == 5 and os.getpid() != PARENT:
        _abort()
    return i, i * i


def _abort() -> None:
    """A native library giving up (pytest's faulthandler would print the stack first)."""
    faulthandler.disable()
    os.abort()


def test_a_task_that_kills_its_worker_ends_as_crashed_and_the_rest_finish() -> None:
    def crashed(i: int, why: str) -> tuple[int, int]:
        return i, why  # type: ignore[return-value]

    got = list(map_in_workers(_aborts_in_a_child, 40, 2, crashed=crashed))
    assert got == [(i, "killed by SIGABRT" if i == 5 else i * i) for i in range(40)]
    with pytest.raises(WorkerDiedError, match="task 5: killed by SIGABRT"):
        list(map_in_workers(_aborts_in_a_child, 12, 2))


class Once:
    """True the first time any process asks, false after: a worker killed once (by the
    OOM killer, say), whose task then succeeds when run again."""

    def __init__(self, folder: Path) -> None:
        self.flag = folder / "died-once"

    def __call__(self) -> bool:
        try:
            os.close(os.open(self.flag, os.O_CREAT | os.O_EXCL))
        except FileExistsError:
            return False
        return True


def test_a_worker_killed_once_loses_nothing(tmp_path: Path) -> None:
    once, runs = Once(tmp_path), tmp_path / "runs"
    runs.mkdir()
    count, workers, size = 256, 2, 16  # map_in_workers cuts 256 tasks into 16 chunks

    def task(i: int) -> int:
        (runs / f"{i}-{os.getpid()}").touch()
        if i == 30 and os.getpid() != PARENT and once():
            os.kill(os.getpid(), signal.SIGKILL)
        return i * i

    assert list(map_in_workers(task, count, workers)) == [i * i for i in range(count)]
    tries = Counter(int(p.name.split("-")[0]) for p in runs.iterdir())
    assert set(tries) == set(range(count)) and tries[30] == 2
    # Only what the pool had handed out without seeing back runs twice: the chunk each
    # worker was running, and those in the pool's call queue (workers + 1), which a
    # worker may have taken and finished before the pool broke: a broken pool fails
    # every future whose result had not been read. Chunks that had come back are
    # kept, those not handed out yet run once.
    handed_out = workers + workers + EXTRA_QUEUED_CALLS
    assert sum(n == 2 for n in tries.values()) <= handed_out * size < count
    assert max(tries.values()) == 2


def test_a_writer_killed_mid_night_leaves_the_teams_synced(
    demo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A writer process dies (the OOM killer, say) before it writes: the teams it had
    not finished are written again, each in a process of its own."""
    one, two = tmp_path / "one", tmp_path / "two"
    shutil.copytree(demo.parent, one)
    shutil.copytree(demo.parent, two)
    write, once = ExcelBackend.write, Once(tmp_path)

    def dies_in_a_child(self: ExcelBackend, *args: Any, **kw: Any) -> None:
        if os.getpid() != PARENT and once():
            os._exit(3)
        write(self, *args, **kw)

    monkeypatch.setattr(ExcelBackend, "write", dies_in_a_child)
    a, b = run(one / demo.name, 1), run(two / demo.name, 2)
    assert once.flag.exists()
    assert [(r.team, r.outcome, r.changes, r.result) for r in a.runs] == [
        (r.team, r.outcome, r.changes, r.result) for r in b.runs
    ]
    assert Outcome.OK in {r.outcome for r in b.runs}
    assert folder_cells(one / "teams") == folder_cells(two / "teams")


def test_a_writer_killed_after_its_write_is_not_taken_for_a_conflict(
    demo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The worker dies after renaming the new file into place, before it says so: run
    again, the write finds the file already holding its cells, and the team is synced,
    not reported as changed by someone else."""
    one, two = tmp_path / "one", tmp_path / "two"
    shutil.copytree(demo.parent, one)
    shutil.copytree(demo.parent, two)
    write, once = ExcelBackend.write, Once(tmp_path)

    def dies_after_writing(self: ExcelBackend, *args: Any, **kw: Any) -> None:
        write(self, *args, **kw)
        if os.getpid() != PARENT and once():
            os._exit(3)

    monkeypatch.setattr(ExcelBackend, "write", dies_after_writing)
    a, b = run(one / demo.name, 1), run(two / demo.name, 2)
    assert once.flag.exists()
    assert [(r.team, r.outcome, r.changes, r.result) for r in a.runs] == [
        (r.team, r.outcome, r.changes, r.result) for r in b.runs
    ]
    assert folder_cells(one / "teams") == folder_cells(two / "teams")


def test_a_file_that_kills_its_reader_fails_alone(
    demo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file whose parse aborts the process (a native crash in a reader library) fails
    with its name and the signal; every other team is synced and the rollup published."""
    shutil.copytree(demo.parent, tmp_path / "ws")
    cfg = tmp_path / "ws" / demo.name
    poisoned = sorted((cfg.parent / "teams").glob("*.xlsx"))[1]
    parse = ExcelBackend.parse

    def aborts_on_the_poisoned_file(self: ExcelBackend, *args: Any, **kw: Any) -> Any:
        if self.path == poisoned and os.getpid() != PARENT:
            _abort()
        return parse(self, *args, **kw)

    monkeypatch.setattr(ExcelBackend, "parse", aborts_on_the_poisoned_file)
    result = run(cfg, 2)
    failed = [r for r in result.runs if r.outcome is Outcome.FAILED]
    assert [Path(r.source).name for r in failed] == [poisoned.name]
    assert failed[0].error == (
        f"{poisoned.name}: reading this file stopped its worker process (killed by SIGABRT); "
        "it was not written. If it happens again, please report it with the file"
    )
    assert {r.outcome for r in result.runs if r not in failed} == {Outcome.OK}
    assert result.rollup_rewritten and result.failed


def test_a_file_changed_before_the_reread_is_not_overwritten(
    demo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A writer dies; before its team is written again, someone saves the team's file."""
    shutil.copytree(demo.parent, tmp_path / "ws")
    cfg = tmp_path / "ws" / demo.name
    write, once = ExcelBackend.write, Once(tmp_path)

    def user_saves_then_child_dies(self: ExcelBackend, *args: Any, **kw: Any) -> None:
        if os.getpid() == PARENT or not once():
            return write(self, *args, **kw)
        os.utime(self.path, ns=(0, 10**18))
        os._exit(3)

    monkeypatch.setattr(ExcelBackend, "write", user_saves_then_child_dies)
    before = folder_cells(cfg.parent / "teams")
    runs = run(cfg, 2).runs
    conflicted = [r for r in runs if r.outcome is Outcome.CONFLICTED]
    assert len(conflicted) == 1 and "changed since it was read" in (conflicted[0].error or "")
    assert {r.outcome for r in runs if r not in conflicted} == {Outcome.OK}
    after = folder_cells(cfg.parent / "teams")
    tabs = [k for k in before if k.startswith(f"{Path(conflicted[0].source).name}!")]
    assert tabs and all(after[k] == before[k] for k in tabs)


def test_rollup_prepared_ahead_is_dropped_when_a_write_ends_otherwise(
    demo: Path, tmp_path: Path
) -> None:
    """The rollup is prepared while workers write, assuming every write goes through; a
    team found open in Excel at write time makes that guess wrong, so the workbook is
    prepared again and shows the team as skipped, and no temp file is left behind."""
    shutil.copytree(demo.parent, tmp_path / "ws")
    cfg = tmp_path / "ws" / demo.name
    team = sorted((cfg.parent / "teams").glob("*.xlsx"))[0]
    (team.parent / f"~${team.name}").write_bytes(b"\x05alice" + b" " * 160)
    result = run(cfg, 2)
    assert Outcome.SKIPPED_LOCKED in {r.outcome for r in result.runs}
    assert result.rollup_rewritten
    rows = folder_cells(cfg.parent)
    summary = next(v for k, v in rows.items() if k.endswith("company.xlsx!Summary"))
    assert any("skipped-locked" in row for row in summary)
    assert not [p.name for p in cfg.parent.iterdir() if p.name.endswith(".tmp")]


def test_a_killed_runs_staged_rollup_is_swept(demo: Path, tmp_path: Path) -> None:
    """A run killed between staging the rollup and renaming it leaves a temp file (and,
    killed while it spliced the rows in, the splice's ``.bulk`` file); the next run that
    stages one removes them once they are an hour old, and only then."""
    shutil.copytree(demo.parent, tmp_path / "ws")
    cfg = tmp_path / "ws" / demo.name
    old, fresh = (
        cfg.parent / ".company.xlsx.abc123_x.tmp",
        cfg.parent / ".company.xlsx.def456xy.tmp",
    )
    spliced = cfg.parent / ".company.xlsx.abc123_x.tmp.bulk"
    # a user's copies of like names: not mkstemp's, so never ours to delete
    users = [cfg.parent / f".company.xlsx.{n}" for n in ("before upgrade.tmp", "abc123_x.tmp.mine")]
    for leftover in (old, fresh, spliced, *users):
        leftover.write_bytes(b"half a workbook")
    two_hours_ago = time.time() - 7200
    for leftover in (old, spliced, *users):
        os.utime(leftover, (two_hours_ago, two_hours_ago))
    assert run(cfg, 2).rollup_rewritten
    assert not old.exists() and not spliced.exists() and fresh.exists()
    assert [u for u in users if not u.exists()] == []
