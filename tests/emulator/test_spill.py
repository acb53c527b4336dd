"""Array formulas that fill a range from one cell (``sheets_sync/emulator/spill.py``).

Google serves a cell another cell's array formula fills with its value and no
``userEnteredValue`` (probe of real Google: cartularium/cartularium,
``packages/assay/docs/gsheets-celldata-probes.md``, 9.a-9.c), and a value written into the
range turns the anchor into ``#REF!``: the team's whole column is gone. The sync's refusal
is tested against this (``tests/backends/gsheets/test_gsheets_spill.py``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import gspread
import pytest
import requests

from sheets_sync.emulator import Emulator

pytestmark = pytest.mark.emulator

GRID = "sheets.data.rowData.values(userEnteredValue,effectiveValue,formattedValue)"
NOT_EXPANDED = "Array result was not expanded because it would overwrite data in {}."


def _cells(emulator: Emulator, key: str, tab: str = "S") -> list[list[dict[str, Any]]]:
    token = emulator.issue_token()
    got = requests.get(
        f"{emulator.url}/v4/spreadsheets/{key}",
        params={"includeGridData": "true", "fields": GRID, "ranges": tab},
        headers={"Authorization": f"Bearer {token}"},
        timeout=10,
    ).json()
    return [r.get("values", []) for r in got["sheets"][0]["data"][0].get("rowData", [])]


def _put(emulator: Emulator, key: str, ref: str, values: list[list[Any]]) -> None:
    requests.put(
        f"{emulator.url}/v4/spreadsheets/{key}/values/{ref}",
        params={"valueInputOption": "USER_ENTERED"},
        json={"values": values},
        headers={"Authorization": f"Bearer {emulator.issue_token()}"},
        timeout=10,
    ).raise_for_status()


def _column(emulator: Emulator, key: str, ref: str) -> list[Any]:
    return [r[0] if r else "" for r in emulator.values(key, ref, "UNFORMATTED_VALUE")]


def test_an_arrayformula_fills_cells_with_a_value_and_nothing_entered(emulator: Emulator) -> None:
    rows: list[list[Any]] = [
        ["KR", "n", "x2"],
        ["a", 1, "=ARRAYFORMULA(B2:B4*2)"],
        ["b", 2],
        ["c", 3],
    ]
    key = emulator.create_spreadsheet("t", {"S": rows})
    cells = _cells(emulator, key)
    assert cells[1][2] == {
        "userEnteredValue": {"formulaValue": "=ARRAYFORMULA(B2:B4*2)"},
        "effectiveValue": {"numberValue": 2},
        "formattedValue": "2",
    }
    assert cells[2][2] == {"effectiveValue": {"numberValue": 4}, "formattedValue": "4"}
    assert cells[3][2] == {"effectiveValue": {"numberValue": 6}, "formattedValue": "6"}
    assert emulator.values(key, "S!C2:C4", "FORMULA") == [["=ARRAYFORMULA(B2:B4*2)"], [4], [6]]


def test_an_open_ended_range_fills_to_the_last_row(emulator: Emulator) -> None:
    key = emulator.create_spreadsheet("t", {"S": [["n", "x2"], [1, "=ARRAYFORMULA(A2:A*10)"]]})
    emulator.state.spreadsheets[key].sheets[0].grid["rowCount"] = 6
    _put(emulator, key, "S!A3", [[2]])  # any write recalculates
    assert _column(emulator, key, "S!B2:B6") == [10, 20, 0, 0, 0]


def test_the_spilling_functions_fill_their_ranges(emulator: Emulator) -> None:
    rows: list[list[Any]] = [
        ["k", "v", "seq", "", "sorted", "unique", "big"],
        ["b", 3, "=SEQUENCE(3)", "", "=SORT(B2:B4)", "=UNIQUE(A2:A4)", "=FILTER(A2:A4, B2:B4>1)"],
        ["a", 1],
        ["b", 2],
    ]
    key = emulator.create_spreadsheet("t", {"S": rows})
    assert emulator.values(key, "S!C2:G4", "UNFORMATTED_VALUE") == [
        [1, "", 1, "b", "b"],
        [2, "", 2, "a", "b"],
        [3, "", 3],
    ]
    assert "userEnteredValue" not in _cells(emulator, key)[2][4]


def test_a_value_written_into_the_range_turns_the_anchor_into_ref(
    emulator: Emulator, gc: gspread.Client
) -> None:
    rows: list[list[Any]] = [
        ["KR", "n", "x2"],
        ["a", 1, "=ARRAYFORMULA(B2:B4*2)"],
        ["b", 2],
        ["c", 3],
    ]
    key = emulator.create_spreadsheet("t", {"S": rows})
    gc.open_by_key(key).worksheet("S").update_acell("C4", 0.5)
    cells = _cells(emulator, key)
    assert cells[1][2]["effectiveValue"] == {
        "errorValue": {"type": "REF", "message": NOT_EXPANDED.format("C4")}
    }
    assert cells[1][2]["formattedValue"] == "#REF!"
    assert _column(emulator, key, "S!C2:C4") == ["#REF!", "", 0.5]  # the column is gone
    gc.open_by_key(key).worksheet("S").update_acell("C4", "")  # cleared: filled again
    assert _column(emulator, key, "S!C2:C4") == [2, 4, 6]


def test_a_write_into_a_blank_the_array_fills_breaks_it_too(emulator: Emulator) -> None:
    """A blank result is no value at Google (probe 9.b, 9.c), yet the range is the
    array's: a value there stops it as well."""
    rows: list[list[Any]] = [["n", "copy"], [1, "=ARRAYFORMULA(A2:A4)"], [""], [3]]
    key = emulator.create_spreadsheet("t", {"S": rows})
    cells = _cells(emulator, key)
    assert cells[3][1] == {"effectiveValue": {"numberValue": 3}, "formattedValue": "3"}
    assert len(cells[2]) < 2 or cells[2][1] == {}  # B3: blank, nothing served
    _put(emulator, key, "S!B3", [["x"]])
    assert _cells(emulator, key)[1][1]["effectiveValue"]["errorValue"]["message"] == (
        NOT_EXPANDED.format("B3")
    )


