"""Weights as team leads type them: a blank or a plain number beside percentages.

A blank weight is 1 and only the ratios of weights count (docs/scoring.md). That is right
for "2, blank, blank" and for "60%, 40%", but not when the two ways meet in one objective:
"60%, blank" weighs the blank KR at 100 % against 60 %, and "60%, 40" at 40 against 0.6.
Both are warnings on the cell, as the sheet cannot say which was meant.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from sheets_sync.domain.ids import id_key
from sheets_sync.domain.models import Finding, KeyResult, Severity
from sheets_sync.domain.scales import hundredfold
from sheets_sync.domain.values import is_empty, is_percent_text
from sheets_sync.grid import CellValue

#: Weights adding up to at most this are shares of 100 % (60% + 40%, 0.5 + 0.5).
_SHARES = 1 + 1e-9


def _typed_percent(kr: KeyResult, typed: CellValue) -> bool:
    """A weight shown as a percentage: a percent cell, or text read as one. Not a 0%,
    which is 0 on every scale: "0%, 40, 60" weighs as "0%, 40%, 60%" does, and was told
    to type 40 and 60 as percentages (until 2026-12-06)."""
    return kr.weight != 0 and ("weight" in kr.shown_as_percent or is_percent_text(typed))


def weight_findings(rows: Iterable[tuple[KeyResult, CellValue]]) -> list[Finding]:
    """Warnings for the objectives whose key results mix weight styles; ``rows`` pairs each
    parsed key result with what its Weight cell held."""
    by_objective: dict[str, list[tuple[KeyResult, CellValue]]] = defaultdict(list)
    for kr, typed in rows:  # O2 and Ｏ２ are one objective (id_key)
        by_objective[id_key(kr.objective_id)].append((kr, typed))
    found: list[Finding] = []
    for krs in by_objective.values():
        objective = krs[0][0].objective_id  # named as its first key result names it
        given = [(kr, typed) for kr, typed in krs if not is_empty(typed)]
        if not given:
            continue
        total = sum(kr.weight for kr, _ in given)
        percent = [kr for kr, typed in given if _typed_percent(kr, typed)]
        if percent:
            shown = percent[0]
            for kr, typed in given:
                if not _typed_percent(kr, typed) and kr.weight > 1:
                    found.append(
                        _warn(
                            kr,
                            f"weight {kr.weight:g} is a plain number, but key result {shown.id} "
                            f"of objective {objective} has weight {hundredfold(shown.weight)}%; "
                            f"type every weight of {objective} as a percentage or none",
                        )
                    )
        if not percent:
            found += _shares_beside_percentages(objective, given)
        shares = percent or any(0 < kr.weight < 1 for kr, _ in given)  # not "1, blank"
        if shares and 0 < total <= _SHARES and len(given) < len(krs):
            for kr, typed in krs:
                if is_empty(typed):
                    found.append(
                        _warn(
                            kr,
                            f"key result {kr.id} has no weight, so it counts as 1 (100%) "
                            f"beside weights adding up to {total * 100:g}% in objective "
                            f"{objective}; give it a weight",
                        )
                    )
    return found


def _shares_beside_percentages(
    objective: str, given: list[tuple[KeyResult, CellValue]]
) -> list[Finding]:
    """Plain weights that add up to 100 % only when the shares (0.4) are read as shares
    and the whole numbers (60) as percentages: "0.4, 60" weighed 0.4 against 60, 1 : 150,
    without a word. Other mixes ("3, 0.5") are ratios as documented, and raise nothing."""
    fractions = [kr for kr, _ in given if 0 < kr.weight < 1]
    wholes = [kr for kr, _ in given if 1 < kr.weight <= 100]
    counted = [kr for kr, _ in given if kr.weight != 0]  # a 0 (or 0%) is 0 in both
    if not fractions or not wholes or len(fractions) + len(wholes) < len(counted):
        return []
    total = sum(kr.weight for kr in fractions) + sum(kr.weight for kr in wholes) / 100
    if abs(total - 1) > _SHARES - 1:
        return []
    share = fractions[0]
    return [
        _warn(
            kr,
            f"weight {kr.weight:g} is a whole number, but key result {share.id} of objective "
            f"{objective} has weight {share.weight:g} (a share of 1: {share.weight * 100:g}%); "
            f"type every weight of {objective} as shares or as percentages",
        )
        for kr in wholes
    ]


def _warn(kr: KeyResult, message: str) -> Finding:
    return Finding.at(kr.origin, "weight", message, severity=Severity.WARNING, row_id=kr.id)
