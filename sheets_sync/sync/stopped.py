"""A night stopped by a signal (``Interrupted``), wherever the stop lands: told how far
the night got (the teams that finished, the names of those not synced, one line for the
CLI: ``console.print_stopped``), and a run report of its own, named ``-stopped``.

A stop inside ``sync.run`` finds some teams done and no rollup; one after it (as the
shard's results are saved, the notification hook runs, the run report is written)
finds every team done and the rollup as written: until 2026-12-06 that one printed no
team line and wrote no report, and ``--report`` kept the night before's."""

from __future__ import annotations

import contextlib
import datetime as dt
import signal
import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from sheets_sync.config import Workspace
from sheets_sync.errors import Interrupted
from sheets_sync.loggers import get_logger
from sheets_sync.sync import stops
from sheets_sync.sync.engine import Sync, SyncOptions, SyncResult
from sheets_sync.sync.night_end import unrecorded_warning
from sheets_sync.sync.outcome import RunContext, TeamRun
from sheets_sync.sync.report import DRY_RUN, STOPPED, keep_run_report, run_report

log = get_logger("sheets_sync.sync")

#: what a stopped report's ``stopped.history`` says of a night that recorded it
RECORDED = "recorded"
#: ... of one stopped before its end: its snapshot rows are undone (``Sync.run``, or
#: ``run_sync`` before the notification went out), so the next night compares with the
#: last one that finished and sends the alerts of tonight again
NOT_RECORDED = "not recorded: the night was stopped before it ended (the next sync records it)"


def report_tag(options: SyncOptions, *, stopped: bool = False) -> str:
    """A shard's report names its shard; a stopped night's says so, and is pruned among
    the stopped ones; a dry run's (stopped or not) says so last, and is pruned among
    the dry runs (``report_kind``)."""
    tag = "-shard-{}-of-{}".format(*options.shard) if options.shard is not None else ""
    tag += f"-{STOPPED}" if stopped else ""
    return f"{tag}-{DRY_RUN}" if options.dry_run else tag


def _history(sync: Sync, options: SyncOptions, *, settled: bool) -> str:
    """What became of tonight's history, said in the stopped report: a stopped night's
    report said ``history_skipped: null`` though its snapshot had been undone."""
    if options.dry_run:
        return "not recorded (a dry run records nothing)"
    if options.shard is not None:
        return "not recorded (a shard: the merge records the night)"
    if sync.history_skipped is not None:
        return sync.history_skipped  # back-dated, or a history that could not be used
    return RECORDED if settled else NOT_RECORDED


def interruptible(
    sync: Sync,
    options: SyncOptions,
    finished: list[TeamRun],
    planned: list[str],
    report_path: Path | None,
) -> SyncResult:
    """``sync.run(options)``; a stop signal (``Interrupted``) is told how far it got: the
    runs of the teams that finished, and the names of the ``planned`` ones that did not,
    for the lines the CLI prints of a stopped night and its run report. The engine's own
    cleanup (the spill folder, the rollup prepared ahead) has run by then, and every
    worker and thread that could write has ended. Tonight's history rows stay pending
    until ``run_sync`` has sent the night's notification (``confirm_later``): a night
    stopped before that is compared with by no later run."""
    sync.confirm_later = True
    began, started = dt.datetime.now(dt.UTC).replace(microsecond=0), time.perf_counter()
    try:
        return sync.run(options)
    except Interrupted as exc:
        if options.dry_run:
            written = "nothing was written (a dry run)"
        else:
            files = (
                "each team file is whole (as it was, or as synced tonight)"
                if options.write_back
                else "no team file was written (--no-write-back)"  # as ``after_run`` says
            )
            rollup = "no rollup was written (the last one stays); run sync again to finish"
            written = f"{files}; {rollup}"
        exc.done = f"stopped with {len(finished)} of {len(planned)} teams done; {written}"
        exc.runs = tuple(finished)
        done = {run.team for run in finished}
        exc.not_synced = tuple(name for name in planned if name not in done)
        ws = sync.workspace
        context = RunContext(
            ws.company, ws.period, options.as_of, began, ws.company_objectives, ws.rules
        )
        # a clean-up that failed before the stop (``NightEnd._prune``) is said, as the
        # history's own outcome is (``_history``): it was always ``null`` (2026-12-07)
        result = SyncResult(
            context,
            exc.runs,
            (),
            seconds=time.perf_counter() - started,
            history_not_pruned=sync.history_not_pruned,
        )
        history = _history(sync, options, settled=False)
        keep_report(sync.workspace, options, exc, result, history, report_path)
        raise


