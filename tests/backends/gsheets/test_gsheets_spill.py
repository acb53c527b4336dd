"""Owned cells inside the range an array formula fills (``ARRAYFORMULA``, ``FILTER``,
``SORT``...): refused before anything is sent, in the Excel backend's words, every night
(``sheets_sync/backends/gsheets/arrays.py``). Written, Google would show ``#REF!`` in the
formula's cell and the team's whole column would be gone (the emulator shows it too:
``tests/emulator/test_spill.py``). Real gspread, live emulator, ``Sync`` end to end."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
import requests

from sheets_sync.backends.gsheets.arrays import Filled, check, filled_ranges, reach
from sheets_sync.backends.gsheets.backend import GoogleSheetsBackend
from sheets_sync.backends.gsheets.clients import clear_clients
from sheets_sync.backends.gsheets.gridjson import read_grid
from sheets_sync.config import load_workspace
from sheets_sync.emulator import Emulator
from sheets_sync.errors import WorkbookError
from sheets_sync.grid import CellRange, CellWrite, formula_ranges
from sheets_sync.sync.engine import Sync, SyncOptions
from sheets_sync.sync.outcome import Outcome
from tests.support.google import google_team_workspace

pytestmark = pytest.mark.emulator
AS_OF = dt.date(2026, 2, 15)
HEADERS = ["Status", "Objective ID", "Objective", "KR ID", "Key result", "KR type", "Start",
           "Target", "Current", "Confidence", "Due date", "Copy", "Score", "Expected",
           "Sync notes"]  # fmt: skip
# the team's "Copy" column (L) shows Target and Current again, two columns wide: its
# array fills L2:M4, and M is the sync's Score column
ROWS: list[list[Any]] = [
    ["", "O1", "Grow revenue", "KR1", "Revenue to 100", "number", 0, 100, 45, 0.9, 46112,
     "=ARRAYFORMULA(H2:I4)"],
    ["", "", "", "KR2", "NPS to 50", "number", 30, 50, 40, 0.7, 46112],
    ["", "", "", "KR3", "Ship v2", "number", 0, 10, 5, 0.5, 46112],
]  # fmt: skip
REFUSAL = (
    "owned cell lies inside the range L2:M4 that the array formula in L2 fills "
    "(ARRAYFORMULA, or a formula that spills, such as FILTER or SORT); writing it would "
    "break that formula (Google shows #REF! in its place). Move the formula or the owned "
    "column."
)
NOT_EXPANDED = "Array result was not expanded because it would overwrite data in {}."


def _workspace(tmp: Path, emu: Emulator, key: str) -> Path:
    return google_team_workspace(emu, tmp, "Sales", key)


def test_an_owned_column_an_array_fills_fails_the_team_every_night_and_keeps_the_formula(
    emulator: Emulator, tmp_path: Path
) -> None:
    key = emulator.create_spreadsheet("Sales", {"OKRs": [HEADERS, *ROWS]})
    cfg = _workspace(tmp_path, emulator, key)
    assert emulator.values(key, "OKRs!L2:M4", "UNFORMATTED_VALUE") == [
        [100, 45],
        [50, 40],
        [10, 5],
    ]
    for _night in range(2):
        clear_clients()
        result = Sync(load_workspace(cfg)).run(SyncOptions(as_of=AS_OF, rollup=False))
        clear_clients()
        (run,) = result.runs
        assert run.outcome is Outcome.FAILED
        assert run.error == f"Sales (gsheet:{key[:4]}...{key[-4:]})!OKRs!M2: {REFUSAL}"
        assert run.api_calls == 1  # the read; nothing sent
    assert emulator.values(key, "OKRs!L2:M4", "UNFORMATTED_VALUE") == [
        [100, 45],
        [50, 40],
        [10, 5],
    ]  # not #REF!: the team's columns are there
    assert emulator.values(key, "OKRs!A2:A4") == [] == emulator.values(key, "OKRs!N2:O4")


def test_written_the_array_breaks_as_google_shows_it(emulator: Emulator, client: Any) -> None:
    """What the refusal prevents: the same writes sent anyway (the check bypassed)."""
    key = emulator.create_spreadsheet("Sales", {"OKRs": [HEADERS, *ROWS]})
    backend = GoogleSheetsBackend(client, key)
    data = backend.read(["OKRs"])
    writes = [CellWrite("OKRs", row, 13, 0.5) for row in (2, 3, 4)]
    with pytest.raises(WorkbookError) as info:
        backend.write(data, writes)
    assert str(info.value).endswith(f"!OKRs!M2: {REFUSAL}")
    assert data.sheets["OKRs"].formula(3, 13) == "=ARRAYFORMULA(H2:I4)"  # always written
    client.batch_update(key, {"requests": backend.plan(writes)}, source="t", what="t")
    assert emulator.values(key, "OKRs!L2:L4") == [["#REF!"]]
    assert emulator.cell(key, "OKRs!L2")["effectiveValue"]["errorValue"]["message"] == (
        "Array result was not expanded because it would overwrite data in M2."
    )


def test_an_array_only_of_owned_cells_is_replaced_whole(emulator: Emulator, client: Any) -> None:
    """As in Excel: a range every cell of which the sync writes loses its formula and
    nothing else; a write of part of it is refused, a blank inside it included."""
    rows = [["KR", "Score"], ["a", "=SEQUENCE(3)"], ["b"], ["c"]]
    key = emulator.create_spreadsheet("Team", {"OKRs": rows})
    backend = GoogleSheetsBackend(client, key)
    data = backend.read(["OKRs"])
    assert data.sheets["OKRs"].formula_arrays == (CellRange(2, 2, 4, 2),)
    with pytest.raises(WorkbookError, match=r"!OKRs!B3: owned cell lies inside the range B2:B4"):
        backend.write(data, [CellWrite("OKRs", 3, 2, 0.5)])
    backend.write(data, [CellWrite("OKRs", r, 2, r / 10) for r in (2, 3, 4)])
    assert emulator.values(key, "OKRs!B2:B4", "FORMULA") == [[0.2], [0.3], [0.4]]


def _cell(value: Any = None, formula: str | None = None, entered: bool = True) -> dict[str, Any]:
    cell: dict[str, Any] = {}
    if value is not None:
        cell["effectiveValue"] = {"numberValue": value}
    if formula is not None:
        cell["userEnteredValue"] = {"formulaValue": formula}
    elif entered and value is not None:
        cell["userEnteredValue"] = {}  # a typed value, its fields masked out (READ_FIELDS)
    return cell


def _empty() -> dict[str, Any]:
    return {}  # a blank result: Google sends no value


def _sheet(rows: list[list[dict[str, Any]]]) -> dict[str, Any]:
    return {"properties": {"title": "S"}, "data": [{"rowData": [{"values": r} for r in rows]}]}


def test_each_filled_cell_finds_its_anchor() -> None:
    """A column's array (a blank result inside it), a 2-D one under a formula of the
    team's, a row's, two columns' side by side, and a filled cell no formula claims (a
    pivot table's)."""
    fill = _cell(1, entered=False)
    f, v = _cell(1, "=F()"), _cell(1)
    e: dict[str, Any] = {}
    rows = [
        [v, f, v, v, e, f, v],  # B1: a column's array; F1: a formula of the team's
        [v, fill, f, e, e, e, e],  # C2: another, not an array
        [v, fill, e, e, f, fill, fill],  # E3: a 2-D array over E3:G4
        [v, e, e, e, fill, fill, fill],
        [v, fill, e, e, e, e, e],  # B5 after a blank B4: still B1's
        [v, e, f, fill, fill, e, e],  # C6: a row's array
        [v, e, e, e, e, e, fill],  # G7: no formula above or left of it
        [v, f, f, e, e, e, e],  # B8, C8: a column's array each, side by side
        [v, fill, fill, e, e, e, e],
    ]
    _, fills = read_grid(_sheet(rows))
    assert fills == (
        Filled(CellRange(1, 2, 5, 2), (1, 2)),
        Filled(CellRange(3, 5, 4, 7), (3, 5)),
        Filled(CellRange(6, 3, 6, 5), (6, 3)),
        Filled(CellRange(8, 2, 9, 2), (8, 2)),
        Filled(CellRange(8, 3, 9, 3), (8, 3)),
        Filled(CellRange(7, 7, 7, 7), None),
    )
    assert filled_ranges([], {(1, 1)}, {(1, 1): "=F()"}) == ()
    typed = [[{**c, "userEnteredValue": {"numberValue": 1}} if c.get("userEnteredValue") == {}
              else c for c in r] for r in rows]  # fmt: skip
    assert read_grid(_sheet(typed))[1] == ()  # no {} seen: no value taken for a filled one


