"""Fill-down in the rows layout: a blank objective cell is the objective's above, within
that objective only."""

from __future__ import annotations

from sheets_sync.domain.models import Objective, ObjectiveType
from sheets_sync.grid import CellRange, CellValue, SheetGrid, WorkbookData
from sheets_sync.mapping.extract import extract
from sheets_sync.mapping.parse import build_team_input
from sheets_sync.mapping.spec import load_mapping

HEAD = (
    "Objective ID",
    "Objective",
    "Objective type",
    "Aligns to",
    "KR ID",
    "Start",
    "Target",
    "Current",
)


def _objectives(*rows: tuple[CellValue, ...]) -> dict[str, Objective]:
    grid = SheetGrid("OKRs", (HEAD, *rows))
    data = WorkbookData("sales.xlsx", ("OKRs",), {"OKRs": grid})
    team = build_team_input("Sales", extract(data, load_mapping("standard")))
    return {o.id: o for o in team.objectives}


def test_blank_objective_cells_fill_down_within_the_objective() -> None:
    got = _objectives(
        ("O1", "Grow", "aspirational", "C1", "KR1", 0, 10, 5),
        (None, None, None, None, "KR2", 0, 10, 5),
        ("O1", None, None, None, "KR3", 0, 10, 5),
    )
    assert list(got) == ["O1"]
    assert (got["O1"].title, got["O1"].type, got["O1"].aligns_to) == (
        "Grow",
        ObjectiveType.ASPIRATIONAL,
        "C1",
    )


def test_a_new_objective_takes_nothing_from_the_one_above() -> None:
    """O2 with its title, type and Aligns to left blank was O1's title, aspirational (its
    pace 0.7 of the period's) and counted under company objective C1 (until 2026-12-07):
    blank, it is untitled, committed (the default) and aligned to nothing."""
    got = _objectives(
        ("O1", "Grow", "aspirational", "C1", "KR1", 0, 10, 5),
        (None, None, None, None, "KR2", 0, 10, 5),
        ("O2", None, None, None, "KR3", 0, 10, 5),
        (None, None, None, None, "KR4", 0, 10, 5),
    )
    assert (got["O2"].title, got["O2"].type, got["O2"].aligns_to) == (
        "",
        ObjectiveType.COMMITTED,
        None,
    )
    assert got["O1"].type is ObjectiveType.ASPIRATIONAL


def test_a_new_objective_fills_down_its_own_cells() -> None:
    got = _objectives(
        ("O1", "Grow", "aspirational", "C1", "KR1", 0, 10, 5),
        ("O2", "Keep", None, "C2", "KR2", 0, 10, 5),
        (None, None, None, None, "KR3", 0, 10, 5),
        ("o2", None, None, None, "KR4", 0, 10, 5),  # the same objective, as IDs compare
    )
    assert list(got) == ["O1", "O2"]
    assert (got["O2"].title, got["O2"].type, got["O2"].aligns_to) == (
        "Keep",
        ObjectiveType.COMMITTED,
        "C2",
    )


def test_a_cell_merged_over_two_objectives_fills_both() -> None:
    """A type merged down over O1's and O2's rows is typed for both: the merge, not the
    row above, gives O2 its value."""
    merged = (CellRange(2, 3, 5, 3), CellRange(2, 4, 3, 4))  # C2:C5; D2:D3, O1's only
    grid = SheetGrid(
        "OKRs",
        (
            HEAD,
            ("O1", "Grow", "aspirational", "C1", "KR1", 0, 10, 5),
            (None, None, None, None, "KR2", 0, 10, 5),
            ("O2", "Keep", None, None, "KR3", 0, 10, 5),
            (None, None, None, None, "KR4", 0, 10, 5),
        ),
        merged=merged,
    )
    data = WorkbookData("sales.xlsx", ("OKRs",), {"OKRs": grid})
    team = build_team_input("Sales", extract(data, load_mapping("standard")))
    got = {o.id: (o.type, o.aligns_to) for o in team.objectives}
    assert got == {
        "O1": (ObjectiveType.ASPIRATIONAL, "C1"),
        "O2": (ObjectiveType.ASPIRATIONAL, None),
    }


