"""Rich text, links and ``=HYPERLINK`` cells as Google's ``CellData`` has them (real
gspread): ``textFormatRuns`` are served and erased by a new value, and the read-only
``hyperlink`` names a cell's one link."""

from __future__ import annotations

from typing import Any

import gspread
import pytest

from sheets_sync.emulator import Emulator

pytestmark = pytest.mark.emulator

BOLD = {"format": {"bold": True}}
LINK = {"startIndex": 4, "format": {"link": {"uri": "https://jira.example/KR-1"}}}


def _update(sh: gspread.Spreadsheet, cell: dict[str, Any], fields: str) -> None:
    start = {"sheetId": 0, "rowIndex": 1, "columnIndex": 0}
    body = {"updateCells": {"start": start, "rows": [{"values": [cell]}], "fields": fields}}
    sh.batch_update({"requests": [body]})


def _read(sh: gspread.Spreadsheet, a1: str = "A2") -> dict[str, Any]:
    got = sh.fetch_sheet_metadata(
        {"includeGridData": "true", "ranges": a1, "fields": "sheets.data.rowData.values"}
    )
    row = got["sheets"][0]["data"][0].get("rowData", [{}])[0]
    cell: dict[str, Any] = row.get("values", [{}])[0]
    return cell


def test_rich_text_runs_read_back_until_a_new_value_erases_them(
    gc: gspread.Client, emulator: Emulator
) -> None:
    sh = gc.open_by_key(emulator.create_spreadsheet("t", {"OKRs": [["Notes"], ["x"]]}))
    text = {"stringValue": "see KR-1"}
    _update(sh, {"userEnteredValue": text, "textFormatRuns": [BOLD, LINK]},
            "userEnteredValue,textFormatRuns")  # fmt: skip
    cell = _read(sh)
    assert cell["effectiveValue"] == text
    assert cell["textFormatRuns"] == [BOLD, LINK]
    assert "hyperlink" not in cell  # a link over part of the text only
    _update(sh, {"note": "kept"}, "note")
    assert _read(sh)["textFormatRuns"] == [BOLD, LINK]  # a note leaves them
    _update(sh, {"userEnteredValue": {"stringValue": "new"}}, "userEnteredValue")
    cell = _read(sh)
    assert "textFormatRuns" not in cell
    assert cell["note"] == "kept"


def test_a_link_over_the_whole_cell_is_its_hyperlink(
    gc: gspread.Client, emulator: Emulator
) -> None:
    sh = gc.open_by_key(emulator.create_spreadsheet("t", {"OKRs": [["KR"], ["x"]]}))
    whole = {"format": {"link": {"uri": "https://jira.example/KR-1"}}}
    _update(sh, {"userEnteredValue": {"stringValue": "KR-1"}, "textFormatRuns": [whole]},
            "userEnteredValue,textFormatRuns")  # fmt: skip
    assert _read(sh)["hyperlink"] == "https://jira.example/KR-1"
    cell_link = {"textFormat": {"link": {"uri": "https://wiki.example/okrs"}}}
    _update(sh, {"userEnteredValue": {"stringValue": "OKRs"}, "userEnteredFormat": cell_link},
            "userEnteredValue,userEnteredFormat.textFormat.link")  # fmt: skip
    cell = _read(sh)
    assert cell["hyperlink"] == "https://wiki.example/okrs"
    assert "textFormatRuns" not in cell


def test_hyperlink_formulas_show_their_label_and_link_to_their_url(
    gc: gspread.Client, emulator: Emulator
) -> None:
    rows = [["KR", "Label"], ['=HYPERLINK("https://jira.example/KR-1","Ship ""v2""")', "Dash"],
            ['=HYPERLINK("https://x.example")', ""], ['=HYPERLINK("https://y.example",B2)', ""],
            ['=HYPERLINK("https://z.example","")', ""],
            ['=hyperlink("https://w.example")', ""]]  # fmt: skip
    sh = gc.open_by_key(emulator.create_spreadsheet("t", {"OKRs": rows}))
    shown = [(r.get("effectiveValue"), r.get("formattedValue"), r.get("hyperlink"))
             for r in (_read(sh, f"A{n}") for n in (2, 3, 4, 5, 6))]  # fmt: skip
    assert shown == [
        ({"stringValue": 'Ship "v2"'}, 'Ship "v2"', "https://jira.example/KR-1"),
        ({"stringValue": "https://x.example"}, "https://x.example", "https://x.example"),
        ({"stringValue": "Dash"}, "Dash", "https://y.example"),
        (None, None, "https://z.example"),  # shows blank, the link stays
        ({"stringValue": "https://w.example"}, "https://w.example", "https://w.example"),
    ]
    effective = _read(sh)["effectiveFormat"]  # as Google's probe 3 has it
    assert effective["hyperlinkDisplayType"] == "LINKED"
    assert effective["textFormat"]["link"] == {"uri": "https://jira.example/KR-1"}
    assert sh.sheet1.get("A2:A4") == [['Ship "v2"'], ["https://x.example"], ["Dash"]]


def test_na_shows_googles_error_without_words(gc: gspread.Client, emulator: Emulator) -> None:
    """``=NA()`` is N_A with no message at Google (its probe 5.b)."""
    sh = gc.open_by_key(emulator.create_spreadsheet("t", {"OKRs": [["Current"], ["=NA()"]]}))
    cell = _read(sh)
    assert cell["effectiveValue"] == {"errorValue": {"type": "N_A"}}
    assert cell["formattedValue"] == "#N/A"


def test_a_pasted_value_or_a_merge_leaves_no_stale_runs(
    gc: gspread.Client, emulator: Emulator
) -> None:
    """PASTE_VALUES pastes "the values ONLY without formats": the destination's runs, for
    its old text, go as under any new value; merging clears a non-anchor cell's text and
    runs with it."""
    key = emulator.create_spreadsheet("t", {"OKRs": [["Notes", "x"], ["old note", "new"]]})
    sh = gc.open_by_key(key)
    _update(sh, {"userEnteredValue": {"stringValue": "old note"}, "textFormatRuns": [BOLD]},
            "userEnteredValue,textFormatRuns")  # fmt: skip

    def grid(r0: int, c0: int) -> dict[str, int]:
        return {"sheetId": 0, "startRowIndex": r0, "endRowIndex": r0 + 1,
                "startColumnIndex": c0, "endColumnIndex": c0 + 1}  # fmt: skip

    paste = {"source": grid(1, 1), "destination": grid(1, 0), "pasteType": "PASTE_VALUES"}
    sh.batch_update({"requests": [{"copyPaste": paste}]})
    cell = _read(sh)
    assert cell["effectiveValue"] == {"stringValue": "new"}
    assert "textFormatRuns" not in cell
    _update(sh, {"userEnteredValue": {"stringValue": "again"}, "textFormatRuns": [BOLD]},
            "userEnteredValue,textFormatRuns")  # fmt: skip
    merge = {"sheetId": 0, "startRowIndex": 0, "endRowIndex": 2, "startColumnIndex": 0,
             "endColumnIndex": 1}  # fmt: skip
    sh.batch_update({"requests": [{"mergeCells": {"range": merge, "mergeType": "MERGE_ALL"}}]})
    assert _read(sh) == {}
