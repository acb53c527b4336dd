"""Objective-blocks layout as teams fill it: blank lines, a header row repeated, merged
cells, an objective with no key results, a key result above the first objective, IDs
typed as numbers, trailing spaces, full-width characters. Each reads right or says what
is wrong at its cell."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sheets_sync.domain.models import Period
from sheets_sync.domain.team import evaluate_team
from sheets_sync.grid import CellRange, CellValue, SheetGrid, WorkbookData
from sheets_sync.mapping.extract import extract
from sheets_sync.mapping.parse import build_team_input
from sheets_sync.mapping.spec import load_mapping
from tests.mapping.blocks_rows import HEAD, read_goals

Row = tuple[CellValue, ...]


def _obj(id_: CellValue, title: str = "Build a brand") -> Row:
    return (id_, title, "committed", None, "Maria")


def _kr(id_: CellValue) -> Row:
    return (id_, "Grow x", "number", None, "Tom", 10, 30, 20)


def _read(*rows: Row, merged: tuple[CellRange, ...] = ()) -> tuple[list[str], list[str]]:
    """Objective:KR pairs read, and the findings but the missing Metrics tab's."""
    _, team = read_goals(*rows, merged=merged)
    period = Period("Q4", dt.date(2026, 10, 1), dt.date(2026, 12, 31))
    result = evaluate_team(team, period=period, as_of=dt.date(2026, 11, 15))
    pairs = [f"{k.objective_id}:{k.id}" for k in team.key_results]
    said = [f"{f.severity.name} {f}" for f in (*team.findings, *result.errors)]
    return pairs, sorted({s for s in said if "Metrics" not in s})


def test_blank_lines_and_a_repeated_header_row_between_blocks() -> None:
    pairs, said = _read(_obj("O1"), _kr("O1.1"), (), (None,) * 12, HEAD, _obj("O2"), _kr("O2.1"))
    assert (pairs, said) == (["O1:O1.1", "O2:O2.1"], [])


def test_an_objective_with_no_key_results() -> None:
    pairs, said = _read(_obj("O1"), _obj("O2"), _kr("O2.1"), _obj("O3"))
    assert pairs == ["O2:O2.1"]
    assert all("O2" not in s for s in said)


def test_a_key_result_above_the_first_objective_says_so_at_its_id() -> None:
    """It failed "m.xlsx!Goals!2:2: objective ID is missing", a row and no cell, nothing
    said of why (until 2026-12-06)."""
    unticked = ("KR3", "Ship", None, None, "Ana", None, None, False)
    pairs, said = _read(_kr("O1.1"), unticked, _obj("O1"), _kr("O1.2"))
    assert pairs == ["O1:O1.2"]
    above = "key result above the first objective row: move it under its objective"
    assert [s for s in said if "first objective" in s or "objective ID" in s] == [
        f"ERROR m.xlsx!Goals!A2: {above}",
        f"ERROR m.xlsx!Goals!A3: {above}",
    ]


def test_merged_objective_cells_are_said_at_each_cell() -> None:
    """``#`` merged over the block: its key results have no KR ID, and each says so."""
    pairs, said = _read(
        _obj("O1"), _kr(None), _kr(None), _obj("O2"), _kr("O2.1"), merged=(CellRange(2, 1, 4, 1),)
    )
    assert pairs == ["O2:O2.1"]
    assert "ERROR m.xlsx!Goals!A3: KR ID is missing" in said
    assert any(
        s.startswith("WARNING m.xlsx!Goals!A4: A4 is inside merged cells A2:A4") for s in said
    )


def test_ids_typed_as_numbers() -> None:
    pairs, said = _read(_obj(1), _kr(1.1), _kr(1.2), _obj(2.0), _kr(2.1))
    assert (pairs, said) == (["1:1.1", "1:1.2", "2:2.1"], [])


def test_a_kr_id_1_10_typed_as_a_number_says_why_it_repeats_1_1() -> None:
    """The tenth key result of objective 1, typed 1.10 in a number cell, reads 1.1: it was
    only "duplicate key result ID 1.1" (until 2026-12-06)."""
    pairs, said = _read(_obj(1), *(_kr(1 + i / 10) for i in range(1, 10)), _kr(1.1))
    assert pairs[-1] == "1:1.1"
    assert [s for s in said if "A12" in s] == [
        "ERROR m.xlsx!Goals!A12: duplicate key result ID 1.1",
        "WARNING m.xlsx!Goals!A12: KR ID 1.1 is a number, and a number drops its last zeros "
        "(1.10 is 1.1): format the column as plain text and type the IDs again",
    ]