def test_a_new_objective_takes_nothing_where_its_id_does_not_fill_down() -> None:
    """``fill_down`` without objective_id: the previous row's ID was known only when it
    filled down, so O2 took O1's title, type and Aligns to (until 2026-12-07)."""
    standard = load_mapping("standard")
    okrs = standard.okrs.model_copy(
        update={"fill_down": ("objective", "objective_type", "aligns_to")}
    )
    spec = standard.model_copy(update={"okrs": okrs})
    grid = SheetGrid(
        "OKRs",
        (
            HEAD,
            ("O1", "Grow", "aspirational", "C1", "KR1", 0, 10, 5),
            ("O2", None, None, None, "KR2", 0, 10, 5),
            ("O2", "Keep", None, None, "KR3", 0, 10, 5),
            ("O2", None, None, None, "KR4", 0, 10, 5),
        ),
    )
    team = build_team_input(
        "Sales", extract(WorkbookData("s.xlsx", ("OKRs",), {"OKRs": grid}), spec)
    )
    got = {o.id: (o.title, o.type, o.aligns_to) for o in team.objectives}
    assert got == {
        "O1": ("Grow", ObjectiveType.ASPIRATIONAL, "C1"),
        "O2": ("Keep", ObjectiveType.COMMITTED, None),
    }
    assert [f for f in team.findings if "already has" in f.message] == []


def test_an_empty_merge_over_two_objectives_passes_nothing_on() -> None:
    """An empty cell merged over O1's last row and O2's (C3:C4, D3:D4; O1 typed on row 2)
    passed O1's aspirational and C1 on to O2 until 2026-12-07: the merge holds nothing."""
    grid = SheetGrid(
        "OKRs",
        (
            HEAD,
            ("O1", "Grow", "aspirational", "C1", "KR1", 0, 10, 5),
            ("O1", None, None, None, "KR2", 0, 10, 5),
            ("O2", None, None, None, "KR3", 0, 10, 5),
        ),
        merged=(CellRange(3, 3, 4, 3), CellRange(3, 4, 4, 4)),
    )
    data = WorkbookData("sales.xlsx", ("OKRs",), {"OKRs": grid})
    team = build_team_input("Sales", extract(data, load_mapping("standard")))
    got = {o.id: (o.type, o.aligns_to) for o in team.objectives}
    assert got == {"O1": (ObjectiveType.ASPIRATIONAL, "C1"), "O2": (ObjectiveType.COMMITTED, None)}


def test_an_objective_id_formula_with_no_value_is_not_filled_from_above() -> None:
    """A3 ``="O"&"2"`` saved by a script (no value) read as O1 from the row above: KR2
    joined O1, "objective O1 already has title 'Grow'", and the warning said A3 read as
    empty (until 2026-12-07). Empty for the reading, not left blank to mean "as above":
    not filled, and neither is row 4's blank ID below it, which names row 3 as why."""
    rows = (
        ("O1", "Grow", "committed", None, "KR1", 0, 10, 5),
        (None, "Expand", "aspirational", None, "KR2", 0, 10, 5),
        (None, None, None, None, "KR3", 0, 10, 5),
        ("O2", None, None, None, "KR4", 0, 10, 5),
    )
    grid = SheetGrid(
        "OKRs", (HEAD, *rows), formula_cells={(3, 1): '="O"&"2"'}, uncalculated=frozenset({(3, 1)})
    )
    data = WorkbookData("sales.xlsx", ("OKRs",), {"OKRs": grid})
    team = build_team_input("Sales", extract(data, load_mapping("standard")))
    said = [f"{f.cell}: {f.message}" for f in team.findings if "owner" not in f.message]
    assert [s for s in said if "KPIs" not in s] == [
        'A3: the formula ="O"&"2" holds no value: the file was last saved by a program that '
        "does not calculate formulas (a script), so it reads as empty; open the file in "
        "Excel or LibreOffice and save it",
        "A3: objective ID is missing",
        "A4: objective ID is missing: its objective's row 3 holds formulas with no value",
    ]
    assert [(o.id, o.title, o.type) for o in team.objectives] == [
        ("O1", "Grow", ObjectiveType.COMMITTED),
        ("O2", "", ObjectiveType.COMMITTED),
    ]
    assert [(k.objective_id, k.id) for k in team.key_results] == [("O1", "KR1"), ("O2", "KR4")]


