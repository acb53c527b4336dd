"""The renamed-Score warning on a night (mapping.room.renamed_warnings): a night that
writes says Score "is added" at its new place; a dry run or a night with write-back off,
which add nothing, say it "would be added" (they said "is added" until 2026-12-07)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pytest

from sheets_sync.config import load_workspace
from sheets_sync.sync.engine import Sync, SyncOptions

AS_OF = dt.date(2026, 11, 23)


def _said(cfg: Path, *, dry_run: bool = False, write_back: bool = True) -> list[str]:
    options = SyncOptions(as_of=AS_OF, rollup=False, dry_run=dry_run, write_back=write_back)
    result = Sync(load_workspace(cfg)).run(options)
    return [str(f) for f in result.runs[0].findings if "not written by the sync" in f.message]


@pytest.mark.parametrize(("dry_run", "write_back"), [(True, True), (False, False)])
def test_a_night_that_writes_nothing_says_score_would_be_added(
    workspace: Path, dry_run: bool, write_back: bool
) -> None:
    team = workspace.parent / "teams" / "sales.xlsx"
    _said(workspace)  # the sync's columns are there
    wb = openpyxl.load_workbook(team)
    header = wb["OKRs"][1]
    score = next(c for c in header if c.value == "Score")
    score.value = "Score (auto)"
    wb.save(team)
    spot = f"sales.xlsx!OKRs!{score.column_letter}1"  # the renamed header
    (said,) = _said(workspace, dry_run=dry_run, write_back=write_back)
    new = said.split("Score would be added at ", 1)[1].split(".", 1)[0]
    assert said == (
        f"{spot}: 'Score (auto)' is not written by the sync (only 'Score' is); Score would be "
        f"added at {new}. If 'Score (auto)' was the sync's column, rename it 'Score' and none "
        "is added; if it is yours, nothing to do."
    )
    (said,) = _said(workspace)  # the night that adds it
    assert said == (
        f"{spot}: 'Score (auto)' is not written by the sync (only 'Score' is); Score is "
        f"added at {new}. If 'Score (auto)' was the sync's column, rename it 'Score' and "
        f"delete {new}; if it is yours, nothing to do."
    )