def test_arrays_stacked_one_per_row_are_each_their_own_range() -> None:
    """Each row's own ARRAYFORMULA filling that row (A2 fills A2:C2, A3 fills A3:C3): the
    array above cannot reach past a formula left of the cell (its range is a box), so the
    refusal names the row's own array. Before 2026-12-06 every row took the first one's
    anchor and the message named one range A2:C4 that no formula fills."""
    fill, f, e = _cell(1, entered=False), _cell(1, "=ARRAYFORMULA(H2:J2)"), _cell(1)
    rows = [[e, e, e], [f, fill, fill], [f, fill, fill], [f, fill, fill]]
    _, fills = read_grid(_sheet(rows))
    assert fills == tuple(Filled(CellRange(r, 1, r, 3), (r, 1)) for r in (2, 3, 4))
    with pytest.raises(WorkbookError) as info:
        check([CellWrite("S", 3, 2, 1)], {"S": fills}, "Team")
    assert str(info.value).startswith(
        "Team!S!B3: owned cell lies inside the range A3:C3 that the array formula in A3 fills"
    )
    # a column's array beside a formula per row is still one range (B2 fills B2:B4)
    g, down = _cell(1, "=ROW()"), _cell(1, "=ARRAYFORMULA(H2:H4)")
    col = [[e, e], [g, down], [g, fill], [g, fill]]
    assert read_grid(_sheet(col))[1] == (Filled(CellRange(2, 2, 4, 2), (2, 2)),)


