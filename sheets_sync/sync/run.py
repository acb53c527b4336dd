"""Whole runs around the engine: the nightly sync (progress, run report, shard results,
notification), a rollup rebuilt from the team sheets and the merge of a sharded night's
results, each under the workspace lock as it writes; and the two that write no team sheet,
rollup or history, so run beside a night: validate and export.

These are the library's calls (``sheets_sync.__all__``, docs/library.md) and the CLI's:
``Sync`` itself takes no lock, so the engine is called from here only."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Sequence
from dataclasses import replace
from os import PathLike
from pathlib import Path
from typing import Any, Literal

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from sheets_sync.atomic import make_writable_folder, why_not_written
from sheets_sync.backends.factory import end_run, start_run
from sheets_sync.config import Workspace
from sheets_sync.errors import ConfigError, HistoryError, Interrupted
from sheets_sync.loggers import get_logger
from sheets_sync.logs import one_line
from sheets_sync.ops.history import HistoryStore, default_history_path
from sheets_sync.ops.notify import notification, send, turned_off_track_by_team
from sheets_sync.ops.shard import check_night, load_shards, results_file, save_results
from sheets_sync.sync import rollup_step, stops
from sheets_sync.sync.engine import Sync, SyncOptions, SyncResult
from sheets_sync.sync.lock import RunLock
from sheets_sync.sync.night_end import unrecorded_warning
from sheets_sync.sync.options import as_of_day, check_shard_results, path_arg
from sheets_sync.sync.outcome import TeamRun, first_runs
from sheets_sync.sync.report import ROLLUP, keep_run_report, run_report
from sheets_sync.sync.report_path import check_report_path
from sheets_sync.sync.stopped import (
    NightEnd,
    after_run,
    interruptible,
    report_tag,
)
from sheets_sync.sync.ticker import Ticker
from sheets_sync.sync.undo import undo_night

log = get_logger("sheets_sync.sync")


def _notify(
    workspace: Workspace, report: dict[str, Any], turned: list[dict[str, Any]], command: str | None
) -> list[str]:
    """Deliver the summary when something needs a person; a broken hook never fails a run,
    but is an error in the log: ``-q`` (errors only) keeps it, as a cron job's owner must
    learn that the night's alerts did not go out."""
    payload = notification(report, turned)
    command = command or workspace.notify.command
    if payload is None or not (command or workspace.notify.webhook):
        return []
    problems = send(payload, command=command, webhook=workspace.notify.webhook)
    for problem in problems:
        log.error("notification: %s", problem)
    return problems


def _check_results_dir(folder: Path) -> None:
    """A shard's results folder (a dry run's too), made and writable before any team is
    written: the results were saved after, and a folder that could not be made ended the
    shard with one line, its teams written, no summary, report or notification."""
    try:
        make_writable_folder(folder)
    except OSError as exc:
        raise ConfigError(
            f"--results-dir {folder}: cannot write there ({exc.strerror or exc})"
        ) from None


def check_export_folder(out_dir: Path, fmt: str, flag: str = "out_dir") -> None:
    """``export_workspace``'s folder checked before any team is read, its problem named by
    ``flag``: the argument, or the CLI's ``--out`` (the command checks it first, in its
    own words, as ``check_shard_results`` does)."""
    from sheets_sync.rollup.export import check_export_paths

    check_export_paths(out_dir, fmt, flag)
    _check_out_dir(out_dir, flag)


def _check_out_dir(folder: Path, flag: str = "out_dir") -> None:
    """``export_workspace``'s folder, made and writable before any team is read: a file
    there, or above it, was a bare FileExistsError or NotADirectoryError once every team
    had been read (the command's ``--out`` refused only the first)."""
    try:
        make_writable_folder(folder)
    except OSError as exc:  # ``folder`` itself among the folders looked at: a file there
        why = why_not_written(folder, exc, is_folder=True)
        raise ConfigError(f"{flag} {folder}: cannot write there ({why})") from None


def _shard_options(options: SyncOptions) -> SyncOptions:
    """A shard builds no rollup and records no night: the merge does both, from every
    shard's results. The CLI's rules, here for a library caller too: a shard with the
    default ``rollup=True`` recorded its teams' night in the history, and saved its results
    packed, which the merge then refused as written by someone else."""
    return replace(options, rollup=False)


