"""The owned cells' styles (``sync/styles.py``)."""

from __future__ import annotations

from sheets_sync.grid import CellStyle
from sheets_sync.sync.styles import BAD, GOOD, SCORE_FORMAT, with_format


def test_with_format_hands_out_one_object_per_pair() -> None:
    """A score cell's style was a new object per cell (25 a team): the patch's style cache,
    keyed by identity, missed it, and each team's pickled writes held every copy."""
    first = with_format(GOOD, SCORE_FORMAT)
    assert with_format(GOOD, SCORE_FORMAT) is first
    assert first == CellStyle(GOOD.fill, GOOD.font_color, number_format=SCORE_FORMAT)
    assert with_format(BAD, SCORE_FORMAT) != first
    assert with_format(GOOD, "0.0") == CellStyle(GOOD.fill, GOOD.font_color, number_format="0.0")
