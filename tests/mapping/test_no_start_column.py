"""A tab with no Start column at all: each number key result failed alone, ``start value
is missing (type 0 if the metric starts at zero)`` on every row (until 2026-12-07), though
the fix is one column. One error at the tab names the header missing and what the mapping
looked for; the key results that need a start are not scored, the others are."""

from __future__ import annotations

import datetime as dt

from sheets_sync.domain.models import KeyResult, Objective, Origin, Period, Severity, TeamInput
from sheets_sync.domain.team import evaluate_team
from sheets_sync.grid import CellValue, SheetGrid, WorkbookData
from sheets_sync.mapping.extract import extract
from sheets_sync.mapping.parse import build_team_input
from sheets_sync.mapping.spec import MappingSpec, load_mapping, parse_mapping

PERIOD = Period("Q4", dt.date(2026, 10, 1), dt.date(2026, 12, 31))
HEADER = ("Objective ID", "Objective", "KR ID", "KR type", "Target", "Current")
ROWS: tuple[tuple[CellValue, ...], ...] = (
    HEADER,
    ("O1", "Grow", "O1.1", None, 30, 20),
    ("O1", "Grow", "O1.2", "number", 30, 20),
    ("O1", "Grow", "O1.3", "milestone", None, "done"),
    ("O1", "Grow", "O1.4", "at least", 5, 6),
)


def _errors(mapping: MappingSpec, rows: tuple[tuple[CellValue, ...], ...] = ROWS) -> list[str]:
    data = WorkbookData("sales.xlsx", ("OKRs",), {"OKRs": SheetGrid("OKRs", rows)})
    team = build_team_input("Sales", extract(data, mapping))
    result = evaluate_team(team, period=PERIOD, as_of=dt.date(2026, 11, 15))
    return [str(f) for f in result.findings if f.severity is Severity.ERROR]


def test_no_start_column_is_one_error_at_the_tab() -> None:
    assert _errors(load_mapping("standard")) == [
        "sales.xlsx!OKRs: missing column Start (looked for 'Start', 'Start value', 'Baseline') in "
        "header row 1: a "
        "number key result is scored from its start value to its target, so 2 key results "
        "(O1.1, O1.2) are not scored; add the column (type 0 where a metric starts at zero), "
        "or give them another KR type (at least, at most, milestone)"
    ]


def test_it_names_the_headers_the_mapping_looked_for() -> None:
    mapping = parse_mapping(
        "name: mine\nokrs:\n  sheet: [OKRs]\n  columns:\n    start: [Baseline, From]\n",
        source="mine.yaml",
    )
    said = _errors(mapping)
    assert len(said) == 1
    assert said[0].startswith(
        "sales.xlsx!OKRs: missing column Baseline (looked for 'Baseline', 'From') in header row 1"
    )


def test_the_other_key_results_are_scored() -> None:
    data = WorkbookData("sales.xlsx", ("OKRs",), {"OKRs": SheetGrid("OKRs", ROWS)})
    team = build_team_input("Sales", extract(data, load_mapping("standard")))
    result = evaluate_team(team, period=PERIOD, as_of=dt.date(2026, 11, 15))
    scored = [r.kr.id for o in result.objectives for r in o.key_results]
    assert scored == ["O1.3", "O1.4"]


def test_a_key_result_built_by_hand_says_its_start_at_its_row() -> None:
    """No origin cells: no tab to say it at (a library caller's TeamInput)."""
    kr = KeyResult(objective_id="O1", id="K1", description="", target=30, current=20)
    team = TeamInput("Sales", "sales.xlsx", (Objective("O1", "Grow"),), (kr,))
    result = evaluate_team(team, period=PERIOD, as_of=dt.date(2026, 11, 15))
    assert [f.message for f in result.findings if f.is_error] == [
        "start value is missing (type 0 if the metric starts at zero)"
    ]


