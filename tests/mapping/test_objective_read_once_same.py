"""A tab read with an objective's cells read once (``ObjectiveRows``) tells the team what
reading every row's tells it: each team's ``TeamInput`` (objectives, key results, findings
in order) is compared with the same tab's read passing over no row. The review of
2026-12-07 found a title's own #REF! left unsaid below a row holding it filled down:
the filled row read without a word (its error is said at its source), so its cells were
taken as read clean, and the later row typing the same error was passed over."""

from __future__ import annotations

from pathlib import Path

import pytest

from sheets_sync.backends.excel.reader import read_workbook
from sheets_sync.domain.models import TeamInput
from sheets_sync.grid import CellError, CellRange, CellValue, SheetGrid, WorkbookData
from sheets_sync.mapping.extract import extract
from sheets_sync.mapping.objectives import ObjectiveRows
from sheets_sync.mapping.parse import build_team_input
from sheets_sync.mapping.spec import load_mapping
from tests.mapping.blocks_rows import HEAD as BLOCKS_HEAD

DATA = Path(__file__).resolve().parents[1] / "data"
HEAD = ("Objective ID", "Objective", "Objective type", "Aligns to", "KR ID", "Target", "Current")
REF = CellError("#REF!")
REF_SAID = (
    "the cell shows the error #REF! (the formula, or a cell it draws on, refers to a cell "
    "that is gone (its row, column or tab was deleted, or cells were pasted over it): "
    "point the formula at the right cells again)"
)
NA_X = CellError("#N/A", detail="Did not find value 'x' in VLOOKUP evaluation.")
NA_Y = CellError("#N/A", detail="Did not find value 'y' in VLOOKUP evaluation.")


def _kr(objective: tuple[CellValue, ...], kr: str) -> tuple[CellValue, ...]:
    return (*objective, kr, 10, 5)


def _header(*cells: CellValue) -> tuple[CellValue, ...]:
    """An objective-blocks header row: ``#``, title, Type, the rest blank."""
    return (*cells, *(None,) * (len(BLOCKS_HEAD) - len(cells)))


def _block_kr(kr: str) -> tuple[CellValue, ...]:
    return _header(kr, f"Ship {kr}", "number", None, None, 0, 10, 5)


O1_REF = ("O1", REF, "committed", None)
O1_BLANK = ("O1", None, "committed", None)
ALL_BLANK = (None, None, None, None)
#: name -> (mapping, tab, rows below the header, SheetGrid's other arguments)
CASES: dict[str, tuple[str, str, tuple[tuple[CellValue, ...], ...], dict[str, object]]] = {
    "filled_error_then_own_error": (
        "standard", "OKRs",
        (_kr(O1_REF, "KR1"), _kr(O1_BLANK, "KR2"), _kr(O1_REF, "KR3")), {},
    ),
    "filled_error_then_own_error_other_detail": (
        "standard", "OKRs",
        (_kr(("O1", NA_X, "committed", None), "KR1"), _kr(O1_BLANK, "KR2"),
         _kr(("O1", NA_Y, "committed", None), "KR3")), {},
    ),
    "filled_error_all_blank_then_own_error": (
        "standard", "OKRs",
        (_kr(O1_REF, "KR1"), _kr(ALL_BLANK, "KR2"), _kr(O1_REF, "KR3")), {},
    ),
    "merged_error_then_own_error": (
        "standard", "OKRs",
        (_kr(O1_REF, "KR1"), _kr(O1_BLANK, "KR2"), _kr(O1_REF, "KR3")),
        {"merged": (CellRange(2, 2, 3, 2),)},
    ),
    "hidden_merge_after_own_error": (
        "standard", "OKRs",
        (_kr(O1_REF, "KR1"), _kr(O1_BLANK, "KR2"), _kr(O1_REF, "KR3"), _kr(O1_BLANK, "KR4")),
        {"merged": (CellRange(4, 2, 5, 2),), "hidden_rows": frozenset({4})},
    ),
    "filled_run_then_typed_errors": (
        "standard", "OKRs",
        (_kr(O1_REF, "KR1"), _kr(ALL_BLANK, "KR2"), _kr(ALL_BLANK, "KR3"),
         _kr(O1_REF, "KR4"), _kr(O1_REF, "KR5")), {},
    ),
    "rows_that_disagree": (
        "standard", "OKRs",
        (_kr(("O1", "Grow", "committed", "C1"), "KR1"),
         _kr(("O1", "Grow", "committed", "C1"), "KR2"),
         _kr(("O1", "Grow", "aspirational", "C1"), "KR3"),
         _kr(("O1", "Grow", "committed", "C2"), "KR4"),
         _kr(("O1", "Grow ", "committed", "c1"), "KR5"),
         _kr(("o1", "grow", "Committed", "C1"), "KR6"),
         _kr(("O1", "Grow", "bogus", "C1"), "KR7"),
         _kr(("O1", "Grow", "bogus", "C1"), "KR8")), {},
    ),
    "ids_and_titles_of_other_types": (
        "standard", "OKRs",
        (_kr((1, "Grow", "committed", None), "KR1"), _kr(("1", "Grow", "committed", None), "KR2"),
         _kr((1.0, 1, "committed", None), "KR3"), _kr((True, 1.0, "committed", None), "KR4"),
         _kr((1, True, "committed", None), "KR5"), _kr(("O2", None, "committed", None), "KR6"),
         _kr(("O2", "Keep", "committed", None), "KR7"), _kr(("O2", None, None, None), "KR8")),
        {},
    ),
    "blocks_header_error_twice": (
        "objective-blocks", "Goals",
        (_header("O1", REF, "committed"), _block_kr("KR1"), _header("O1", REF, "committed")), {},
    ),
    "blocks_header_error_then_another_objective": (
        "objective-blocks", "Goals",
        (_header("O1", REF, "committed"), _block_kr("KR1"), _block_kr("KR2"),
         _header("O2", "Keep", "committed"), _block_kr("KR3"), _header("O1", REF, "committed")),
        {},
    ),
    "blocks_header_disagrees_twice": (
        "objective-blocks", "Goals",
        (_header("O1", "Grow", "committed"), _block_kr("KR1"), _header("O1", "Keep", "committed"),
         _header("O1", "Keep", "committed"), _header("O2", "Z", "committed"), _block_kr("KR2")),
        {},
    ),
    "blocks_clean": (
        "objective-blocks", "Goals",
        (_header("O1", "Grow", "committed"), _block_kr("KR1"), _block_kr("KR2"),
         _header("O1", "Grow", "committed"), _block_kr("KR3"),
         _header("O1", "Grow", "aspirational"), _block_kr("KR4")), {},
    ),
}  # fmt: skip


