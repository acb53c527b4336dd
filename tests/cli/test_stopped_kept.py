"""A stop once the night's own run report is written, as it is copied to ``--report`` or
the older ones pruned: the ``-stopped`` report is kept in its place, and must say what
the night's own said (a failed notification hook), and the night's own goes only when
no older report was pruned for it. The stop is raised where a signal's handler would
raise it (the CLI's own handler), so no timing decides where it lands."""

from __future__ import annotations

import json
import signal
from pathlib import Path
from typing import Any

import pytest

from sheets_sync.sync import report
from tests.cli.test_ops_cli import copy_ws
from tests.cli.test_stopped_late import _runs, no_death, stop_handler  # noqa: F401
from tests.cli.test_stopped_lines import _sync


def _stop_at_prune(monkeypatch: pytest.MonkeyPatch, *, after: bool) -> None:
    """SIGTERM at the night's prune of the older reports: before it deleted any, or
    ``after`` it (an fsync, a slow disk: any moment once one may be gone)."""
    real, calls = report.prune_run_reports, []

    def prune_run_reports(*args: Any) -> str | None:
        calls.append(args)
        if len(calls) == 1 and not after:  # the night's own; the stopped one is pruned
            signal.raise_signal(signal.SIGTERM)
        got = real(*args)
        if len(calls) == 1 and after:
            signal.raise_signal(signal.SIGTERM)
        return got

    monkeypatch.setattr(report, "prune_run_reports", prune_run_reports)


@pytest.mark.usefixtures("no_death", "stop_handler")
def test_a_failed_notification_is_in_the_stopped_report_that_replaces_the_nights(
    demo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The night's own report (deleted once the ``-stopped`` one is written) was the only
    one with ``notifications``: the stopped one is built from the night's result, which
    has none, so a hook that failed was in no report (docs/operations.md says it is)."""
    cfg = copy_ws(demo, tmp_path / "ws")
    (cfg.parent / "teams" / "Finance.xlsx").write_text("not a workbook")  # a failure to tell
    _stop_at_prune(monkeypatch, after=False)
    code, out, err = _sync(cfg, "--notify-cmd", "false")
    assert code == 128 + signal.SIGTERM, out + err
    ((name, _),) = _runs(cfg)
    assert name.endswith("Z-stopped.json"), name
    kept = json.loads((cfg.parent / ".sheets-sync/runs" / name).read_text())
    (problem,) = kept["notifications"]
    assert problem.startswith("notify command 'false' exited with 1"), problem
    assert kept["stopped"]["teams_done"] == 6


@pytest.mark.usefixtures("no_death", "stop_handler")
def test_a_stop_once_the_old_reports_are_pruned_keeps_the_nights_too(
    demo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``run_reports.keep: 2``, two older nights: the prune counted the night's own report
    and deleted the oldest for it, then the stop deleted the night's own: ``runs/`` was
    left with one night's report, one short. The night's own now stays (as before the
    stopped one replaced it): the two newest nights, and the stopped report."""
    cfg = copy_ws(demo, tmp_path / "ws")
    with cfg.open("a") as fh:
        fh.write("run_reports: {keep: 2}\n")
    runs = cfg.parent / ".sheets-sync/runs"
    runs.mkdir(parents=True, exist_ok=True)
    for day in ("20261120T010000Z", "20261121T010000Z"):
        (runs / f"{day}.json").write_text('{"an older": "night"}')
    _stop_at_prune(monkeypatch, after=True)
    code, out, err = _sync(cfg)
    assert code == 128 + signal.SIGTERM, out + err
    names = [name for name, _ in _runs(cfg)]
    (night,) = [n for n in names if n.startswith("2026112")]  # the older nights ...
    assert night == "20261121T010000Z.json", names  # ... the newest of them stays
    (tonight,) = [n for n in names if n != night and not n.endswith("-stopped.json")]
    assert names == sorted([night, tonight, tonight.replace(".json", "-stopped.json")])
    assert json.loads((runs / tonight).read_text())["teams"], tonight  # whole, not reserved
