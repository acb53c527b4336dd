"""Rows of goal data a tab hides are not read, and said once a tab: hidden by hand (how a
team drops a key result, so a note naming them), or in a collapsed row group (expand
it). Until 2026-12-07 both were skipped without a word."""

from __future__ import annotations

from pathlib import Path

import openpyxl

from sheets_sync.backends.excel.reader import read_workbook
from sheets_sync.domain.models import Severity, TeamInput
from sheets_sync.mapping.extract import extract
from sheets_sync.mapping.parse import build_team_input
from sheets_sync.mapping.spec import load_mapping

HEAD = ("Objective ID", "KR ID", "Key result", "Start", "Target", "Current")


def _team(tmp_path: Path, hide: list[int], group: tuple[int, int] | None = None) -> TeamInput:
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "OKRs"
    ws.append(list(HEAD))
    for i in range(2, 18):
        ws.append(["O1" if i == 2 else None, f"O1.{i - 1}", f"goal {i}", 0, 10, 5])
    ws.append([])  # row 18 empty: hidden, says nothing
    ws.append([None, "O0.1", "Example: raise NPS"])  # row 19: an example row
    for row in hide:
        ws.row_dimensions[row].hidden = True
    if group is not None:
        ws.row_dimensions.group(*group, outline_level=1, hidden=True)
    path = tmp_path / "sales.xlsx"
    wb.save(path)
    data = read_workbook(path, source="sales.xlsx", tabs=["OKRs", "KPIs"])
    return build_team_input("Sales", extract(data, load_mapping("standard")))


def _said(team: TeamInput) -> list[str]:
    return [f"{f.severity.value}: {f}" for f in team.findings if "not read" in f.message]


def test_rows_hidden_by_hand_are_named_once_a_tab(tmp_path: Path) -> None:
    team = _team(tmp_path, [7, 9, 10, 11, 12, 18, 19])
    assert _said(team) == [
        "warning: sales.xlsx!OKRs: rows 7, 9-12 are hidden and not read (a hidden row is a "
        "dropped goal); unhide any that should count"
    ]
    ids = {k.id for k in team.key_results}
    assert "O1.6" not in ids and "O1.5" in ids  # still skipped: the documented rule


def test_a_collapsed_group_names_the_rows_it_leaves_out(tmp_path: Path) -> None:
    team = _team(tmp_path, [4], group=(14, 16))
    assert _said(team) == [
        "warning: sales.xlsx!OKRs: rows 14-16 are in a collapsed row group and not read; "
        "expand the group (the + beside it) to have them read, or delete the rows if their "
        "goals are dropped",
        "warning: sales.xlsx!OKRs: row 4 is hidden and not read (a hidden row is a dropped "
        "goal); unhide any that should count",
    ]
    assert all(f.severity is Severity.WARNING for f in team.findings if "not read" in f.message)
    assert not {"O1.13", "O1.14", "O1.15"} & {k.id for k in team.key_results}


def test_no_hidden_row_of_data_says_nothing(tmp_path: Path) -> None:
    assert _said(_team(tmp_path, [18, 19])) == []
