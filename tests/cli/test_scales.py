"""Numbers on another scale than meant (a fraction typed as a percentage, a percentage as
a whole number): the line a user sees for each, and the exit code."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from sheets_sync.cli import cli
from tests.conftest import CONFIG, write_team


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_a_kpi_tolerance_typed_as_a_percentage_stops_the_night(tmp_path: Path) -> None:
    write_team(tmp_path / "teams" / "sales.xlsx")
    cfg = tmp_path / "sheets-sync.yaml"
    cfg.write_text(CONFIG + "scoring: {kpi_tolerance: 10}\n", encoding="utf-8")
    for command in (["config", "check"], ["sync", "--dry-run"]):
        code, out, err = run(*command, "--config", str(cfg))
        assert (code, out) == (2, "")
        assert err == (
            "error: sheets-sync.yaml: invalid configuration\n"
            "  sheets-sync.yaml: scoring.kpi_tolerance: 10 is above 1: a tolerance is a "
            "fraction of a KPI's target (0.1 is 10%), and above 1 the amber band of a "
            "higher-is-better KPI reaches below 0; type 0.1 for 10%\n"
        )
