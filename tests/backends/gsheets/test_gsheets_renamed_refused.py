"""A Google team's night whose write Google refuses (the sheet shared as Viewer) says a
renamed Score column's Score "would be added", as nothing was: it said "is added at V1
... delete V1" of a column it never added until a review on 2026-12-07. Google teams are
written where they are planned (``TeamSteps.write``), not in a write worker."""

from __future__ import annotations

from pathlib import Path

import pytest

from sheets_sync.backends.gsheets.transport import fake_service_account_info
from sheets_sync.emulator import Emulator
from sheets_sync.sync.outcome import Outcome
from tests.backends.gsheets.test_gsheets_quarter import HEADERS, ROWS
from tests.support.google import sync_google_team

pytestmark = pytest.mark.emulator


def _letter(index: int) -> str:
    """The column letter of a 0-based index (A to Z)."""
    return chr(ord("A") + index)


def test_a_refused_google_write_says_score_would_be_added(
    emulator: Emulator, tmp_path: Path
) -> None:
    header = ["Score (auto)" if h == "Score" else h for h in HEADERS]
    spot, new = f"{_letter(header.index('Score (auto)'))}1", f"{_letter(len(header))}1"
    key = emulator.create_spreadsheet(
        "Marketing goals", {"OKRs": [header, *ROWS[1:]]}, owner="lu@example.com", shared_with=[]
    )
    email = fake_service_account_info(emulator.host)["client_email"]
    emulator.state.spreadsheets[key].viewers.append(email)
    run = sync_google_team(emulator, tmp_path, "Marketing", key)
    assert run.outcome is Outcome.FAILED and run.error and "not edit it" in run.error
    said = [(f.tab, f.cell, f.message) for f in run.findings if "not written by" in f.message]
    assert said == [
        (
            "OKRs",
            spot,
            f"'Score (auto)' is not written by the sync (only 'Score' is); Score would be "
            f"added at {new}. If 'Score (auto)' was the sync's column, rename it 'Score' and "
            "none is added; if it is yours, nothing to do.",
        )
    ]
    cells = emulator.state.spreadsheets[key].sheets[0].cells
    assert max(c for r, c in cells if r == 0) == len(header) - 1  # no column added
