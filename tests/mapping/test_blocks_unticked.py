"""Objective-blocks layout: an unticked checkbox (FALSE) on a key result that says it is
one. An unticked milestone with no KR type and cells only a key result has (a weight, a
due date) read as an objective header in the built-in layout (its ``#`` and title columns
shared), its key result gone and the ones below put under it, with nothing said; one
with no ID cleared its objective, so each key result below failed "objective ID is
missing" (until 2026-12-06)."""

from __future__ import annotations

import datetime as dt

import pytest

from sheets_sync.domain.models import Period
from sheets_sync.domain.team import evaluate_team
from sheets_sync.grid import CellValue, SheetGrid, WorkbookData
from sheets_sync.mapping.blocks import block_columns, block_row
from sheets_sync.mapping.extract import extract
from sheets_sync.mapping.parse import build_team_input
from sheets_sync.mapping.spec import load_mapping

HEAD = ("#", "Goal / Key result", "Type", "Aligns to", "Owner", "Baseline", "Goal", "Actual",
        "Unit", "Weight", "Confidence", "Due", "KPI link", "Notes")  # fmt: skip
DUE = dt.datetime(2026, 12, 1)


def test_an_unticked_milestone_with_a_weight_and_a_due_date_stays_a_key_result() -> None:
    rows: tuple[tuple[CellValue, ...], ...] = (
        HEAD,
        ("O1", "Build a brand", "committed", None, "Maria", None, None, False),
        ("O1.1", "Grow mentions 10 to 30", "number", None, "Maria", 10, 30, 22),
        ("O1.2", "Publish the brand book", None, None, "Ana", None, None, False, None, 1, 7, DUE),
        ("O1.3", "Grow followers 100 to 300", "number", None, "Tom", 100, 300, 200),
        ("O1.4", "Ship the press kit", None, None, "Ana", None, None, False, None, None, None, DUE),
        ("O1.5", "Grow leads 10 to 30", "number", None, "Tom", 10, 30, 20),
        ("O2", "Be the go-to voice", None, "C1", "Maria", None, None, False, None, None, 6, DUE),
        ("O2.1", "Cut cost 80 to 50", "number", None, "Tom", 80, 50, 65),
        ("O2.2", "Launch the podcast", "milestone", None, "Ana", None, None, False),
    )
    data = WorkbookData("m.xlsx", ("Goals",), {"Goals": SheetGrid("Goals", rows)})
    team = build_team_input("M", extract(data, load_mapping("objective-blocks")))
    assert [o.id for o in team.objectives] == ["O1", "O2"]
    assert [(k.objective_id, k.id) for k in team.key_results] == [
        ("O1", "O1.1"),
        ("O1", "O1.3"),
        ("O1", "O1.5"),
        ("O2", "O2.1"),
        ("O2", "O2.2"),
    ]
    period = Period("Q4", dt.date(2026, 10, 1), dt.date(2026, 12, 31))
    result = evaluate_team(team, period=period, as_of=dt.date(2026, 11, 15))
    checkbox = (
        "expected a number, got FALSE; a checkbox says done or not, as a milestone key "
        "result does: set its KR type to milestone, or, if it is an objective, its Type to "
        "committed or aspirational"
    )
    assert [str(f) for f in result.errors] == [
        f"m.xlsx!Goals!H4: {checkbox}",
        f"m.xlsx!Goals!H6: {checkbox}",
    ]


