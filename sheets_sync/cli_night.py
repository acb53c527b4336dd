"""The night's commands: ``sync``, ``rollup`` and ``export``, each one library call
(``run_sync``, ``rebuild_rollup`` or ``merge_shards``, ``export_workspace``) and the lines
that say its outcome. Their errors become messages and exit codes in
``cli_support.SyncGroup``, as every command's."""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Literal

import click

from sheets_sync.cli_support import (
    EXIT_FAILED,
    EXIT_OK,
    as_of_date,
    as_of_option,
    command_console,
    config_option,
    log_format,
    quiet_level,
    say,
)


@click.command()
@config_option
@click.option("--team", "teams", multiple=True, help="Only this team (repeatable).")
@as_of_option
@click.option("--dry-run", is_flag=True, help="Show which cells would change; write nothing.")
@click.option(
    "--no-write-back", is_flag=True, help="Do not write team sheets; still build the rollup."
)
@click.option(
    "--shard",
    default=None,
    metavar="K/N",
    help="Process only the K-th of N shares of the teams (for scale-out).",
)
@click.option(
    "--results-dir",
    type=click.Path(file_okay=False),
    default=None,
    help="With --shard: write this shard's results here for `rollup --from-results` "
    "(a dry run's are marked as such, and not merged).",
)
@click.option(
    "--notify-cmd",
    default=None,
    metavar="CMD",
    help="Run CMD with the JSON summary on stdin when teams failed or a KR turned "
    "Off track (overrides notify.command).",
)
@click.option(
    "--report",
    "report_path",
    type=click.Path(dir_okay=False),
    default=None,
    help="Also write the run report (JSON) here.",
)
@click.option(
    "--no-read-cache",
    is_flag=True,
    help="Parse every workbook, even ones unchanged since the last run (.sheets-sync/cache/).",
)
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    default=None,
    help="Processes for reading and writing local workbooks, at most one per CPU "
    "[default: one per CPU, at most 8, each with 8 teams or more].",
)
def sync(
    config_path: str | None,
    teams: Sequence[str],
    as_of: dt.date | None,
    dry_run: bool,
    no_write_back: bool,
    shard: str | None,
    results_dir: str | None,
    notify_cmd: str | None,
    report_path: str | None,
    no_read_cache: bool,
    workers: int | None,
) -> None:
    """The nightly job: read, score, write owned cells back, roll up.

    \b
    Example: sheets-sync sync --config acme/sheets-sync.yaml --as-of 2026-11-23
    Scale-out: sheets-sync sync --shard 2/4 --results-dir results/   (on 4 machines), then
               sheets-sync rollup --from-results results/

    Exit codes: 0 ok (teams left alone, open in Excel or read-only, count as ok: they
    are retried next night); 1 some teams failed, or the rollup, the run report or a
    shard's results (--results-dir) could not be written; 2 usage or configuration
    error, or a state folder that cannot be written (nothing done); 3 another run holds
    the workspace lock (nothing done); 130 Ctrl-C, 143 SIGTERM, 129 SIGHUP: stopped
    between teams, no file half-written. See docs/scheduling.md.
    """
    from sheets_sync.config import load_workspace
    from sheets_sync.console import night_title, print_changes, print_stopped, print_summary
    from sheets_sync.errors import ConfigError, Interrupted
    from sheets_sync.ops.shard import parse_shard
    from sheets_sync.sync.engine import SyncOptions
    from sheets_sync.sync.options import CLI, check_shard_results
    from sheets_sync.sync.run import run_sync

    try:
        shard_kn = parse_shard(shard) if shard else None
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--shard") from None
    # "" is not given, as before the library's rule: a cron line's empty variable syncs
    results_dir = results_dir or None
    try:  # the library's rule, in the flags' words
        check_shard_results(shard_kn, results_dir, CLI)
    except ConfigError as exc:
        raise click.UsageError(exc.message) from None
    ws = load_workspace(config_path, files_must_exist=False)
    if ws.warnings:  # a glob's .ods files, which are no teams: every night, before it
        say(*(f"warning: {w}" for w in ws.warnings), level=logging.WARNING)
    options = SyncOptions(
        as_of=as_of_date(as_of),
        teams=teams,
        dry_run=dry_run,
        write_back=not no_write_back,
        rollup=not dry_run and shard_kn is None,
        shard=shard_kn,
        workers=workers,
        read_cache=not no_read_cache,
    )
    console = command_console()
    nothing_written = dry_run or no_write_back
    try:
        result = run_sync(
            ws,
            options,
            report_path=Path(report_path) if report_path else None,
            console=console,
            results_dir=Path(results_dir) if results_dir else None,
            notify_cmd=notify_cmd,
        )
    except Interrupted as stop:  # the teams done, as a night says them; then the stop's line
        title = night_title(ws.company, ws.period.name, options.as_of)
        with contextlib.suppress(KeyboardInterrupt):  # a second stop cuts these short only
            if dry_run:
                print_changes(console, stop.runs)
            print_stopped(
                console,
                title,
                stop.runs,
                stop.not_synced,
                dry_run=nothing_written,
                quiet=quiet_level(),
            )
        raise
    if dry_run:
        print_changes(console, result.runs)
    print_summary(console, result, dry_run=nothing_written, quiet=quiet_level())
    sys.exit(EXIT_FAILED if result.failed else EXIT_OK)


