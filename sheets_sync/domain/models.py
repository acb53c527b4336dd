"""Domain objects: what a team's sheet says, and what the scoring engine concludes.

Pure data, no I/O. Every input item carries an ``Origin`` so any finding about it can
name the file, tab and cell a team lead has to fix.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from dataclasses import dataclass, field

from sheets_sync.domain.number_fields import KPI_NUMBERS, KR_NUMBERS
from sheets_sync.domain.number_fields import refuse_not_finite as _finite
from sheets_sync.domain.number_fields import refuse_not_real as _real
from sheets_sync.errors import ConfigError, format_location
from sheets_sync.grid import a1
from sheets_sync.pickling import SharedStrEnum, fast_pickle


class KRType(SharedStrEnum):
    NUMBER = "number"
    AT_LEAST = "at_least"
    AT_MOST = "at_most"
    MILESTONE = "milestone"


class ObjectiveType(SharedStrEnum):
    COMMITTED = "committed"
    ASPIRATIONAL = "aspirational"


class Status(SharedStrEnum):
    """Pace status of a key result or an objective."""

    ACHIEVED = "Achieved"
    ON_TRACK = "On track"
    AT_RISK = "At risk"
    OFF_TRACK = "Off track"
    NO_DATA = "No data"


class Band(SharedStrEnum):
    """Google's grade band of a 0..1 score."""

    GREEN = "green"
    YELLOW = "yellow"
    RED = "red"


class KPIStatus(SharedStrEnum):
    GREEN = "Green"
    AMBER = "Amber"
    RED = "Red"
    NO_DATA = "No data"
    STALE = "Stale"


class Direction(SharedStrEnum):
    HIGHER = "higher"
    LOWER = "lower"
    RANGE = "range"


class Trend(SharedStrEnum):
    IMPROVING = "Improving"
    WORSENING = "Worsening"
    FLAT = "Flat"


class Frequency(SharedStrEnum):
    """How often a KPI is updated; its window is the longest such interval can be (a
    month 31 days, a quarter 92, half a year 184, a year 366), so a KPI updated on time
    is never Stale (docs/scoring.md)."""

    DAILY = "daily"
    WEEKLY = "weekly"
    BIWEEKLY = "biweekly"
    MONTHLY = "monthly"
    QUARTERLY = "quarterly"
    SEMIANNUAL = "semiannual"
    YEARLY = "yearly"

    @property
    def window_days(self) -> int:
        return _WINDOW_DAYS[self.value]


_WINDOW_DAYS = {
    "daily": 1,
    "weekly": 7,
    "biweekly": 14,
    "monthly": 31,
    "quarterly": 92,
    "semiannual": 184,
    "yearly": 366,
}


class Category(SharedStrEnum):
    LEADING = "leading"
    LAGGING = "lagging"


class Severity(SharedStrEnum):
    ERROR = "error"
    WARNING = "warning"


def _as_member(obj: object, name: str, kind: type[SharedStrEnum], optional: bool = False) -> None:
    """A hand-built object's enum field given as its text (``type="number"``) as the member:
    the scoring compares members by identity (``kr.type is KRType.NUMBER``), so a key
    result typed ``"number"`` was scored as a milestone. A text that is no member is a
    ``ConfigError`` naming the field. One ``type`` check for what the mapping builds."""
    value = getattr(obj, name)
    if type(value) is kind or (optional and value is None):
        return
    try:
        member = kind(value)
    except ValueError:
        words = ", ".join(str(m) for m in kind.__members__.values())
        raise ConfigError(f"{type(obj).__name__}.{name}: {value!r} is not one of {words}") from None
    object.__setattr__(obj, name, member)


