"""An Excel night whose writes end otherwise than assumed (a team file open elsewhere)
prepares its rollup twice: once while the workers write, again once they are done; the
previous workbook is read by the first only (until 2026-12-07 by each). What makes the
Google read-back test (``tests/backends/gsheets/test_gsheets_rollup_read_once.py``) mean
something. Here, not
beside it: the gsheets folder's emulator thread runs in the process while its tests run,
and a night in a process with another thread forks no workers (``workers.worker_count``),
so prepares nothing ahead (one read, a failure whenever an emulator test ran first)."""

from __future__ import annotations

import errno
import os
import time
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from sheets_sync.backends.excel import extent
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
    load = previous.read_previous
    prepares: list[bool] = []
    prepare = rollup_step.prepare

    def loading(path: Any, teams: Any, period: Any = None, **kw: Any) -> Any:
        reads.append(sorted(teams))
        return load(path, teams, period, **kw)

    def preparing(*args: Any, **kw: Any) -> Any:
        prepares.append(bool(kw.get("stage")))
        return prepare(*args, **kw)

    # the reader ``rollup_step.previous_workbook`` gives looks it up here at each call
    monkeypatch.setattr("sheets_sync.rollup.previous.read_previous", loading)
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


def test_a_read_that_failed_is_not_carried_but_read_again(
    eight_cpus: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The first preparation's read of last night's workbook fails once (EMFILE while
    the workers write): logged, no last good data, and not kept: the second preparation
    reads it again and Sales keeps its rows. For a few hours on 2026-12-07 the failure's
    ``{}`` was given again, and Sales's rows were lost tonight and so for good."""
    root = create_demo(tmp_path / "ws").parent
    assert _night(root, 23).rollup_error is None
    real = extent.read_workbook
    reads: list[str] = []

    def flaky(path: Any, *args: Any, **kw: Any) -> Any:
        if str(path).endswith("company.xlsx"):
            reads.append(str(path))
            if len(reads) == 1:
                raise OSError(errno.EMFILE, "Too many open files")
        return real(path, *args, **kw)

    monkeypatch.setattr(extent, "read_workbook", flaky)
    result = _second_night(root)
    assert result.rollup_error is None
    assert len(reads) == 2  # the failed read, then the second preparation's
    from sheets_sync.rollup.schema import TAB_NAMES

    kept = pd.read_excel(
        root / "company.xlsx", sheet_name=TAB_NAMES["key_results"], engine="calamine"
    )
    stale = kept[kept["Team"] == "Sales"]
    assert len(stale) and stale["Stale data"].all()


def test_carried_rows_are_read_again_when_only_the_change_time_moved(tmp_path: Path) -> None:
    """A workbook rewritten to the same size and given back its modification time (a copy
    that keeps times, a restore) is another file's content: its change time moved, and
    its rows are read again (until 2026-12-07 the key was inode, size, mtime)."""
    book = tmp_path / "company.xlsx"
    book.write_bytes(b"one")
    loads: list[int] = []
    carried = rollup_step.CarriedOnce()

    def load() -> Any:
        loads.append(1)
        return {"Ops": StaleData()}

    carried.read(book, ["Ops"], "Q4", load)
    before = os.stat(book)
    deadline = time.monotonic() + 30  # a hang guard: ctime moves at the clock's tick
    while os.stat(book).st_ctime_ns == before.st_ctime_ns and time.monotonic() < deadline:
        time.sleep(0.01)
        book.write_bytes(b"two")
        os.utime(book, ns=(before.st_atime_ns, before.st_mtime_ns))
    after = os.stat(book)
    assert (after.st_ino, after.st_size, after.st_mtime_ns) == (
        before.st_ino,
        before.st_size,
        before.st_mtime_ns,
    )
    carried.read(book, ["Ops"], "Q4", load)
    assert len(loads) == 2


def test_a_failed_load_is_not_kept(tmp_path: Path) -> None:
    """``load`` gives None (the workbook could not be read): ``{}`` tonight, and the
    next read loads again."""
    book = tmp_path / "company.xlsx"
    book.write_bytes(b"one")
    got: list[dict[str, Any] | None] = [None, {"Ops": StaleData()}]
    carried = rollup_step.CarriedOnce()
    assert carried.read(book, ["Ops"], "Q4", lambda: got.pop(0)) == {}
    assert list(carried.read(book, ["Ops"], "Q4", lambda: got.pop(0))) == ["Ops"]
    assert got == []