def test_a_range_past_the_grid_is_ref_and_a_formula_not_modelled_keeps_its_text(
    emulator: Emulator,
) -> None:
    key = emulator.create_spreadsheet("t", {"S": [["=SEQUENCE(3)", "=SORT(A1:A3, 1, FALSE)"]]})
    emulator.state.spreadsheets[key].sheets[0].grid["rowCount"] = 2
    _put(emulator, key, "S!C1", [[1]])
    cells = _cells(emulator, key)
    assert cells[0][0]["effectiveValue"] == {
        "errorValue": {
            "type": "REF",
            "message": "Result was not automatically expanded, please insert more rows (1).",
        }
    }
    assert cells[0][1]["effectiveValue"] == {"stringValue": "=SORT(A1:A3, 1, FALSE)"}


def test_another_tabs_range_gives_an_array_no_size(emulator: Emulator) -> None:
    """``Data!$A$2:$C`` is the lookup table, not this tab's range: the array is as big as
    ``A2:A3`` (one parser with the Google backend's, ``grid.formula_ranges``)."""
    rows: list[list[Any]] = [["n", "x"], [1, "=ARRAYFORMULA(A2:A3*2+0*COUNT(Data!$A$2:$C))"], [2]]
    key = emulator.create_spreadsheet("t", {"S": rows, "Data": [["k"]]})
    emulator.state.spreadsheets[key].sheets[0].grid["rowCount"] = 6
    _put(emulator, key, "S!D1", [[1]])  # any write recalculates
    cells = _cells(emulator, key)
    assert "errorValue" not in cells[1][1]["effectiveValue"]
    assert [len(r) > 1 and "effectiveValue" in r[1] for r in cells[1:]] == [True, True]
    assert all(len(r) <= 2 for r in cells[1:])  # nothing filled right of it


def _batch(emulator: Emulator, key: str, requests_: list[dict[str, Any]]) -> None:
    requests.post(
        f"{emulator.url}/v4/spreadsheets/{key}:batchUpdate",
        json={"requests": requests_},
        headers={"Authorization": f"Bearer {emulator.issue_token()}"},
        timeout=10,
    ).raise_for_status()


def _sheet_id(emulator: Emulator, key: str, tab: str) -> int:
    return next(s.sheet_id for s in emulator.state.spreadsheets[key].sheets if s.title == tab)