@pytest.mark.parametrize(
    "array", ["=FILTER(H1:I9, H1:H9>0)", "=ARRAYFORMULA(H1:I5)", "=SORT(H1:I5)"]
)
def test_a_2d_arrays_cells_after_a_blank_result_stay_its_beside_a_plain_formula(
    array: str,
) -> None:
    """B1's array fills B1:C5, B3 a blank result (no cell at Google); A3:A5 a formula per
    row, ``=ROW()*2``, which fills nothing. Before 2026-12-06 B4 went to A4 (a formula left
    of it) and A4 took B4:C5 from the array: the refusal named ``A4:C4`` and "the array
    formula in A4", and the grid read C4's formula as ``=ROW()*2``."""
    fill, v, e = _cell(1, entered=False), _cell(1), _empty()
    g, two = _cell(1, "=ROW()*2"), _cell(1, array)
    rows = [[v, two, fill], [v, fill, fill], [g, e, fill], [g, fill, fill], [g, fill, fill]]
    grid, fills = read_grid(_sheet(rows))
    assert fills == (Filled(CellRange(1, 2, 5, 3), (1, 2)),)
    assert grid.formula(4, 3) == array and grid.formula(4, 1) == "=ROW()*2"
    with pytest.raises(WorkbookError) as info:
        check([CellWrite("S", 4, 3, 1)], {"S": fills}, "Team")
    assert str(info.value).startswith(
        "Team!S!C4: owned cell lies inside the range B1:C5 that the array formula in B1 fills"
    )


def test_a_columns_array_after_a_blank_result_stays_its_beside_a_plain_formula() -> None:
    """C1's ``ARRAYFORMULA`` over a column, C3 a blank result, B2:B6 a formula per row:
    C4:C6 are still C1's (B4's ``=B1*2`` fills nothing), with typed values beside it too."""
    fill, v, e = _cell(1, entered=False), _cell(1), _empty()
    col = _cell(1, '=ARRAYFORMULA(IF(A2:A="",,A2:A*2))')
    for left in (_cell(1, "=B1*2"), v):
        rows = [[v, v, col], [v, left, fill], [v, left, e], *[[v, left, fill]] * 3]
        assert read_grid(_sheet(rows))[1] == (Filled(CellRange(1, 3, 6, 3), (1, 3)),)


def test_a_value_no_formula_claims_is_refused_naming_no_formula() -> None:
    found = {"OKRs": (Filled(CellRange(2, 2, 2, 2), None),)}  # a pivot table's, say
    check([CellWrite("OKRs", 3, 2, 1), CellWrite("Other", 2, 2, 1)], found, "Team")
    with pytest.raises(WorkbookError) as info:
        check([CellWrite("OKRs", 2, 2, 1)], found, "Team")
    assert str(info.value) == (
        "Team!OKRs!B2: owned cell shows a value no one typed there: another cell fills it "
        "(an array formula, a pivot table or a connected-data table); writing it would "
        "break that. Move it or the owned column."
    )


