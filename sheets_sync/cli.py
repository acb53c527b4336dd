"""The command line: a thin layer over the library, one command per library call.

Errors are mapped to messages and exit codes in one place (``cli_support.SyncGroup``):
0 ok, 1 some teams failed (or validation found errors), 2 usage or configuration error,
3 another run holds the workspace lock. Bad input never shows a traceback, and neither
does the machine failing under a run (a full disk: exit 1 with the file and the reason).
stdout carries a command's result, stderr the rest (README, "Output streams").
"""

from __future__ import annotations

import contextlib
import json
import logging
import shlex
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Literal

import click

from sheets_sync import __version__
from sheets_sync.cli_support import (
    EXIT_FAILED,
    EXIT_OK,
    STOPPED_BY,
    DocumentCommand,
    SyncGroup,
    as_of_date,
    as_of_option,
    command_console,
    config_option,
    die_by_signal,
    quiet_level,
    say,
    setup_logging,
    stop_at_once_from_now,
    stop_on_signals,
    survive_lost_console,
)
from sheets_sync.native_threads import for_this_process

if TYPE_CHECKING:
    from sheets_sync.domain.rules import ScoringRules


@click.group(cls=SyncGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="sheets-sync")
@click.option("-v", "--verbose", count=True, help="More log output (-vv for debug).")
@click.option(
    "-q",
    "--quiet",
    count=True,
    help="Less output: only problems and the summary line (-qq: nothing on a clean run).",
)
@click.option(
    "--log-format",
    type=click.Choice(["text", "json"]),
    default="text",
    help="json: every line (log and output) one JSON object, for log shippers.",
)
def cli(verbose: int, quiet: int, log_format: str) -> None:
    """Keep OKRs and KPIs in the spreadsheets your teams already use.

    \b
    Quick start:
      sheets-sync demo demo-ws          # a realistic workspace with six teams
      sheets-sync sync --config demo-ws/sheets-sync.yaml
    """
    setup_logging(verbose, quiet, log_format)


@cli.group()
def config() -> None:
    """Inspect the workspace configuration."""


@config.command("check")
@config_option
def config_check(config_path: str | None) -> None:
    """Load and validate the workspace; list every problem.

    Example: sheets-sync config check --config acme/sheets-sync.yaml
    """
    from sheets_sync.config import check_config
    from sheets_sync.console import counted

    ws = check_config(config_path)
    if quiet_level() > 1:
        return
    say(
        f"{ws.config_path.name}: ok: {ws.company}, period {ws.period.name} "
        f"({ws.period.start} to {ws.period.end}), {counted(len(ws.teams), 'team')}, "
        f"rollup to {ws.rollup_output}"
    )
    for team in ws.teams if not quiet_level() else ():
        say(f"  {team.name}: {team.source} (mapping {team.mapping_name})")


@cli.command(cls=DocumentCommand, document={"teams": [], "ok": False})
@config_option
@click.option("--team", "teams", multiple=True, help="Only this team (repeatable).")
@click.option("--json", "as_json", is_flag=True, help="Print findings as JSON.")
@as_of_option
def validate(
    config_path: str | None, teams: Sequence[str], as_json: bool, as_of: str | None
) -> None:
    """Read every team sheet and report problems, without writing anything.

    Exit 1 when any team has an error. With --json an invalid workspace is a JSON
    document too ({"teams": [], "ok": false, "errors": [...]}), exit 2.

    Example: sheets-sync validate --team Sales --json
    """
    from sheets_sync.config import load_workspace
    from sheets_sync.console import print_validation, validation_errors
    from sheets_sync.sync.report import team_dict
    from sheets_sync.sync.run import validate_workspace

    ws = load_workspace(config_path, files_must_exist=False)
    result = validate_workspace(ws, teams=teams, as_of=as_of_date(as_of))
    errors = validation_errors(result.runs)
    if as_json:
        payload = [team_dict(r, with_changes=False) for r in result.runs]
        click.echo(json.dumps({"teams": payload, "ok": not errors}, indent=2))
    else:
        print_validation(command_console(), result.runs, quiet=quiet_level())
    sys.exit(EXIT_FAILED if errors else EXIT_OK)


@cli.command()
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
    as_of: str | None,
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
            print_stopped(console, title, stop.runs, stop.not_synced,
                          dry_run=nothing_written, quiet=quiet_level())  # fmt: skip
        raise
    if dry_run:
        print_changes(console, result.runs)
    print_summary(console, result, dry_run=nothing_written, quiet=quiet_level())
    sys.exit(EXIT_FAILED if result.failed else EXIT_OK)


