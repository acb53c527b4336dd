"""The benchmark harness runs end to end on a tiny workspace (timings are not asserted:
benchmarks are measured by `make bench`, never by the test suite)."""

from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import Any

import pytest

import bench.cli as bench_cli_module
import bench.google as bench_google_module
from bench.cli import main
from bench.google import (
    QUOTA_PER_WINDOW,
    QUOTA_TEAMS,
    QUOTA_WINDOW_S,
    projection,
    quota_seconds,
)
from bench.report import _rounds as rounds_note
from bench.report import distinct_table, night_table, summary_table, targets


@pytest.mark.slow
def test_harness_runs_every_scenario_and_reports(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    report = tmp_path / "BENCHMARKS.md"
    # The Google rollup's plan at 50 and 500 teams only: the same code at 200 and 2,000
    # teams cut and sized (json.dumps) some 240 MB more, three quarters of this test's
    # time, and the report shows the plan at 500 alone (the projection takes any sizes).
    monkeypatch.setattr(bench_google_module, "PROJECT_N", (50, 500))
    # Compiling the tree is tested on its own (tmp_path); here it would write ~200 .pyc
    # files into the checkout and spend ~1.7 s of CPU on every run of the suite.
    monkeypatch.setattr(bench_cli_module, "precompile", lambda: True)
    # One round: a second real round ran the same six subprocesses again (a third of the
    # suite's longest test); the rounds themselves are tested below, with the workers faked.
    args = ["--sizes", "4", "--workers", "0,1", "--google-teams", "2", "--quota-teams", "0"]
    args += ["--repeat", "1"]
    # The distinct-text shape through the real workers too (a full sync and naive, 4 teams).
    args += ["--distinct-sizes", "4", "--distinct-naive", "4"]
    code = main([*args, "--out", str(tmp_path / "work"), "--report", str(report)])
    assert code == 0
    results = json.loads((tmp_path / "work" / "results.json").read_text())
    (row,) = results["sizes"]
    assert row["full"]["outcomes"] == {"ok": 4} and row["noop"]["outcomes"] == {"unchanged": 4}
    assert row["full_w1"]["outcomes"] == {"ok": 4}
    # the steady-state night: the next day, every team written, 12 nights of 35 rows a team
    assert row["night"]["outcomes"] == {"ok": 4} and row["night"]["history_rows"] == 12 * 4 * 35
    assert "night_w1" not in row  # the default workers only
    assert row["naive"]["wall"] > 0 and row["floor"]["phases"]["cells"] > 0
    assert len(row["full"]["walls"]) == 1 and row["full"]["wall"] == row["full"]["walls"][0]
    assert results["google"]["per_team_changed"] == 2.0
    assert results["google"]["per_team_unchanged"] == 1.0
    # the version checks (Drive's quota), apart: before each read, and before each write
    assert results["google"]["drive_per_team_changed"] == 2.0
    assert results["google"]["drive_per_team_unchanged"] == 1.0
    assert results["google"]["rollup_bytes"] > 10_000  # the one rollup batchUpdate's body
    text = report.read_text()
    assert "| 4 |" in summary_table(results) and "## Targets" in text
    assert results["precompiled"] and "compiled once before the scenarios" in text
    assert "## A night in the steady state (12 nights of history)" in text
    assert "| 4 | " in night_table(results) and "| 1,680 |" in night_table(results)
    assert "every scenario ran" not in text  # one round: no word of rounds (_rounds)
    assert "one request of 8 MiB holds about" in text
    assert "At 500 teams: " in text and "staging batches of" in text
    assert sorted(results["google"]["rollup_plans"]) == ["50", "500"]
    assert [n for n, _, _ in results["google"]["projection"]] == [50, 500]
    plan = results["google"]["rollup_plans"]["500"]  # staged, each batch within 8 MiB
    assert len(plan) > 2 and max(plan) <= 8 * 1_048_576 and plan[-1] < 10_000
    assert "N=500 not in this run" in targets(results)
    (distinct,) = results["distinct"]["sizes"]
    assert distinct["n"] == 4 and distinct["full"]["outcomes"] == {"ok": 4}
    assert distinct["full"]["rss_mb"] > 0 and distinct["naive"]["wall"] > 0
    assert "## Distinct texts: every team's own" in text and "\n| 4 | " in distinct_table(results)
    assert not (tmp_path / "work" / "distinct").exists()


def test_rounds_interleave_every_scenario_on_fresh_copies_and_keep_the_median(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``--repeat`` runs every scenario once a round, in order (ours full, no-op and night,
    ours with one worker, naive), each round on fresh copies of the generated workspace,
    and keeps each scenario's median run with every round's wall time. The workers are
    faked: the harness test above runs them for real."""
    import bench.cli as bench_cli

    calls: list[tuple[str, ...]] = []
    walls = iter(float(w) for w in range(100, 0, -1))  # each call faster than the last

    def fake_worker(args: list[str], timeout: float = 900.0) -> dict[str, Any]:
        root = Path(args[1])
        if args[0] != "floor":  # a fresh copy of its own, then reused by the same scenario
            assert root.name in ("ours0", "ours1", "naive") and root.parent.name == "n4"
            first_on_it = not calls or calls[-1][1] != root.name
            assert (root / "ran-here").exists() is not first_on_it
            (root / "ran-here").write_text("x")
        calls.append((args[0], root.name, *args[2:]))
        return {"wall": next(walls), "outcomes": {"ok": 4}}

    monkeypatch.setattr(bench_cli, "run_worker", fake_worker)
    monkeypatch.setattr(bench_cli, "seed_history", lambda root, as_of, nights: 7)
    row = bench_cli.bench_size(4, tmp_path, (0, 1), lambda msg: None, repeat=3)
    one_round = [
        ("ours", "ours0", "--workers", "0"),
        ("ours", "ours0", "--workers", "0"),
        ("ours", "ours0", "--days-later", "1"),
        ("ours", "ours1", "--workers", "1"),
        ("ours", "ours1", "--workers", "1"),
        ("naive", "naive"),
    ]
    assert calls == [("floor", "base"), *one_round * 3]
    assert not (tmp_path / "n4").exists()  # the copies and the base are removed
    # each scenario's walls in round order; the median run is kept (ties: the lower)
    assert row["full"]["walls"] == [99.0, 93.0, 87.0] and row["full"]["wall"] == 93.0
    assert row["noop"]["walls"] == [98.0, 92.0, 86.0] and row["noop"]["wall"] == 92.0
    assert row["night"]["walls"] == [97.0, 91.0, 85.0] and row["night"]["history_rows"] == 7
    assert row["full_w1"]["walls"] == [96.0, 90.0, 84.0]
    assert row["noop_w1"]["wall"] == 89.0 and row["naive"]["wall"] == 88.0
    calls.clear()
    row = bench_cli.bench_size(4, tmp_path, (0,), lambda msg: None, repeat=2)
    assert len(calls) == 1 + 4 * 2  # floor, then full, no-op, night and naive twice
    assert row["full"]["wall"] == min(row["full"]["walls"])  # the median of two: the faster
    text = rounds_note({"repeat": {"rounds": 2, "up_to": 500}})
    assert "every scenario ran 2 times in interleaved rounds" in text


def test_rounds_are_also_compared_pair_by_pair() -> None:
    row: dict[str, Any] = {
        "n": 500,
        "full": {"wall": 2.0, "walls": [2.0, 3.0, 1.0]},
        "noop": {"wall": 0.5, "phases": {"read": 0.3}},
        "naive": {"wall": 10.0, "walls": [10.0, 10.0, 10.0]},
        "floor": {"wall": 1.0, "work_seconds": 0.2},
    }
    row["naive"]["walls"] = [10.0, 20.0, 10.0]  # a slow second round
    text = targets({"sizes": [row]})
    # round by round 0.2, 0.15, 0.1: the median pair, not median run against median run
    assert "- full sync / naive at 500: 0.150x (target <= 0.25x): **met**" in text
    assert "round by round: 0.200x, 0.150x, 0.100x (median run against median run: 0.200x)" in text
    assert "- quiet-night reads / the floor's read at 500: 1.50x (not a target" in text
    # a cache hit's own read, where measured: read_all also scores and plans the hits
    row["noop"]["phases"]["read_files"] = 0.1
    assert "- quiet-night reads / the floor's read at 500: 0.50x" in targets({"sizes": [row]})
    sizes = [
        {"n": n, "full": {"rss_mb": full}, "noop": {"rss_mb": noop}, "night": {"rss_mb": night}}
        for n, full, noop, night in ((200, 180.0, 50.0, 200.0), (2000, 261.0, 60.0, 290.0))
    ]
    text = targets({"sizes": sizes})
    assert "- peak RSS full sync 2000 / 200: 1.450x (target <= 1.5x): **met**" in text
    assert "- peak RSS of the no-op re-sync 2000 / 200: 1.200x" in text
    assert "- peak RSS of the steady night (12 nights of history) 2000 / 200: 1.450x" in text


def test_the_projection_lets_each_quotas_first_minute_through() -> None:
    """Each quota's first 60 requests pass at once (the window starts empty), then 60 a
    minute; the busier quota sets the pace and the rollup's batches are writes. It was
    max(reads, writes) * N + rollup requests: about a minute high at every N."""
    changed = {"read": 1.0, "write": 1.0}
    unchanged = {"read": 1.0, "write": 0.0}
    rollup = {50: 1, 200: 3, 500: 7, 2000: 25}
    rows = projection(changed, unchanged, rollup)
    assert rows == [
        (50, 0.0, 0.0),  # 51 reads and 51 writes fit the first minute
        (200, 60.0 * 143 / 60, 60.0 * 141 / 60),  # 203 writes: 143 past the first 60
        (500, 60.0 * 447 / 60, 60.0 * 441 / 60),
        (2000, 60.0 * 1965 / 60, 60.0 * 1941 / 60),
    ]
    assert quota_seconds(40, 40, 10, 10.0) == 30.0  # the bench's quota run, time scaled
    assert quota_seconds(40, 40) == 0.0  # at Google's 60 a minute it measured no quota at all


def test_the_default_quota_run_passes_the_first_minute_of_its_quota() -> None:
    """A changed team is a read and a write: the default run must ask more of each quota
    than its first minute lets through, or it measures no quota (40 teams at 60 did not)."""
    assert quota_seconds(QUOTA_TEAMS, QUOTA_TEAMS, QUOTA_PER_WINDOW, QUOTA_WINDOW_S) >= (
        2 * QUOTA_WINDOW_S
    )


def test_the_rollup_phase_has_its_cpu_time_beside_its_wall_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``run_ours`` records the rollup phase's CPU time beside its wall time: the calling
    thread's (``rollup_cpu``) and the process's (``rollup_process_cpu``), which counts the
    rollup's ``bulk-deflate`` thread too. One worker (no worker processes, so nothing
    overlaps here), with every rollup sheet deflated on that thread."""
    import sheets_sync.rollup.bulk as bulk
    from bench.generate import generate_workspace
    from bench.worker import run_ours

    monkeypatch.setattr(bulk, "BACKGROUND_CELLS", 1)
    monkeypatch.setattr(bulk, "available_cpus", lambda: 2)
    started = {t.name for t in threading.enumerate()}
    seen: list[str] = []
    real_start = threading.Thread.start

    def start(thread: threading.Thread) -> None:
        seen.append(thread.name)
        real_start(thread)

    monkeypatch.setattr(threading.Thread, "start", start)
    generate_workspace(tmp_path, 3)
    phases = run_ours(tmp_path, workers=1)["phases"]
    assert "bulk-deflate" in seen and "bulk-deflate" not in started
    assert 0 < phases["rollup_cpu"] <= phases["rollup"] * 1.05 + 0.01  # clock granularity
    # the process's CPU holds the thread's, and the deflate thread's besides
    assert phases["rollup_process_cpu"] > phases["rollup_cpu"]


@pytest.mark.slow
def test_rss_runs_a_full_and_a_quiet_night_a_round(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from bench.rss import main as rss_main

    assert rss_main(["--sizes", "3", "--rounds", "1", "--keep", str(tmp_path)]) == 0
    row = capsys.readouterr().out.splitlines()[-1]
    n, full, quiet, median = (cell.strip() for cell in row.strip("|").split("|"))
    assert n == "3" and float(full) > 0 and float(quiet) == float(median) > 0
    assert (tmp_path / "n3" / "base" / "sheets-sync.yaml").is_file()  # kept for the next
    assert not (tmp_path / "n3" / "run").exists()


def test_precompile_writes_bytecode_even_when_the_environment_forbids_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The bench box sets PYTHONDONTWRITEBYTECODE: each scenario's process compiled the
    whole tree from source at its start, a cost no installed copy pays (bench/cli.py)."""
    from bench.cli import precompile

    monkeypatch.setattr("sys.dont_write_bytecode", True)
    package = tmp_path / "pkg"
    (package / "sub").mkdir(parents=True)
    (package / "__init__.py").write_text("X = 1\n")
    (package / "sub" / "mod.py").write_text("Y = 2\n")
    assert precompile(tmp_path, ("pkg",))
    assert len(list(package.rglob("__pycache__/*.pyc"))) == 2