def test_a_tab_read_elsewhere_is_said_by_the_domain() -> None:
    """A TeamInput whose key results name their cells, with no mapping error said."""
    cells = {"kr_id": "A2", "target": "B2", "current": "C2"}
    origin = Origin("sales.xlsx", "OKRs", 2, cells)
    kr = KeyResult(objective_id="O1", id="K1", description="", target=30, current=20, origin=origin)
    team = TeamInput("Sales", "sales.xlsx", (Objective("O1", "Grow"),), (kr,))
    result = evaluate_team(team, period=PERIOD, as_of=dt.date(2026, 11, 15))
    assert [str(f) for f in result.findings if f.is_error] == [
        "sales.xlsx!OKRs: missing column Start: a number key result is scored from its start "
        "value to its target, so key result K1 is not scored; add the column (type 0 where a "
        "metric starts at zero), or give it another KR type (at least, at most, milestone)"
    ]


def test_a_blank_start_in_a_start_column_is_said_at_its_cell() -> None:
    rows: tuple[tuple[CellValue, ...], ...] = tuple(
        (*r[:4], "Start" if i == 0 else (0 if i > 1 else None), *r[4:]) for i, r in enumerate(ROWS)
    )
    assert _errors(load_mapping("standard"), rows) == [
        "sales.xlsx!OKRs!E2: start value is missing (type 0 if the metric starts at zero)"
    ]


def test_many_key_results_are_counted_not_all_listed() -> None:
    rows: tuple[tuple[CellValue, ...], ...] = (
        HEADER,
        *((f"O{i}", "Grow", f"O{i}.1", None, 30, 20) for i in range(1, 10)),
    )
    said = _errors(load_mapping("standard"), rows)
    assert len(said) == 1
    assert "so 9 key results (O1.1, O2.1, O3.1, O4.1, O5.1 and 4 more) are not scored" in said[0]


def test_each_unscored_row_says_why_in_its_sync_notes() -> None:
    """Not a second error: a note pointing at the tab's one (until 2026-12-07 the rows'
    Sync notes were blank beside "Not scored"; before, each said start value is missing)."""
    from sheets_sync.sync.plan import NO_START_NOTE, plan_writes

    data = WorkbookData("sales.xlsx", ("OKRs",), {"OKRs": SheetGrid("OKRs", ROWS)})
    got = extract(data, load_mapping("standard"))
    team = build_team_input("Sales", got)
    result = evaluate_team(team, period=PERIOD, as_of=dt.date(2026, 11, 15))
    notes = {
        w.row: w.value
        for w in plan_writes(result, got)
        if w.col == got.okrs.layout.column_of("sync_notes")
    }
    assert all(str(notes[row]).startswith(f"{NO_START_NOTE}; Warning") for row in (2, 3))
    assert NO_START_NOTE not in f"{notes[4]} {notes[5]}"  # a milestone, an at least: scored
    assert len(result.errors) == 1


def test_a_row_left_out_for_its_own_error_gets_its_own_note_as_written() -> None:
    """The plan is given the extract as written (``for_writing``: no record's values), so
    the note cannot come from the row's KR type read again: a milestone or an at least
    left out for its own error (a Target ``#REF!``) says that error, not the tab's."""
    from sheets_sync.grid import CellError
    from sheets_sync.sync.plan import NO_START_NOTE, plan_writes

    ref = CellError("#REF!")
    rows = (
        *ROWS[:3],
        ("O1", "Grow", "O1.3", "milestone", None, ref),
        ("O1", "Grow", "O1.4", "at least", ref, 6),
    )
    data = WorkbookData("sales.xlsx", ("OKRs",), {"OKRs": SheetGrid("OKRs", rows)})
    got = extract(data, load_mapping("standard"))
    result = evaluate_team(
        build_team_input("Sales", got), period=PERIOD, as_of=dt.date(2026, 11, 15)
    )
    written = got.for_writing()
    notes = {
        w.row: w.value
        for w in plan_writes(result, written)
        if w.col == written.okrs.layout.column_of("sync_notes")
    }
    assert all(str(notes[row]).startswith(NO_START_NOTE) for row in (2, 3))
    assert all(NO_START_NOTE not in str(notes[row]) for row in (4, 5))
