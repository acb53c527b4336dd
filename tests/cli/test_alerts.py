"""Alerts go out at least once (docs/operations.md, Notifications): a night compares with
each team's last night whose alerts were delivered, not with its latest snapshot, which
``rollup``, a failed hook or a killed run may have recorded without alerting."""

from __future__ import annotations

import datetime as dt
import json
import logging
import sqlite3
import sys
from pathlib import Path

import openpyxl
import pytest

from sheets_sync.config import load_workspace
from sheets_sync.ops import history as history_module
from sheets_sync.ops.history import HistoryStore, default_history_path
from sheets_sync.sync.engine import Sync, SyncOptions
from tests.cli.test_backdated import _set_every_kr_to_its_start
from tests.cli.test_ops_cli import copy_ws, run

pytestmark = pytest.mark.filterwarnings("ignore:Sparkline Group extension:UserWarning")
D1, D2, D3 = "2026-11-16", "2026-11-20", "2026-11-23"


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("demo")
    code, out, err = run("demo", str(root / "ws"), "--as-of", D3)
    assert code == 0, out + err
    return root / "ws" / "sheets-sync.yaml"


def _hook(tmp_path: Path, exit_code: int = 0) -> tuple[str, Path]:
    """A real hook command: a small script that writes its stdin to a file, then exits."""
    sent = tmp_path / f"notified-{exit_code}.json"
    script = tmp_path / f"hook-{exit_code}.py"
    script.write_text(
        f"import sys\nopen({str(sent)!r}, 'w').write(sys.stdin.read())\nsys.exit({exit_code})\n",
        encoding="utf-8",
    )
    return f"{sys.executable} {script}", sent


def _turned(sent: Path) -> list[str]:
    payload = json.loads(sent.read_text(encoding="utf-8"))
    return sorted(f"{t['team']} {t['kr_id']}" for t in payload["turned_off_track"])


def test_a_rollup_between_nights_does_not_swallow_the_alerts(demo: Path, tmp_path: Path) -> None:
    """``rollup`` records the night's snapshot and never notifies: the next sync compared
    with it, found the KRs Off track already, and no alert ever went out."""
    ws = copy_ws(demo, tmp_path / "ws")
    assert run("sync", "--config", str(ws), "--as-of", D1)[0] == 0
    _set_every_kr_to_its_start(ws)
    assert run("rollup", "--config", str(ws), "--as-of", D2)[0] == 0
    cmd, sent = _hook(tmp_path)
    assert run("sync", "--config", str(ws), "--as-of", D3, "--notify-cmd", cmd)[0] == 0
    assert _turned(sent)
    sent.unlink()
    assert run("rollup", "--config", str(ws), "--as-of", D3)[0] == 0
    assert run("sync", "--config", str(ws), "--as-of", D3, "--notify-cmd", cmd)[0] == 0
    assert not sent.exists()  # delivered once: a rerun after a rollup sends them not again


def test_a_killed_night_confirmed_by_a_rollup_still_alerts(demo: Path, tmp_path: Path) -> None:
    """A night killed before its notification left its rows pending; ``rollup`` of that
    date recorded over them, and the rerun compared with them: nothing was sent."""
    ws = copy_ws(demo, tmp_path / "ws")
    assert run("sync", "--config", str(ws), "--as-of", D1)[0] == 0
    _set_every_kr_to_its_start(ws)
    workspace = load_workspace(ws)
    killed = Sync(workspace, history=HistoryStore(default_history_path(workspace.state_dir)))
    killed.confirm_later = True  # as ``run_sync``; the process then dies before settling
    killed.run(SyncOptions(as_of=dt.date.fromisoformat(D3)))
    assert run("rollup", "--config", str(ws), "--as-of", D3)[0] == 0
    cmd, sent = _hook(tmp_path)
    assert run("sync", "--config", str(ws), "--as-of", D3, "--notify-cmd", cmd)[0] == 0
    assert _turned(sent)


