"""A stop that lands outside the teams' own work: after every team and the rollup are
written (as the notification hook runs, as the run report is written), as a stopped
night's report is written, and just after a team's file is replaced. Each is raised
where a signal's handler would raise it, so no timing decides where it lands."""

from __future__ import annotations

import datetime as dt
import json
import signal
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from sheets_sync.errors import Interrupted
from sheets_sync.ops.history import HistoryStore, default_history_path
from sheets_sync.sync import report, stops
from sheets_sync.sync import run as sync_run
from sheets_sync.sync.stopped import NOT_RECORDED, RECORDED
from tests.cli.test_ops_cli import copy_ws
from tests.cli.test_stopped_lines import TEAMS, _sync, stop_at

NIGHT = dt.date(2026, 11, 23)  # ``AS_OF``


def _stop(*_: object, **__: object) -> None:
    stops.note(signal.SIGTERM)  # as ``cli_support._interrupt`` does
    raise Interrupted(signal.SIGTERM)


@pytest.fixture
def no_death(monkeypatch: pytest.MonkeyPatch) -> None:
    from sheets_sync import cli_support

    monkeypatch.setattr(cli_support, "STOPPED_BY", [])  # ``cli.main`` would die by it


def _runs(cfg: Path) -> list[tuple[str, int]]:
    return sorted((p.name, p.stat().st_size) for p in (cfg.parent / ".sheets-sync/runs").iterdir())


def _nights(cfg: Path) -> list[dt.date]:
    return HistoryStore(default_history_path(cfg.parent / ".sheets-sync")).dates()


def test_a_stop_as_the_notification_goes_out_says_every_team_and_keeps_a_report(
    demo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, no_death: None
) -> None:
    """SIGTERM as the notification hook ran: every team and the rollup were written, but
    the run printed no team line and wrote no run report, and ``--report`` kept the night
    before's. Now every team's line, no "not synced" one, and a ``-stopped`` report with
    the rollup as written and the history as it is: undone, so the alerts go out again."""
    cfg = copy_ws(demo, tmp_path / "ws")
    (cfg.parent / "teams" / "Finance.xlsx").write_text("not a workbook")  # a failure to tell
    path = tmp_path / "last-night.json"
    path.write_text('{"the night": "before"}')
    monkeypatch.setattr(sync_run, "send", _stop)
    code, out, err = _sync(cfg, "--report", str(path), "--notify-cmd", "true")
    assert code == 128 + signal.SIGTERM, out + err
    lines = out.splitlines()
    assert sorted(ln.split(":")[0] for ln in lines) == sorted(TEAMS), out
    assert not any(ln.startswith("not synced") for ln in lines), out
    assert err.splitlines()[-1] == (
        "error: interrupted by SIGTERM: stopped with 6 of 6 teams done; each team file is as "
        "synced tonight; the rollup was written; the notification may not have gone out: "
        "run sync again to finish"
    ), err
    ((name, size),) = _runs(cfg)
    assert name.endswith("Z-stopped.json") and size > 0, name
    kept = json.loads((cfg.parent / ".sheets-sync/runs" / name).read_text())
    assert json.loads(path.read_text()) == kept
    assert kept["stopped"] == {
        "signal": "SIGTERM",
        "teams_done": 6,
        "not_synced": [],
        "history": NOT_RECORDED,
    }
    assert kept["history_skipped"] == NOT_RECORDED
    assert kept["rollup_output"] and kept["rollup_error"] is None
    assert (cfg.parent / kept["rollup_output"]).is_file()
    assert len(kept["teams"]) == 6 and kept["company_objectives"]
    assert NIGHT not in _nights(cfg)  # undone: the next night sends tonight's alerts


