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