@dataclass
class NightEnd:
    """How far ``run_sync`` got past ``sync.run``, for a stop that lands there."""

    saved: bool = False  # the shard's results (when it saves any)
    settled: bool = False  # the history: the snapshot confirmed, the alerts marked
    report: list[Path] = field(default_factory=list)  # the night's own, once named
    #: what the notification hook's delivery said (``problems``), once it ran: only the
    #: night's own report had it, and a stop as that report was kept (which then goes)
    #: left a failed hook in no report
    notifications: list[str] | None = None
    #: the night's own, once an older report may be deleted for it (``prune_run_reports``):
    #: it then stays beside the stopped one (gone, ``runs/`` was left one night short)
    pruned: list[Path] = field(default_factory=list)


def after_run(
    sync: Sync,
    options: SyncOptions,
    stop: Interrupted,
    result: SyncResult,
    planned: int,
    end: NightEnd,
    report_path: Path | None,
) -> None:
    """A stop after ``sync.run`` returned: every team is done and the rollup is as
    written; the history is undone unless it was settled (``run_sync``). ``stop`` is told
    so: the CLI prints every team's line and no "not synced" one."""
    stops.arrived()
    stop.runs, stop.not_synced = result.runs, ()
    said = [f"stopped with {len(result.runs)} of {planned} teams done"]
    if options.dry_run:
        said.append("nothing was written (a dry run)")
    else:
        said.append(
            "each team file is as synced tonight"
            if options.write_back
            else "no team file was written (--no-write-back)"
        )
        if result.rollup_output is not None and result.rollup_error is None:
            said.append("the rollup was written")
        if options.shard is not None and not end.saved:
            said.append("the shard's results were not saved: run this shard again")
        elif not end.settled:
            night = "run this shard" if options.shard is not None else "run sync"
            said.append(f"the notification may not have gone out: {night} again to finish")
    stop.done = "; ".join(said)
    history = _history(sync, options, settled=end.settled)
    own = [] if end.pruned else end.report  # pruned for: two reports, not one short
    keep_report(sync.workspace, options, stop, result, history, report_path, own, end.notifications)


def keep_report(
    workspace: Workspace,
    options: SyncOptions,
    stop: Interrupted,
    result: SyncResult,
    history: str,
    report_path: Path | None,
    replaces: list[Path] | None = None,
    notifications: list[str] | None = None,
) -> None:
    """The stopped night's run report, never in place of the stop's line and exit code:
    a failure is logged, a second stop ends only the report. ``replaces``: the night's
    own report, when the stop came as it was kept (written, copied, the old ones
    pruned): it goes once the stopped one is written. Until 2026-12-06 both stayed, two
    reports of one night, and ``--report`` got the stopped one; it stays when the old
    ones were pruned for it. ``notifications``: as the night's report says them."""
    try:
        kept = _keep_stopped_report(
            workspace, options, stop, result, history, report_path, notifications
        )
        if kept is None:
            for own in replaces or ():  # once the stopped one is written (else logged)
                with contextlib.suppress(OSError):  # left: two reports, as before
                    own.unlink(missing_ok=True)
    except KeyboardInterrupt:  # a second stop: no report; this stop goes on
        pass
    except Exception as problem:
        log.error("the stopped night's run report was not written: %s", problem)
        log.debug("stopped night's report", exc_info=True)


def _keep_stopped_report(
    workspace: Workspace,
    options: SyncOptions,
    stop: Interrupted,
    result: SyncResult,
    history: str,
    report_path: Path | None,
    notifications: list[str] | None,
) -> str | None:
    """A stopped night's run report, as a night's (``--report`` too), of the teams that
    finished (and the rollup, when it was written), with ``stopped``: the signal, every
    team not synced and what became of the history (``history_skipped`` too, when the
    night's snapshot is not recorded). Named ``-stopped``, pruned among the stopped
    nights (or the dry runs): until 2026-12-06 a stopped night wrote none."""
    if history != RECORDED and not options.dry_run and options.shard is None:
        result = replace(result, history_skipped=history)
    if history != RECORDED and result.history_not_pruned:  # one word on the night: not
        # "the night is recorded" beside "not recorded" (until 2026-12-07)
        unsaid = unrecorded_warning(result.history_not_pruned)
        result = replace(result, history_not_pruned=unsaid)
    report: dict[str, Any] = run_report(
        result, dry_run=options.dry_run, with_changes=False, write_back=options.write_back
    )
    teams = report.pop("teams")
    if notifications is not None:  # the hook ran (none: a stop before or in it)
        report["notifications"] = notifications
    report["stopped"] = {
        "signal": signal.Signals(stop.signum).name,
        "teams_done": len(stop.runs),
        "not_synced": list(stop.not_synced),
        "history": history,
    }
    report["teams"] = teams
    name = (result.context.generated_at, report_tag(options, stopped=True))
    folder, keep = workspace.state_dir / "runs", workspace.keep_run_reports
    return keep_run_report(folder, name, report, result.runs, keep, report_path)
