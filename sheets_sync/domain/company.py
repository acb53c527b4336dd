"""Company objectives scored from the team objectives aligned to them."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sheets_sync.domain.ids import id_key
from sheets_sync.domain.models import (
    AlignedObjective,
    CompanyObjective,
    CompanyObjectiveResult,
    TeamResult,
)
from sheets_sync.domain.rules import ScoringRules
from sheets_sync.domain.scoring import band, mean, net_confidence
from sheets_sync.domain.shown import shown_float


def aligned_objectives(team: TeamResult) -> tuple[AlignedObjective, ...]:
    """The team's objectives that name a company objective to align to."""
    return tuple(
        AlignedObjective(team.team, o.objective.id, o.objective.aligns_to, o.score)
        for o in team.objectives
        if o.objective.aligns_to
    )


def score_company_objectives(
    objectives: Sequence[CompanyObjective],
    teams: Sequence[TeamResult],
    rules: ScoringRules = ScoringRules(),
) -> list[CompanyObjectiveResult]:
    """Mean of the scores of aligned team objectives, as shown (15 digits)."""
    return score_aligned(objectives, (a for t in teams for a in aligned_objectives(t)), rules)


def score_aligned(
    objectives: Sequence[CompanyObjective],
    aligned: Iterable[AlignedObjective],
    rules: ScoringRules = ScoringRules(),
) -> list[CompanyObjectiveResult]:
    """``score_company_objectives`` from each team's ``aligned_objectives``, which a night
    keeps beside every packed result so that scoring the company unpacks none of them.
    IDs compare as ``id_key`` compares them (``evaluate_team`` reads an Aligns to ``Ｃ１``
    as the configuration's ``C1``; so does a night's result kept from before)."""
    by_company: dict[str, list[AlignedObjective]] = {}
    for o in objectives:  # the configuration refuses two IDs with one key: the first
        by_company.setdefault(id_key(o.id), [])
    for a in aligned:
        if (key := id_key(a.aligns_to)) in by_company:
            by_company[key].append(a)
    results = []
    for company in objectives:
        mine = tuple(by_company[id_key(company.id)])
        # the one mean (docs/rollup.md) of the scores as the Objectives tab shows them, so
        # the run report's score is the workbook's (until 2026-12-07 of the exact scores:
        # 2,616 of 20,000 random company objectives read apart in the 15th digit)
        score = mean(shown_float(a.score) for a in mine if a.score is not None)
        results.append(
            CompanyObjectiveResult(
                company, score, None if score is None else band(score, rules), mine
            )
        )
    return results


def company_net_confidence(teams: Sequence[TeamResult]) -> float | None:
    return net_confidence([kr for t in teams for kr in t.key_results])
