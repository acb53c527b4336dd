"""A formula no program calculated reads as an empty cell; the row says why."""

from __future__ import annotations

from sheets_sync.domain.models import Severity, TeamInput
from sheets_sync.grid import CellError, CellValue, SheetGrid, WorkbookData
from sheets_sync.mapping.extract import extract
from sheets_sync.mapping.parse import build_team_input
from sheets_sync.mapping.spec import load_mapping

HEAD = ("Objective ID", "KR ID", "Start", "Target", "Current")


def _findings(rows: tuple[tuple[CellValue, ...], ...], grid_args: dict[str, object]) -> list[str]:
    grid = SheetGrid("OKRs", (HEAD, *rows), **grid_args)  # type: ignore[arg-type]
    data = WorkbookData("sales.xlsx", ("OKRs",), {"OKRs": grid})
    team = build_team_input("Sales", extract(data, load_mapping("standard")))
    found = [f for f in team.findings if "owner" not in f.message and "KPIs" not in f.message]
    return [f"{f.severity.value}: {f}" for f in found]


def test_a_current_whose_formula_has_no_value_says_why() -> None:
    """Until 2026-12-07 the key result read as No data without a word: a Current of
    ``=Pipeline!B7`` saved by a script (openpyxl keeps no formula's value) looked blank."""
    rows = (("O1", "KR1", 0, 10, None), ("O1", "KR2", 0, 10, None))
    got = _findings(
        rows,
        {"formula_cells": {(2, 5): "=Pipeline!B7", (3, 5): ""}, "uncalculated": {(2, 5), (3, 5)}},
    )
    said = (
        "holds no value: the file was last saved by a program that does not calculate "
        "formulas (a script), so it reads as empty; open the file in Excel or LibreOffice "
        "and save it"
    )
    assert got == [
        f"warning: sales.xlsx!OKRs!E2: the formula =Pipeline!B7 {said}",
        f"warning: sales.xlsx!OKRs!E3: the formula {said}",  # a shared formula's other cell
    ]
    assert all(Severity.WARNING.value in g for g in got)


def test_a_calculated_formula_or_an_empty_row_says_nothing() -> None:
    rows = (("O1", "KR1", 0, 10, 5), ("O1", "KR2", 0, 10, None), (None, None, None, None, None))
    got = _findings(
        rows,
        # E2 calculated (5), E3 shows "" (not uncalculated), E4 a formula dragged down
        # an empty row
        {"formula_cells": {(2, 5): "=2+3", (3, 5): '=""', (4, 5): ""}, "uncalculated": {(4, 5)}},
    )
    assert got == []


def test_a_long_formula_is_quoted_short() -> None:
    long = "=" + "+".join(["A1"] * 50)
    (got,) = _findings(
        (("O1", "KR1", 0, 10, None),), {"formula_cells": {(2, 5): long}, "uncalculated": {(2, 5)}}
    )
    assert f"the formula {long[:60]}... (150 characters) holds no value" in got


def test_rows_made_only_of_formulas_with_no_value_are_said_once() -> None:
    """Every row's cells formulas a script saved with no value: each row read as empty
    and was skipped, and the tab validated with 0 errors, 0 warnings (until 2026-12-07).
    Said once, at the first; row 5's Current dragged down a row with no ID says nothing."""
    cells = {(r, c): f"=Plan!{'ABCDE'[c - 1]}{r}" for r in (2, 3) for c in range(1, 6)}
    rows = ((None,) * 5, (None,) * 5, ("O1", "KR1", 0, 10, 5), (None,) * 5)
    got = _findings(
        rows,
        {"formula_cells": {**cells, (5, 5): ""}, "uncalculated": {*cells, (5, 5)}},
    )
    assert got == [
        "warning: sales.xlsx!OKRs!A2: 10 formulas on rows that read as empty hold no value, "
        "the first here (=Plan!A2): the file was last saved by a program that does not "
        "calculate formulas (a script), so those rows are skipped; open the file in Excel or "
        "LibreOffice and save it"
    ]


