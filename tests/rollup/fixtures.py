"""A realistic three-team night, built through the domain functions.

Sales: two objectives, a KR fed from its NPS KPI, a stale KPI, an invalid KR (error), a
low-confidence KR (warning) and hostile descriptions. Ops: a decreasing metric. Finance:
read fine on the previous night, fails tonight.

Period 2025-07-01..2025-09-30 (91 days), as of 2025-08-15: 45/91 = 0.4945 elapsed.
"""

from __future__ import annotations

import datetime as dt

from sheets_sync.domain.models import (
    KPI,
    CompanyObjective,
    Direction,
    KeyResult,
    KRType,
    Objective,
    ObjectiveType,
    Origin,
    Period,
    TeamInput,
)
from sheets_sync.domain.team import evaluate_team, kpi_index
from sheets_sync.sync.outcome import Outcome, RunContext, TeamRun

PERIOD = Period("2025-Q3", dt.date(2025, 7, 1), dt.date(2025, 9, 30))
AS_OF = dt.date(2025, 8, 15)
GENERATED = dt.datetime(2025, 8, 15, 6, 30)
COMPANY = (CompanyObjective("C1", "Grow profitably"), CompanyObjective("C2", "Delight customers"))
HOSTILE = ['=HYPERLINK("http://x","y")', "+1-2", "@SUM(A1)", "-5"]


def _o(source: str, row: int) -> Origin:
    return Origin(source, "OKRs", row)


def sales() -> TeamInput:
    src = "sales.xlsx"
    return TeamInput(
        team="Sales",
        source=src,
        objectives=(
            Objective("S-O1", "Grow revenue", ObjectiveType.COMMITTED, "C1", _o(src, 2)),
            Objective("S-O2", "Happy customers", ObjectiveType.ASPIRATIONAL, "C2", _o(src, 6)),
        ),
        key_results=(
            KeyResult(
                "S-O1",
                "S-KR1",
                HOSTILE[0],
                "Ann",
                KRType.NUMBER,
                100,
                200,
                150,
                "$",
                confidence=0.2,
                origin=_o(src, 3),
            ),
            KeyResult(
                "S-O1",
                "S-KR2",
                "Raise NPS to 45",
                "Bob",
                KRType.NUMBER,
                30,
                45,
                None,
                kpi_link="NPS",
                origin=_o(src, 4),
            ),
            KeyResult(
                "S-O1", "S-KR5", "Broken", "Bob", KRType.NUMBER, 10, 10, 12, origin=_o(src, 5)
            ),
            KeyResult(
                "S-O2", "S-KR3", HOSTILE[1], "Cid", KRType.MILESTONE, current=1.0, origin=_o(src, 7)
            ),
            KeyResult(
                "S-O2",
                "S-KR4",
                HOSTILE[2],
                "Dee",
                KRType.AT_MOST,
                target=20,
                current=25,
                unit="h",
                origin=_o(src, 8),
            ),
        ),
        kpis=(
            KPI(
                "NPS",
                "Net promoter score",
                "Bob",
                direction=Direction.HIGHER,
                target=45,
                actual=42,
                previous=40,
                as_of=dt.date(2025, 8, 10),
                origin=_o(src, 20),
            ),
            KPI(
                "Churn",
                "Monthly churn",
                "Eve",
                unit="%",
                direction=Direction.LOWER,
                target=0.05,
                actual=0.08,
                as_of=dt.date(2025, 6, 1),
                origin=_o(src, 21),
            ),
        ),
    )


def ops() -> TeamInput:
    src = "ops.xlsx"
    return TeamInput(
        team="Ops",
        source=src,
        objectives=(Objective("O-O1", "Faster support", aligns_to="C1", origin=_o(src, 2)),),
        key_results=(
            KeyResult(
                "O-O1",
                "O-KR1",
                HOSTILE[3],
                "Fay",
                KRType.NUMBER,
                40,
                20,
                30,
                "h",
                origin=_o(src, 3),
            ),
            KeyResult(
                "O-O1",
                "O-KR2",
                "Ship the bot",
                "Fay",
                KRType.MILESTONE,
                current=0.0,
                due=dt.date(2025, 9, 30),
                origin=_o(src, 4),
            ),
        ),
        kpis=(
            KPI(
                "RT",
                "Resolution time",
                "Fay",
                unit="h",
                direction=Direction.LOWER,
                target=24,
                actual=20,
                previous=22,
                as_of=dt.date(2025, 8, 14),
                origin=_o(src, 20),
            ),
        ),
    )


def finance() -> TeamInput:
    src = "finance.xlsx"
    return TeamInput(
        team="Finance",
        source=src,
        objectives=(Objective("F-O1", "Close faster", aligns_to="C1", origin=_o(src, 2)),),
        key_results=(
            KeyResult(
                "F-O1",
                "F-KR1",
                "Close in 5 days",
                "Gus",
                KRType.NUMBER,
                10,
                5,
                6,
                "d",
                origin=_o(src, 3),
            ),
            KeyResult(
                "F-O1",
                "F-KR2",
                "Automate accruals",
                "Gus",
                KRType.MILESTONE,
                current=1.0,
                origin=_o(src, 4),
            ),
        ),
        kpis=(
            KPI(
                "DSO",
                "Days sales outstanding",
                "Gus",
                unit="d",
                direction=Direction.LOWER,
                target=40,
                actual=38,
                as_of=dt.date(2025, 8, 1),
                origin=_o(src, 20),
            ),
        ),
    )


def context(as_of: dt.date = AS_OF, generated: dt.datetime = GENERATED) -> RunContext:
    return RunContext("Acme", PERIOD, as_of, generated, COMPANY)


def runs(*, finance_fails: bool, as_of: dt.date = AS_OF) -> list[TeamRun]:
    inputs = [sales(), ops(), finance()]
    index = kpi_index(inputs)
    ids = frozenset(c.id for c in COMPANY)
    out = []
    for team in inputs:
        if finance_fails and team.team == "Finance":
            out.append(TeamRun("Finance", team.source, Outcome.FAILED, None, "file is encrypted"))
            continue
        result = evaluate_team(
            team, period=PERIOD, as_of=as_of, index=index, company_objective_ids=ids
        )
        out.append(TeamRun(team.team, team.source, Outcome.OK, result))
    return out
