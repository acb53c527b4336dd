"""Phase 1 of a night: one team's workbook read into domain objects (``TeamRead``).

A read is what the rest of the night needs of a team: its input for scoring, what a
write-back needs (the backend, the parse of the owned cells) and, once scored, its run and
planned writes. Reads parsed in worker processes come back packed (``TeamRead.pack``).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from sheets_sync.backends.base import Backend
from sheets_sync.backends.excel.backend import ExcelBackend
from sheets_sync.backends.excel.files import content_digest
from sheets_sync.backends.factory import open_backend
from sheets_sync.domain.models import Period, TeamInput
from sheets_sync.errors import SourceError
from sheets_sync.grid import HEADER_FILL_ROWS, CellWrite, WorkbookData
from sheets_sync.loggers import get_logger
from sheets_sync.mapping.extract import Extract, extract
from sheets_sync.mapping.parse import build_team_input
from sheets_sync.sync.outcome import INTERNAL, MAPPING_ERROR, TeamError, TeamRun
from sheets_sync.sync.readcache import CachedRead, ReadCache, cache_key
from sheets_sync.sync.spill import Parked, Spill, parked, pickled, unpickled
from sheets_sync.workspace_spec import TeamSpec, Workspace

log = get_logger("sheets_sync.sync")
BackendFactory = Callable[[TeamSpec, Workspace], Backend]


@dataclass
class TeamRead:
    """One team after phase 1: domain input plus what phase 2 needs to write back."""

    spec: TeamSpec
    backend: Backend | None = None
    data: WorkbookData | None = None
    extract: Extract | None = None
    team_input: TeamInput | None = None
    error: str | None = None
    detail: TeamError | None = None  # ``error`` as fields (``TeamRun.error_detail``)
    seconds: float = 0.0
    cache_miss_key: str | None = None  # parsed, not cached yet: phase 2 stores the newest
    run: TeamRun | None = None  # scored and planned (in the worker that parsed it, if alone)
    todo: list[CellWrite] = field(default_factory=list)  # the planned writes
    pending: int = 0  # how many: known while ``todo`` is packed
    finished: bool = False  # ``run`` is final: nothing to write, done where it was parsed
    packed: bytes | Parked | None = None  # backend, data, extract, input, writes: pickled
    after: CachedRead | None = None  # the read the file will give once written (to cache)
    entry: bytes | Parked | None = None  # ``after``, pickled: what the writer caches
    # (a finished cache hit's: the entry it came from, for ``inputs``)
    cached: bytes | None = None  # a cache hit's entry as the slot held it (``pack``)

    def failed(self, detail: TeamError, error: str | None = None) -> TeamRead:
        """The team could not be read: ``error`` is its line (``detail`` as the line)."""
        self.error, self.detail = error or str(detail), detail
        return self

    def planned(self, run: TeamRun, todo: list[CellWrite]) -> None:
        self.run, self.todo, self.pending = run, todo, len(todo)

    def pack(self, spill: Spill | None = None) -> TeamRead:
        """Hold what only a writer (or the KPI index) needs as one pickle, parked in
        ``spill`` when there is one. A read crosses back from its worker, and waits for
        the forked writers, as a fifth of the objects' size or as a file offset, and is
        unpickled only where it must be planned or written.

        With ``after`` set (a team planned for writing), that is pickled on its own, for
        the writer to cache as it is, and the parse stays out of the writer's pickle.

        A finished cache hit keeps only its input, which a team whose KR reads its KPIs
        may need (``inputs``): the cache entry it came from is that, pickled already
        (pickling its input again was 0.25 s of a quiet night of 2,000 teams)."""
        cached, self.cached = self.cached, None
        if self.finished and cached is not None and self.after is None:
            self.release()
            self.entry = parked(cached, spill)
            return self
        after = self.after
        parse = (None, None) if after is not None else (self.extract, self.team_input)
        heavy = (self.backend, self.data, *parse, self.todo)
        self.release()
        self.packed = pickled(heavy, spill)
        self.entry = pickled(after, spill) if after is not None else None
        return self

    def unpack(self) -> TeamRead:
        if self.packed is not None:
            heavy = unpickled(self.packed)
            self.backend, self.data, self.extract, self.team_input, self.todo = heavy
            self.packed = None
        return self

    def inputs(self) -> TeamInput | None:
        """The team's input, from the cache entry when it was packed there."""
        if self.team_input is None and self.entry is not None:
            entry: CachedRead = unpickled(self.entry)
            return entry.team_input
        return self.team_input

    def release(self) -> None:
        """Drop what only the write needed, once the team is finished: in one process the
        night's reads stay listed until every team is written."""
        self.backend = self.data = self.extract = self.team_input = self.after = None
        self.todo, self.packed, self.entry = [], None, None

    def shipped(self, spill: Spill | None) -> TeamRead:
        """As sent back from a worker: packed, without the spec the parent has already."""
        self.pack(spill)
        self.spec = None  # type: ignore[assignment]
        return self


def team_tabs(spec: TeamSpec) -> list[str]:
    """The tabs a team's read asks the reader for (matched by ``grid.tab_key``)."""
    tabs = list(spec.mapping.okrs.sheet)
    if spec.mapping.kpis is not None:
        tabs += list(spec.mapping.kpis.sheet)
    return tabs


