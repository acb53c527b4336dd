"""``tabs_as_read``: a team's tabs as its read had them, told from an edit of them when a
team of a shared sheet written out of its sheet's turn looks again (``_moved``). A
formula's computed value is Google's, recalculated on every edit of the sheet (``NOW()``,
``RAND()``, ``IMPORTRANGE``, a formula reading a sheet-mate's tab): until 2026-12-07 it
was digested, and such a team was CONFLICTED every night, said edited by someone."""

from __future__ import annotations

from typing import Any

from sheets_sync.backends.gsheets.shape import tabs_as_read
from sheets_sync.grid import tab_key

WANTED = frozenset({tab_key("B OKRs")})


def _body(*cells: dict[str, Any]) -> dict[str, Any]:
    return {
        "sheets": [
            {
                "properties": {"sheetId": 1, "title": "B OKRs", "index": 0},
                "data": [{"rowData": [{"values": list(cells)}]}],
            }
        ]
    }


def _formula(text: str, value: Any) -> dict[str, Any]:
    return {"userEnteredValue": {"formulaValue": text}, "effectiveValue": value}


def test_a_formula_recalculated_by_google_is_the_tab_as_read() -> None:
    before = _body(_formula("=NOW()", {"numberValue": 46068.5}))
    after = _body(_formula("=NOW()", {"numberValue": 46068.5001}))
    assert tabs_as_read(before, WANTED) == tabs_as_read(after, WANTED)
    mate = _body(_formula("='OKRs'!E2", {"numberValue": 0.4}))
    assert tabs_as_read(mate, WANTED) == tabs_as_read(
        _body(_formula("='OKRs'!E2", {"errorValue": {"type": "REF"}})), WANTED
    )


def test_a_formula_whose_automatic_format_follows_what_it_reads_is_the_tab_as_read() -> None:
    """A formula in Automatic takes the number format of the cell it reads: a sheet-mate's
    write restyling that cell (its Score made a percent) was an edit of this tab (until a
    read of the whole change on 2026-12-07)."""
    number = {"numberFormat": {"type": "NUMBER"}}
    percent = {"numberFormat": {"type": "PERCENT"}}
    before = _body({**_formula("='OKRs'!E2", {"numberValue": 0.4}), "effectiveFormat": number})
    after = _body({**_formula("='OKRs'!E2", {"numberValue": 0.4}), "effectiveFormat": percent})
    assert tabs_as_read(before, WANTED) == tabs_as_read(after, WANTED)


def test_an_edited_formula_or_value_is_an_edit() -> None:
    base = _body(
        _formula("=NOW()", {"numberValue": 1.0}),
        {"userEnteredValue": {}, "effectiveValue": {"numberValue": 3}},
    )
    digest = tabs_as_read(base, WANTED)
    edited_formula = _body(
        _formula("=TODAY()", {"numberValue": 1.0}),
        {"userEnteredValue": {}, "effectiveValue": {"numberValue": 3}},
    )
    edited_value = _body(
        _formula("=NOW()", {"numberValue": 1.0}),
        {"userEnteredValue": {}, "effectiveValue": {"numberValue": 4}},
    )
    typed_over = _body(
        {"userEnteredValue": {}, "effectiveValue": {"numberValue": 1.0}},
        {"userEnteredValue": {}, "effectiveValue": {"numberValue": 3}},
    )
    for other in (edited_formula, edited_value, typed_over):
        assert tabs_as_read(other, WANTED) != digest
    assert set(digest) == {"B OKRs"}


def test_a_reply_of_another_shape_is_still_digested() -> None:
    odd = {
        "sheets": [
            {"properties": {"title": "B OKRs"}, "data": [{"rowData": ["x", {"values": [1, None]}]}]}
        ]
    }
    assert set(tabs_as_read(odd, WANTED)) == {"B OKRs"}
    assert tabs_as_read({"sheets": [{"properties": {"title": "B OKRs"}, "data": 3}]}, WANTED)
