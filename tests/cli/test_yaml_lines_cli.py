"""``config check`` names the line of a problem in the workspace file and in a mapping
alike, and exits 2 (tests/config/test_yaml_lines.py: the rules)."""

from __future__ import annotations

from pathlib import Path

from tests.cli.test_ops_cli import run
from tests.config.test_yaml_lines import GREEN, HEAD, HEADER_ROW


def test_config_check_says_both_files_lines_and_exits_2(tmp_path: Path) -> None:
    (tmp_path / "mappings").mkdir()
    (tmp_path / "mappings" / "mine.yaml").write_text(
        "name: mine\nokrs:\n  sheet: [OKRs]\n  header:\n    row: abc\n", encoding="utf-8"
    )
    cfg = tmp_path / "sheets-sync.yaml"
    cfg.write_text(
        HEAD
        + "scoring:\n  green: high\nteams:\n  - {name: S, source: 'gsheet:x', mapping: mine}\n",
        encoding="utf-8",
    )
    assert run("config", "check", "--config", str(cfg)) == (
        2,
        "",
        "error: sheets-sync.yaml: invalid configuration\n"
        f"  sheets-sync.yaml: line 4: {GREEN}\n"
        f"  sheets-sync.yaml: line 6: teams[0].mapping: mine.yaml: line 5: {HEADER_ROW}\n",
    )
