"""copyPaste as the Sheets API documents it (real gspread): from one tab to another, each
``pasteType`` taking its part of the cells, a protected destination refusing the batch;
and the ``before_request`` and ``after_request`` hooks that let a test read or fail one
request of a run, or answer it late."""

from __future__ import annotations

from typing import Any

import gspread
import pytest

from sheets_sync.emulator import Emulator
from sheets_sync.emulator.errors import ApiError

pytestmark = pytest.mark.emulator

BOLD = {"textFormat": {"bold": True}}


def _grid(sheet_id: int, rows: int, cols: int) -> dict[str, int]:
    return {
        "sheetId": sheet_id,
        "startRowIndex": 0,
        "endRowIndex": rows,
        "startColumnIndex": 0,
        "endColumnIndex": cols,
    }


def _paste(sh: gspread.Spreadsheet, src: int, dst: int, kind: str) -> None:
    sh.batch_update(
        {
            "requests": [
                {
                    "copyPaste": {
                        "source": _grid(src, 2, 2),
                        "destination": _grid(dst, 2, 2),
                        "pasteType": kind,
                        "pasteOrientation": "NORMAL",
                    }
                }
            ]
        }
    )


def _setup(gc: gspread.Client, emulator: Emulator) -> tuple[gspread.Spreadsheet, str, int, int]:
    key = emulator.create_spreadsheet(
        "t", {"Real": [["old", 1], ["old", 2]], "Staged": [["new", 5], ["", ""]]}
    )
    sh = gc.open_by_key(key)
    real, staged = (ws.id for ws in sh.worksheets())
    cell: dict[str, Any] = {"userEnteredFormat": BOLD}
    for sheet_id in (staged,):  # the staged A1 is bold, the real one is not
        sh.batch_update(
            {
                "requests": [
                    {
                        "repeatCell": {
                            "range": _grid(sheet_id, 1, 1),
                            "cell": cell,
                            "fields": "userEnteredFormat",
                        }
                    }
                ]
            }
        )
    return sh, key, real, staged


def test_paste_normal_across_tabs_replaces_whole_cells_blanks_included(
    gc: gspread.Client, emulator: Emulator
) -> None:
    sh, key, real, staged = _setup(gc, emulator)
    _paste(sh, staged, real, "PASTE_NORMAL")
    assert emulator.values(key, "Real!A1:B2", "UNFORMATTED_VALUE") == [["new", 5]]
    assert emulator.cell_format(key, "Real!A1") == BOLD
    assert sh.worksheets()[0].id == real  # the tab keeps its id


def test_paste_values_keeps_the_destination_format_and_paste_format_its_values(
    gc: gspread.Client, emulator: Emulator
) -> None:
    sh, key, real, staged = _setup(gc, emulator)
    _paste(sh, staged, real, "PASTE_VALUES")
    assert emulator.values(key, "Real!A1:B2", "UNFORMATTED_VALUE") == [["new", 5]]
    assert emulator.cell_format(key, "Real!A1") == {}
    key2 = _setup(gc, emulator)
    sh, key, real, staged = key2
    _paste(sh, staged, real, "PASTE_FORMAT")
    assert emulator.values(key, "Real!A1:B2", "UNFORMATTED_VALUE") == [["old", 1], ["old", 2]]
    assert emulator.cell_format(key, "Real!A1") == BOLD


def test_a_paste_into_a_protected_range_refuses_the_batch(
    gc: gspread.Client, emulator: Emulator
) -> None:
    sh, key, real, staged = _setup(gc, emulator)
    emulator.protect(key, "Real", "B2", description="CFO")
    with pytest.raises(gspread.exceptions.APIError) as info:
        _paste(sh, staged, real, "PASTE_NORMAL")
    assert info.value.response.status_code == 400
    assert "You are trying to edit a protected cell" in str(info.value)
    assert emulator.values(key, "Real!A1:B2", "UNFORMATTED_VALUE") == [["old", 1], ["old", 2]]


