"""A ``teams_glob`` takes a workbook's end in any case, as it finds the .ods and .xls
files it warns of (``sources.caseless_end``) and as Windows always did: until
2026-12-07, on Linux and macOS (pathlib's glob matches case-sensitively), ``Ops.XLSX``
under ``teams/*.xlsx`` was no team, without a word, and a folder of such files alone
"matched no workbook"."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from sheets_sync.config import load_workspace
from sheets_sync.config_resolve import _shown
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


def test_a_listed_team_of_the_other_end_is_not_warned_of(tmp_path: Path) -> None:
    """A listed ``Sales.XLSX`` is its team's, not the pattern's to call no team."""
    config = "teams:\n  - {name: Caps, source: teams/Sales.XLSX}\nteams_glob: teams/*.xlsx\n"
    teams, warnings = _loaded(tmp_path, config, "Sales.xlsx", "Sales.XLSX")
    assert teams == ["Caps teams/Sales.XLSX", "Sales teams/Sales.xlsx"]
    assert warnings == []


def _taken(file: str, team: str, of: str, pattern: str = "teams/*.xlsx") -> str:
    return (
        f"sheets-sync.yaml: teams_glob ({pattern!r}): {file} is not a team: its end is not "
        f"the one teams_glob spells, and its name is another team's, {team} ({of}); rename "
        "it if it is a team of its own"
    )


@pytest.mark.parametrize(
    ("pattern", "files", "team", "taken"),
    [  # (a) the stem in other capitals: one name, as the duplicate check compares names
        ("teams/*.xlsx", ["Sales.xlsx", "SALES.XLSX"], "teams/Sales.xlsx", "teams/SALES.XLSX"),
        # (b) one in each folder
        (
            "teams/*/*.xlsx",
            ["a/Sales.xlsx", "b/Sales.XLSX"],
            "teams/a/Sales.xlsx",
            "teams/b/Sales.XLSX",
        ),
        # (c) a ** pattern, the spelled one above the other
        (
            "teams/**/*.xlsx",
            ["Sales.xlsx", "a/Sales.XLSX"],
            "teams/Sales.xlsx",
            "teams/a/Sales.XLSX",
        ),
        (
            "teams/**/*.xlsx",
            ["a/Sales.XLSX", "Sales.xlsx"],
            "teams/Sales.xlsx",
            "teams/a/Sales.XLSX",
        ),
    ],
)
def test_a_file_only_the_end_in_any_case_matched_never_fails_the_load(
    tmp_path: Path, pattern: str, files: list[str], team: str, taken: str
) -> None:
    """Its name another team's, it is no team, said: on 2026-12-07 "duplicate team name
    'Sales'" failed the whole workspace's load, where before the pattern ran Sales."""
    teams, warnings = _loaded(tmp_path, f'teams_glob: "{pattern}"\n', *files)
    assert teams == [f"Sales {team}"]
    assert warnings == [_taken(taken, "Sales", team, pattern)]


def test_a_listed_team_s_linked_file_keeps_its_name(tmp_path: Path) -> None:
    """(d) A listed Sales whose teams/Sales.xlsx is a link into another folder."""
    write_team(tmp_path / "store" / "v2.xlsx")
    (tmp_path / "teams").mkdir()
    (tmp_path / "teams" / "Sales.xlsx").symlink_to(Path("..") / "store" / "v2.xlsx")
    config = "teams:\n  - {name: Sales, source: teams/Sales.xlsx}\nteams_glob: teams/*.xlsx\n"
    teams, warnings = _loaded(tmp_path, config, "Sales.XLSX")
    assert teams == ["Sales teams/Sales.xlsx"]
    assert warnings == [_taken("teams/Sales.XLSX", "Sales", "teams/Sales.xlsx")]


