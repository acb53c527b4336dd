"""Where a cell in error that fills down is said (``rowreader.TabReads``): at its own cell,
once, even when its own row does not read it (an objective's cells on a row with no
Objective ID, a merge's hidden first row); and only when that cell is in error: a value
its own row reads and the row below cannot (a Current of Done under a milestone) is the
row below's own error. Until 2026-12-07 the first was said nowhere, or at
each of the merge's cells shown, and the second was "filled down from G2, which is in
error"."""

from __future__ import annotations

from pathlib import Path

import openpyxl

from sheets_sync.backends.excel.reader import read_workbook
from sheets_sync.mapping.extract import extract
from sheets_sync.mapping.parse import build_team_input
from sheets_sync.mapping.spec import load_mapping, parse_mapping
from tests.cli.test_ops_cli import AS_OF, run
from tests.mapping.test_filled_errors import HEAD, SHOWN, _said, _team

TYPED = ("Objective ID", "Objective", "Objective type", "KR ID", "Start", "Target", "Current")
TYPO = '"comitted" is not one of: committed, aspirational'


def test_an_objective_type_typo_on_a_row_with_no_id_is_said_at_its_cell(tmp_path: Path) -> None:
    """Row 2 has no Objective ID, so its objective cells are not read there; O1 below
    takes its type: the typo is said at C2, once, and O1 is left out (not C3 and C4 as
    if typed there, nor nowhere), its rows noting why (until 2026-12-07 they said only
    ``key result KR2 points at unknown objective O1``)."""
    team = _team(
        tmp_path,
        [
            TYPED,
            (None, "Grow", "comitted", "KR1", 0, 10, 5),
            ("O1", None, None, "KR2", 0, 10, 5),
            (None, None, None, "KR3", 0, 10, 5),
        ],
    )
    assert _said(team) == [
        "sales.xlsx!OKRs!A2: objective ID is missing",
        f"sales.xlsx!OKRs!C2: {TYPO}",
        "sales.xlsx!OKRs!C3: objective type is filled down from C2, which is in error",
        "sales.xlsx!OKRs!C4: objective type is filled down from C2, which is in error",
    ]
    assert team.objectives == ()
    c2 = next(f for f in team.findings if f.cell == "C2")
    assert (c2.row, c2.row_id) == (2, "KR1")  # in row 2's Sync notes


def test_a_title_in_error_on_a_row_with_no_id_is_said_at_its_cell(tmp_path: Path) -> None:
    team = _team(
        tmp_path,
        [
            TYPED,
            (None, "#REF!", None, "KR1", 0, 10, 5),
            ("O1", None, None, "KR2", 0, 10, 5),
            (None, None, None, "KR3", 0, 10, 5),
        ],
    )
    said = _said(team)
    assert [s.split(": ")[0] for s in said] == ["sales.xlsx!OKRs!A2", "sales.xlsx!OKRs!B2"]
    assert f"B2: {SHOWN} #REF!" in said[1]
    assert {o.id: o.title for o in team.objectives} == {"O1": ""}
    assert [kr.id for kr in team.key_results] == ["KR2", "KR3"]


def test_a_value_its_own_row_reads_is_the_filled_rows_own_error(tmp_path: Path) -> None:
    """``fill_down: [current]``: Done is a milestone's Current on row 2; filled into a
    number key result's blank Current, it is that row's error, said as a typed Done is."""
    mapping = parse_mapping(
        "name: mine\nokrs:\n  sheet: [OKRs]\n  fill_down: [objective_id, objective, current]\n",
        source="mine.yaml",
    )
    head = ("Objective ID", "Objective", "KR ID", "KR type", "Start", "Target", "Current")
    team = _team(
        tmp_path,
        [
            head,
            ("O1", "Grow", "KR1", "milestone", None, None, "Done"),
            (None, None, "KR2", "number", 0, 10, None),
        ],
        mapping,
    )
    assert _said(team) == ['sales.xlsx!OKRs!G3: expected a number, got "Done"']
    assert [kr.id for kr in team.key_results] == ["KR1"]