def test_a_conditional_formatting_paste_is_refused_as_not_modelled(
    gc: gspread.Client, emulator: Emulator
) -> None:
    """Google's PASTE_CONDITIONAL_FORMATTING copies the source's conditional format rules;
    the emulator copies none, so it refuses it (it took it and moved nothing)."""
    sh, key, real, staged = _setup(gc, emulator)
    with pytest.raises(gspread.exceptions.APIError) as info:
        _paste(sh, staged, real, "PASTE_CONDITIONAL_FORMATTING")
    assert info.value.response.status_code == 400
    assert "PASTE_CONDITIONAL_FORMATTING is not modelled" in str(info.value)
    assert emulator.values(key, "Real!A1:B2", "UNFORMATTED_VALUE") == [["old", 1], ["old", 2]]


def test_before_request_sees_each_request_and_may_fail_one(
    gc: gspread.Client, emulator: Emulator
) -> None:
    sh, key, real, staged = _setup(gc, emulator)
    seen: list[tuple[str, str | None]] = []

    def hook(endpoint: str, sid: str | None) -> None:
        seen.append((endpoint, sid))
        if endpoint == "spreadsheets.batchUpdate":
            raise ApiError(503, "The service is currently unavailable.")

    emulator.faults.before_request = hook
    with pytest.raises(gspread.exceptions.APIError) as info:
        _paste(sh, staged, real, "PASTE_NORMAL")
    assert info.value.response.status_code == 503
    assert ("spreadsheets.batchUpdate", key) in seen
    emulator.reset()
    assert emulator.faults.before_request is None


def test_after_request_runs_once_the_write_is_in_place_before_the_answer(
    gc: gspread.Client, emulator: Emulator
) -> None:
    sh, key, real, staged = _setup(gc, emulator)
    seen: list[Any] = []

    def hook(endpoint: str, sid: str | None) -> None:
        if endpoint == "spreadsheets.batchUpdate":  # what another reader sees meanwhile
            seen.append(emulator.values(key, "Real!A1:B2", "UNFORMATTED_VALUE"))

    emulator.faults.after_request = hook
    _paste(sh, staged, real, "PASTE_VALUES")
    assert seen and seen[-1] == emulator.values(key, "Real!A1:B2", "UNFORMATTED_VALUE")
    assert seen[-1] != [["old", 1], ["old", 2]]
    assert emulator.log.requests[-1].status == 200  # logged before the answer
    emulator.reset()
    assert emulator.faults.after_request is None


RULE = {"condition": {"type": "NOT_BLANK"}, "strict": True}


def test_paste_values_pastes_a_formulas_value_and_paste_format_its_validation(
    gc: gspread.Client, emulator: Emulator
) -> None:
    """The PasteType enum of the Sheets API: VALUES is "the values ONLY without formats,
    formulas, or merges" (a formula's value, not the formula), FORMAT "the format and data
    validation only". Before, PASTE_VALUES pasted ``=A1*3`` itself (the destination then
    showed another cell's triple) and PASTE_FORMAT left the validation behind."""
    key = emulator.create_spreadsheet(
        "t", {"Real": [["old", "old"], ["", ""]], "Staged": [[2, "=A1*3"], ['=""', "=Z9"]]}
    )
    sh = gc.open_by_key(key)
    real, staged = (ws.id for ws in sh.worksheets())
    validate = {"setDataValidation": {"range": _grid(staged, 1, 2), "rule": RULE}}
    sh.batch_update({"requests": [validate]})
    _paste(sh, staged, real, "PASTE_VALUES")
    assert emulator.cell(key, "Real!B1")["userEnteredValue"] == {"numberValue": 6}
    assert emulator.values(key, "Real!A1:B2", "FORMULA") == [[2, 6]]  # blanks stay blank
    assert "dataValidation" not in emulator.cell(key, "Real!B1")
    _paste(sh, staged, real, "PASTE_FORMAT")
    assert emulator.cell(key, "Real!B1")["dataValidation"] == RULE
    assert emulator.values(key, "Real!A1:B2", "FORMULA") == [[2, 6]]