@click.command()
@config_option
@as_of_option
@click.option(
    "--from-results",
    "from_results",
    type=click.Path(file_okay=False),
    default=None,
    help="Merge the shard results of `sync --shard K/N` instead of reading team sheets.",
)
def rollup(config_path: str | None, as_of: dt.date | None, from_results: str | None) -> None:
    """Rebuild the company rollup from the team sheets, without writing them.

    With --from-results the shards' as-of date is used; --as-of, if given, must equal it.
    Either keeps a run report in .sheets-sync/runs/ (<UTC stamp>-rollup.json).

    Example: sheets-sync rollup --config acme/sheets-sync.yaml
    """
    from sheets_sync.config import load_workspace
    from sheets_sync.sync.run import merge_shards, rebuild_rollup

    ws = load_workspace(config_path, files_must_exist=False)
    if from_results:
        result = merge_shards(ws, Path(from_results), as_of)
        source = f" from {from_results}"
    else:
        result = rebuild_rollup(ws, as_of_date(as_of))
        source = ""
    from sheets_sync.console import counted, failed_lines

    # problems beside the result (README: streams); each JSON record whole, alone
    for line in failed_lines(result.runs, whole=log_format() == "json"):
        say(line, err=True, level=logging.ERROR)
    teams = counted(len(result.runs), "team")
    report = f"; {result.report_error}" if result.report_error else ""  # exit 1 too
    if result.rollup_error:  # logged as it happened; said again where the outcome is
        say(f"rollup of {teams}{source} failed: {result.rollup_error}{report}")
    elif quiet_level() < 2 or result.failed:
        verb = "written to" if result.rollup_rewritten else "unchanged in"
        say(f"rollup of {teams}{source} {verb} {result.rollup_output}{report}")
    sys.exit(EXIT_FAILED if result.failed else EXIT_OK)


@click.command()
@config_option
@as_of_option
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["csv", "parquet"]),
    default="csv",
    show_default=True,
    help="csv: text Excel would run as a formula (=, +, -, @ first) gets a leading '; "
    "parquet: typed columns.",
)
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False),
    required=True,
    help="Folder for one file per table.",
)
def export(
    config_path: str | None, as_of: dt.date | None, fmt: Literal["csv", "parquet"], out_dir: str
) -> None:
    """Write the rollup's seven tables, a file each, as CSV (formula-safe) or Parquet.

    The tables are built from the team sheets as they are (as of --as-of), as the nightly
    rollup builds them: a team that cannot be read keeps its last good rows from the
    company workbook (Stale data), and the command exits 1.

    Example: sheets-sync export --format parquet --out exports/
    """
    from sheets_sync.config import load_workspace
    from sheets_sync.console import failed_lines
    from sheets_sync.sync.run import check_export_folder, export_workspace

    ws = load_workspace(config_path, files_must_exist=False)
    check_export_folder(Path(out_dir), fmt, "--out")  # the library's check, in the flag's words
    result, paths = export_workspace(ws, out_dir, fmt, as_of=as_of_date(as_of))
    for path in paths if not quiet_level() else ():
        say(str(path))
    # problems beside the result (README: streams); each JSON record whole, alone
    for line in failed_lines(result.runs, whole=log_format() == "json"):
        say(line, err=True, level=logging.ERROR)
    sys.exit(EXIT_FAILED if result.failed else EXIT_OK)
