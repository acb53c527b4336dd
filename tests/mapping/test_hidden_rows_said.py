"""Rows of goal data a tab hides are not read, and said once a tab: hidden by hand (warned
of each night; a dropped key result's row is deleted or moved to an archive tab), or
hidden inside a row group (collapsed, or hidden by hand in an expanded one: the file does
not tell them apart). Until 2026-12-07 both were skipped without a word."""

from __future__ import annotations

from pathlib import Path

import openpyxl

from sheets_sync.backends.excel.reader import read_workbook
from sheets_sync.domain.models import Severity, TeamInput
from sheets_sync.mapping.extract import extract
from sheets_sync.mapping.parse import build_team_input
from sheets_sync.mapping.spec import load_mapping

HEAD = ("Objective ID", "KR ID", "Key result", "Start", "Target", "Current")


def _team(
    tmp_path: Path,
    hide: list[int] | range,
    group: tuple[int, int] | None = None,
    *,
    expanded: bool = False,
    rows: int = 18,
) -> TeamInput:
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "OKRs"
    ws.append(list(HEAD))
    for i in range(2, rows):
        ws.append(["O1" if i == 2 else None, f"O1.{i - 1}", f"goal {i}", 0, 10, 5])
    ws.append([])  # row 18 empty: hidden, says nothing
    ws.append([None, "O0.1", "Example: raise NPS"])  # row 19: an example row
    if group is not None:
        ws.row_dimensions.group(*group, outline_level=1, hidden=not expanded)
    for row in hide:
        ws.row_dimensions[row].hidden = True
    path = tmp_path / "sales.xlsx"
    wb.save(path)
    data = read_workbook(path, source="sales.xlsx", tabs=["OKRs", "KPIs"])
    return build_team_input("Sales", extract(data, load_mapping("standard")))


def _said(team: TeamInput) -> list[str]:
    return [f"{f.severity.value}: {f}" for f in team.findings if "not read" in f.message]


def test_rows_hidden_by_hand_are_named_once_a_tab(tmp_path: Path) -> None:
    team = _team(tmp_path, [7, 9, 10, 11, 12, 18, 19])
    assert _said(team) == [
        "warning: sales.xlsx!OKRs: rows 7, 9-12 are hidden and not read (a hidden row of "
        "goal data is warned of each night); unhide them to have them read, or delete the "
        "rows (or move them to an archive tab) if their goals are dropped"
    ]
    ids = {k.id for k in team.key_results}
    assert "O1.6" not in ids and "O1.5" in ids  # still skipped: the documented rule


def test_a_collapsed_group_names_the_rows_it_leaves_out(tmp_path: Path) -> None:
    team = _team(tmp_path, [4], group=(14, 16))
    assert _said(team) == [
        "warning: sales.xlsx!OKRs: rows 14-16 are hidden, inside a row group, and not read; "
        "expand the group (the + beside it) or unhide them to have them read, or delete the "
        "rows (or move them to an archive tab) if their goals are dropped",
        "warning: sales.xlsx!OKRs: row 4 is hidden and not read (a hidden row of goal data "
        "is warned of each night); unhide it to have it read, or delete the row (or move it "
        "to an archive tab) if its goal is dropped",
    ]
    assert all(f.severity is Severity.WARNING for f in team.findings if "not read" in f.message)
    assert not {"O1.13", "O1.14", "O1.15"} & {k.id for k in team.key_results}


def test_no_hidden_row_of_data_says_nothing(tmp_path: Path) -> None:
    assert _said(_team(tmp_path, [18, 19])) == []


def test_a_row_hidden_by_hand_inside_an_expanded_group_is_not_called_collapsed(
    tmp_path: Path,
) -> None:
    """Row 6 hidden by hand in the expanded group 5-8: the file says only that it is hidden
    and has an outline level, so the warning says so, not 'a collapsed row group'."""
    team = _team(tmp_path, [6], group=(5, 8), expanded=True)
    assert _said(team) == [
        "warning: sales.xlsx!OKRs: row 6 is hidden, inside a row group, and not read; "
        "expand the group (the + beside it) or unhide it to have it read, or delete the "
        "row (or move it to an archive tab) if its goal is dropped"
    ]


def test_many_hidden_rows_are_named_up_to_twenty_spans_then_counted(tmp_path: Path) -> None:
    """2,500 rows hidden one in two made a warning of 14,538 characters until 2026-12-07."""
    team = _team(tmp_path, range(3, 5002, 2), rows=5002)
    shown = ", ".join(str(r) for r in range(3, 43, 2))
    assert _said(team) == [
        f"warning: sales.xlsx!OKRs: rows {shown} and 2,480 more are hidden and not read (a "
        "hidden row of goal data is warned of each night); unhide them to have them read, "
        "or delete the rows (or move them to an archive tab) if their goals are dropped"
    ]


def test_a_hidden_totals_row_of_an_excel_table_is_no_dropped_goal(tmp_path: Path) -> None:
    from openpyxl.worksheet.table import Table

    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "OKRs"
    ws.append(list(HEAD))
    for i in range(2, 8):
        ws.append(["O1" if i == 2 else None, f"O1.{i - 1}", f"goal {i}", 0, 10, 5])
    ws.append([None, None, "Total", 0, 60, 30])  # row 8: the Table's totals row, hidden
    table = Table(displayName="T1", ref="A1:F8")
    table.totalsRowCount = 1
    ws.add_table(table)
    ws.row_dimensions[8].hidden = True
    wb.save(tmp_path / "sales.xlsx")
    data = read_workbook(tmp_path / "sales.xlsx", source="sales.xlsx", tabs=["OKRs", "KPIs"])
    team = build_team_input("Sales", extract(data, load_mapping("standard")))
    assert _said(team) == []
    assert len(team.key_results) == 6
