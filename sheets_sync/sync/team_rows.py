"""A scored team's rows for the rollup's long tables, and its result packed for the night.

The rollup's objectives, key_results, kpis and findings tables are one row per item of
each team's result, and the history snapshot is a few columns of the same rows. The
engine makes them where the team was scored (a read worker, in parallel) and keeps them
with the result as pickles (``PackedResult``), parked in the night's spill file: the main
process then builds the rollup and records the history without holding every team's
result as objects (~33 KB a team). The night's ``SyncResult`` keeps them packed too, in
memory (``PackedResult.kept``); ``TeamRun.result`` unpacks one. Given plain runs,
``rows_for`` makes the same rows from the results. No pandas here, so the workers need
nothing more than the domain.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from sheets_sync.domain.company import aligned_objectives
from sheets_sync.domain.models import (
    AlignedObjective,
    Finding,
    KPIResult,
    KRResult,
    ObjectiveResult,
    Status,
    TeamResult,
)
from sheets_sync.pickling import fast_pickle, hash_by_value
from sheets_sync.sync.outcome import RunContext, TeamRun
from sheets_sync.sync.spill import Parked, Spill, blob, pickled, unpickled

Values = tuple[object, ...]

BASE = ("Team", "Period", "As of", "Source", "Stale data", "Last successful read")
OBJECTIVE = (
    *BASE,
    *("Objective ID", "Title", "Objective type", "Aligns to", "Score", "Expected"),
    *("Status", "Band", "KR count"),
)
KEY_RESULT = (
    *BASE,
    *("Objective ID", "KR ID", "Description", "Owner", "KR type", "Start", "Target"),
    *("Current", "Current from KPI", "Unit", "Weight", "Confidence", "Due date"),
    *("KPI link", "Comment", "Progress", "Score", "Expected", "Status", "Band"),
)
KPI = (
    *BASE,
    *("KPI ID", "Name", "Owner", "Category", "Frequency", "Unit", "Direction", "Target"),
    *("Lower", "Upper", "Amber threshold", "Actual", "Previous", "KPI as of", "Comment"),
    *("Status", "Last status", "Variance", "Variance %", "Trend"),
)
FINDING = (*BASE, "Severity", "Tab", "Cell", "Row", "Row ID", "Message")
NAMES = {"objectives": OBJECTIVE, "key_results": KEY_RESULT, "kpis": KPI, "findings": FINDING}
#: The run's clock in every row: the one column a digest of the rows leaves out.
CLOCK = BASE.index("Last successful read")


@fast_pickle
@dataclass(frozen=True, slots=True)
class TeamRows:
    """One team's rows, each a tuple in the order of ``NAMES[table]``."""

    objectives: list[Values]
    key_results: list[Values]
    kpis: list[Values]
    findings: list[Values]  # the result's findings; a run's error is added by the rollup


def naive(moment: dt.datetime) -> dt.datetime:
    """Excel and datetime64 have no time zone: keep the wall-clock time the run recorded."""
    return moment.replace(tzinfo=None)


def base_values(team: str, source: str, context: RunContext) -> Values:
    return (team, context.period.name, context.as_of, source, False, naive(context.generated_at))


def objective_values(base: Values, o: ObjectiveResult) -> Values:
    obj = o.objective
    band = o.band.value if o.band else None
    return (*base, obj.id, obj.title, obj.type.value, obj.aligns_to, o.score, o.expected,
            o.status.value, band, len(o.key_results))  # fmt: skip


def kr_values(base: Values, r: KRResult) -> Values:
    kr = r.kr
    return (*base, kr.objective_id, kr.id, kr.description, kr.owner, kr.type.value,
            kr.start, kr.target, r.current, r.current_from, kr.unit, kr.weight,
            kr.confidence, kr.due, kr.kpi_link, kr.comment, r.progress, r.score, r.expected,
            r.status.value, r.band.value)  # fmt: skip


def kpi_values(base: Values, r: KPIResult) -> Values:
    k = r.kpi
    # a Frequency in error is blank, as it was read (not the monthly it stands for)
    frequency = None if "frequency" in k.unread else k.frequency.value
    return (*base, k.id, k.name, k.owner, k.category.value if k.category else None,
            frequency, k.unit, k.direction.value, k.target, k.lower, k.upper,
            k.amber_threshold, k.actual, k.previous, k.as_of, k.comment, r.status.value,
            r.last_status.value if r.last_status else None, r.variance, r.variance_pct,
            r.trend.value if r.trend else None)  # fmt: skip


def finding_values(base: Values, f: Finding) -> Values:
    # Source is the team's, as in every table (not ``f.source``: the file's name as the
    # message shows it), so Findings joins the other tables on it
    return (*base, f.severity.value, f.tab, f.cell, f.row, f.row_id, f.message)


def team_rows(team: str, source: str, result: TeamResult, context: RunContext) -> TeamRows:
    base = base_values(team, source, context)
    return TeamRows(
        objectives=[objective_values(base, o) for o in result.objectives],
        key_results=[kr_values(base, r) for o in result.objectives for r in o.key_results],
        kpis=[kpi_values(base, k) for k in result.kpis],
        findings=[finding_values(base, f) for f in result.findings],
    )