@fast_pickle
@dataclass(frozen=True, slots=True)
class Origin:
    """Where an item was read: its row, and the cell of each field on that row."""

    source: str
    tab: str | None = None
    row: int | None = None
    cells: Mapping[str, str] = field(default_factory=dict, hash=False, compare=False)
    #: the fields filled down into blank cells (``fill_down``): (field, row, column) of
    #: the cell each came from, the tuple the rows filled alike share (``RowRecord.filled``)
    filled: tuple[tuple[str, int, int], ...] = field(default=(), hash=False, compare=False)

    def cell(self, field_name: str | None = None) -> str | None:
        if field_name and field_name in self.cells:
            return self.cells[field_name]
        return f"A{self.row}" if self.row and field_name is None else None

    def filled_from(self, field_name: str | None) -> str | None:
        """The cell a field filled down into a blank cell came from (``J2``), or None."""
        at = filled_at(self.filled, field_name)
        return None if at is None else a1(*at)


def filled_at(
    filled: tuple[tuple[str, int, int], ...], field_name: str | None
) -> tuple[int, int] | None:
    """The row and column of the cell ``field_name`` was filled down from, by ``filled``
    (``Origin.filled``, ``RowRecord.filled``), or None."""
    return next(((r, c) for name, r, c in filled if name == field_name), None)


@fast_pickle
@dataclass(frozen=True, slots=True)
class Finding:
    """A problem in a team's input, phrased for the team lead who has to fix it."""

    severity: Severity
    message: str
    source: str
    tab: str | None = None
    cell: str | None = None
    row_id: str | None = None
    team: str | None = None
    row: int | None = None

    def __post_init__(self) -> None:
        if type(self.severity) is not Severity:  # "error" counted as a warning
            _as_member(self, "severity", Severity)

    @property
    def location(self) -> str:
        return format_location(self.source, self.tab, self.cell)

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR

    def __str__(self) -> str:
        return f"{self.location}: {self.message}"

    @classmethod
    def at(
        cls,
        origin: Origin,
        field_name: str | None,
        message: str,
        *,
        severity: Severity = Severity.ERROR,
        row_id: str | None = None,
        team: str | None = None,
    ) -> Finding:
        cell = origin.cell(field_name)
        if cell is None and origin.row is not None:
            cell = f"{origin.row}:{origin.row}"
        return cls(severity, message, origin.source, origin.tab, cell, row_id, team, origin.row)


@fast_pickle
@dataclass(frozen=True, slots=True)
class Period:
    name: str
    start: dt.date
    end: dt.date

    def __post_init__(self) -> None:
        """An end before the start was taken (until 2026-12-07), every key result then
        expected at its target; one day (start = end) is a period."""
        for name in ("start", "end"):
            if not isinstance(getattr(self, name), dt.date):
                raise ConfigError(f"Period.{name}: {getattr(self, name)!r} is not a date")
        if self.end < self.start:
            raise ConfigError(f"Period {self.name}: end {self.end} is before start {self.start}")

    def elapsed_fraction(self, as_of: dt.date, end: dt.date | None = None) -> float:
        """Share of the period gone by at ``as_of`` (an earlier ``end`` ends it sooner)."""
        stop = end or self.end
        total = (stop - self.start).days
        if total <= 0:
            return 1.0 if as_of >= stop else 0.0
        return min(1.0, max(0.0, (as_of - self.start).days / total))

    def ended(self, as_of: dt.date) -> str | None:
        """Why a run as of ``as_of`` is likely a period not updated, or None within it.
        Past the end, expected stays what it was on the last day (the target; 70% of the way
        to it for an aspirational objective) and the margins still apply, so not every KR turns
        Off track: a new quarter's KRs, still near their start, do, and the night alerts
        on each of them."""
        if as_of <= self.end:
            return None
        return (
            f"as of {as_of} is after the end of period {self.name} ({self.end}): every key "
            "result is expected at its target, so a new period's key results, still near "
            "their start, show Off track; if a new period has begun, update period in the "
            "workspace file"
        )

    def not_started(self, as_of: dt.date) -> str | None:
        """Why a run as of ``as_of`` is likely a period updated too early, or None once it
        has begun. Before ``start`` nothing has elapsed, so every key result is expected at
        its start and shows On track: the last nights of the previous period, scored
        against this one, would be recorded in the history as all well."""
        if as_of >= self.start:
            return None
        return (
            f"as of {as_of} is before the start of period {self.name} ({self.start}): every "
            "key result is expected at its start, so one not below its start shows On track; "
            "if the previous period has not ended, keep its period in the workspace file "
            "until its last night has run"
        )