def test_trailing_spaces_and_full_width_ids() -> None:
    """``Ｏ１`` typed with a CJK input method was an objective apart from O1, and an
    unticked ``O1.2`` under it an objective header (until 2026-12-06). IDs are kept as
    typed (they key the history), compared as ``id_key`` compares them."""
    unticked = (
        "O1.2",
        "Ship",
        None,
        None,
        "Ana",
        None,
        None,
        False,
        None,
        1,
        7,
        dt.datetime(2026, 12, 1),
    )
    pairs, said = _read(
        _obj("Ｏ１ "),
        _kr("Ｏ１.１"),
        unticked,
        _obj("O2\u00a0"),
        _kr(" O2.1 "),
        _obj("O1", "Build a brand"),
        _kr("O1.3"),
    )
    # as typed, spaces around cut; O1.2's FALSE: the error below
    assert pairs == ["Ｏ１:Ｏ１.１", "O2:O2.1", "O1:O1.3"]
    assert [s for s in said if s.startswith("ERROR")] == [
        "ERROR m.xlsx!Goals!H4: expected a number, got FALSE; a checkbox says done or not, "
        "as a milestone key result does: set its KR type to milestone, or, if it is an "
        "objective, its Type to committed or aspirational"
    ]


def test_an_objective_repeated_with_another_title_is_said_once() -> None:
    """Its key result rows hold the title filled down from the header: each said the
    header's warning again, at a row and no cell (until 2026-12-06)."""
    pairs, said = _read(_obj("O1"), _kr("O1.1"), _obj("O1", "Again"), _kr("O1.2"), _kr("O1.3"))
    assert pairs == ["O1:O1.1", "O1:O1.2", "O1:O1.3"]
    assert said == [
        "WARNING m.xlsx!Goals!B4: objective O1 already has title 'Build a brand' (row 2); "
        "'Again' is ignored"
    ]


def test_an_aligns_to_first_typed_on_a_key_result_row_is_said_at_that_row() -> None:
    """The header leaves Aligns to blank, its first key result types C2: the next one's
    C3 was said against row 2, the header's, until 2026-12-07."""
    kr = _kr("O1.1")
    pairs, said = _read(_obj("O1"), (*kr[:3], "C2", *kr[4:]), ("O1.2", *kr[1:3], "C3", *kr[4:]))
    assert pairs == ["O1:O1.1", "O1:O1.2"]
    assert [s for s in said if "already has" in s] == [
        "WARNING m.xlsx!Goals!D4: objective O1 already has Aligns to 'C2' (row 3); 'C3' is ignored"
    ]


def test_kr_ids_numbered_per_objective_say_why_they_repeat() -> None:
    """``KR1`` under O1 and under O2, as many teams number: only "duplicate key result ID
    KR1" was said (until 2026-12-06)."""
    pairs, said = _read(_obj("O1"), _kr("KR1"), _kr("KR2"), _obj("O2"), _kr("KR1"))
    assert pairs == ["O1:KR1", "O1:KR2", "O2:KR1"]
    assert said == [
        "ERROR m.xlsx!Goals!A6: duplicate key result ID KR1",
        "WARNING m.xlsx!Goals!A6: KR ID KR1 is also a key result of objective O1 (row 3): "
        "KR IDs are the team's, not the objective's; number it apart (O2.KR1)",
    ]


def test_a_layout_of_a_row_per_key_result_says_its_objective_id_is_missing(
    tmp_path: Path,
) -> None:
    """A mapping with no objective column (``required_columns: [kr_id, target,
    current]``) is no objective blocks: "key result above the first objective row" was
    said there too, a day (2026-12-06)."""
    mapping = tmp_path / "custom.yaml"
    mapping.write_text(
        "name: custom\nokrs:\n  sheet: [OKRs]\n  columns:\n    kr_id: [KR ID]\n"
        "    key_result: [Key result]\n    target: [Target]\n    current: [Current]\n"
        "  required_columns: [kr_id, target, current]\n",
        encoding="utf-8",
    )
    grid = SheetGrid("OKRs", (("KR ID", "Key result", "Target", "Current"), ("KR1", "Grow", 10, 5)))
    data = WorkbookData("m.xlsx", ("OKRs",), {"OKRs": grid})
    team = build_team_input("T", extract(data, load_mapping(str(mapping))))
    assert [str(f) for f in team.findings] == ["m.xlsx!OKRs!2:2: objective ID is missing"]
