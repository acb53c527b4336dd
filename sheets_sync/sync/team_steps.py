"""Phase 2 of a night for one team: score it, plan its owned cells, write them.

The engine (``engine.py``) decides where each step runs: in the read worker that parsed
a team standing alone, in the main process for teams whose KRs read other teams' KPIs,
in a write worker for teams with cells to write. The steps are the same everywhere, so
a night with workers gives exactly what one process gives.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from sheets_sync.backends.base import Backend
from sheets_sync.backends.excel.backend import ExcelBackend
from sheets_sync.backends.excel.files import content_digest
from sheets_sync.backends.excel.safety import ods_not_written
from sheets_sync.domain.models import KPI, Finding, Severity, TeamResult
from sheets_sync.domain.team import evaluate_team
from sheets_sync.errors import ConflictError, FileLockedError, ScratchFileError, SourceError
from sheets_sync.grid import CellWrite, WorkbookData, tab_key
from sheets_sync.loggers import get_logger
from sheets_sync.mapping.room import unwritten
from sheets_sync.sync.outcome import CellChanges, Outcome, TeamError, TeamRun
from sheets_sync.sync.plan import plan_changes, plan_writes
from sheets_sync.sync.readcache import CachedRead, ReadCache, after_write, cache_key
from sheets_sync.sync.reading import TeamRead, internal_error
from sheets_sync.sync.refile import WriteChain, refile
from sheets_sync.sync.spill import blob
from sheets_sync.sync.stale_lock import with_stale_advice
from sheets_sync.workspace_spec import TeamSpec, Workspace

log = get_logger("sheets_sync.sync")


def failed_run(spec: TeamSpec, exc: Exception) -> TeamRun:
    """A bug while scoring or writing one team must not stop the other teams."""
    if isinstance(exc, ScratchFileError):  # not a bug: someone else wrote our scratch file
        why = f"not written: {exc.message}"
        detail = TeamError(type(exc).__name__, why, spec.display_name, team_source=spec.source)
        log.error("%s", detail)
    else:
        log.exception("unexpected error syncing team %s", spec.name)
        detail = internal_error(spec, exc)
    return failed_team(spec, detail)


def failed_team(spec: TeamSpec, detail: TeamError) -> TeamRun:
    """A team that failed, with ``detail`` as its error line too."""
    return TeamRun(spec.name, spec.source, Outcome.FAILED, error=str(detail), error_detail=detail)


def after_writes(state: TeamRead, writes: Sequence[CellWrite]) -> CachedRead | None:
    """The read the team's file gives once ``writes`` are in it (``after_write``)."""
    if not (state.data and state.extract and state.team_input):
        return None
    read = CachedRead(replace(state.data, version=""), state.extract, state.team_input)
    return after_write(read, writes)


def by_workbook(indices: Sequence[int], specs: Sequence[TeamSpec]) -> list[list[int]]:
    """``indices`` grouped by the file their teams write, in order: teams that share a
    workbook (a tab each) are written one after another in one process, each patching
    what the one before it wrote. Written apart, the second found the file changed and
    was never written back (in two processes, they raced). The workbook is the team's
    resolved ``path``; a team of none is a group alone, and so is a Google team (as
    ever: the engine sends none here, its writes take turns by sheet in the Google
    threads, ``google_threads.sheet_turns``, and patch no file; on 2026-12-07, for a day,
    two teams of one sheet were grouped here)."""
    groups: dict[object, list[int]] = {}
    for i, spec in zip(indices, specs, strict=True):
        key = None if spec.is_google else spec.path
        groups.setdefault((spec.source, i) if key is None else key, []).append(i)
    return list(groups.values())


def _link(chain: WriteChain, backend: object, before: str, todo: Sequence[CellWrite]) -> None:
    """Add an Excel write to ``chain``: the bytes it patched, and those it left (unknown
    when the file held the writes already, after a worker died: the chain starts again)."""
    after = getattr(backend, "written_sha256", None)
    if isinstance(backend, ExcelBackend) and after is not None:
        chain.wrote(content_digest(before), after, frozenset(tab_key(w.sheet) for w in todo))


def sharing_teams(reads: Sequence[TeamRead]) -> dict[Path, list[TeamSpec]]:
    """The teams of this run by workbook file, for the workbooks two or more share: the
    ones not written tonight too, whose reads ``TeamSteps.refile`` moves as well."""
    by_path: dict[Path, list[TeamSpec]] = {}
    for r in reads:  # a team whose mapping did not load has no tabs (nor read) to move
        if r.spec.path is not None and r.spec.mapping_error is None:
            by_path.setdefault(r.spec.path, []).append(r.spec)
    return {path: specs for path, specs in by_path.items() if len(specs) > 1}


