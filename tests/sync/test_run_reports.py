"""Run reports in ``.sheets-sync/runs/``: every run keeps its own, and the folder keeps the
newest ``run_reports.keep`` of them (a nightly job grew it forever)."""

from __future__ import annotations

import datetime as dt
import io
import json
import logging
import os
import signal
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console

from sheets_sync.config import load_workspace
from sheets_sync.errors import ConfigError, Interrupted
from sheets_sync.sync.engine import SyncOptions
from sheets_sync.sync.outcome import Outcome
from sheets_sync.sync.report import prune_run_reports, report_kind
from sheets_sync.sync.run import rebuild_rollup, run_sync
from tests.cli.test_stopped_late import stop_handler  # noqa: F401

OPTIONS = SyncOptions(as_of=dt.date(2026, 11, 23), rollup=False)
OLD = [f"202611{d:02}T023000Z.json" for d in range(10, 15)]  # five nights before
OTHERS = ["notes.txt", "latest.json", ".20261101T023000Z.json.abc.tmp"]


def _runs(cfg: Path, keep: str | None, names: list[str]) -> Path:
    if keep is not None:
        with open(cfg, "a", encoding="utf-8") as fh:
            fh.write(f"run_reports: {{keep: {keep}}}\n")
    runs = cfg.parent / ".sheets-sync" / "runs"
    runs.mkdir(parents=True)
    for name in [*names, *OTHERS]:
        (runs / name).write_text("{}", encoding="utf-8")
    return runs


def _sync(cfg: Path) -> str:
    """Tonight's run; the name of its report."""
    result = run_sync(load_workspace(cfg), OPTIONS, console=Console(file=io.StringIO()))
    assert [r.outcome for r in result.runs] == [Outcome.OK] and result.report_error is None
    stamp = result.context.generated_at.strftime("%Y%m%dT%H%M%SZ")
    return f"{stamp}.json"


def _left(runs: Path) -> list[str]:
    return sorted(p.name for p in runs.iterdir() if p.name not in OTHERS)


def test_the_newest_reports_are_kept_tonights_among_them(workspace: Path) -> None:
    runs = _runs(workspace, "3", OLD)
    tonight = _sync(workspace)
    assert _left(runs) == sorted([*OLD[-2:], tonight])
    assert all((runs / name).exists() for name in OTHERS)  # not names a run gives


def test_tonights_report_stays_whatever_its_name_sorts_as(workspace: Path) -> None:
    """A clock set back, or another machine's shard: reports named after tonight's."""
    later = ["20991231T000000Z.json", "20991231T000000Z-shard-1-of-2.json"]
    runs = _runs(workspace, "1", later)
    tonight = _sync(workspace)
    assert _left(runs) == [tonight]


def test_the_default_keeps_90_and_null_keeps_every_one(workspace: Path, tmp_path: Path) -> None:
    assert load_workspace(workspace).keep_run_reports == 90
    many = [f"2026{m:02}{d:02}T023000Z.json" for m in range(1, 6) for d in range(1, 29)]
    runs = _runs(workspace, "null", many)
    tonight = _sync(workspace)
    assert _left(runs) == sorted([*many, tonight])


@pytest.mark.parametrize("keep", ["0", "-1"])
def test_keeping_no_report_is_a_configuration_error(workspace: Path, keep: str) -> None:
    _runs(workspace, keep, [])
    with pytest.raises(ConfigError) as caught:
        load_workspace(workspace)
    (problem,) = caught.value.problems
    assert "run_reports.keep" in problem and "the report just written is always kept" in problem


