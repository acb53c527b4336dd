"""A Google cell's background as the sync's fill (``cellshape.owned_fill``)."""

from __future__ import annotations

from typing import Any

import pytest

from sheets_sync.backends.gsheets.backend import rgb
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
