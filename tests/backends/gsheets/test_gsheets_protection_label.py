"""A protection's words name its range as A1 notation does, the tab quoted as a formula
quotes it: until 2026-12-07 ``the protected range Q1 OKRs!C:D``, no A1 reference."""

from __future__ import annotations

import pytest

from sheets_sync.backends.gsheets.protection import _BIG, Protection
from sheets_sync.grid import CellRange


@pytest.mark.parametrize(
    ("area", "said"),
    [
        (CellRange(1, 3, _BIG, 4), "the protected range 'Q1 OKRs'!C:D"),
        (CellRange(2, 1, 5, _BIG), "the protected range 'Q1 OKRs'!2:5"),
        (CellRange(2, 3, 9, 3), "the protected range 'Q1 OKRs'!C2:C9"),
        (CellRange(1, 1, _BIG, _BIG), "the protected tab 'Q1 OKRs'"),
    ],
)
def test_a_protections_range_quotes_its_tab(area: CellRange, said: str) -> None:
    assert Protection("Q1 OKRs", area, (), "").label() == said
    plain = Protection("OKRs", area, (), "scores").label()
    assert plain == said.replace("'Q1 OKRs'", "OKRs") + ' ("scores")'
