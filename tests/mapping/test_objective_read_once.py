"""An objective's cells read once a tab, not on each of its key result rows (2026-12-07: a
500-team first night read them 10,000 times for 2,500 objectives), and the tab's reading
the same: a row holding cells already read without a word is passed over, any other read."""

from __future__ import annotations

import pytest

from sheets_sync.grid import CellError, CellValue, SheetGrid, WorkbookData
from sheets_sync.mapping import examples as examples_module
from sheets_sync.mapping import parse as parse_module
from sheets_sync.mapping import rowreader as rowreader_module
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


def test_a_rows_id_is_read_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """A key result's KR ID, a KPI's ID and an objective's ID are read once a row, as the
    row's ID its findings carry (``RowReader.row_id``), not again as the field (until
    2026-12-07 twice); one in error still says so with its field's words."""
    labels: list[str] = []
    parse_id = rowreader_module.parse_id

    def counting(value: CellValue, label: str) -> str | None:
        labels.append(label)
        return parse_id(value, label)

    monkeypatch.setattr(rowreader_module, "parse_id", counting)
    kpi_head = ("KPI ID", "KPI", "Target", "Actual")
    okrs = SheetGrid(
        "OKRs",
        (
            HEAD,
            ("O1", "Grow", "committed", None, "KR1", 10, 5),
            ("O1", "Grow", "committed", None, True, 10, 5),
        ),
    )
    kpis = SheetGrid("KPIs", (kpi_head, ("K1", "NPS", 50, 40)))
    data = WorkbookData("sales.xlsx", ("OKRs", "KPIs"), {"OKRs": okrs, "KPIs": kpis})
    team = build_team_input("Sales", extract(data, load_mapping("standard")))
    assert [k.id for k in team.key_results] == ["KR1"] and [k.id for k in team.kpis] == ["K1"]
    ids = [label for label in labels if label in ("KR ID", "KPI ID")]
    assert ids == ["KR ID"]  # the checkbox's, read again for its error's words
    # the objective's ID: read on each key result row as its objective (2 rows), and on
    # the objective's own row only as that row's ID, never again as the field (counted
    # since 2026-12-07: a third read here is the objective's ID read twice)
    assert labels.count("objective ID") == 2
    assert labels.count("Aligns to") == 1  # the objective's cells, read on its first row
    assert [str(f) for f in team.findings if f.cell] == [
        "sales.xlsx!OKRs!E3: KR ID is a checkbox or TRUE/FALSE value (TRUE), not an ID: "
        "type the ID in its place"
    ]


def test_only_a_rows_texts_are_looked_at_as_an_example(monkeypatch: pytest.MonkeyPatch) -> None:
    looked: list[CellValue] = []
    starts = examples_module.starts

    def counting(value: CellValue, prefix: str) -> bool:
        looked.append(value)
        return starts(value, prefix)

    monkeypatch.setattr(examples_module, "starts", counting)
    row = {"kr_id": "KR1", "id": None, "key_result": "Ship", "comment": None, "target": 1.0}
    assert not examples_module.is_example(row, "Example")
    assert looked == ["KR1", "Ship"]
    assert examples_module.is_example({"comment": " Example: x", "kr_id": " "}, "Example")
    assert not examples_module.is_example({"comment": "Example: x", "kr_id": "KR1"}, "Example")