def test_a_report_that_cannot_be_deleted_does_not_fail_the_night(
    workspace: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    runs = _runs(workspace, "2", OLD)
    unlink = os.unlink

    def refuse_old_reports(path: str | os.PathLike[str], *args: object, **kw: object) -> None:
        if Path(path).name in OLD:
            raise PermissionError(13, "Permission denied")
        unlink(path, *args, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "unlink", refuse_old_reports)
    with caplog.at_level(logging.WARNING, logger="sheets_sync.sync"):
        tonight = _sync(workspace)
    assert _left(runs) == sorted([*OLD, tonight])
    assert caplog.messages == [
        f"run reports: {runs}: 4 old run report(s) could not be deleted (Permission denied)"
    ]


def _dry_run(cfg: Path) -> str:
    """A dry run; the name of its report."""
    options = replace(OPTIONS, dry_run=True)
    result = run_sync(load_workspace(cfg), options, console=Console(file=io.StringIO()))
    assert result.report_error is None
    return result.context.generated_at.strftime("%Y%m%dT%H%M%SZ") + "-dry-run.json"


def test_dry_runs_never_push_a_nights_report_out(workspace: Path) -> None:
    """A dozen `sync --dry-run` in a day deleted real nights' reports: they counted
    toward the same `keep`. Now each kind is pruned among its own."""
    dry = [f"202611{d:02}T120000Z-dry-run.json" for d in range(10, 15)]
    rolled = ["20261109T090000Z-rollup.json"]
    runs = _runs(workspace, "3", [*OLD, *dry, *rolled])
    first = _dry_run(workspace)
    assert _left(runs) == sorted([*OLD, *dry[-2:], first, *rolled])
    tonight = _sync(workspace)
    assert _left(runs) == sorted([*OLD[-2:], tonight, *dry[-2:], first, *rolled])
    kept = json.loads((runs / first).read_text(encoding="utf-8"))
    assert (kept["command"], kept["dry_run"], kept["write_back"]) == ("sync", True, False)


def test_a_rollup_keeps_its_report_pruned_among_rollups(workspace: Path) -> None:
    """`rollup` published the company workbook and left no report."""
    rolled = [f"202611{d:02}T090000Z-rollup.json" for d in range(10, 15)]
    runs = _runs(workspace, "2", [*OLD, *rolled])
    result = rebuild_rollup(load_workspace(workspace), dt.date(2026, 11, 23))
    assert result.report_error is None and result.rollup_error is None
    stamp = result.context.generated_at.strftime("%Y%m%dT%H%M%SZ")
    assert _left(runs) == sorted([*OLD, rolled[-1], f"{stamp}-rollup.json"])
    report = json.loads((runs / f"{stamp}-rollup.json").read_text(encoding="utf-8"))
    assert {k: report[k] for k in ("command", "as_of", "dry_run", "write_back")} == {
        "command": "rollup",
        "as_of": "2026-11-23",
        "dry_run": False,
        "write_back": False,
    }
    assert report["from_results"] is None and report["rollup_output"] == "company.xlsx"
    assert report["rollup_rewritten"] is True and report["seconds"] > 0
    assert [(t["team"], t["outcome"]) for t in report["teams"]] == [("Sales", "ok")]


def test_stopped_nights_are_pruned_among_their_own(workspace: Path) -> None:
    """A stopped night's report counted among the nights: a night stopped again and
    again (a job killed each time by a timeout) pushed the real nights' reports out."""
    stopped = [f"202611{d:02}T023000Z-stopped.json" for d in range(15, 20)]
    stopped.append("20261120T023000Z-shard-1-of-2-stopped.json")
    runs = _runs(workspace, "3", [*OLD, *stopped])
    tonight = _sync(workspace)
    assert _left(runs) == sorted([*OLD[-2:], tonight, *stopped])
    assert report_kind(stopped[0]) == report_kind(stopped[-1]) == "stopped"
    assert report_kind("20261120T023000Z-stopped-dry-run.json") == "dry-run"
    assert prune_run_reports(runs, 3, runs / stopped[-1]) is None
    assert _left(runs) == sorted([*OLD[-2:], tonight, *stopped[-3:]])


@pytest.mark.parametrize("keep", [3, None])
def test_a_report_temp_a_killed_run_left_goes_an_hour_on(tmp_path: Path, keep: int | None) -> None:
    """A run killed as it wrote its report left ``.<report>.<8>.tmp`` in runs/ for good
    (until 2026-12-06); the next report's prune deletes it an hour on. Nothing else."""
    runs = tmp_path / "runs"
    runs.mkdir()
    tonight = runs / "20261123T023000Z.json"
    stale = runs / ".20261122T023000Z.json.k3x9_q2a.tmp"
    fresh = runs / ".20261123T013000Z-dry-run.json.a1b2c3d4.tmp"  # maybe another run's
    kept = [  # a user's names, however old: not a report's temp
        runs / ".notes.json.abcdefgh.tmp",
        runs / ".20261122T023000Z.json.my-notes.tmp",
        runs / "20261122T023000Z.json.abcdefgh.tmp",
    ]
    for path in [tonight, stale, fresh, *kept]:
        path.write_text("{", encoding="utf-8")
    hours_ago = dt.datetime.now().timestamp() - 7200
    for path in [stale, *kept]:
        os.utime(path, (hours_ago, hours_ago))
    assert prune_run_reports(runs, keep, tonight) is None
    assert not stale.exists()
    assert fresh.exists() and tonight.exists() and all(p.exists() for p in kept)


@pytest.mark.usefixtures("stop_handler")
def test_a_stop_as_an_unwritten_report_is_unreserved_leaves_no_empty_name(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The report could not be written (a full disk) and a SIGTERM landed as its reserved
    name was removed, in the ``except``: the stop went on up, and the empty file stayed in
    ``runs/`` for good (pruned as a report). The removal is finished, then the stop goes."""
    from sheets_sync.sync import report, stops

    folder = tmp_path / "runs"
    stat, stopped = Path.stat, list[Path]()

    def full(*_: object) -> None:
        raise OSError(28, "No space left on device")

    def stat_then_stop(self: Path, **kwargs: Any) -> os.stat_result:
        if self.parent == folder and not stopped:  # as the empty name is looked at
            stopped.append(self)
            signal.raise_signal(signal.SIGTERM)
        return stat(self, **kwargs)

    monkeypatch.setattr(report, "write_run_report", full)
    monkeypatch.setattr(Path, "stat", stat_then_stop)
    when = dt.datetime(2026, 11, 23, 2, 30, tzinfo=dt.UTC)
    try:
        with pytest.raises(Interrupted):
            report.keep_run_report(folder, (when, ""), {"teams": []}, [], 90)
    finally:
        stops.arrived()
    assert stopped and list(folder.iterdir()) == []


def test_empty_reports_and_folders_named_as_reports_are_not_counted(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """A ``kill -9`` between reserving a report's name and writing it left an empty file in
    ``runs/`` that counted as a report of its kind: the newest by name, it pushed a real
    night out, and stayed for good. A folder named as a report was skipped without a word.
    An empty one an hour old is deleted and named; a younger one may be another run's
    reservation, so it stays, uncounted."""
    runs = tmp_path / "runs"
    runs.mkdir()
    for name in OLD[:3]:
        (runs / name).write_text("{}", encoding="utf-8")
    killed, writing = runs / "20261120T023000Z.json", runs / "20261121T023000Z.json"
    killed.touch()
    writing.touch()
    hours_ago = time.time() - 2 * 3600
    os.utime(killed, (hours_ago, hours_ago))
    (runs / "20261119T023000Z.json").mkdir()
    written = runs / "20261122T023000Z.json"
    written.write_text("{}", encoding="utf-8")
    with caplog.at_level(logging.WARNING, logger="sheets_sync.sync"):
        assert prune_run_reports(runs, 3, written) is None
    assert sorted(p.name for p in runs.iterdir()) == sorted(
        [*OLD[1:3], "20261119T023000Z.json", writing.name, written.name]
    )
    assert caplog.messages == [
        f"run reports: {runs / '20261119T023000Z.json'}: a folder named as a run report, left "
        "alone and not counted as one (remove or rename it)",
        f"run reports: {killed}: empty, left by a run stopped before it wrote its report; deleted",
    ]