def test_an_arrayformula_over_a_column_to_its_end_reaches_the_last_row() -> None:
    """Its blank results (rows with no key result yet) are no cell at Google, yet the
    array's: a value written there breaks it too. ``SUM`` of such a range is one value."""
    typed = _cell(1)
    rows = [
        [typed, typed, _cell(2, '=ARRAYFORMULA(IF(B2:B="",,B2:B*2))'),
         _cell(3, "=ARRAYFORMULA(SUM(B2:B))")],
        [typed, typed, _cell(2, entered=False)],
        [typed],
    ]  # fmt: skip
    sheet = _sheet(rows)
    sheet["properties"]["gridProperties"] = {"rowCount": 10, "columnCount": 4}
    grid, fills = read_grid(sheet)
    assert fills == (Filled(CellRange(1, 3, 9, 3), (1, 3)),)  # B2:B is 9 rows, from C1
    assert grid.formula_arrays == (CellRange(1, 3, 9, 3),)
    inside = r"^Team!S!C7: owned cell lies inside the range C1:C9 "
    with pytest.raises(WorkbookError, match=inside):
        check([CellWrite("S", 7, 3, 0.5)], {"S": fills}, "Team")


def _night(cfg: Path) -> Any:
    clear_clients()
    result = Sync(load_workspace(cfg)).run(SyncOptions(as_of=AS_OF, rollup=False))
    clear_clients()
    (run,) = result.runs
    return run


def _current_blank() -> list[list[Any]]:
    rows = [list(r) for r in ROWS]
    for row in rows:
        row[8] = ""  # Current not filled in yet (a quarter's start): the array's M is blank
    return rows


def test_an_array_whose_owned_column_shows_only_blank_results_is_refused(
    emulator: Emulator, tmp_path: Path
) -> None:
    """``=ARRAYFORMULA(H2:I4)`` fills L2:M4 though M shows nothing yet: its size is its
    ranges', not only the cells seen filled."""
    key = emulator.create_spreadsheet("Sales", {"OKRs": [HEADERS, *_current_blank()]})
    cfg = _workspace(tmp_path, emulator, key)
    run = _night(cfg)
    assert run.outcome is Outcome.FAILED
    assert run.error == f"Sales (gsheet:{key[:4]}...{key[-4:]})!OKRs!M2: {REFUSAL}"
    assert emulator.values(key, "OKRs!L2:L4", "UNFORMATTED_VALUE") == [[100], [50], [10]]


def test_an_array_the_sync_broke_already_is_told_every_night(
    emulator: Emulator, tmp_path: Path
) -> None:
    """Written before this was caught, the array fills nothing (``#REF!`` in L2): no
    filled cell tells of it, its anchor's message does."""
    key = emulator.create_spreadsheet("Sales", {"OKRs": [HEADERS, *_current_blank()]})
    requests.put(  # an old night's scores
        f"{emulator.url}/v4/spreadsheets/{key}/values/OKRs!M2:M4",
        params={"valueInputOption": "RAW"},
        json={"values": [[0.5], [0.5], [0.5]]},
        headers={"Authorization": f"Bearer {emulator.issue_token()}"},
        timeout=10,
    ).raise_for_status()
    assert emulator.values(key, "OKRs!L2:L4") == [["#REF!"]]
    cfg = _workspace(tmp_path, emulator, key)
    for _night_no in range(2):
        run = _night(cfg)
        assert run.outcome is Outcome.FAILED
        assert run.error == (
            f"Sales (gsheet:{key[:4]}...{key[-4:]})!OKRs!M2: the sync's value in M2 blocks "
            "the array formula in L2 (Google shows #REF! there); writing it again keeps that "
            "formula broken. Clear the owned cells inside the range the formula fills, or "
            "move the formula or the owned column."
        )
        assert run.api_calls == 1  # the read; nothing sent