@fast_pickle
@dataclass(frozen=True, slots=True)
class Objective:
    id: str
    title: str
    type: ObjectiveType = ObjectiveType.COMMITTED
    aligns_to: str | None = None
    origin: Origin = field(default_factory=lambda: Origin(""), compare=False)

    def __post_init__(self) -> None:
        if type(self.type) is not ObjectiveType:
            _as_member(self, "type", ObjectiveType)


@fast_pickle
@dataclass(frozen=True, slots=True)
class KeyResult:
    objective_id: str
    id: str
    description: str = ""
    owner: str | None = None
    type: KRType = KRType.NUMBER
    start: float | None = None
    target: float | None = None
    current: float | None = None
    unit: str | None = None
    weight: float = 1.0
    confidence: float | None = None
    due: dt.date | None = None
    kpi_link: str | None = None
    comment: str | None = None
    origin: Origin = field(default_factory=lambda: Origin(""), compare=False)
    #: start/target/current whose cells show a percentage (a typed 45% is stored 0.45)
    shown_as_percent: frozenset[str] = field(default=frozenset(), compare=False)
    #: fields whose cell holds what cannot be read (an error said on it), read as blank:
    #: none a score needs, or the row is not scored (``mapping.parse.KR_SCORED``)
    unread: frozenset[str] = field(default=frozenset(), compare=False)

    def __post_init__(self) -> None:
        if type(self.type) is not KRType:
            _as_member(self, "type", KRType)
        try:  # NaN or infinite when one of them is: one sum on the hot path
            total = (
                (self.start or 0.0)
                + (self.target or 0.0)
                + (self.current or 0.0)
                + self.weight
                + (self.confidence or 0.0)
            )
            finite = math.isfinite(total)  # not inf - inf: numpy warns of it
        except (TypeError, ArithmeticError):  # a text, a None weight: refused; a Decimal
            _finite(self, KR_NUMBERS)  # a NaN said first, as it always was
            _real(self, KR_NUMBERS, optional=("start", "target", "current", "confidence"))
            return
        if not finite:
            _finite(self, KR_NUMBERS)


@fast_pickle
@dataclass(frozen=True, slots=True)
class KPI:
    id: str
    name: str = ""
    owner: str | None = None
    category: Category | None = None
    frequency: Frequency = Frequency.MONTHLY
    unit: str | None = None
    direction: Direction = Direction.HIGHER
    target: float | None = None
    lower: float | None = None
    upper: float | None = None
    amber_threshold: float | None = None
    actual: float | None = None
    previous: float | None = None
    as_of: dt.date | None = None
    comment: str | None = None
    origin: Origin = field(default_factory=lambda: Origin(""), compare=False)
    #: the number fields whose cells show a percentage (a typed 10% is stored 0.1)
    shown_as_percent: frozenset[str] = field(default=frozenset(), compare=False)
    #: fields whose cell holds what cannot be read (an error said on it), read as blank:
    #: none its status needs (``mapping.parse.KPI_SCORED``); an unread As of leaves it
    #: never judged Stale, an unread Frequency judged against a year (``kpi.is_stale``)
    unread: frozenset[str] = field(default=frozenset(), compare=False)

    def __post_init__(self) -> None:
        if not (
            (self.category is None or type(self.category) is Category)
            and type(self.frequency) is Frequency
            and type(self.direction) is Direction
        ):
            _as_member(self, "category", Category, optional=True)
            _as_member(self, "frequency", Frequency)
            _as_member(self, "direction", Direction)
        try:
            total = (
                (self.target or 0.0)
                + (self.lower or 0.0)
                + (self.upper or 0.0)
                + (self.amber_threshold or 0.0)
                + (self.actual or 0.0)
                + (self.previous or 0.0)
            )
            finite = math.isfinite(total)
        except (TypeError, ArithmeticError):  # a text, a Decimal, an int past a float
            _finite(self, KPI_NUMBERS)  # a Decimal NaN said first
            _real(self, KPI_NUMBERS, optional=KPI_NUMBERS)  # refused as a key result's
            return
        if not finite:
            _finite(self, KPI_NUMBERS)