def test_paste_values_of_an_array_pastes_its_values_not_its_formula(emulator: Emulator) -> None:
    """The PasteType enum: VALUES pastes "the values ONLY without formats, formulas". The
    anchor of ``=ARRAYFORMULA(B2:B4*2)`` shows 2: evaluated on its own, as a formula of
    one value, it pasted its own text (before 2026-12-06); its filled cells paste as typed
    values too, not as cells some array fills (the next recalculation wiped those)."""
    rows: list[list[Any]] = [["KR", "n", "x2"], ["a", 1, "=ARRAYFORMULA(B2:B4*2)"], ["b", 2]]
    rows.append(["c", 3])
    key = emulator.create_spreadsheet("t", {"S": rows, "Copy": [[""]]})
    src, dst = _sheet_id(emulator, key, "S"), _sheet_id(emulator, key, "Copy")
    source = {"sheetId": src, "startRowIndex": 1, "endRowIndex": 4}
    source |= {"startColumnIndex": 2, "endColumnIndex": 3}
    target = {"sheetId": dst, "startRowIndex": 0, "endRowIndex": 3}
    target |= {"startColumnIndex": 0, "endColumnIndex": 1}
    paste = {"source": source, "destination": target, "pasteType": "PASTE_VALUES"}
    # a write earlier in the same batch counts: B2 is 5 when the paste runs
    write = {
        "updateCells": {
            "rows": [{"values": [{"userEnteredValue": {"numberValue": 5}}]}],
            "fields": "userEnteredValue",
            "start": {"sheetId": src, "rowIndex": 1, "columnIndex": 1},
        }
    }
    _batch(emulator, key, [write, {"copyPaste": paste}])
    assert emulator.values(key, "Copy!A1:A3", "FORMULA") == [[10], [4], [6]]
    assert [emulator.cell(key, f"Copy!A{r}")["userEnteredValue"] for r in (1, 2, 3)] == [
        {"numberValue": 10},
        {"numberValue": 4},
        {"numberValue": 6},
    ]
    _put(emulator, key, "S!A9", [["x"]])  # any write recalculates: the pasted values stay
    assert emulator.values(key, "Copy!A1:A3", "FORMULA") == [[10], [4], [6]]


def test_an_arrays_filled_cells_show_its_anchors_number_format(
    emulator: Emulator, tmp_path: Path
) -> None:
    """Google shows an array in the number format of the cell holding its formula; a
    filled cell with a format of its own keeps that. Before 2026-12-06 a filled cell had
    no format at all: the Google backend read a percent or date array as plain numbers
    past its first cell."""
    rows: list[list[Any]] = [["n", "%"], [0.25, "=ARRAYFORMULA(A2:A4)"], [0.5], [0.75]]
    key = emulator.create_spreadsheet("t", {"S": rows})
    sid = _sheet_id(emulator, key, "S")

    def number_format(row: int, pattern: str) -> dict[str, Any]:
        fmt = {"numberFormat": {"type": "PERCENT", "pattern": pattern}}
        return {
            "repeatCell": {
                "range": {"sheetId": sid, "startRowIndex": row, "endRowIndex": row + 1}
                | {"startColumnIndex": 1, "endColumnIndex": 2},
                "cell": {"userEnteredFormat": fmt},
                "fields": "userEnteredFormat.numberFormat",
            }
        }

    _batch(emulator, key, [number_format(1, "0%"), number_format(3, "0.0%")])
    assert emulator.values(key, "S!B2:B4") == [["25%"], ["50%"], ["75.0%"]]

    def patterns(book: str = key) -> list[str]:
        got = requests.get(
            f"{emulator.url}/v4/spreadsheets/{book}",
            params={"includeGridData": "true", "ranges": "S!B2:B4"},
            headers={"Authorization": f"Bearer {emulator.issue_token()}"},
            timeout=10,
        ).json()
        cells = [r["values"][0] for r in got["sheets"][0]["data"][0]["rowData"]]
        assert "userEnteredFormat" not in cells[1]  # the anchor's, not a format of its own
        return [c["effectiveFormat"]["numberFormat"]["pattern"] for c in cells]

    assert patterns() == ["0%", "0%", "0.0%"]
    # a batch that fails is undone from a JSON snapshot: what the arrays fill is kept
    with pytest.raises(requests.HTTPError):
        _batch(emulator, key, [number_format(1, "0.00%"), {"deleteSheet": {"sheetId": 99}}])
    assert patterns() == ["0%", "0%", "0.0%"]
    # a copy (drive.files.copy) is made from JSON too: it keeps what its arrays fill
    copied = requests.post(
        f"{emulator.url}/drive/v3/files/{key}/copy",
        json={"name": "copy"},
        headers={"Authorization": f"Bearer {emulator.issue_token()}"},
        timeout=10,
    )
    assert copied.status_code == 200, copied.text
    assert patterns(copied.json()["id"]) == ["0%", "0%", "0.0%"]
    # and a state file, which does not hold it, is recalculated as it loads
    book = emulator.state.spreadsheets[key]
    for sheet in book.sheets:
        sheet.filled_by.clear()
    path = tmp_path / "state.json"
    emulator.state.save(path)
    emulator.state.spreadsheets.clear()
    emulator.state.load(path)
    assert patterns() == ["0%", "0%", "0.0%"]