@cli.command()
@config_option
@as_of_option
@click.option(
    "--from-results",
    "from_results",
    type=click.Path(file_okay=False),
    default=None,
    help="Merge the shard results of `sync --shard K/N` instead of reading team sheets.",
)
def rollup(config_path: str | None, as_of: str | None, from_results: str | None) -> None:
    """Rebuild the company rollup from the team sheets, without writing them.

    With --from-results the shards' as-of date is used; --as-of, if given, must equal it.
    Either keeps a run report in .sheets-sync/runs/ (<UTC stamp>-rollup.json).

    Example: sheets-sync rollup --config acme/sheets-sync.yaml
    """
    from sheets_sync.config import load_workspace
    from sheets_sync.sync.run import merge_shards, rebuild_rollup

    ws = load_workspace(config_path, files_must_exist=False)
    if from_results:
        result = merge_shards(ws, Path(from_results), as_of_date(as_of) if as_of else None)
        source = f" from {from_results}"
    else:
        result = rebuild_rollup(ws, as_of_date(as_of))
        source = ""
    from sheets_sync.console import counted, failed_lines

    for line in failed_lines(result.runs):  # problems beside the result (README: streams)
        say(line, err=True, level=logging.ERROR)
    teams = counted(len(result.runs), "team")
    report = f"; {result.report_error}" if result.report_error else ""  # exit 1 too
    if result.rollup_error:  # logged as it happened; said again where the outcome is
        say(f"rollup of {teams}{source} failed: {result.rollup_error}{report}")
    elif quiet_level() < 2 or result.failed:
        verb = "written to" if result.rollup_rewritten else "unchanged in"
        say(f"rollup of {teams}{source} {verb} {result.rollup_output}{report}")
    sys.exit(EXIT_FAILED if result.failed else EXIT_OK)


@cli.command()
@config_option
@as_of_option
@click.option(
    "--format", "fmt", type=click.Choice(["csv", "parquet"]), default="csv", show_default=True
)
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False),
    required=True,
    help="Folder for one file per table.",
)
def export(
    config_path: str | None, as_of: str | None, fmt: Literal["csv", "parquet"], out_dir: str
) -> None:
    """Write the rollup's seven tables, a file each, as CSV (formula-safe) or Parquet.

    The tables are built from the team sheets as they are (as of --as-of), as the nightly
    rollup builds them: a team that cannot be read keeps its last good rows from the
    company workbook (Stale data), and the command exits 1.

    Example: sheets-sync export --format parquet --out exports/
    """
    from sheets_sync.config import load_workspace
    from sheets_sync.console import failed_lines
    from sheets_sync.sync.run import export_workspace

    ws = load_workspace(config_path, files_must_exist=False)
    result, paths = export_workspace(ws, out_dir, fmt, as_of=as_of_date(as_of))
    for path in paths if not quiet_level() else ():
        say(str(path))
    for line in failed_lines(result.runs):  # problems beside the result (README: streams)
        say(line, err=True, level=logging.ERROR)
    sys.exit(EXIT_FAILED if result.failed else EXIT_OK)


@cli.command()
@click.argument("path", type=click.Path(dir_okay=False), required=False)
@click.option("--google", is_flag=True, help="Create it as a new Google spreadsheet.")
@click.option(
    "--title", default="Team goals", show_default=True, help="Title of the Google spreadsheet."
)
@click.option("--force", is_flag=True, help="Replace an existing file at PATH.")
@config_option
def template(
    path: str | None, google: bool, title: str, force: bool, config_path: str | None
) -> None:
    """Write the standard team template (an existing file is kept unless --force).

    Example: sheets-sync template team.xlsx
    """
    if google and path is not None:  # the PATH was ignored: no .xlsx was written
        raise click.UsageError("give a PATH for the .xlsx or --google, not both")
    if path is None and not google:
        raise click.UsageError("give a PATH for the .xlsx, or --google")
    from sheets_sync.config import has_workspace, load_workspace
    from sheets_sync.template.spec import template_for

    if google:  # the workspace's credentials and settings, else GOOGLE_APPLICATION_CREDENTIALS
        from sheets_sync.backends.gsheets import template as gtemplate

        has = has_workspace(config_path)
        ws = load_workspace(config_path, files_must_exist=False) if has else None
        if ws is not None:
            gtemplate.check_key_setting(ws)
        rules = ws.rules if ws is not None else None
        client = gtemplate.template_client(ws)
        key = gtemplate.create_google_template(client, title, template_for(rules))
        say(key)  # stdout: the key alone, for scripts
        say(f"note: {gtemplate.sharing_note(client, key, title)}", err=True)
        return
    assert path is not None
    from sheets_sync.template.xlsx import write_template
    from sheets_sync.workspace.init import TEMPLATE_NEXT_STEP

    write_template(Path(path), overwrite=force, rules=_template_rules(config_path))
    say(f"template written to {path}", *TEMPLATE_NEXT_STEP.splitlines())


