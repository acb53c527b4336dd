"""``config check`` with a mapping whose settings are read another way than written: it
said "ok" and nothing more (until 2026-12-07), though each team read with it is warned at
the tab every night."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from sheets_sync.cli import cli
from tests.conftest import CONFIG, write_team


def test_config_check_lists_a_mappings_warnings_under_its_team(tmp_path: Path) -> None:
    write_team(tmp_path / "teams" / "sales.xlsx")
    (tmp_path / "mappings").mkdir()
    (tmp_path / "mappings" / "mine.yaml").write_text(
        "name: mine\nokrs:\n  sheet: [OKRs]\n  header: {row: 1, search: 10}\n"
        "kpis:\n  sheet: [KPIs]\n  layout: objective_blocks\n",
        encoding="utf-8",
    )
    cfg = tmp_path / "sheets-sync.yaml"
    cfg.write_text(
        CONFIG.replace("source: teams/sales.xlsx}", "source: teams/sales.xlsx, mapping: mine}"),
        encoding="utf-8",
    )
    result = CliRunner().invoke(cli, ["config", "check", "--config", str(cfg)])
    assert result.exit_code == 0
    assert result.stdout.splitlines()[1:] == [
        "  Sales: teams/sales.xlsx (mapping mine)",
        "    warning: mine.yaml: okrs.header: gives both row and search; row 1 is used, "
        "search is not read",
        "    warning: mine.yaml: kpis.layout: KPIs are read a row each; objective_blocks is "
        "a layout of okrs only, so it is not read; remove layout",
    ]


def test_quiet_config_check_keeps_a_mappings_warnings(tmp_path: Path) -> None:
    """-q hides the lines of what went well, not problems (as validate keeps its findings):
    until 2026-12-07 -q dropped every team line and the warnings with them, -qq all."""
    write_team(tmp_path / "teams" / "sales.xlsx")
    write_team(tmp_path / "teams" / "ops.xlsx")
    (tmp_path / "mappings").mkdir()
    (tmp_path / "mappings" / "mine.yaml").write_text(
        "name: mine\nokrs:\n  sheet: [OKRs]\n  header: {row: 1, search: 10}\n", encoding="utf-8"
    )
    cfg = tmp_path / "sheets-sync.yaml"
    cfg.write_text(
        CONFIG.replace(
            "source: teams/sales.xlsx}", "source: teams/sales.xlsx, mapping: mine}"
        ).replace("teams:\n", "teams:\n  - {name: Ops, source: teams/ops.xlsx}\n", 1),
        encoding="utf-8",
    )
    warned = [
        "  Sales: teams/sales.xlsx (mapping mine)",
        "    warning: mine.yaml: okrs.header: gives both row and search; row 1 is used, "
        "search is not read",
    ]
    loud = CliRunner().invoke(cli, ["config", "check", "--config", str(cfg)])
    assert loud.exit_code == 0 and "  Ops: teams/ops.xlsx (mapping standard)" in loud.stdout
    quiet = CliRunner().invoke(cli, ["-q", "config", "check", "--config", str(cfg)])
    assert quiet.exit_code == 0
    assert quiet.stdout.splitlines()[1:] == warned  # the ok line, then only what needs a look
    assert quiet.stdout.startswith("sheets-sync.yaml: ok: ")
    very = CliRunner().invoke(cli, ["-qq", "config", "check", "--config", str(cfg)])
    assert (very.exit_code, very.stdout.splitlines()) == (0, warned)