def test_a_broken_array_whose_anchor_is_written_goes_whole() -> None:
    ref = {"errorValue": {"type": "REF", "message": NOT_EXPANDED.format("B3")}}
    anchor = {"userEnteredValue": {"formulaValue": "=SEQUENCE(3)"}, "effectiveValue": ref}
    rows = [[_cell(1), _cell(1)], [_cell(1), anchor], [_cell(1), _cell(7)], [_cell(1)]]
    grid, fills = read_grid(_sheet(rows))
    assert fills == (Filled(CellRange(3, 2, 3, 2), (2, 2), blocks=True),)
    assert grid.formula_arrays == ()
    check([CellWrite("S", r, 2, 0.5) for r in (2, 3)], {"S": fills}, "T")  # no formula left
    with pytest.raises(WorkbookError, match=r"^T!S!B3: the sync's value in B3 blocks"):
        check([CellWrite("S", 3, 2, 0.5)], {"S": fills}, "T")
    check([CellWrite("S", 4, 2, 0.5)], {"S": fills}, "T")  # not the cell in its way


def test_an_arrayformula_is_as_big_as_its_ranges_on_this_tab() -> None:
    """Every range counts, closed ones too; another tab's (``Data!$A$2:$C``) does not,
    nor does a range in a text; ``TRANSPOSE`` turns rows into columns: no size."""
    formulas = {
        (2, 12): "=ARRAYFORMULA(H2:I4*2)",
        (2, 13): "=ARRAYFORMULA(IFERROR(VLOOKUP(D2:D4, Data!$A$2:$C, 2, 0)))",
        (2, 14): '=arrayformula(if(B2:B="",,"A1:Z99"))',
        (2, 15): "=ARRAYFORMULA(TRANSPOSE(B2:B4))",
        (2, 16): "=SUM(B2:B4)",
    }
    assert reach(formulas, 1000) == {(2, 12): (4, 13), (2, 13): (4, 13), (2, 14): (1000, 14)}


def test_an_owned_array_written_whole_is_not_stretched_by_another_tabs_range() -> None:
    text = "=ARRAYFORMULA(IFERROR(VLOOKUP(D2:D4, Data!$A$2:$C, 2, 0)))"
    rows = [[_cell(1)] * 13]
    rows += [[_cell(1)] * 12 + [_cell(5, text)]]
    rows += [[_cell(1)] * 12 + [_cell(v, entered=False)] for v in (6, 7)]
    sheet = _sheet(rows)
    sheet["properties"]["gridProperties"] = {"rowCount": 1000}
    _, fills = read_grid(sheet)
    assert fills == (Filled(CellRange(2, 13, 4, 13), (2, 13)),)
    check([CellWrite("S", r, 13, 0.5) for r in (2, 3, 4)], {"S": fills}, "T")


@pytest.mark.parametrize(
    ("text", "last"),
    [
        ("=ARRAYFORMULA(IF(LEN(A2:A), MMULT(N(B2:D), {1;1;1}),))", 50),  # one column
        ("=ARRAYFORMULA(IFERROR(VLOOKUP(A2:A6, H2:J40, 2, 0)))", 40),  # five rows
    ],
)
def test_a_stretch_stops_at_the_first_typed_cell_or_formula(text: str, last: int) -> None:
    """The largest range of a formula need not set its result's size: ``N(B2:D)`` is 3
    wide, ``H2:J40`` 39 rows, the results one column. An anchor showing a value proves no
    typed cell or formula lies in its range: the typed M2:M6 beside it are the team's,
    written; a typed L9 below ends it there."""
    typed = _cell(1)
    rows = [[typed] * 14]
    rows += [[typed] * 11 + [_cell(2, text) if r == 2 else _cell(2, entered=False), typed]
             for r in range(2, 7)]  # fmt: skip
    sheet = _sheet(rows)
    sheet["properties"]["gridProperties"] = {"rowCount": 50, "columnCount": 30}
    grid, fills = read_grid(sheet)
    assert fills == (Filled(CellRange(2, 12, last, 12), (2, 12)),)
    assert grid.formula_arrays == (CellRange(2, 12, last, 12),)
    check([CellWrite("S", r, 13, 0.5) for r in range(2, 7)], {"S": fills}, "T")
    rows += [[], [], [typed] * 11 + [_cell(3, "=B9")]]  # a formula of the team's in L9
    sheet["data"] = _sheet(rows)["data"]
    _, fills = read_grid(sheet)
    assert fills == (Filled(CellRange(2, 12, 8, 12), (2, 12)),)


