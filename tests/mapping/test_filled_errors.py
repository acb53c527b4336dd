"""A cell in error whose value fills down (``fill_down`` in the rows layout, an objective
header's cells under objective blocks) is said once, at its own cell: until 2026-12-07 an
Objective ID or title showing ``#REF!`` typed once above blank cells was said at each
blank cell it filled, as though each showed it. A row left out for it (an Objective ID a
key result needs) says so in a short note of its own, naming the row the value is from."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import openpyxl

from sheets_sync.backends.excel.reader import read_workbook
from sheets_sync.domain.models import TeamInput
from sheets_sync.mapping.extract import extract
from sheets_sync.mapping.parse import build_team_input
from sheets_sync.mapping.spec import MappingSpec, load_mapping, parse_mapping
from tests.cli.test_ops_cli import AS_OF, run
from tests.support.flat import HEADERS, flat_book, flat_workspace

HEAD = (
    "Objective ID",
    "Objective",
    "Objective type",
    "KR ID",
    "Owner",
    "Start",
    "Target",
    "Current",
)
SHOWN = "the cell shows the error"


def _team(
    tmp_path: Path,
    rows: Sequence[Sequence[object]],
    mapping: MappingSpec | None = None,
    kpis: Sequence[Sequence[object]] = (),
) -> TeamInput:
    """``rows`` on an OKRs tab (and ``kpis`` on a KPIs tab) of a real .xlsx, read."""
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "OKRs"
    for row in rows:
        ws.append(list(row))
    if kpis:
        tab = wb.create_sheet("KPIs")
        for row in kpis:
            tab.append(list(row))
    path = tmp_path / "sales.xlsx"
    wb.save(path)
    data = read_workbook(path, source="sales.xlsx", tabs=("OKRs", "KPIs"))
    return build_team_input("Sales", extract(data, mapping or load_mapping("standard")))


def _said(team: TeamInput) -> list[str]:
    return [str(f) for f in team.findings if "nothing of that kind" not in f.message]


def test_a_title_in_error_filled_down_is_said_once_at_its_cell(tmp_path: Path) -> None:
    team = _team(
        tmp_path,
        [
            HEAD,
            ("O1", "Grow", None, "KR1", "Sam", 0, 10, 5),
            ("O2", "#REF!", None, "KR2", "Sam", 0, 10, 5),
            (None, None, None, "KR3", "Sam", 0, 10, 5),
            (None, None, None, "KR4", "Sam", 0, 10, 5),
        ],
    )
    said = _said(team)
    assert [s.split(": ")[0] for s in said] == ["sales.xlsx!OKRs!B3"]
    assert SHOWN + " #REF!" in said[0]
    assert [kr.id for kr in team.key_results] == ["KR1", "KR2", "KR3", "KR4"]
    assert {o.id: o.title for o in team.objectives} == {"O1": "Grow", "O2": ""}


def test_an_objective_type_in_error_filled_down_is_said_once(tmp_path: Path) -> None:
    team = _team(
        tmp_path,
        [
            HEAD,
            ("O1", "Grow", "#N/A", "KR1", "Sam", 0, 10, 5),
            (None, None, None, "KR2", "Sam", 0, 10, 5),
        ],
    )
    said = _said(team)  # O1 left out: row 3 notes why (until 2026-12-07 it did not)
    assert [s.split(": ")[0] for s in said] == ["sales.xlsx!OKRs!C2", "sales.xlsx!OKRs!C3"]
    assert said[1].endswith("C3: objective type is filled down from C2, which is in error")


def test_an_objective_id_in_error_filled_down_leaves_its_rows_out_with_a_note(
    tmp_path: Path,
) -> None:
    team = _team(
        tmp_path,
        [
            HEAD,
            ("#REF!", "Grow", None, "KR1", "Sam", 0, 10, 5),
            (None, None, None, "KR2", "Sam", 0, 10, 5),
            (None, None, None, "KR3", "Sam", 0, 10, 5),
        ],
    )
    said = _said(team)
    assert said[0].startswith(f"sales.xlsx!OKRs!A2: {SHOWN} #REF!")
    assert said[1:] == [
        "sales.xlsx!OKRs!A3: objective ID is filled down from A2, which is in error",
        "sales.xlsx!OKRs!A4: objective ID is filled down from A2, which is in error",
    ]
    assert team.key_results == ()
    assert [f.row_id for f in team.findings if f.location.endswith("A3")] == ["KR2"]


def test_an_owner_in_error_filled_down_is_said_once(tmp_path: Path) -> None:
    """A field of the key result itself filled down (a mapping's ``fill_down: [owner]``):
    said once; the rows below are scored, with no owner, as the row of the error is."""
    mapping = parse_mapping(
        "name: mine\nokrs:\n  sheet: [OKRs]\n"
        "  fill_down: [objective_id, objective, objective_type, owner]\n",
        source="mine.yaml",
    )
    team = _team(
        tmp_path,
        [
            HEAD,
            ("O1", "Grow", None, "KR1", "#NAME?", 0, 10, 5),
            (None, None, None, "KR2", None, 0, 10, 5),
        ],
        mapping,
    )
    assert [s.split(": ")[0] for s in _said(team)] == ["sales.xlsx!OKRs!E2"]
    assert [(kr.id, kr.owner) for kr in team.key_results] == [("KR1", None), ("KR2", None)]


def test_a_kpi_field_in_error_filled_down_is_said_once(tmp_path: Path) -> None:
    mapping = parse_mapping(
        "name: mine\nokrs:\n  sheet: [OKRs]\nkpis:\n  sheet: [KPIs]\n"
        "  fill_down: [owner, direction]\n",
        source="mine.yaml",
    )
    team = _team(
        tmp_path,
        [HEAD, ("O1", "Grow", None, "KR1", "Sam", 0, 10, 5)],
        mapping,
        kpis=[
            ("KPI ID", "KPI", "Owner", "Direction", "Target", "Actual"),
            ("K1", "Sign-ups", "#N/A", "#VALUE!", 10, 5),
            ("K2", "Churn", None, None, 10, 5),
        ],
    )
    assert [s.split(": ")[0] for s in _said(team)] == [
        "sales.xlsx!KPIs!C2",
        "sales.xlsx!KPIs!D2",
        "sales.xlsx!KPIs!D3",
    ]
    assert _said(team)[2] == (
        "sales.xlsx!KPIs!D3: direction is filled down from D2, which is in error"
    )


def test_an_objective_id_in_error_in_objective_blocks_is_said_once(tmp_path: Path) -> None:
    """Its key results note it as their objective's, not as filled down: the team filled
    nothing (``3:3: objective ID is filled down from A2, ...`` until 2026-12-07)."""
    head = ("#", "Goal / Key result", "Type", "Baseline", "Goal", "Actual")
    team = _team(
        tmp_path,
        [
            head,
            ("#REF!", "Grow", "committed", None, None, None),
            ("O1.1", "Sign-ups", "number", 0, 10, 5),
            ("O1.2", "Churn", "number", 0, 10, 5),
        ],
        load_mapping("objective-blocks"),
    )
    said = _said(team)
    assert said[0].startswith(f"sales.xlsx!OKRs!A2: {SHOWN} #REF!")
    assert said[1:] == [
        "sales.xlsx!OKRs!3:3: its objective's ID (A2) is in error",
        "sales.xlsx!OKRs!4:4: its objective's ID (A2) is in error",
    ]


def test_an_objective_type_in_error_in_objective_blocks_is_noted_below(tmp_path: Path) -> None:
    """The objective left out for it, its key results say why, as for its ID (until
    2026-12-07 they said only ``points at unknown objective O1``)."""
    head = ("#", "Goal / Key result", "Type", "Baseline", "Goal", "Actual")
    team = _team(
        tmp_path,
        [
            head,
            ("O1", "Grow", "comitted", None, None, None),
            ("O1.1", "Sign-ups", "number", 0, 10, 5),
            ("O1.2", "Churn", "number", 0, 10, 5),
        ],
        load_mapping("objective-blocks"),
    )
    assert _said(team) == [
        'sales.xlsx!OKRs!C2: "comitted" is not one of: committed, aspirational',
        "sales.xlsx!OKRs!3:3: its objective's type (C2) is in error",
        "sales.xlsx!OKRs!4:4: its objective's type (C2) is in error",
    ]
    assert team.objectives == ()


def test_validate_says_a_filled_down_title_in_error_once(tmp_path: Path) -> None:
    cfg, path = flat_workspace(tmp_path)
    wb, _ = flat_book(
        HEADERS,
        ["E1", "#REF!", "E1.1", "Raise uptime", "Sam", 0, 100, 50],
        [None, None, "E1.2", "Cut latency", "Lee", 0, 10, 4],
    )
    wb.save(path)
    _, out, _ = run("validate", "--config", str(cfg), *AS_OF)
    said = [line for line in out.splitlines() if "#REF!" in line]
    assert len(said) == 1
    assert said[0].startswith("Flat: error: Flat.xlsx!Tracker!B2: the cell shows the error #REF!")


def test_sync_notes_the_rows_an_objective_id_in_error_leaves_out(tmp_path: Path) -> None:
    """Through ``sync``: the row of the error says it, each row it fills is Not scored
    with the short note in its Sync notes; a title in error, said at its cell, leaves
    the rows below scored and their notes empty."""
    cfg, path = flat_workspace(tmp_path)
    wb, _ = flat_book(
        HEADERS,
        ["#REF!", "Ship", "E1.1", "a", "Sam", 0, 100, 50],
        [None, None, "E1.2", "b", "Lee", 0, 10, 4],
        ["E2", "#REF!", "E2.1", "c", "Kim", 0, 10, 4],
        [None, None, "E2.2", "d", "Kim", 0, 10, 4],
    )
    wb.save(path)
    code, _, _ = run("sync", "--config", str(cfg), *AS_OF)
    assert code == 0
    ws = openpyxl.load_workbook(path).active
    assert ws is not None
    rows = [(r[11], r[12]) for r in ws.iter_rows(min_row=2, values_only=True)]
    assert [status for status, _ in rows] == ["Not scored", "Not scored", "At risk", "At risk"]
    notes = [str(note or "") for _, note in rows]
    assert notes[0].startswith("Error A2: the cell shows the error #REF!")
    assert notes[1] == "Error A3: objective ID is filled down from A2, which is in error"
    assert notes[2].startswith("Error B4: the cell shows the error #REF!")
    assert notes[3] == ""


def test_an_objective_only_row_filled_from_an_id_in_error_notes_it(tmp_path: Path) -> None:
    """A row of the objective's cells alone (no KR ID) under an Objective ID in error is
    read as every row of the rows layout is, by a key result's reader: it notes the ID
    filled down, as a key result's row does (pinned 2026-12-07: reported as unnoted, it
    was noted already)."""
    team = _team(
        tmp_path,
        [
            HEAD,
            ("#REF!", "Grow", None, "KR1", "Sam", 0, 10, 5),
            (None, None, "aspirational", None, None, None, None, None),
            (None, "Grow more", None, None, None, None, None, None),
        ],
    )
    filled = "objective ID is filled down from A2, which is in error"
    assert [s for s in _said(team) if filled in s] == [
        f"sales.xlsx!OKRs!A3: {filled}",
        f"sales.xlsx!OKRs!A4: {filled}",
    ]
