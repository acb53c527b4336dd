"""A whole nightly run around the engine: lock, progress, run report."""

from __future__ import annotations

import json
import logging
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from sheets_sync.atomic import atomic_write_text
from sheets_sync.config import Workspace
from sheets_sync.sync.engine import Sync, SyncOptions, SyncResult
from sheets_sync.sync.lock import RunLock
from sheets_sync.sync.outcome import TeamRun
from sheets_sync.sync.report import run_report

log = logging.getLogger("sheets_sync.sync")


def _write_json(path: Path, payload: object) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_text(path, json.dumps(payload, indent=2, default=str))


def run_sync(
    workspace: Workspace,
    options: SyncOptions,
    *,
    report_path: Path | None = None,
    console: Console | None = None,
) -> SyncResult:
    """Sync under the workspace lock; always keep a report in ``.sheets-sync/runs/``."""
    console = console or Console(stderr=True)
    total = len(options.teams) or len(workspace.teams)
    with RunLock(workspace.state_dir):
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

                result = Sync(workspace, progress=tick).run(options)
        else:

            def line(run: TeamRun) -> None:
                log.info(
                    "%s: %s (%d cells)%s",
                    run.team,
                    run.outcome.value,
                    len(run.changes),
                    f": {run.error}" if run.error else "",
                )

            result = Sync(workspace, progress=line).run(options)
        report = run_report(result, dry_run=options.dry_run)
        stamp = result.context.generated_at.strftime("%Y%m%dT%H%M%SZ")
        _write_json(workspace.state_dir / "runs" / f"{stamp}.json", report)
        if report_path is not None:
            _write_json(report_path, report)
    return result