def _template_rules(config_path: str | None) -> ScoringRules | None:
    """The workspace's scoring rules, whose KPI tolerance the template's help quotes; None
    (the defaults) without a workspace: a template is often made before any. Only its
    scoring section is read: the rest may not hold yet (a teams_glob matching no file until
    this one is made, a rollup folder not made). A workspace found implicitly that cannot
    give them gets a note and the default, as before the template read it; one named by
    --config is an error (exit 2), as for every command: its tolerance was asked for."""
    from sheets_sync.config import has_workspace, load_rules
    from sheets_sync.domain.rules import ScoringRules, percent
    from sheets_sync.errors import ConfigError

    if not has_workspace(config_path):
        return None
    try:
        return load_rules(config_path)
    except ConfigError as exc:
        if config_path is not None:
            raise
        problem = exc.problems[0] if exc.problems else str(exc)
        more = f" (and {len(exc.problems) - 1} more)" if len(exc.problems) > 1 else ""
        default = percent(ScoringRules().kpi_tolerance)
        say(
            f"note: {problem}{more}; the template's help quotes the default KPI tolerance, "
            f"{default}",
            err=True,
        )
        return None


@cli.command()
@click.argument("directory", type=click.Path(file_okay=False))
@click.option(
    "--team",
    "teams",
    multiple=True,
    required=True,
    help="A team to create a sheet for (repeatable).",
)
@click.option("--company", default="Our company", show_default=True)
def init(directory: str, teams: Sequence[str], company: str) -> None:
    """Create a workspace: sheets-sync.yaml plus a template copy per team.

    Example: sheets-sync init acme --team Sales --team Marketing
    """
    from sheets_sync.workspace.init import init_workspace, next_steps

    cfg = init_workspace(Path(directory), teams, company=company)
    say(f"workspace created: {cfg}", *next_steps(cfg).splitlines())


@cli.command()
@click.argument("directory", type=click.Path(file_okay=False), default="demo-workspace")
@click.option(
    "--google",
    is_flag=True,
    help="Put the teams in a local Google Sheets emulator (no account needed) and sync them.",
)
@as_of_option
def demo(directory: str, google: bool, as_of: str | None) -> None:
    """Create a realistic six-team demo workspace and validate it.

    Its dates and period are set for --as-of (default today), so a sync that day shows
    the findings it was made for: 2 errors, 2 warnings.

    \b
    Example: sheets-sync demo demo-ws && sheets-sync sync --config demo-ws/sheets-sync.yaml
    Google:  sheets-sync demo --google demo-g   (exit 1 if a team failed)
    """
    from sheets_sync.config import load_workspace
    from sheets_sync.console import print_findings, print_summary
    from sheets_sync.sync.run import validate_workspace

    console = command_console()
    if google:
        from sheets_sync.workspace.google_demo import run_google_demo

        gdemo = run_google_demo(Path(directory), as_of_date(as_of))
        say(
            f"Google Sheets demo: {len(gdemo.team_keys)} team spreadsheets and a rollup "
            "spreadsheet created in a local Sheets API emulator (no Google account used), "
            "then synced as the nightly job would:"
        )
        print_findings(console, gdemo.result.runs)
        print_summary(console, gdemo.result, quiet=quiet_level())
        requests = ", ".join(f"{name} {n}" for name, n in gdemo.requests.items())
        say(f"requests the emulator answered: {sum(gdemo.requests.values())} ({requests})")
        say(f"demo workspace created: {gdemo.config}", *gdemo.next_steps().splitlines())
        sys.exit(EXIT_FAILED if gdemo.result.failed else EXIT_OK)
    from sheets_sync.workspace.demo import create_demo

    day = as_of_date(as_of)
    cfg = create_demo(Path(directory), as_of=day)
    ws = load_workspace(cfg)
    result = validate_workspace(ws, as_of=day)
    print_findings(console, result.runs)
    print_summary(console, result, dry_run=True, quiet=quiet_level())
    say(f"demo workspace created: {cfg}")
    say(f"next: sheets-sync sync --config {shlex.quote(str(cfg))}")


def _register_optional() -> None:
    try:
        from sheets_sync.emulator.cli import emulator_command
    except ImportError:  # pragma: no cover - emulator is part of the package
        return
    cli.add_command(emulator_command, "emulator")


_register_optional()


def main() -> None:
    for_this_process()  # the tool's own process: children inherit them too
    survive_lost_console()
    stop_on_signals()
    try:
        cli()
    finally:
        stop_at_once_from_now()
        if STOPPED_BY:  # said and cleaned up: now die by it, as the shell expects
            die_by_signal(STOPPED_BY[-1])
