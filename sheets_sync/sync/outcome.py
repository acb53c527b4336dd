"""What happened to each team in a run; the rollup and the run report read these."""

from __future__ import annotations

import datetime as dt
import pickle
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, overload

from sheets_sync import unpickle
from sheets_sync.domain.company import aligned_objectives
from sheets_sync.domain.models import (
    AlignedObjective,
    CompanyObjective,
    Finding,
    Period,
    TeamResult,
)
from sheets_sync.domain.rules import ScoringRules
from sheets_sync.domain.shown import show_pair, shown_float, shown_text
from sheets_sync.domain.values import without_lone_surrogates
from sheets_sync.errors import SheetsSyncError, format_location
from sheets_sync.grid import CellError
from sheets_sync.pickling import SharedStrEnum, fast_pickle

if TYPE_CHECKING:
    from sheets_sync.sync.team_rows import PackedResult


class Outcome(SharedStrEnum):
    OK = "ok"  # read, scored and written back
    UNCHANGED = "unchanged"  # read and scored; nothing to write
    CONFLICTED = "conflicted"  # changed while we worked; not overwritten, retried next run
    SKIPPED_LOCKED = "skipped-locked"  # open in Excel; read but not written
    FAILED = "failed"  # could not be read; see error

    @property
    def status(self) -> str:
        """The word people read, in the company workbook, its exports and sync's output:
        ``unchanged`` says ``ok`` too. Both mean the team synced (whether this run wrote
        cells is its cell count), and a workbook left alone on a quiet night, or an export,
        said ``unchanged`` where the other said ``ok`` for the same team."""
        return Outcome.OK.value if self is Outcome.UNCHANGED else self.value

    @property
    def written(self) -> bool:
        """A run of this outcome has its cell changes in the file, or would after a dry
        run; conflicted, left alone (open in Excel, read-only) or failed: not. What the
        summary line and the run report's ``totals.cells_changed`` count."""
        return self in (Outcome.OK, Outcome.UNCHANGED)


#: what a dry run's line shows escaped (``\n``): a formula typed with Alt+Enter split it
#: a number the sync would write that is this close to the cell's is the same number,
#: unless its shortest form has fewer digits than the cell's, which then carries noise
#: the sync cleans once (``plan.same_value``); a dry run shows both with the digits Excel
#: shows
SAME_WITHIN = 1e-9

_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")


@fast_pickle
@dataclass(frozen=True, slots=True)
class CellChange:
    tab: str
    cell: str
    old: object
    new: object
    #: the formula the cell held, ``old`` its value, replaced by ``new`` ("" when its
    #: text is another cell's, a shared formula's); None when it held a value. Last, so
    #: changes pickled before it load (without it).
    formula: str | None = None

    def shown_old(self) -> str:
        """``old`` as a dry run prints it: a formula's text with its value, ``=0.5+0.5
        (1.0)``, so a cell written although it shows the sync's value says why; its
        control characters escaped (``\\n``), so it stays on its line. A formula no
        program computed (openpyxl writes none of their values) showed ``(None)``, an empty
        cell ``None``, Python's word, until 2026-12-06."""
        if self.formula is None:
            return self._pair()[0] or shown_value(self.old)
        formula = _UNPRINTABLE.sub(lambda m: repr(m[0])[1:-1], self.formula)
        value = "no cached value" if self.old is None else self._pair()[0] or _shown(self.old)
        return f"{formula or 'a formula'} ({value})"

    def shown_new(self) -> str:
        """``new`` as a dry run prints it (``(empty)``: a note the sync clears)."""
        return self._pair()[1] or shown_value(self.new)

    def _pair(self) -> tuple[str, str] | tuple[None, None]:
        """Two numbers as ``shown.show_pair`` shows them, every digit where the digits Excel
        shows read the same both sides (``123456789.1 -> 123456789.1`` until 2026-12-06);
        ``None`` unless both are floats. A cell whose noise the sync cleans (``cleaned``)
        shows its old value in full: the night after the update that writes scores with
        15 digits listed ``OKRs!R3: 0.6 -> 0.6`` (until 2026-12-07), now
        ``0.6000000000000001 -> 0.6``."""
        if isinstance(self.old, float) and isinstance(self.new, float):
            old, new = show_pair(self.old, self.new, apart=SAME_WITHIN)
            return (repr(self.old) if self.cleaned() else old), new
        return None, None

    def cleaned(self) -> bool:
        """``old`` and ``new`` are numbers within ``SAME_WITHIN`` that differ, ``new``
        already its 15 digits Excel shows: the change takes the noise out of the cell (an
        earlier sync's 0.6000000000000001 written 0.6), and the two read the same."""
        old, new = self.old, self.new
        if not (isinstance(old, float) and isinstance(new, float)) or old == new:
            return False
        return abs(old - new) <= SAME_WITHIN and shown_float(new) == new


