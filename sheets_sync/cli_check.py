"""The commands that read a workspace and write nothing: ``config check`` and
``validate``, each one library call (``check_config``, ``validate_workspace``). Their
errors become messages and exit codes in ``cli_support.SyncGroup``, as every command's."""

from __future__ import annotations

import datetime as dt
import json
import logging
import sys
from collections.abc import Sequence

import click

from sheets_sync.cli_support import (
    EXIT_FAILED,
    EXIT_OK,
    DocumentCommand,
    as_of_date,
    as_of_option,
    command_console,
    config_option,
    quiet_level,
    say,
)


@click.group()
def config() -> None:
    """Inspect the workspace configuration.

    Example: sheets-sync config check --config acme/sheets-sync.yaml
    """


@config.command("check")
@config_option
def config_check(config_path: str | None) -> None:
    """Load and validate the workspace; list every problem.

    Example: sheets-sync config check --config acme/sheets-sync.yaml
    """
    from sheets_sync.config import check_config
    from sheets_sync.console import counted

    ws = check_config(config_path)
    if quiet_level() < 2:
        say(
            f"{ws.config_path.name}: ok: {ws.company}, period {ws.period.name} "
            f"({ws.period.start} to {ws.period.end}), {counted(len(ws.teams), 'team')}, "
            f"rollup to {ws.rollup_output}"
        )
    if ws.warnings:  # a glob's .ods files: no teams, said at every -q level, as a night does
        say(*(f"  warning: {w}" for w in ws.warnings), level=logging.WARNING)
    for team in ws.teams:
        tabs = (team.mapping.okrs, team.mapping.kpis)
        said = [f"    warning: {m}" for tab in tabs if tab is not None for m in tab.said]
        if said or not quiet_level():  # -q hides the ok lines, not the warnings
            say(f"  {team.name}: {team.source} (mapping {team.mapping_name})")
        if said:  # read another way than written: each night warned at the tab, too
            say(*said, level=logging.WARNING)


@click.command(cls=DocumentCommand, document={"teams": [], "ok": False})
@config_option
@click.option("--team", "teams", multiple=True, help="Only this team (repeatable).")
@click.option("--json", "as_json", is_flag=True, help="Print findings as JSON.")
@as_of_option
def validate(
    config_path: str | None, teams: Sequence[str], as_json: bool, as_of: dt.date | None
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

    # a set-up check: a mapping that does not load is the workspace's error (exit 2)
    ws = load_workspace(config_path, files_must_exist=False, mappings_must_load=True)
    result = validate_workspace(ws, teams=teams, as_of=as_of_date(as_of))
    errors = validation_errors(result.runs)
    if as_json:
        payload = [team_dict(r, with_changes=False) for r in result.runs]
        # the workspace's warnings (a glob's .ods files) too: dropped until 2026-12-07
        doc = {"teams": payload, "ok": not errors, "warnings": list(ws.warnings)}
        click.echo(json.dumps(doc, indent=2))
    else:
        if ws.warnings:  # a glob's .ods files, which are no teams
            say(*(f"warning: {w}" for w in ws.warnings), level=logging.WARNING)
        print_validation(command_console(), result.runs, quiet=quiet_level())
    sys.exit(EXIT_FAILED if errors else EXIT_OK)
