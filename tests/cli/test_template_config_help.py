"""`template -h` says what its `--config` is for: the workspace whose KPI tolerance the
Read me quotes, and whose Google key `--google` uses. Until 2026-12-07 it said only
"Workspace file", as the commands that sync one do, and a newcomer could not tell why a
blank template would want a workspace (docs/template.md said it)."""

from __future__ import annotations

import subprocess
import sys

from click.testing import CliRunner

from sheets_sync.cli import cli
from sheets_sync.domain.rules import ScoringRules, percent
from tests.support.scripts import HANG


def test_template_config_option_says_what_it_is_for() -> None:
    result = CliRunner().invoke(cli, ["template", "-h"], terminal_width=80)
    assert result.exit_code == 0
    told = " ".join(result.output.split("--config FILE", 1)[1].split("-h, --help")[0].split())
    tolerance = percent(ScoringRules().kpi_tolerance)
    assert told == (
        "Workspace whose scoring.kpi_tolerance the Read me quotes, and with --google whose "
        "google.credentials key is used, else the key $GOOGLE_APPLICATION_CREDENTIALS names "
        "(default: $SHEETS_SYNC_CONFIG or ./sheets-sync.yaml, when there; else the default "
        f"tolerance, {tolerance})."
    )
    # tests/e2e/test_google_template_cli.py: --google takes the environment's key


def test_the_default_tolerance_told_is_the_rules() -> None:
    """The help quotes ScoringRules' default, whatever it is (until a review on 2026-12-07 a
    literal "10%"): here made 5% before the command is imported, in a process of its own."""
    code = (
        "import sheets_sync.domain.rules as r\n"
        "d = list(r.ScoringRules.__init__.__defaults__)\n"
        "d[[f.name for f in dataclasses.fields(r.ScoringRules)].index('kpi_tolerance')] = 0.05\n"
        "r.ScoringRules.__init__.__defaults__ = tuple(d)\n"
        "assert r.ScoringRules().kpi_tolerance == 0.05\n"
        "from sheets_sync.cli_setup import template\n"
        "(config,) = [p for p in template.params if p.name == 'config_path']\n"
        "print(config.help)\n"
    )
    command = [sys.executable, "-c", "import dataclasses\n" + code]
    done = subprocess.run(command, capture_output=True, text=True, timeout=HANG, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.rstrip().endswith("else the default tolerance, 5%).")


def test_the_syncing_commands_keep_the_plain_workspace_help() -> None:
    result = CliRunner().invoke(cli, ["sync", "-h"], terminal_width=80)
    assert result.exit_code == 0
    assert "Workspace file (default: $SHEETS_SYNC_CONFIG or" in result.output