@pytest.mark.parametrize(
    ("values", "kind"),
    [
        ({"owner": "Ana", "weight": 1}, "kr"),
        ({"confidence": 7}, "kr"),
        ({"due": DUE}, "kr"),
        ({"unit": "launches"}, "kr"),
        ({"kpi_link": "M2"}, "kr"),
        ({"kr_type": "number"}, "kr"),  # a KR type in the shared Type column
        ({"kr_type": "Milestone"}, "kr"),
        ({"owner": "Maria"}, "objective"),  # objective rows have owners too
        ({"comment": "see the plan"}, "objective"),
        ({"kr_type": "committed", "due": DUE}, "objective"),  # it says it is an objective
        ({"kr_type": "stretch", "confidence": 6}, "objective"),
        ({"aligns_to": "C2", "weight": 2}, "objective"),
        ({"kr_type": "launch", "due": DUE}, "kr"),  # an unknown word: the parse says so
        ({"kr_type": "launch"}, "objective"),
        # the ID says objective: not one that extends the current objective's (O1)
        ({"kr_id": "O2", "confidence": 7}, "objective"),
        ({"kr_id": "O2", "due": DUE, "weight": 2}, "objective"),
        ({"kr_id": "O2", "unit": "launches", "kpi_link": "M2"}, "objective"),
        ({"kr_id": "O10", "due": DUE}, "objective"),  # O10 does not extend O1
        ({"kr_id": "o1-2", "due": DUE}, "kr"),
        ({"kr_id": "O1a", "due": DUE}, "kr"),
        # no ID: only a cell no objective row has tells (an objective header whose ID
        # was forgotten has a Due, a Confidence, a Weight too)
        ({"kr_id": None, "due": DUE}, "objective"),
        ({"kr_id": None, "confidence": 7, "weight": 1}, "objective"),
        ({"kr_id": None, "due": DUE, "start": 0}, "kr"),
        ({"kr_id": None, "unit": "launches"}, "kr"),
        ({"kr_id": None, "kpi_link": "M2"}, "kr"),
        ({"kr_id": None, "kr_type": "milestone"}, "kr"),
        ({"kr_id": "O2", "kr_type": "number"}, "kr"),  # a KR type tells whatever the ID
    ],
)
def test_what_an_unticked_row_of_the_built_in_layout_is(
    values: dict[str, CellValue], kind: str
) -> None:
    """The ``#`` and title columns are shared; under objective O1 a row with a cell a key
    result has (Weight, Due...) is a key result when its ID extends O1's, with a cell no
    objective row has (Start, Unit, KPI link) also when it is blank, unless it says it
    is an objective. An owner says neither."""
    spec = load_mapping("objective-blocks").okrs
    fields = ("kr_id", "key_result", "kr_type", "aligns_to", "owner", "start", "target",
              "current", "unit", "weight", "confidence", "due", "kpi_link", "comment")  # fmt: skip
    columns = {f: i for i, f in enumerate(fields, 1)}
    row: dict[str, CellValue] = {f: None for f in fields}
    row.update(kr_id="O1.2", key_result="Publish the brand book", current=False)
    row.update(values)
    carry: dict[str, CellValue] = {"objective_id": "O1", "objective": "Build a brand"}
    found, read, _ = block_row(row, 5, spec, carry, block_columns(columns, spec))
    assert found == kind
    assert read["objective_id" if kind == "objective" else "kr_id"] == row["kr_id"]


@pytest.mark.parametrize(
    ("objective_id", "kr_id", "kind"),
    [
        (None, "O1.2", "objective"),  # no objective above: O1.2 is none's key result
        (1, 1.2, "kr"),  # numbers: 1.2 extends 1
        (1.0, 2, "objective"),
        (1, 12, "objective"),
        (dt.datetime(2026, 1, 1), "O1.2", "objective"),  # an ID that is a date extends none
    ],
)
def test_an_unticked_row_with_a_due_date_by_the_objective_above(
    objective_id: CellValue, kr_id: CellValue, kind: str
) -> None:
    spec = load_mapping("objective-blocks").okrs
    columns = {f: i for i, f in enumerate(("kr_id", "key_result", "current", "due"), 1)}
    carry: dict[str, CellValue] = {"objective_id": objective_id}
    row: dict[str, CellValue] = {"kr_id": kr_id, "key_result": "Ship", "current": False}
    row["due"] = DUE
    assert block_row(row, 5, spec, carry, block_columns(columns, spec))[0] == kind


