"""``python -m bench``: generate workspaces, run every scenario in fresh processes, report.

    .venv/bin/python -m bench                       # N = 50, 200, 500, 2000 (+ Google)
    .venv/bin/python -m bench --sizes 50,200        # chosen sizes
    .venv/bin/python -m bench --quick               # smoke run: N = 10, short Google part
    .venv/bin/python -m bench --repeat 1            # one round per size (default 3 at N <= 500)
    .venv/bin/python -m bench --sizes 20,50 --distinct-sizes 20,50 --distinct-naive 50

Each scenario runs in its own subprocess, so its peak RSS (the child's ru_maxrss) is its
own. Results: ``<out>/results.json`` and the Markdown report (``--report``).
"""

from __future__ import annotations

import argparse
import compileall
import datetime as dt
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.generate import AS_OF, Shape, generate_workspace
from bench.google import QUOTA_TEAMS
from bench.history import seed_history
from bench.texts import check_capacity

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SIZES = (50, 200, 500, 2000)
REPEAT_UP_TO = 500  # the targets' size; 2,000 runs once (its naive run takes minutes)
HISTORY_NIGHTS = 12  # the History tab's default keep_snapshots
# The distinct-text shape (every team's texts its own, bench/texts.py): a full sync at
# each of these sizes the run has (the memory target's 200 and 2,000, the time target's
# 500), naive at 500 alone, one round each: some 1.5 min on the 2-core box.
DISTINCT_SIZES = (200, 500, 2000)
DISTINCT_NAIVE = (500,)


def run_worker(args: list[str], timeout: float = 900.0) -> dict[str, Any]:
    """Run ``python -m bench.worker ARGS`` in a fresh process; wall time measured here."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    started = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "bench.worker", *args],
        check=False,
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=ROOT,
        env=env,
    )
    wall = time.perf_counter() - started
    if proc.returncode != 0:
        raise RuntimeError(f"bench.worker {' '.join(args)} failed:\n{proc.stderr[-3000:]}")
    out: dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])
    out["wall"] = wall
    return out


def precompile(root: Path = ROOT, packages: tuple[str, ...] = ("sheets_sync", "bench")) -> bool:
    """Compile the tree's modules to bytecode once, before the scenarios: with
    ``PYTHONDONTWRITEBYTECODE`` set (as on the shared bench box) no process writes its
    ``__pycache__``, so every scenario's process compiled each module it imported from
    source (~0.15-0.2 s of CPU at 500 teams, before the workers fork), which an installed
    package (pip compiles its modules) or a checkout after its first run never pays. Both
    sides' modules are compiled (``bench/naive.py`` too); Python reads the ``.pyc`` files
    whatever that variable says, and checks each against its source's mtime and size."""
    ok = True
    for package in packages:
        ok &= bool(compileall.compile_dir(root / package, quiet=1))
    return ok


def _counts(text: str, what: str) -> tuple[int, ...]:
    """A comma-separated list of counts, as argparse's ``type``: a count given twice is
    refused (it would be run and measured twice, into the same report rows), and so is a
    word that is no count, each as one usage line, not a traceback (decimal digits only:
    ``str.isdigit`` passes ``²``, which ``int`` refuses)."""
    parts = [s.strip() for s in text.split(",") if s.strip()]
    if bad := [s for s in parts if not s.isdecimal()]:
        raise argparse.ArgumentTypeError(f"{bad[0]!r} is not a number of {what}")
    counts = tuple(int(s) for s in parts)
    if twice := sorted({n for n in counts if counts.count(n) > 1}):
        raise argparse.ArgumentTypeError(f"{','.join(map(str, twice))} given twice")
    return counts


def size_list(text: str) -> tuple[int, ...]:
    """Team counts (``''`` for none: ``--distinct-sizes ''``)."""
    return _counts(text, "teams")


def worker_list(text: str) -> tuple[int, ...]:
    """Process counts for our sync (0: its default), at least one: with none, no run of
    ours would be measured and the report would have nothing to set naive against."""
    counts = _counts(text, "processes")
    if not counts:
        raise argparse.ArgumentTypeError("no process count given")
    return counts


