"""A Google cell holding an error value with no formula (pasted as values from a column
of lookups, or typed) says so, as an Excel file's does (``test_typed_error_values.py``):
until 2026-12-07 its words blamed "the formula, or a cell it draws on". The Sheets API
documents ``ExtendedValue.errorValue`` as read-only (no request writes one) and does not
say whether ``userEnteredValue`` may hold one; the emulator's cell stands in for a value
Google reports so. The read masks ``userEnteredValue`` to its ``formulaValue``
(``READ_FIELDS``): ``{}`` is a value entered with no formula, no ``userEnteredValue`` at
all an array formula's cell, a formula's."""

from __future__ import annotations

from typing import Any

import pytest

from sheets_sync.backends.gsheets.backend import GoogleSheetsBackend
from sheets_sync.backends.gsheets.gridjson import cell_value
from sheets_sync.domain.values import CellValueError, parse_number
from sheets_sync.emulator import Emulator
from sheets_sync.grid import CellError

pytestmark = pytest.mark.emulator

NA = {"errorValue": {"type": "N_A", "message": "Error"}}


def test_an_error_value_entered_with_no_formula_reads_as_typed(
    emulator: Emulator, client: Any
) -> None:
    key = emulator.create_spreadsheet(
        "t", {"OKRs": [["KR ID", "Current"], ["KR1", 1], ["KR2", "=NA()"], ["KR3", 3]]}
    )
    with emulator.state.lock:
        sheet = emulator.state.spreadsheets[key].sheets[0]
        sheet.cells[(1, 1)] = {"userEnteredValue": NA, "effectiveValue": NA}  # pasted
        sheet.cells[(3, 1)] = {"effectiveValue": NA}  # an array formula's cell
    grid = GoogleSheetsBackend(client, key).read(["OKRs"]).sheets["OKRs"]
    found = [grid.value(r, 2) for r in (2, 3, 4)]
    assert all(isinstance(v, CellError) and v.code == "#N/A" for v in found)
    assert [v.typed for v in found if isinstance(v, CellError)] == [True, False, False]
    with pytest.raises(CellValueError) as info:
        parse_number(found[0])
    assert str(info.value) == (
        "the cell shows the error #N/A (the cell holds the error value itself, with no "
        "formula: it was typed, or pasted as a value from a formula's result; type the "
        "value in its place)"
    )
    for formulas in found[1:]:  # the formula's and the array's keep their words
        with pytest.raises(CellValueError) as info:
            parse_number(formulas)
        assert "holds the error value itself" not in str(info.value)


@pytest.mark.parametrize(
    ("entered", "typed"),
    [({}, True), (NA, True), ({"formulaValue": "=NA()"}, False), (None, False)],
)
def test_the_cell_as_the_read_gets_it(entered: Any, typed: bool) -> None:
    cell: dict[str, Any] = {"effectiveValue": NA}
    if entered is not None:
        cell["userEnteredValue"] = entered
    value = cell_value(cell)
    assert isinstance(value, CellError) and value.typed is typed