def test_a_broken_arrays_ref_passed_on_is_not_taken_for_one() -> None:
    """A formula reading the broken anchor shows its ``#REF!`` and message: not a spill
    of its own (``=OKRs!L2``, ``=L2``, ``=ARRAYFORMULA(OKRs!$L$2)``), nor one whose
    named cell lies above or left of it. Only the anchor itself is told."""
    message = {"errorValue": {"type": "REF", "message": NOT_EXPANDED.format("M2")}}

    def ref(formula: str) -> dict[str, Any]:
        return {"userEnteredValue": {"formulaValue": formula}, "effectiveValue": message}

    for formula, at in [
        ("=OKRs!L2", (3, 2)),
        ("=L2", (5, 14)),
        ('=IFERROR(L2, "")', (5, 14)),
        ("=ARRAYFORMULA(OKRs!$L$2)", (3, 2)),
        ("=ARRAYFORMULA('Q1 OKRs'!L2)", (3, 2)),
        ("=ARRAYFORMULA(H2:I4)", (3, 12)),  # M2 is above it
        ("=ARRAYFORMULA(H2:I4)", (2, 14)),  # M2 is left of it
    ]:
        rows = [[_cell(1)] + [{}] * 14 for _ in range(at[0])]
        rows[at[0] - 1][at[1] - 1] = ref(formula)
        _, fills = read_grid(_sheet(rows))
        assert fills == (), formula
        check([CellWrite("S", 2, 13, 0.5)], {"S": fills}, "T")
    for formula in ["=ARRAYFORMULA(H2:I4)", "=SORT(H2:I4)", '={"Copy"; H2:H4}']:
        rows = [[_cell(1)] + [{}] * 14 for _ in range(2)]
        rows[1][11] = ref(formula)
        _, fills = read_grid(_sheet(rows))
        assert fills == (Filled(CellRange(2, 13, 2, 13), (2, 12), blocks=True),), formula


def test_a_row_number_too_long_for_a_grid_names_no_range() -> None:
    """A formula's ``B2:B`` followed by 4,300 digits made ``int`` refuse it: the team
    failed every night with "unexpected reply". Eight digits are more than a grid has."""
    huge = "9" * 4400
    assert formula_ranges(f"B2:B{huge}*2 + B{huge}:C3 + B2:C99999999", 10) == [
        CellRange(2, 2, 99999999, 3)
    ]
    ref = {"errorValue": {"type": "REF", "message": NOT_EXPANDED.format(f"M{huge}")}}
    anchor = {"userEnteredValue": {"formulaValue": f"=ARRAYFORMULA(B2:B{huge})"}}
    rows = [[_cell(1), _cell(1)], [_cell(1), {**anchor, "effectiveValue": ref}]]
    rows += [
        [_cell(1), _cell(2, f"=ARRAYFORMULA(B3:B{huge})")],
        [_cell(1), _cell(2, entered=False)],
    ]
    sheet = _sheet(rows)
    sheet["properties"]["gridProperties"] = {"rowCount": 10}
    assert read_grid(sheet)[1] == (Filled(CellRange(3, 2, 4, 2), (3, 2)),)


def _layout(spec: list[str], formulas: dict[str, str]) -> tuple[Filled, ...]:
    """A tab drawn a row a string: ``v`` a typed value, ``x`` a filled cell, ``.`` nothing
    (a blank result), a capital the formula so named in ``formulas``."""
    cells = {"v": _cell(1), "x": _cell(1, entered=False), ".": _empty()}
    rows = [[cells[ch] if ch in cells else _cell(1, formulas[ch]) for ch in s] for s in spec]
    return read_grid(_sheet(rows))[1]


def _box(*area: int) -> Filled:  # an array's range, its anchor in its first cell
    return Filled(CellRange(*area), (area[0], area[1]))


_ROWS = ["=IFERROR(ARRAYFORMULA(H{r}:J{r}),)", "=HSTACK(H{r},I{r},J{r})",
         '=INDEX(SPLIT(H{r},","))', "=BYCOL(H{r}:J{r},LAMBDA(c,SUM(c)))",
         "=ARRAY_CONSTRAIN(ARRAYFORMULA(H{r}:J{r}),1,3)", "=ARRAYFORMULA(H{r}:J{r})"]  # fmt: skip


