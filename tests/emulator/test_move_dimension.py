"""moveDimension (a row or column header dragged in the Sheets UI), real gspread: the API's
own example, and what moves with a dragged column (merges, protections, the filter)."""

from __future__ import annotations

from typing import Any

import gspread
import pytest

from sheets_sync.emulator import Emulator

pytestmark = pytest.mark.emulator


def _move(sh: gspread.Spreadsheet, dimension: str, start: int, end: int, dest: int) -> None:
    source = {"sheetId": 0, "dimension": dimension, "startIndex": start, "endIndex": end}
    sh.batch_update({"requests": [{"moveDimension": {"source": source,
                                                     "destinationIndex": dest}}]})  # fmt: skip


def test_the_apis_own_example_moves_rows_1_and_2_before_row_4(
    gc: gspread.Client, emulator: Emulator
) -> None:
    """MoveDimensionRequest.destinationIndex: A1..A5 = 0..4, rows [1, 3) to 4 -> 0, 3, 1, 2, 4."""
    key = emulator.create_spreadsheet("t", {"S": [[0], [1], [2], [3], [4]]})
    sh = gc.open_by_key(key)
    _move(sh, "ROWS", 1, 3, 4)
    assert emulator.values(key, "S!A1:A5", "UNFORMATTED_VALUE") == [[0], [3], [1], [2], [4]]
    _move(sh, "ROWS", 3, 4, 0)  # and back up: row 4 (the 2) to the top
    assert emulator.values(key, "S!A1:A5", "UNFORMATTED_VALUE") == [[2], [0], [3], [1], [4]]


def test_a_dragged_column_takes_its_cells_notes_merges_protection_and_filter(
    gc: gspread.Client, emulator: Emulator
) -> None:
    rows: list[list[Any]] = [["KR", "Owner", "Score", "Mine"], ["k1", "Ann", 0.1, "x"],
                             ["k2", "Bo", 0.2, "y"]]  # fmt: skip
    key = emulator.create_spreadsheet("t", {"OKRs": rows})
    sh = gc.open_by_key(key)

    def col(c: int, r0: int = 0, r1: int = 3) -> dict[str, int]:
        return {"sheetId": 0, "startRowIndex": r0, "endRowIndex": r1,
                "startColumnIndex": c, "endColumnIndex": c + 1}  # fmt: skip

    start = {"sheetId": 0, "rowIndex": 1, "columnIndex": 2}
    note = {"updateCells": {"start": start, "rows": [{"values": [{"note": "checked"}]}],
                            "fields": "note"}}  # fmt: skip
    sh.batch_update({"requests": [
        note,
        {"mergeCells": {"range": col(3, 1, 3), "mergeType": "MERGE_ALL"}},
        {"addProtectedRange": {"protectedRange": {"range": col(2), "warningOnly": True}}},
        {"setBasicFilter": {"filter": {"range": {"sheetId": 0, "startRowIndex": 0,
                                                 "endRowIndex": 3, "startColumnIndex": 0,
                                                 "endColumnIndex": 4},
                                       "criteria": {"2": {"hiddenValues": ["0.3"]}}}}},
    ]})  # fmt: skip
    _move(sh, "COLUMNS", 2, 3, 1)  # Score dragged left of Owner
    assert emulator.values(key, "OKRs!A1:D3", "UNFORMATTED_VALUE") == [
        ["KR", "Score", "Owner", "Mine"], ["k1", 0.1, "Ann", "x"], ["k2", 0.2, "Bo"]]  # fmt: skip
    assert emulator.cell(key, "OKRs!B2")["note"] == "checked"
    _move(sh, "COLUMNS", 3, 4, 0)  # the merged column of one's own to the front
    got = sh.fetch_sheet_metadata({"fields": "sheets(merges,protectedRanges,basicFilter)"})
    (sheet,) = got["sheets"]
    assert emulator.values(key, "OKRs!A1:D2", "UNFORMATTED_VALUE") == [
        ["Mine", "KR", "Score", "Owner"], ["x", "k1", 0.1, "Ann"]]  # fmt: skip
    assert sheet["merges"] == [{"startRowIndex": 1, "endRowIndex": 3, "startColumnIndex": 0,
                                "endColumnIndex": 1}]  # fmt: skip
    assert sheet["protectedRanges"][0]["range"] == {"startRowIndex": 0,
                                                    "endRowIndex": 3, "startColumnIndex": 2,
                                                    "endColumnIndex": 3}  # fmt: skip
    assert sheet["basicFilter"]["criteria"] == {"2": {"hiddenValues": ["0.3"]}}