def test_a_failed_hook_sends_the_alerts_again_next_night(demo: Path, tmp_path: Path) -> None:
    """A hook that exits 1 lost the night's alerts for good: the night was confirmed and
    the next compared with it. Now the run says so (exit code as ever: 0) and the next
    night sends them; once delivered, they are not sent again."""
    ws = copy_ws(demo, tmp_path / "ws")
    assert run("sync", "--config", str(ws), "--as-of", D1)[0] == 0
    _set_every_kr_to_its_start(ws)
    failing, tried = _hook(tmp_path, exit_code=1)
    report = tmp_path / "run.json"
    args = ("--notify-cmd", failing, "--report", str(report))
    code, _, err = run("sync", "--config", str(ws), "--as-of", D2, *args)
    assert code == 0, err
    first = _turned(tried)
    assert first
    (problem,) = json.loads(report.read_text(encoding="utf-8"))["notifications"]
    assert "exited with 1" in problem and "exited with 1" in err
    assert "go out again with the next sync" in err
    cmd, sent = _hook(tmp_path)
    assert run("sync", "--config", str(ws), "--as-of", D3, "--notify-cmd", cmd)[0] == 0
    assert _turned(sent) == first
    sent.unlink()
    assert run("sync", "--config", str(ws), "--as-of", D3, "--notify-cmd", cmd)[0] == 0
    assert not sent.exists()


def test_an_unusable_history_does_not_say_tonight_may_hold_rows(demo: Path, tmp_path: Path) -> None:
    """Nothing was recorded, yet the night logged twice that its snapshot "may hold rows
    of teams not written": each step that could not use the history says so once."""
    ws = copy_ws(demo, tmp_path / "ws")
    (ws.parent / ".sheets-sync" / "history.sqlite").mkdir(parents=True)  # cannot be opened
    code, _, err = run("sync", "--config", str(ws), "--as-of", D3)
    assert code == 0, err
    assert "tonight's snapshot is not recorded" in err
    assert "may hold rows of teams not written" not in err


def test_a_shard_sends_a_night_s_alerts_once(demo: Path, tmp_path: Path) -> None:
    """A shard records no snapshot (the merge does, and alerts on nothing): its delivered
    alerts move its teams' baseline themselves, or each night would send them again."""
    ws = copy_ws(demo, tmp_path / "ws")
    assert run("sync", "--config", str(ws), "--as-of", D1)[0] == 0
    _set_every_kr_to_its_start(ws)
    cmd, sent = _hook(tmp_path)
    results = tmp_path / "results"
    for night in (D2, D3):
        shard = ("--shard", "1/1", "--results-dir", str(results), "--notify-cmd", cmd)
        assert run("sync", "--config", str(ws), "--as-of", night, *shard)[0] == 0
        if night == D2:
            assert _turned(sent)
            sent.unlink()
        code, out, err = run("rollup", "--config", str(ws), "--from-results", str(results))
        assert code == 0, out + err
    assert not sent.exists()  # D3: nothing turned since D2's delivered alerts


def test_quiet_still_shows_an_undelivered_notification(demo: Path, tmp_path: Path) -> None:
    """``-q`` keeps errors only, and a failed hook was a warning: a cron job run with
    ``-q`` never learnt that its alerts had not gone out (and would be sent again)."""
    ws = copy_ws(demo, tmp_path / "ws")
    assert run("sync", "--config", str(ws), "--as-of", D1)[0] == 0
    _set_every_kr_to_its_start(ws)
    failing, _ = _hook(tmp_path, exit_code=1)
    code, _, err = run("-q", "sync", "--config", str(ws), "--as-of", D2, "--notify-cmd", failing)
    assert code == 0, err
    assert "exited with 1" in err
    assert "notification not delivered" in err and "go out again with the next sync" in err


def test_qq_prints_the_summary_of_a_night_whose_notification_failed(
    demo: Path, tmp_path: Path
) -> None:
    """``-qq`` prints nothing on a clean night, and dropped the log's errors too: a night
    whose hook failed printed nothing, as if clean. Its summary line now says so."""
    ws = copy_ws(demo, tmp_path / "ws")
    assert run("sync", "--config", str(ws), "--as-of", D1)[0] == 0
    code, out, err = run("-qq", "sync", "--config", str(ws), "--as-of", D1)
    assert code == 0 and not (out + err).strip()  # a clean night: nothing
    _set_every_kr_to_its_start(ws)
    failing, _ = _hook(tmp_path, exit_code=1)
    code, out, err = run("-qq", "sync", "--config", str(ws), "--as-of", D2, "--notify-cmd", failing)
    assert code == 0, err
    assert "notification not delivered: notify command" in out + err
    assert "exited with 1" in out + err


class _Release(logging.Handler):
    """Commits ``writer`` (another process's write, holding the history's lock) when the
    night logs that it found the history unusable: the lock outlasts the busy timeout at
    the night's start, and is gone for the night's own record, whatever the machine's
    load (a writer that slept 32 s through a 30 s timeout made this test take 35 s)."""

    def __init__(self, writer: sqlite3.Connection) -> None:
        super().__init__(logging.ERROR)
        self.writer = writer

    def emit(self, record: logging.LogRecord) -> None:
        if "no Off-track alerts tonight" in record.getMessage() and self.writer.in_transaction:
            self.writer.execute("COMMIT")


