"""Counts per objective go through ``id_key`` as the objective grouping does: a team
typing ``O1`` on some rows and ``o1`` on others, or ``O2`` and ``Ｏ２``, has one objective
of each, and until 2026-12-06 the KR count per objective and the weight-style warnings
still counted two (``objective O2 has 1 key result`` for an O2 with two)."""

from __future__ import annotations

import datetime as dt

import pytest

from sheets_sync.domain.models import Period, TeamInput
from sheets_sync.domain.team import evaluate_team
from sheets_sync.grid import CellValue, SheetGrid, WorkbookData
from sheets_sync.mapping.extract import extract
from sheets_sync.mapping.parse import build_team_input
from sheets_sync.mapping.spec import load_mapping

PERIOD = Period("Q4", dt.date(2026, 10, 1), dt.date(2026, 12, 31))
HEAD = ("Objective ID", "Objective", "Type", "Aligns to", "KR ID", "Key result", "Owner",
        "Start", "Target", "Current", "Weight")  # fmt: skip


def _team(*rows: tuple[CellValue, ...]) -> TeamInput:
    data = WorkbookData("m.xlsx", ("OKRs",), {"OKRs": SheetGrid("OKRs", (HEAD, *rows))})
    return build_team_input("M", extract(data, load_mapping("standard")))


def _warnings(o1: str, o2: str) -> list[str]:
    """Warnings of a team whose later rows spell O1 and O2 as ``o1`` and ``o2``."""
    team = _team(
        ("O1", "Grow", "committed", None, "KR1", "a", "Ana", 0, 10, 5, "50%"),
        ("O1", "Grow", "committed", None, "KR2", "b", "Ana", 0, 10, 5, "50%"),
        (o1, "Grow", "committed", None, "KR3", "c", "Ana", 0, 10, 5, 2),
        (o1, "Grow", "committed", None, "KR4", "d", "Ana", 0, 10, 5, None),
        (o1, "Grow", "committed", None, "KR5", "e", "Ana", 0, 10, 5, None),
        (o1, "Grow", "committed", None, "KR6", "f", "Ana", 0, 10, 5, None),
        ("O2", "Ship", "committed", None, "KR7", "g", "Ana", 0, 10, 5, None),
        (o2, "Ship", "committed", None, "KR8", "h", "Ana", 0, 10, 5, None),
    )
    result = evaluate_team(team, period=PERIOD, as_of=dt.date(2026, 11, 20))
    return sorted(f"{f.cell}: {f.message}" for f in result.findings)


@pytest.mark.parametrize(("o1", "o2"), [("o1", "Ｏ２"), ("Ｏ１", "o2"), ("O1 ", "o２")])
def test_an_objective_spelled_two_ways_is_counted_once(o1: str, o2: str) -> None:
    same = _warnings("O1", "O2")
    assert any("objective O1 has 6 key results" in w for w in same)
    assert any("key result KR1 of objective O1 has weight 50%" in w for w in same)
    assert not any("objective O2 has" in w for w in same)
    # the objective is named by its most common spelling (four rows of ``o1`` to two of
    # ``O1``; until 2026-12-07 its first row's, ``O1``): counted once all the same
    named = o1.strip()
    assert _warnings(o1, o2) == [
        w.replace("objective O1 has 6", f"objective {named} has 6") for w in same
    ]


@pytest.mark.parametrize(("first", "then", "warned"), [("C1", "c1", False),
    ("C1", "Ｃ１", False), ("C1", "C2", True)])  # fmt: skip
def test_an_aligns_to_repeated_as_ids_compare_is_no_other(
    first: str, then: str, warned: bool
) -> None:
    """The rows of one objective aligned to ``C1`` and ``c1`` agree (until 2026-12-06:
    ``objective O1 already has aligns_to 'C1' (row 2); 'c1' is ignored``)."""
    team = _team(
        ("O1", "Grow", "committed", first, "KR1", "a", "Ana", 0, 10, 5),
        ("O1", "Grow", "committed", then, "KR2", "b", "Ana", 0, 10, 5),
    )
    said = [f.message for f in team.findings if "already has Aligns to" in f.message]
    assert said == ([f"objective O1 already has Aligns to {first!r} (row 2); {then!r} is ignored"]
                    if warned else [])  # fmt: skip
