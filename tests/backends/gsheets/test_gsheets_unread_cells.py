"""A Google team's key result whose Owner still showed ``Loading...`` (an IMPORTRANGE not
fetched when the night's read came) and whose Due date is a typo: read through the same
parse as an Excel file's, each error said on its cell, and the key result scored with the
two fields blank (until 2026-12-07 it was left out of the night's scores; live emulator,
real gspread; docs/scoring.md, "A cell in error")."""

from __future__ import annotations

from typing import Any

import pytest

from sheets_sync.backends.gsheets.backend import GoogleSheetsBackend
from sheets_sync.emulator import Emulator
from sheets_sync.mapping.extract import extract
from sheets_sync.mapping.parse import build_team_input
from sheets_sync.mapping.spec import load_mapping

pytestmark = pytest.mark.emulator


def test_a_loading_owner_and_a_bad_due_date_leave_the_key_result_scored(
    emulator: Emulator, client: Any
) -> None:
    okrs: list[list[Any]] = [
        ["Objective ID", "KR ID", "Owner", "Start", "Target", "Current", "Due date"],
        ["O1", "KR1", '=IMPORTRANGE("x", "A1")', 0, 10, 5, "2026-02-30"],
        ["O1", "KR2", "Bob", 0, 10, "lots", "2026-03-31"],
    ]
    key = emulator.create_spreadsheet("t", {"OKRs": okrs})
    with emulator.state.lock:  # as Google answers a fetch not done yet
        sheet = emulator.state.spreadsheets[key].sheets[0]
        sheet.cells[(1, 2)] = {"effectiveValue": {"errorValue": {"type": "LOADING"}}}
    data = GoogleSheetsBackend(client, key).read(["OKRs"])
    team = build_team_input("Sales", extract(data, load_mapping("standard")))
    assert [kr.id for kr in team.key_results] == ["KR1"]  # KR2's Current is needed
    (kr,) = team.key_results
    assert (kr.owner, kr.due, kr.current) == (None, None, 5.0)
    assert kr.unread == {"owner", "due"}
    errors = [str(f) for f in team.findings if f.is_error]
    assert [e.split(": ")[0] for e in errors] == [
        f"{data.source}!OKRs!C2",
        f"{data.source}!OKRs!G2",
        f"{data.source}!OKRs!F3",
    ]
    assert errors[0].split(": ", 1)[1].startswith("the cell still showed Loading... when")