def test_rows_below_the_grid_s_last_value_count_too() -> None:
    """A grid ends at its last value: rows of formulas with no value are not in it. One
    row says "that row is skipped" ("those rows" until 2026-12-07)."""
    got = _findings((), {"formula_cells": {(2, 2): "=Plan!B2"}, "uncalculated": {(2, 2)}})
    assert got == [
        "warning: sales.xlsx!OKRs!B2: a formula on a row that reads as empty holds no value "
        "(=Plan!B2): the file was last saved by a program that does not calculate formulas "
        "(a script), so that row is skipped; open the file in Excel or LibreOffice and "
        "save it"
    ]


def test_a_shared_formulas_other_cell_quotes_its_master() -> None:
    """Until 2026-12-07 ``the formula holds no value``: no formula to look for."""
    got = _findings(
        (("O1", "KR1", 0, 10, None), ("O1", "KR2", 0, 10, None)),
        {
            "formula_cells": {(2, 5): "=Pipeline!B7", (3, 5): ""},
            "uncalculated": {(2, 5), (3, 5)},
            "shared_from": {(3, 5): (2, 5)},
        },
    )
    assert got[1].startswith(
        "warning: sales.xlsx!OKRs!E3: the formula =Pipeline!B7 (shared from E2) holds no value: "
    )


def test_an_error_typed_formula_with_no_value_holds_no_value() -> None:
    """``<c t="e"><f>1/0</f></c>``: read as #VALUE!, its error said as one the formula
    got (until 2026-12-07), though no program calculated it."""
    got = _findings(
        (("O1", "KR1", 0, 10, CellError("#VALUE!")),),
        {"formula_cells": {(2, 5): "=1/0"}, "uncalculated": {(2, 5)}},
    )
    assert len(got) == 1
    assert got[0].startswith("warning: sales.xlsx!OKRs!E2: the formula =1/0 holds no value: ")


def test_the_first_skipped_cell_of_a_shared_formula_quotes_its_master() -> None:
    got = _findings(
        (("O1", "KR1", 0, 10, 5),),
        {
            "formula_cells": {(2, 1): "=Plan!A2", (3, 1): ""},
            "uncalculated": {(3, 1)},
            "shared_from": {(3, 1): (2, 1)},
        },
    )
    assert got[0].startswith(
        "warning: sales.xlsx!OKRs!A3: a formula on a row that reads as empty holds no value "
        "(=Plan!A2, shared from A2): "
    )


def test_a_row_of_error_typed_formulas_with_no_value_is_an_empty_row() -> None:
    """``<c t="e"><f>1/0</f></c>`` reads as #VALUE!, which the blank test saw before it
    became blank: the row was a record with no IDs, "KR ID is missing" beside the
    warning on each cell (until 2026-12-07). Skipped and said once, as any empty row."""
    error = CellError("#VALUE!")
    rows = (("O1", "KR1", 0, 10, 5), (None, error), (error, error))
    cells = {(3, 2), (4, 1), (4, 2)}
    got = _findings(rows, {"formula_cells": dict.fromkeys(cells, "=1/0"), "uncalculated": cells})
    assert got == [
        "warning: sales.xlsx!OKRs!B3: 3 formulas on rows that read as empty hold no value, "
        "the first here (=1/0): the file was last saved by a program that does not "
        "calculate formulas (a script), so those rows are skipped; open the file in Excel or "
        "LibreOffice and save it"
    ]


BLOCKS_HEAD = ("#", "Goal / Key result", "Type", "Baseline", "Goal", "Actual")


def _blocks(rows: tuple[tuple[CellValue, ...], ...], grid_args: dict[str, object]) -> TeamInput:
    grid = SheetGrid("Goals", (BLOCKS_HEAD, *rows), **grid_args)  # type: ignore[arg-type]
    data = WorkbookData("m.xlsx", ("Goals",), {"Goals": grid})
    return build_team_input("Sales", extract(data, load_mapping("objective-blocks")))


