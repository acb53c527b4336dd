"""A milestone key result (done or not) with a Start or Target typed: neither is read, so
the lint says so at the cells, or the KR type may be wrong (a count typed as milestone)."""

from __future__ import annotations

import datetime as dt

from sheets_sync.domain.models import Finding, Period
from sheets_sync.domain.team import evaluate_team
from sheets_sync.grid import CellValue, SheetGrid, WorkbookData
from sheets_sync.mapping.extract import extract
from sheets_sync.mapping.parse import build_team_input
from sheets_sync.mapping.spec import load_mapping

HEAD: tuple[str, ...] = ("Objective ID", "Objective", "KR ID", "Key result", "Owner")
HEAD += ("KR type", "Start", "Target", "Current")
PERIOD = Period("2026-Q4", dt.date(2026, 10, 1), dt.date(2026, 12, 31))


def _findings(*rows: tuple[CellValue, ...]) -> list[Finding]:
    data = WorkbookData("sales.xlsx", ("OKRs",), {"OKRs": SheetGrid("OKRs", (HEAD, *rows))})
    team = build_team_input("Sales", extract(data, load_mapping("standard")))
    result = evaluate_team(team, period=PERIOD, as_of=dt.date(2026, 11, 1))
    return [f for f in result.findings if "milestone" in f.message]


def test_a_milestone_with_start_and_target_says_neither_is_read() -> None:
    found = _findings(
        ("O1", "Launch", "KR1", "Ship v2", "Ann", "milestone", 30, 45, "done"),
        ("O1", "Launch", "KR2", "Docs", "Ann", "milestone", None, 10, "no"),
    )
    assert [str(f) for f in found] == [
        "sales.xlsx!OKRs!G2: key result KR1 is a milestone (done or not), so its Start "
        "(G2) and Target (H2) are not read; clear them, or set its KR type to number if it "
        "counts from 30 to 45",
        "sales.xlsx!OKRs!H3: key result KR2 is a milestone (done or not), so its Target "
        "(H3) is not read; clear it, or set its KR type to number if it counts to 10",
    ]
    assert all(not f.is_error for f in found)


def test_a_milestone_from_0_to_1_or_blank_says_nothing() -> None:
    """0 to 1 is done or not in numbers, as many teams type it: nothing to say."""
    assert not _findings(
        ("O1", "Launch", "KR1", "Ship v2", "Ann", "milestone", 0, 1, "done"),
        ("O1", "Launch", "KR2", "Docs", "Ann", "milestone", None, 1, "no"),
        ("O1", "Launch", "KR3", "Blog", "Ann", "milestone", None, None, "no"),
        ("O1", "Launch", "KR4", "Talk", "Ann", "milestone", 0, None, "no"),
    )


def test_the_read_me_says_start_and_target_stay_blank_for_a_milestone() -> None:
    from sheets_sync.template.spec import TEMPLATE

    helps = {c.field: c.help for c in TEMPLATE.okrs.columns}
    assert "blank for a milestone" in helps["start"]
    assert "blank for a milestone" in helps["target"]


def test_each_of_start_and_target_blank_0_or_1_says_nothing() -> None:
    """docs/scoring.md says blank, 0 and 1 say nothing: (1, 1), (0, 0), (1, blank),
    (blank, 0) and (1, 0) warned for a day, one "if it counts from 1 to 1"."""
    assert not _findings(
        ("O1", "Launch", "KR1", "Ship v2", "Ann", "milestone", 1, 1, "done"),
        ("O1", "Launch", "KR2", "Docs", "Ann", "milestone", 0, 0, "no"),
        ("O1", "Launch", "KR3", "Blog", "Ann", "milestone", 1, None, "no"),
        ("O1", "Launch", "KR4", "Talk", "Ann", "milestone", None, 0, "no"),
        ("O2", "Hire", "KR1", "Lead", "Ann", "milestone", 1, 0, "no"),
        ("O2", "Hire", "KR2", "Team", "Ann", "milestone", "0%", "100%", "no"),
    )


def test_the_same_number_twice_is_no_count_to_suggest() -> None:
    """5 to 5 is no count a number KR could have: only "clear them"; 1 to 5 still is."""
    found = _findings(
        ("O1", "Launch", "KR1", "Ship v2", "Ann", "milestone", 5, 5, "done"),
        ("O1", "Launch", "KR2", "Docs", "Ann", "milestone", 1, 5, "no"),
    )
    assert [str(f) for f in found] == [
        "sales.xlsx!OKRs!G2: key result KR1 is a milestone (done or not), so its Start "
        "(G2) and Target (H2) are not read; clear them",
        "sales.xlsx!OKRs!G3: key result KR2 is a milestone (done or not), so its Start "
        "(G3) and Target (H3) are not read; clear them, or set its KR type to number if it "
        "counts from 1 to 5",
    ]
    assert not any("from 1 to 1" in str(f) for f in found)
