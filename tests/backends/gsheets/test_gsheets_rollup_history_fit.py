"""A Google rollup's Trends and History tabs when Google's cell limit leaves them no room:
they stay as they were, with a warning, and the publish never passes the limit."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest

from sheets_sync.backends.gsheets import staging, trends
from sheets_sync.emulator import Emulator
from sheets_sync.errors import HistoryError
from sheets_sync.rollup import load_history
from tests.backends.gsheets.test_gsheets_rollup_history import (
    NIGHTS,
    _google,
    _grids,
    _night,
    _reader,
    _workspace,
    teams,
)

__all__ = ["teams"]  # the fixture, used by name
pytestmark = [
    pytest.mark.emulator,
    pytest.mark.filterwarnings("ignore:Sparkline Group extension:UserWarning"),
]


def test_trends_that_do_not_fit_twice_stay_as_they_were(
    emulator: Emulator,
    sa_info: dict[str, Any],
    tmp_path: Path,
    teams: list[str],
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    out = emulator.create_spreadsheet("rollup", {"Notes": [["mine"]]})
    cfg = _workspace(tmp_path, sa_info, teams, f"gsheet:{out}")
    for day in NIGHTS[:2]:
        assert _night(cfg, day).rollup_error is None
    reader = _reader(emulator, sa_info)
    before = {tab: _google(reader, out, tab) for tab in ("Trends", "History")}
    grids = _grids(emulator, out)
    others = sum(c for t, c in grids.items() if t not in ("Notes", "Trends", "History"))
    # the other rollup tabs twice (staged), Trends and History once: as they are
    limit = grids["Notes"] + 2 * others + grids["Trends"] + grids["History"] + 20
    monkeypatch.setattr(trends, "CELL_LIMIT", limit)
    monkeypatch.setattr(staging, "BATCH_BYTES", 20_000)
    emulator.faults.max_payload_bytes = 20_000
    assert _night(cfg, NIGHTS[2]).rollup_error is None
    assert {tab: _google(reader, out, tab) for tab in ("Trends", "History")} == before
    assert sum(_grids(emulator, out).values()) <= limit
    said = [r.getMessage() for r in caplog.records if r.levelname == "WARNING"]
    assert any(f"gsheet:{out}" in m and "Trends and History tabs" in m for m in said), said


def _grid(emulator: Emulator, key: str, tab: str) -> tuple[int, int]:
    sheet = next(s for s in emulator.state.spreadsheets[key].sheets if s.title == tab)
    grid = sheet.properties["gridProperties"]
    return grid["rowCount"], grid["columnCount"]


def test_a_history_tab_with_room_for_no_night_stays_as_it_was(
    emulator: Emulator,
    sa_info: dict[str, Any],
    tmp_path: Path,
    teams: list[str],
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    out = emulator.create_spreadsheet("rollup", {"Notes": [["mine"]]})
    cfg = _workspace(tmp_path, sa_info, teams, f"gsheet:{out}")
    for day in NIGHTS[:2]:
        assert _night(cfg, day).rollup_error is None
    reader = _reader(emulator, sa_info)
    before = _google(reader, out, "History")
    grids = _grids(emulator, out)
    others = sum(c for t, c in grids.items() if t not in ("Notes", "Trends", "History"))
    rows, columns = _grid(emulator, out, "Trends")
    trends_new = (rows + 2) * (columns + 1)  # a night more: a row and a column, at most
    # the other tabs and Trends twice, History once as it is and some 10 rows more: no night
    limit = grids["Notes"] + 2 * others + 2 * trends_new + grids["History"]
    monkeypatch.setattr(trends, "CELL_LIMIT", limit)
    monkeypatch.setattr(staging, "BATCH_BYTES", 20_000)
    emulator.faults.max_payload_bytes = 20_000
    assert _night(cfg, NIGHTS[2]).rollup_error is None
    assert _google(reader, out, "History") == before
    assert any("2026-02-15" in r for r in _google(reader, out, "Trends"))  # tonight's
    assert sum(_grids(emulator, out).values()) <= limit
    said = [r.getMessage() for r in caplog.records if r.levelname == "WARNING"]
    assert any(f"gsheet:{out}: the Google rollup's History tab is left as it was" in m
               for m in said), said  # fmt: skip


def test_a_history_changed_while_the_google_tab_is_built_says_so(tmp_path: Path) -> None:
    """Not "the company workbook": a Google rollup writes none."""
    from tests.rollup.test_nights import _random_nights, _store

    store = _store(tmp_path / "history.sqlite", *_random_nights(1))
    history = load_history(store, 12, b"")
    assert history is not None
    with closing(sqlite3.connect(store.path)) as conn, conn:
        conn.execute("DELETE FROM kr_snapshots WHERE seq = (SELECT MIN(seq) FROM kr_snapshots)")
    message = r"changed while the Google rollup's History tab was built \(\d+ KR rows counted"
    with pytest.raises(HistoryError, match=message):
        trends.history_rows(history, 10**6)
