"""A Google rollup's Trends and History tabs when Google's cell limit leaves them no room:
they stay as they were, with a warning, and the publish never passes the limit."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from sheets_sync.backends.gsheets import staging, trends
from sheets_sync.emulator import Emulator
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
