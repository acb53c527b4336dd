"""The commands that make files to start from: ``template``, ``init`` and ``demo``, each
one library call (``write_template``, ``init_workspace``, ``create_demo``; their Google
forms call the Google template and demo code). Their errors become messages and exit
codes in ``cli_support.SyncGroup``, as every command's."""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Sequence
from pathlib import Path

import click

from sheets_sync.cli_support import (
    EXIT_FAILED,
    EXIT_OK,
    as_of_date,
    as_of_option,
    command_console,
    quiet_level,
    say,
)
from sheets_sync.domain.celltext import shell_word
from sheets_sync.domain.rules import ScoringRules, percent

#: what `template --config` is for, and what is used without a workspace (the default
#: tolerance quoted from ScoringRules; until a review on 2026-12-07 a literal "10%")
TEMPLATE_CONFIG_HELP = (
    "Workspace whose scoring.kpi_tolerance the Read me quotes, and with --google whose "
    "google.credentials key is used, else the key $GOOGLE_APPLICATION_CREDENTIALS names "
    "(default: $SHEETS_SYNC_CONFIG or ./sheets-sync.yaml, when there; else the default "
    f"tolerance, {percent(ScoringRules().kpi_tolerance)})."
)


def _given(name: str) -> bool:
    """The option was typed on the command line (not its default)."""
    source = click.get_current_context().get_parameter_source(name)
    return source is click.core.ParameterSource.COMMANDLINE


@click.command()
@click.argument("path", type=click.Path(dir_okay=False), required=False)
@click.option("--google", is_flag=True, help="Create it as a new Google spreadsheet.")
@click.option(
    "--title", default="Team goals", show_default=True, help="Title of the Google spreadsheet."
)
@click.option("--force", is_flag=True, help="Replace an existing file at PATH.")
@click.option(
    "--config",
    "config_path",
    type=click.Path(dir_okay=False),
    default=None,
    help=TEMPLATE_CONFIG_HELP,
)
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
    if not google and _given("title"):  # it would be dropped, as the PATH above
        raise click.UsageError(
            "--title names a new Google spreadsheet: give it with --google "
            "(an .xlsx template is named by its PATH)"
        )
    from sheets_sync.config import has_workspace, load_workspace
    from sheets_sync.template.spec import template_for

    if google:  # the workspace's credentials and settings, else GOOGLE_APPLICATION_CREDENTIALS
        from sheets_sync.backends.gsheets import template as gtemplate

        has = has_workspace(config_path)
        ws = load_workspace(config_path, files_must_exist=False) if has else None
        if ws is not None:
            gtemplate.check_key_setting(ws)
        rules = ws.rules if ws is not None else None
        with gtemplate.template_client(ws) as client:  # its connections closed after
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


@click.command()
@click.argument("directory", type=click.Path(file_okay=False))
@click.option(
    "--team",
    "teams",
    multiple=True,
    required=True,
    help="A team to create a sheet for (repeatable).",
)
@click.option(
    "--company",
    default="Our company",
    show_default=True,
    help="The company's name in sheets-sync.yaml (company:), shown in reports and the rollup.",
)
def init(directory: str, teams: Sequence[str], company: str) -> None:
    """Create a workspace: sheets-sync.yaml plus a template copy per team.

    Example: sheets-sync init acme --team Sales --team Marketing
    """
    from sheets_sync.workspace.init import init_workspace, next_steps

    cfg = init_workspace(Path(directory), teams, company=company)
    say(f"workspace created: {cfg}", *next_steps(cfg).splitlines())


@click.command()
@click.argument("directory", type=click.Path(file_okay=False), default="demo-workspace")
@click.option(
    "--google",
    is_flag=True,
    help="Put the teams in a local Google Sheets emulator (no account needed) and sync them.",
)
@as_of_option
def demo(directory: str, google: bool, as_of: dt.date | None) -> None:
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
    say(f"next: sheets-sync sync --config {shell_word(str(cfg))}")  # pastes as the path
