"""A Google rollup's Trends and History tabs never take a tab of those names the rollup
did not make (a user's own History or trends tab keeps every cell, a protected one no
longer fails the night); those it made it keeps rewriting."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from sheets_sync.backends.gsheets import staging, trends
from sheets_sync.emulator import Emulator
from sheets_sync.rollup.history import BURNUP_TITLE
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


def test_a_users_history_and_trends_tabs_keep_every_cell(
    emulator: Emulator,
    sa_info: dict[str, Any],
    tmp_path: Path,
    teams: list[str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    mine = [["finance's hand-kept log"], ["2025-Q4", "board notes"]]
    out = emulator.create_spreadsheet("rollup", {"History": mine, "trends": [["my pivot"]]})
    cfg = _workspace(tmp_path, sa_info, teams, f"gsheet:{out}")
    for day in NIGHTS[:2]:
        assert _night(cfg, day).rollup_error is None
    reader = _reader(emulator, sa_info)
    titles = [w.title for w in reader.open_by_key(out).worksheets()]
    assert "trends" in titles and "Trends" not in titles  # not renamed
    assert _google(reader, out, "History") == mine
    assert _google(reader, out, "trends") == [["my pivot"]]
    said = [r.getMessage() for r in caplog.records if "not made by sheets-sync" in r.getMessage()]
    assert len(said) == 2  # once a night
    assert f"gsheet:{out}" in said[0] and "'History'" in said[0] and "'trends'" in said[0]


def test_a_users_protected_history_tab_does_not_fail_the_night(
    emulator: Emulator, sa_info: dict[str, Any], tmp_path: Path, teams: list[str]
) -> None:
    out = emulator.create_spreadsheet("rollup", {"History": [["finance's locked log"]]})
    emulator.protect(out, "History", None, description="finance only")
    cfg = _workspace(tmp_path, sa_info, teams, f"gsheet:{out}")
    for day in NIGHTS[:2]:
        assert _night(cfg, day).rollup_error is None
    reader = _reader(emulator, sa_info)
    assert _google(reader, out, "History") == [["finance's locked log"]]
    assert _google(reader, out, "Trends")[0] == [BURNUP_TITLE]


def test_the_tabs_it_made_it_keeps_rewriting(
    emulator: Emulator, sa_info: dict[str, Any], tmp_path: Path, teams: list[str]
) -> None:
    out = emulator.create_spreadsheet("rollup", {"Notes": [["mine"]]})
    cfg = _workspace(tmp_path, sa_info, teams, f"gsheet:{out}")
    for day in NIGHTS:
        assert _night(cfg, day).rollup_error is None
    history = _google(_reader(emulator, sa_info), out, "History")
    assert {r[1] for r in history[1:]} == {46066, 46067, 46068}  # every night, ours


def test_the_tabs_a_staged_publish_made_are_its_own(
    emulator: Emulator,
    sa_info: dict[str, Any],
    tmp_path: Path,
    teams: list[str],
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    monkeypatch.setattr(staging, "BATCH_BYTES", 20_000)
    emulator.faults.max_payload_bytes = 20_000
    out = emulator.create_spreadsheet("rollup", {"Notes": [["mine"]]})
    cfg = _workspace(tmp_path, sa_info, teams, f"gsheet:{out}")
    for day in NIGHTS[:2]:
        assert _night(cfg, day).rollup_error is None
    history = _google(_reader(emulator, sa_info), out, "History")
    assert {r[1] for r in history[1:]} == {46066, 46067}
    assert "not made by sheets-sync" not in caplog.text


def test_trends_beside_a_users_history_tab_still_fit_the_limit(
    emulator: Emulator,
    sa_info: dict[str, Any],
    tmp_path: Path,
    teams: list[str],
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    out = emulator.create_spreadsheet("rollup", {"History": [["finance's log"]]})
    cfg = _workspace(tmp_path, sa_info, teams, f"gsheet:{out}")
    assert _night(cfg, NIGHTS[0]).rollup_error is None
    reader = _reader(emulator, sa_info)
    before = _google(reader, out, "Trends")
    grids = _grids(emulator, out)
    others = sum(c for t, c in grids.items() if t not in ("Trends", "History"))
    limit = grids["History"] + 2 * others + grids["Trends"] + 20  # Trends once, not twice
    monkeypatch.setattr(trends, "CELL_LIMIT", limit)
    assert _night(cfg, NIGHTS[1]).rollup_error is None
    assert _google(reader, out, "Trends") == before
    assert sum(_grids(emulator, out).values()) <= limit
    assert "Trends and History tabs are left as they were" in caplog.text