def test_a_move_onto_itself_changes_nothing_and_a_bad_source_is_a_400(
    gc: gspread.Client, emulator: Emulator
) -> None:
    key = emulator.create_spreadsheet("t", {"S": [[0, 1, 2]]})
    sh = gc.open_by_key(key)
    _move(sh, "COLUMNS", 1, 2, 2)
    assert emulator.values(key, "S!A1:C1", "UNFORMATTED_VALUE") == [[0, 1, 2]]
    with pytest.raises(gspread.exceptions.APIError) as info:
        _move(sh, "COLUMNS", 30, 31, 0)
    assert info.value.response.status_code == 400
    assert emulator.values(key, "S!A1:C1", "UNFORMATTED_VALUE") == [[0, 1, 2]]


def _merge(sh: gspread.Spreadsheet, r0: int, r1: int, c0: int, c1: int) -> None:
    rng = {"sheetId": 0, "startRowIndex": r0, "endRowIndex": r1,
           "startColumnIndex": c0, "endColumnIndex": c1}  # fmt: skip
    sh.batch_update({"requests": [{"mergeCells": {"range": rng, "mergeType": "MERGE_ALL"}}]})


def test_a_move_that_would_break_a_merge_apart_is_a_400_and_changes_nothing(
    gc: gspread.Client, emulator: Emulator
) -> None:
    """Merge A2:A3: its row 3 dragged to the top, or row 5 dragged between its rows, is
    refused (it was stretched to A1:A3, holding 'H1' and 'a' under an empty first cell)."""
    rows: list[list[Any]] = [["H1", "H2"], ["a", "x"], ["b", "y"], ["c", "z"], ["d", "w"]]
    key = emulator.create_spreadsheet("t", {"S": rows})
    sh = gc.open_by_key(key)
    _merge(sh, 1, 3, 0, 1)
    before = emulator.values(key, "S!A1:B5", "UNFORMATTED_VALUE")
    for start, end, dest in ((2, 3, 0), (4, 5, 2), (0, 2, 5)):
        with pytest.raises(gspread.exceptions.APIError) as info:
            _move(sh, "ROWS", start, end, dest)
        assert info.value.response.status_code == 400
        assert "breaks apart the merged cells S!A2:A3" in str(info.value)
    got = sh.fetch_sheet_metadata({"fields": "sheets(merges)"})
    assert got["sheets"][0]["merges"] == [{"startRowIndex": 1, "endRowIndex": 3,
                                           "startColumnIndex": 0, "endColumnIndex": 1}]  # fmt: skip
    assert emulator.values(key, "S!A1:B5", "UNFORMATTED_VALUE") == before
    _move(sh, "ROWS", 1, 3, 5)  # the whole merge moves, and a row past it is fine
    _move(sh, "COLUMNS", 1, 2, 0)  # as does a column beside it
    got = sh.fetch_sheet_metadata({"fields": "sheets(merges)"})
    assert got["sheets"][0]["merges"] == [{"startRowIndex": 3, "endRowIndex": 5,
                                           "startColumnIndex": 1, "endColumnIndex": 2}]  # fmt: skip


def test_a_range_a_move_cuts_is_deleted_from_and_inserted_into_as_on_those_requests(
    gc: gspread.Client, emulator: Emulator
) -> None:
    """Protected B:C, C dragged to A: C:C after (the old B), as deleting C and inserting a
    column at A gives; it was stretched to A:C. A filter over A:D, D dragged to A (a
    reordering inside it): still A:D, its criteria with their columns."""
    key = emulator.create_spreadsheet("t", {"S": [["a", "b", "c", "d", "e"]]})
    sh = gc.open_by_key(key)
    cols = {"sheetId": 0, "startColumnIndex": 1, "endColumnIndex": 3}
    table = {"sheetId": 0, "startRowIndex": 0, "endRowIndex": 1, "startColumnIndex": 0,
             "endColumnIndex": 4}  # fmt: skip
    sh.batch_update({"requests": [
        {"addProtectedRange": {"protectedRange": {"range": cols, "warningOnly": True}}},
        {"setBasicFilter": {"filter": {"range": table,
                                       "criteria": {"3": {"hiddenValues": ["x"]}}}}},
    ]})  # fmt: skip
    _move(sh, "COLUMNS", 2, 3, 0)
    assert emulator.values(key, "S!A1:E1", "UNFORMATTED_VALUE") == [["c", "a", "b", "d", "e"]]
    got = sh.fetch_sheet_metadata({"fields": "sheets(protectedRanges.range,basicFilter)"})
    (sheet,) = got["sheets"]
    assert sheet["protectedRanges"][0]["range"] == {"startColumnIndex": 2, "endColumnIndex": 3}
    _move(sh, "COLUMNS", 3, 4, 0)
    got = sh.fetch_sheet_metadata({"fields": "sheets(basicFilter)"})
    (sheet,) = got["sheets"]
    assert sheet["basicFilter"]["range"] == {k: v for k, v in table.items() if k != "sheetId"}
    assert sheet["basicFilter"]["criteria"] == {"0": {"hiddenValues": ["x"]}}
    _move(sh, "COLUMNS", 1, 2, 5)  # the filter's B dragged out past E: out of the filter
    got = sh.fetch_sheet_metadata({"fields": "sheets(basicFilter)"})
    assert got["sheets"][0]["basicFilter"]["range"]["endColumnIndex"] == 3


