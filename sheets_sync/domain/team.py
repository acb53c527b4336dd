"""Evaluate one team: validate, feed KRs from KPIs, score, lint. Pure."""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import replace

from sheets_sync.domain.findings_order import sheet_positions
from sheets_sync.domain.ids import id_key
from sheets_sync.domain.kpi import is_stale, kpi_status
from sheets_sync.domain.lint import lint_kpi_dates, lint_team
from sheets_sync.domain.models import (
    KPI,
    Finding,
    KeyResult,
    KRResult,
    Objective,
    ObjectiveResult,
    Period,
    Severity,
    TeamInput,
    TeamResult,
)
from sheets_sync.domain.no_start import no_start_column, said_once
from sheets_sync.domain.rules import EPSILON, ScoringRules
from sheets_sync.domain.scales import link_scale_warning
from sheets_sync.domain.scoring import net_confidence, score_key_result, score_objective
from sheets_sync.domain.shown import show_pair
from sheets_sync.domain.team_names import TeamNames, not_one_team
from sheets_sync.domain.validate import (
    duplicate_ids,
    validate_key_result,
    validate_kpi,
    validate_weights,
)
from sheets_sync.errors import ConfigError


def kpi_key(team: str, kpi_id: str) -> str:
    """A KPI's key: its team's name in any case, its ID as IDs compare (``id_key``)."""
    return f"{team.casefold()}/{id_key(kpi_id)}"


class KPIIndex(dict[str, KPI]):
    """KPIs by ``team/id`` (``kpi_key``), and ``names``: the workspace's team names, so
    that a link names a team as ``--team`` does (``linked_kpi``)."""

    def __init__(self, names: Iterable[str] = ()) -> None:
        super().__init__()
        self.names = TeamNames(names)
        self.teams: dict[str, str] = {}  # key -> the team's name as configured


def canonical_ref(ref: str, index: Mapping[str, KPI]) -> str:
    """``ref`` as the rollup's tables spell the KPI it names: its team's name as
    configured, a ``/`` and its ``KPI ID`` as the KPIs table holds it, so a KR's
    ``Current from KPI`` joins the KPIs table on ``Team + "/" + KPI ID``. A link typed
    ``sales/kpi-3`` read team Sales's ``KPI-3`` and said ``sales/kpi-3`` (until
    2026-12-07), which joined nothing. ``ref`` itself when the index cannot tell."""
    key = _lookup(ref, index)[0]
    if key is None or not isinstance(index, KPIIndex) or key not in index.teams:
        return ref
    return f"{index.teams[key]}/{index[key].id}"


def kpi_index(teams: list[TeamInput], names: Iterable[str] = ()) -> KPIIndex:
    """Every team's KPIs by ``team/id`` (case-insensitive), for KRs fed from KPIs. A
    repeated id feeds from its first row, the one scored (``_repeats``): the last used to
    win, so a KR was fed from a row left out of the KPI table. ``names``: every team of
    the workspace (a team a link names may be missing here: its read failed)."""
    index = KPIIndex([*(t.team for t in teams), *names])
    for t in teams:
        repeated = _repeats(k.id for k in t.kpis)
        for position, kpi in enumerate(t.kpis):
            if position not in repeated and (key := kpi_key(t.team, kpi.id)) not in index:
                index[key] = kpi
                index.teams[key] = t.team
    return index


def linked_kpi(ref: str, index: Mapping[str, KPI]) -> tuple[KPI | None, str | None]:
    """The KPI ``ref`` (``Team/KPI-1``) names, or None with why when it is not plain
    that it names none. The team is found as ``--team`` finds one: its name as written
    (case ignored), else without outer spaces, so ``Sales/NPS`` reads team " Sales "
    (kept as written: it keys the history); it found nothing. Two teams whose names
    differ only by outer spaces are not told apart by a guess."""
    key, why = _lookup(ref, index)
    return (index[key] if key is not None else None), why


def _lookup(ref: str, index: Mapping[str, KPI]) -> tuple[str | None, str | None]:
    """The index key of the KPI ``ref`` names (``linked_kpi``), or None with why."""
    key = _as_written(ref, index)
    if key is not None or not isinstance(index, KPIIndex):
        return key, None
    cut = ref.find("/")
    while cut >= 0:  # a team's name may hold a slash: each one may end it
        found = index.names.find(ref[:cut])
        if len(found) > 1:
            return None, not_one_team(found)
        if found and (key := kpi_key(found[0], ref[cut + 1 :])) in index:
            return key, None
        cut = ref.find("/", cut + 1)
    return None, None


def _as_written(ref: str, index: Mapping[str, KPI]) -> str | None:
    """The key of the KPI ``ref`` names with its team's name as written (case ignored):
    the first slash whose two sides name one (a team's name may hold a slash)."""
    cut = ref.find("/")
    while cut >= 0:
        if (key := kpi_key(ref[:cut], ref[cut + 1 :])) in index:
            return key
        cut = ref.find("/", cut + 1)
    return None