def test_an_objective_header_with_a_due_date_and_an_unticked_box_stays_one() -> None:
    """An objective row with a Due, a Confidence, a Weight and FALSE from a checkbox column
    over Actual, no Type nor Aligns to: O2 was read as a key result of O1 (its key results
    scored under O1, O2 gone) until 2026-12-06."""
    rows: tuple[tuple[CellValue, ...], ...] = (
        HEAD,
        ("O1", "Build a brand", None, None, "Maria", None, None, False, None, None, 7, DUE),
        ("O1.1", "Grow mentions 10 to 30", "number", None, "Maria", 10, 30, 22),
        ("O1.2", "Publish the brand book", None, None, "Ana", None, None, False, None, 1, 7, DUE),
        ("O2", "Be the go-to voice", None, None, "Maria", None, None, False, None, 2, 6, DUE),
        ("O2.1", "Cut cost 80 to 50", "number", None, "Tom", 80, 50, 65),
    )
    data = WorkbookData("m.xlsx", ("Goals",), {"Goals": SheetGrid("Goals", rows)})
    read = extract(data, load_mapping("objective-blocks"))
    kinds = [(r.row, r.kind) for r in read.okrs.records]
    assert kinds == [(2, "objective"), (3, "kr"), (4, "kr"), (5, "objective"), (6, "kr")]
    team = build_team_input("M", read)
    assert [o.id for o in team.objectives] == ["O1", "O2"]
    assert [(k.objective_id, k.id) for k in team.key_results] == [("O1", "O1.1"), ("O2", "O2.1")]


def test_an_unticked_milestone_with_no_kr_id_in_its_own_columns_layout() -> None:
    """Objectives and key results in columns of their own: a milestone with an owner and
    a due date but no KR ID (nor key result) read as an objective with no ID, and its
    objective's key results below it failed "objective ID is missing"; it is a key result
    with no KR ID now, under its objective."""
    spec = load_mapping("objective-blocks").okrs.model_copy(update={"blocks": None})
    fields = ("objective_id", "objective", "kr_id", "key_result", "owner", "target",
              "current", "due")  # fmt: skip
    columns = {f: i for i, f in enumerate(fields, 1)}
    carry: dict[str, CellValue] = {}
    cols = block_columns(columns, spec)
    head: dict[str, CellValue] = {"objective_id": "O1", "objective": "Grow", "current": False}
    assert block_row(head, 4, spec, carry, cols)[0] == "objective"
    row: dict[str, CellValue] = {"owner": "Ana", "current": False, "due": DUE}
    found, read, _ = block_row(row, 5, spec, carry, cols)
    assert (found, read["objective_id"], read.get("kr_id")) == ("kr", "O1", None)


def test_an_objective_header_with_a_due_date_in_its_own_columns_layout() -> None:
    """Objectives and key results in columns of their own: an objective row with its
    objective ID, a Due, a Confidence and an unticked box was a key result with no KR ID
    (every objective gone) until 2026-12-06; an objective ID of its own says objective."""
    spec = load_mapping("objective-blocks").okrs.model_copy(update={"blocks": None})
    fields = ("objective_id", "objective", "kr_id", "key_result", "owner", "target",
              "current", "weight", "confidence", "due")  # fmt: skip
    cols = block_columns({f: i for i, f in enumerate(fields, 1)}, spec)
    carry: dict[str, CellValue] = {}
    found = []
    rows: tuple[dict[str, CellValue], ...] = (
        {"objective_id": "O1", "objective": "Grow", "current": False, "due": DUE},
        {"kr_id": "O1.1", "key_result": "Grow mentions", "target": 3, "current": 1},
        {
            "objective_id": "O2",
            "objective": "Delight",
            "owner": "Maria",
            "current": False,
            "weight": 2,
            "confidence": 0.7,
            "due": DUE,
        },
        {"kr_id": "O2.1", "key_result": "Cut cost", "target": 3, "current": 1},
        {"owner": "Ana", "current": False, "due": DUE},  # a milestone with no KR ID
    )
    for values in rows:
        kind, read, _ = block_row(dict(values), 5, spec, carry, cols)
        found.append((kind, read.get("objective_id"), read.get("kr_id")))
    assert found == [
        ("objective", "O1", None),
        ("kr", "O1", "O1.1"),
        ("objective", "O2", None),
        ("kr", "O2", "O2.1"),
        ("kr", "O2", None),
    ]
