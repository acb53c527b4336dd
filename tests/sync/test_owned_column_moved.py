"""An owned column a mapping change moves (the sync wrote Status under ``Status``; the
mapping now says ``status: [Sync status]``): the old column is the team's now. The sync
cannot tell its last values from a team's own (a team's ``Status`` typed by hand reads
the same), so it never clears or writes it, and says nothing each night (a warning for
such columns fired on teams' own, and was taken out: read-cache FORMAT 44). Pinned here;
docs/mappings.md says what to do with the old column."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl

from sheets_sync.config import load_workspace
from sheets_sync.sync.engine import Sync, SyncOptions
from sheets_sync.sync.outcome import Outcome
from tests.conftest import CONFIG, write_team

AS_OF = dt.date(2026, 11, 23)
MOVED = "name: mine\nokrs:\n  sheet: [OKRs]\n  columns:\n    status: [Sync status]\n"


def _column(path: Path, header: str) -> list[object]:
    sheet = openpyxl.load_workbook(path)["OKRs"]
    head = [c.value for c in sheet[1]]
    at = head.index(header)
    return [row[at] for row in sheet.iter_rows(min_row=2, values_only=True)]


def test_the_old_owned_column_is_left_as_it_is(tmp_path: Path) -> None:
    team = write_team(tmp_path / "teams" / "sales.xlsx")
    config = tmp_path / "sheets-sync.yaml"
    config.write_text(CONFIG, encoding="utf-8")
    first = Sync(load_workspace(config)).run(SyncOptions(as_of=AS_OF, rollup=False)).runs[0]
    assert first.outcome is Outcome.OK, first.error
    written = _column(team, "Status")
    assert any(v is not None for v in written)

    (tmp_path / "mappings").mkdir()
    (tmp_path / "mappings" / "mine.yaml").write_text(MOVED, encoding="utf-8")
    moved = CONFIG.replace("source: teams/sales.xlsx}", "source: teams/sales.xlsx, mapping: mine}")
    config.write_text(moved, encoding="utf-8")
    second = Sync(load_workspace(config)).run(SyncOptions(as_of=AS_OF, rollup=False)).runs[0]
    assert second.outcome is Outcome.OK, second.error
    assert _column(team, "Status") == written  # the team's now: not cleared, not written
    assert _column(team, "Sync status") == written  # the sync's, added right of the data
