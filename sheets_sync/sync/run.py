"""Whole runs around the engine, each under the workspace lock: the nightly sync (progress,
run report, shard results, notification), a rollup rebuilt from the team sheets, and
the merge of a sharded night's results."""

from __future__ import annotations

import datetime as dt
import logging
import shutil
from dataclasses import replace
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from sheets_sync.atomic import atomic_write
from sheets_sync.config import Workspace
from sheets_sync.ops.history import HistoryStore, default_history_path
from sheets_sync.ops.notify import notification, send, turned_off_track
from sheets_sync.ops.shard import check_night, load_results, save_results
from sheets_sync.sync.engine import Sync, SyncOptions, SyncResult
from sheets_sync.sync.lock import RunLock
from sheets_sync.sync.outcome import TeamRun
from sheets_sync.sync.report import run_report, write_run_report

log = logging.getLogger("sheets_sync.sync")


def _notify(
    workspace: Workspace, report: dict[str, Any], turned: list[dict[str, Any]], command: str | None
) -> list[str]:
    """Deliver the summary when something needs a person; a broken hook never fails a run."""
    payload = notification(report, turned)
    command = command or workspace.notify.command
    if payload is None or not (command or workspace.notify.webhook):
        return []
    problems = send(payload, command=command, webhook=workspace.notify.webhook)
    for problem in problems:
        log.warning("notification: %s", problem)
    return problems


def run_sync(
    workspace: Workspace,
    options: SyncOptions,
    *,
    report_path: Path | None = None,
    console: Console | None = None,
    results_dir: Path | None = None,
    notify_cmd: str | None = None,
) -> SyncResult:
    """Sync under the workspace lock: history snapshot, run report (always kept in
    ``.sheets-sync/runs/``), shard results, and a notification when teams failed or a KR
    turned Off track."""
    console = console or Console(stderr=True)
    total = len(options.teams) or len(workspace.teams)
    history = HistoryStore(default_history_path(workspace.state_dir))
    with RunLock(workspace.state_dir, options.shard):
        previous = history.previous_kr_status(before=options.as_of)
        if console.is_terminal:
            columns = (
                TextColumn("{task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
            )
            with Progress(*columns, console=console, transient=True) as bar:
                task = bar.add_task("syncing teams", total=total)

                def tick(run: TeamRun) -> None:
                    bar.update(task, advance=1, description=f"{run.team}: {run.outcome.value}")

                result = Sync(workspace, progress=tick, history=history).run(options)
        else:

            def line(run: TeamRun) -> None:
                log.info(
                    "%s: %s (%d cells)%s",
                    run.team,
                    run.outcome.value,
                    len(run.changes),
                    f": {run.error}" if run.error else "",
                )

            result = Sync(workspace, progress=line, history=history).run(options)
        report = run_report(result, dry_run=options.dry_run, with_changes=False)
        if results_dir is not None and options.shard is not None and not options.dry_run:
            save_results(results_dir, *options.shard, result)
        if not options.dry_run:
            turned = turned_off_track(result, previous)
            report["notifications"] = _notify(workspace, report, turned, notify_cmd)
        stamp = result.context.generated_at.strftime("%Y%m%dT%H%M%SZ")
        kept = workspace.state_dir / "runs" / f"{stamp}.json"
        where = kept
        try:  # the teams are done whatever happens here: a failure is reported, not raised
            write_run_report(kept, report, result.runs)
            if report_path is not None:  # the same bytes: encoded once (every team's changes)
                where = report_path

                def copy(tmp: Path) -> None:
                    shutil.copyfile(kept, tmp)

                atomic_write(report_path, copy)
        except OSError as exc:
            problem = f"{where}: the run report was not written ({exc.strerror or exc})"
            log.error("%s", problem)
            result = replace(result, report_error=problem)
    return result


def rebuild_rollup(workspace: Workspace, as_of: dt.date) -> SyncResult:
    """The company rollup from the team sheets as they are, writing none of them
    (``sheets-sync rollup``): under the lock, as it writes the workbook and the history."""
    with RunLock(workspace.state_dir):
        history = HistoryStore(default_history_path(workspace.state_dir))
        return Sync(workspace, history=history).run(SyncOptions(as_of=as_of, write_back=False))


def merge_shards(workspace: Workspace, results_dir: Path) -> SyncResult:
    """One night's shard results (``sync --shard K/N --results-dir DIR``) as one run:
    the history snapshot and the company rollup a single run would have written."""
    with RunLock(workspace.state_dir):
        context, shard_runs = load_results(results_dir)
        check_night(
            results_dir, context, shard_runs, workspace.company, [t.name for t in workspace.teams]
        )
        merger = Sync(workspace, history=HistoryStore(default_history_path(workspace.state_dir)))
        runs = merger.in_workspace_order(shard_runs)
        result = merger.result_of(runs, context)
        merger.record_history(result)
        output, rewritten = merger.write_rollup(runs, context)
        return replace(result, rollup_output=output, rollup_rewritten=rewritten)
