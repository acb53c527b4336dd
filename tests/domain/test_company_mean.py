"""A company objective's score is the one mean (docs/rollup.md) of its aligned objectives'
scores as the workbook shows them, so the run report (``score_aligned``) and the rollup's
CompanyObjectives table read the same: from the exact scores, 2,616 of 20,000 random
company objectives read apart in their 15th digit (until 2026-12-07)."""

from __future__ import annotations

import math
import random

from sheets_sync.domain.company import score_aligned
from sheets_sync.domain.models import AlignedObjective, CompanyObjective
from sheets_sync.domain.shown import shown_float


def test_company_score_is_the_one_mean_of_the_shown_scores() -> None:
    rng = random.Random(3)
    company = [CompanyObjective("C1", "Grow")]
    missed: list[tuple[object, ...]] = []
    for _ in range(3000):
        n = rng.randint(2, 30)
        exact = [rng.randint(0, 1000) / rng.randint(1, 1000) % 1 for _ in range(n)]
        aligned = [AlignedObjective("T", f"O{i}", "C1", s) for i, s in enumerate(exact)]
        (result,) = score_aligned(company, aligned)
        assert result.score is not None
        workbook = shown_float(math.fsum(shown_float(s) for s in exact) / len(exact))
        if shown_float(result.score) != workbook:
            missed.append((exact, result.score, workbook))
    assert not missed, missed[:2]
