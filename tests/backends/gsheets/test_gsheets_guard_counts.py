"""The run's writes of a sheet (``guard.written``) and a backend's own writes: what tells
a team whether the sheet moved by the run's hand since its read. A write whose check
failed (CONFLICTED) sent nothing and is not counted; until 2026-12-07 it was, and a later
team of the sheet asked Drive (and maybe read its tabs again) for a write that never
happened. Live emulator; the lead's edits go through a second real gspread client."""

from __future__ import annotations

from typing import Any

import pytest

from sheets_sync.backends.gsheets import guard
from sheets_sync.backends.gsheets.backend import GoogleSheetsBackend
from sheets_sync.emulator import Emulator
from sheets_sync.errors import ConflictError
from sheets_sync.grid import CellWrite
from tests.backends.gsheets.test_gsheets_guard import OKRS, _lead

pytestmark = pytest.mark.emulator

B_WRITE = [CellWrite("B OKRs", 2, 4, 0.4)]
A_WRITE = [CellWrite("OKRs", 2, 4, 0.4)]


def test_a_conflicted_write_is_not_counted_among_the_runs_writes_of_the_sheet(
    emulator: Emulator, client: Any, sa_info: dict[str, Any]
) -> None:
    """Team A reads, the lead edits A's tab, team B reads the sheet as the lead left it,
    A's write is CONFLICTED (nothing sent): B's write is checked as read, its version
    asked of Drive once, no second look at its tabs."""
    key = emulator.create_spreadsheet("Shared", {"OKRs": OKRS, "B OKRs": OKRS})
    a = GoogleSheetsBackend(client, key, once=True)
    b = GoogleSheetsBackend(client, key, once=True)
    data_a = a.read(["OKRs"])
    _lead(emulator, sa_info).open_by_key(key).worksheet("OKRs").update_acell("Z40", "lead's")
    data_b = b.read(["B OKRs"])
    with pytest.raises(ConflictError, match="changed since it was read"):
        a.write(data_a, A_WRITE)
    assert guard.written(client, key) == 0
    b.write(data_b, B_WRITE)
    assert guard.written(client, key) == 1
    assert (b.api_calls, b.drive_calls) == (2, 2)  # read + write; before the read + check
    assert emulator.values(key, "B OKRs!D2", "UNFORMATTED_VALUE") == [[0.4]]
    assert emulator.values(key, "OKRs!D2", "UNFORMATTED_VALUE") == []  # A: nothing sent


def test_a_library_callers_second_write_asks_drive_only_for_its_check(
    emulator: Emulator, client: Any
) -> None:
    """A backend that may write again (``once=False``) of a sheet two backends read: its
    second write is checked against the version its first left, one Drive call; until
    2026-12-07 it took its own first write for a sheet-mate's and asked Drive once more."""
    key = emulator.create_spreadsheet("Shared", {"OKRs": OKRS, "B OKRs": OKRS})
    x = GoogleSheetsBackend(client, key)
    data = x.read(["OKRs"])
    GoogleSheetsBackend(client, key).read(["B OKRs"])  # the sheet read twice: versions kept
    x.write(data, A_WRITE)
    assert x.drive_calls == 3  # before the read, the check, the version the write left
    x.write(data, [CellWrite("OKRs", 2, 4, 0.5)])
    assert (x.api_calls, x.drive_calls) == (3, 5)
    assert emulator.values(key, "OKRs!D2", "UNFORMATTED_VALUE") == [[0.5]]


def test_a_library_callers_second_write_after_a_sheet_mates_does_not_read_again(
    emulator: Emulator, client: Any
) -> None:
    """A sheet-mate wrote between its two writes: its tabs as read are not its tabs since
    its own first write, so no look at them tells the sheet-mate's move from an edit:
    CONFLICTED, nothing written, no read for it (until 2026-12-07 its tabs were read again
    and compared with the read its own write had changed: CONFLICTED, one read more)."""
    key = emulator.create_spreadsheet("Shared", {"OKRs": OKRS, "B OKRs": OKRS})
    x, y = GoogleSheetsBackend(client, key), GoogleSheetsBackend(client, key, once=True)
    data_x, data_y = x.read(["OKRs"]), y.read(["B OKRs"])
    x.write(data_x, A_WRITE)
    y.write(data_y, B_WRITE)  # held: its tabs read again, as read: written
    assert emulator.values(key, "B OKRs!D2", "UNFORMATTED_VALUE") == [[0.4]]
    with pytest.raises(ConflictError, match="changed since it was read"):
        x.write(data_x, [CellWrite("OKRs", 2, 4, 0.5)])
    assert (x.api_calls, x.drive_calls) == (2, 4)
    assert emulator.values(key, "OKRs!D2", "UNFORMATTED_VALUE") == [[0.4]]
