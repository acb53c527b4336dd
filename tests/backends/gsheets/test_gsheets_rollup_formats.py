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
    # the History tab, or its staging twin: the tab whose header starts with Kind
    kind = {"userEnteredValue": {"stringValue": "Kind"}}
    (tab,) = {
        q["updateCells"]["range"]["sheetId"]
        for q in requests
        if "updateCells" in q
        and q["updateCells"]["range"]["startRowIndex"] == 0
        and {**q["updateCells"]["rows"][0]["values"][0], "userEnteredFormat": None}
        == {**kind, "userEnteredFormat": None}
    }
    repeats = [
        q["repeatCell"]
        for q in requests
        if "repeatCell" in q and q["repeatCell"]["range"]["sheetId"] == tab
    ]
    assert len(repeats) == 3
    for repeat in repeats:
        rng = repeat["range"]
        assert (rng["startRowIndex"], rng["endRowIndex"]) == (1, height)
        assert repeat["cell"] == {"userEnteredFormat": COLUMNS[rng["startColumnIndex"]]}
        assert rng["endColumnIndex"] == rng["startColumnIndex"] + 1
    # no History data cell carries a number format of its own
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


@pytest.mark.parametrize("batch", [None, 20_000], ids=["one batch", "staged"])
def test_the_table_tabs_columns_take_their_format_once_and_look_the_same(
    emulator: Emulator,
    sa_info: dict[str, Any],
    tmp_path: Path,
    teams: list[str],
    monkeypatch: pytest.MonkeyPatch,
    batch: int | None,
) -> None:
    """Each table tab's cells as the emulator holds them: the format each had in its own
    cell (``table_rows`` without ``by_column``, as before), a blank cell of a formatted
    column the column's; its number-formatted columns in one ``repeatCell`` each."""
    from sheets_sync.backends.gsheets import rollup as gsheets_rollup
    from sheets_sync.backends.gsheets.celldata import number_format
    from sheets_sync.domain.kind_formats import KIND_FORMATS
    from sheets_sync.rollup.schema import TAB_NAMES, TABLES

    out = emulator.create_spreadsheet("rollup", {"Notes": [["mine"]]})
    cfg = _workspace(tmp_path, sa_info, teams, f"gsheet:{out}")
    if batch:
        monkeypatch.setattr(staging, "BATCH_BYTES", batch)
        emulator.faults.max_payload_bytes = batch
    built: list[Any] = []
    write = gsheets_rollup.write_rollup_gsheet

    def writing(rollup: Any, *args: Any, **kw: Any) -> int:
        built.append(rollup)
        return write(rollup, *args, **kw)

    monkeypatch.setattr(gsheets_rollup, "write_rollup_gsheet", writing)
    assert _night(cfg, NIGHTS[0]).rollup_error is None
    emulator.log.clear()
    assert _night(cfg, NIGHTS[1]).rollup_error is None  # over last night's tabs
    sent = [r.body for r in emulator.log.requests if r.endpoint == "spreadsheets.batchUpdate"]
    repeats = [q["repeatCell"] for b in sent for q in b["requests"] if "repeatCell" in q]
    book = emulator.state.spreadsheets[out]
    checked = 0
    units: set[str] = set()
    for table in ("objectives", "key_results", "kpis", "alignment", "findings"):
        frame = built[-1].tables.get(table)
        if frame is None:
            continue
        before = gsheets_rollup.table_rows(frame, TABLES[table])  # a format in each cell
        sheet = next(s for s in book.sheets if s.title == TAB_NAMES[table])
        formats = [c.excel_format or KIND_FORMATS.get(c.kind.value) for c in TABLES[table]]
        column = {
            n: {"numberFormat": number_format(f)}
            for n, f in enumerate(formats)
            if f and f != "General"
        }
        in_unit = {n for n, c in enumerate(TABLES[table]) if c.unit == "Unit"}
        for r, row in enumerate(before):
            for c, data in enumerate(row):
                got = sheet.cells.get((r, c), {}).get("userEnteredFormat")
                if r and c in column:  # as each such cell had it; a blank one too now
                    if "userEnteredValue" in data:
                        assert data["userEnteredFormat"] == column[c], (table, r, c)
                    assert got == column[c], (table, r, c, got)
                else:  # a KPI's Target in `%` or `USD` too: its row's unit's format
                    assert got == data.get("userEnteredFormat"), (table, r, c, got)
                    if r and c in in_unit and got:
                        units.add(got["numberFormat"]["pattern"])
                checked += 1
    assert checked > 500
    assert units == {"0.0%", '"$"#,##0.00'}  # the KPIs' units, a cell at a time
    kpis = _reader(emulator, sa_info).open_by_key(out).worksheet("KPIs")
    shown = kpis.get(value_render_option=gspread.utils.ValueRenderOption.formatted)
    target = shown[0].index("Target")
    name = shown[0].index("Name")
    assert [(row[name], row[target]) for row in shown[1:]] == [
        ("Churn", "5.0%"),
        ("ARR", "$1,000,000.00"),
    ] * len(teams)  # through gspread, as the workbook shows them
    assert len(repeats) > 5