def test_a_key_result_whose_numbers_have_no_value_is_no_objective_header() -> None:
    """Objective blocks: a row is an objective header when its Baseline, Goal and Actual
    are blank; formulas there with no value read as empty, and until 2026-12-07 made the
    key result O1.1 an objective (``"number" is not one of: committed, aspirational``),
    the key result below it put under it. A formula there is the team's, whatever its
    value: the row is the key result it is once calculated, said as the rows layout
    says it."""
    cells = {(3, 4): "=Plan!A1", (3, 5): "=Plan!A2", (3, 6): "=Plan!A3"}
    team = _blocks(
        (
            ("O1", "Brand", "committed", None, None, None),
            ("O1.1", "Mentions", "number", None, None, None),
            ("O1.2", "Reach", "number", 1, 2, 1),
        ),
        {"formula_cells": cells, "uncalculated": frozenset(cells)},
    )
    assert [o.id for o in team.objectives] == ["O1"]
    assert [(k.objective_id, k.id) for k in team.key_results] == [("O1", "O1.1"), ("O1", "O1.2")]
    said = [f.cell for f in team.findings if "holds no value" in f.message]
    assert said == ["D3", "E3", "F3"]
    assert not [f for f in team.findings if f.severity is Severity.ERROR]


def test_a_key_results_own_objective_cells_with_no_value_are_not_its_headers() -> None:
    """With the objective ID in a column of its own on the key result rows too, a formula
    there with no value is not a blank left to mean "as the header": it is not filled
    from the objective header, as the rows layout's fill-down leaves it (until 2026-12-07
    the key result took the header's O1 whatever its formula named, and the warning said
    the cell read as empty)."""
    spec = load_mapping("objective-blocks")
    assert spec.okrs.blocks is not None
    columns = dict(spec.okrs.columns, objective_id=("Objective ID",), kr_id=("KR ID",))
    renamed = {"key_result": "objective", "kr_type": "objective_type"}
    blocks = spec.okrs.blocks.model_copy(update={"objective_fields": renamed})
    okrs = spec.okrs.model_copy(update={"columns": columns, "blocks": blocks})
    mapping = spec.model_copy(update={"okrs": okrs})
    head = ("Objective ID", "KR ID", *BLOCKS_HEAD[1:])
    rows = (
        ("O1", None, "Brand", "committed", None, None, None),
        (None, "KR1", "Mentions", "number", 0, 10, 5),
        (None, "KR2", "Reach", "number", 0, 10, 5),
    )
    grid = SheetGrid(
        "Goals", (head, *rows), formula_cells={(3, 1): "=Plan!A3"}, uncalculated=frozenset({(3, 1)})
    )
    team = build_team_input(
        "Sales", extract(WorkbookData("m.xlsx", ("Goals",), {"Goals": grid}), mapping)
    )
    assert [(k.objective_id, k.id) for k in team.key_results] == [("O1", "KR2")]
    found = [(f.severity.value, f.cell, f.message[:26]) for f in team.findings]
    assert ("warning", "A3", "the formula =Plan!A3 holds") in found
    assert ("error", "A3", "objective ID is missing") in found


def test_an_objective_header_of_formulas_with_no_value_keeps_its_key_results() -> None:
    """An objective header row whose ID and title are formulas with no value reads as
    empty and is skipped (said once a tab); until 2026-12-07 its key results then went
    under the objective above (O2.1 scored under O1, without a word on its row). Its ID
    is another objective's, unknown, as the rows layout reads one: each of its key
    results says its objective ID is missing."""
    cells = {(4, 1): '="O"&"2"', (4, 2): '="Reach"'}
    team = _blocks(
        (
            ("O1", "Brand", "committed", None, None, None),
            ("O1.1", "Mentions", "number", 10, 30, 22),
            (None, None, None, None, None, None),
            ("O2.1", "Reach", "number", 10, 30, 22),
        ),
        {"formula_cells": cells, "uncalculated": frozenset(cells)},
    )
    assert [(k.objective_id, k.id) for k in team.key_results] == [("O1", "O1.1")]
    errors = [(f.cell, f.message) for f in team.findings if f.severity is Severity.ERROR]
    why = "objective ID is missing: its objective's row 4 holds formulas with no value"
    assert errors == [("5:5", why)]  # until 2026-12-07 it did not say why
    (said,) = [f for f in team.findings if "no value" in f.message and not f.is_error]
    assert said.cell == "A4" and "2 formulas on rows" in said.message
    # a row of formulas with no value in its Goal too was a key result: O2.1 stays O1's
    kr_cells = {**cells, (4, 5): "=Plan!E4"}
    team = _blocks(
        (
            ("O1", "Brand", "committed", None, None, None),
            ("O1.1", "Mentions", "number", 10, 30, 22),
            (None, None, None, None, None, None),
            ("O1.3", "Reach", "number", 10, 30, 22),
        ),
        {"formula_cells": kr_cells, "uncalculated": frozenset(kr_cells)},
    )
    assert [k.objective_id for k in team.key_results] == ["O1", "O1"]


