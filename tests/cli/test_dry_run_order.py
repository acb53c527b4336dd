"""A dry run lists a team's cells as the sheet reads, left to right and down: row, then
column, each tab's in the order its first cell came. Until 2026-12-07 a row's cells came
in the order the sync computes them (Score, Expected, Status, notes), so a tab with
Status left of Score (the demo's Goals: O, R, P) listed ``O5, R5, P5``."""

from __future__ import annotations

import re
from pathlib import Path

from tests.cli.test_ops_cli import AS_OF, run

_CELL = re.compile(r"^  (?:'(?:[^']|'')*'|[^!]+)!([A-Z]+)([0-9]+): ")


def _column(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n


def _listed(out: str) -> dict[str, list[tuple[str, tuple[int, int]]]]:
    """Each team's listed cells, as (tab, (row, column)), in the order listed."""
    teams: dict[str, list[tuple[str, tuple[int, int]]]] = {}
    team = ""
    for line in out.splitlines():
        if not line.startswith("  "):
            team = line.split(" (")[0]
            teams[team] = []
        elif (m := _CELL.match(line)) is not None:
            tab = line[2 : m.start(1) - 1]
            teams[team].append((tab, (int(m[2]), _column(m[1]))))
    return teams


def test_a_dry_run_lists_cells_in_sheet_order(demo: Path) -> None:
    code, out, err = run("sync", "--dry-run", "--config", str(demo), *AS_OF)
    assert code == 0, out + err
    teams = {t: cells for t, cells in _listed(out).items() if cells}
    assert len(teams) >= 4 and "Marketing" in teams
    for team, cells in teams.items():
        tabs = list(dict.fromkeys(tab for tab, _ in cells))
        order = sorted(cells, key=lambda c: (tabs.index(c[0]), c[1]))
        assert cells == order, team
