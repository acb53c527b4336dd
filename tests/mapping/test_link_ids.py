"""A KPI link or an Aligns to typed ``1-2``, which Excel and Google turn into 2 January,
or a checkbox there: read as text it became "2026-01-02", and the key result got "KPI
link 2026-01-02 names no KPI" with no word about the date (until 2026-12-06). Each is
said as in an ID column, as a warning, and the link is left out."""

from __future__ import annotations

import datetime as dt

from sheets_sync.grid import CellValue, SheetGrid, WorkbookData
from sheets_sync.mapping.extract import extract
from sheets_sync.mapping.parse import build_team_input
from sheets_sync.mapping.spec import load_mapping


def test_a_date_or_a_checkbox_in_a_link_column_is_said_and_left_out() -> None:
    rows: tuple[tuple[CellValue, ...], ...] = (
        ("Objective ID", "Aligns to", "KR ID", "Target", "Current", "KPI link"),
        ("O1", True, "KR1", 10, 5, dt.date(2026, 1, 2)),
        ("O2", dt.datetime(2026, 3, 4), "KR2", 10, 5, "K1"),
        (None, None, "KR3", 10, 5),  # O2 and its Aligns to filled down: said once
    )
    data = WorkbookData("sales.xlsx", ("OKRs",), {"OKRs": SheetGrid("OKRs", rows)})
    team = build_team_input("Sales", extract(data, load_mapping("standard")))
    said = [f for f in team.findings if "not an ID" in f.message]
    assert [str(f) for f in said] == [
        "sales.xlsx!OKRs!F2: KPI link is a date (2026-01-02), not an ID: a spreadsheet turns "
        "a typed 1-2 or 1/2 into a date; format the cell as plain text and type the ID again",
        "sales.xlsx!OKRs!B2: Aligns to is a checkbox or TRUE/FALSE value (TRUE), not an ID: "
        "type the ID in its place",
        "sales.xlsx!OKRs!B3: Aligns to is a date (2026-03-04), not an ID: a spreadsheet "
        "turns a typed 1-2 or 1/2 into a date; format the cell as plain text and type the "
        "ID again",
    ]
    assert not any(f.is_error for f in said)
    assert [(kr.id, kr.kpi_link) for kr in team.key_results] == [
        ("KR1", None),
        ("KR2", "K1"),
        ("KR3", None),
    ]
    assert [o.aligns_to for o in team.objectives] == [None, None]
