"""Run reports in ``.sheets-sync/runs/``: every run keeps its own, and the folder keeps the
newest ``run_reports.keep`` of them (a nightly job grew it forever)."""

from __future__ import annotations

import datetime as dt
import io
import logging
import os
from pathlib import Path

import pytest
from rich.console import Console

from sheets_sync.config import load_workspace
from sheets_sync.errors import ConfigError
from sheets_sync.sync.engine import SyncOptions
from sheets_sync.sync.outcome import Outcome
from sheets_sync.sync.run import run_sync

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