def shown_value(value: object) -> str:
    """A cell's value on a dry run's line: text quoted, a number as it is, ``(empty)``."""
    return EMPTY_SHOWN if value is None else _shown(value)


def _shown(value: object) -> str:
    """A value as the rest of the project prints it: a date in ISO form, a checkbox TRUE or
    FALSE, an error value its code (``datetime.date(2026, 1, 5)``, ``True`` and
    ``CellError(code='#N/A', detail='')`` until 2026-12-06), a number with the digits Excel
    shows (``shown.shown_text``: ``0.6``, not ``0.6000000000000001``)."""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return shown_text(value)
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, dt.timedelta | CellError):
        return str(value)
    return repr(value)


#: an empty cell on a dry run's line (``KPIs!S2: (empty) -> 'last status ...'``)
EMPTY_SHOWN = "(empty)"


class CellChanges(Sequence[CellChange]):
    """A team's cell changes, held as one pickle. A night keeps every team's (about 100
    a team) for its report, which counts them and writes each once; as objects they were
    a third of a night's results in memory, as a pickle a sixth of that."""

    __slots__ = ("_blob", "_count")

    def __init__(self, changes: Iterable[CellChange] = ()) -> None:
        items = tuple(changes)
        self._count = len(items)
        self._blob = pickle.dumps(items, pickle.HIGHEST_PROTOCOL) if items else b""

    def _items(self) -> tuple[CellChange, ...]:
        # The blob may come from a shard results file (``_unpickle_changes``).
        items: tuple[CellChange, ...] = unpickle.loads(self._blob) if self._count else ()
        return items

    def __len__(self) -> int:
        return self._count

    def __iter__(self) -> Iterator[CellChange]:
        return iter(self._items())

    @overload
    def __getitem__(self, index: int) -> CellChange: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[CellChange]: ...
    def __getitem__(self, index: int | slice) -> CellChange | Sequence[CellChange]:
        return self._items()[index]

    def __eq__(self, other: object) -> bool:
        if isinstance(other, CellChanges):
            return self._blob == other._blob or self._items() == other._items()
        if isinstance(other, tuple | list):
            return self._items() == tuple(other)
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self._items())

    def __repr__(self) -> str:
        return f"CellChanges({list(self._items())!r})"

    def __reduce__(self) -> tuple[Any, ...]:
        return _unpickle_changes, (self._blob, self._count)


def _unpickle_changes(blob: bytes, count: int) -> CellChanges:
    changes = CellChanges()
    changes._blob, changes._count = blob, count
    return changes


#: ``TeamError.kind`` of a failure that is no ``SheetsSyncError``: a bug in sheets-sync, or
#: the worker process that read or wrote the file died
INTERNAL = "internal"


#: ``TeamError.kind`` of a team whose mapping did not load (``reading.mapping_failure``)
MAPPING_ERROR = "MappingError"