def test_a_destination_strictly_inside_the_source_is_a_400(
    gc: gspread.Client, emulator: Emulator
) -> None:
    """The API documents no such move: refused, where it was silently taken as no move."""
    key = emulator.create_spreadsheet("t", {"S": [["a", "b", "c", "d", "e"]]})
    sh = gc.open_by_key(key)
    with pytest.raises(gspread.exceptions.APIError) as info:
        _move(sh, "COLUMNS", 0, 3, 1)
    assert info.value.response.status_code == 400
    assert "destinationIndex 1 is inside the source [0, 3)" in str(info.value)
    _move(sh, "COLUMNS", 0, 3, 3)  # onto its own end: nothing moves, as before
    assert emulator.values(key, "S!A1:E1", "UNFORMATTED_VALUE") == [["a", "b", "c", "d", "e"]]


def test_a_filters_sort_goes_with_its_column_on_a_move_an_insertion_and_a_deletion(
    gc: gspread.Client, emulator: Emulator
) -> None:
    """A basic filter's and a filter view's sortSpecs[].dimensionIndex follow the sorted
    column; one whose column leaves the filter (dragged out, deleted) goes. Until a review
    on 2026-12-07 they stayed on the column index they were set at."""
    key = emulator.create_spreadsheet("t", {"S": [["a", "b", "c", "d", "e"], [1, 2, 3, 4, 5]]})
    sh = gc.open_by_key(key)
    rng = {"sheetId": 0, "startRowIndex": 0, "endRowIndex": 2, "startColumnIndex": 0,
           "endColumnIndex": 4}  # fmt: skip
    sort = [{"dimensionIndex": 3, "sortOrder": "DESCENDING"}]
    sh.batch_update({"requests": [
        {"setBasicFilter": {"filter": {"range": rng, "sortSpecs": sort}}},
        {"addFilterView": {"filter": {"title": "v", "range": rng, "sortSpecs": sort}}},
    ]})  # fmt: skip

    def sorts() -> list[Any]:
        got = sh.fetch_sheet_metadata({"fields": "sheets(basicFilter,filterViews)"})
        sheet = got["sheets"][0]
        filters = [sheet["basicFilter"], *sheet["filterViews"]]
        return [[s["dimensionIndex"] for s in f.get("sortSpecs", [])] for f in filters]

    _move(sh, "COLUMNS", 3, 4, 0)  # D (sorted) dragged to A
    assert emulator.values(key, "S!A1:D1", "UNFORMATTED_VALUE") == [["d", "a", "b", "c"]]
    assert sorts() == [[0], [0]]
    sh.batch_update({"requests": [{"insertDimension": {"range": {
        "sheetId": 0, "dimension": "COLUMNS", "startIndex": 0, "endIndex": 1}}}]})  # fmt: skip
    assert sorts() == [[1], [1]]  # a column inserted before it
    sh.batch_update({"requests": [{"deleteDimension": {"range": {
        "sheetId": 0, "dimension": "COLUMNS", "startIndex": 0, "endIndex": 1}}}]})  # fmt: skip
    assert sorts() == [[0], [0]]  # and deleted again
    _move(sh, "COLUMNS", 0, 1, 5)  # dragged out of the filter (A:D) to F
    assert sorts() == [[], []]
    view = sh.fetch_sheet_metadata()["sheets"][0]["filterViews"][0]["filterViewId"]
    again = {"filterViewId": view, "sortSpecs": [{"dimensionIndex": 2}]}
    sh.batch_update({"requests": [{"updateFilterView": {"filter": again, "fields": "sortSpecs"}}]})
    assert sorts() == [[], [2]]
    sh.batch_update({"requests": [{"deleteDimension": {"range": {
        "sheetId": 0, "dimension": "COLUMNS", "startIndex": 2, "endIndex": 3}}}]})  # fmt: skip
    assert sorts() == [[], []]  # its column deleted: the sort goes
