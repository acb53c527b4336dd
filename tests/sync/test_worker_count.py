"""How many worker processes a night forks: one per CPU this process may use, none while
another thread runs in it or a Google team or an injected backend is in the night."""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import pytest

from sheets_sync.backends.base import Backend
from sheets_sync.backends.factory import open_backend
from sheets_sync.config import TeamSpec, Workspace, load_workspace
from sheets_sync.sync import cgroup_quota, engine, workers
from sheets_sync.sync.engine import Sync, SyncOptions, SyncResult
from sheets_sync.sync.parallel import map_in_workers
from sheets_sync.sync.ticker import Ticker
from sheets_sync.sync.workers import worker_count
from sheets_sync.workspace.demo import create_demo
from tests.support.scripts import HANG

AS_OF = dt.date(2026, 11, 23)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return create_demo(tmp_path_factory.mktemp("demo") / "ws")


def run(cfg: Path, workers: int) -> SyncResult:
    return Sync(load_workspace(cfg)).run(SyncOptions(as_of=AS_OF, workers=workers))


def test_default_is_one_process_per_cpu_with_enough_teams() -> None:
    assert worker_count(3, None) == 1  # a handful of teams: not worth a fork
    assert worker_count(10_000, None) == min(workers.available_cpus(), 8)
    assert worker_count(5, 0) == 1


def test_workers_asked_for_are_capped_at_the_cpus(monkeypatch: pytest.MonkeyPatch) -> None:
    """``--workers 64`` on a 2-CPU box forked 64 processes; fewer teams than CPUs, fewer."""
    monkeypatch.setattr(workers, "available_cpus", lambda: 2)
    assert worker_count(100, 64) == worker_count(100, 2) == 2
    assert worker_count(100, 1) == 1 and worker_count(1, 64) == 1
    monkeypatch.setattr(workers, "available_cpus", lambda: 16)
    assert worker_count(5, 16) == 5 and worker_count(100, 16) == 16


