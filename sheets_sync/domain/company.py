"""Company objectives scored from the team objectives aligned to them."""

from __future__ import annotations

from collections.abc import Sequence

from sheets_sync.domain.models import CompanyObjective, CompanyObjectiveResult, TeamResult
from sheets_sync.domain.rules import ScoringRules
from sheets_sync.domain.scoring import band, net_confidence, weighted_mean


def score_company_objectives(
    objectives: Sequence[CompanyObjective],
    teams: Sequence[TeamResult],
    rules: ScoringRules = ScoringRules(),
) -> list[CompanyObjectiveResult]:
    """Weighted mean (equal weights) of the scores of aligned team objectives."""
    results = []
    for company in objectives:
        aligned = tuple(
            (t.team, o) for t in teams for o in t.objectives if o.objective.aligns_to == company.id
        )
        score = weighted_mean([(o.score, 1.0) for _, o in aligned if o.score is not None])
        results.append(
            CompanyObjectiveResult(
                company, score, None if score is None else band(score, rules), aligned
            )
        )
    return results


def company_net_confidence(teams: Sequence[TeamResult]) -> float | None:
    return net_confidence([kr for t in teams for kr in t.key_results])
