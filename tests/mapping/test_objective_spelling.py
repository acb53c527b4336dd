"""A row-per-KR tab's objective is named by the spelling most of its rows give its ID,
not by its first row's: sorting the rows (``O1`` on one, ``o1`` on another) flipped the
objective's ID, on the tabs the night writes and the rollup, between nights (until
2026-12-07). A tie goes to the first spelling in code-point order (``O1`` before ``o1``)."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest

from sheets_sync.domain.models import Period
from sheets_sync.domain.team import evaluate_team
from sheets_sync.grid import SheetGrid, WorkbookData
from sheets_sync.mapping.extract import extract
from sheets_sync.mapping.parse import build_team_input
from sheets_sync.mapping.spec import load_mapping

PERIOD = Period("Q4", dt.date(2026, 10, 1), dt.date(2026, 12, 31))
HEAD = ("Objective ID", "Objective", "Objective type", "KR ID", "Key result", "Start",
        "Target", "Current")  # fmt: skip


def _objectives(ids: tuple[str, ...]) -> list[tuple[str, list[str]]]:
    """The objectives (and their key results' objective IDs) of a standard tab whose KR
    rows give their objective the ``ids``, in that order."""
    rows = tuple(
        (objective, "Build", "committed", f"KR{n}", "Grow", 0, 10, 5)
        for n, objective in enumerate(ids, start=1)
    )
    data = WorkbookData("m.xlsx", ("OKRs",), {"OKRs": SheetGrid("OKRs", (HEAD, *rows))})
    team = build_team_input("M", extract(data, load_mapping("standard")))
    assert not [f for f in team.findings if f.is_error]
    result = evaluate_team(team, period=PERIOD, as_of=dt.date(2026, 11, 15))
    return [(o.objective.id, [k.kr.objective_id for k in o.key_results]) for o in result.objectives]


@pytest.mark.parametrize(
    ("ids", "shown"),
    [
        (("O1", "o1", "o1"), "o1"),  # the most common
        (("O1", "o1"), "O1"),  # a tie: the first in code-point order
        (("ｏ１", "o1", "O1"), "O1"),  # a three-way tie (O1 < o1 < ｏ１)
        (("Ｏ１", "Ｏ１", "O1"), "Ｏ１"),
    ],
)
def test_a_row_per_kr_objective_is_named_whatever_the_rows_order(
    ids: tuple[str, ...], shown: str
) -> None:
    for order in set(itertools.permutations(ids)):
        assert _objectives(order) == [(shown, [shown] * len(ids))], order


def test_an_objective_typed_one_way_keeps_it() -> None:
    assert _objectives(("o1", "o1")) == [("o1", ["o1", "o1"])]