#: a path a library caller may give as a string
PathArg = str | PathLike[str]


def _check_workspace(workspace: object) -> None:
    """Each call's ``workspace`` is a ``Workspace``: the workspace file's path (what
    ``check_config`` takes), or ``None``, was an AttributeError from deep in the call."""
    if not isinstance(workspace, Workspace):
        raise ConfigError(
            "workspace: a Workspace (sheets_sync.load_workspace(path) returns it), "
            f"not {workspace!r}"
        )


@stops.ends_here
def run_sync(
    workspace: Workspace,
    options: SyncOptions | None = None,
    *,
    report_path: PathArg | None = None,
    console: Console | None = None,
    results_dir: PathArg | None = None,
    notify_cmd: str | None = None,
) -> SyncResult:
    """``sheets-sync sync``, under the workspace lock: history snapshot, run report (always
    kept in ``.sheets-sync/runs/``), shard results, and a notification when teams failed or
    a KR turned Off track. No ``options``: every team, as of today."""
    _check_workspace(workspace)
    options = SyncOptions() if options is None else options
    if not isinstance(options, SyncOptions):  # a dict of the flags: an AttributeError
        raise ConfigError(
            f"options: a SyncOptions (sheets_sync.SyncOptions(dry_run=True, ...)), not {options!r}"
        )
    if notify_cmd is not None and not isinstance(notify_cmd, str):  # a list: an
        # AttributeError once the night was done, its sheets written and no report kept
        raise ConfigError(
            f"notify_cmd: a shell command line (a str, as notify: command), not {notify_cmd!r}"
        )
    for name, path in (("report_path", report_path), ("results_dir", results_dir)):
        if path is not None:
            path_arg(path, name)
    check_shard_results(options.shard, results_dir)
    if options.shard is not None:
        options = _shard_options(options)
    report_path = Path(report_path) if report_path is not None else None
    results_dir = Path(results_dir) if results_dir is not None else None
    if console is not None and not isinstance(console, Console):  # ``sys.stderr``
        raise ConfigError(f"console: a rich.console.Console, not {console!r}")
    console = console or Console(stderr=True)
    if report_path is not None:
        check_report_path(workspace, report_path)
    if results_dir is not None and options.shard is not None:
        _check_results_dir(results_dir)
    # each team once (``--team Sales --team sales``), of its shard: a bar that never filled
    planned = [spec.name for spec in Sync(workspace).planned(options)]
    whole = options.shard is None and len(planned) == len(workspace.teams)
    publishes = options.rollup and not options.dry_run and whole
    if publishes:
        rollup_step.check_output(workspace)
    history = HistoryStore(default_history_path(workspace.state_dir))
    finished: list[TeamRun] = []  # teams done, for the lines an interrupted run prints
    with RunLock(workspace.state_dir, options.shard):
        if publishes:  # said before any team is read; the teams are synced all the same
            rollup_step.warn_output_not_writable(workspace)
        # ``blind``: tonight's alert baseline could not be read, so nothing was compared
        # and no alert went out; the night may still be recorded, but marks no team
        # alerted (it would move every baseline past turns never sent)
        blind = False
        try:  # a history that cannot be used stops no team (the night logs it again)
            _undo_unfinished(history)
            previous = history.alert_baseline(since=workspace.period.start)
            unrecorded = history.not_recorded(options.as_of) is not None
        except HistoryError as exc:
            log.error("%s; no Off-track alerts tonight", exc)
            previous, unrecorded, blind = {}, True, True
        if console.is_terminal:
            columns = (  # a team's name as typed: as markup, ``Sales [/b]`` was a
                # MarkupError after the team's file was written, ``:smile:`` an emoji
                TextColumn("{task.description}", markup=False),
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
            )
            # redrawn by a ``Ticker``, not by rich's own thread: one the workers' forks
            # never catch mid-redraw, holding the terminal's locks (``ticker.py``)
            bar = Progress(*columns, console=console, transient=True, auto_refresh=False)
            with bar, Ticker(bar.refresh):
                task = bar.add_task("syncing teams", total=len(planned))

                def tick(run: TeamRun) -> None:
                    finished.append(run)
                    bar.update(
                        task, advance=1, description=f"{one_line(run.team)}: {run.outcome.status}"
                    )

                sync = Sync(workspace, progress=tick, history=history)
                result = interruptible(sync, options, finished, planned, report_path)
        else:

            def line(run: TeamRun) -> None:
                finished.append(run)
                log.info(
                    "%s: %s (%d cells)%s",
                    run.team,
                    run.outcome.status,
                    len(run.changes),
                    f": {run.error}" if run.error else "",
                )

            sync = Sync(workspace, progress=line, history=history)
            result = interruptible(sync, options, finished, planned, report_path)
        finished.clear()  # the result holds them now
        end = NightEnd()
        try:
            result = _end_night(
                sync,
                options,
                result,
                end,
                unrecorded,
                previous,
                blind,
                report_path,
                results_dir,
                notify_cmd,
            )
        except BaseException as exc:
            if not end.settled:  # its alerts may not have gone out: the next run sends them
                undo_night(lambda: sync.settle_history(options.as_of, undo=True), exc)
            if isinstance(exc, Interrupted):  # every team done: how far, and a report
                after_run(sync, options, exc, result, len(planned), end, report_path)
            raise
    return result


