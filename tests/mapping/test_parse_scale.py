"""How the row parser's work grows with a tab's rows: linearly, counted in calls (no timing)."""

from __future__ import annotations

from collections import Counter
from types import MappingProxyType

import pytest

from sheets_sync.domain import ids
from sheets_sync.grid import CellValue, SheetGrid, WorkbookData
from sheets_sync.mapping import parse
from sheets_sync.mapping.extract import extract
from sheets_sync.mapping.parse import _id_repeated_why, build_team_input
from sheets_sync.mapping.spec import load_mapping

HEAD = ("Objective ID", "KR ID", "Start", "Target", "Current")


def test_kr_ids_are_compared_once_a_row_not_once_a_pair(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each key result's ID was compared with every one above it (two ``id_key`` calls a
    pair): 400 key results made ~160,000 calls. Now a row's key is made once; the repeated
    ID is still said, against the first row holding it."""
    n = 400
    krs: list[tuple[CellValue, ...]] = [("O1", f"KR{i}", 0, 10, 5) for i in range(1, n + 1)]
    krs.append(("O2", "kr1", 0, 10, 5))  # KR1 again, under another objective
    grid = SheetGrid("OKRs", (HEAD, *krs))
    data = WorkbookData("sales.xlsx", ("OKRs",), {"OKRs": grid})
    parsed = extract(data, load_mapping("standard"))
    calls: Counter[str] = Counter()

    def counted(text: str) -> str:
        calls[text] += 1
        return ids.id_key(text)

    monkeypatch.setattr(parse, "id_key", counted)
    team = build_team_input("Sales", parsed)
    assert calls.total() < 10 * (n + 1)  # ~4 a row; a pairwise search is ~n * n
    # each KR ID keyed once (until 2026-12-07 twice: the row's entry, then its explanation)
    assert {calls[f"KR{i}"] for i in range(2, n + 1)} == {1}, calls["KR2"]
    said = [str(f) for f in team.findings if "also a key result" in f.message]
    assert said == [
        "sales.xlsx!OKRs!B402: KR ID kr1 is also a key result of objective O1 "
        "(row 2): KR IDs are the team's, not the objective's; number it apart (O2.kr1)"
    ]


def test_explaining_a_repeated_id_records_nothing() -> None:
    """The explanation only reads the first key result of each ID: the parse records it
    (the function that explained also added ``kr`` to the dict it was given)."""
    grid = SheetGrid("OKRs", (HEAD, ("O1", "KR1", 0, 10, 5), ("O2", "kr1", 0, 10, 5)))
    data = WorkbookData("sales.xlsx", ("OKRs",), {"OKRs": grid})
    team = build_team_input("Sales", extract(data, load_mapping("standard")))
    first, second = team.key_results
    holders = MappingProxyType({ids.id_key("KR1"): first})
    key = ids.id_key("KR1")
    assert _id_repeated_why(first, key, "KR1", holders) == []
    said = [str(f) for f in _id_repeated_why(second, key, "kr1", holders)]
    assert said == [
        "sales.xlsx!OKRs!B3: KR ID kr1 is also a key result of objective O1 "
        "(row 2): KR IDs are the team's, not the objective's; number it apart (O2.kr1)"
    ]
    assert dict(holders) == {ids.id_key("KR1"): first}
