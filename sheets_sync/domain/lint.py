"""Warnings about good OKR/KPI practice. They never stop a row from scoring."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from sheets_sync.domain.ids import id_key
from sheets_sync.domain.models import (
    KPI,
    Finding,
    KeyResult,
    KRType,
    Origin,
    Period,
    Severity,
    TeamInput,
)
from sheets_sync.domain.scales import KPI_NUMBERS, hundredfold, kpi_scale_warning, whole_beside
from sheets_sync.domain.units import WHOLE_PERCENT, is_percent_unit
from sheets_sync.domain.values import show_number

MIN_KRS, MAX_KRS = 2, 5
MAX_OBJECTIVES, MAX_KPIS = 5, 15
#: An As of date this many days after the run's date is still today somewhere: a team in
#: Kiritimati (UTC+14) is a day ahead of a server in Adak (UTC-10). Later ones are typos.
#: A run dated this far ahead of the machine's date is still recorded
#: (``ops.history_dates.AHEAD_OK``), for the same reason.
AHEAD_DAYS = 1


def _whole_percent(unit: str | None, values: dict[str, float | None]) -> tuple[str, str] | None:
    """The first field of a "%" row (any spelling: ``is_percent_unit``) whose value reads
    as a whole-number percentage."""
    if unit is None or not is_percent_unit(unit):
        return None
    for field, value in values.items():
        if value is not None and abs(value) > WHOLE_PERCENT:
            shown = f"{value:g}"
            return field, (
                f"{shown} with unit {unit.strip()} is {hundredfold(value)} %; type percentages as "
                f"{shown}% or {value / 100:g}"
            )
    return None


def _percent_in_count(kr: KeyResult) -> tuple[str, str] | None:
    """The first value of a key result that is not in % but shows a percentage: a typed
    45% is stored 0.45, so a count of 45 deals was probably meant. A 0% is 0 deals too
    (a Start of 0 in a column formatted 0% was told to be typed plain). Not said of a
    Unit in error (``KeyResult.unread``): its own error is, and "has no unit" was not
    known (it was said beside it until 2026-12-07)."""
    if kr.type is KRType.MILESTONE or is_percent_unit(kr.unit) or "unit" in kr.unread:
        return None
    for field in ("start", "target", "current"):
        value = getattr(kr, field)
        if field in kr.shown_as_percent and value:  # not None, not 0
            unit = (
                f"is counted in {kr.unit.strip()!r}"
                if kr.unit and kr.unit.strip()
                else ("has no unit")
            )
            return field, (
                f"{hundredfold(value)}% (stored {value:g}) is a percentage, but key result {kr.id} "
                f"{unit}; type the number itself ({hundredfold(value)}) in a plain cell, or set "
                "the unit to %"
            )
    return None


def _plain_beside_percent(kr: KeyResult) -> tuple[str, str] | None:
    """The first value of a key result typed as a plain number above 1 while another of its
    values is in a percent cell: target 10% (stored 0.1) and current 8 meant 8 %, but
    scored as 80 times the target, 1.0 and Achieved. A 0% says nothing of the scale (0 is
    0 on all of them): a Start of 0% made a Target of 8 "a plain number beside 0%"."""
    shown = [
        f for f in ("target", "start", "current")
        if f in kr.shown_as_percent and getattr(kr, f)  # not None, not 0
    ]  # fmt: skip
    if kr.type is KRType.MILESTONE or not shown:
        return None
    stored = getattr(kr, shown[0])
    percents = [getattr(kr, f) for f in shown]
    for field in ("start", "target", "current"):
        value = getattr(kr, field)
        if (
            field not in kr.shown_as_percent
            and value is not None
            and whole_beside(value, percents)  # 1.15 beside 120% is 115 %
        ):
            return field, (
                f"{value:g} is a plain number, but the {shown[0]} of key result {kr.id} is "
                f"{hundredfold(stored)}% (stored {stored:g}); type {value:g}% if a percentage is "
                "meant"
            )
    return None


def _milestone_numbers(kr: KeyResult) -> tuple[str, str] | None:
    """A milestone's Start and Target, which its score never reads (done or not): 30 to 45
    typed there is a count the KR type may have wrong, or numbers left from one, and said
    nothing (until 2026-12-07). Each blank, 0 or 1 (0 to 1, 1 to 1, 1 to 0) is done or not
    in numbers: quiet (for a day 1 to 1, 0 to 0 and 1 to blank warned). The same number
    twice is no count to set the KR type to number for: only "clear them" is said."""
    if kr.type is not KRType.MILESTONE:
        return None
    pair = (("start", kr.start), ("target", kr.target))
    typed = [(field, value) for field, value in pair if value is not None and value not in (0, 1)]
    if not typed:
        return None
    if len(typed) == 1 and kr.start is not None and kr.target is not None:
        typed = [(field, value) for field, value in pair if value is not None]  # 5 to 1: both
    cells = {field: kr.origin.cell(field) for field, _ in typed}
    names = " and ".join(
        f"{field.capitalize()} ({cell})" if cell else field.capitalize()
        for field, cell in cells.items()
    )
    shown = {field: show_number(value) for field, value in typed}
    span = " ".join(f"{'from' if f == 'start' else 'to'} {shown[f]}" for f in shown)
    them, are = ("them", "are") if len(typed) == 2 else ("it", "is")
    advice = f"clear {them}"
    if kr.start is None or kr.target is None or kr.start != kr.target:  # a count: 5 to 5 is none
        advice += f", or set its KR type to number if it counts {span}"
    return typed[0][0], (
        f"key result {kr.id} is a milestone (done or not), so its {names} {are} not read; {advice}"
    )


def _warning(origin: Origin, field: str | None, message: str, row_id: str) -> Finding:
    """The warning at the field's cell; a value filled down into a blank one names the
    cell it came from (each row it fills named only the blank cell until 2026-12-07, and
    a KPI's As of dated ahead until a review later that day)."""
    if (above := origin.filled_from(field)) is not None:
        message += f" (filled down from {above})"
    return Finding.at(origin, field, message, severity=Severity.WARNING, row_id=row_id)


def lint_team(team: TeamInput, period: Period) -> list[Finding]:
    found: list[Finding] = []

    def warn(origin_item: object, field: str | None, message: str, row_id: str) -> None:
        origin = getattr(origin_item, "origin")  # noqa: B009 - items share the attribute
        found.append(_warning(origin, field, message, row_id))

    per_objective: dict[str, int] = defaultdict(int)
    for kr in team.key_results:
        per_objective[id_key(kr.objective_id)] += 1
        numbers = {"start": kr.start, "target": kr.target, "current": kr.current}
        if whole := _whole_percent(kr.unit, numbers):
            warn(kr, whole[0], whole[1], kr.id)
        if kr.shown_as_percent and (typed := _percent_in_count(kr)):
            warn(kr, typed[0], typed[1], kr.id)
        elif kr.shown_as_percent and not whole and (mixed := _plain_beside_percent(kr)):
            warn(kr, mixed[0], mixed[1], kr.id)
        if milestone := _milestone_numbers(kr):
            warn(kr, milestone[0], milestone[1], kr.id)
        if not kr.owner and "owner" not in kr.unread:  # an Owner in error is said so
            warn(kr, "owner", f"key result {kr.id} has no owner", kr.id)
        if kr.due is not None and not period.start <= kr.due <= period.end:
            warn(
                kr,
                "due",
                f"due date {kr.due.isoformat()} is outside the period "
                f"{period.name} ({period.start} to {period.end})",
                kr.id,
            )
    for objective_id in team.failed_kr_objectives:  # its rows count: their errors are said
        per_objective[id_key(objective_id)] += 1
    for objective in team.objectives:
        count = per_objective.get(id_key(objective.id), 0)
        if count < MIN_KRS or count > MAX_KRS:
            warn(
                objective,
                "objective_id",
                f"objective {objective.id} has {count} key result"
                f"{'' if count == 1 else 's'}; {MIN_KRS} to {MAX_KRS} "
                "keep it focused",
                objective.id,
            )
    for kpi in team.kpis:
        numbers = {f: getattr(kpi, f) for f in KPI_NUMBERS}
        if whole := _whole_percent(kpi.unit, numbers):
            warn(kpi, whole[0], whole[1], kpi.id)
        elif scale := kpi_scale_warning(kpi):
            warn(kpi, scale[0], scale[1], kpi.id)
        if not kpi.owner and "owner" not in kpi.unread:
            warn(kpi, "owner", f"KPI {kpi.id} has no owner", kpi.id)
        if kpi.target is None and kpi.direction.value != "range":
            warn(kpi, "target", f"KPI {kpi.id} has no target, so it cannot be judged", kpi.id)
    if len(team.objectives) > MAX_OBJECTIVES:
        found.append(
            Finding(
                Severity.WARNING,
                f"{len(team.objectives)} objectives; more than {MAX_OBJECTIVES} dilutes focus",
                team.source,
            )
        )
    if len(team.kpis) > MAX_KPIS:
        found.append(
            Finding(
                Severity.WARNING,
                f"{len(team.kpis)} KPIs; more than {MAX_KPIS} is hard to act on",
                team.source,
            )
        )
    return found


def lint_kpi_dates(team: TeamInput, as_of: dt.date) -> list[Finding]:
    """KPIs whose As of date keeps them from ever turning Stale: an Actual with no date,
    or a date after the run's (a mistyped year stays fresh for that year). A tab with no
    As of column is one warning for the tab, not one per KPI every night."""
    found: list[Finding] = []
    no_column: KPI | None = None  # the first KPI with an actual, on a tab without As of
    for kpi in team.kpis:
        message = None
        if kpi.as_of is None and kpi.actual is not None and "as_of" not in kpi.origin.cells:
            no_column = no_column or kpi
        elif kpi.as_of is None and kpi.actual is not None and "as_of" not in kpi.unread:
            message = f"KPI {kpi.id} has an actual but no As of date, so it is never judged stale"
        elif kpi.as_of is not None and (kpi.as_of - as_of).days > AHEAD_DAYS:
            message = (
                f"As of date {kpi.as_of.isoformat()} is after the run's date "
                f"{as_of.isoformat()}; KPI {kpi.id} is not judged stale until it has passed"
            )
        if message is not None:
            found.append(_warning(kpi.origin, "as_of", message, kpi.id))
    if no_column is not None:
        found.append(
            Finding(
                Severity.WARNING,
                "no As of column, so no KPI is ever judged stale; add one with the date of "
                "each Actual",
                no_column.origin.source,
                no_column.origin.tab,
            )
        )
    return found