def with_file_finding(result: TeamResult, finding: Finding) -> TeamResult:
    """``result`` with a finding of the whole file first (``sheet_positions``: a file's
    goes first), made after its checks (``check_order``)."""
    order = result.check_order
    ranks = (len(result.findings), *order) if order else ()
    return replace(result, findings=(finding, *result.findings), check_order=ranks)


def _written(exc: SourceError) -> Outcome:
    """The outcome of a team whose write raised ``exc``: a file changed under us or open
    in Excel is left alone and retried next night; any other source error fails it."""
    if isinstance(exc, ConflictError):
        return Outcome.CONFLICTED
    return Outcome.SKIPPED_LOCKED if isinstance(exc, FileLockedError) else Outcome.FAILED


def _refusal(backend: Backend | None, data: WorkbookData | None) -> SourceError | None:
    """Why a write to ``backend`` now would be refused before it is tried, for a dry run
    to say: ``data`` read from an .ods, which is never written (the team fails; said
    first, open or read-only as it may be), or the file open in Excel or LibreOffice or
    read-only (skipped-locked); None when it would be tried (a Google sheet, whose
    writes are refused only by trying them). Called by its type, not found by name
    (until 2026-12-06 ``getattr``), so mypy catches a rename of the method."""
    return backend.write_refusal(data) if isinstance(backend, ExcelBackend) else None


def _counted(run: TeamRun, backend: Backend | None) -> TeamRun:
    """``run`` with its requests so far: the Sheets API's and Google Drive's (the
    version check of a Google team, ``gsheets/guard.py``)."""
    api = int(getattr(backend, "api_calls", 0))
    return replace(run, api_calls=api, drive_calls=int(getattr(backend, "drive_calls", 0)))


def unadded(run: TeamRun) -> TeamResult | None:
    """The result of a run whose write was refused (open in Excel, read-only, a conflict,
    Google refusing) as a night that writes nothing says its findings (``unwritten``): a
    renamed column's Score "would be added", as nothing was (until a review on 2026-12-07
    it "is added", to be deleted). None when no finding says otherwise (a packed result
    is not unpacked for nothing)."""
    findings = run.findings
    said = unwritten(findings)
    result = None if said == findings else run.result
    return None if result is None else replace(result, findings=said)


