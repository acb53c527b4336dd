"""An upgrade keeps a Google workspace's past: a one-team Google workspace with a Google
rollup, made and synced three nights by an older sheets-sync against the emulator
(``tests/data/upgrade-google-*``, see their README), is synced by
today's code: the team sheet's owned cells updated in place and nothing else in it
changed (the emulator's saved state compared), the history's nights continued, the old
run reports and links kept, and a second run of the night changing nothing."""

from __future__ import annotations

import datetime as dt
import gzip
import json
import shutil
import sqlite3
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest

import sheets_sync
from sheets_sync.backends.gsheets.clients import clear_clients, use_emulator
from sheets_sync.backends.gsheets.transport import fake_service_account_info
from sheets_sync.emulator import run_emulator
from sheets_sync.ops.history import HistoryStore

DATA = Path(__file__).parent.parent / "data"
OLD_NIGHTS = [dt.date(2026, 11, 16), dt.date(2026, 11, 17), dt.date(2026, 11, 18)]
NIGHT = dt.date(2026, 11, 19)
OWNED = {18, 19, 20}  # OKRs' Score, Status, Sync notes (0-based columns S, T, U)

Cells = dict[tuple[str, int, int], Any]


def _workspace(tmp_path: Path, version: str) -> Path:
    fixture = DATA / f"upgrade-google-{version}"
    root = tmp_path / "ws"
    root.mkdir()
    shutil.copy(fixture / "sheets-sync.yaml", root)
    shutil.copytree(fixture / "state", root / ".sheets-sync")
    packed = root / ".sheets-sync" / "history.sqlite.gz"
    with gzip.open(packed) as saved:
        packed.with_suffix("").write_bytes(saved.read())
    packed.unlink()
    with gzip.open(fixture / "emulator.json.gz") as saved:
        (root / "emulator.json").write_bytes(saved.read())
    return root


def _books(state: Path) -> dict[str, dict[str, Any]]:
    saved = json.loads(state.read_text(encoding="utf-8"))
    return {book["properties"]["title"]: book for book in saved["spreadsheets"]}


def _cells(book: dict[str, Any]) -> Cells:
    return {(s["properties"]["title"], r, c): v for s in book["sheets"] for r, c, v in s["cells"]}


def _rest(book: dict[str, Any]) -> dict[str, Any]:
    """All of a spreadsheet but its cells and its modified time."""
    sheets = [{k: v for k, v in s.items() if k != "cells"} for s in book["sheets"]]
    return {**{k: v for k, v in book.items() if k != "modifiedTime"}, "sheets": sheets}


@pytest.fixture
def _clients() -> Iterator[None]:
    clear_clients()
    yield
    clear_clients()


@pytest.mark.usefixtures("_clients")
@pytest.mark.parametrize("version", ["fe91865", "ef774b1"])
def test_an_older_google_workspace_syncs_with_its_nights_and_cells_kept(
    tmp_path: Path, version: str
) -> None:
    root = _workspace(tmp_path, version)
    state = root / "emulator.json"
    before = _books(state)
    old_reports = sorted(p.name for p in (root / ".sheets-sync" / "runs").iterdir())
    with run_emulator(state_file=state) as emu, use_emulator(emu.host):
        (root / "sa.json").write_text(json.dumps(fake_service_account_info(emu.host)))
        ws = sheets_sync.load_workspace(root / "sheets-sync.yaml")
        result = sheets_sync.run_sync(ws, sheets_sync.SyncOptions(as_of=NIGHT))
        assert not result.failed and result.history_skipped is None
        assert result.rollup_error is None
        (ops,) = result.runs
        assert ops.changes and {c.tab for c in ops.changes} == {"OKRs"}
        clear_clients()
        again = sheets_sync.run_sync(ws, sheets_sync.SyncOptions(as_of=NIGHT))
        assert not again.failed and [len(r.changes) for r in again.runs] == [0]
    after = _books(state)

    assert after.keys() == before.keys() == {"Ops goals", "Our company rollup"}
    team_before, team_after = before["Ops goals"], after["Ops goals"]
    kept = _rest(team_after)  # today's emulator saves sharing fields the old one had not
    assert {k: kept[k] for k in team_before if k != "modifiedTime"} == _rest(team_before)
    old_cells, new_cells = _cells(team_before), _cells(team_after)
    assert old_cells.keys() == new_cells.keys()  # no owned column added beside the old ones
    moved = {ref for ref in old_cells if old_cells[ref] != new_cells[ref]}
    assert moved and {(tab, col) for tab, _row, col in moved} <= {("OKRs", c) for c in OWNED}
    rollup_tabs = [s["properties"]["title"] for s in after["Our company rollup"]["sheets"]]
    # the old tabs, then the Trends and History of its nights (since 2026-12-07)
    old_tabs = [s["properties"]["title"] for s in before["Our company rollup"]["sheets"]]
    assert rollup_tabs == [*old_tabs, "Trends", "History"]

    store = HistoryStore(root / ".sheets-sync" / "history.sqlite")
    assert [(d, kr, kpi) for d, kr, kpi in store.night_counts(12)] == [
        (night, 2, 1) for night in [*OLD_NIGHTS, NIGHT]
    ]
    with closing(sqlite3.connect(root / ".sheets-sync" / "history.sqlite")) as db:
        assert db.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone() == ("3",)
    runs = sorted(p.name for p in (root / ".sheets-sync" / "runs").iterdir())
    assert runs[: len(old_reports)] == old_reports and len(runs) == len(old_reports) + 2