def _read(name: str) -> TeamInput:
    mapping, tab, rows, extra = CASES[name]
    head = BLOCKS_HEAD if mapping == "objective-blocks" else HEAD
    grid = SheetGrid(tab, (head, *rows), **extra)  # type: ignore[arg-type]
    data = WorkbookData("sales.xlsx", (tab,), {tab: grid})
    return build_team_input("Sales", extract(data, load_mapping(mapping)))


def _sample(name: str) -> TeamInput:
    mapping = load_mapping(name)
    tabs = list(mapping.okrs.sheet) + (list(mapping.kpis.sheet) if mapping.kpis else [])
    return build_team_input("M", extract(read_workbook(DATA / f"{name}.xlsx", tabs=tabs), mapping))


def _every_row_read(monkeypatch: pytest.MonkeyPatch) -> None:
    """No row passed over: the tab's read as before the cut."""
    monkeypatch.setattr(ObjectiveRows, "seen", lambda self, record, key: False)


@pytest.mark.parametrize("name", sorted(CASES))
def test_the_same_as_reading_every_row(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    got = _read(name)
    _every_row_read(monkeypatch)
    want = _read(name)
    assert [str(f) for f in got.findings] == [str(f) for f in want.findings]
    assert got == want and repr(got) == repr(want)


@pytest.mark.parametrize("sample", ["objective-blocks", "flat-tracker"])
def test_the_samples_the_same_as_reading_every_row(
    sample: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    got = _sample(sample)
    _every_row_read(monkeypatch)
    want = _sample(sample)
    assert got == want and repr(got) == repr(want)


def _errors(team: TeamInput) -> list[str]:
    return [f"{f.cell} {f.row_id} {f.message}" for f in team.findings if f.cell]


def test_a_titles_own_error_below_it_filled_down_is_said() -> None:
    """Row 3's B is blank, filled from B2 (said there); B4 shows #REF! itself."""
    said = _errors(_read("filled_error_then_own_error"))
    assert said == [f"B2 O1 {REF_SAID}", f"B4 O1 {REF_SAID}"]
    said = _errors(_read("filled_run_then_typed_errors"))
    assert said == [f"B{row} O1 {REF_SAID}" for row in (2, 5, 6)]


def test_a_headers_own_error_in_objective_blocks_is_said_each_time() -> None:
    said = _errors(_read("blocks_header_error_twice"))
    assert said == [f"B2 O1 {REF_SAID}", f"B4 O1 {REF_SAID}"]
    said = _errors(_read("blocks_header_error_then_another_objective"))
    assert said == [f"B2 O1 {REF_SAID}", f"B7 O1 {REF_SAID}"]


def test_a_header_disagreeing_again_is_said_again() -> None:
    """B4's header says Keep where B2 said Grow: warned, so not kept as read clean, and B5
    saying Keep again is warned too (review of 2026-12-07: with every header kept, B5 was
    passed over unsaid)."""
    team = _read("blocks_header_disagrees_twice")
    said = [f"{f.cell} {f.row_id} {f.message}" for f in team.findings if f.cell]
    why = "objective O1 already has title 'Grow' (row 2); 'Keep' is ignored"
    assert said == [f"B4 O1 {why}", f"B5 O1 {why}"]