def test_a_kr_type_in_error_filled_down_is_named_as_its_column(tmp_path: Path) -> None:
    mapping = parse_mapping(
        "name: mine\nokrs:\n  sheet: [OKRs]\n  fill_down: [objective_id, objective, kr_type]\n",
        source="mine.yaml",
    )
    head = ("Objective ID", "Objective", "KR ID", "KR type", "Start", "Target", "Current")
    team = _team(
        tmp_path,
        [head, ("O1", "Grow", "KR1", "#N/A", 0, 10, 5), (None, None, "KR2", None, 0, 10, 5)],
        mapping,
    )
    assert _said(team)[1] == "sales.xlsx!OKRs!D3: KR type is filled down from D2, which is in error"


HIDDEN_3 = (  # a hidden row of goal data is named at the tab
    "sales.xlsx!OKRs: row 3 is hidden and not read (a hidden row of goal data is warned of "
    "each night); unhide it to have it read, or delete the row (or move it to an archive tab) "
    "if its goal is dropped"
)


def _hidden_merge(tmp_path: Path, box: str, value: str) -> list[str]:
    """Rows of O1 and its key results with ``box`` (say ``A3:A5``) merged, its first row
    (3) hidden, its top-left cell ``value``: the findings, each with its row and row ID."""
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "OKRs"
    for row in [HEAD, ("O1", "Grow", None, "KR1", "Sam", 0, 10, 5)]:
        ws.append(list(row))
    for n in range(2, 6):
        ws.append([None, None, None, f"KR{n}", "Sam", 0, 10, 5])
    ws[box.partition(":")[0]] = value
    ws.merge_cells(box)
    ws.row_dimensions[3].hidden = True
    wb.save(tmp_path / "sales.xlsx")
    data = read_workbook(tmp_path / "sales.xlsx", source="sales.xlsx", tabs=("OKRs",))
    team = build_team_input("Sales", extract(data, load_mapping("standard")))
    said = [f"{f.row} {f.row_id} {f}" for f in team.findings if "nothing of" not in f.message]
    hidden = f"None None {HIDDEN_3}"  # KR2's row, hidden
    assert said.count(hidden) == 1
    return [line for line in said if line != hidden]


def test_a_merge_from_a_hidden_row_in_error_is_said_once_at_its_first_cell(
    tmp_path: Path,
) -> None:
    """A3:A5 merged showing #REF!, row 3 hidden: said once at A3, in the first row shown
    (4, KR3); the merge's row 5 and row 6 below it name A3 (until 2026-12-07 the error was
    said at A4 and A5, and A6 was filled down from A5)."""
    said = _hidden_merge(tmp_path, "A3:A5", "#REF!")
    assert said[0].startswith(f"4 KR3 sales.xlsx!OKRs!A3: {SHOWN} #REF!")
    assert said[1:] == [
        "5 KR4 sales.xlsx!OKRs!A5: objective ID is filled down from A3, which is in error",
        "6 KR5 sales.xlsx!OKRs!A6: objective ID is filled down from A3, which is in error",
    ]


def test_a_title_merged_from_a_hidden_row_in_error_is_said_once(tmp_path: Path) -> None:
    said = _hidden_merge(tmp_path, "B3:B5", "#N/A")
    assert len(said) == 1
    assert said[0].startswith(f"4 O1 sales.xlsx!OKRs!B3: {SHOWN} #N/A")