@dataclass(frozen=True)
class TeamSteps:
    """What one night needs to score, plan and write any of its teams."""

    workspace: Workspace
    as_of: dt.date
    writes: bool  # write owned cells back (not a dry run, write-back on)
    cache: ReadCache | None = None
    company_ids: frozenset[str] = frozenset()
    #: a dry run of a night that writes: a team whose file that night would leave alone
    #: (open in Excel, read-only) is shown as it would be, not as ``ok``
    previews: bool = False

    def plan(self, state: TeamRead, index: Mapping[str, KPI]) -> tuple[TeamRun, list[CellWrite]]:
        """Score the team and list the owned cells whose value must change."""
        spec = state.spec
        if state.team_input is None or state.extract is None:
            failed = TeamRun(
                spec.name, spec.source, Outcome.FAILED, error=state.error, error_detail=state.detail
            )
            return failed, []
        started = time.perf_counter()
        try:
            team_input = state.team_input
            if not self.writes:  # a renamed column's warning: Score "would be added"
                team_input = replace(team_input, findings=unwritten(team_input.findings))
            result = evaluate_team(
                team_input,
                period=self.workspace.period,
                as_of=self.as_of,
                rules=self.workspace.rules,
                index=index,
                company_objective_ids=self.company_ids or None,
            )
            planned = plan_changes(plan_writes(result, state.extract), state.extract)
        except Exception as exc:
            return failed_run(spec, exc), []
        todo, changes, recoloured = planned
        if (unwritable := self._never_written(state, todo)) is not None:
            result = with_file_finding(result, unwritable)
        changed = CellChanges(changes)
        run = TeamRun(
            spec.name,
            spec.source,
            Outcome.UNCHANGED,
            result,
            changes=changed,
            recoloured=recoloured,
        )
        state.seconds += time.perf_counter() - started
        return run, todo

    def _never_written(self, state: TeamRead, todo: list[CellWrite]) -> Finding | None:
        """A team read from an .ods, which is never written, is told so each night in the
        failure's words, as a warning, when its run does not fail with them: nothing to
        write tonight, or a run that writes nothing (``validate``, ``--no-write-back``).
        Until a review on 2026-12-07 such a night was ``ok, 0 cells``, and the team failed
        without warning the first night a cell changed."""
        data = state.data
        if data is None or data.meta.get("format") != "ods":
            return None
        if todo and (self.writes or self.previews):
            return None  # the write, or the dry run's refusal, fails the team with it
        path = state.spec.path
        name = path.name if path is not None else data.source
        return Finding(Severity.WARNING, ods_not_written(name), state.spec.display_name)

    def write(self, state: TeamRead, run: TeamRun, todo: list[CellWrite]) -> TeamRun:
        """Write the planned cells (when this run writes), then remember the file."""
        if run.outcome is Outcome.FAILED:  # its read's requests were made all the same
            return _counted(replace(run, seconds=state.seconds), state.backend)
        started = time.perf_counter()
        if todo and self.writes:
            assert state.backend is not None and state.data is not None
            try:
                state.backend.write(state.data, todo)
                run = replace(run, outcome=Outcome.OK)
                self.remember(state, todo)
            except SourceError as refused:
                exc = with_stale_advice(refused, state.spec.path)
                detail = TeamError.of(exc, state.spec.display_name, state.spec.source)
                run = replace(run, outcome=_written(exc), error=str(exc), error_detail=detail)
                if (said := unadded(run)) is not None:
                    run = replace(run, held=said)
        elif todo:
            run = replace(run, outcome=Outcome.OK)
            if self.previews and (refusal := _refusal(state.backend, state.data)) is not None:
                refusal = with_stale_advice(refusal, state.spec.path)
                detail = TeamError.of(refusal, state.spec.display_name, state.spec.source)
                run = replace(
                    run, outcome=_written(refusal), error=str(refusal), error_detail=detail
                )
        if run.outcome is Outcome.UNCHANGED or not self.writes:
            self.remember(state, ())  # the file as read is the file as it stays
        seconds = state.seconds + time.perf_counter() - started
        return _counted(replace(run, seconds=seconds), state.backend)

    def finish(
        self, state: TeamRead, follows: str | None = None, chain: WriteChain | None = None
    ) -> tuple[TeamRun, str | None]:
        """Write a planned team (``write``) and let go of its read. Returns its run and
        the version its write left the file at, for the next team of the same workbook:
        ``follows`` is that version when this team comes next, so the file changed by the
        run's own write is patched again, not taken for a user's save (``by_workbook``).
        A team that writes nothing (its write refused) passes ``follows`` on: the file is
        still as the team before it left it. ``chain`` records the write (``refile``)."""
        assert state.run is not None
        try:
            unpacked = state.unpack()
            if follows is not None and unpacked.data is not None:
                unpacked.data = replace(unpacked.data, version=follows)
            before = unpacked.data.version if unpacked.data is not None else ""
            run = self.write(unpacked, state.run, state.todo)
            wrote = run.outcome is Outcome.OK and bool(state.todo) and self.writes
            if wrote and chain is not None:
                _link(chain, unpacked.backend, before, state.todo)
            return run, getattr(unpacked.backend, "written_version", None) if wrote else follows
        except Exception as exc:
            return failed_run(state.spec, exc), follows
        finally:
            state.release()

    def refile(self, chain: WriteChain, specs: Sequence[TeamSpec]) -> None:
        """Once a workbook's last write landed: its teams' reads under the final digest."""
        if self.cache is not None and len(specs) > 1:
            ws = self.workspace
            refile(self.cache, chain, specs, ws.max_workbook_bytes, ws.period)

    def remember(self, state: TeamRead, written: Sequence[CellWrite]) -> None:
        """Cache what the file holds now, so the next run does not parse it again: the
        parse of a miss as it was, or after a write the same inputs with the values written
        (one put a team either way)."""
        if self.cache is None or (state.cache_miss_key is None and not written):
            return
        if written:
            sha = getattr(state.backend, "written_sha256", None)
            if sha is None:
                return
            ws = self.workspace
            key = cache_key(sha, state.spec, ws.max_workbook_bytes, ws.period)
            if state.entry is not None:  # pickled where the team was planned
                self.cache.put_pickled(state.spec, key, blob(state.entry))
            elif (after := after_writes(state, written)) is not None:
                self.cache.put(state.spec, key, after)
            return
        assert state.data and state.extract and state.team_input and state.cache_miss_key
        read = CachedRead(replace(state.data, version=""), state.extract, state.team_input)
        self.cache.put(state.spec, state.cache_miss_key, read)
