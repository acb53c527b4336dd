"""What a sync stopped by a signal prints for the cron log: the lines of the teams that
finished, as a night prints them, then the teams not synced, then the stop's own line.
The stop is raised where the signal's handler would raise it, as the run takes a team's
outcome in (``engine.kept_run``), so no timing decides which teams finished."""

from __future__ import annotations

import json
import signal
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from sheets_sync import cli_support, console
from sheets_sync.cli import cli
from sheets_sync.errors import HistoryError, Interrupted
from sheets_sync.ops.history import HistoryStore
from sheets_sync.sync import engine, stops, team_rows
from sheets_sync.sync.night_end import NightEnd
from sheets_sync.sync.outcome import TeamRun
from sheets_sync.sync.report import report_kind
from sheets_sync.sync.stopped import NOT_RECORDED
from tests.cli.test_ops_cli import AS_OF, copy_ws

TEAMS = ["Sales", "Marketing", "Engineering", "Customer Success", "Finance", "People"]


def stop_at(monkeypatch: pytest.MonkeyPatch, at: int) -> list[str]:
    """SIGTERM as the run takes its ``at``-th team in (1-based): ``at - 1`` teams done,
    whose names the returned list holds, in the order they finished."""
    kept: Callable[[TeamRun], TeamRun] = team_rows.kept_run  # as ``engine`` imports it
    taken: list[str] = []

    def kept_run(run: TeamRun) -> TeamRun:
        if len(taken) == at - 1:
            stops.note(signal.SIGTERM)  # as ``cli_support._interrupt`` does
            raise Interrupted(signal.SIGTERM)
        taken.append(run.team)
        return kept(run)

    monkeypatch.setattr(engine, "kept_run", kept_run)
    monkeypatch.setattr(cli_support, "STOPPED_BY", [])  # ``cli.main`` would die by it
    return taken


def _sync(cfg: Path, *args: str) -> tuple[int, str, str]:
    argv = ["sync", "--config", str(cfg), "--workers", "1", *AS_OF, *args]
    result = CliRunner().invoke(cli, argv)
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.parametrize("quiet", [[], ["-q"], ["-qq"]])
def test_a_stopped_night_prints_the_teams_done_and_those_not_synced(
    demo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, quiet: list[str]
) -> None:
    """It printed the stop's line only: the cron log said how many teams were done, not
    which, nor that one of them had failed, nor which were left for the next run."""
    cfg = copy_ws(demo, tmp_path / "ws")
    (cfg.parent / "teams" / "Finance.xlsx").write_text("not a workbook")
    done = stop_at(monkeypatch, 4)
    result = CliRunner().invoke(
        cli, [*quiet, "sync", "--config", str(cfg), "--workers", "1", *AS_OF]
    )
    code, out, err = result.exit_code, result.stdout, result.stderr
    assert code == 128 + signal.SIGTERM, out + err
    # the failed read finishes first (``--workers 1``), then the writes in order
    assert done == ["Finance", "Sales", "Marketing"], done
    said = {
        "Finance": (
            "Finance: failed: Finance.xlsx: not an Excel workbook (.xlsx)"
            "; open it in Excel and save it as .xlsx"
        ),
        "Sales": "Sales: ok, 20 cells changed (1 error in the sheet)",
        "Marketing": "Marketing: ok, 36 cells changed",
    }
    lines = out.splitlines()
    # as a night's: every team done, or with -q, -qq only those that need a look
    shown = ["Finance"] if quiet else done
    assert lines[:-1] == [said[t] for t in shown], out
    left = [t for t in TEAMS if t not in done]
    assert lines[-1] == f"not synced (stopped): 3 teams: {', '.join(left)}", out
    assert err.splitlines()[-1] == (
        "error: interrupted by SIGTERM: stopped with 3 of 6 teams done; each team file is "
        "whole (as it was, or as synced tonight); no rollup was written (the last one "
        "stays); run sync again to finish"
    ), err


