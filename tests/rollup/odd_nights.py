"""Two odd nights at the end of 2025-Q3 (fixtures for ``test_finance_reads``).

Night 1 (2025-09-29): Sales, Ops, Finance and Legal read; Legal's KPI is a negative
margin against a target of 0. Night 2 (2025-09-30, the quarter's last day): Legal is
gone, a team with a unicode name and no KPIs is added (a KR from -10 to 0 at -5, one
from 0 to 0, a milestone due that day) and Finance fails (its rows come back stale).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sheets_sync.domain.models import (
    KPI,
    Direction,
    KeyResult,
    KRType,
    Objective,
    Origin,
    TeamInput,
)
from sheets_sync.domain.team import evaluate_team, kpi_index
from sheets_sync.rollup import build_rollup, write_rollup_xlsx
from sheets_sync.sync.outcome import Outcome, TeamRun
from tests.rollup.fixtures import COMPANY, PERIOD, context, finance, ops, sales

UNICODE_TEAM = "Ünïcødé 研发 ✓ Team"
NIGHTS = (dt.date(2025, 9, 29), dt.date(2025, 9, 30))


def unicode_team() -> TeamInput:
    src = "ünïcødé.xlsx"

    def at(row: int) -> Origin:
        return Origin(src, "OKRs", row)

    return TeamInput(
        team=UNICODE_TEAM,
        source=src,
        objectives=(Objective("U-O1", "Ünïcødé goal 研发", aligns_to="C2", origin=at(2)),),
        key_results=(
            KeyResult(
                "U-O1", "U-KR1", "Loss to zero", "Zoë", KRType.NUMBER, -10, 0, -5, "€", origin=at(3)
            ),
            KeyResult("U-O1", "U-KR2", "Zero to zero", "Zoë", KRType.NUMBER, 0, 0, 0, origin=at(4)),
            KeyResult(
                "U-O1",
                "U-KR3",
                "Due at quarter end",
                "Zoë",
                KRType.MILESTONE,
                current=0.0,
                due=dt.date(2025, 9, 30),
                origin=at(5),
            ),
        ),
        kpis=(),
    )


def legal() -> TeamInput:
    src = "legal.xlsx"
    return TeamInput(
        team="Legal",
        source=src,
        objectives=(
            Objective("L-O1", "Fewer disputes", aligns_to="C1", origin=Origin(src, "OKRs", 2)),
        ),
        key_results=(
            KeyResult(
                "L-O1",
                "L-KR1",
                "Disputes",
                "Al",
                KRType.NUMBER,
                5,
                0,
                0,
                origin=Origin(src, "OKRs", 3),
            ),
        ),
        kpis=(
            KPI(
                "NEG",
                "Net margin",
                "Al",
                unit="%",
                direction=Direction.HIGHER,
                target=0.0,
                actual=-0.03,
                previous=0.0,
                as_of=dt.date(2025, 8, 31),
                origin=Origin(src, "OKRs", 20),
            ),
        ),
    )


def _night(inputs: list[TeamInput], as_of: dt.date, failing: str = "") -> list[TeamRun]:
    index = kpi_index(inputs)
    ids = frozenset(c.id for c in COMPANY)
    out = []
    for team in inputs:
        if team.team == failing:
            out.append(TeamRun(team.team, team.source, Outcome.FAILED, None, "file is encrypted"))
            continue
        result = evaluate_team(
            team, period=PERIOD, as_of=as_of, index=index, company_objective_ids=ids
        )
        out.append(TeamRun(team.team, team.source, Outcome.OK, result))
    return out


def write_nights(folder: Path) -> tuple[Path, Path]:
    """The two nights' workbooks, the second built with the first as ``previous``."""
    first, second = folder / "night1.xlsx", folder / "night2.xlsx"
    one, two = NIGHTS
    runs1 = _night([sales(), ops(), finance(), legal()], one)
    write_rollup_xlsx(build_rollup(runs1, context(one, dt.datetime(2025, 9, 29, 23, 59))), first)
    runs2 = _night([sales(), ops(), finance(), unicode_team()], two, failing="Finance")
    ctx2 = context(two, dt.datetime(2025, 9, 30, 23, 59, 59))
    write_rollup_xlsx(build_rollup(runs2, ctx2, previous=first), second)
    return first, second
