"""A protection's words name its range as A1 notation does, the tab quoted as a formula
quotes it: until 2026-12-07 ``the protected range Q1 OKRs!C:D``, no A1 reference. A whole
tab, no reference, is named in words as the team types it (``grid.as_typed``): until
2026-12-07 ``the protected tab 'Q1 OKRs'``, a formula's quoting."""

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
        (CellRange(1, 1, _BIG, _BIG), 'the protected tab "Q1 OKRs"'),
    ],
)
def test_a_protections_range_quotes_its_tab(area: CellRange, said: str) -> None:
    assert Protection("Q1 OKRs", area, (), "").label() == said
    plain = Protection("OKRs", area, (), "scores").label()
    bare = said.replace("'Q1 OKRs'", "OKRs").replace('"Q1 OKRs"', "OKRs")
    assert plain == bare + ' ("scores")'


def test_a_protected_tab_with_a_quote_is_named_as_typed() -> None:
    whole = CellRange(1, 1, _BIG, _BIG)
    assert Protection("Bob's", whole, (), "").label() == 'the protected tab "Bob\'s"'
    column = CellRange(1, 2, _BIG, 2)
    assert Protection("Bob's", column, (), "").label() == "the protected range 'Bob''s'!B:B"


def test_a_refused_rollup_tab_is_named_as_typed() -> None:
    """``rollup tab "Key results"``: until 2026-12-07 ``rollup tab Key results is in``."""
    from sheets_sync.backends.gsheets.protection import refuse_tab

    prot = Protection("Key results", CellRange(1, 1, _BIG, _BIG), (), "")
    said = str(refuse_tab(prot, "Key results", "bot@example.com", "Rollup"))
    assert said.startswith(
        'Rollup: rollup tab "Key results" is in the protected tab "Key results", which '
    )


def test_the_refused_cell_named_is_the_first_in_sheet_order() -> None:
    """A row's writes come Score, Expected, Status: with Status (J) left of Score (K),
    both protected, the error named K2 (until 2026-12-07), not the first cell the team
    meets reading the sheet, as a dry run lists them."""
    import pytest

    from sheets_sync.backends.gsheets.protection import check
    from sheets_sync.errors import PermissionDeniedError
    from sheets_sync.grid import CellWrite

    found = {"OKRs": [Protection("OKRs", CellRange(1, 10, _BIG, 11), (), "")]}
    writes = [CellWrite("OKRs", 3, 11, 0.5), CellWrite("OKRs", 2, 11, 0.5)]
    writes += [CellWrite("OKRs", 2, 10, "On track")]
    with pytest.raises(PermissionDeniedError) as caught:
        check(writes, found, "bot@example.com", "Sales")
    assert (caught.value.tab, caught.value.cell) == ("OKRs", "J2")
