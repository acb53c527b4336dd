"""An objective's cells read once a tab, not on each of its key result rows (2026-12-07: a
500-team first night read them 10,000 times for 2,500 objectives), and the tab's reading
the same: a row holding cells already read without a word is passed over, any other read."""

from __future__ import annotations

import pytest

from sheets_sync.grid import CellError, CellValue, SheetGrid, WorkbookData
from sheets_sync.mapping import parse as parse_module
from sheets_sync.mapping.extract import extract
from sheets_sync.mapping.parse import build_team_input
from sheets_sync.mapping.spec import load_mapping

REF = (
    "#REF! (the formula, or a cell it draws on, refers to a cell that is gone (its row, "
    "column or tab was deleted, or cells were pasted over it): point the formula at the "
    "right cells again)"
)
HEAD = ("Objective ID", "Objective", "Objective type", "Aligns to", "KR ID", "Target", "Current")


def _read(
    monkeypatch: pytest.MonkeyPatch, *rows: tuple[CellValue, ...]
) -> tuple[list[int], list[str], dict[str, tuple[str, str, str | None, int | None]]]:
    """The rows whose objective was read, what the team is told, its objectives."""
    read: list[int] = []
    parse_objective = parse_module.parse_objective

    def counting(record, *args, **kwargs):  # type: ignore[no-untyped-def]
        read.append(record.row)
        return parse_objective(record, *args, **kwargs)

    monkeypatch.setattr(parse_module, "parse_objective", counting)
    grid = SheetGrid("OKRs", (HEAD, *rows))
    data = WorkbookData("sales.xlsx", ("OKRs",), {"OKRs": grid})
    team = build_team_input("Sales", extract(data, load_mapping("standard")))
    objectives = {o.id: (o.title, o.type.value, o.aligns_to, o.origin.row) for o in team.objectives}
    return read, [str(f) for f in team.findings if f.cell], objectives


def test_an_objective_typed_on_each_key_result_row_is_read_once() -> None:
    with pytest.MonkeyPatch.context() as mp:
        read, said, got = _read(
            mp,
            *(("O1", "Grow", "committed", "C1", f"KR{i}", 10, 5) for i in range(1, 5)),
            *(("O2", "Keep", "aspirational", None, f"KR{i}", 10, 5) for i in range(5, 8)),
        )
    assert read == [2, 6]
    assert said == []
    assert got == {"O1": ("Grow", "committed", "C1", 2), "O2": ("Keep", "aspirational", None, 6)}


def test_an_objective_filled_down_is_read_at_its_row_alone() -> None:
    """Its row is always read (the rows below fill from it: its cells' outcome is theirs);
    the rows below hold the values it read without a word."""
    with pytest.MonkeyPatch.context() as mp:
        read, said, got = _read(
            mp,
            ("O1", "Grow", "committed", "C1", "KR1", 10, 5),
            *((None, None, None, None, f"KR{i}", 10, 5) for i in range(2, 6)),
        )
    assert read == [2]
    assert said == []
    assert got == {"O1": ("Grow", "committed", "C1", 2)}


def test_rows_that_say_something_are_each_read() -> None:
    """A title another row contradicts, a type in error: each row holding it is read, and
    says what it said before the cut (a warning at each contradicting row)."""
    with pytest.MonkeyPatch.context() as mp:
        read, said, got = _read(
            mp,
            ("O1", "Grow", "committed", None, "KR1", 10, 5),
            ("O1", "Shrink", "committed", None, "KR2", 10, 5),
            ("O1", "Shrink", "committed", None, "KR3", 10, 5),
            ("O1", "Grow", "committed", None, "KR4", 10, 5),
            ("O2", "Keep", CellError("#REF!"), None, "KR5", 10, 5),
            ("O2", "Keep", CellError("#REF!"), None, "KR6", 10, 5),
        )
    assert read == [2, 3, 4, 6, 7]
    assert said == [
        "sales.xlsx!OKRs!B3: objective O1 already has title 'Grow' (row 2); 'Shrink' is ignored",
        *(f"sales.xlsx!OKRs!C{row}: the cell shows the error {REF}" for row in (6, 7)),
    ]
    assert got == {"O1": ("Grow", "committed", None, 2)}