@pytest.mark.parametrize("text", _ROWS)
@pytest.mark.parametrize("blank", [False, True])
def test_arrays_stacked_one_per_row_are_their_own_whatever_their_formula(
    text: str, blank: bool
) -> None:
    """A1:A3 each fill their row, three wide, typed D beside them (a blank result in B2
    too): a formula on the row left of a cell ends the array above it, whether or not it
    matches the known spilling functions. Until the evening of 2026-12-06 only one that
    did ended it: A1:C3, A2:B2, A3:B3, and C2 refused as A1's."""
    spec = ["1xxv", "2.xv" if blank else "2xxv", "3xxv"]
    found = _layout(spec, {str(r): text.format(r=r) for r in (1, 2, 3)})
    assert found == tuple(_box(r, 1, r, 3) for r in (1, 2, 3))
    check([CellWrite("S", r, 4, 1) for r in (1, 2, 3)], {"S": found}, "Team")
    with pytest.raises(WorkbookError, match="range A2:C2 that the array formula in A2 "):
        check([CellWrite("S", 2, 3, 1)], {"S": found}, "Team")


@pytest.mark.parametrize(
    "text",
    ["=IFERROR(ARRAYFORMULA(A1:A8*2),)", "=IFERROR(FILTER(A1:A8,A1:A8>0),)",
     "=IFNA(VSTACK(A1:A4,A5:A8),)", "=IFERROR(TOCOL(A1:A8),)",
     '=IFERROR({"Score";ARRAYFORMULA(A2:A8*2)},)', "=ARRAYFORMULA(A1:A8*2)"],
)  # fmt: skip
def test_a_wrapped_arrays_cells_after_blanks_stay_its_beside_a_plain_formula(text: str) -> None:
    """C1's array over C1:C8 (blank results in C3:C4), a plain ``=A1*3`` a row in B: C5
    finds B5 left of it nearer than C1, and a formula that may spill (a spilling function
    or an array literal anywhere in it) goes before one that does not. Until 2026-12-06
    only the whole formula was asked, and ``=IFERROR(ARRAYFORMULA(...),)`` lost: B5:C5 to
    B8:C8 were named "the array formula in B5" and C3:C4's range was C1:C2."""
    spec = ["vBCv", "vBxv", "vB.v", "vB.v", *["vBxv"] * 4]
    found = _layout(spec, {"B": "=A1*3", "C": text})
    assert found == (_box(1, 3, 8, 3),)


@pytest.mark.parametrize(
    ("spec", "blank"),
    [(["v1xxv", "v2.xv", "v3xxv"], '=SPLIT(A{r},",")'),
     (["1xxxv", "2.xxv", "3xxxv"], "=TRANSPOSE(FILTER(H{r}:H9,1))")],
)  # fmt: skip
def test_arrays_one_per_row_after_a_blank_result_keep_their_row(
    spec: list[str], blank: str
) -> None:
    """A row's array with a blank result right of its formula: the rest of the row is
    still its own, not the array's above (B1:D2 and A1:D2, until 2026-12-06)."""
    found = _layout(spec, {str(r): blank.format(r=r) for r in (1, 2, 3)})
    first = spec[0].index("1") + 1
    assert found == tuple(_box(r, first, r, len(spec[0]) - 1) for r in (1, 2, 3))


@pytest.mark.parametrize("text", ["=ARRAYFORMULA(I3:I6)", "=IFERROR(ARRAYFORMULA(I3:I6))"])
def test_a_column_array_under_typed_cells_beside_another_is_its_own(text: str) -> None:
    """A1's column array (a blank result in A3), typed B1:B2 above B3's column array (a
    blank result in B4): B5 took A5's anchor, A1's range went over B1:B2, and the sync's
    B1:B2 were refused every night, until 2026-12-06. So too two column arrays side by
    side with blank results on the same rows."""
    found = _layout(
        ["Avv", "xvv", ".Bv", "x.v", "xxv", "xxv"], {"A": "=ARRAYFORMULA(H1:H6)", "B": text}
    )
    assert found == (_box(1, 1, 6, 1), _box(3, 2, 6, 2))
    check([CellWrite("S", r, 2, 1) for r in (1, 2)], {"S": found}, "Team")
    formulas = {"A": "=ARRAYFORMULA(H1:H5)", "B": "=ARRAYFORMULA(I1:I5)"}
    for spec in (["ABv", "xxv", "..v", "xxv", "xxv"], ["ABv", "xxv", "..v", "x.v", "xxv"]):
        found = _layout(spec, formulas)
        assert found == (_box(1, 1, 5, 1), _box(1, 2, 5, 2))