def rows_digest(rows: TeamRows | None) -> bytes:
    """A digest of a team's rows by value, without the run's clock: what the rollup's
    tables are built from of its result (``rollup_state.inputs_fingerprint``).

    The rows hold only str, numbers, bools, dates and None, hashed by value
    (``hash_by_value``), so equal digests mean equal rows. A seventh of the cost of
    hashing the result tree itself (~0.2 against 1.3 ms a team).
    """
    digest = hashlib.sha256()
    if rows is not None:
        tables = (rows.objectives, rows.key_results, rows.kpis, rows.findings)
        hash_by_value(digest, [[(row[:CLOCK], row[CLOCK + 1 :]) for row in t] for t in tables])
    return digest.digest()


def rows_for(run: TeamRun, context: RunContext) -> TeamRows | None:
    """The run's rows: made already when its result was packed for the night, else now."""
    packed = run.packed
    if packed is not None and packed.rows is not None:
        return packed.team_rows()
    result = run.result
    return None if result is None else team_rows(run.team, run.source, result, context)


@fast_pickle
@dataclass(frozen=True, slots=True)
class PackedResult:
    """A scored team's result as a deflated pickle, held in memory or parked in the night's
    spill file, beside what is read of it without unpacking: its findings and aligned
    objectives, and the ids of its KRs Off track (the alerts compare them with the last
    night's statuses: unpacking 2,000 results to find none turned was 0.6 s of a quiet
    night). While the night runs it also holds the team's rows and (for an Excel rollup)
    their ``rows_digest``."""

    result: bytes | Parked = field(repr=False)
    findings: tuple[Finding, ...]
    aligned: tuple[AlignedObjective, ...]
    rows: bytes | Parked | None = field(default=None, repr=False)
    digest: bytes | None = field(default=None, repr=False)
    off_track: tuple[str, ...] | None = None  # None: not known, unpack to see

    @classmethod
    def pack(
        cls, run: TeamRun, context: RunContext, spill: Spill | None, *, digest: bool
    ) -> PackedResult:
        result = run.result
        assert result is not None
        rows = team_rows(run.team, run.source, result, context)
        made = rows_digest(rows) if digest else None
        aligned = aligned_objectives(result)
        packed = pickled(result, spill, deflate=True)  # kept after the night (``kept``)
        off = tuple(kr.kr.id for o in result.objectives for kr in o.key_results
                    if kr.status is Status.OFF_TRACK)  # fmt: skip
        return cls(packed, result.findings, aligned, pickled(rows, spill), made, off)

    def load(self) -> TeamResult:
        result: TeamResult = unpickled(self.result, deflated=True)
        return result

    def team_rows(self) -> TeamRows:
        assert self.rows is not None
        rows: TeamRows = unpickled(self.rows)
        return rows

    def kept(self) -> PackedResult:
        """What outlives the night: the result's deflated pickle in memory (the spill file
        goes when the run ends; ~3 KB a team against ~33 KB as objects), without the rows."""
        return PackedResult(
            blob(self.result), self.findings, self.aligned, off_track=self.off_track
        )


def packed_run(run: TeamRun, context: RunContext, spill: Spill | None, *, digest: bool) -> TeamRun:
    """The run with its result packed (``digest``: make its ``rows_digest`` too)."""
    if not isinstance(run.held, TeamResult):
        return run
    return replace(run, held=PackedResult.pack(run, context, spill, digest=digest))


def kept_run(run: TeamRun) -> TeamRun:
    """The run as the night's ``SyncResult`` holds it (``PackedResult.kept``)."""
    packed = run.packed
    return run if packed is None else replace(run, held=packed.kept())


class KeptRuns:
    """The ``kept_run`` of each run the engine told its ``progress``, handed out again for
    the night's ``SyncResult``. Keeping a run reads its result's pickle back from the spill
    file, so each call made new bytes (~2.5 KB a team): a progress callback that holds what
    it is told (``run_sync`` keeps the teams done, for a stopped night's lines) and the
    result then held two copies of every result at the night's end (+5 MB at 2,000 teams
    on a quiet night). Now they share one."""

    def __init__(self) -> None:
        self._told: dict[int, tuple[TeamRun, TeamRun]] = {}  # by the told run's id

    def told(self, run: TeamRun, kept: TeamRun) -> TeamRun:
        """``kept`` (``kept_run(run)``), remembered for ``again``."""
        self._told[id(run)] = (run, kept)  # ``run`` held too: its id is not reused
        return kept

    def again(self, run: TeamRun, keep: Callable[[TeamRun], TeamRun]) -> TeamRun:
        """What ``progress`` was told of this very run, else ``keep(run)``."""
        found = self._told.pop(id(run), None)
        return found[1] if found is not None and found[0] is run else keep(run)

    def clear(self) -> None:
        self._told.clear()