@fast_pickle
@dataclass(frozen=True, slots=True)
class TeamInput:
    """Everything read from one team's source, already validated row by row."""

    team: str
    source: str
    objectives: tuple[Objective, ...] = ()
    key_results: tuple[KeyResult, ...] = ()
    kpis: tuple[KPI, ...] = ()
    findings: tuple[Finding, ...] = ()
    #: the objective ID of each key result row left out for its errors: an objective whose
    #: key results all failed has them still ("has 0 key results" said it had none)
    failed_kr_objectives: tuple[str, ...] = ()
    #: (tab, what the mapping looked for) of each key-result tab with no Start column:
    #: its number key results are said once, at the tab (``domain.no_start``), naming it
    no_start: tuple[tuple[str, str], ...] = ()
    #: (objective ID, KR ID, row) of each key result row left out for its errors whose
    #: Weight does not read 0 (in error, blank or above 0): an objective whose scored key
    #: results all weigh 0 names them (``validate_weights``; "every key result has
    #: weight 0" was untrue of them); a row with no KR ID it can read is named "row 7"
    failed_krs: tuple[tuple[str, str, int], ...] = ()


@fast_pickle
@dataclass(frozen=True, slots=True)
class KRResult:
    kr: KeyResult
    score: float
    progress: float | None
    expected: float
    status: Status
    band: Band
    current: float | None
    current_from: str | None = None  # "Sales/KPI-3" when fed from a KPI


@fast_pickle
@dataclass(frozen=True, slots=True)
class ObjectiveResult:
    objective: Objective
    key_results: tuple[KRResult, ...]
    score: float | None
    expected: float
    status: Status
    band: Band | None


@fast_pickle
@dataclass(frozen=True, slots=True)
class KPIResult:
    kpi: KPI
    status: KPIStatus
    last_status: KPIStatus | None
    variance: float | None
    variance_pct: float | None
    trend: Trend | None


@fast_pickle
@dataclass(frozen=True, slots=True)
class TeamResult:
    team: str
    source: str
    objectives: tuple[ObjectiveResult, ...]
    kpis: tuple[KPIResult, ...]
    findings: tuple[Finding, ...]  # by tab, row, then column (``domain/findings_order.py``)
    net_confidence: float | None
    #: ``findings[i]`` was the ``check_order[i]``-th its checks made: a row's Sync notes
    #: cell lists them in that order, as before the sort ("Not scored"'s error first);
    #: empty (a library caller's result): ``findings``' own order
    check_order: tuple[int, ...] = ()

    @property
    def key_results(self) -> tuple[KRResult, ...]:
        return tuple(kr for o in self.objectives for kr in o.key_results)

    @property
    def errors(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.is_error)

    @property
    def warnings(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if not f.is_error)


@fast_pickle
@dataclass(frozen=True, slots=True)
class CompanyObjective:
    id: str
    title: str
    weight: float = 1.0

    def __post_init__(self) -> None:
        """A NaN or infinite weight is refused as a key result's (until 2026-12-07 it went
        into the rollup's Company objectives table as is)."""
        _finite(self, ("weight",))


@fast_pickle
@dataclass(frozen=True, slots=True)
class AlignedObjective:
    """A team objective that counts toward a company objective: what the company score
    needs of it, not its whole result (a night keeps every team's, one result at a time)."""

    team: str
    objective_id: str
    aligns_to: str
    score: float | None


@fast_pickle
@dataclass(frozen=True, slots=True)
class CompanyObjectiveResult:
    objective: CompanyObjective
    score: float | None
    band: Band | None
    aligned: tuple[AlignedObjective, ...]
