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
