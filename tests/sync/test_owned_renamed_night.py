"""The renamed-Score warning on a night (mapping.room.renamed_warnings): a night that
writes says Score "is added" at its new place; a dry run or a night with write-back off,
which add nothing, say it "would be added" (they said "is added" until 2026-12-07), and
so does a writing night whose write is refused (the file open in Excel, read-only): it
said "is added ... delete" of a column it never added until a review on 2026-12-07."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import openpyxl
import pytest

from sheets_sync.config import load_workspace
from sheets_sync.sync.engine import Sync, SyncOptions

AS_OF = dt.date(2026, 11, 23)


def _said(
    cfg: Path,
    *,
    dry_run: bool = False,
    write_back: bool = True,
    outcome: str | None = None,
    rollup: bool = False,
) -> list[str]:
    options = SyncOptions(as_of=AS_OF, rollup=rollup, dry_run=dry_run, write_back=write_back)
    result = Sync(load_workspace(cfg)).run(options)
    run = result.runs[0]
    if outcome is not None:
        assert run.outcome.value == outcome, run.error
    said = [str(f) for f in run.findings if "not written by the sync" in f.message]
    assert run.result is not None  # packed when the night publishes: the same words
    assert said == [str(f) for f in run.result.findings if "not written by the sync" in f.message]
    return said


def _rename_score(team: Path) -> str:
    """Score renamed "Score (auto)" by hand; the renamed header's cell."""
    wb = openpyxl.load_workbook(team)
    score = next(c for c in wb["OKRs"][1] if c.value == "Score")
    score.value = "Score (auto)"
    wb.save(team)
    return f"sales.xlsx!OKRs!{score.column_letter}1"


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


@pytest.mark.parametrize(
    ("refusal", "rollup"), [("lock file", False), ("read-only", False), ("lock file", True)]
)
def test_a_night_whose_write_is_refused_says_score_would_be_added(
    workspace: Path, refusal: str, rollup: bool
) -> None:
    team = workspace.parent / "teams" / "sales.xlsx"
    _said(workspace)  # the sync's columns are there
    spot = _rename_score(team)
    lock = team.parent / f"~${team.name}"
    if refusal == "lock file":
        lock.write_bytes(b"x" * 165)  # the file open in Excel
    else:
        os.chmod(team, 0o444)
    try:
        (said,) = _said(workspace, outcome="skipped-locked", rollup=rollup)
    finally:
        lock.unlink(missing_ok=True)
        os.chmod(team, 0o644)
    new = said.split("Score would be added at ", 1)[1].split(".", 1)[0]
    assert said == (
        f"{spot}: 'Score (auto)' is not written by the sync (only 'Score' is); Score would be "
        f"added at {new}. If 'Score (auto)' was the sync's column, rename it 'Score' and none "
        "is added; if it is yours, nothing to do."
    )
    header = [c.value for c in openpyxl.load_workbook(team)["OKRs"][1]]
    assert header.count("Score (auto)") == 1 and "Score" not in header  # nothing added
