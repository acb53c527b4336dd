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
