"""Protected ranges, basic filters and named ranges move with the grid when someone
inserts or deletes rows or columns, as in Sheets (real gspread)."""

from __future__ import annotations

from typing import Any

import gspread
import pytest

from sheets_sync.emulator import Emulator

pytestmark = pytest.mark.emulator

ROWS: list[list[Any]] = [["KR", "Owner", "Score"], ["k1", "Ann", 1], ["k2", "Bob", 2]]


def _dim(kind: str, dimension: str, start: int, end: int) -> dict[str, Any]:
    rng = {"sheetId": 0, "dimension": dimension, "startIndex": start, "endIndex": end}
    return {kind: {"range": rng}}


def _at(rng: dict[str, Any]) -> dict[str, Any]:
    """A GridRange's bounds (the emulator leaves out a sheetId of 0 in some places only)."""
    return {k: v for k, v in rng.items() if k != "sheetId"}


def _sheet(sh: gspread.Spreadsheet) -> dict[str, Any]:
    got = sh.fetch_sheet_metadata({"fields": "sheets(protectedRanges,basicFilter),namedRanges"})
    sheet: dict[str, Any] = got["sheets"][0]
    sheet["namedRanges"] = got.get("namedRanges", [])
    return sheet


def test_a_protected_column_moves_with_a_column_inserted_before_it(
    gc: gspread.Client, emulator: Emulator
) -> None:
    key = emulator.create_spreadsheet("t", {"OKRs": ROWS})
    emulator.protect(key, "OKRs", "C:C", description="scores", unprotected=("C3:C3",))
    sh = gc.open_by_key(key)
    sh.batch_update({"requests": [_dim("insertDimension", "COLUMNS", 0, 1)]})
    (prot,) = _sheet(sh)["protectedRanges"]
    assert _at(prot["range"]) == {"startColumnIndex": 3, "endColumnIndex": 4}
    assert [_at(u) for u in prot["unprotectedRanges"]] == [{"startRowIndex": 2, "endRowIndex": 3,
                                          "startColumnIndex": 3, "endColumnIndex": 4}]  # fmt: skip
    with pytest.raises(gspread.exceptions.APIError, match="protected cell"):
        sh.batch_update({"requests": [{"updateCells": {
            "start": {"sheetId": 0, "rowIndex": 1, "columnIndex": 3},
            "rows": [{"values": [{"userEnteredValue": {"numberValue": 9}}]}],
            "fields": "userEnteredValue"}}]})  # fmt: skip
    sh.batch_update({"requests": [_dim("deleteDimension", "COLUMNS", 3, 4)]})
    assert "protectedRanges" not in _sheet(sh)  # its cells went, and it with them


def test_a_filter_and_a_named_range_move_with_rows_and_columns(
    gc: gspread.Client, emulator: Emulator
) -> None:
    sh = gc.open_by_key(emulator.create_spreadsheet("t", {"OKRs": ROWS}))
    rng = {"sheetId": 0, "startRowIndex": 0, "endRowIndex": 3, "startColumnIndex": 0,
           "endColumnIndex": 3}  # fmt: skip
    spec = {"range": rng, "criteria": {"1": {"hiddenValues": ["Bob"]}}}
    named = {"name": "Scores", "range": {"sheetId": 0, "startRowIndex": 1, "endRowIndex": 3,
                                         "startColumnIndex": 2, "endColumnIndex": 3}}  # fmt: skip
    sh.batch_update({"requests": [{"setBasicFilter": {"filter": spec}},
                                  {"addNamedRange": {"namedRange": named}},
                                  _dim("insertDimension", "COLUMNS", 1, 2),
                                  _dim("insertDimension", "ROWS", 1, 3)]})  # fmt: skip
    sheet = _sheet(sh)
    grown = {"startRowIndex": 0, "endRowIndex": 5, "startColumnIndex": 0, "endColumnIndex": 4}
    assert _at(sheet["basicFilter"]["range"]) == grown
    assert list(sheet["basicFilter"]["criteria"]) == ["2"]  # Owner is column C now
    (moved,) = sheet["namedRanges"]
    assert _at(moved["range"]) == {"startRowIndex": 3, "endRowIndex": 5,
                              "startColumnIndex": 3, "endColumnIndex": 4}  # fmt: skip
    assert sh.values_get("Scores")["values"] == [["1"], ["2"]]