def _warn(kr: KeyResult, field: str, message: str) -> Finding:
    return Finding.at(kr.origin, field, message, severity=Severity.WARNING, row_id=kr.id)


def _link_ref(kr: KeyResult, team: str) -> str:
    assert kr.kpi_link
    return kr.kpi_link if "/" in kr.kpi_link else f"{team}/{kr.kpi_link}"


def resolve_current(
    kr: KeyResult, team: str, index: Mapping[str, KPI]
) -> tuple[float | None, str | None, list[Finding]]:
    """The KR's current value, taken from its linked KPI when the sheet leaves it empty."""
    if not kr.kpi_link:
        return kr.current, None, []
    ref = _link_ref(kr, team)
    kpi, why = linked_kpi(ref, index)
    if kpi is None:
        why = why or f"names no KPI (looked for {ref})"
        return kr.current, None, [_warn(kr, "kpi_link", f"KPI link {kr.kpi_link} {why}")]
    if kpi.actual is None:
        return kr.current, None, []
    if kr.current is None:
        return kpi.actual, ref, []
    if abs(kr.current - kpi.actual) > EPSILON:
        current, actual = show_pair(kr.current, kpi.actual, whole=True)
        return (
            kr.current,
            None,
            [
                _warn(
                    kr,
                    "current",
                    f"current value ({current}) differs from KPI {ref} "
                    f"actual ({actual}); the sheet's value is used",
                )
            ],
        )
    return kr.current, None, []


def _link_scale(
    kr: KeyResult, team: str, index: Mapping[str, KPI], current: float | None
) -> str | None:
    """The scale warning of a KR scored from its linked KPI's actual: fed from it, or
    with Current filled with the same value (pasted, or ``=KPIs!L2`` in a plain cell),
    which scored it alike without the warning (2026-12-06)."""
    if not kr.kpi_link or current is None:
        return None
    ref = _link_ref(kr, team)
    kpi = linked_kpi(ref, index)[0]
    if kpi is None or kpi.actual is None or abs(current - kpi.actual) > EPSILON:
        return None
    return link_scale_warning(kr, kpi, ref, current)


def evaluate_team(
    team: TeamInput,
    *,
    period: Period,
    as_of: dt.date,
    rules: ScoringRules = ScoringRules(),
    index: Mapping[str, KPI] | None = None,
    company_objective_ids: frozenset[str] | None = None,
) -> TeamResult:
    if isinstance(as_of, dt.datetime):  # ``datetime - date``: a TypeError (until 2026-12-07)
        as_of = as_of.date()
    elif not isinstance(as_of, dt.date):
        raise ConfigError(f"as_of: {as_of!r} is not a date (give a datetime.date)")
    findings: list[Finding] = list(team.findings)
    index = index if index is not None else kpi_index([team])

    bad_krs: set[int] = set()
    startless: list[KeyResult] = []  # on a tab with no Start column: said once, at it
    for position, kr in enumerate(team.key_results):
        problems = validate_key_result(kr)
        if no_start := no_start_column(kr):
            startless.append(kr)
        if problems or no_start:
            bad_krs.add(position)
            findings += problems
    findings += said_once(startless, dict(team.no_start))
    findings += duplicate_ids(team.key_results, "key result", "kr_id")
    findings += duplicate_ids(team.kpis, "KPI", "id")
    # A repeated id is an error like any other: its row is left out of scores (an objective
    # copied with its key results counted each of them twice).
    bad_krs |= _repeats(kr.id for kr in team.key_results)
    repeated_kpis = _repeats(kpi.id for kpi in team.kpis)

    # IDs compared as ``id_key`` compares them: a key result under ``Ｏ１`` is O1's
    objective_ids = {id_key(o.id) for o in team.objectives}
    grouped: dict[str, list[KeyResult]] = defaultdict(list)
    left_out: dict[str, list[KeyResult]] = defaultdict(list)  # with errors of their own
    for position, kr in enumerate(team.key_results):
        if id_key(kr.objective_id) not in objective_ids:
            findings.append(
                Finding.at(
                    kr.origin,
                    "objective_id",
                    f"key result {kr.id} points at unknown objective {kr.objective_id}",
                    row_id=kr.id,
                )
            )
        elif position not in bad_krs:
            grouped[id_key(kr.objective_id)].append(kr)
        else:
            left_out[id_key(kr.objective_id)].append(kr)

    failed: dict[str, list[tuple[str, int]]] = defaultdict(list)  # left out as read
    for objective_id, kr_id, row in team.failed_krs:
        failed[id_key(objective_id)].append((kr_id, row))

    companies = _by_key(company_objective_ids or ())
    objectives: list[ObjectiveResult] = []
    for typed in team.objectives:
        objective, unknown = _aligned(typed, companies, company_objective_ids is not None)
        findings += unknown
        # a key result names its objective as the objective's row does (``O1`` under
        # ``Ｏ１``): the rollup joins the two on it
        krs = [
            kr if kr.objective_id == objective.id else replace(kr, objective_id=objective.id)
            for kr in grouped.get(id_key(objective.id), [])
        ]
        key = id_key(objective.id)
        weight_problems = validate_weights(objective, krs, left_out.get(key, ()), failed[key])
        findings += weight_problems
        results: list[KRResult] = []
        for kr in krs:
            current, source, notes = resolve_current(kr, team.team, index)
            findings += notes
            fed = linked_kpi(source, index)[0] if source else None
            if scale := _link_scale(kr, team.team, index, current):
                findings.append(_warn(kr, "kpi_link", scale))
            if fed is not None and fed.as_of is not None and is_stale(fed, as_of, rules):
                findings.append(
                    _warn(
                        kr,
                        "kpi_link",
                        f"current value comes from KPI {source}, which is stale "
                        f"(as of {fed.as_of.isoformat()}); update its Actual",
                    )
                )
            results.append(
                score_key_result(
                    kr,
                    period=period,
                    as_of=as_of,
                    objective_type=objective.type,
                    rules=rules,
                    current=current,
                    current_from=canonical_ref(source, index) if source else None,
                )
            )
            if kr.confidence is not None and kr.confidence + EPSILON < rules.low_confidence:
                findings.append(
                    _warn(
                        kr,
                        "confidence",
                        f"confidence {_percent_below(kr.confidence, rules.low_confidence)} "
                        f"is below {rules.low_confidence * 100:g}%",
                    )
                )
        if weight_problems:
            results = []
        objectives.append(
            score_objective(objective, results, period=period, as_of=as_of, rules=rules)
        )

    kpis = []
    for position, kpi in enumerate(team.kpis):
        problems = validate_kpi(kpi)
        findings += problems
        if not problems and position not in repeated_kpis:
            kpis.append(kpi_status(kpi, as_of=as_of, rules=rules))

    findings += lint_team(team, period)
    findings += lint_kpi_dates(team, as_of)
    findings = [f if f.team else _with_team(f, team.team) for f in findings]
    order = sheet_positions(findings)
    all_krs = [kr for o in objectives for kr in o.key_results]
    return TeamResult(
        team.team,
        team.source,
        tuple(objectives),
        tuple(kpis),
        tuple(findings[i] for i in order),
        net_confidence(all_krs),
        tuple(order),
    )


