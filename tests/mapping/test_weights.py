"""Weights as team leads type them: percentages, shares, blanks, and where they clash."""

from __future__ import annotations

import pytest

from sheets_sync.domain.models import Severity
from sheets_sync.grid import CellValue, SheetGrid, WorkbookData
from sheets_sync.mapping.extract import extract
from sheets_sync.mapping.parse import build_team_input
from sheets_sync.mapping.spec import load_mapping

HEAD = ("Objective ID", "KR ID", "Start", "Target", "Current", "Weight")


def _warnings(weights: tuple[CellValue, ...], percent: tuple[int, ...] = ()) -> list[str]:
    """Warnings about the weights of objective O1, its KRs in rows 2.. with the given
    Weight cells; ``percent`` lists the rows whose Weight cell is in a percent format."""
    krs = [("O1", f"O1.{i}", 0, 10, 5, w) for i, w in enumerate(weights, 1)]
    rows: tuple[tuple[CellValue, ...], ...] = (HEAD, *krs)
    grid = SheetGrid("OKRs", rows, percent_cells=frozenset((r, 6) for r in percent))
    data = WorkbookData("sales.xlsx", ("OKRs",), {"OKRs": grid})
    team = build_team_input("Sales", extract(data, load_mapping("standard")))
    found = [f for f in team.findings if "weight" in f.message]
    assert all(f.severity is Severity.WARNING for f in found)
    return [str(f) for f in found]


@pytest.mark.parametrize(
    ("weights", "percent"),
    [
        ((0.6, 0.4), (2, 3)),  # 60% and 40%
        ((0.6, 0.4), ()),  # shares of 1
        (("60%", "40%"), ()),
        ((6, 4), ()),  # out of 10
        ((2, None, None), ()),  # "Blank = 1" as documented
        ((1, None), ()),
        ((None, None), ()),
        ((3, 0.5), ()),  # ratios of any size
    ],
)
def test_consistent_weights_raise_nothing(
    weights: tuple[CellValue, ...], percent: tuple[int, ...]
) -> None:
    assert _warnings(weights, percent) == []


def test_a_blank_weight_beside_percentages_is_a_warning() -> None:
    """60% and a blank weighed the blank KR at 100 %, not the 40 % meant (2026-12-05)."""
    assert _warnings((0.6, None), percent=(2,)) == [
        "sales.xlsx!OKRs!F3: key result O1.2 has no weight, so it counts as 1 (100%) beside "
        "weights adding up to 60% in objective O1; give it a weight"
    ]
    assert _warnings((0.25, 0.25, None)) == [
        "sales.xlsx!OKRs!F4: key result O1.3 has no weight, so it counts as 1 (100%) beside "
        "weights adding up to 50% in objective O1; give it a weight"
    ]


def test_a_plain_weight_beside_a_percentage_is_a_warning() -> None:
    """'60%' and 40 weighed 0.6 against 40, 1 : 67 (2026-12-05)."""
    message = (
        "sales.xlsx!OKRs!F3: weight 40 is a plain number, but key result O1.1 of objective O1 "
        "has weight 60%; type every weight of O1 as a percentage or none"
    )
    assert _warnings(("60%", 40)) == [message]
    assert _warnings((0.6, 40), percent=(2,)) == [message]
    # read as 0.6 like "60%", but the lint's own "%" checks missed it (2026-12-05)
    assert _warnings(("60\uff05", 40)) == [message]  # full-width percent sign
    assert _warnings(("60%\u200b", 40)) == [message]  # zero-width space pasted after


def test_a_share_beside_a_whole_percentage_is_a_warning() -> None:
    """0.4 and 60 (40 % and 60 % typed two ways) weighed 0.4 against 60, 1 : 150, without
    a word (until 2026-12-06). Only a mix that makes 100 % that way is warned about:
    "3, 0.5" stays ratios of any size, as documented."""
    assert _warnings((0.4, 60)) == [
        "sales.xlsx!OKRs!F3: weight 60 is a whole number, but key result O1.1 of objective O1 "
        "has weight 0.4 (a share of 1: 40%); type every weight of O1 as shares or as "
        "percentages"
    ]
    assert len(_warnings((0.25, 50, 25))) == 2
    assert _warnings((0.5, 3)) == _warnings((0.4, 60, 2)) == _warnings((0.4, 0.6)) == []


def test_a_weight_of_zero_percent_is_no_percentage() -> None:
    """0 is 0 on every scale: "0%, 40, 60" weighs as "0%, 40%, 60%" does (the first KR
    counts for nothing either way), yet 40 and 60 were told to be typed as percentages
    (until 2026-12-06). A 0 does not hide a share beside a whole percentage either, and a
    0% beside real percentages and a blank leaves the blank's warning as it was."""
    assert _warnings(("0%", 40, 60)) == _warnings((0, 40, 60), percent=(2,)) == []
    share = (
        "sales.xlsx!OKRs!F4: weight 60 is a whole number, but key result O1.2 of objective O1 "
        "has weight 0.4 (a share of 1: 40%); type every weight of O1 as shares or as "
        "percentages"
    )
    assert _warnings((0, 0.4, 60)) == _warnings(("0%", 0.4, 60)) == [share]
    assert _warnings(("0%", "60%", None)) == [
        "sales.xlsx!OKRs!F4: key result O1.3 has no weight, so it counts as 1 (100%) beside "
        "weights adding up to 60% in objective O1; give it a weight"
    ]
