"""The Google rollup leaves a number that is not finite (NaN, inf, -inf) blank, as the
workbook and the export do (``tests/rollup/test_non_finite.py``): written through real
gspread to the emulator and read back."""

from __future__ import annotations

from types import SimpleNamespace
from typing import TYPE_CHECKING, Any, cast

import pytest

from sheets_sync.backends.gsheets.rollup import write_rollup_gsheet
from sheets_sync.emulator import Emulator
from tests.rollup.test_non_finite import SCORE, TEAM, non_finite_rollup

if TYPE_CHECKING:
    from sheets_sync.workspace_spec import Workspace

pytestmark = pytest.mark.emulator


def test_the_google_rollup_leaves_each_blank(emulator: Emulator, make_client: Any) -> None:
    out = emulator.create_spreadsheet("rollup", {"Summary": [["old"]]})
    workspace = cast("Workspace", SimpleNamespace(rollup_output=f"gsheet:{out}"))
    rollup = non_finite_rollup()
    write_rollup_gsheet(rollup, workspace, make_client())
    krs = emulator.values(out, "'Key results'!A1:AZ10", "UNFORMATTED_VALUE")
    at = krs[0].index("Current")
    currents = [row[at] if at < len(row) else "" for row in krs[1:5]]
    assert currents == ["", "", "", 2.5]
    grid = emulator.values(out, "Summary!A1:AZ40", "UNFORMATTED_VALUE")
    top = next(i for i, row in enumerate(grid) if row and row[0] == TEAM)
    column = grid[top].index(SCORE)
    assert grid[top + 1][column] == ""  # the first team's -inf
    assert grid[top + 2][column] == rollup.summary[SCORE].iloc[1]
