"""An Excel night whose writes end otherwise than assumed (a team file open elsewhere)
prepares its rollup twice: once while the workers write, again once they are done; the
previous workbook is read by the first only (until 2026-12-07 by each). What makes the
Google read-back test (``tests/backends/gsheets/test_gsheets_rollup_read_once.py``) mean
something. Here, not
beside it: the gsheets folder's emulator thread runs in the process while its tests run,
and a night in a process with another thread forks no workers (``workers.worker_count``),
so prepares nothing ahead (one read, a failure whenever an emulator test ran first)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from sheets_sync.rollup import previous
from sheets_sync.rollup.tables import StaleData
from sheets_sync.sync import rollup_step
from sheets_sync.workspace.demo import create_demo
from tests.backends.gsheets.test_gsheets_rollup_read_once import _night, _second_night


def test_an_excel_night_whose_writes_end_otherwise_prepares_its_rollup_twice(
    eight_cpus: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """That the case re-prepares (what makes the Google test mean something), and that
    with an Excel rollup the previous workbook is read once all the same: the second
    preparation is given what the first read (``rollup_step.CarriedOnce``; until
    2026-12-07 each preparation read it, some 2 s of CPU at 500 teams with 250 failed)."""
    root = create_demo(tmp_path / "ws").parent
    assert _night(root, 23).rollup_error is None
    reads: list[list[str]] = []
    load = previous.load_previous
    prepares: list[bool] = []
    prepare = rollup_step.prepare

    def loading(path: Any, teams: Any, period: Any = None, **kw: Any) -> Any:
        reads.append(sorted(teams))
        return load(path, teams, period, **kw)

    def preparing(*args: Any, **kw: Any) -> Any:
        prepares.append(bool(kw.get("stage")))
        return prepare(*args, **kw)

    # the reader ``rollup_step.previous_workbook`` gives looks it up here at each call
    monkeypatch.setattr("sheets_sync.rollup.previous.load_previous", loading)
    monkeypatch.setattr(rollup_step, "prepare", preparing)
    result = _second_night(root)
    assert result.rollup_error is None
    assert any(r.team == "Marketing" and r.outcome.value != "ok" for r in result.runs)
    assert prepares == [True, False]  # ahead, staged; again once the writes are in
    assert reads == [["Sales"]]
    sales = [r for r in result.runs if r.team == "Sales"]
    assert sales and sales[0].outcome.value != "ok"
    from sheets_sync.rollup.schema import TAB_NAMES

    kept = pd.read_excel(
        root / "company.xlsx", sheet_name=TAB_NAMES["key_results"], engine="calamine"
    )
    stale = kept[kept["Team"] == "Sales"]
    assert len(stale) and stale["Stale data"].all()  # its last good rows, carried


def test_carried_rows_are_read_again_when_the_workbook_or_the_teams_change(
    tmp_path: Path,
) -> None:
    """What ``CarriedOnce`` gives again: the same file unchanged, the same period, the
    same teams or some of them; anything else is read."""
    book = tmp_path / "company.xlsx"
    book.write_bytes(b"one")
    loads: list[int] = []
    carried = rollup_step.CarriedOnce()

    def load(rows: dict[str, Any]) -> Any:
        def read() -> Any:
            loads.append(1)
            return dict(rows)

        return read

    two = {"Sales": StaleData(), "Ops": StaleData()}
    assert carried.read(book, ["Sales", "Ops"], "Q4", load(two)).keys() == two.keys()
    assert carried.read(book, ["Ops", "Sales"], "Q4", load(two)).keys() == two.keys()
    assert list(carried.read(book, ["Ops"], "Q4", load(two))) == ["Ops"]
    assert len(loads) == 1
    carried.read(book, ["Ops", "Finance"], "Q4", load(two))  # a team not read before
    carried.read(book, ["Ops", "Finance"], "Q3", load(two))  # another period
    assert len(loads) == 3
    book.write_bytes(b"other")  # rewritten: another size
    carried.read(book, ["Ops"], "Q3", load(two))
    assert len(loads) == 4
    book.unlink()
    assert carried.read(book, ["Ops"], "Q3", load({})) == {}
    assert len(loads) == 5