def test_a_night_that_cannot_read_its_baseline_marks_no_team(
    demo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The history locked at the night's start (a killed run's rows to undo, another
    writer holding the lock past the busy timeout): no alerts, rightly, but the night's
    own record then marked every team alerted, and the next night found nothing turned."""
    ws = copy_ws(demo, tmp_path / "ws")
    assert run("sync", "--config", str(ws), "--as-of", D1)[0] == 0
    _set_every_kr_to_its_start(ws)
    workspace = load_workspace(ws)
    path = default_history_path(workspace.state_dir)
    killed = Sync(workspace, history=HistoryStore(path))
    killed.confirm_later = True  # as ``run_sync``; the process then dies before settling
    killed.run(SyncOptions(as_of=dt.date.fromisoformat(D2)))
    monkeypatch.setattr(history_module, "BUSY_TIMEOUT_SECONDS", 0.2)
    # another process's long write (a notebook, a prune): its lock taken, held until the
    # night has given up on it
    writer = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    release = _Release(writer)
    logger = logging.getLogger("sheets_sync.sync")
    try:
        writer.execute("BEGIN IMMEDIATE")
        logger.addHandler(release)
        cmd, sent = _hook(tmp_path)
        code, _, err = run("sync", "--config", str(ws), "--as-of", D2, "--notify-cmd", cmd)
    finally:
        logger.removeHandler(release)
        if writer.in_transaction:
            writer.execute("ROLLBACK")
        writer.close()
    assert code == 0, err
    assert "no Off-track alerts tonight" in err and not sent.exists()
    assert "snapshot is not recorded" not in err  # the lock was gone for the night's record
    assert run("sync", "--config", str(ws), "--as-of", D3, "--notify-cmd", cmd)[0] == 0
    assert _turned(sent)  # the turns the blind night never compared go out now


def _set_kr(ws: Path, k: int, to: str) -> str:
    """The first team's ``k``-th KR at its start value (Off track) or its target."""
    team = sorted((ws.parent / "teams").glob("*.xlsx"))[0]
    book = openpyxl.load_workbook(team)
    sheet = book["OKRs"]
    header = [c.value for c in sheet[1]]
    start, current, target, kid = (
        header.index(h) + 1 for h in ("Start", "Current", "Target", "KR ID")
    )
    rows = [r for r in range(2, sheet.max_row + 1) if sheet.cell(r, start).value is not None]
    row = rows[k]
    sheet.cell(row, current).value = sheet.cell(row, start if to == "start" else target).value
    book.save(team)
    return str(sheet.cell(row, kid).value)


@pytest.mark.parametrize("between", ["failed-hook", "rollup"])
def test_a_kr_that_recovers_and_turns_off_track_again_is_alerted(
    demo: Path, tmp_path: Path, between: str
) -> None:
    """KR A alerted Off track, recovered on a night that moved no baseline (its hook
    failed, or a ``rollup``), then turned Off track again: compared with the old
    "Off track", it was never alerted (found by review)."""
    ws = copy_ws(demo, tmp_path / "ws")
    assert run("sync", "--config", str(ws), "--as-of", "2026-11-16")[0] == 0
    a = _set_kr(ws, 0, "start")
    cmd, sent = _hook(tmp_path)
    assert run("sync", "--config", str(ws), "--as-of", "2026-11-17", "--notify-cmd", cmd)[0] == 0
    assert any(t.endswith(f" {a}") for t in _turned(sent))
    _set_kr(ws, 0, "target")
    if between == "rollup":
        assert run("rollup", "--config", str(ws), "--as-of", "2026-11-18")[0] == 0
    else:
        _set_kr(ws, 1, "start")  # B turns Off track: the hook runs, and fails
        failing, tried = _hook(tmp_path, exit_code=1)
        args = ("--as-of", "2026-11-18", "--notify-cmd", failing)
        assert run("sync", "--config", str(ws), *args)[0] == 0
        assert tried.exists()
    _set_kr(ws, 0, "start")
    sent.unlink()
    assert run("sync", "--config", str(ws), "--as-of", "2026-11-19", "--notify-cmd", cmd)[0] == 0
    assert any(t.endswith(f" {a}") for t in _turned(sent))
