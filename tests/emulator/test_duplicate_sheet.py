"""``duplicateSheet`` in batchUpdate (real gspread, ``Worksheet.duplicate``), as Sheets API
v4's DuplicateSheetRequest documents it: the copy takes ``newSheetName`` (one is chosen
when empty), ``newSheetId`` (chosen when unset; a taken one is refused) and
``insertSheetIndex`` (the tabs after it move up one); its cells, merges, filter and
protections are the source's, on the new sheet. Refused as an unknown request until
2026-12-07."""

from __future__ import annotations

from typing import Any

import gspread
import pytest

from sheets_sync.emulator import Emulator

pytestmark = pytest.mark.emulator

ROWS: list[list[Any]] = [["KR", "Score"], ["k1", 0.1], ["k2", "=B2*2"]]


def _book(gc: gspread.Client, emulator: Emulator) -> gspread.Spreadsheet:
    key = emulator.create_spreadsheet("t", {"OKRs": ROWS, "KPIs": [["K"]]})
    return gc.open_by_key(key)


def test_a_tab_duplicated_through_gspread_has_the_source_cells_under_its_new_name(
    gc: gspread.Client, emulator: Emulator
) -> None:
    sh = _book(gc, emulator)
    source = sh.worksheet("OKRs")
    source.merge_cells("A1:B1")
    sh.batch_update(
        {"requests": [{"setBasicFilter": {"filter": {"range": {"sheetId": source.id}}}}]}
    )
    copy = source.duplicate(insert_sheet_index=1, new_sheet_id=77, new_sheet_name="OKRs Q1")
    assert (copy.title, copy.id, copy.index) == ("OKRs Q1", 77, 1)
    assert [ws.title for ws in sh.worksheets()] == ["OKRs", "OKRs Q1", "KPIs"]
    assert copy.get_all_values() == [["KR", ""], ["k1", "0.1"], ["k2", "0.2"]]
    assert (
        copy.acell("B3", value_render_option=gspread.utils.ValueRenderOption.formula).value
        == "=B2*2"
    )
    meta = sh.fetch_sheet_metadata()
    by_id = {s["properties"]["sheetId"]: s for s in meta["sheets"]}
    assert by_id[77]["merges"] == [
        {
            "sheetId": 77,
            "startRowIndex": 0,
            "endRowIndex": 1,
            "startColumnIndex": 0,
            "endColumnIndex": 2,
        }
    ]
    assert by_id[77]["basicFilter"]["range"]["sheetId"] == 77
    assert "sheetId" not in by_id[0]["basicFilter"]["range"]  # the source's (0) as it was
    copy.update_acell("A2", "changed")  # the two are apart
    assert source.acell("A2").value == "k1"


def test_an_unnamed_copy_is_named_after_its_source_and_goes_after_it(
    gc: gspread.Client, emulator: Emulator
) -> None:
    sh = _book(gc, emulator)
    first = sh.worksheet("OKRs").duplicate()
    second = sh.worksheet("OKRs").duplicate()
    assert (first.title, second.title) == ("Copy of OKRs", "Copy of OKRs 2")
    assert first.id not in (0, second.id)
    assert [ws.title for ws in sh.worksheets()] == [
        "OKRs",
        "Copy of OKRs 2",
        "Copy of OKRs",
        "KPIs",
    ]


def test_a_copy_of_a_protected_tab_is_protected_under_new_ids(
    gc: gspread.Client, emulator: Emulator
) -> None:
    sh = _book(gc, emulator)
    emulator.protect(sh.id, "OKRs", "B2:B3", description="scores")
    copy = sh.worksheet("OKRs").duplicate(new_sheet_name="Copy")
    sheets = {s["properties"]["title"]: s for s in sh.fetch_sheet_metadata()["sheets"]}
    (mine,) = sheets["Copy"]["protectedRanges"]
    (theirs,) = sheets["OKRs"]["protectedRanges"]
    assert mine["range"]["sheetId"] == copy.id and mine["description"] == "scores"
    assert mine["protectedRangeId"] != theirs["protectedRangeId"]


def test_a_protection_backed_by_a_named_range_is_not_copied(
    gc: gspread.Client, emulator: Emulator
) -> None:
    """The named range is not copied, so the copy's protection, under the same
    ``namedRangeId``, guarded the source's cells from the copy's list."""
    sh = _book(gc, emulator)
    added = sh.batch_update(
        {
            "requests": [
                {"addNamedRange": {"namedRange": {"name": "scores", "range": {"sheetId": 0}}}},
                {"addProtectedRange": {"protectedRange": {"range": {"sheetId": 0}}}},
            ]
        }
    )
    named = added["replies"][0]["addNamedRange"]["namedRange"]["namedRangeId"]
    backed = {"namedRangeId": named, "description": "by name"}
    sh.batch_update({"requests": [{"addProtectedRange": {"protectedRange": backed}}]})
    sh.worksheet("OKRs").duplicate(new_sheet_name="Copy")
    sheets = {s["properties"]["title"]: s for s in sh.fetch_sheet_metadata()["sheets"]}
    assert [p.get("namedRangeId") for p in sheets["OKRs"]["protectedRanges"]] == [None, named]
    (mine,) = sheets["Copy"]["protectedRanges"]  # the one on a range, moved to the copy
    assert (
        "namedRangeId" not in mine
        and mine["range"]["sheetId"] == sheets["Copy"]["properties"]["sheetId"]
    )


@pytest.mark.parametrize(
    ("request_", "said"),
    [
        ({"sourceSheetId": 5}, "No grid with id: 5"),
        (
            {"sourceSheetId": 0, "newSheetName": "kpis"},
            'A sheet with the name "kpis" already exists',
        ),
        ({"sourceSheetId": 0, "newSheetId": 0}, "A sheet with id 0 already exists"),
        # "If set, it must be non-negative" (the API): it was taken, and its message said
        # that a sheet with id -5 already existed
        ({"sourceSheetId": 0, "newSheetId": -5}, "newSheetId must be non-negative, got -5"),
    ],
)
def test_a_bad_duplicate_is_a_400_and_changes_nothing(
    gc: gspread.Client, emulator: Emulator, request_: dict[str, Any], said: str
) -> None:
    sh = _book(gc, emulator)
    with pytest.raises(gspread.exceptions.APIError) as info:
        sh.batch_update({"requests": [{"duplicateSheet": request_}]})
    assert info.value.response.status_code == 400
    assert said in str(info.value)
    assert [ws.title for ws in sh.worksheets()] == ["OKRs", "KPIs"]