def test_sync_notes_a_typo_said_at_its_cell_on_its_own_row(tmp_path: Path) -> None:
    """Through ``sync``: the type typo on row 2 (no Objective ID) is in row 2's Sync
    notes, once; rows 3 and 4, of O1 left out for it, note why, naming C2."""
    (tmp_path / "teams").mkdir()
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "OKRs"
    head = ("Objective ID", "Objective", "Objective type", "KR ID", "Key result", "Owner",
            "Start", "Target", "Current")  # fmt: skip
    ws.append(head)
    ws.append((None, "Grow", "comitted", "KR1", "a", "Sam", 0, 10, 5))
    ws.append(("O1", None, None, "KR2", "b", "Sam", 0, 10, 5))
    ws.append((None, None, None, "KR3", "c", "Sam", 0, 10, 5))
    path = tmp_path / "teams" / "sales.xlsx"
    wb.save(path)
    cfg = tmp_path / "sheets-sync.yaml"
    cfg.write_text(
        "company: Acme\nperiod: {name: Q4, start: 2026-10-01, end: 2026-12-31}\n"
        "teams:\n  - {name: Sales, source: teams/sales.xlsx, mapping: standard}\n",
        encoding="utf-8",
    )
    code, _, _ = run("sync", "--config", str(cfg), *AS_OF)
    assert code == 0
    sheet = openpyxl.load_workbook(path).active
    assert sheet is not None
    cells = list(sheet.iter_rows(values_only=True))
    notes = [str(row[cells[0].index("Sync notes")] or "") for row in cells[1:]]
    assert [TYPO in note for note in notes] == [True, False, False]
    assert "Error C2: " + TYPO in notes[0]
    filled = "objective type is filled down from C2, which is in error"
    assert [f"Error C{n}: {filled}" in notes[n - 2] for n in (2, 3, 4)] == [False, True, True]


def test_every_reader_is_given_its_tabs_reads() -> None:
    """A reader given no ``TabReads`` had an empty one of its own, and said the error of
    the cell a field is filled from again on every row (``parse_key_result`` called
    row by row): each takes the tab's, given (until 2026-12-07 it defaulted)."""
    import inspect

    from sheets_sync.mapping.parse import parse_key_result, parse_kpi, parse_objective
    from sheets_sync.mapping.rowreader import RowReader

    for reader in (RowReader, parse_key_result, parse_objective, parse_kpi):
        reads = inspect.signature(reader).parameters["reads"]
        assert reads.default is inspect.Parameter.empty


def test_a_value_merged_from_a_hidden_row_is_each_rows_own_error(tmp_path: Path) -> None:
    """G3:G6 merged, holding Done, its row 3 (a milestone's) hidden: Done reads on the
    milestone of row 4 and not on the number key results of rows 5 and 6, each its own
    error, as typed there (until 2026-12-07 said at G3, as if in error, in row 5's Sync
    notes, and row 6 "current is filled down from G3, which is in error"). Only a value
    every row reads alike, an objective's, is said at the hidden cell."""
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "OKRs"
    for row in [
        ("Objective ID", "Objective", "KR ID", "KR type", "Start", "Target", "Current"),
        ("O1", "Grow", "KR1", "number", 0, 10, 5),
        (None, None, "KR2", "milestone", None, None, "Done"),
        (None, None, "KR3", "milestone", None, None, None),
        (None, None, "KR4", "number", 0, 10, None),
        (None, None, "KR5", "number", 0, 10, None),
    ]:
        ws.append(list(row))
    ws.merge_cells("G3:G6")
    ws.row_dimensions[3].hidden = True
    wb.save(tmp_path / "sales.xlsx")
    mapping = parse_mapping(
        "name: mine\nokrs:\n  sheet: [OKRs]\n  fill_down: [objective_id, objective, current]\n",
        source="mine.yaml",
    )
    data = read_workbook(tmp_path / "sales.xlsx", source="sales.xlsx", tabs=("OKRs",))
    team = build_team_input("Sales", extract(data, mapping))
    said = [(f.row, f.row_id, str(f)) for f in team.findings if "nothing of" not in f.message]
    assert said == [
        (None, None, HIDDEN_3),
        (5, "KR4", 'sales.xlsx!OKRs!G5: expected a number, got "Done"'),
        (6, "KR5", 'sales.xlsx!OKRs!G6: expected a number, got "Done"'),
    ]
    assert [(kr.id, kr.current) for kr in team.key_results] == [("KR1", 5.0), ("KR3", 1.0)]


