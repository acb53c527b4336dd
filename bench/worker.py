"""One scenario in a fresh process: ``python -m bench.worker SCENARIO ROOT [--json-out F]``.

Prints one JSON object: wall seconds of the work (imports included, as a user waits for
them), per-phase seconds, outcome counts and this process's own peak RSS (ru_maxrss).
"""

from __future__ import annotations

import argparse
import functools
import json
import resource
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

STARTED = time.perf_counter()


def _timed(
    owner: Any,
    name: str,
    phases: dict[str, float],
    key: str,
    cpu_keys: tuple[str, str] | None = None,
) -> None:
    """Add each call's wall time to ``phases[key]`` and, with ``cpu_keys`` (thread,
    process), its CPU time: the calling thread's, and this process's over the call. A
    phase that overlaps the worker processes waits for a core, and its wall time alone
    cannot tell that from more work; the thread's misses the threads the call starts (the
    rollup's ``bulk-deflate``), the process's counts them, and whatever else this process
    ran meanwhile (the worker processes are others: not counted)."""
    original = getattr(owner, name, None)
    if original is None:
        return

    @functools.wraps(original)
    def wrapper(*args: Any, **kw: Any) -> Any:
        t0, c0, p0 = time.perf_counter(), time.thread_time(), time.process_time()
        try:
            return original(*args, **kw)
        finally:
            phases[key] = phases.get(key, 0.0) + time.perf_counter() - t0
            if cpu_keys is not None:
                thread, process = cpu_keys
                phases[thread] = phases.get(thread, 0.0) + time.thread_time() - c0
                phases[process] = phases.get(process, 0.0) + time.process_time() - p0

    setattr(owner, name, wrapper)


def run_ours(root: Path, workers: int = 0, days_later: int = 0) -> dict[str, Any]:
    """Our sync on the bench's as-of date, or ``days_later`` (a later night: the pace
    moves, so every team has cells to write)."""
    import datetime as dt

    from rich.console import Console

    from bench.generate import AS_OF
    from sheets_sync.backends.excel.backend import ExcelBackend
    from sheets_sync.config import load_workspace
    from sheets_sync.sync import engine
    from sheets_sync.sync.engine import Sync, SyncOptions
    from sheets_sync.sync.run import run_sync

    phases: dict[str, float] = {}
    _timed(Sync, "read_all", phases, "read")
    # A cache hit's own read (hash the file, load its last parse), without the scoring
    # and planning ``read_all`` now does for it as it is loaded: a quiet night's reading.
    _timed(engine, "cached_read", phases, "read_files")
    _timed(ExcelBackend, "write", phases, "write")
    # The rollup is prepared while workers write (when there are workers), then published:
    # both halves count as "rollup", so with workers it overlaps the write phase and its
    # wall time includes waiting for a core the writers hold; "rollup_cpu" is the CPU time
    # of the thread that runs it, "rollup_process_cpu" this process's over it (with the
    # bulk-deflate thread), so wall minus that is the rest: run-queue wait and I/O.
    for name in ("prepare_rollup", "publish_rollup"):
        _timed(Sync, name, phases, "rollup", ("rollup_cpu", "rollup_process_cpu"))
    t0 = time.perf_counter()
    ws = load_workspace(root / "sheets-sync.yaml")
    phases["config"] = time.perf_counter() - t0
    as_of = AS_OF + dt.timedelta(days=days_later)
    options = SyncOptions(as_of=as_of, workers=workers or None)  # 0: the default, one per CPU
    result = run_sync(ws, options, console=Console(stderr=True, force_terminal=False))
    outcomes = Counter(r.outcome.value for r in result.runs)
    errors = [r.error for r in result.runs if r.error][:3]
    return {"phases": phases, "outcomes": dict(outcomes), "errors": errors}


def run_naive_scenario(root: Path) -> dict[str, Any]:
    from bench.generate import AS_OF, PERIOD_END, PERIOD_START
    from bench.naive import run_naive

    phases = run_naive(root / "teams", root / "company-naive.xlsx", AS_OF, PERIOD_START,
                       PERIOD_END)  # fmt: skip
    return {"phases": phases}


def run_floor_scenario(root: Path) -> dict[str, Any]:
    from bench.floor import run_floor

    return {"phases": run_floor(root / "teams")}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.worker", allow_abbrev=False)
    parser.add_argument("scenario", choices=["ours", "naive", "floor"])
    parser.add_argument("root", type=Path)
    parser.add_argument("--workers", type=int, default=0, help="0: one per CPU (the default)")
    parser.add_argument("--days-later", type=int, default=0, help="sync this many days later")
    args = parser.parse_args(argv)
    t0 = time.perf_counter()
    if args.scenario == "ours":
        out = run_ours(args.root, args.workers, args.days_later)
    elif args.scenario == "naive":
        out = run_naive_scenario(args.root)
    else:
        out = run_floor_scenario(args.root)
    now = time.perf_counter()
    out["seconds"] = now - STARTED  # from interpreter start of this module, imports included
    out["work_seconds"] = now - t0
    out["rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    # Worker processes (forked per phase): the largest one's peak, reported beside ours.
    out["rss_children_mb"] = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    json.dump(out, sys.stdout)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
