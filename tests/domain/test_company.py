"""Company objectives: the mean of the aligned team objectives' scores, from whole results
or from the small ``AlignedObjective`` records a night keeps beside packed results."""

from __future__ import annotations

from sheets_sync.domain.company import aligned_objectives, score_aligned, score_company_objectives
from sheets_sync.domain.models import (
    AlignedObjective,
    Band,
    CompanyObjective,
    Objective,
    ObjectiveResult,
    Status,
    TeamResult,
)

COMPANY = (CompanyObjective("CO-1", "Grow"), CompanyObjective("CO-2", "Delight"))


def team(name: str, *objectives: tuple[str, str | None, float | None]) -> TeamResult:
    results = tuple(
        ObjectiveResult(
            Objective(oid, f"{name} {oid}", aligns_to=to), (), score, 0.5, Status.ON_TRACK, None
        )
        for oid, to, score in objectives
    )
    return TeamResult(name, f"{name}.xlsx", results, (), (), None)


TEAMS = (
    team("Sales", ("O1", "CO-1", 0.9), ("O2", None, 0.1), ("O3", "CO-2", None)),
    team("Ops", ("O1", "CO-1", 0.3), ("O2", "CO-9", 1.0)),
)


def test_aligned_objectives_are_those_naming_a_company_objective() -> None:
    assert aligned_objectives(TEAMS[0]) == (
        AlignedObjective("Sales", "O1", "CO-1", 0.9),
        AlignedObjective("Sales", "O3", "CO-2", None),
    )


def test_the_score_is_the_mean_of_the_aligned_scores_in_team_order() -> None:
    grow, delight = score_company_objectives(COMPANY, TEAMS)
    assert grow.score == 0.6 and grow.band is Band.YELLOW
    assert [(a.team, a.objective_id) for a in grow.aligned] == [("Sales", "O1"), ("Ops", "O1")]
    # aligned but unscored: counted as aligned, not in the mean; an unknown id is ignored
    assert delight.score is None and delight.band is None and len(delight.aligned) == 1


def test_scoring_from_the_kept_records_equals_scoring_from_results() -> None:
    records = (a for t in TEAMS for a in aligned_objectives(t))  # read once, as a night does
    assert score_aligned(COMPANY, records) == score_company_objectives(COMPANY, TEAMS)