def test_an_objective_header_whose_actual_has_no_value_stays_an_objective() -> None:
    """A lookup dragged down the whole Actual column (``=IFERROR(VLOOKUP(..),"")``, the
    header rows' too) saved by a script holds no value on every row. A formula with no
    value in Baseline, Goal or Actual makes a key result, but not of a row that says it
    is an objective (its Type ``committed``, or an Aligns to): until 2026-12-07 every
    header then read as a key result (``"committed" is not one of: number, ...``, ``key
    result above the first objective row``) and the tab failed."""
    cells = {(r, 6): f'=IFERROR(VLOOKUP(A{r},Data!A:B,2,0),"")' for r in range(2, 6)}
    team = _blocks(
        (
            ("O1", "Brand", "committed", None, None, None),
            ("O1.1", "Mentions", "number", 10, 30, None),
            ("O2", "Ship", "aspirational", None, None, None),
            ("O2.1", "Reach", "number", 0, 10, None),
        ),
        {"formula_cells": cells, "uncalculated": frozenset(cells)},
    )
    assert [o.id for o in team.objectives] == ["O1", "O2"]
    assert [(k.objective_id, k.id) for k in team.key_results] == [("O1", "O1.1"), ("O2", "O2.1")]
    said = [f.cell for f in team.findings if "holds no value" in f.message]
    assert said == ["F2", "F3", "F4", "F5"]
    assert not [f for f in team.findings if f.severity is Severity.ERROR]


def test_each_key_result_under_a_header_with_no_value_says_why_its_objective_is_missing() -> None:
    """Every key result under a header row of formulas with no value says its objective
    ID is missing and why (naming that row: until 2026-12-07 ``5:5: objective ID is
    missing`` alone, its header skipped without a word on its rows), hidden or not; the
    next objective's key results say nothing."""
    cells = {(4, 1): "=Plan!A1", (4, 2): "=Plan!B1"}
    rows = (
        ("O1", "Brand", "committed", None, None, None),
        ("O1.1", "Mentions", "number", 10, 30, 22),
        (None, None, None, None, None, None),
        ("O2.1", "Reach", "number", 10, 30, 22),
        ("O2.2", "Reach more", "number", 10, 30, 22),
        ("O3", "Ship", "committed", None, None, None),
        ("O3.1", "Launch", "number", 0, 1, 0),
    )
    for hidden in (frozenset(), frozenset({4})):
        grid: dict[str, object] = {
            "formula_cells": cells,
            "uncalculated": frozenset(cells),
            "hidden_rows": hidden,
        }
        team = _blocks(rows, grid)
        krs = [(k.objective_id, k.id) for k in team.key_results]
        assert krs == [("O1", "O1.1"), ("O3", "O3.1")], hidden
        why = "objective ID is missing: its objective's row 4 holds formulas with no value"
        errors = [(f.cell, f.message) for f in team.findings if f.severity is Severity.ERROR]
        assert errors == [("5:5", why), ("6:6", why)], hidden


def test_an_objective_header_named_so_whose_actual_has_no_value_stays_an_objective() -> None:
    """With no Type on the header rows, their ID says objective as it does for an
    unticked box (``O1`` on the first row, ``O2`` under ``O1.1``; not ``O1.1`` under
    ``O1``, nor a row whose Type names a KR type): a lookup dragged down the Actual column
    made each a key result until 2026-12-07 (``key result above the first objective
    row`` on every row)."""
    cells = {(r, 6): f'=IFERROR(VLOOKUP(A{r},Data!A:B,2,0),"")' for r in range(2, 7)}
    team = _blocks(
        (
            ("O1", "Brand", None, None, None, None),
            ("O1.1", "Mentions", None, 10, 30, None),
            ("O2", "Ship", None, None, None, None),
            ("O2.1", "Reach", None, None, None, None),
            ("O3", "Grow", "number", None, None, None),
        ),
        {"formula_cells": cells, "uncalculated": frozenset(cells)},
    )
    assert [o.id for o in team.objectives] == ["O1", "O2"]
    krs = [(k.objective_id, k.id) for k in team.key_results]
    assert krs == [("O1", "O1.1"), ("O2", "O2.1"), ("O2", "O3")]