#: a ``MAPPING_ERROR``'s message: where the workspace names the mapping (its line first
#: since 2026-12-07, or none), then the mapping's problems
_MAPPING_WHERE = re.compile(
    r"((?:line [0-9]+: )?(?:teams\[[0-9]+\]\.mapping|default_mapping)): (.+)", re.S
)


def mapping_where(message: str) -> tuple[str, str] | None:
    """(where the workspace names the mapping, its problems) of a ``MAPPING_ERROR``'s
    message (``TeamSpec.mapping_error``): ``line 5: teams[1].mapping`` (its line first
    since 2026-12-07, or none) and ``mine.yaml: line 4: ...``; None for another message.
    The one parser of that form: the console's, and the notification's after the
    workspace file's name (until 2026-12-07 it had a regex of its own, which took a
    file named with a colon for no mapping error)."""
    found = _MAPPING_WHERE.fullmatch(message)
    return None if found is None else (found[1], found[2])


def same_mapping_error(first: dict[str, str], team: str, where: str, problems: str) -> str | None:
    """None at the first team whose mapping failed with ``problems`` (noted in ``first``);
    for each later one the line that points back to it, ``teams[1].mapping: the same
    mapping error as Sales (above)``: the console and the notification's text tell a
    mapping 200 teams share once, not in 200 long lines."""
    said = first.setdefault(problems, team)
    return None if said == team else f"{where}: the same mapping error as {said} (above)"


@fast_pickle
@dataclass(frozen=True, slots=True)
class TeamError:
    """Why a team was not synced, as fields: ``TeamRun.error`` is the line people read,
    and a program had to parse it to learn which file, tab or cell to point at. Plain
    strings, not the exception: a run's results cross processes and shard results files,
    which load only sheets-sync's own data classes (``unpickle.py``).

    ``kind`` names the class in ``sheets_sync.errors`` (``"ConflictError"``,
    ``"LayoutError"``...), or is ``"internal"`` (``INTERNAL``); ``message`` is the reason
    without the place; ``source`` the place as the line names it (the file's name, or a
    Google sheet's title and key once it was read), for people; ``team_source`` the team's
    ``source`` as configured (``TeamSpec.source``), for a program to map back to the team."""

    kind: str
    message: str
    source: str | None = None
    tab: str | None = None
    cell: str | None = None
    # last, so a format-3 shard results file written before it loads (without it)
    team_source: str | None = None

    @classmethod
    def of(cls, exc: BaseException, source: str, team_source: str | None = None) -> TeamError:
        """``exc`` of the team whose file is ``source`` (the error's own when it names one)."""
        if not isinstance(exc, SheetsSyncError):
            why = f"internal error ({type(exc).__name__}: {exc})"
            return cls(INTERNAL, why, source, team_source=team_source)
        where = exc.source or source
        return cls(type(exc).__name__, exc.message, where, exc.tab, exc.cell, team_source)

    @property
    def location(self) -> str:
        """``sales.xlsx!OKRs!J7``: the parts known, joined as messages write them."""
        return format_location(self.source, self.tab, self.cell)

    @property
    def error_class(self) -> type[SheetsSyncError] | None:
        """The ``sheets_sync.errors`` class ``kind`` names, for ``issubclass`` (a
        ``ConflictError`` is retried next night); None for an internal one."""
        from sheets_sync import errors

        found = getattr(errors, self.kind, None)
        is_ours = isinstance(found, type) and issubclass(found, SheetsSyncError)
        return found if is_ours else None

    def __str__(self) -> str:
        return f"{self.location}: {self.message}" if self.location else self.message


