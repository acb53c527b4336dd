"""Random small tabs read with an objective's cells read once (``ObjectiveRows``) tell the
team what reading every row's tells it: the review of 2026-12-07's differential fuzzer,
as a test. Rows repeat a few objectives' cells, some typed otherwise (case, a typo, a
checkbox, a date, an error shown), some left blank to be filled down, some merged down or
hidden; the rows layout and objective blocks. Dropping ``ObjectiveRows.clean``'s guard
(cells showing an error kept) fails here; a header warned again (parse.py's ``not
merged``) is too rare a tab for 400 examples: test_objective_read_once_same holds it."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sheets_sync.domain.models import TeamInput
from sheets_sync.grid import CellError, CellRange, CellValue, SheetGrid, WorkbookData
from sheets_sync.mapping.extract import extract
from sheets_sync.mapping.objectives import ObjectiveRows
from sheets_sync.mapping.parse import build_team_input
from sheets_sync.mapping.spec import MappingSpec, load_mapping
from tests.mapping.blocks_rows import HEAD as BLOCKS_HEAD

HEAD = ("Objective ID", "Objective", "Objective type", "Aligns to", "KR ID", "Target", "Current")
REF = CellError("#REF!")
NA = CellError("#N/A", detail="Did not find value 'x' in VLOOKUP evaluation.")
DAY = dt.datetime(2026, 3, 4)
#: each objective cell's values: the usual ones most, blank (filled down) next, then others
IDS: tuple[CellValue, ...] = ("O1", "O1", "O1", "O2", "O2", None, None, "o1", 1, 1.0, True, REF)
TITLES: tuple[CellValue, ...] = ("Grow", "Grow", "Keep", None, None, "grow", "  ", REF, NA, 1)
TYPES: tuple[CellValue, ...] = (
    "committed", "committed", None, None, "Committed", "aspirational", "comitted", True, REF,
)  # fmt: skip
ALIGNS: tuple[CellValue, ...] = (None, None, "C1", "C1", "c1", "C2", True, DAY, REF)
CELLS = (IDS, TITLES, TYPES, ALIGNS)
OBJECTIVE = st.tuples(*(st.sampled_from(v) for v in CELLS))
KR_IDS = st.sampled_from(("KR1", "KR2", "KR3", "KR4", None))
#: the objective cells a row leaves blank: none (half the rows), its title, all but its
#: ID, all
BLANKS = ((False,) * 4,) * 3 + ((False, True, False, False), (False, True, True, True), (True,) * 4)
MAPPINGS: dict[str, MappingSpec] = {}


def _mapping(name: str) -> MappingSpec:
    if name not in MAPPINGS:
        MAPPINGS[name] = load_mapping(name)
    return MAPPINGS[name]


def _other(draw: st.DrawFn, objective: tuple[CellValue, ...]) -> tuple[CellValue, ...]:
    """``objective``'s cells with one typed otherwise."""
    at = draw(st.integers(0, len(objective) - 1))
    return (*objective[:at], draw(st.sampled_from(CELLS[at])), *objective[at + 1 :])


@st.composite
def _tabs(draw: st.DrawFn) -> tuple[str, SheetGrid]:
    """A tab of the rows layout (OKRs), a key result a row, or of objective blocks
    (Goals), a header and 0-2 key results below it; 1-6 objective rows."""
    blocks = draw(st.booleans())
    rows: list[tuple[CellValue, ...]] = []
    first = draw(OBJECTIVE)  # and up to two others each differing from it in a cell
    typed = [first, *(_other(draw, first) for _ in range(draw(st.integers(0, 2))))]
    for _ in range(draw(st.integers(1, 6))):
        cells, blank = draw(st.sampled_from(typed)), draw(st.sampled_from(BLANKS))
        objective = tuple(None if b else cell for cell, b in zip(cells, blank, strict=True))
        if not blocks:
            rows.append((*objective, draw(KR_IDS), 10, 5))
            continue
        rows.append((*objective, *(None,) * (len(BLOCKS_HEAD) - len(objective))))
        for _ in range(draw(st.integers(0, 2))):
            kr = (draw(KR_IDS), "Ship", "number", None, None, 0, 10, 5)
            rows.append((*kr, *(None,) * (len(BLOCKS_HEAD) - len(kr))))
    last = len(rows) + 1  # rows 2 .. last below the header
    merged: list[CellRange] = []
    for col in draw(st.lists(st.integers(1, 4), max_size=2, unique=True)):
        top = draw(st.integers(2, last))
        merged.append(CellRange(top, col, draw(st.integers(top, last)), col))
    hidden = draw(st.frozensets(st.integers(2, last), max_size=2))
    tab, head = ("Goals", BLOCKS_HEAD) if blocks else ("OKRs", HEAD)
    grid = SheetGrid(tab, (head, *rows), merged=tuple(merged), hidden_rows=hidden)
    return ("objective-blocks" if blocks else "standard"), grid


def _read(mapping: str, grid: SheetGrid) -> TeamInput:
    data = WorkbookData("sales.xlsx", (grid.name,), {grid.name: grid})
    return build_team_input("Sales", extract(data, _mapping(mapping)))


@settings(max_examples=400, deadline=None)
@given(_tabs())
def test_the_same_as_reading_every_row(tab: tuple[str, SheetGrid]) -> None:
    mapping, grid = tab
    got = _read(mapping, grid)
    with pytest.MonkeyPatch.context() as patch:  # no row passed over: as before the cut
        patch.setattr(ObjectiveRows, "seen", lambda self, record, key: False)
        want = _read(mapping, grid)
    assert [(str(f), f.row_id, f.row) for f in got.findings] == [
        (str(f), f.row_id, f.row) for f in want.findings
    ]
    assert got == want and repr(got) == repr(want)