def test_a_stop_as_the_nights_report_is_written_keeps_the_night_recorded(
    demo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, no_death: None
) -> None:
    """After the history is settled only the report is left: the stopped report says the
    night is recorded, and the night's own report, cut short, leaves no empty file."""
    cfg = copy_ws(demo, tmp_path / "ws")
    real, calls = report.write_run_report, []

    def write_run_report(*args: object) -> None:
        calls.append(args)
        if len(calls) == 1:  # the night's own report; the stopped one is written
            _stop()
        real(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(report, "write_run_report", write_run_report)
    code, out, err = _sync(cfg)
    assert code == 128 + signal.SIGTERM, out + err
    assert len(out.splitlines()) == 6 and "not synced" not in out, out
    assert "the notification" not in err.splitlines()[-1], err
    ((name, size),) = _runs(cfg)
    assert name.endswith("Z-stopped.json") and size > 0, name
    kept = json.loads((cfg.parent / ".sheets-sync/runs" / name).read_text())
    assert kept["stopped"]["history"] == RECORDED and kept["history_skipped"] is None
    assert NIGHT in _nights(cfg)


def test_a_second_stop_as_the_stopped_report_is_written_leaves_no_empty_report(
    demo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The report's name is reserved by an empty file; a stop as the report was written
    left that 0-byte ``...Z-stopped.json`` in ``runs/`` (only an ``OSError`` removed it)."""
    cfg = copy_ws(demo, tmp_path / "ws")
    stop_at(monkeypatch, 3)

    def second_stop(*_: object) -> None:
        raise Interrupted(signal.SIGINT)

    monkeypatch.setattr(report, "write_run_report", second_stop)
    code, out, err = _sync(cfg)
    assert code == 128 + signal.SIGTERM, out + err
    assert _runs(cfg) == []


def test_a_stop_as_a_shard_saves_its_results_says_to_run_it_again(
    demo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, no_death: None
) -> None:
    """Its teams are written, its results not saved: the merge would find it missing."""
    cfg = copy_ws(demo, tmp_path / "ws")
    monkeypatch.setattr(sync_run, "save_results", _stop)
    results = tmp_path / "results"
    code, out, err = _sync(cfg, "--shard", "1/2", "--results-dir", str(results))
    assert code == 128 + signal.SIGTERM, out + err
    assert out and "not synced" not in out, out
    assert err.splitlines()[-1].endswith(
        "teams done; each team file is as synced tonight; the shard's results were not "
        "saved: run this shard again"
    ), err
    assert list(results.iterdir()) == []
    ((name, _),) = _runs(cfg)
    assert name.endswith("Z-shard-1-of-2-stopped.json"), name
    kept = json.loads((cfg.parent / ".sheets-sync/runs" / name).read_text())
    assert kept["stopped"]["history"] == "not recorded (a shard: the merge records the night)"


def test_a_stop_after_a_night_that_wrote_no_team_says_so(
    demo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, no_death: None
) -> None:
    cfg = copy_ws(demo, tmp_path / "ws")
    (cfg.parent / "teams" / "Finance.xlsx").write_text("not a workbook")
    monkeypatch.setattr(sync_run, "send", _stop)
    code, out, err = _sync(cfg, "--no-write-back", "--notify-cmd", "true")
    assert code == 128 + signal.SIGTERM, out + err
    assert "; no team file was written (--no-write-back); " in err.splitlines()[-1], err


@pytest.fixture
def stop_handler() -> Iterator[None]:
    """The CLI's own handler for SIGTERM (``cli.main`` installs it; ``CliRunner`` not)."""
    from sheets_sync import cli_support

    old = signal.signal(signal.SIGTERM, cli_support._interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, old)


def test_a_team_written_as_the_stop_lands_is_counted_done(
    demo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, no_death: None, stop_handler: None
) -> None:
    """``--workers 1``: a SIGTERM just after a team's file was replaced, before the run
    took its result in, named that team "not synced (stopped)". The stop now waits for
    the team to be counted, and is raised then: no other team is begun."""
    from sheets_sync import atomic
    from sheets_sync.backends.excel import files

    cfg = copy_ws(demo, tmp_path / "ws")
    teams = cfg.parent / "teams"
    before = {p.name: p.read_bytes() for p in teams.glob("*.xlsx")}
    real, calls = atomic.fsync_dir, []  # as ``files`` imports it

    def fsync_dir(folder: Path) -> None:  # the signal lands just after the rename
        real(folder)
        calls.append(folder)
        if len(calls) == 2:  # the backup's folder, then the team's: one team replaced
            signal.raise_signal(signal.SIGTERM)

    monkeypatch.setattr(files, "fsync_dir", fsync_dir)
    code, out, err = _sync(cfg)
    assert code == 128 + signal.SIGTERM, out + err
    changed = sorted(n[:-5] for n, b in before.items() if (teams / n).read_bytes() != b)
    assert len(changed) == 1, changed  # raised before the next team was begun
    lines = out.splitlines()
    assert [ln.split(":")[0] for ln in lines[:-1]] == changed, out
    left = [t for t in TEAMS if t not in changed]
    assert lines[-1] == f"not synced (stopped): 5 teams: {', '.join(left)}", out


def test_a_stop_as_the_nights_report_is_named_leaves_no_empty_report(
    demo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, no_death: None, stop_handler: None
) -> None:
    """The name was reserved (an empty file) before the ``try`` that removes it if the
    report is not written: a SIGTERM landing between left a 0-byte ``...Z.json`` beside
    the ``-stopped`` report, in ``runs/`` for good (pruned as a report)."""
    cfg = copy_ws(demo, tmp_path / "ws")
    real, calls = report.report_name, []

    def report_name(*args: Any) -> Path:  # the signal lands as the name is returned
        name = real(*args)
        calls.append(name)
        if len(calls) == 1:  # the night's own; the stopped one is written
            signal.raise_signal(signal.SIGTERM)
        return name

    monkeypatch.setattr(report, "report_name", report_name)
    monkeypatch.setattr(sync_run, "report_name", report_name, raising=False)  # as it was
    code, out, err = _sync(cfg)
    assert code == 128 + signal.SIGTERM, out + err
    runs = _runs(cfg)
    assert len(runs) == 1, f"more than the stopped report: {runs}"
    ((name, size),) = runs
    assert name.endswith("Z-stopped.json") and size > 0, runs


def test_a_stop_once_the_nights_report_is_written_leaves_one_report(
    demo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, no_death: None, stop_handler: None
) -> None:
    """A SIGTERM as the night's report was copied to ``--report`` or the old ones pruned
    kept the night's report and a ``-stopped`` one beside it: two reports of one night.
    The stopped one (what the run's exit says) is now the night's only report, and the
    ``--report`` copy is it."""
    cfg = copy_ws(demo, tmp_path / "ws")
    path = tmp_path / "last-night.json"
    real, calls = report.prune_run_reports, []

    def prune_run_reports(*args: Any) -> str | None:
        calls.append(args)
        if len(calls) == 1:  # the night's own report is written and copied
            signal.raise_signal(signal.SIGTERM)
        return real(*args)

    monkeypatch.setattr(report, "prune_run_reports", prune_run_reports)
    code, out, err = _sync(cfg, "--report", str(path))
    assert code == 128 + signal.SIGTERM, out + err
    runs = _runs(cfg)
    assert len(runs) == 1, f"more than the stopped report: {runs}"
    ((name, size),) = runs
    assert name.endswith("Z-stopped.json") and size > 0, runs
    kept = json.loads((cfg.parent / ".sheets-sync/runs" / name).read_text())
    assert kept["stopped"]["history"] == RECORDED and kept["stopped"]["teams_done"] == 6
    assert json.loads(path.read_text()) == kept