def test_an_objective_left_out_for_a_type_merged_from_a_hidden_row_notes_why(
    tmp_path: Path,
) -> None:
    """C3:C5 merged holding a typo, its row 3 (O2's first) hidden: said at C3 in the Sync
    notes of row 4, the first shown, and O2's rows 5 and 6 note why O2 is left out
    (until 2026-12-07 they said only ``points at unknown objective O2``)."""
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "OKRs"
    for row in [TYPED, ("O1", "Grow", None, "KR1", 0, 10, 5)]:
        ws.append(list(row))
    for n, objective_id in [(2, "O2"), (3, "O2"), (4, "O2"), (5, None)]:
        ws.append([objective_id, None, None, f"KR{n}", 0, 10, 5])
    ws["C3"] = "comitted"
    ws.merge_cells("C3:C5")
    ws.row_dimensions[3].hidden = True
    wb.save(tmp_path / "sales.xlsx")
    data = read_workbook(tmp_path / "sales.xlsx", source="sales.xlsx", tabs=("OKRs",))
    team = build_team_input("Sales", extract(data, load_mapping("standard")))
    said = [(f.row, str(f)) for f in team.findings if "nothing of" not in f.message]
    filled = "objective type is filled down from C3, which is in error"
    assert said == [
        (None, HIDDEN_3),
        (4, f"sales.xlsx!OKRs!C3: {TYPO}"),
        (5, f"sales.xlsx!OKRs!C5: {filled}"),
        (6, f"sales.xlsx!OKRs!C6: {filled}"),
    ]
    assert [o.id for o in team.objectives] == ["O1"]


def test_a_type_in_error_on_rows_of_an_objective_already_read_is_no_note(
    tmp_path: Path,
) -> None:
    """``fill_down`` without objective_id: O1 is read from row 2, committed; the typo on
    row 3 (no Objective ID) fills O1's rows 4 and 5, which leave nothing out: said at
    C3 only, no note on them, and their key results scored under O1."""
    mapping = parse_mapping(
        "name: mine\nokrs:\n  sheet: [OKRs]\n  fill_down: [objective, objective_type]\n",
        source="mine.yaml",
    )
    team = _team(
        tmp_path,
        [
            TYPED,
            ("O1", "Grow", "committed", "KR1", 0, 10, 5),
            (None, None, "comitted", "KR2", 0, 10, 5),
            ("O1", None, None, "KR3", 0, 10, 5),
            ("O1", None, None, "KR4", 0, 10, 5),
        ],
        mapping,
    )
    assert _said(team) == [
        "sales.xlsx!OKRs!A3: objective ID is missing",
        f"sales.xlsx!OKRs!C3: {TYPO}",
    ]
    assert [kr.id for kr in team.key_results] == ["KR1", "KR3", "KR4"]


def test_no_note_stands_on_rows_of_an_objective_a_row_below_reads(tmp_path: Path) -> None:
    """O1's first row types a typo, its second takes it, its third types committed: O1
    is read from row 4, KR2 on row 3 scored under it, so row 3 notes nothing (a note
    there is of a row left out, which it is not)."""
    team = _team(
        tmp_path,
        [
            TYPED,
            ("O1", "Grow", "comitted", "KR1", 0, 10, 5),
            (None, None, None, "KR2", 0, 10, 5),
            ("O1", None, "committed", "KR3", 0, 10, 5),
        ],
    )
    assert _said(team) == [f"sales.xlsx!OKRs!C2: {TYPO}"]
    assert [(o.id, o.type.value) for o in team.objectives] == [("O1", "committed")]
    assert [kr.id for kr in team.key_results] == ["KR1", "KR2", "KR3"]