def test_fill_down_given_empty_fills_nothing() -> None:
    """``fill_down: []`` says no cell fills down (each key result's row types its
    objective, a blank ID is missing): it read as the default, and a blank Objective ID
    took the row above's without a word (until 2026-12-07)."""
    from sheets_sync.mapping.spec import parse_mapping

    spec = parse_mapping("name: m\nokrs:\n  sheet: [OKRs]\n  fill_down: []\n", source="m.yaml")
    assert spec.okrs.fill_down == ()
    unsaid = parse_mapping("name: m\nokrs:\n  sheet: [OKRs]\n", source="m.yaml")
    assert unsaid.okrs.fill_down == ("objective_id", "objective", "objective_type", "aligns_to")


def _team(rows: tuple[tuple[CellValue, ...], ...], **grid: object) -> list[tuple[str, str]]:
    sheet = SheetGrid("OKRs", (HEAD, *rows), **grid)  # type: ignore[arg-type]
    data = WorkbookData("sales.xlsx", ("OKRs",), {"OKRs": sheet})
    team = build_team_input("Sales", extract(data, load_mapping("standard")))
    titles = {o.id: o.title for o in team.objectives}
    return [(k.objective_id, titles.get(k.objective_id, "")) for k in team.key_results]


def test_a_merge_whose_first_row_is_hidden_fills_its_rows_with_its_value() -> None:
    """Excel shows a merged range's value (its top-left cell's) over the rows of it that
    are shown, whether or not its first row is hidden. The hidden row is skipped, and
    until 2026-12-07 its value went with it: the rows below took the objective above's
    (KR3 and KR4 scored under O1, Grow)."""
    rows = (
        ("O1", "Grow", None, None, "KR1", 0, 10, 5),
        ("O2", "Ship", None, None, "KR2", 0, 10, 5),  # hidden: a KR dropped by hand
        (None, None, None, None, "KR3", 0, 10, 5),
        (None, None, None, None, "KR4", 0, 10, 5),
    )
    merged = (CellRange(3, 1, 5, 1), CellRange(3, 2, 5, 2))
    got = _team(rows, merged=merged, hidden_rows=frozenset({3}))
    assert got == [("O1", "Grow"), ("O2", "Ship"), ("O2", "Ship")]
    # shown, as ever; and an empty merge still passes nothing of its own
    assert _team(rows, merged=merged) == [("O1", "Grow"), *[("O2", "Ship")] * 3]
    empty = (*rows[:1], (None, None, None, None, "KR2", 0, 10, 5), *rows[2:])
    got = _team(empty, merged=merged, hidden_rows=frozenset({3}))
    assert got == [("O1", "Grow")] * 3
    # the ID alone merged: its rows are O2's, which takes nothing of O1's (its title)
    got = _team(rows, merged=merged[:1], hidden_rows=frozenset({3}))
    assert got == [("O1", "Grow"), ("O2", ""), ("O2", "")]


