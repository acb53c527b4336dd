"""A basic filter's hidden values hide rows as ``hiddenByFilter`` (real gspread)."""

from __future__ import annotations

from typing import Any

import gspread
import pytest

from sheets_sync.emulator import Emulator

pytestmark = pytest.mark.emulator

ROWS: list[list[Any]] = [["KR", "Owner"], ["k1", "Ann"], ["k2", "Bob"], ["k3", "Ann"], ["k4", 7]]


def _row_metadata(sh: gspread.Spreadsheet) -> list[dict[str, Any]]:
    got = sh.fetch_sheet_metadata(
        {"includeGridData": "true", "fields": "sheets(data(rowMetadata))", "ranges": "A1:B5"}
    )
    meta: list[dict[str, Any]] = got["sheets"][0]["data"][0]["rowMetadata"]
    return meta


@pytest.mark.parametrize("form", ["criteria", "filterSpecs"])
def test_hidden_values_hide_rows_by_filter_until_the_filter_is_cleared(
    gc: gspread.Client, emulator: Emulator, form: str
) -> None:
    sh = gc.open_by_key(emulator.create_spreadsheet("t", {"OKRs": ROWS}))
    hidden = {"hiddenValues": ["Bob", "7"]}
    spec: dict[str, Any] = (
        {"criteria": {"1": hidden}}
        if form == "criteria"
        else {"filterSpecs": [{"columnIndex": 1, "filterCriteria": hidden}]}
    )
    rng = {"sheetId": 0, "startRowIndex": 0, "endRowIndex": 5}
    sh.batch_update({"requests": [{"setBasicFilter": {"filter": {"range": rng, **spec}}}]})
    assert [bool(m.get("hiddenByFilter")) for m in _row_metadata(sh)] == [
        False,
        False,
        True,
        False,
        True,
    ]
    sh.batch_update({"requests": [{"clearBasicFilter": {"sheetId": 0}}]})
    assert not any(m.get("hiddenByFilter") for m in _row_metadata(sh))


def test_a_filter_without_hidden_values_hides_nothing(
    gc: gspread.Client, emulator: Emulator
) -> None:
    sh = gc.open_by_key(emulator.create_spreadsheet("t", {"OKRs": ROWS}))
    sh.batch_update({"requests": [{"setBasicFilter": {"filter": {"range": {"sheetId": 0}}}}]})
    assert not any(m.get("hiddenByFilter") for m in _row_metadata(sh))
