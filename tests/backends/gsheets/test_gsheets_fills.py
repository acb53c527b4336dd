"""A Google cell's background as the sync's fill (``cellshape.owned_fill``)."""

from __future__ import annotations

from typing import Any

import pytest

from sheets_sync.backends.gsheets.celldata import rgb
from sheets_sync.backends.gsheets.cellshape import owned_fill
from sheets_sync.grid import READ_FILLS


@pytest.mark.parametrize("hex_colour", sorted(READ_FILLS))  # the owned header's too
def test_a_fill_the_sync_wrote_reads_back_as_written(hex_colour: str) -> None:
    colour = {k: v for k, v in rgb(hex_colour).items() if v}  # Google leaves out a 0
    assert owned_fill({"userEnteredFormat": {"backgroundColor": colour}}) == hex_colour


@pytest.mark.parametrize(
    "cell",
    [
        {},
        {"userEnteredFormat": {}},
        {"userEnteredFormat": {"backgroundColor": {}}},  # black
        {"userEnteredFormat": {"backgroundColor": {"green": 0.69, "blue": 0.31}}},
        {"userEnteredFormat": {"backgroundColor": {"red": "x"}}},
        {"userEnteredFormat": {"backgroundColor": {"red": float("nan")}}},
        {"userEnteredFormat": {"backgroundColor": {"red": 7}}},
        {"userEnteredFormat": {"backgroundColor": [1, 2]}},
        {"userEnteredFormat": "red"},
    ],
)
def test_any_other_background_or_shape_is_no_fill_of_the_sync(cell: dict[str, Any]) -> None:
    """Never a failed read for a fill: the cell is written again, in the sync's colour."""
    assert owned_fill(cell) is None


def test_the_owned_header_fill_is_read_in_header_rows_only() -> None:
    """The grey-blue of an owned header tells the sync's Status column apart; the template
    paints its owned columns' every cell so, which the read keeps out below the header
    rows (``grid.HEADER_FILL_ROWS``); the Status fills are read in every row."""
    from sheets_sync.backends.gsheets.gridjson import grid_from_json
    from sheets_sync.grid import HEADER_FILL_ROWS, OWNED_HEADER_FILL

    def cell(hex_colour: str) -> dict[str, Any]:
        return {"userEnteredFormat": {"backgroundColor": rgb(hex_colour)}}

    rows = [{"values": [cell(OWNED_HEADER_FILL), cell("C6EFCE")]} for _ in range(25)]
    sheet = {"properties": {"title": "OKRs"}, "data": [{"rowData": rows}]}
    fills = grid_from_json(sheet).fills
    assert fills is not None
    header = {k for k, v in fills.items() if v == OWNED_HEADER_FILL}
    assert header == {(r, 1) for r in range(1, HEADER_FILL_ROWS + 1)}
    assert {k for k, v in fills.items() if v == "C6EFCE"} == {(r, 2) for r in range(1, 26)}


def test_the_owned_header_fill_is_read_as_far_as_a_header_is_sought() -> None:
    """``header_rows`` (``sync.reading.header_rows``: a mapping seeking its header in 30
    rows): the grey-blue of row 25 is read; until 2026-12-07 the first 20 rows alone."""
    from sheets_sync.backends.gsheets.gridjson import read_grid
    from sheets_sync.grid import OWNED_HEADER_FILL

    cell = {"userEnteredFormat": {"backgroundColor": rgb(OWNED_HEADER_FILL)}}
    sheet = {"properties": {"title": "OKRs"}, "data": [{"rowData": [{"values": [cell]}] * 31}]}
    for rows, last in ((20, 20), (30, 30)):
        fills = read_grid(sheet, rows)[0].fills
        assert fills is not None and set(fills) == {(r, 1) for r in range(1, last + 1)}