def test_a_key_result_with_its_own_id_filled_stays_one_whatever_its_objective_id_says() -> None:
    """With the Objective ID in a column of its own, repeated on every key result's row,
    and the KR ID in one of its own: a key result whose Baseline, Goal and Actual are
    formulas with no value is a key result, its KR ID filled, whatever its Objective ID
    says (until 2026-12-07 each such row read as an objective header, its key result
    dropped, said only as ``objective O1 already has title``)."""
    spec = load_mapping("objective-blocks")
    assert spec.okrs.blocks is not None
    columns = dict(spec.okrs.columns, objective_id=("Objective ID",), kr_id=("KR ID",))
    renamed = {"key_result": "objective", "kr_type": "objective_type"}
    blocks = spec.okrs.blocks.model_copy(update={"objective_fields": renamed})
    okrs = spec.okrs.model_copy(update={"columns": columns, "blocks": blocks})
    mapping = spec.model_copy(update={"okrs": okrs})
    head = ("Objective ID", "KR ID", *BLOCKS_HEAD[1:])
    rows = (
        ("O1", None, "Brand", None, None, None, None),
        ("O1", "KR1", "Mentions", None, None, None, None),
        ("O1", "KR2", "Reach", None, None, None, None),
        ("O2", None, "Ship", None, None, None, None),
        ("O2", "KR3", "Launch", None, None, None, None),
    )
    cells = {(r, c): "=Plan!A1" for r in range(2, 7) for c in (5, 6, 7)}
    grid = SheetGrid("Goals", (head, *rows), formula_cells=cells, uncalculated=frozenset(cells))
    team = build_team_input(
        "Sales", extract(WorkbookData("m.xlsx", ("Goals",), {"Goals": grid}), mapping)
    )
    krs = [(k.objective_id, k.id) for k in team.key_results]
    assert krs == [("O1", "KR1"), ("O1", "KR2"), ("O2", "KR3")]
    assert not [f for f in team.findings if "already has title" in f.message]


def test_under_a_header_with_no_value_an_id_alone_says_no_objective() -> None:
    """Under a header row of formulas with no value (its ID unknown), a key result whose
    Baseline, Goal and Actual are formulas with no value too, with no Type: its ID alone
    says no objective (nothing to compare it with), only a Type or an Aligns to does.
    Until 2026-12-07 ``O2.1`` became objective ``O2.1``, ``O2.2`` scored under it, and
    neither said its objective ID was missing."""
    cells = {(4, 1): '="O"&"2"', (4, 2): '="Reach"', (5, 4): "=P!A1", (5, 5): "=P!A2"}
    cells |= {(5, 6): "=P!A3", (7, 6): "=P!A4"}
    team = _blocks(
        (
            ("O1", "Brand", "committed", None, None, None),
            ("O1.1", "Mentions", "number", 10, 30, 22),
            (None, None, None, None, None, None),
            ("O2.1", "Reach", None, None, None, None),
            ("O2.2", "Reach more", None, 10, 30, 22),
            ("O3", "Ship", "committed", None, None, None),
            ("O3.1", "Launch", None, 0, 1, 0),
        ),
        {"formula_cells": cells, "uncalculated": frozenset(cells)},
    )
    assert [o.id for o in team.objectives] == ["O1", "O3"]
    assert [(k.objective_id, k.id) for k in team.key_results] == [("O1", "O1.1"), ("O3", "O3.1")]
    why = "objective ID is missing: its objective's row 4 holds formulas with no value"
    errors = [(f.cell, f.message) for f in team.findings if f.severity is Severity.ERROR]
    assert errors == [("5:5", why), ("6:6", why)]