def test_a_hidden_merge_top_left_formula_with_no_value_fills_nothing() -> None:
    """A merge whose hidden first row's cell is a formula with no value (``="O"&2`` saved
    by a script) shows no value over its rows: their objective ID is unknown, not filled
    from the objective above (until 2026-12-07 KR3 and KR4 scored under O1, said only as
    "objective O1 already has title 'Grow'"), and the warning is said on that cell, as it
    is with the row shown."""
    rows = (
        ("O1", "Grow", None, None, "KR1", 0, 10, 5),
        (None, "Ship", None, None, "KR2", 0, 10, 5),  # hidden; A3 ="O"&2, no value
        (None, None, None, None, "KR3", 0, 10, 5),
        (None, None, None, None, "KR4", 0, 10, 5),
    )
    merged = (CellRange(3, 1, 5, 1), CellRange(3, 2, 5, 2))
    no_value = {"formula_cells": {(3, 1): '="O"&2'}, "uncalculated": frozenset({(3, 1)})}
    for hidden in (frozenset({3}), frozenset()):
        sheet = SheetGrid("OKRs", (HEAD, *rows), merged=merged, hidden_rows=hidden, **no_value)  # type: ignore[arg-type]
        data = WorkbookData("sales.xlsx", ("OKRs",), {"OKRs": sheet})
        team = build_team_input("Sales", extract(data, load_mapping("standard")))
        assert [(k.objective_id, k.id) for k in team.key_results] == [("O1", "KR1")], hidden
        said = [(f.cell, f.message[:31]) for f in team.findings if "KPIs" not in f.message]
        assert ("A3", 'the formula ="O"&2 holds no val') in said, hidden
        missing = [(f.cell, f.message) for f in team.findings if f.is_error][-2:]
        why = "objective ID is missing: its objective's row 3 holds formulas with no value"
        assert missing == [("A4", why), ("A5", why)], hidden
        assert not [f for f in team.findings if "already has" in f.message], hidden


def test_a_merge_over_two_columns_from_a_hidden_row_gives_its_value_to_its_first() -> None:
    """A merge over the Objective ID and Objective columns (A3:B5) holds one value, its
    top-left cell's (A3): its hidden first row gave it to both columns, O2 titled "O2"
    (until 2026-12-07), where with the row shown its title is blank, as B3 is."""
    rows = (
        ("O1", "Grow", None, None, "KR1", 0, 10, 5),
        ("O2", None, None, None, "KR2", 0, 10, 5),
        (None, None, None, None, "KR3", 0, 10, 5),
        (None, None, None, None, "KR4", 0, 10, 5),
    )
    merged = (CellRange(3, 1, 5, 2),)
    assert _team(rows, merged=merged) == [("O1", "Grow"), *[("O2", "")] * 3]
    got = _team(rows, merged=merged, hidden_rows=frozenset({3}))
    assert got == [("O1", "Grow"), ("O2", ""), ("O2", "")]


def test_an_objective_id_missing_under_a_formula_with_no_value_says_why() -> None:
    """The rows whose objective ID a formula with no value leaves unknown (a merge from a
    hidden row whose top-left cell is one, or the blanks below a shown one) say why, as
    objective blocks do, naming its row: until 2026-12-07 ``objective ID is missing``
    alone, the formula's warning on a row hidden or far above. Its own row's warning is
    beside it, and says it."""
    rows = (
        ("O1", "Grow", None, None, "KR1", 0, 10, 5),
        (None, "Ship", None, None, "KR2", 0, 10, 5),  # A3 ="O"&2, no value
        (None, None, None, None, "KR3", 0, 10, 5),
        (None, None, None, None, "KR4", 0, 10, 5),
        (None, None, None, None, "KR5", 0, 10, 5),
        ("O3", "Grow more", None, None, "KR6", 0, 10, 5),  # known again: nothing to say
        (None, None, None, None, "KR7", 0, 10, 5),
    )
    no_value = {"formula_cells": {(3, 1): '="O"&2'}, "uncalculated": frozenset({(3, 1)})}
    why = "objective ID is missing: its objective's row 3 holds formulas with no value"
    for hidden in (frozenset({3}), frozenset()):
        sheet = SheetGrid(
            "OKRs",
            (HEAD, *rows),
            merged=(CellRange(3, 1, 5, 1),),
            hidden_rows=hidden,
            **no_value,  # type: ignore[arg-type]
        )
        data = WorkbookData("sales.xlsx", ("OKRs",), {"OKRs": sheet})
        team = build_team_input("Sales", extract(data, load_mapping("standard")))
        errors = [(f.cell, f.message) for f in team.findings if f.is_error]
        below = [("A4", why), ("A5", why), ("A6", why)]
        assert errors == ([] if hidden else [("A3", "objective ID is missing")]) + below
