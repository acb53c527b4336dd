"""Google's behaviours on the raw HTTP surface: ranges, trimming, render options, masks, errors."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
import requests
from click.testing import CliRunner

from sheets_sync.emulator import Emulator, run_emulator
from sheets_sync.emulator.cli import emulator_command

pytestmark = pytest.mark.emulator


class Api:
    def __init__(self, emulator: Emulator) -> None:
        self.emu = emulator
        self.headers = {"Authorization": f"Bearer {emulator.issue_token()}"}

    def call(self, method: str, path: str, body: Any = None, **params: Any) -> requests.Response:
        return requests.request(
            method, self.emu.url + path, json=body, params=params, headers=self.headers, timeout=5
        )


@pytest.fixture
def api(emulator: Emulator) -> Api:
    return Api(emulator)


def test_ranges_widened_quoted_and_trimmed(api: Api, emulator: Emulator) -> None:
    key = emulator.create_spreadsheet("t", {"Team OKRs": [["a", "", "c", ""], ["", ""], [], ["d"]]})
    got = api.call(
        "GET", f"/v4/spreadsheets/{key}/values/{quote(chr(39) + 'Team OKRs' + chr(39))}"
    ).json()
    assert got == {
        "range": "'Team OKRs'!A1:Z1000",
        "majorDimension": "ROWS",
        "values": [["a", "", "c"], [], [], ["d"]],
    }
    cols = api.call(
        "GET", f"/v4/spreadsheets/{key}/values/{quote('Team OKRs!A:C')}", majorDimension="COLUMNS"
    ).json()
    assert cols["range"] == "'Team OKRs'!A1:C1000"
    assert cols["values"] == [["a", "", "", "d"], [], ["c"]]
    big = api.call("GET", f"/v4/spreadsheets/{key}/values/{quote('Team OKRs!A1:AZ5000')}").json()
    assert big["range"] == "'Team OKRs'!A1:Z1000"


def test_write_beyond_grid_is_400(api: Api, emulator: Emulator) -> None:
    key = emulator.create_spreadsheet("t")
    resp = api.call(
        "PUT",
        f"/v4/spreadsheets/{key}/values/Sheet1!A999",
        {"values": [[1], [2], [3]]},
        valueInputOption="RAW",
    )
    assert resp.status_code == 400
    assert (
        resp.json()["error"]["message"]
        == "Range ('Sheet1'!A999:A1001) exceeds grid limits. Max rows: 1000, max columns: 26"
    )
    missing = api.call("PUT", f"/v4/spreadsheets/{key}/values/Sheet1!A1", {"values": [[1]]})
    assert missing.status_code == 400 and missing.json()["error"]["status"] == "INVALID_ARGUMENT"


def test_render_options(api: Api, emulator: Emulator) -> None:
    key = emulator.create_spreadsheet(
        "t", {"S": [["2024-01-31", "12.5%", "=2*3", "1,234", "$5.50", "true", "'007"]]}
    )
    base = f"/v4/spreadsheets/{key}/values/S!A1:G1"
    assert api.call("GET", base).json()["values"] == [
        ["2024-01-31", "12.50%", "6", "1,234", "$5.50", "TRUE", "007"]
    ]
    unformatted = api.call("GET", base, valueRenderOption="UNFORMATTED_VALUE").json()["values"]
    assert unformatted == [[45322, 0.125, 6, 1234, 5.5, True, "007"]]
    assert (
        api.call(
            "GET",
            base,
            valueRenderOption="UNFORMATTED_VALUE",
            dateTimeRenderOption="FORMATTED_STRING",
        ).json()["values"][0][0]
        == "2024-01-31"
    )
    assert api.call("GET", base, valueRenderOption="FORMULA").json()["values"][0][2] == "=2*3"


def test_batch_update_unknown_kind_and_atomicity(api: Api, emulator: Emulator) -> None:
    key = emulator.create_spreadsheet("t")
    resp = api.call(
        "POST",
        f"/v4/spreadsheets/{key}:batchUpdate",
        {"requests": [{"addSheet": {"properties": {"title": "New"}}}, {"frobnicate": {}}]},
    )
    assert resp.status_code == 400
    assert 'Unknown name "frobnicate"' in resp.json()["error"]["message"]
    assert [s.title for s in emulator.state.spreadsheets[key].sheets] == ["Sheet1"]


def test_structure_requests(api: Api, emulator: Emulator) -> None:
    key = emulator.create_spreadsheet("t", {"S": [["a", "b"], ["c", "d"]]})
    reqs: list[dict[str, Any]] = [
        {
            "insertDimension": {
                "range": {"sheetId": 0, "dimension": "ROWS", "startIndex": 0, "endIndex": 1}
            }
        },
        {
            "deleteDimension": {
                "range": {"sheetId": 0, "dimension": "COLUMNS", "startIndex": 0, "endIndex": 1}
            }
        },
        {"appendDimension": {"sheetId": 0, "dimension": "ROWS", "length": 5}},
        {
            "updateDimensionProperties": {
                "range": {"sheetId": 0, "dimension": "COLUMNS", "startIndex": 0, "endIndex": 1},
                "properties": {"pixelSize": 150},
                "fields": "pixelSize",
            }
        },
        {
            "setDataValidation": {
                "range": {"sheetId": 0, "startRowIndex": 1, "endRowIndex": 2},
                "rule": {"condition": {"type": "BOOLEAN"}},
            }
        },
        {
            "repeatCell": {
                "range": {"sheetId": 0, "startRowIndex": 0, "endRowIndex": 1},
                "cell": {"userEnteredFormat": {"textFormat": {"bold": True}}},
                "fields": "userEnteredFormat.textFormat.bold",
            }
        },
        {"updateSpreadsheetProperties": {"properties": {"title": "Renamed"}, "fields": "title"}},
        {"deleteSheet": {"sheetId": 0}},
    ]
    resp = api.call("POST", f"/v4/spreadsheets/{key}:batchUpdate", {"requests": reqs[:-1]})
    assert resp.status_code == 200, resp.text
    assert emulator.values(key, "S") == [[], ["b"], ["d"]]
    book = emulator.state.spreadsheets[key]
    assert book.sheets[0].row_count == 1006 and book.sheets[0].col_count == 25
    assert book.sheets[0].col_meta[0] == {"pixelSize": 150}
    assert emulator.cell_format(key, "S!A1") == {"textFormat": {"bold": True}}
    assert emulator.cell(key, "S!A2")["dataValidation"]["condition"]["type"] == "BOOLEAN"
    assert book.title == "Renamed"
    last = api.call("POST", f"/v4/spreadsheets/{key}:batchUpdate", {"requests": reqs[-1:]})
    assert last.status_code == 400 and "remove all the sheets" in last.json()["error"]["message"]


def test_fields_mask_and_grid_data(api: Api, emulator: Emulator) -> None:
    key = emulator.create_spreadsheet("t", {"S": [["x", 2]]})
    masked = api.call(
        "GET",
        f"/v4/spreadsheets/{key}",
        ranges="S!A1:B1",
        fields="sheets.properties.title,sheets.data.rowData.values(effectiveValue)",
    ).json()
    assert masked == {
        "sheets": [
            {
                "properties": {"title": "S"},
                "data": [
                    {
                        "rowData": [
                            {
                                "values": [
                                    {"effectiveValue": {"stringValue": "x"}},
                                    {"effectiveValue": {"numberValue": 2}},
                                ]
                            }
                        ]
                    }
                ],
            }
        ]
    }
    full = api.call("GET", f"/v4/spreadsheets/{key}", includeGridData="true", ranges="S!B1").json()
    cell = full["sheets"][0]["data"][0]["rowData"][0]["values"][0]
    assert cell["formattedValue"] == "2" and cell["effectiveFormat"]["textFormat"]["fontSize"] == 10
    assert full["sheets"][0]["data"][0]["startColumn"] == 1


def test_a_formula_showing_blank_has_no_value_only_its_formula(
    api: Api, emulator: Emulator
) -> None:
    """Google answers ``=""`` (and ``=IF(,,)``, a VLOOKUP of an empty cell) with the
    formula alone: no effectiveValue, no formattedValue (a probe of real Google,
    cartularium/cartularium packages/assay/docs/gsheets-celldata-probes.md, 2.b, 2.c,
    10.b). Before, the emulator kept ``=""`` as the text of its formula, so a reader
    that took such a cell for empty was never caught by a test."""
    row = [1, "x", '=""', "=A1", "=B1", "=Z1", "=C1", '="ok"', "=1/0", "=I1"]
    key = emulator.create_spreadsheet("t", {"S": [row]})
    got = api.call(
        "GET",
        f"/v4/spreadsheets/{key}",
        includeGridData="true",
        fields="sheets.data.rowData.values(userEnteredValue.formulaValue,effectiveValue,"
        "formattedValue)",
    ).json()
    cells = got["sheets"][0]["data"][0]["rowData"][0]["values"]
    shown = [(c.get("effectiveValue"), c.get("formattedValue")) for c in cells]
    div0 = {"type": "DIVIDE_BY_ZERO", "message": "Function DIVIDE parameter 2 cannot be zero."}
    assert shown[2:] == [
        (None, None),  # =""
        ({"numberValue": 1}, "1"),  # =A1
        ({"stringValue": "x"}, "x"),  # =B1: a reference shows the text, not 0
        (None, None),  # =Z1, an empty cell: blank, not 0
        (None, None),  # =C1, a formula showing blank
        ({"stringValue": "ok"}, "ok"),
        ({"errorValue": div0}, "#DIV/0!"),
        ({"errorValue": div0}, "#DIV/0!"),
    ]
    assert cells[2] == {"userEnteredValue": {"formulaValue": '=""'}}
    assert emulator.values(key, "S!C1:E1", "UNFORMATTED_VALUE") == [["", 1, "x"]]


def test_state_file_round_trip_and_cli(tmp_path: Path) -> None:
    state = tmp_path / "state.json"
    with run_emulator(state_file=state) as emu:
        key = emu.create_spreadsheet("kept", {"S": [["v"]]})
        emu.persist()
    with run_emulator(state_file=state) as emu:
        assert emu.values(key, "S") == [["v"]]
    result = CliRunner().invoke(emulator_command, ["--help"])
    assert result.exit_code == 0 and "--fail-rate" in result.output


def test_a_text_literal_is_text_not_references_and_two_quotes_are_one(
    api: Api, emulator: Emulator
) -> None:
    """Text in quotes is shown as typed: a cell's name inside it is not a reference, and
    ``""`` inside it is one quote, as Sheets (and Excel) write a quote in a literal. Before,
    ``="see B1 here"`` showed ``see '\\x01B1' here`` and ``="a""b"`` showed ``ab``."""
    row = ["x", 5, '="see B1 here"', '="a""b"', '="B1"', '=""""', '="$A$1:B2 ""B1"""']
    key = emulator.create_spreadsheet("t", {"S": [row]})
    got = api.call(
        "GET",
        f"/v4/spreadsheets/{key}",
        includeGridData="true",
        fields="sheets.data.rowData.values(effectiveValue,formattedValue)",
    ).json()
    cells = got["sheets"][0]["data"][0]["rowData"][0]["values"][2:]
    shown = ["see B1 here", 'a"b', "B1", '"', '$A$1:B2 "B1"']
    assert [c.get("formattedValue") for c in cells] == shown
    assert [c.get("effectiveValue") for c in cells] == [{"stringValue": s} for s in shown]
