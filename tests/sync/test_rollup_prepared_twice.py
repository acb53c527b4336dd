"""An Excel night whose writes end otherwise than assumed (a team file open elsewhere)
prepares its rollup twice: once while the workers write, again once they are done, and
each preparation reads the previous workbook. What makes the Google read-back test
(``tests/backends/gsheets/test_gsheets_rollup_read_once.py``) mean something. Here, not
beside it: the gsheets folder's emulator thread runs in the process while its tests run,
and a night in a process with another thread forks no workers (``workers.worker_count``),
so prepares nothing ahead (one read, a failure whenever an emulator test ran first)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from sheets_sync.rollup import previous
from sheets_sync.workspace.demo import create_demo
from tests.backends.gsheets.test_gsheets_rollup_read_once import _night, _second_night


def test_an_excel_night_whose_writes_end_otherwise_prepares_its_rollup_twice(
    eight_cpus: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """That the case re-prepares (what makes the Google test mean something): with
    an Excel rollup the previous workbook is read by each preparation, the one made while
    the workers wrote and the one published (some 2 s of CPU at 500 teams with 250
    failed, on such a night only: left as it is)."""
    root = create_demo(tmp_path / "ws").parent
    assert _night(root, 23).rollup_error is None
    reads: list[list[str]] = []
    load = previous.load_previous

    def loading(path: Any, teams: Any, period: Any = None, **kw: Any) -> Any:
        reads.append(sorted(teams))
        return load(path, teams, period, **kw)

    # the reader ``rollup_step.previous_workbook`` gives looks it up here at each call
    monkeypatch.setattr("sheets_sync.rollup.previous.load_previous", loading)
    result = _second_night(root)
    assert result.rollup_error is None
    assert any(r.team == "Marketing" and r.outcome.value != "ok" for r in result.runs)
    assert reads == [["Sales"], ["Sales"]]
