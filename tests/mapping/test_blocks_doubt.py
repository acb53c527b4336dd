"""Objective-blocks layout: unticked rows (FALSE from a checkbox column over Actual) that
read as a key result and as an objective header alike, and objective headers with no ID.

Until 2026-12-06 an objective header whose ``#`` was forgotten, with a Due and an unticked
box, was a key result of the objective above, its own key results scored under that one
with nothing said; and in the layout with objective columns of their own, a row with an
objective title but no ID was a key result too."""

from __future__ import annotations

import pytest

from sheets_sync.grid import CellValue
from sheets_sync.mapping.blocks import block_columns, block_row
from sheets_sync.mapping.spec import load_mapping
from tests.mapping.blocks_rows import BOTH, DUE, read_goals


def _header(id_: CellValue, title: str) -> tuple[CellValue, ...]:
    """An objective header as teams write one: an owner, a Confidence, a Due, and the
    Actual column's checkbox unticked; no Type, no Aligns to."""
    return (id_, title, None, None, "Maria", None, None, False, None, None, 7, DUE)


def _number(id_: str) -> tuple[CellValue, ...]:
    return (id_, "Grow x", "number", None, "Tom", 10, 30, 20, None, 1)


def _read(*rows: tuple[CellValue, ...]) -> tuple[list[tuple[int, str]], list[str], list[str]]:
    read, team = read_goals(*rows)
    kinds: list[tuple[int, str]] = [(r.row, r.kind) for r in read.okrs.records]
    owners = [f"{k.objective_id}:{k.id}" for k in team.key_results]
    errors = [f"{f.cell}: {f.message}" for f in team.findings if f.severity.name == "ERROR"]
    return kinds, owners, errors


@pytest.mark.parametrize(
    ("top", "sub", "sub_kr"),
    [("O1", "O1a", "O1a.1"), (1, 1.1, "1.1.1"), ("O1", "O1.2", "O1.2.1")],
)
def test_an_objective_numbered_under_another_is_read_as_its_key_result_saying_both(
    top: CellValue, sub: CellValue, sub_kr: str
) -> None:
    """An unticked row numbered under the objective above, with a Due and a Confidence and
    no Type nor Aligns to, is what a milestone with no KR type looks like, and what a
    sub-objective does: it is read as a key result, and its FALSE's error says how to
    make it either."""
    kinds, _, errors = _read(_header(top, "Grow"), _number("X1"), _header(sub, "Grow EU"))
    assert kinds == [(2, "objective"), (3, "kr"), (4, "kr")]
    assert errors == [f"H4: {BOTH}"]
    kinds, _, errors = _read(
        _header(top, "Grow"),
        (sub, "Grow EU", "aspirational", None, "Maria", None, None, False, None, None, 7, DUE),
        _number(sub_kr),
    )
    assert kinds == [(2, "objective"), (3, "objective"), (4, "kr")]
    assert errors == []


@pytest.mark.parametrize(("start", "target"), [(0, None), (None, 30)])
def test_a_milestone_with_a_start_says_only_milestone(
    start: int | None, target: int | None
) -> None:
    """A Baseline or a Goal is a cell no objective row has: a key result, no doubt."""
    row = ("O1.2", "Ship", None, None, "Ana", start, target, False, None, None, None, DUE)
    kinds, _, errors = _read(_header("O1", "Grow"), row)
    assert kinds == [(2, "objective"), (3, "kr")]
    assert errors == [
        "H3: expected a number, got FALSE; a checkbox says done or not, as a milestone key "
        "result does: set its KR type to milestone"
    ]


def test_an_objective_header_whose_id_was_forgotten_stays_an_objective() -> None:
    """/tmp/r2s/wb/blank_obj_id_after.xlsx: the second header's ``#`` left blank made it a
    key result of O1, and O2.1 scored under O1 with nothing said."""
    kinds, owners, errors = _read(
        _header("O1", "Grow"), _number("O1.1"), _header(None, "Delight"), _number("O2.1")
    )
    assert kinds == [(2, "objective"), (3, "kr"), (4, "objective"), (5, "kr")]
    assert owners == ["O1:O1.1"]
    assert errors == ["A4: objective ID is missing", "5:5: objective ID is missing"]


@pytest.mark.parametrize(
    ("cells", "kind"),
    [
        ({}, "objective"),  # its title in the column of its own says objective
        ({"objective": None}, "kr"),  # neither an ID nor a title: no objective header
        ({"objective": None, "weight": None, "due": None, "confidence": None}, "objective"),
    ],
)
def test_an_objective_title_in_its_own_column_says_objective(
    cells: dict[str, CellValue], kind: str
) -> None:
    """Objective and key result in columns of their own (/tmp/r2s/wb/sep_blank_obj.xlsx):
    a row with its objective's title, no ID, a Due and an unticked box was a key result
    with no KR ID (until 2026-12-06); now an objective whose ID is missing."""
    spec = load_mapping("objective-blocks").okrs.model_copy(update={"blocks": None})
    fields = ("objective_id", "objective", "kr_id", "key_result", "owner", "target",
              "current", "weight", "confidence", "due")  # fmt: skip
    cols = block_columns({f: i for i, f in enumerate(fields, 1)}, spec)
    carry: dict[str, CellValue] = {"objective_id": "O1", "objective": "Grow"}
    row: dict[str, CellValue] = {"objective": "Delight", "owner": "Maria", "current": False}
    row.update(weight=1, confidence=7, due=DUE)
    row.update(cells)
    assert block_row(row, 5, spec, carry, cols)[0] == kind