def _end_night(
    sync: Sync,
    options: SyncOptions,
    result: SyncResult,
    end: NightEnd,
    unrecorded: bool,
    previous: dict[str, Any],
    blind: bool,
    report_path: Path | None,
    results_dir: Path | None,
    notify_cmd: str | None,
) -> SyncResult:
    """The night after its teams and rollup: shard results, notification, history, run
    report. ``end`` says how far it got, for a stop that lands here (``after_run``)."""
    workspace = sync.workspace
    report = run_report(
        result, dry_run=options.dry_run, with_changes=False, write_back=options.write_back
    )
    if results_dir is not None and options.shard is not None:
        # a dry run's too, marked (``shard.DRY_RUN_FORMAT``): the merge says what they are
        try:
            save_results(results_dir, *options.shard, result, dry_run=options.dry_run)
            end.saved = True
        except OSError as exc:  # its teams are written: the summary, report and alerts go on
            result = replace(result, results_error=_results_not_saved(results_dir, options, exc))
            report["results_error"] = result.results_error  # built before: a monitor's too
            log.error("%s", result.results_error)
    if not options.dry_run:
        # a back-dated run (a shard too, which records nothing) compares today's sheets
        # with the night before its date: later nights have reported those turns
        # already; one dated ahead records nothing, so the next night would report
        # them again (failures still go out)
        turned = [] if unrecorded else turned_off_track_by_team(result, previous)
        problems = _notify(workspace, report, turned, notify_cmd)
        report["notifications"] = end.notifications = problems
        if problems:
            result = replace(result, notify_error="; ".join(problems))
        alerted = set() if blind else _alerted(result, turned, problems)
    else:
        alerted = set()
    with stops.held(block=False):  # settled whole: a stop lands before it or after
        if options.shard is not None and not unrecorded and alerted and sync.history:
            _mark_shard(sync.history, result, alerted)  # a shard records no snapshot
        # the night is done: the next compares with it, and alerts from the teams marked
        sync.settle_history(options.as_of, alerted=alerted)
        end.settled = True
    if sync.history_skipped != result.history_skipped:  # it could not be confirmed
        result = replace(result, history_skipped=sync.history_skipped)
        report["history_skipped"] = sync.history_skipped
        if result.history_not_pruned:  # not "the night is recorded" beside "not recorded"
            unsaid = unrecorded_warning(result.history_not_pruned)
            result = replace(result, history_not_pruned=unsaid)
            report["history_not_pruned"] = unsaid
    name = (result.context.generated_at, report_tag(options))
    folder, keep = workspace.state_dir / "runs", workspace.keep_run_reports
    problem = keep_run_report(
        folder, name, report, result.runs, keep, report_path, end.report, end.pruned
    )
    return result if problem is None else replace(result, report_error=problem)


