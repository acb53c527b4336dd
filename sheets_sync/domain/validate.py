"""Rules an item must meet before it can be scored. Each failure is an error Finding."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from sheets_sync.domain.ids import id_key
from sheets_sync.domain.models import (
    KPI,
    Direction,
    Finding,
    KeyResult,
    KRType,
    Objective,
)
from sheets_sync.domain.no_start import no_start_column
from sheets_sync.domain.scales import percent_amber_note
from sheets_sync.domain.shown import show_pair
from sheets_sync.domain.values import show_number


def _fmt(number: float) -> str:
    return show_number(number)


def validate_key_result(kr: KeyResult) -> list[Finding]:
    found: list[Finding] = []

    def error(field: str, message: str) -> None:
        found.append(Finding.at(kr.origin, field, message, row_id=kr.id))

    if kr.type is KRType.NUMBER:
        if kr.start is None and not no_start_column(kr):  # said once, at the tab
            error("start", "start value is missing (type 0 if the metric starts at zero)")
        if kr.target is None:
            error("target", "target is missing")
        if kr.start is not None and kr.target is not None and kr.start == kr.target:
            error("target", f"target equals start value ({_fmt(kr.start)})")
    elif kr.type in (KRType.AT_LEAST, KRType.AT_MOST) and kr.target is None:
        error("target", f"target is missing (needed by an {kr.type.value} key result)")
    if kr.weight < 0:
        error("weight", f"weight must be 0 or more, got {_fmt(kr.weight)}")
    return found


def validate_kpi(kpi: KPI) -> list[Finding]:
    found: list[Finding] = []

    def error(field: str, message: str) -> None:
        found.append(Finding.at(kpi.origin, field, message, row_id=kpi.id))

    if kpi.direction is Direction.RANGE:
        if kpi.lower is None:
            error("lower", "a range KPI needs a lower bound")
        if kpi.upper is None:
            error("upper", "a range KPI needs an upper bound")
        if kpi.lower is not None and kpi.upper is not None and kpi.lower > kpi.upper:
            upper, lower = show_pair(kpi.upper, kpi.lower, whole=True)
            error("upper", f"upper bound ({upper}) is below the lower bound ({lower})")
        if kpi.amber_threshold is not None and kpi.amber_threshold < 0:
            error(
                "amber_threshold",
                "for a range KPI the amber threshold is the width of the "
                "amber band and cannot be negative",
            )
    elif kpi.target is not None and kpi.amber_threshold is not None:
        amber, target = show_pair(kpi.amber_threshold, kpi.target, whole=True)
        if kpi.direction is Direction.HIGHER and kpi.amber_threshold > kpi.target:
            error(
                "amber_threshold",
                f"amber threshold ({amber}) is above the target ({target}) of a "
                f"higher-is-better KPI{percent_amber_note(kpi)}",
            )
        if kpi.direction is Direction.LOWER and kpi.amber_threshold < kpi.target:
            error(
                "amber_threshold",
                f"amber threshold ({amber}) is below the target ({target}) of a "
                f"lower-is-better KPI{percent_amber_note(kpi)}",
            )
    return found


def duplicate_ids(items: Iterable[KeyResult | KPI], what: str, field: str) -> list[Finding]:
    """Every repeat after the first occurrence of an id (as ``id_key`` compares them:
    "kpi-1" and "ＫＰＩ-1" repeat "KPI-1", as links read them) is an error on its own row."""
    seen: Counter[str] = Counter()
    found: list[Finding] = []
    for item in items:
        seen[id_key(item.id)] += 1
        if seen[id_key(item.id)] > 1:
            found.append(
                Finding.at(item.origin, field, f"duplicate {what} ID {item.id}", row_id=item.id)
            )
    return found


def validate_weights(
    objective: Objective,
    key_results: Iterable[KeyResult],
    left_out: Iterable[KeyResult] = (),
    failed: Iterable[tuple[str, int]] = (),
) -> list[Finding]:
    """An error when the key results to score (``key_results``) all have weight 0.

    ``left_out``: the objective's key results with errors of their own. When one of them
    has a weight, "every key result has weight 0" would be false (it was said), so the
    message names them instead, with ``failed``: the (KR ID, row) of each key result row
    left out as it was read whose Weight does not read 0 (``TeamInput.failed_krs``), in
    row order.
    """
    krs = list(key_results)
    if not krs or any(kr.weight != 0 for kr in krs):
        return []
    rows = [(kr.origin.row or 0, kr.id) for kr in left_out if kr.weight != 0]
    rows += [(row, kr_id) for kr_id, row in failed]
    weighted = list(dict.fromkeys(kr_id for _, kr_id in sorted(rows, key=lambda r: r[0])))
    which = "that can be scored " if weighted else ""
    why = f" (left out for errors: {', '.join(weighted)})" if weighted else ""
    return [
        Finding.at(
            objective.origin,
            "objective_id",
            f"every key result of objective {objective.id} {which}has weight 0{why}; "
            "give at least one a weight above 0",
            row_id=objective.id,
        )
    ]
