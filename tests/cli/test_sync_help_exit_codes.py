"""``sync --help`` names its exit codes, which a cron or systemd admin needs first
(until 2026-12-07 only README.md and docs/scheduling.md did)."""

from __future__ import annotations

from click.testing import CliRunner

from sheets_sync.cli import cli


def test_sync_help_lists_the_exit_codes() -> None:
    result = CliRunner().invoke(cli, ["sync", "--help"], terminal_width=100)
    assert result.exit_code == 0
    text = " ".join(result.stdout.split())
    for said in (
        "Exit codes: 0 ok",
        "1 some teams failed",
        # a shard's results not saved fails the night too (``SyncResult.failed``)
        "1 some teams failed, or the rollup, the run report or a shard's results"
        " (--results-dir) could not be written",
        "2 usage or configuration error",
        "3 another run holds the workspace lock",
        "130 Ctrl-C, 143 SIGTERM, 129 SIGHUP",
        "docs/scheduling.md",
    ):
        assert said in text
