"""An objective named again on a later row with other cells: the first row's win, and the
warning quotes both as typed."""

from __future__ import annotations

from sheets_sync.domain.models import Objective, ObjectiveType
from sheets_sync.grid import CellValue, SheetGrid, WorkbookData
from sheets_sync.mapping.extract import extract
from sheets_sync.mapping.parse import build_team_input
from sheets_sync.mapping.spec import load_mapping

HEAD = ("Objective ID", "Objective", "Objective type", "KR ID", "Start", "Target", "Current")


def _said(*rows: tuple[CellValue, ...]) -> list[str]:
    grid = SheetGrid("OKRs", (HEAD, *rows))
    data = WorkbookData("sales.xlsx", ("OKRs",), {"OKRs": grid})
    team = build_team_input("Sales", extract(data, load_mapping("standard")))
    return [str(f) for f in team.findings if "already has" in f.message]


def test_another_type_is_quoted_as_a_type_not_as_code() -> None:
    """Until 2026-12-07: ``objective O1 already has type <ObjectiveType.ASPIRATIONAL:
    'aspirational'> (row 2); <ObjectiveType.COMMITTED: 'committed'> is ignored``."""
    assert _said(
        ("O1", "Grow", "aspirational", "KR1", 0, 10, 5),
        ("O1", "Grow", "Committed", "KR2", 0, 10, 5),
    ) == [
        "sales.xlsx!OKRs!C3: objective O1 already has type 'aspirational' (row 2); "
        "'committed' is ignored"
    ]


def _objectives(*rows: tuple[CellValue, ...]) -> tuple[dict[str, Objective], list[str]]:
    head = (*HEAD, "Aligns to")
    grid = SheetGrid("OKRs", (head, *rows))
    data = WorkbookData("sales.xlsx", ("OKRs",), {"OKRs": grid})
    team = build_team_input("Sales", extract(data, load_mapping("standard")))
    said = [str(f) for f in team.findings if "already has" in f.message]
    return {o.id: o for o in team.objectives}, said


def test_cells_the_first_row_left_blank_are_taken_from_a_later_row() -> None:
    """Until 2026-12-07 the objective was untitled, committed and aligned to nothing, with
    ``objective O1 already has title '' (row 2); 'Grow' is ignored`` and ``already has
    aligns_to None``: a blank is no value that a later row contradicts."""
    got, said = _objectives(
        ("O1", None, None, "KR1", 0, 10, 5, None),
        ("O1", "Grow", "aspirational", "KR2", 0, 10, 5, "C1"),
    )
    assert (got["O1"].title, got["O1"].type, got["O1"].aligns_to) == (
        "Grow",
        ObjectiveType.ASPIRATIONAL,
        "C1",
    )
    assert said == []


def test_a_later_row_with_blank_cells_contradicts_nothing() -> None:
    """O1 named again below O2 with its cells blank (they do not fill down across O2)
    was told ``already has type 'aspirational' (row 2); 'committed' is ignored``; a
    type typed there still is, each row at its own cell."""
    got, said = _objectives(
        ("O1", "Grow", "aspirational", "KR1", 0, 10, 5, "C1"),
        ("O2", "Keep", None, "KR2", 0, 10, 5, None),
        ("O1", None, None, "KR3", 0, 10, 5, None),
        ("O1", None, "committed", "KR4", 0, 10, 5, None),
    )
    assert got["O1"].type is ObjectiveType.ASPIRATIONAL
    assert said == [
        "sales.xlsx!OKRs!C5: objective O1 already has type 'aspirational' (row 2); "
        "'committed' is ignored"
    ]


def test_the_warning_names_the_row_the_kept_value_came_from() -> None:
    """The title typed on row 3 (row 2 left it blank) was said to come from the
    objective's first row until 2026-12-07: ``already has title 'Grow' (row 2)``."""
    got, said = _objectives(
        ("O1", None, None, "KR1", 0, 10, 5, None),
        ("O1", "Grow", None, "KR2", 0, 10, 5, None),
        ("O1", "Other", None, "KR3", 0, 10, 5, None),
        ("O1", None, "aspirational", "KR4", 0, 10, 5, None),
        ("O1", None, "committed", "KR5", 0, 10, 5, None),
    )
    assert got["O1"].title == "Grow"
    assert said == [
        "sales.xlsx!OKRs!B4: objective O1 already has title 'Grow' (row 3); 'Other' is ignored",
        "sales.xlsx!OKRs!C6: objective O1 already has type 'aspirational' (row 5); "
        "'committed' is ignored",
    ]