@fast_pickle
@dataclass(frozen=True, slots=True, eq=False)
class TeamRun:
    """One team's run. Its result is ``held`` as objects, or packed (``PackedResult``):
    through the night, and in the ``SyncResult`` too, where a night of 2,000 teams' results
    as objects was 65 MB. ``result`` unpacks a packed one on each call, so a consumer
    that needs it more than once keeps it; ``findings`` and ``aligned`` need no unpacking."""

    team: str
    source: str
    outcome: Outcome
    held: TeamResult | PackedResult | None = None  # None when the team could not be read
    error: str | None = None
    changes: Sequence[CellChange] = ()  # a ``CellChanges`` from the engine
    seconds: float = 0.0
    api_calls: int = 0
    # ``error`` as fields (file, tab, cell, class): last, so older pickles load without it
    error_detail: TeamError | None = None
    #: Status cells written for their colour alone (recoloured by hand), not in ``changes``:
    #: last, so older pickles load without it
    recoloured: int = 0
    #: Google Drive calls (the version check, ``gsheets/guard.py``; Drive's quota, not
    #: the Sheets API's ``api_calls``): last, so older pickles load without it
    drive_calls: int = 0

    @property
    def result(self) -> TeamResult | None:
        held = self.held  # a PackedResult otherwise (imported for its type only: a cycle)
        return held if held is None or isinstance(held, TeamResult) else held.load()

    @property
    def packed(self) -> PackedResult | None:
        held = self.held
        return None if held is None or isinstance(held, TeamResult) else held

    @property
    def scored(self) -> bool:
        """The team was read and scored: it has a result, maybe packed."""
        return self.held is not None

    @property
    def findings(self) -> tuple[Finding, ...]:
        held = self.held
        return () if held is None else held.findings

    @property
    def aligned(self) -> tuple[AlignedObjective, ...]:
        """Its objectives that count toward company objectives (``domain/company.py``)."""
        held = self.held
        if isinstance(held, TeamResult):
            return aligned_objectives(held)
        return () if held is None else held.aligned

    @property
    def failed(self) -> bool:
        return self.outcome is Outcome.FAILED

    def _key(self) -> tuple[object, ...]:
        fields = (self.team, self.source, self.outcome, self.error, self.error_detail)
        return (*fields, self.seconds, self.api_calls, self.recoloured, self.drive_calls)

    def __eq__(self, other: object) -> bool:
        """By value, whether the results are held as objects or packed."""
        if not isinstance(other, TeamRun):
            return NotImplemented
        return (
            self._key() == other._key()
            and self.changes == other.changes
            and (self.held is other.held or self.result == other.result)
        )

    def __hash__(self) -> int:
        return hash(self._key())


def storable_run(run: TeamRun) -> TeamRun:
    """``run``, a lone surrogate in its team, source or error shown as U+FFFD
    (``without_lone_surrogates``): no UTF-8 text (pandas' strings, the history store)
    holds one, and a library caller's TeamRun may be named after a file name that is no
    UTF-8 (``\\udcc9quipe``). The configuration fails such a file's team alone."""
    team, source = without_lone_surrogates(run.team), without_lone_surrogates(run.source)
    error = None if run.error is None else without_lone_surrogates(run.error)
    if (team, source, error) == (run.team, run.source, run.error):
        return run
    return replace(run, team=team, source=source, error=error)


def first_runs(runs: Iterable[TeamRun]) -> Iterator[TeamRun]:
    """Each team's first run, in order, as ``storable_run`` gives it. A team listed twice
    (a library caller's runs, or two names that are one once a lone surrogate is U+FFFD;
    the configuration, ``sync --team`` and a shard merge never list one twice) is its
    first listing, as the rollup has it (``rollup.tables.first_listings``): so are its
    history, its alerts and its alert baseline. Until 2026-12-07 the history held its
    last listing and the alerts went through every listing (one alert a listing)."""
    seen: set[str] = set()
    for listed in runs:
        run = storable_run(listed)
        if run.team not in seen:
            seen.add(run.team)
            yield run


@fast_pickle
@dataclass(frozen=True, slots=True)
class RunContext:
    """Workspace facts every consumer of a run needs (rollup, report, history)."""

    company: str
    period: Period
    as_of: dt.date
    generated_at: dt.datetime
    company_objectives: Sequence[CompanyObjective] = ()
    rules: ScoringRules = field(default_factory=ScoringRules)