def _median(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """The run with the median wall time, with every run's wall time beside it."""
    ordered = sorted(runs, key=lambda r: r["wall"])
    return {**ordered[(len(ordered) - 1) // 2], "walls": [r["wall"] for r in runs]}


def bench_size(
    n: int, work: Path, workers: tuple[int, ...], log: Any, repeat: int = 1
) -> dict[str, Any]:
    """Every scenario at ``n`` teams; with ``repeat`` > 1 they run in interleaved rounds
    (ours, naive, ours, naive...) on fresh copies and the median run of each is kept: on
    a shared VM a 10-second run and a 45-second one drift apart by 30 % otherwise."""
    base = work / f"n{n}" / "base"
    t0 = time.perf_counter()
    generate_workspace(base, n)
    row: dict[str, Any] = {"n": n, "generate_seconds": time.perf_counter() - t0}
    log(f"N={n}: generated in {row['generate_seconds']:.1f}s")
    row["floor"] = run_worker(["floor", str(base)])
    log(f"N={n}: floor {row['floor']['wall']:.2f}s")
    runs: dict[str, list[dict[str, Any]]] = {}
    for round_no in range(repeat):
        tag = f" (round {round_no + 1}/{repeat})" if repeat > 1 else ""
        for w in workers:
            ours = work / f"n{n}" / f"ours{w}"
            shutil.copytree(base, ours)
            suffix = "" if w == 0 else f"_w{w}"  # 0: the product's default, one per CPU
            full = run_worker(["ours", str(ours), "--workers", str(w)])
            log(f"N={n}: ours{suffix} full {full['wall']:.2f}s {full['outcomes']}{tag}")
            noop = run_worker(["ours", str(ours), "--workers", str(w)])
            log(f"N={n}: ours{suffix} no-op {noop['wall']:.2f}s {noop['outcomes']}{tag}")
            runs.setdefault(f"full{suffix}", []).append(full)
            runs.setdefault(f"noop{suffix}", []).append(noop)
            if w == 0:  # the steady state: the next night, with 12 nights of history
                rows = seed_history(ours, AS_OF, HISTORY_NIGHTS)
                night = run_worker(["ours", str(ours), "--days-later", "1"])
                night["history_rows"] = rows
                log(f"N={n}: ours night {night['wall']:.2f}s {night['outcomes']}{tag}")
                runs.setdefault("night", []).append(night)
            shutil.rmtree(ours)
        naive = work / f"n{n}" / "naive"
        shutil.copytree(base, naive)
        runs.setdefault("naive", []).append(run_worker(["naive", str(naive)]))
        log(f"N={n}: naive {runs['naive'][-1]['wall']:.2f}s{tag}")
        shutil.rmtree(naive)
    row.update({key: _median(found) for key, found in runs.items()})
    shutil.rmtree(work / f"n{n}")
    return row


def bench_distinct(
    sizes: tuple[int, ...], naive_at: tuple[int, ...], work: Path, log: Any
) -> dict[str, Any]:
    """The distinct-text shape: a full sync (and naive where ``naive_at`` says) at each
    size, one round, on a fresh copy. One workspace is generated and grown from size to
    size, ascending (a team's workbook depends on its number alone, so the first 200 teams
    of 2,000 are the 200-team workspace): 2,000 teams generated once, not 2,700. At each
    size the workspace holds exactly that size's teams, so each copy is all of it; what an
    interrupted run left in ``work/distinct`` (``--out``) is removed first."""
    shutil.rmtree(work / "distinct", ignore_errors=True)
    base = work / "distinct" / "base"
    shape = Shape(distinct_texts=True)
    rows: list[dict[str, Any]] = []
    made = 0
    for n in sorted(sizes):
        t0 = time.perf_counter()
        generate_workspace(base, n, shape, first=made)
        made = max(made, n)
        row: dict[str, Any] = {"n": n, "generate_seconds": time.perf_counter() - t0}
        scenarios = [("full", ["ours", "--workers", "0"])]
        if n in naive_at:
            scenarios.append(("naive", ["naive"]))
        for key, (scenario, *rest) in scenarios:
            run = work / "distinct" / key
            shutil.copytree(base, run)
            row[key] = run_worker([scenario, str(run), *rest])
            outcomes = row[key].get("outcomes", "")
            log(f"N={n} distinct texts: {key} {row[key]['wall']:.2f}s {outcomes}")
            shutil.rmtree(run)
        rows.append(row)
    shutil.rmtree(work / "distinct", ignore_errors=True)
    return {"sizes": rows}


def machine() -> dict[str, Any]:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        mem_kb = next(
            int(line.split()[1])
            for line in Path("/proc/meminfo").read_text().splitlines()
            if line.startswith("MemTotal")
        )
    except (OSError, StopIteration):
        mem_kb = 0
    load = os.getloadavg() if hasattr(os, "getloadavg") else (0.0, 0.0, 0.0)
    return {
        "nproc": os.cpu_count(),
        "cpu": cpu,
        "ram_gib": round(mem_kb / 2**20, 1),
        "python": sys.version.split()[0],
        "loadavg_at_start": [round(x, 2) for x in load],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench", description=__doc__.split("\n")[0], allow_abbrev=False
    )
    parser.add_argument(
        "--sizes", type=size_list, help="comma-separated team counts (default 50,200,500,2000)"
    )
    parser.add_argument("--quick", action="store_true", help="smoke run: N=10, short Google part")
    parser.add_argument("--out", type=Path, help="work folder (default: a temp folder)")
    parser.add_argument("--report", type=Path, default=ROOT / "BENCHMARKS.md",
                        help="Markdown report to write ('-' for none)")  # fmt: skip
    parser.add_argument("--workers", type=worker_list, default="0,1",
                        help="process counts for our sync; 0 = default (one per CPU)")  # fmt: skip
    parser.add_argument("--google-teams", type=int, default=None,
                        help="teams for the emulator request count (0 skips Google)")  # fmt: skip
    parser.add_argument("--quota-teams", type=int, default=None,
                        help="changed teams synced under quotas of 10 reads and 10 "
                        "writes a 10 s window (Google's rate, time scaled)")  # fmt: skip
    parser.add_argument("--baseline", type=Path, help="earlier results.json to show as 'before'")
    parser.add_argument("--repeat", type=int, default=None,
                        help="interleaved rounds at N <= 500, median kept (default 3; "
                        "1 with --quick)")  # fmt: skip
    parser.add_argument("--distinct-sizes", type=size_list,
                        help="team counts for the distinct-text shape's full sync (default: "
                        "the run's sizes among 200,500,2000; with --quick, the quick size; "
                        "'' for none)")  # fmt: skip
    parser.add_argument("--distinct-naive", type=size_list,
                        help="of those, where naive runs too (default 500 if among them; "
                        "with --quick, the quick size)")  # fmt: skip
    args = parser.parse_args(argv)
    run_sizes = args.sizes or ((10,) if args.quick else DEFAULT_SIZES)
    workers: tuple[int, ...] = args.workers
    distinct_sizes = (
        args.distinct_sizes
        if args.distinct_sizes is not None
        else tuple(n for n in run_sizes if args.quick or n in DISTINCT_SIZES)
    )
    distinct_naive = (
        args.distinct_naive
        if args.distinct_naive is not None
        else tuple(n for n in (run_sizes if args.quick else DISTINCT_NAIVE) if n in distinct_sizes)
    )
    if unknown := [n for n in distinct_naive if n not in distinct_sizes]:
        parser.error(
            f"--distinct-naive {','.join(map(str, unknown))}: not among the distinct shape's "
            f"sizes ({','.join(map(str, distinct_sizes)) or 'none'}; --distinct-sizes)"
        )
    try:  # before any run: the distinct shape's texts repeat past its capacity
        check_capacity(max(distinct_sizes, default=0))
    except ValueError as e:
        parser.error(str(e))
    google_teams = args.google_teams if args.google_teams is not None else (3 if args.quick else 20)
    repeat = max(1, args.repeat if args.repeat is not None else (1 if args.quick else 3))
    quota_teams = (
        args.quota_teams if args.quota_teams is not None else (0 if args.quick else QUOTA_TEAMS)
    )
    work = args.out or Path(tempfile.mkdtemp(prefix="sheets-sync-bench-"))
    work.mkdir(parents=True, exist_ok=True)

    def log(msg: str) -> None:
        print(f"[bench {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)

    results: dict[str, Any] = {
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "command": " ".join([Path(sys.executable).name, "-m", "bench", *(argv or sys.argv[1:])]),
        "machine": machine(),
        "repeat": {"rounds": repeat, "up_to": REPEAT_UP_TO},
        "sizes": [],
    }
    results["precompiled"] = precompile()
    started = time.perf_counter()
    for n in run_sizes:
        rounds = repeat if n <= REPEAT_UP_TO else 1
        results["sizes"].append(bench_size(n, work, workers, log, rounds))
    if distinct_sizes:
        results["distinct"] = bench_distinct(distinct_sizes, distinct_naive, work, log)
    if google_teams > 0:
        from bench.google import bench_google

        results["google"] = bench_google(work / "google", google_teams, quota_teams, log)
    results["total_seconds"] = time.perf_counter() - started
    (work / "results.json").write_text(json.dumps(results, indent=2), encoding="utf-8")
    log(f"results: {work / 'results.json'}")
    if str(args.report) != "-":
        from bench.report import write_report

        baseline = json.loads(args.baseline.read_text()) if args.baseline else None
        write_report(results, args.report, baseline)
        log(f"report: {args.report}")
    from bench.report import summary_table

    print(summary_table(results))
    return 0
