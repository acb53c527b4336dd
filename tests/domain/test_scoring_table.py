"""Hand-computed cases for every KR kind and objectives (docs/scoring.md shows the
arithmetic); the KPI cases are in ``test_kpi_table.py``.

Period: 2026-10-01 .. 2026-10-11 (10 days); as of 2026-10-06 half of it has gone by, so a
committed objective expects 0.5 and an aspirational one 0.35. On track >= expected - 0.10,
At risk >= expected - 0.25.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from sheets_sync.domain.models import (
    Band,
    KeyResult,
    KRType,
    Objective,
    ObjectiveType,
    Period,
    Status,
)
from sheets_sync.domain.scoring import score_key_result, score_objective
from tests.domain.test_kpi_table import KPI_CASES

PERIOD = Period("T", dt.date(2026, 10, 1), dt.date(2026, 10, 11))
AS_OF = dt.date(2026, 10, 6)
C, A = ObjectiveType.COMMITTED, ObjectiveType.ASPIRATIONAL
N, GE, LE, M = KRType.NUMBER, KRType.AT_LEAST, KRType.AT_MOST, KRType.MILESTONE
ON, RISK, OFF, DONE, NONE = (
    Status.ON_TRACK,
    Status.AT_RISK,
    Status.OFF_TRACK,
    Status.ACHIEVED,
    Status.NO_DATA,
)
G, Y, R = Band.GREEN, Band.YELLOW, Band.RED

# (case, type, start, target, current, objective type, due, as_of,
#  score, progress, status, band)
KR_CASES = [
    ("half way", N, 0, 100, 50, C, None, AS_OF, 0.5, 0.5, ON, Y),
    ("on-track boundary", N, 0, 100, 40, C, None, AS_OF, 0.4, 0.4, ON, Y),
    ("just below on track", N, 0, 100, 39, C, None, AS_OF, 0.39, 0.39, RISK, R),
    ("at-risk boundary", N, 0, 100, 25, C, None, AS_OF, 0.25, 0.25, RISK, R),
    ("off track", N, 0, 100, 24, C, None, AS_OF, 0.24, 0.24, OFF, R),
    ("target hit", N, 0, 100, 100, C, None, AS_OF, 1.0, 1.0, DONE, G),
    ("overachieved is capped", N, 0, 100, 130, C, None, AS_OF, 1.0, 1.3, DONE, G),
    ("went backwards", N, 0, 100, -10, C, None, AS_OF, 0.0, -0.1, OFF, R),
    ("decreasing 200->50 at 80", N, 200, 50, 80, C, None, AS_OF, 0.8, 0.8, ON, G),
    ("decreasing 40h->20h at 30h", N, 40, 20, 30, C, None, AS_OF, 0.5, 0.5, ON, Y),
    ("decreasing got worse", N, 40, 20, 45, C, None, AS_OF, 0.0, -0.25, OFF, R),
    ("decreasing overachieved", N, 40, 20, 10, C, None, AS_OF, 1.0, 1.5, DONE, G),
    ("negative to positive", N, -10, 10, 0, C, None, AS_OF, 0.5, 0.5, ON, Y),
    ("loss shrinking -5 -> -15?", N, -5, -15, -10, C, None, AS_OF, 0.5, 0.5, ON, Y),
    ("zero target: defects 100 -> 0", N, 100, 0, 25, C, None, AS_OF, 0.75, 0.75, ON, G),
    ("zero start", N, 0, 40, 10, C, None, AS_OF, 0.25, 0.25, RISK, R),
    ("no current value", N, 0, 100, None, C, None, AS_OF, 0.0, None, NONE, R),
    ("at least: met exactly", GE, None, 95, 95, C, None, AS_OF, 1.0, 1.0, DONE, G),
    ("at least: missed", GE, None, 95, 94.9, C, None, AS_OF, 0.0, 0.0, OFF, R),
    ("at most: met exactly", LE, None, 2, 2, C, None, AS_OF, 1.0, 1.0, DONE, G),
    ("at most: missed", LE, None, 2, 3, C, None, AS_OF, 0.0, 0.0, OFF, R),
    ("milestone done", M, None, None, 1.0, C, None, AS_OF, 1.0, 1.0, DONE, G),
    ("milestone not done", M, None, None, 0.0, C, None, AS_OF, 0.0, 0.0, OFF, R),
    ("milestone no data", M, None, None, None, C, None, AS_OF, 0.0, None, NONE, R),
    ("aspirational on track", N, 0, 100, 30, A, None, AS_OF, 0.3, 0.3, ON, R),
    ("aspirational at-risk boundary", N, 0, 100, 10, A, None, AS_OF, 0.1, 0.1, RISK, R),
    ("aspirational off track", N, 0, 100, 9, A, None, AS_OF, 0.09, 0.09, OFF, R),
    (
        "own due date ends its period",
        N,
        0,
        100,
        80,
        C,
        dt.date(2026, 10, 6),
        AS_OF,
        0.8,
        0.8,
        RISK,
        G,
    ),
    ("before the period starts", N, 0, 100, 0, C, None, dt.date(2026, 9, 1), 0.0, 0.0, ON, R),
    ("after the period ends", N, 0, 100, 90, C, None, dt.date(2027, 1, 1), 0.9, 0.9, ON, G),
    ("green band boundary", N, 0, 100, 70, C, None, AS_OF, 0.7, 0.7, ON, G),
    ("yellow band boundary", N, 0, 100, 40, C, None, AS_OF, 0.4, 0.4, ON, Y),
    ("just below yellow", N, 0, 1000, 399, C, None, AS_OF, 0.399, 0.399, RISK, R),
]


@pytest.mark.parametrize(
    (
        "case",
        "kind",
        "start",
        "target",
        "current",
        "otype",
        "due",
        "as_of",
        "score",
        "progress",
        "status",
        "band",
    ),
    KR_CASES,
    ids=[c[0] for c in KR_CASES],
)
def test_key_result(
    case: str,
    kind: KRType,
    start: float | None,
    target: float | None,
    current: float | None,
    otype: ObjectiveType,
    due: dt.date | None,
    as_of: dt.date,
    score: float,
    progress: float | None,
    status: Status,
    band: Band,
) -> None:
    kr = KeyResult("O1", "KR1", type=kind, start=start, target=target, current=current, due=due)
    result = score_key_result(kr, period=PERIOD, as_of=as_of, objective_type=otype)
    assert result.score == pytest.approx(score)
    assert result.progress == (None if progress is None else pytest.approx(progress))
    assert result.status is status
    assert result.band is band


def _kr(kr_id: str, current: float | None, weight: float = 1.0) -> KeyResult:
    return KeyResult("O1", kr_id, start=0, target=100, current=current, weight=weight)


# (case, [(current, weight)], objective score, status)
OBJECTIVE_CASES = [
    ("weighted mean 3:1", [(100, 3), (0, 1)], 0.75, ON),
    ("equal weights", [(50, 1), (30, 1)], 0.4, ON),
    ("zero weight ignored", [(100, 0), (20, 1)], 0.2, OFF),
    ("all achieved", [(100, 1), (120, 2)], 1.0, DONE),
    ("no data anywhere", [(None, 1), (None, 1)], 0.0, NONE),
    ("no data where it counts (weight 0 does not)", [(None, 1), (100, 0)], 0.0, NONE),
    ("missing data counts as zero", [(None, 1), (60, 1)], 0.3, RISK),
    ("huge weights do not overflow", [(100, 1e308), (0, 1e308)], 0.5, ON),
    ("huge weights 3:1", [(100, 1.5e308), (0, 0.5e308)], 0.75, ON),
    ("tiny weights do not underflow", [(50, 5e-324), (100, 5e-324)], 0.75, ON),
]


@pytest.mark.parametrize(
    ("case", "krs", "score", "status"), OBJECTIVE_CASES, ids=[c[0] for c in OBJECTIVE_CASES]
)
def test_objective(
    case: str, krs: list[tuple[float | None, float]], score: float, status: Status
) -> None:
    objective = Objective("O1", "Grow")
    results = [
        score_key_result(_kr(f"KR{i}", cur, w), period=PERIOD, as_of=AS_OF)
        for i, (cur, w) in enumerate(krs)
    ]
    result = score_objective(objective, results, period=PERIOD, as_of=AS_OF)
    assert result.score == pytest.approx(score)
    assert result.status is status


def test_case_count() -> None:
    assert len(KR_CASES) + len(OBJECTIVE_CASES) + len(KPI_CASES) >= 40


@pytest.mark.parametrize(
    ("due", "as_of", "expected"),
    [
        (dt.date(2026, 10, 21), dt.date(2026, 10, 11), 0.5),  # after the end: stretched
        (dt.date(2026, 9, 21), dt.date(2026, 10, 2), 1.0),  # before the start: due
        (dt.date(2026, 9, 21), dt.date(2026, 9, 11), 0.0),
    ],
)
def test_a_due_date_outside_the_period_sets_the_pace(
    due: dt.date, as_of: dt.date, expected: float
) -> None:
    """As docs/scoring.md says: a due date after the period's end stretches the KR's
    period to it (the lint warns about the date), one before its start is due at once."""
    kr = KeyResult("O1", "KR1", start=0, target=100, current=50, due=due)
    assert score_key_result(kr, period=PERIOD, as_of=as_of).expected == expected


def test_scoring_doc_counts_the_cases() -> None:
    """docs/scoring.md says how many hand-computed cases back it: the count stays true."""
    doc = (Path(__file__).parents[2] / "docs" / "scoring.md").read_text(encoding="utf-8")
    shown = re.search(r"hold (\d+) hand-computed cases", doc)
    assert shown is not None
    assert int(shown[1]) == len(KR_CASES) + len(OBJECTIVE_CASES) + len(KPI_CASES)
