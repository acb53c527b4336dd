"""The nightly job: read every team, score, write owned cells back, roll up.

Two phases, because a KR may be fed from another team's KPI: first every team is read
into small domain objects (the grids are dropped at once, so memory stays flat as teams
grow; ``reading.py``), then each team is scored and written (``team_steps.py``). A
failing team never stops the others. This module decides where each step runs: here, or
in forked workers (``parallel.py``).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import replace

from sheets_sync.backends.factory import end_run, for_run, open_backend, start_run
from sheets_sync.config import TeamSpec, Workspace
from sheets_sync.domain.models import KPI, TeamInput
from sheets_sync.domain.team import kpi_index
from sheets_sync.domain.team_names import team_key
from sheets_sync.errors import Interrupted
from sheets_sync.loggers import get_logger
from sheets_sync.ops.history import HistoryStore
from sheets_sync.sync import rollup_step, stops, team_steps
from sheets_sync.sync.google_threads import read_in_threads
from sheets_sync.sync.linked import (
    LINKS_FILE,
    LinkedWrites,
    linked_teams,
    load_links,
    read_order,
    save_links,
)
from sheets_sync.sync.night_end import NightEnd
from sheets_sync.sync.options import SyncOptions
from sheets_sync.sync.outcome import Outcome, RunContext, TeamRun
from sheets_sync.sync.parallel import map_in_workers
from sheets_sync.sync.readcache import ReadCache
from sheets_sync.sync.reading import (
    BackendFactory,
    TeamRead,
    cached_read,
    read_team,
    worker_died,
)
from sheets_sync.sync.refile import WriteChain
from sheets_sync.sync.result import PARTIAL_RUN, SyncResult, rollup_failed
from sheets_sync.sync.rollup_step import RollupPrep
from sheets_sync.sync.spill import Spill
from sheets_sync.sync.team_rows import KeptRuns, kept_run, packed_run
from sheets_sync.sync.team_steps import TeamSteps, after_writes, by_workbook, sharing_teams, unadded
from sheets_sync.sync.undo import undo_night
from sheets_sync.sync.workers import say_cpu_cap, worker_count

__all__ = [
    "PACK_READS_AT",
    "PARTIAL_RUN",
    "Progress",
    "Sync",
    "SyncOptions",
    "SyncResult",
    "rollup_failed",
]

log = get_logger("sheets_sync.sync")
#: From this many teams a night in one process (``--workers 1``, one CPU) also packs and
#: parks each read as it is made, as the workers' reads are: otherwise every team's parse
#: waits in memory for its write (1.76x the peak at 2,000 teams against 200).
PACK_READS_AT = 100
Progress = Callable[[TeamRun], None]


class Sync(NightEnd):
    """One sync over a workspace. Internal, and takes no workspace lock: call it through
    ``sync/run.py`` (the library's ``run_sync``..., the CLI's commands), which locks.

    ``progress`` gets each team's run as it finishes: its outcome, error and changes. A
    night that publishes a rollup holds every result packed (``TeamRun.packed``), in the
    ``SyncResult`` that ``run`` returns too: ``TeamRun.result`` unpacks one. Both get
    runs as ``kept_run`` keeps them, so their results outlive the night's spill file; each
    team's the same copy (``KeptRuns``), so a callback may keep what it gets.
    """

    def __init__(
        self,
        workspace: Workspace,
        *,
        factory: BackendFactory = open_backend,
        progress: Progress | None = None,
        history: HistoryStore | None = None,
    ) -> None:
        self.workspace = workspace
        self.factory = self.reader = factory  # ``reader``: this run's (``for_run``)
        self.progress = progress
        self.history = history
        self.cache: ReadCache | None = None
        self.spill: Spill | None = None  # this run's parked reads and results (``spill.py``)
        self.ahead: list[RollupPrep] = []  # prepared, not yet published: dropped by ``run``
        self.stopping = threading.Event()  # set on a stop: Google threads begin nothing more
        self._requested: int | None = None
        self.history_skipped: str | None = None  # this run's, set by ``record_history``
        self.pending_teams: set[str] = set()
        self.kept = KeptRuns()  # what ``progress`` got, shared with the ``SyncResult``

    def selected(self, names: Sequence[str]) -> list[TeamSpec]:
        """The teams ``names`` name, each once, in the order first named: a team named
        twice (``--team Sales --team sales``) was synced twice, and named as often as the
        workspace has teams it passed for a full run, whose rollup held it alone."""
        if not names:
            return list(self.workspace.teams)
        return list(dict.fromkeys(self.workspace.team(n) for n in names))

    def planned(self, options: SyncOptions) -> list[TeamSpec]:
        """The teams a run of ``options`` syncs, as its progress counts them too."""
        specs = self.selected(tuple(options.teams))  # a tuple already, typed as given
        if options.shard is not None:
            from sheets_sync.ops.shard import select, shard_keys

            keys = shard_keys(self.workspace.teams)  # a workbook's teams in one shard
            specs = select(specs, *options.shard, name=lambda spec: keys[spec.name])
        return specs

    def processes(self, specs: Sequence[TeamSpec], options: SyncOptions) -> int:
        """Worker processes for this run: local workbooks with the real backends only."""
        if not self._local(specs):
            return 1
        return worker_count(len(specs), options.workers)

    def _local(self, specs: Sequence[TeamSpec]) -> bool:
        """Local workbooks with the real backends: reads that can be forked and pickled."""
        return self.factory is open_backend and not any(s.is_google for s in specs)

    def read_all(
        self,
        specs: Sequence[TeamSpec],
        processes: int = 1,
        settle: Callable[[TeamRead], None] | None = None,
        meanwhile: Callable[[], None] | None = None,
        pack: bool = False,
        order: Sequence[int] | None = None,
    ) -> list[TeamRead]:
        """Every team's read; ``settle``, when given, runs on each read parsed in a worker
        (there, in parallel, instead of later in this process) to plan or finish it.
        Reads from workers come back packed (``TeamRead.pack``); ``meanwhile`` runs
        here while they parse. ``pack``: settle and pack them so in one process too.
        ``order``: the indexes of ``specs`` in the order to read them in this process
        (Google teams, ``linked.read_order``); the reads come back in ``specs``' order."""
        cache = self.cache
        if processes > 1 or pack:
            # Cache hits cost less than shipping a read back from a worker: load them here,
            # and parse only the misses in the workers. With many teams each hit is settled
            # and packed as it is loaded, as a worker's read is: kept whole, every hit
            # waited for its write as objects (~57 KB a team) while the rollup was built.
            park = settle is not None and len(specs) >= PACK_READS_AT
            if park:
                self._open_spill()

            def hit(spec: TeamSpec) -> TeamRead | None:
                state = cached_read(spec, self.workspace, self.reader, cache) if cache else None
                if state is not None and park:
                    assert settle is not None
                    settle(state)
                    state.pack(self.spill)
                return state

            found = [hit(s) for s in specs]
            misses = [i for i, r in enumerate(found) if r is None]
            if misses:
                self._open_spill()

            def task(k: int) -> TeamRead:  # a known miss: parse, do not load its slot again
                state = read_team(specs[misses[k]], self.workspace, self.reader, cache, False)
                if settle is not None:
                    settle(state)
                return state.shipped(self.spill)

            def crashed(k: int, why: str) -> TeamRead:
                return TeamRead(specs[misses[k]]).failed(worker_died(specs[misses[k]], why))

            workers = self._share(len(misses), processes)
            parsed = map_in_workers(task, len(misses), workers, meanwhile, crashed)
            with contextlib.closing(parsed):  # a stop here stops the workers before it goes on
                for i, state in zip(misses, parsed, strict=True):
                    state.spec = specs[i]
                    found[i] = state
            return [r for r in found if r is not None]

        def one(spec: TeamSpec, cache: ReadCache | None = None) -> TeamRead:
            if self.stopping.is_set():  # a stop signal: no team is begun
                return TeamRead(spec)
            state = read_team(spec, self.workspace, self.reader, cache)
            if settle is not None and spec.is_google:
                settle(state)  # written now: a sheet can change under us until we write
            return state

        workers = self.workspace.google.concurrency if any(s.is_google for s in specs) else 1
        order = range(len(specs)) if order is None else order
        if workers <= 1:
            done: dict[int, TeamRead] = {}
            for i in order:
                stops.check()  # between teams: a stop lost in the last one (``stops.py``)
                done[i] = one(specs[i], cache)
            return [done[i] for i in range(len(specs))]
        progress = self.progress if settle is not None else None  # settled teams count

        def told(run: TeamRun) -> None:
            assert progress is not None
            progress(self.kept.told(run, kept_run(run)))

        return read_in_threads(one, specs, order, workers, self.stopping, progress and told)

    def _kpis_linked(self, reads: Sequence[TeamRead], specs: Sequence[TeamSpec]) -> dict[str, KPI]:
        """The KPIs the teams still to plan here may read: their own, and those of every
        team their KRs name. Other reads stay packed. Teams outside this run are read
        (never written) so a ``--team`` or ``--shard`` run scores exactly like a full run."""
        here = [r.unpack().team_input for r in reads if r.run is None]
        inputs = [t for t in here if t is not None]
        names = [t.name for t in self.workspace.teams]
        wanted = set().union(*(linked_teams(t) for t in inputs))  # by ``team_key``
        if not wanted:
            return kpi_index(inputs, names)
        have = {t.team.casefold() for t in inputs}
        for r in reads:
            name = r.spec.name
            if team_key(name) not in wanted or name.casefold() in have:
                continue
            if found := r.unpack().inputs():
                inputs.append(found)
        run = {s.name.casefold() for s in specs}
        extra = [
            t
            for t in self.workspace.teams
            if team_key(t.name) in wanted and t.name.casefold() not in run
        ]
        inputs += [r.team_input for r in self.read_all(extra) if r.team_input is not None]
        return kpi_index(inputs, names)

    def run(self, options: SyncOptions | None = None) -> SyncResult:
        """The night; its history rows recorded ahead of the writes stay only if it ends
        (``history_pending.py``): a stop signal or a crash undoes them. Whatever ends it,
        its spill folder and a rollup prepared but not published (its
        ``.company.xlsx.*.tmp``) are gone after it. No ``options``: a full run as of
        today, the day of the call (a default made with the function was dated the day
        the module was imported: a server up for a week judged pace a week late)."""
        options = SyncOptions() if options is None else options
        self.stopping.clear()
        try:
            result = self._run(options)
        except BaseException as exc:
            if isinstance(exc, Interrupted):
                stops.arrived()  # one in the undo too, once out of the call (stops.ends_here)
            undo_night(lambda: self.settle_history(options.as_of, undo=True), exc)
            raise
        finally:
            self.kept.clear()
            while self.ahead:
                self.ahead.pop().drop()
            if self.spill is not None:
                self.spill.close()
                self.spill = None
            used = end_run(self.workspace, self.stopping)  # its Google clients closed
        result = replace(result, google_limiters=tuple(c.limiter.snapshot() for c in used))
        if not self.confirm_later:
            with stops.held(block=False):  # confirmed whole, as run_sync's: a stop waits
                self.settle_history(options.as_of)  # may find it not recorded after all
            result = replace(result, history_skipped=self.history_skipped)
        return result

    def _run(self, options: SyncOptions) -> SyncResult:
        started = time.perf_counter()
        ws = self.workspace
        self.new_night()  # its own history outcomes
        start_run(ws, self.stopping)
        context = RunContext(
            ws.company,
            ws.period,
            options.as_of,
            dt.datetime.now(dt.UTC).replace(microsecond=0),
            ws.company_objectives,
            ws.rules,
        )
        if (ended := ws.period.ended(options.as_of)) is not None:
            log.warning("%s", ended)  # once a run: the run report's period_ended too
        if (early := ws.period.not_started(options.as_of)) is not None:
            log.warning("%s", early)  # once a run: the run report's period_not_started too
        specs = self.planned(options)
        processes = self.processes(specs, options)
        if self._local(specs):  # said once a run
            say_cpu_cap(len(specs), options.workers)
        self._requested = options.workers
        self.cache = ReadCache(ws.state_dir / "cache") if options.read_cache else None
        writes = options.write_back and not options.dry_run
        self.reader = for_run(self.factory, writes)
        steps = TeamSteps(
            ws,
            options.as_of,
            writes,
            self.cache,
            frozenset(o.id for o in ws.company_objectives),
            previews=options.dry_run and options.write_back,
        )

        def finish(state: TeamRead) -> TeamRun:
            return steps.finish(state)[0]

        publishing = options.rollup and not options.dry_run
        # A run of some teams (--team) records their night in the history but does not
        # publish: the company workbook would hold only them (PARTIAL_RUN).
        partial = publishing and len(specs) < len(ws.teams)
        ahead_ok = publishing and not partial and not ws.rollup_is_google  # with workers
        if publishing:
            self._open_spill()

        def pack(run: TeamRun) -> TeamRun:
            """Hold the result packed until the rollup is published (``team_rows.py``)."""
            return packed_run(run, context, self.spill, digest=ahead_ok) if publishing else run

        def settle_here(state: TeamRead, team: TeamInput, index: dict[str, KPI]) -> None:
            state.planned(*steps.plan(state, index))
            if not (state.todo and writes) or state.spec.is_google:
                state.run, state.finished, state.pending = finish(state), True, 0
                state.team_input = team  # another team's KR may read its KPIs (_kpis_linked)
            elif self.cache is not None:  # the writer caches it as pickled here
                state.after = after_writes(state, state.todo)
            assert state.run is not None
            state.run = pack(state.run)  # its rows and digest made here, in parallel

        google = LinkedWrites((s.name for s in specs if s.is_google), (t.name for t in ws.teams))
        links = ws.state_dir / LINKS_FILE
        last_night = load_links(links) if any(s.is_google for s in specs) else {}
        order = read_order([s.name for s in specs], last_night) if last_night else None

        def settle_alone(state: TeamRead) -> None:
            """A team none of whose KRs reads another team's KPI scores the same with its
            own KPIs only (team names are unique): plan it in the worker that parsed it,
            and finish it there when it has nothing to write. A Google team is written
            there too, in the thread that read it: its sheet has no version to check, so
            the write follows the read as closely as the rate limit lets it, instead of
            waiting for every other team's read (minutes at hundreds of teams). A Google
            team that reads other Google teams' KPIs is written once those are read
            (``linked.py``), in the thread that read the last of them."""
            team = state.team_input
            needs = linked_teams(team) if team is not None else frozenset()
            if state.spec.is_google and self.stopping.is_set():
                return  # a stop signal: no Google write is begun (``google_threads``)
            if team is not None and not needs:
                settle_here(state, team, kpi_index([team]))
            if not state.spec.is_google:
                return
            for held, inputs in google.arrived(state, team, needs):
                own = held.team_input
                assert own is not None
                if self.stopping.is_set():
                    return
                settle_here(held, own, kpi_index([own, *inputs], (t.name for t in ws.teams)))

        # The workers parse while this process waits; the rollup, which this process
        # builds while they write, is the night's critical path: import its libraries now.
        reads = self.read_all(
            specs,
            processes,
            settle_alone,
            rollup_step.import_libraries if ahead_ok else None,
            pack=processes == 1 and self._local(specs) and len(specs) >= PACK_READS_AT,
            order=order,
        )
        stops.check()  # a stop lost while the teams were read (``stops.py``)
        if google.links and writes:
            save_links(links, google.links, (t.name for t in ws.teams), last_night)
        # Scoring and planning are cheap and pure: in the read workers when a team stands
        # alone, else here. Only teams with cells to write go to the workers again, where
        # the zip and XML work is.
        index = self._kpis_linked(reads, specs)
        for r in reads:
            if r.run is None:
                run, todo = steps.plan(r.unpack(), index)
                r.planned(pack(run), todo)
        writing = [i for i, r in enumerate(reads) if r.pending and writes]
        groups = by_workbook(writing, [reads[i].spec for i in writing])
        sharing = sharing_teams(reads)

        def write_in_worker(k: int) -> list[tuple[bool, TeamRun]]:
            """Send back only what the writes decided: the parent has each team's result
            (a second copy of every result would double the parent's memory)."""
            sent, follows, chain = [], None, WriteChain()
            for i in groups[k]:  # the teams of one workbook, one after another
                run, follows = steps.finish(reads[i], follows, chain)
                # an internal error: the whole (small) run
                sent.append((True, replace(run, held=None, changes=())) if run.scored else
                            (False, run))  # fmt: skip
            if (path := reads[groups[k][0]].spec.path) in sharing:  # teams of one file
                steps.refile(chain, sharing[path])
            return sent

        done: dict[int, TeamRun] = {}
        writing_set = set(writing)
        for i, r in enumerate(reads):
            if i not in writing_set:
                done[i] = r.run if r.finished and r.run else finish(r)
                if self.progress:
                    self.progress(self.kept.told(done[i], kept_run(done[i])))
        workers = self._share(len(groups), processes)
        planned = [r.run for r in reads]

        def meanwhile() -> None:
            """This process is idle while workers write: prepare the rollup from the
            outcomes the writes should have (used only if they do), history first."""
            try:
                guess = [
                    done.get(i) or replace(run, outcome=Outcome.OK)
                    for i, run in enumerate(planned)
                    if run
                ]
                self.record_guess(guess, context)
            except Exception:  # the usual path below does it again, and reports it
                log.debug("rollup not prepared ahead", exc_info=True)

        def crashed(k: int, why: str) -> list[tuple[bool, TeamRun]]:
            specs = [reads[i].spec for i in groups[k]]
            died = [team_steps.failed_team(s, worker_died(s, why, wrote=True)) for s in specs]
            return [(False, run) for run in died]

        def written(k: int, sent_back: list[tuple[bool, TeamRun]]) -> None:
            for i, (stripped, sent) in zip(groups[k], sent_back, strict=True):
                ours = planned[i]
                assert ours is not None
                done[i] = replace(sent, held=ours.held, changes=ours.changes) if stripped else sent
                if stripped and sent.outcome is not Outcome.OK and (said := unadded(done[i])):
                    done[i] = pack(replace(done[i], held=said))  # refused: nothing added
                if self.progress:
                    self.progress(self.kept.told(done[i], kept_run(done[i])))

        # ``written`` too for the groups a stop signal let finish: they count as done
        outcomes = map_in_workers(
            write_in_worker, len(groups), workers, meanwhile if ahead_ok else None, crashed, written
        )
        with contextlib.closing(outcomes):  # a stop here stops the workers before it goes on
            for k, sent_back in enumerate(outcomes):
                written(k, sent_back)
        stops.check()  # a stop lost while the teams were written
        runs = [done[i] for i in range(len(reads))]
        # Every cell read is written back by now; the rollup needs only the runs (the
        # planned writes alone are ~200,000 objects at 2,000 teams).
        reads.clear()
        planned.clear()
        done.clear()
        if self.cache is not None and not options.teams and options.shard is None:
            self.cache.prune(ws.teams)
        index.clear()
        output, rewritten, rollup_error, skipped = None, False, None, None
        if partial:
            self.record_history(SyncResult(context, tuple(runs), ()))
            skipped = PARTIAL_RUN
        elif publishing:
            output, rewritten, rollup_error = self.publish_night(runs, context, options.as_of)
        result = self.result_of([self.kept.again(run, kept_run) for run in runs], context)
        return replace(
            result,
            rollup_output=output,
            rollup_rewritten=rewritten,
            rollup_error=rollup_error,
            rollup_skipped=skipped,
            history_skipped=self.history_skipped,
            seconds=time.perf_counter() - started,
        )

    def _open_spill(self) -> None:
        """This run's spill folder, made on first need (``spill.py``)."""
        if self.spill is None:
            with contextlib.suppress(OSError):  # a read-only state folder: in memory
                self.spill = Spill(self.workspace.state_dir)

    def _share(self, teams: int, processes: int) -> int:
        """Workers for ``teams`` of this run's work: as asked (``--workers``), else only
        while each gets enough teams to pay for its start."""
        return min(processes, worker_count(teams, self._requested))
