"""Objective blocks: a key result whose ID names another objective of the tab than the
objective row it sits under (a sort of the tab, a key result pasted into the wrong block,
its objective's row deleted) is scored where it sits, and warned of at its own ID cell, as
the rows layout warns (``named_objective``). Until 2026-12-07 the blocks layout was not
looked at: O2.2 under O1's row scored under O1 without a word."""

from __future__ import annotations

from pathlib import Path

import openpyxl

from sheets_sync.backends.excel.reader import read_workbook
from sheets_sync.domain.models import TeamInput
from sheets_sync.grid import CellValue
from sheets_sync.mapping.extract import extract
from sheets_sync.mapping.parse import build_team_input
from sheets_sync.mapping.spec import load_mapping

HEAD = ("#", "Goal / Key result", "Type", "Baseline", "Goal", "Actual")


def _team(tmp_path: Path, *rows: tuple[CellValue, ...]) -> TeamInput:
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "Goals"
    for line in (HEAD, *rows):
        ws.append(list(line))
    wb.save(tmp_path / "sales.xlsx")
    data = read_workbook(tmp_path / "sales.xlsx", source="sales.xlsx", tabs=["Goals", "Metrics"])
    return build_team_input("Sales", extract(data, load_mapping("objective-blocks")))


def _said(team: TeamInput) -> list[str]:
    return [str(f) for f in team.findings if "names" in f.message]


def test_a_key_result_in_another_objectives_block_is_said(tmp_path: Path) -> None:
    team = _team(
        tmp_path,
        ("O1", "Grow", "committed", None, None, None),
        ("O1.1", "Deals", "number", 0, 10, 5),
        ("O2.2", "NPS", "number", 0, 10, 5),
        ("O2", "Keep", "committed", None, None, None),
        ("O2.1", "Churn", "number", 0, 10, 5),
    )
    assert _said(team) == [
        "sales.xlsx!Goals!A4: key result O2.2 sits under objective O1 (its row 2), but its "
        "ID names O2; it is scored under O1, the objective row above it (a sort or a deleted "
        "row moves key results away from their objective's row): move its row under O2's "
        "if it belongs to O2, or renumber it"
    ]
    assert {k.id: k.objective_id for k in team.key_results} == {
        "O1.1": "O1", "O2.2": "O1", "O2.1": "O2"}  # fmt: skip


def test_an_objective_row_deleted_leaves_its_key_results_said(tmp_path: Path) -> None:
    team = _team(
        tmp_path,
        ("O1", "Grow", "committed", None, None, None),
        ("O1.1", "Deals", "number", 0, 10, 5),
        ("O2.1", "Churn", "number", 0, 10, 5),
        ("O3", "Hire", "committed", None, None, None),
        ("O3.1", "Offers", "number", 0, 10, 5),
    )
    assert _said(team) == [
        "sales.xlsx!Goals!A4: key result O2.1 sits under objective O1 (its row 2), but its "
        "ID names O2, which no row of this tab names as its objective (its first row "
        "deleted or hidden?); it is scored under O1, the objective row above it (a sort or "
        "a deleted row moves key results away from their objective's row): add (or "
        "unhide) O2's objective row above it, or renumber it"
    ]


def test_key_results_numbered_in_their_block_say_nothing(tmp_path: Path) -> None:
    team = _team(
        tmp_path,
        ("O1", "Grow", "committed", None, None, None),
        ("O1.1", "Deals", "number", 0, 10, 5),
        ("KR2", "Leads", "number", 0, 10, 5),
        ("O2", "Keep", "committed", None, None, None),
        ("2", "Churn", "number", 0, 10, 5),
        ("O2b", "NPS", "number", 0, 10, 5),
    )
    assert _said(team) == []
    assert len(team.key_results) == 4


def test_the_objective_row_named_is_its_header_not_a_key_result_with_a_blank_id(
    tmp_path: Path,
) -> None:
    """A key result whose ``#`` reads empty (blank, an error cell, an ID past 100
    characters) is no objective row: "(its row N)" names O1's header, row 2 (it named the
    key result's row 3 until 2026-12-07)."""
    for odd in (None, "#N/A", "K" * 101):
        team = _team(
            tmp_path,
            ("O1", "Grow", "committed", None, None, None),
            (odd, "Deals", "number", 0, 10, 5),
            ("O2.2", "NPS", "number", 0, 10, 5),
            ("O2", "Keep", "committed", None, None, None),
            ("O2.1", "Churn", "number", 0, 10, 5),
        )
        said = _said(team)
        assert len(said) == 1, (odd, said)
        assert said[0].startswith(
            "sales.xlsx!Goals!A4: key result O2.2 sits under objective O1 (its row 2), "
        ), (odd, said)