def test_a_stopped_night_keeps_a_run_report_of_its_teams(
    demo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A stopped night wrote no run report, and ``--report`` kept the night before's, as
    if it were tonight's. Now it has its own: the teams done, and every team not synced."""
    cfg = copy_ws(demo, tmp_path / "ws")
    path = tmp_path / "last-night.json"
    path.write_text('{"the night": "before"}')
    done = stop_at(monkeypatch, 3)
    code, out, err = _sync(cfg, "--report", str(path))
    assert code == 128 + signal.SIGTERM, out + err
    (kept,) = (cfg.parent / ".sheets-sync" / "runs").iterdir()
    assert kept.name.endswith("Z-stopped.json"), kept.name
    report = json.loads(path.read_text())
    assert report == json.loads(kept.read_text())
    assert report["stopped"] == {
        "signal": "SIGTERM",
        "teams_done": 2,
        "not_synced": [t for t in TEAMS if t not in done],
        "history": NOT_RECORDED,  # said, not ``history_skipped: null``
    }
    assert report["history_skipped"] == NOT_RECORDED
    assert [t["team"] for t in report["teams"]] == done
    assert report["totals"]["teams"] == 2 and report["dry_run"] is False
    assert all(t["outcome"] == "ok" and t["changes"] for t in report["teams"])
    assert report["rollup_output"] is None and report["company_objectives"] == []


def test_the_teams_not_synced_are_named_up_to_a_bound(
    demo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A night of 2,000 teams stopped early names the first few, and counts the rest."""
    cfg = copy_ws(demo, tmp_path / "ws")
    monkeypatch.setattr(console, "NAMED_NOT_SYNCED", 2)
    done = stop_at(monkeypatch, 2)
    code, out, err = _sync(cfg)
    assert code == 128 + signal.SIGTERM, out + err
    left = [t for t in TEAMS if t not in done]
    assert len(left) == 5
    assert out.splitlines()[-1] == (
        f"not synced (stopped): 5 teams: {left[0]}, {left[1]} and 3 more"
    ), out


def test_a_stopped_dry_run_prints_what_its_teams_done_would_change(
    demo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cfg = copy_ws(demo, tmp_path / "ws")
    done = stop_at(monkeypatch, 3)
    code, out, err = _sync(cfg, "--dry-run")
    assert code == 128 + signal.SIGTERM, out + err
    said = [ln for ln in out.splitlines() if ln.split(":")[0] in done]
    assert [ln.split(":")[0] for ln in said] == done and all(
        " cells would change" in ln for ln in said
    ), out
    assert out.splitlines()[-1].startswith("not synced (stopped): 4 teams: "), out
    assert "nothing was written (a dry run)" in err.splitlines()[-1], err
    (kept,) = (cfg.parent / ".sheets-sync" / "runs").iterdir()  # pruned among dry runs
    assert kept.name.endswith("Z-stopped-dry-run.json") and report_kind(kept.name) == "dry-run"
    assert json.loads(kept.read_text())["stopped"]["teams_done"] == 2


def test_a_stopped_no_write_back_night_says_no_team_file_was_written(
    demo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``--no-write-back`` writes no team file: stopped midway it said "each team file is
    whole (as it was, or as synced tonight)", as if some had been synced; stopped after
    the rollup it already said "no team file was written (--no-write-back)"."""
    cfg = copy_ws(demo, tmp_path / "ws")
    stop_at(monkeypatch, 3)
    code, out, err = _sync(cfg, "--no-write-back")
    assert code == 128 + signal.SIGTERM, out + err
    assert err.splitlines()[-1] == (
        "error: interrupted by SIGTERM: stopped with 2 of 6 teams done; no team file was "
        "written (--no-write-back); no rollup was written (the last one stays); run sync "
        "again to finish"
    ), err


def test_a_stopped_report_that_fails_leaves_the_stop_as_it_is(
    demo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Whatever the report's write raises, the stop's lines and exit code stand."""
    from sheets_sync.sync import stopped

    def broken(*_: object) -> None:
        raise ValueError("a report bug")

    monkeypatch.setattr(stopped, "_keep_stopped_report", broken)
    cfg = copy_ws(demo, tmp_path / "ws")
    stop_at(monkeypatch, 2)
    code, out, err = _sync(cfg)
    assert code == 128 + signal.SIGTERM, out + err
    assert out.splitlines()[-1].startswith("not synced (stopped): 5 teams: "), out
    assert "the stopped night's run report was not written: a report bug" in err, err
    assert err.splitlines()[-1].startswith("error: interrupted by SIGTERM: stopped with 1 of 6")
    assert "Traceback" not in err


@pytest.mark.parametrize("second_stop", [False, True])
def test_a_stopped_night_s_report_says_a_failed_history_clean_up(
    demo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, second_stop: bool
) -> None:
    """A stop that lands after the clean-up (``history.prune_after``) failed: the stopped
    report carries ``history_not_pruned`` as it does ``history_skipped`` (until 2026-12-07
    it was always ``null`` there), without its "the night is recorded": the night's rows
    were undone (``history``: "not recorded"), and for a few hours on 2026-12-07 it said both.
    ``second_stop``: another stop lands in the undo (``settle_pending``): the held warning
    was lost, stderr only the stop line (second review of h-leftovers)."""
    cfg = copy_ws(demo, tmp_path / "ws")
    cfg.write_text(cfg.read_text("utf-8") + "history: {prune_after: 30}\n", "utf-8")

    pruned: list[int] = []

    def prune(self: HistoryStore, keep: int) -> int:  # as ``history_db.reporting`` raises
        pruned.append(keep)
        locked = sqlite3.OperationalError("database is locked")
        raise HistoryError(f"{self.path}: the run history cannot be used ({locked})") from locked

    def say_gone(self: NightEnd, result: object) -> None:  # just after the clean-up
        stops.note(signal.SIGTERM)
        raise Interrupted(signal.SIGTERM)

    settle_pending, settles = HistoryStore.settle_pending, []  # once the clean-up failed

    def settle(self: HistoryStore, *args: object, **kwargs: object) -> object:
        settles.extend([args] if pruned else [])  # the first after it: the stop's undo
        if second_stop and pruned and len(settles) == 1:
            stops.note(signal.SIGTERM)
            raise Interrupted(signal.SIGTERM)
        return settle_pending(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(HistoryStore, "prune", prune)
    monkeypatch.setattr(HistoryStore, "settle_pending", settle)
    monkeypatch.setattr(NightEnd, "_say_gone", say_gone)
    monkeypatch.setattr(cli_support, "STOPPED_BY", [])
    code, out, err = _sync(cfg)
    assert pruned and settles, "no clean-up or no settle_pending ran"
    assert code == 128 + signal.SIGTERM, out + err
    assert "Traceback" not in err
    if second_stop:
        assert "the night is recorded" not in err
        assert (
            "history: the nights before the newest 30 (history.prune_after) were not "
            "dropped: database is locked; the next run tries again\n"
        ) in err, err
        assert not stops.noted(signal.SIGTERM)  # it left "Interrupted: 15" for the next test
        return
    (kept,) = (cfg.parent / ".sheets-sync" / "runs").iterdir()
    assert kept.name.endswith("Z-stopped.json"), kept.name
    report = json.loads(kept.read_text())
    assert report["history_skipped"] == NOT_RECORDED
    assert report["history_not_pruned"] == (
        "history: the nights before the newest 30 (history.prune_after) were not dropped: "
        "database is locked; the next run tries again"
    )
    assert report["stopped"]["history"] == NOT_RECORDED
    # the log line too: it said "the night is recorded" before the stop line of a night
    # whose rows the stop undid (until a review, 2026-12-07)
    assert "the night is recorded" not in err
    assert (
        "history: the nights before the newest 30 (history.prune_after) were not dropped: "
        "database is locked; the next run tries again\n"
    ) in err