def test_two_ends_the_pattern_does_not_spell_are_one_team(tmp_path: Path) -> None:
    """(e) ``Sales.XLSX`` and ``Sales.xLsx`` under ``teams/*.xlsx``: the first (by name) is
    Sales, the other said; Ops runs (on 2026-12-07 a duplicate team name failed them all;
    before, the pattern ran Ops alone)."""
    files = ("Sales.XLSX", "Sales.xLsx", "Ops.xlsx")
    teams, warnings = _loaded(tmp_path, "teams_glob: teams/*.xlsx\n", *files)
    assert teams == ["Ops teams/Ops.xlsx", "Sales teams/Sales.XLSX"]
    assert warnings == [_taken("teams/Sales.xLsx", "Sales", "teams/Sales.XLSX")]


def test_a_listed_team_elsewhere_keeps_its_name(tmp_path: Path) -> None:
    """(f) A listed ``other/Sales.xlsx``: the glob's ``teams/Sales.XLSX`` is no team."""
    write_team(tmp_path / "other" / "Sales.xlsx")
    config = "teams:\n  - {name: Sales, source: other/Sales.xlsx}\nteams_glob: teams/*.xlsx\n"
    teams, warnings = _loaded(tmp_path, config, "Sales.XLSX", "Ops.xlsx")
    assert teams == ["Ops teams/Ops.xlsx", "Sales other/Sales.xlsx"]
    assert warnings == [_taken("teams/Sales.XLSX", "Sales", "other/Sales.xlsx")]


def test_a_name_free_for_it_is_a_team(tmp_path: Path) -> None:
    """``Ops.XLSX`` beside another team's ``Sales.xlsx``: its own name, a team as ever."""
    teams, warnings = _loaded(
        tmp_path, "teams_glob: teams/*/*.xlsx\n", "a/Sales.xlsx", "b/Ops.XLSX"
    )
    assert teams == ["Ops teams/b/Ops.XLSX", "Sales teams/a/Sales.xlsx"]
    assert warnings == []


def test_two_patterns_each_spelling_an_end_are_two_teams_of_one_name(tmp_path: Path) -> None:
    """(g) ``teams/*.xlsx`` and ``teams/*.XLSX``: each spells its file, so one name is two
    teams, the duplicate team name the load fails with, as before the end in any case;
    neither file is an end-case file of the other pattern's."""
    config = 'teams_glob: ["teams/*.xlsx", "teams/*.XLSX"]\n'
    with pytest.raises(ConfigError) as caught:
        _loaded(tmp_path, config, "Sales.xlsx", "Sales.XLSX")
    assert "duplicate team name 'Sales'" in "\n".join(caught.value.problems)


def test_a_listed_file_the_pattern_does_not_spell_is_no_twin(tmp_path: Path) -> None:
    """A listed Revenue's ``Sales.xlsm`` is no spelling of ``teams/*.xlsx``: ``Sales.XLSX``
    beside it is team Sales (its name free), not "no team: teams/Sales.xlsm beside it is,
    the end teams_glob spells" (found reading the whole change)."""
    config = "teams:\n  - {name: Revenue, source: teams/Sales.xlsm}\nteams_glob: teams/*.xlsx\n"
    teams, warnings = _loaded(tmp_path, config, "Sales.xlsm", "Sales.XLSX")
    assert teams == ["Revenue teams/Sales.xlsm", "Sales teams/Sales.XLSX"]
    assert warnings == []


def test_a_name_not_utf8_is_warned_of_escaped(tmp_path: Path) -> None:
    """The glob's warnings name a file with a Latin-1 byte ``\\xfe``, as its errors do,
    not as Python's surrogate ``\\udcfe``, which no UTF-8 report holds (found reading the
    whole change: ``sync --dry-run`` said ``teams/Op\\udcfes.XLSX``)."""
    path = tmp_path / "teams" / os.fsdecode(b"Op\xfes.XLSX")
    assert _shown(path, tmp_path) == "teams/Op\\xfes.XLSX"
    assert _shown(tmp_path / "teams" / "Ops.XLSX", tmp_path) == "teams/Ops.XLSX"
