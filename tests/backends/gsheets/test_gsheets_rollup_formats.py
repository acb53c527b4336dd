"""The Google rollup's History tab sends each column's number format once (a
``repeatCell`` over the column's data rows), not in each of its cells: they were a
quarter of the tab's bytes (until 2026-12-07). The tab looks as it did: every cell that
had a format has the same one, in one batch and staged, read back from the emulator and
through real gspread; a blank cell of such a column takes it too (it shows nothing)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import gspread
import pytest

from sheets_sync.backends.gsheets import staging
from sheets_sync.emulator import Emulator
from tests.backends.gsheets.test_gsheets_rollup_history import (
    NIGHTS,
    _night,
    _reader,
    _workspace,
    teams,
)

pytestmark = [
    pytest.mark.emulator,
    pytest.mark.filterwarnings("ignore:Sparkline Group extension:UserWarning"),
]
__all__ = ["teams"]  # the fixture, used here
DATE = {"numberFormat": {"type": "DATE", "pattern": "yyyy-mm-dd"}}
NUMBER = {"numberFormat": {"type": "NUMBER", "pattern": "0.00"}}
COLUMNS = {1: DATE, 8: NUMBER, 10: NUMBER}  # Date, Score, Expected


def _history(emulator: Emulator, key: str) -> Any:
    return next(s for s in emulator.state.spreadsheets[key].sheets if s.title == "History")


@pytest.mark.parametrize("batch", [None, 20_000], ids=["one batch", "staged"])
def test_the_history_tabs_columns_take_their_format_once(
    emulator: Emulator,
    sa_info: dict[str, Any],
    tmp_path: Path,
    teams: list[str],
    monkeypatch: pytest.MonkeyPatch,
    batch: int | None,
) -> None:
    out = emulator.create_spreadsheet("rollup", {"Notes": [["mine"]]})
    cfg = _workspace(tmp_path, sa_info, teams, f"gsheet:{out}")
    if batch:
        monkeypatch.setattr(staging, "BATCH_BYTES", batch)
        emulator.faults.max_payload_bytes = batch
    for day in NIGHTS:
        emulator.log.clear()
        assert _night(cfg, day).rollup_error is None
    sheet = _history(emulator, out)
    height = 1 + 3 * 3 * 8  # header, 3 nights x 3 teams x (6 KRs + 2 KPIs)
    sent = [
        r.body for r in emulator.log.requests if r.endpoint == "spreadsheets.batchUpdate"
    ]  # fmt: skip
    requests = [q for body in sent for q in body["requests"]]
    repeats = [q["repeatCell"] for q in requests if "repeatCell" in q]
    assert len(repeats) == 3
    for repeat in repeats:
        rng = repeat["range"]
        assert (rng["startRowIndex"], rng["endRowIndex"]) == (1, height)
        assert repeat["cell"] == {"userEnteredFormat": COLUMNS[rng["startColumnIndex"]]}
        assert rng["endColumnIndex"] == rng["startColumnIndex"] + 1
    # no History data cell carries a number format of its own
    tab = repeats[0]["range"]["sheetId"]  # the History tab, or its staging twin
    updates = [q["updateCells"] for q in requests if "updateCells" in q]
    cells = [
        c
        for u in updates
        if u["range"]["sheetId"] == tab
        for row in u["rows"][1 if u["range"]["startRowIndex"] == 0 else 0 :]
        for c in row["values"]
    ]
    assert len(cells) > 200 and not any("userEnteredFormat" in c for c in cells)
    # as the tab looked: each column's format on every data row, blank or not; the other
    # columns' cells none (no date among their values here)
    for r in range(1, height):
        for c in range(12):
            look = sheet.cells.get((r, c), {}).get("userEnteredFormat")
            assert look == COLUMNS.get(c), (r, c, look)
    assert sheet.cells[(0, 1)]["userEnteredFormat"]["textFormat"] == {"bold": True}
    ws = _reader(emulator, sa_info).open_by_key(out).worksheet("History")
    shown = ws.get(value_render_option=gspread.utils.ValueRenderOption.formatted, pad_values=False)
    assert shown[1][1] == "2026-02-13" and shown[-1][1] == "2026-02-15"
    krs = [row for row in shown[1:] if row[0] == "KR"]
    assert krs and all(len(row[8].split(".")[-1]) == 2 for row in krs), krs[0]