def _results_not_saved(results_dir: Path, options: SyncOptions, exc: OSError) -> str:
    """A full disk, a folder in the results file's place: said as a shard's line, which
    until 2026-12-06 was the temp file's OSError alone, its teams' lines, summary, report
    and notification lost though its teams were written. An earlier attempt's results
    file is removed, so the merge says the shard is missing rather than publish it."""
    assert options.shard is not None
    path = results_file(results_dir, *options.shard, dry_run=options.dry_run)
    said = (
        f"{path}: the shard's results were not saved ({exc.strerror or exc}); "
        "run this shard again, then the merge"
    )
    try:  # an earlier attempt's (a retry reuses the folder): the merge published those
        path.unlink()
    except (FileNotFoundError, IsADirectoryError):
        pass
    except OSError as gone:
        said += f"; delete the earlier attempt's results there first ({gone.strerror or gone})"
    return said


def _alerted(result: SyncResult, turned: list[dict[str, Any]], problems: list[str]) -> set[str]:
    """The teams whose alerts of tonight went out, or that had none: the next night
    compares them with tonight. When delivery failed, the teams with a KR turned Off
    track keep their baseline, so the next night sends those alerts again (at least
    once); the run says so and still exits as its teams say (a hook never fails a run).
    A team is its first listing (``first_runs``), as the history records it."""
    teams = {r.team for r in first_runs(result.runs) if r.scored}
    if not problems:
        return teams
    unsent = {t["team"] for t in turned}
    if unsent:
        log.error(
            "notification not delivered: the Off-track alerts of %s go out again with the "
            "next sync",
            ", ".join(sorted(unsent)),
        )
    return teams - unsent


def _mark_shard(history: HistoryStore, result: SyncResult, alerted: set[str]) -> None:
    """A shard's alerts went out: its teams' statuses are their next alert baseline
    (logged, never raised: a history that cannot be used was said so at the start)."""
    try:
        history.mark_alerted(result, alerted)
    except HistoryError as exc:
        log.error("%s; tonight's alerts may be sent again", exc)


def _undo_unfinished(history: HistoryStore) -> None:
    """Undo the snapshot rows a run killed outright left pending (``history_pending.py``):
    tonight compares with the last night that finished, and alerts on what it never sent."""
    for day, team in history.settle_pending(None, ()):
        log.warning(
            "history: %s's snapshot of %s, left by a run that did not finish, is undone", team, day
        )


@stops.ends_here
def validate_workspace(
    workspace: Workspace, *, teams: Sequence[str] = (), as_of: dt.date | None = None
) -> SyncResult:
    """``sheets-sync validate``: every team read and scored, nothing written (no team
    sheet, rollup or history), so without the lock: it may run beside a night. The
    findings are each run's ``findings``; a team that could not be read has its ``error``."""
    _check_workspace(workspace)
    day = dt.date.today() if as_of is None else as_of
    options = SyncOptions(as_of=day, teams=teams, write_back=False, rollup=False)
    return Sync(workspace).run(options)


@stops.ends_here
def rebuild_rollup(workspace: Workspace, as_of: dt.date | None = None) -> SyncResult:
    """The company rollup from the team sheets as they are, writing none of them
    (``sheets-sync rollup``): under the lock, as it writes the workbook and the history.
    Its run report is kept beside the nights' (``_keep_rollup_report``)."""
    _check_workspace(workspace)
    as_of = dt.date.today() if as_of is None else as_of
    rollup_step.check_output(workspace)
    with RunLock(workspace.state_dir):
        rollup_step.check_output_writable(workspace, "rollup")
        history = HistoryStore(default_history_path(workspace.state_dir))
        result = Sync(workspace, history=history).run(SyncOptions(as_of=as_of, write_back=False))
        return _keep_rollup_report(workspace, result, result.context.generated_at)