def header_rows(spec: TeamSpec) -> int:
    """How far down a team's read looks for the owned header's grey-blue: as far as its
    mapping seeks a header (a fixed ``row``, or ``search: N``), the first 20 rows at least
    (``grid.HEADER_FILL_ROWS``). Until 2026-12-07 20 rows alone: an owned header typed
    twice on a header at row 25 was never the sync's, and the tab refused every night."""
    tabs = (spec.mapping.okrs, spec.mapping.kpis)
    deepest = (t.header.row or t.header.search or 0 for t in tabs if t is not None)
    return max(HEADER_FILL_ROWS, *deepest)


def internal_error(spec: TeamSpec, exc: Exception) -> TeamError:
    """A bug: its line says so, and asks for a report. An error of ours that is no
    ``SourceError`` is one too where a team's read or write lets it out (a ``ConfigError``
    there is no config problem of the user's): ``internal``, whole, ``problems`` and all."""
    why = f"internal error ({type(exc).__name__}: {exc}); please report it"
    return TeamError(INTERNAL, why, spec.display_name, team_source=spec.source)


def mapping_failure(spec: TeamSpec, workspace: Workspace) -> TeamError:
    """A team whose mapping did not load: the mapping's problems, where the workspace file
    names it, ``sheets-sync.yaml: teams[1].mapping: mine.yaml: ...`` (``config check``'s
    words); the other teams go on."""
    assert spec.mapping_error is not None
    where = workspace.config_path.name
    return TeamError(MAPPING_ERROR, spec.mapping_error, where, team_source=spec.source)


def worker_died(spec: TeamSpec, why: str, wrote: bool = False) -> TeamError:
    """A team whose read or write killed the process it ran in, twice (``parallel.py``)."""
    what = "writing" if wrote else "reading"
    after = (
        "the file is as it was or fully written (never half-written); the next run tries again"
        if wrote
        else "it was not written. If it happens again, please report it with the file"
    )
    message = f"{what} this file stopped its worker process ({why}); {after}"
    return TeamError(INTERNAL, message, spec.display_name, team_source=spec.source)


def _lookup(
    backend: ExcelBackend,
    spec: TeamSpec,
    workspace: Workspace,
    cache: ReadCache,
    probe: bool = True,
) -> tuple[bytes, str, str, tuple[CachedRead, bytes] | None]:
    """The file's bytes, version and cache key, and the cached read for them if any, with
    its pickle (``probe`` False: a known miss, the slot is not loaded again)."""
    raw, version = backend.read_source()
    key = cache_key(content_digest(version), spec, workspace.max_workbook_bytes, workspace.period)
    return raw, version, key, cache.entry(spec, key) if probe else None


def _from_cache(state: TeamRead, hit: CachedRead, version: str) -> TeamRead:
    state.data = replace(hit.data, version=version)
    state.extract, state.team_input = hit.extract, hit.team_input
    return state


def cached_read(
    spec: TeamSpec, workspace: Workspace, factory: BackendFactory, cache: ReadCache
) -> TeamRead | None:
    """The team's read if the cache has its exact bytes, else None (cheap: no parse)."""
    started = time.perf_counter()
    if spec.mapping_error is not None:
        return None  # read_team reports it
    try:
        backend = factory(spec, workspace)
        if not isinstance(backend, ExcelBackend):
            return None
        _, version, _, hit = _lookup(backend, spec, workspace, cache)
    except SourceError:
        return None  # read_team reports it
    if hit is None:
        return None
    state = _from_cache(TeamRead(spec, backend), hit[0], version)
    state.cached = hit[1]
    state.seconds = time.perf_counter() - started
    return state


def read_team(
    spec: TeamSpec,
    workspace: Workspace,
    factory: BackendFactory = open_backend,
    cache: ReadCache | None = None,
    probe: bool = True,
) -> TeamRead:
    started = time.perf_counter()
    state = TeamRead(spec)
    if spec.mapping_error is not None:  # before the file: no read (nor cache) without it
        return state.failed(mapping_failure(spec, workspace))
    try:
        backend = state.backend = factory(spec, workspace)
        if cache is not None and isinstance(backend, ExcelBackend):
            raw, version, key, hit = _lookup(backend, spec, workspace, cache, probe)
            if hit is not None:
                _from_cache(state, hit[0], version)
            else:
                _parse(
                    state,
                    backend.parse(raw, version, team_tabs(spec), header_rows(spec)),
                    workspace.period,
                )
                state.cache_miss_key = key
        else:
            _parse(state, backend.read(team_tabs(spec), header_rows(spec)), workspace.period)
    except SourceError as exc:
        text = str(exc) if exc.source else f"{spec.display_name}: {exc}"
        state.failed(TeamError.of(exc, spec.display_name, spec.source), text)
    except Exception as exc:  # a bug must not stop the other teams
        log.exception("unexpected error reading team %s", spec.name)
        state.failed(internal_error(spec, exc))
    state.seconds = time.perf_counter() - started
    return state


def _parse(state: TeamRead, data: WorkbookData, period: Period) -> None:
    parsed = extract(data, state.spec.mapping, period)
    state.team_input = build_team_input(state.spec.name, parsed)
    state.extract = parsed.for_writing()  # the rows' input values live on in team_input
    # Keep only what a write needs; the grids would hold every cell of every team.
    state.data = WorkbookData(data.source, data.sheet_names, {}, data.version, data.meta)
