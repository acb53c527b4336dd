"""Conditional format rules through real gspread: added at an index, replaced, reordered,
deleted (the replies as the API documents them), moved with the grid and copied with a
duplicated tab."""

from __future__ import annotations

from typing import Any

import gspread
import pytest

from sheets_sync.emulator import Emulator

pytestmark = pytest.mark.emulator


def _col(c: int, sheet_id: int = 0) -> dict[str, int]:
    rng = {"startRowIndex": 1, "endRowIndex": 10, "startColumnIndex": c, "endColumnIndex": c + 1}
    return {"sheetId": sheet_id, **rng} if sheet_id else rng


def _rule(c: int, below: str) -> dict[str, Any]:
    cond = {"type": "NUMBER_LESS", "values": [{"userEnteredValue": below}]}
    bold = {"textFormat": {"bold": True}}
    return {"ranges": [_col(c)], "booleanRule": {"condition": cond, "format": bold}}


def _rules(sh: gspread.Spreadsheet, tab: int = 0) -> list[dict[str, Any]]:
    got = sh.fetch_sheet_metadata({"fields": "sheets(properties.sheetId,conditionalFormats)"})
    (sheet,) = [s for s in got["sheets"] if s["properties"].get("sheetId", 0) == tab]
    rules: list[dict[str, Any]] = sheet.get("conditionalFormats", [])
    return rules


def test_rules_are_kept_in_order_replaced_reordered_and_deleted(
    gc: gspread.Client, emulator: Emulator
) -> None:
    key = emulator.create_spreadsheet("t", {"OKRs": [["KR", "Score"], ["k1", 0.1]]})
    sh = gc.open_by_key(key)
    sh.batch_update({"requests": [{"addConditionalFormatRule": {"rule": _rule(1, "0.3")}},
                                  {"addConditionalFormatRule": {"rule": _rule(1, "0.7"),
                                                                "index": 0}}]})  # fmt: skip
    assert _rules(sh) == [_rule(1, "0.7"), _rule(1, "0.3")]
    reply = sh.batch_update({"requests": [
        {"updateConditionalFormatRule": {"index": 1, "rule": _rule(1, "0.4")}}]})  # fmt: skip
    assert reply["replies"] == [{"updateConditionalFormatRule": {
        "newRule": _rule(1, "0.4"), "oldRule": _rule(1, "0.3"), "newIndex": 1}}]  # fmt: skip
    reply = sh.batch_update({"requests": [
        {"updateConditionalFormatRule": {"index": 1, "newIndex": 0, "sheetId": 0}}]})  # fmt: skip
    assert reply["replies"] == [{"updateConditionalFormatRule": {
        "newRule": _rule(1, "0.4"), "oldIndex": 1}}]  # fmt: skip
    reply = sh.batch_update({"requests": [
        {"deleteConditionalFormatRule": {"sheetId": 0, "index": 1}}]})  # fmt: skip
    assert reply["replies"] == [{"deleteConditionalFormatRule": {"rule": _rule(1, "0.7")}}]
    assert _rules(sh) == [_rule(1, "0.4")]
    with pytest.raises(gspread.exceptions.APIError) as info:  # the batch is atomic
        sh.batch_update({"requests": [
            {"deleteConditionalFormatRule": {"sheetId": 0, "index": 0}},
            {"deleteConditionalFormatRule": {"sheetId": 0, "index": 0}}]})  # fmt: skip
    assert info.value.response.status_code == 400
    assert _rules(sh) == [_rule(1, "0.4")]


def test_a_rules_ranges_move_with_inserted_moved_and_deleted_columns_and_a_copied_tab(
    gc: gspread.Client, emulator: Emulator
) -> None:
    key = emulator.create_spreadsheet("t", {"OKRs": [["KR", "Owner", "Score"]]})
    sh = gc.open_by_key(key)
    two = _rule(2, "0.3")
    two["ranges"].append(_col(1))
    sh.batch_update({"requests": [{"addConditionalFormatRule": {"rule": two}}]})

    def dim(start: int, end: int) -> dict[str, Any]:
        return {"sheetId": 0, "dimension": "COLUMNS", "startIndex": start, "endIndex": end}

    sh.batch_update({"requests": [{"insertDimension": {"range": dim(0, 1)}}]})
    assert _rules(sh)[0]["ranges"] == [_col(3), _col(2)]
    sh.batch_update({"requests": [{"moveDimension": {"source": dim(3, 4), "destinationIndex": 0}}]})
    assert _rules(sh)[0]["ranges"] == [_col(0), _col(3)]
    sh.batch_update({"requests": [{"duplicateSheet": {"sourceSheetId": 0, "newSheetId": 7}}]})
    assert _rules(sh, 7)[0]["ranges"] == [_col(0, 7), _col(3, 7)]
    sh.batch_update({"requests": [{"deleteDimension": {"range": dim(3, 4)}}]})
    assert _rules(sh)[0]["ranges"] == [_col(0)]
    sh.batch_update({"requests": [{"deleteDimension": {"range": dim(0, 1)}}]})
    assert _rules(sh) == []  # every cell of it deleted: the rule goes