def _keep_rollup_report(
    workspace: Workspace,
    result: SyncResult,
    when: dt.datetime,
    results: tuple[Path, list[str]] | None = None,
) -> SyncResult:
    """A run that publishes the company workbook leaves its report in ``runs/`` as a
    sync does, named ``-rollup`` and pruned among its kind: which teams it was built
    from (failed ones named), from which shard results (``results``: the folder and the
    files ``load_shards`` merged), what was published."""
    merged = results is not None
    report = run_report(
        result,
        with_changes=False,
        write_back=None if merged else False,  # a merge's shards wrote; a rollup writes none
        command="rollup --from-results" if merged else "rollup",
    )
    report["from_results"] = (
        {"folder": str(results[0]), "shards": results[1]} if results is not None else None
    )
    folder, name = workspace.state_dir / "runs", (when, f"-{ROLLUP}")
    problem = keep_run_report(folder, name, report, result.runs, workspace.keep_run_reports)
    return result if problem is None else replace(result, report_error=problem)


@stops.ends_here
def export_workspace(
    workspace: Workspace,
    out_dir: PathArg,
    fmt: Literal["csv", "parquet"] = "csv",
    *,
    as_of: dt.date | None = None,
) -> tuple[SyncResult, list[Path]]:
    """The rollup's long tables from the team sheets as they are, writing none of them
    (``sheets-sync export``): built as the nightly rollup builds them, so a team that
    cannot be read keeps its last good rows from the company workbook. An unknown
    ``fmt`` is a ``ConfigError`` before any team is read (a bare ``ValueError`` from
    ``export_tables`` once every team had been read)."""
    _check_workspace(workspace)
    if fmt not in ("csv", "parquet"):  # refused before the teams are read, not after
        raise ConfigError(f"fmt: unknown export format {fmt!r} (csv or parquet)")
    rollup_step.import_libraries()  # whole, whatever stop comes
    from sheets_sync.rollup import build_rollup, export_tables

    out_dir = path_arg(out_dir, "out_dir")
    check_export_folder(out_dir, fmt)  # before the teams are read

    day = dt.date.today() if as_of is None else as_of
    result = Sync(workspace).run(SyncOptions(as_of=day, write_back=False, rollup=False))
    previous = rollup_step.previous_workbook(workspace, export=True)
    rollup = build_rollup(list(result.runs), result.context, previous=previous)
    return result, export_tables(rollup, out_dir, fmt)


@stops.ends_here
def merge_shards(
    workspace: Workspace, results_dir: PathArg, as_of: dt.date | None = None
) -> SyncResult:
    """One night's shard results (``sync --shard K/N --results-dir DIR``) as one run:
    the history snapshot and the company rollup a single run would have written.

    ``as_of``: the date the caller expects; the shards' own date is the one merged, so
    another date is refused rather than ignored (``rollup --from-results --as-of``)."""
    _check_workspace(workspace)
    folder = path_arg(results_dir, "results_dir")
    as_of = None if as_of is None else as_of_day(as_of)
    rollup_step.check_output(workspace)
    with RunLock(workspace.state_dir):
        rollup_step.check_output_writable(workspace, "rollup --from-results")
        started, began = time.perf_counter(), dt.datetime.now(dt.UTC)
        context, shard_runs, merged = load_shards(folder)
        if as_of is not None and as_of != context.as_of:
            raise ConfigError(
                f"{folder}: the shard results are as of {context.as_of}, not --as-of "
                f"{as_of}; leave out --as-of, or run the shards again with --as-of {as_of}"
            )
        check_night(
            folder, context, shard_runs, workspace.company, [t.name for t in workspace.teams]
        )
        merger = Sync(workspace, history=HistoryStore(default_history_path(workspace.state_dir)))
        runs = merger.in_workspace_order(shard_runs)
        result = merger.result_of(runs, context)
        merger.record_history(result)
        start_run(workspace)  # a run of its own: a Google rollup's client made afresh
        try:
            output, rewritten = merger.write_rollup(runs, context)
        finally:
            used = end_run(workspace)  # and closed, as a night's are
        result = replace(
            result,
            # its waits for the quota, as a night's (until 2026-12-07 none were kept)
            google_limiters=tuple(c.limiter.snapshot() for c in used),
            rollup_output=output,
            rollup_rewritten=rewritten,
            history_skipped=merger.history_skipped,
            teams_gone=merger.teams_gone,
            history_not_pruned=merger.history_not_pruned,
            seconds=time.perf_counter() - started,
        )
        return _keep_rollup_report(workspace, result, began, (folder, merged))