def test_a_run_asking_too_many_workers_says_so_once_and_forks_per_cpu(
    demo: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(workers, "available_cpus", lambda: 2)
    forks: list[int] = []

    def counted(task: Any, count: int, workers: int, *rest: Any) -> Any:
        forks.append(workers)
        return map_in_workers(task, count, workers, *rest)

    monkeypatch.setattr(engine, "map_in_workers", counted)
    shutil.copytree(demo.parent, tmp_path / "ws")
    caplog.set_level(logging.WARNING, "sheets_sync.sync")
    result = run(tmp_path / "ws" / "sheets-sync.yaml", 64)
    assert len(result.runs) > 2 and forks and set(forks) == {2}
    assert [r.getMessage() for r in caplog.records if "CPU" in r.getMessage()] == [
        "64 workers asked for, but this process may use 2 CPUs: using 2"
    ]
    caplog.clear()
    run(tmp_path / "ws" / "sheets-sync.yaml", 2)  # as many as the CPUs: nothing to say
    assert not [r for r in caplog.records if "CPU" in r.getMessage()]


def test_no_worker_is_forked_while_another_thread_runs(
    eight_cpus: None, demo: Path, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A library caller's threaded app: a fork copies the other threads' locks held,
    and the worker can hang on one for good (Python 3.12+ warns of it). Such a process
    syncs its teams itself; the progress bar's own ticker stops across forks, so it does
    not count. No test here leaves a thread behind (the emulator's stops with its
    folder's tests), or every sync in this file would stay in one process."""
    assert threading.active_count() == 1, threading.enumerate()
    monkeypatch.setattr(workers, "_said_no_fork", [])  # said once a process: not yet here
    sync = Sync(load_workspace(demo))
    specs = sync.selected([])
    with Ticker(lambda: None):
        assert worker_count(100, 2) == 2
    caplog.set_level(logging.INFO, "sheets_sync.sync")
    release = threading.Event()
    other = threading.Thread(target=release.wait, name="web-server")
    other.start()
    try:
        assert worker_count(100, 2) == worker_count(100, None) == 1
        assert sync.processes(specs, SyncOptions(workers=4)) == 1
    finally:
        release.set()
        other.join()
    assert [(r.levelname, r.getMessage()) for r in caplog.records] == [
        (
            "WARNING",  # workers were asked for (``--workers``, ``workers=``)
            "other threads run in this process (web-server): local teams are synced in it, "
            "without worker processes (a fork would copy those threads' locks held)",
        )
    ]
    assert sync.processes(specs, SyncOptions(workers=4)) == 4


def test_no_fork_is_said_once_a_process(
    caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Said once for each set of thread names: a server naming its threads per request
    logged it on every run, and its cache grew without bound."""
    monkeypatch.setattr(workers, "_said_no_fork", [], raising=False)
    caplog.set_level(logging.INFO, "sheets_sync.sync")
    for name in ("request-1", "request-2"):
        release = threading.Event()
        other = threading.Thread(target=release.wait, name=name)
        other.start()
        try:
            assert worker_count(100, None) == worker_count(100, None) == 1
        finally:
            release.set()
            other.join()
    assert [(r.levelname, r.getMessage()) for r in caplog.records] == [
        (
            "INFO",  # by default: nothing asked for is refused
            "other threads run in this process (request-1): local teams are synced in it, "
            "without worker processes (a fork would copy those threads' locks held)",
        )
    ]


_FOREIGN_THREAD = """
import _thread, json, threading, time
from sheets_sync.sync import workers
from sheets_sync.sync.workers import worker_count

workers.available_cpus = lambda: 8  # two workers on any box

release, ended = threading.Event(), threading.Event()

def foreign():  # as a C library's thread calling into Python: a ``_DummyThread``
    threading.current_thread()
    release.wait()
    ended.set()

_thread.start_new_thread(foreign, ())
while threading.active_count() < 2:
    time.sleep(0.001)
during = worker_count(100, 2)
release.set()
ended.wait()
deadline = time.monotonic() + 30  # a bug's wait (it stayed listed for good), not a load's
while worker_count(100, 2) == 1 and time.monotonic() < deadline:  # its OS thread ends
    time.sleep(0.01)
print(json.dumps({"during": during, "after": worker_count(100, 2)}))
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="/proc/self/task")
def test_a_foreign_thread_counts_while_it_runs() -> None:
    """A ``_DummyThread`` says it is alive for good: one that had ended kept every later
    sync of the process from forking."""
    done = subprocess.run(  # a process of its own: the ``_DummyThread`` stays listed
        [sys.executable, "-c", _FOREIGN_THREAD],
        capture_output=True,
        text=True,
        timeout=HANG,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == {"during": 1, "after": 2}


def test_an_injected_backend_factory_stays_in_process(eight_cpus: None, demo: Path) -> None:
    def injected(spec: TeamSpec, ws: Workspace) -> Backend:  # a test's own backend factory
        return open_backend(spec, ws)

    sync = Sync(load_workspace(demo), factory=injected)
    specs = sync.selected([])
    assert sync.processes(specs, SyncOptions(workers=4)) == 1
    assert Sync(load_workspace(demo)).processes(specs, SyncOptions(workers=4)) == 4


def test_a_workspace_with_a_google_team_stays_in_process(
    eight_cpus: None, demo: Path, tmp_path: Path
) -> None:
    """Forks and the Google threads do not mix: one Google team keeps the local ones in
    the main process too, `--workers` or not (docs/operations.md, Worker processes)."""
    shutil.copytree(demo.parent, tmp_path / "ws")
    cfg = tmp_path / "ws" / "sheets-sync.yaml"
    text = cfg.read_text(encoding="utf-8").replace(
        "teams:\n", 'teams:\n  - {name: Ads, source: "gsheet:1AbC-ads-sheet-key"}\n', 1
    )
    cfg.write_text(text, encoding="utf-8")
    sync = Sync(load_workspace(cfg))
    specs = sync.selected([])
    assert sum(s.is_google for s in specs) == 1 and len(specs) == 7
    assert sync.processes(specs, SyncOptions(workers=4)) == 1
    assert sync.processes([s for s in specs if not s.is_google], SyncOptions(workers=4)) == 4


@pytest.mark.parametrize(
    ("cpu_max", "v1", "cpus"),
    [
        ("200000 100000\n", None, 2),  # docker --cpus=2
        ("150000 100000\n", None, 2),  # --cpus=1.5: a second CPU's part still helps
        ("50000 100000\n", None, 1),
        ("max 100000\n", ("150000", "100000"), 8),  # v2 says no quota: v1 is not asked
        (None, ("300000\n", "100000\n"), 3),  # cgroup v1
        (None, ("-1\n", "100000\n"), 8),  # v1: no quota
        ("", ("garbled", "100000"), 8),  # unreadable: ignored
        (None, None, 8),  # no cgroup files: not a container
        ("1000000 100000\n", None, 8),  # a quota above the CPUs
    ],
)
def test_a_containers_cpu_quota_caps_the_cpus(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    cpu_max: str | None,
    v1: tuple[str, str] | None,
    cpus: int,
) -> None:
    """``docker --cpus=2`` or Kubernetes ``limits.cpu: 2`` on a 64-CPU node left all 64 in
    the affinity: the default and ``--workers`` forked a worker per node CPU, each getting
    a slice of two CPUs' time."""
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: set(range(8)), raising=False)
    monkeypatch.setattr(os, "cpu_count", lambda: 8)
    monkeypatch.setattr(cgroup_quota, "CPU_MAX", tmp_path / "cpu.max")
    monkeypatch.setattr(cgroup_quota, "V1_CPU", tmp_path / "cpu")
    if cpu_max is not None:
        (tmp_path / "cpu.max").write_text(cpu_max, encoding="ascii")
    if v1 is not None:
        (tmp_path / "cpu").mkdir()
        (tmp_path / "cpu" / "cpu.cfs_quota_us").write_text(v1[0], encoding="ascii")
        (tmp_path / "cpu" / "cpu.cfs_period_us").write_text(v1[1], encoding="ascii")
    assert workers.available_cpus() == cpus
    assert worker_count(10_000, None) == worker_count(100, 64) == cpus