def _percent_below(value: float, threshold: float) -> str:
    """``value`` as a percentage with the decimals it takes to read below ``threshold``:
    whole percents showed a confidence of 39.5% as "40% is below 40%"."""
    limit = float(f"{threshold * 100:g}")
    for places in range(7):
        shown = f"{value * 100:.{places}f}"
        if float(shown) < limit:
            return f"{shown}%"
    return f"{value * 100:g}%"


def _aligned(
    objective: Objective, companies: Mapping[str, str], checked: bool
) -> tuple[Objective, list[Finding]]:
    """The objective with its Aligns to as the configuration spells the company objective
    it names (``_by_key``), or the warning that it names none (``checked``: the workspace
    has company objectives)."""
    if not objective.aligns_to:
        return objective, []
    company = companies.get(id_key(objective.aligns_to))
    if company is not None:
        return replace(objective, aligns_to=company), []
    if not checked:
        return objective, []
    message = f"aligns to {objective.aligns_to}, which is not a company objective in the workspace"
    found = Finding.at(
        objective.origin, "aligns_to", message, severity=Severity.WARNING, row_id=objective.id
    )
    # on the row its cell is: a row below the objective's first gave the value when the
    # first left it blank or unread (``mapping.parse._merge_objective``)
    row = re.fullmatch(r"[A-Z]+([0-9]+)", found.cell or "")
    return objective, [replace(found, row=int(row[1])) if row else found]


def _by_key(company_objective_ids: Iterable[str]) -> dict[str, str]:
    """The company objectives' IDs by ``id_key``: an Aligns to ``ｃ１`` or ``Ｃ１`` names
    ``C1`` of the configuration, and is read as ``C1`` (the rollup's Aligns to and the
    company score match it as the configuration spells it). Until 2026-12-06 an Aligns
    to matched only as typed, and the sheet's reader turned ``Ｃ１`` into ``C1`` for a
    day: one the configuration spelled ``Ｃ１`` named no company objective."""
    found: dict[str, str] = {}
    for company_id in sorted(company_objective_ids):
        found.setdefault(id_key(company_id), company_id)
    return found


def _repeats(ids: Iterable[str]) -> set[int]:
    """Positions of every id after its first occurrence, compared as ``id_key`` compares
    them, as links to a KPI do (``duplicate_ids`` reports them): "kpi-1" and "KPI-1" fed
    one key and were both scored."""
    seen: set[str] = set()
    found: set[int] = set()
    for position, item_id in enumerate(ids):
        key = id_key(item_id)
        if key in seen:
            found.add(position)
        seen.add(key)
    return found


def _with_team(finding: Finding, team: str) -> Finding:
    return replace(finding, team=team)
