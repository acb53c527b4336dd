"""`template -h` says what its `--config` is for: the workspace whose KPI tolerance the
Read me quotes, and whose Google key `--google` uses. Until 2026-12-07 it said only
"Workspace file", as the commands that sync one do, and a newcomer could not tell why a
blank template would want a workspace (docs/template.md said it)."""

from __future__ import annotations

from click.testing import CliRunner

from sheets_sync.cli import cli


def test_template_config_option_says_what_it_is_for() -> None:
    result = CliRunner().invoke(cli, ["template", "-h"], terminal_width=80)
    assert result.exit_code == 0
    told = " ".join(result.output.split("--config FILE", 1)[1].split("-h, --help")[0].split())
    assert told == (
        "Workspace whose scoring.kpi_tolerance the Read me quotes, and with --google whose "
        "Google key is used (default: $SHEETS_SYNC_CONFIG or ./sheets-sync.yaml, when there; "
        "else the default tolerance, 10%)."
    )


def test_the_syncing_commands_keep_the_plain_workspace_help() -> None:
    result = CliRunner().invoke(cli, ["sync", "-h"], terminal_width=80)
    assert result.exit_code == 0
    assert "Workspace file (default: $SHEETS_SYNC_CONFIG or" in result.output