def test_paste_values_of_typed_cells_recalculates_nothing(
    gc: gspread.Client, emulator: Emulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Only a formula's value, or an array's, can be stale before the batch's end: a paste
    of typed values recalculated the whole book all the same (5 of the 11 s of a 100,000-
    cell paste in a book of 200,000 cells; until 2026-12-06)."""
    from sheets_sync.emulator import cell_requests
    from sheets_sync.emulator.formulas import recalc

    calls: list[object] = []

    def counted(book: Any) -> None:
        calls.append(book)
        real_recalc(book)

    real_recalc = recalc
    monkeypatch.setattr(cell_requests, "recalc", counted)
    sh, key, real, staged = _setup(gc, emulator)
    _paste(sh, staged, real, "PASTE_VALUES")
    assert emulator.values(key, "Real!A1:B2", "UNFORMATTED_VALUE") == [["new", 5]]
    assert calls == []
    # a formula in the source: its value as of this request, the book recalculated
    sh.worksheet("Staged").update_acell("B2", "=B1*2")
    _paste(sh, staged, real, "PASTE_VALUES")
    assert emulator.values(key, "Real!A1:B2", "UNFORMATTED_VALUE") == [["new", 5], ["", 10]]
    assert len(calls) == 1


def test_paste_values_of_cells_an_array_fills_recalculates(emulator: Emulator) -> None:
    """A2 holds no formula, but A1's array fills it: its value can be stale too."""
    from sheets_sync.emulator.cell_requests import _computed
    from sheets_sync.emulator.ranges import Area

    key = emulator.create_spreadsheet("t", {"S": [["=ARRAYFORMULA(C1:C2)", "", 1], ["", "", 2]]})
    sheet = emulator.state.spreadsheets[key].sheets[0]
    assert sheet.filled_by == {(1, 0): (0, 0)}
    assert _computed(Area(sheet, 1, 2, 0, 1)) and _computed(Area(sheet, 0, 1, 0, 1))
    assert not _computed(Area(sheet, 0, 2, 2, 3)) and not _computed(Area(sheet, 0, 9, 1, 2))


def _typed(sheet_id: int, row: int, col: int, value: dict[str, Any]) -> dict[str, Any]:
    return {
        "updateCells": {
            "rows": [{"values": [{"userEnteredValue": value}]}],
            "fields": "userEnteredValue",
            "start": {"sheetId": sheet_id, "rowIndex": row, "columnIndex": col},
        }
    }


def _values_paste(src: int, rows: tuple[int, int], col: int, dst: int) -> dict[str, Any]:
    source = {"sheetId": src, "startRowIndex": rows[0], "endRowIndex": rows[1]}
    source |= {"startColumnIndex": col, "endColumnIndex": col + 1}
    target = {"sheetId": dst, "startRowIndex": 0, "endRowIndex": rows[1] - rows[0]}
    target |= {"startColumnIndex": 0, "endColumnIndex": 1}
    return {"copyPaste": {"source": source, "destination": target, "pasteType": "PASTE_VALUES"}}


@pytest.mark.parametrize(
    "formula", ["=ARRAYFORMULA(B1:B3*2)", "=SEQUENCE(3,1,2,2)"], ids=["arrayformula", "sequence"]
)
def test_paste_values_sees_an_array_typed_earlier_in_the_same_batch(
    gc: gspread.Client, emulator: Emulator, formula: str
) -> None:
    """Google applies a batch's requests in order, each seeing the last's result: a
    PASTE_VALUES of the cells an array typed by an earlier request of the batch fills
    pastes what they show. Until 2026-12-07 the emulator filled them only at the batch's
    end: the source held no formula and no filled cell yet, and the paste pasted blanks."""
    key = emulator.create_spreadsheet("t", {"S": [["", 1], ["", 2], ["", 3]], "Copy": [[""]]})
    sh = gc.open_by_key(key)
    src, dst = (ws.id for ws in sh.worksheets())
    # C2:C3 only: the anchor (C1), a formula, had the book recalculated before
    typed = _typed(src, 0, 2, {"formulaValue": formula})
    sh.batch_update({"requests": [typed, _values_paste(src, (1, 3), 2, dst)]})
    assert emulator.values(key, "Copy!A1:A2", "FORMULA") == [[4], [6]]
    assert emulator.values(key, "S!C1:C3", "UNFORMATTED_VALUE") == [[2], [4], [6]]


def test_paste_values_sees_an_array_a_clear_earlier_in_the_batch_let_fill(
    gc: gspread.Client, emulator: Emulator
) -> None:
    """An array blocked by a value (``#REF!``) fills once the value is cleared: a paste
    later in the same batch sees the cells it fills (until 2026-12-07, blanks)."""
    rows: list[list[Any]] = [["=ARRAYFORMULA(B1:B3*2)", 1], ["x", 2], ["", 3]]
    key = emulator.create_spreadsheet("t", {"S": rows, "Copy": [[""]]})
    sh = gc.open_by_key(key)
    src, dst = (ws.id for ws in sh.worksheets())
    assert emulator.values(key, "S!A1", "UNFORMATTED_VALUE") == [["#REF!"]]
    clear = {
        "updateCells": {
            "range": {"sheetId": src, "startRowIndex": 1, "endRowIndex": 2}
            | {"startColumnIndex": 0, "endColumnIndex": 1},
            "fields": "userEnteredValue",
        }
    }
    paste = _values_paste(src, (1, 3), 0, dst)
    sh.batch_update({"requests": [clear, paste, _typed(src, 2, 1, {"numberValue": 30})]})
    # as of the paste: B3 was 3 then; the later write is seen in S, not in the copy
    assert emulator.values(key, "Copy!A1:A2", "FORMULA") == [[4], [6]]
    assert emulator.values(key, "S!A1:A3", "UNFORMATTED_VALUE") == [[2], [4], [60]]


def test_only_a_formula_above_and_left_of_a_paste_after_a_change_recalculates(
    emulator: Emulator,
) -> None:
    """``_reached``: an array fills right of and below its anchor, so after a change in the
    batch a paste of typed values recalculates only if a formula of its tab lies above
    and left of its far corner; a book settled (no change since the last recalculation)
    never does: the typed-values paste stays as cheap as before 2026-12-07."""
    from sheets_sync.emulator.cell_requests import _reached
    from sheets_sync.emulator.ranges import Area

    rows: list[list[Any]] = [["", "", "", 1], ["", "", "=D1*2", 2], ["", "", "", 3]]
    key = emulator.create_spreadsheet("t", {"S": rows, "Other": [["=1+1"]]})
    book = emulator.state.spreadsheets[key]
    sheet = book.sheets[0]
    assert not book.unsettled and not _reached(book, Area(sheet, 1, 3, 2, 4))
    book.unsettled = True  # as after a request of a batch
    assert _reached(book, Area(sheet, 2, 3, 2, 3))  # below the formula (C2)
    assert _reached(book, Area(sheet, 1, 2, 3, 4))  # right of it
    assert not _reached(book, Area(sheet, 0, 1, 0, 4))  # above it
    assert not _reached(book, Area(sheet, 0, 3, 0, 2))  # left of it
    assert not _reached(book, Area(sheet, 0, 1, 0, 1))  # A1: only the other tab has one
    assert _reached(book, Area(book.sheets[1], 0, 1, 0, 1))  # there, its own A1


def _dimension(kind: str, sheet_id: int, dimension: str, start: int) -> dict[str, Any]:
    span = {"sheetId": sheet_id, "dimension": dimension, "startIndex": start}
    return {kind: {"range": span | {"endIndex": start + 1}}}


@pytest.mark.parametrize(
    ("change", "formula", "paste"),
    [
        (("deleteDimension", "ROWS", 0), "=SEQUENCE(3)", (0, 1, 0)),  # the anchor's row
        (("deleteDimension", "COLUMNS", 0), "=SEQUENCE(1,3)", (0, 1, 0)),  # its column
        (("insertDimension", "ROWS", 1), "=SEQUENCE(3)", (3, 4, 0)),  # the last, pushed out
    ],
    ids=["delete-anchor-row", "delete-anchor-column", "insert-in-array"],
)
def test_paste_values_after_a_row_moved_an_array_s_cells_in_the_same_batch(
    gc: gspread.Client,
    emulator: Emulator,
    change: tuple[str, str, int],
    formula: str,
    paste: tuple[int, int, int],
) -> None:
    """A row or column inserted or deleted earlier in the batch moves the cells an array
    had filled, and Google fills the array again as of the change: a cell no array fills
    now is blank. The emulator's note of the filled cells (``Sheet.filled_by``) kept
    their old places, so a cell moved out of the array's reach held its old value, was not
    seen as filled, and a later PASTE_VALUES of it pasted that value (until 2026-12-07)."""
    key = emulator.create_spreadsheet("t", {"S": [[formula]], "Copy": [[""]]})
    sh = gc.open_by_key(key)
    src, dst = (ws.id for ws in sh.worksheets())
    moved = _dimension(change[0], src, change[1], change[2])
    sh.batch_update({"requests": [moved, _values_paste(src, paste[:2], paste[2], dst)]})
    assert emulator.values(key, "Copy!A1", "UNFORMATTED_VALUE") == []
