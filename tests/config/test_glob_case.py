"""A ``teams_glob`` takes a workbook's end in any case, as it finds the .ods and .xls
files it warns of (``sources.caseless_end``) and as Windows always did: until
2026-12-07, on Linux and macOS (pathlib's glob matches case-sensitively), ``Ops.XLSX``
under ``teams/*.xlsx`` was no team, without a word, and a folder of such files alone
"matched no workbook"."""

from __future__ import annotations

from pathlib import Path

import pytest

from sheets_sync.config import load_workspace
from sheets_sync.errors import ConfigError
from tests.conftest import write_team

HEAD = (
    "company: Acme\nperiod: {name: 2026-Q4, start: 2026-10-01, end: 2026-12-31}\n"
    "company_objectives:\n  - {id: CO-1, title: Grow}\n"
)


def _teams(root: Path, pattern: str, *files: str) -> list[str]:
    for name in files:
        write_team(root / "teams" / name)
    cfg = root / "sheets-sync.yaml"
    cfg.write_text(HEAD + f'teams_glob: "{pattern}"\n', encoding="utf-8")
    return sorted(t.name for t in load_workspace(cfg).teams)


@pytest.mark.parametrize(
    ("pattern", "teams"),
    [
        ("teams/*.xlsx", ["Ops", "Sales"]),
        ("teams/*.XLSX", ["Ops", "Sales"]),
        ("teams/*.xls[xm]", ["Legal", "Ops", "Sales"]),
        ("teams/*.xlsm", ["Legal"]),
        ("teams/Ops.xlsx", ["Ops"]),
    ],
)
def test_the_workbooks_end_in_any_case(tmp_path: Path, pattern: str, teams: list[str]) -> None:
    assert _teams(tmp_path, pattern, "Sales.xlsx", "Ops.XLSX", "Legal.Xlsm") == teams


def test_a_folder_of_capitals_matches(tmp_path: Path) -> None:
    assert _teams(tmp_path, "teams/*.xlsx", "Ops.XLSX") == ["Ops"]


def test_the_stem_keeps_its_case(tmp_path: Path) -> None:
    """Only the end: ``teams/S*.xlsx`` is not ``teams/s*.xlsx``."""
    with pytest.raises(ConfigError) as caught:
        _teams(tmp_path, "teams/s*.xlsx", "Sales.xlsx")
    assert "'teams/s*.xlsx' matches no workbook" in "\n".join(caught.value.problems)


def test_a_folders_hint_finds_them_too(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as caught:
        _teams(tmp_path, "teams", "Ops.XLSX")
    assert "it is a folder; 'teams/*.xlsx' matches the workbooks in it" in "\n".join(
        caught.value.problems
    )


def _loaded(root: Path, config: str, *files: str) -> tuple[list[str], list[str]]:
    for name in files:
        write_team(root / "teams" / name)
    cfg = root / "sheets-sync.yaml"
    cfg.write_text(HEAD + config, encoding="utf-8")
    ws = load_workspace(cfg)
    return sorted(f"{t.name} {t.source}" for t in ws.teams), list(ws.warnings)


def _twin(pattern: str, file: str, twin: str) -> str:
    name = file.rpartition("/")[2]
    return (
        f"sheets-sync.yaml: teams_glob ({pattern!r}): {file} is not a team: {twin} beside it "
        f"is, the end teams_glob spells, and one name is one team; remove or rename {name} "
        "if it is another team's"
    )


@pytest.mark.parametrize("pattern", ["teams/*.xlsx", "teams/Sales.xlsx"])
def test_the_end_the_pattern_spells_is_the_team(tmp_path: Path, pattern: str) -> None:
    """``Sales.xlsx`` and ``Sales.XLSX`` side by side: the pattern's spelling is the team,
    the other is warned of; on 2026-12-07 one name twice failed the whole workspace's
    load ("duplicate team name 'Sales'"), where before the pattern ran Sales."""
    teams, warnings = _loaded(tmp_path, f'teams_glob: "{pattern}"\n', "Sales.xlsx", "Sales.XLSX")
    assert teams == ["Sales teams/Sales.xlsx"]
    assert warnings == [_twin(pattern, "teams/Sales.XLSX", "teams/Sales.xlsx")]


def test_a_listed_teams_file_is_the_one_spelled(tmp_path: Path) -> None:
    config = "teams:\n  - {name: Sales, source: teams/Sales.xlsx}\nteams_glob: teams/*.xlsx\n"
    teams, warnings = _loaded(tmp_path, config, "Sales.xlsx", "Sales.XLSX", "Ops.XLSX")
    assert teams == ["Ops teams/Ops.XLSX", "Sales teams/Sales.xlsx"]
    assert warnings == [_twin("teams/*.xlsx", "teams/Sales.XLSX", "teams/Sales.xlsx")]


def test_two_ends_the_pattern_does_not_spell_are_one_name_twice(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as caught:
        _loaded(tmp_path, "teams_glob: teams/*.xlsx\n", "Sales.XLSX", "Sales.Xlsx")
    assert "duplicate team name 'Sales'" in "\n".join(caught.value.problems)


def test_a_listed_team_of_the_other_end_is_not_warned_of(tmp_path: Path) -> None:
    """A listed ``Sales.XLSX`` is its team's, not the pattern's to call no team."""
    config = "teams:\n  - {name: Caps, source: teams/Sales.XLSX}\nteams_glob: teams/*.xlsx\n"
    teams, warnings = _loaded(tmp_path, config, "Sales.xlsx", "Sales.XLSX")
    assert teams == ["Caps teams/Sales.XLSX", "Sales teams/Sales.xlsx"]
    assert warnings == []
