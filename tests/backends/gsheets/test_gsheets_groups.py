"""Last quarter's key results grouped and collapsed (Data > Group rows, then the minus
button): Google hides the group's rows (``hiddenByUser``), so they are skipped as rows
hidden by hand; expanded again they are read."""

from __future__ import annotations

from typing import Any

import pytest

from sheets_sync.backends.gsheets.backend import GoogleSheetsBackend
from sheets_sync.emulator import Emulator

pytestmark = pytest.mark.emulator

ROWS = [["Objective ID", "KR ID", "Key result"], ["O1", "KR1", "Now"], ["O0", "KR0", "Old"],
        ["O0", "KR9", "Old too"]]  # fmt: skip


def _group(collapsed: bool) -> dict[str, Any]:
    rng = {"sheetId": 0, "dimension": "ROWS", "startIndex": 2, "endIndex": 4}
    return {"updateDimensionGroup": {"dimensionGroup": {"range": rng, "depth": 1,
            "collapsed": collapsed}, "fields": "collapsed"}}  # fmt: skip


def test_a_collapsed_group_hides_its_rows_until_it_is_expanded(
    emulator: Emulator, client: Any
) -> None:
    key = emulator.create_spreadsheet("t", {"OKRs": ROWS})
    rng = {"sheetId": 0, "dimension": "ROWS", "startIndex": 2, "endIndex": 4}
    client.batch_update(key, {"requests": [{"addDimensionGroup": {"range": rng}}, _group(True)]},
                        source="user", what="collapse")  # fmt: skip
    backend = GoogleSheetsBackend(client, key)
    assert backend.read(["OKRs"]).sheets["OKRs"].hidden_rows == frozenset({3, 4})
    body = client.get_spreadsheet(key, {"fields": "sheets.rowGroups"}, source="t", what="read")
    assert body["sheets"][0]["rowGroups"] == [
        {"range": {"dimension": "ROWS", "startIndex": 2, "endIndex": 4}, "depth": 1,
         "collapsed": True}]  # fmt: skip
    client.batch_update(key, {"requests": [_group(False)]}, source="user", what="expand")
    assert backend.read(["OKRs"]).sheets["OKRs"].hidden_rows == frozenset()
    body = client.get_spreadsheet(key, {"fields": "sheets.rowGroups"}, source="t", what="read")
    assert "collapsed" not in body["sheets"][0]["rowGroups"][0]


def test_a_group_that_is_not_there_is_refused(emulator: Emulator, client: Any) -> None:
    from sheets_sync.errors import RemoteError

    key = emulator.create_spreadsheet("t", {"OKRs": ROWS})
    with pytest.raises(RemoteError, match="updateDimensionGroup"):
        client.batch_update(key, {"requests": [_group(True)]}, source="user", what="collapse")
    assert emulator.values(key, "OKRs!A1:C4") == ROWS


def _groups(client: Any, key: str) -> list[dict[str, Any]] | None:
    body = client.get_spreadsheet(key, {"fields": "sheets.rowGroups"}, source="t", what="read")
    groups: list[dict[str, Any]] | None = body["sheets"][0].get("rowGroups")
    return groups


def _rows(kind: str, start: int, end: int) -> dict[str, Any]:
    rng = {"sheetId": 0, "dimension": "ROWS", "startIndex": start, "endIndex": end}
    return {kind: {"range": rng}}


def test_a_group_moves_with_rows_inserted_and_deleted(emulator: Emulator, client: Any) -> None:
    """A row inserted above moves the group down, as in Sheets (it stayed on rows 3:4, so
    collapsing 'it' at its new place was refused and it hid the wrong rows); one inside
    it grows it, a deletion shrinks it, and a group whose rows all went goes."""
    key = emulator.create_spreadsheet("t", {"OKRs": ROWS})
    client.batch_update(key, {"requests": [_rows("addDimensionGroup", 2, 4),
                        _rows("insertDimension", 0, 1)]}, source="user", what="insert")  # fmt: skip
    at = {"dimension": "ROWS", "startIndex": 3, "endIndex": 5}
    assert _groups(client, key) == [{"range": at, "depth": 1}]
    moved = _group(True)
    moved["updateDimensionGroup"]["dimensionGroup"]["range"].update(startIndex=3, endIndex=5)
    client.batch_update(key, {"requests": [moved]}, source="user", what="collapse")
    backend = GoogleSheetsBackend(client, key)
    assert backend.read(["OKRs"]).sheets["OKRs"].hidden_rows == frozenset({4, 5})
    client.batch_update(key, {"requests": [_rows("insertDimension", 4, 6)]}, source="u", what="in")
    assert _groups(client, key) == [{"range": {**at, "endIndex": 7}, "depth": 1,
                                     "collapsed": True}]  # fmt: skip
    client.batch_update(key, {"requests": [_rows("deleteDimension", 2, 5)]}, source="u", what="d")
    assert _groups(client, key) == [{"range": {**at, "startIndex": 2, "endIndex": 4}, "depth": 1,
                                     "collapsed": True}]  # fmt: skip
    client.batch_update(key, {"requests": [_rows("deleteDimension", 2, 4)]}, source="u", what="d")
    assert _groups(client, key) is None


def test_a_column_group_moves_with_a_column_inserted_before_it(
    emulator: Emulator, client: Any
) -> None:
    key = emulator.create_spreadsheet("t", {"OKRs": ROWS})
    cols = {"sheetId": 0, "dimension": "COLUMNS", "startIndex": 1, "endIndex": 3}
    ins = {"sheetId": 0, "dimension": "COLUMNS", "startIndex": 0, "endIndex": 1}
    client.batch_update(key, {"requests": [{"addDimensionGroup": {"range": cols}},
                        {"insertDimension": {"range": ins}}]}, source="u", what="in")  # fmt: skip
    body = client.get_spreadsheet(key, {"fields": "sheets.columnGroups"}, source="t", what="r")
    moved = {"dimension": "COLUMNS", "startIndex": 2, "endIndex": 4}
    assert body["sheets"][0]["columnGroups"] == [{"range": moved, "depth": 1}]


def test_a_missing_group_is_named_by_its_request_index(emulator: Emulator, client: Any) -> None:
    """The refusal names the request that asked (it always said requests[0])."""
    from sheets_sync.errors import RemoteError

    key = emulator.create_spreadsheet("t", {"OKRs": ROWS})
    title = {"properties": {"sheetId": 0, "title": "OKRs"}, "fields": "title"}
    with pytest.raises(RemoteError, match=r"requests\[1\]\.updateDimensionGroup: No dimension"):
        client.batch_update(key, {"requests": [{"updateSheetProperties": title}, _group(True)]},
                            source="user", what="collapse")  # fmt: skip
