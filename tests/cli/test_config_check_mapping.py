"""A workspace mapping file with a mistake in it, as `config check` and `validate` report
it: each problem names the team entry that uses the mapping, and a misspelt key says so
(`sync` fails only the teams that use it: ``test_mapping_fails_team.py``)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli.test_ops_cli import run
from tests.conftest import write_team

MAPPING = """name: mine
okrs:
  sheet: [OKRs]
  layout: rowz
kpis:
  sheet: [KPIs]
  requried: false
"""


def workspace(tmp_path: Path) -> Path:
    write_team(tmp_path / "teams" / "sales.xlsx")
    write_team(tmp_path / "teams" / "ops.xlsx")
    (tmp_path / "mappings").mkdir()
    (tmp_path / "mappings" / "mine.yaml").write_text(MAPPING, encoding="utf-8")
    cfg = tmp_path / "sheets-sync.yaml"
    cfg.write_text(
        "company: Acme\n"
        "period: {name: 2026-Q4, start: 2026-10-01, end: 2026-12-31}\n"
        "teams:\n"
        "  - {name: Sales, source: teams/sales.xlsx, mapping: mine}\n"
        "  - {name: Ops, source: teams/ops.xlsx, mapping: mine}\n",
        encoding="utf-8",
    )
    return cfg


def test_a_bad_mapping_names_each_team_entry_and_the_misspelt_key(tmp_path: Path) -> None:
    """Until 2026-12-06 the two teams got the same two unlocated lines twice, the misspelt
    key as pydantic's "Extra inputs are not permitted". The set-up checks keep it an error
    of the workspace (exit 2), which a sync was too until 2026-12-06. The mapping is told
    whole once, at its first team, and the later one points up to it as a sync's line does
    (until 2026-12-06 each listed team repeated every problem)."""
    cfg = workspace(tmp_path)
    lines = [
        *(
            f"sheets-sync.yaml: line 4: teams[0].mapping: mine.yaml: {problem}"
            for problem in (
                "line 4: okrs.layout: should be 'rows' or 'objective_blocks', not 'rowz'",
                "line 7: kpis.requried: unknown key (did you mean 'required'? see "
                "docs/mappings.md)",
            )
        ),
        "sheets-sync.yaml: line 5: teams[1].mapping: the same mapping error as Sales (above)",
    ]
    expected = "".join(
        f"{line}\n" for line in ["error: sheets-sync.yaml: invalid configuration", *lines]
    ).replace("\nsheets-sync.yaml: line", "\n  sheets-sync.yaml: line")
    for command in (["config", "check"], ["validate", "--as-of", "2026-11-23"]):
        code, out, err = run(*command, "--config", str(cfg))
        assert (code, out, err) == (2, "", expected)
    code, out, err = run("validate", "--json", "--config", str(cfg))
    assert (code, err) == (2, "")
    assert json.loads(out) == {"teams": [], "ok": False, "errors": lines}


def test_a_teams_glob_naming_a_folder_says_how_to_match_its_workbooks(tmp_path: Path) -> None:
    """``teams_glob: teams`` said only "matches no workbook", beside a folder of them; and
    a misspelt ``default_mapping`` was reported once per pattern, the same line each time."""
    write_team(tmp_path / "teams" / "sales.xlsx")
    write_team(tmp_path / "emea" / "ops.xlsx")
    cfg = tmp_path / "sheets-sync.yaml"
    cfg.write_text(
        "company: Acme\n"
        "period: {name: 2026-Q4, start: 2026-10-01, end: 2026-12-31}\n"
        "teams_glob: [teams, emea/*.xlsx, apac/*.xlsx]\n"
        "default_mapping: standrad\n",
        encoding="utf-8",
    )
    code, out, err = run("config", "check", "--config", str(cfg))
    assert (code, out) == (2, "")
    assert err.splitlines() == [
        "error: sheets-sync.yaml: invalid configuration",
        "  sheets-sync.yaml: line 4: default_mapping: mapping 'standrad' not found (built-in: "
        "flat-tracker, objective-blocks, standard)",
        "  sheets-sync.yaml: line 3: teams_glob: 'teams' matches no workbook: it is a folder; "
        "'teams/*.xlsx' matches the workbooks in it",
        "  sheets-sync.yaml: line 3: teams_glob: 'apac/*.xlsx' matches no workbook",
    ]


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("", "is empty"),
        ("# nothing yet\n", "is empty"),
        ("- okrs\n", "expected a mapping of settings at the top level"),
    ],
)
def test_a_mapping_file_that_holds_no_settings(tmp_path: Path, text: str, problem: str) -> None:
    """It said "(top level): Input should be a valid dictionary or instance of MappingSpec",
    a class's name."""
    cfg = workspace(tmp_path)
    (tmp_path / "mappings" / "mine.yaml").write_text(text, encoding="utf-8")
    code, out, err = run("config", "check", "--config", str(cfg))
    assert (code, out) == (2, "")
    line = f"mine.yaml: {problem}; a mapping has name: and okrs: (docs/mappings.md)"
    assert err.splitlines() == [
        "error: sheets-sync.yaml: invalid configuration",
        f"  sheets-sync.yaml: line 4: teams[0].mapping: {line}",
        "  sheets-sync.yaml: line 5: teams[1].mapping: the same mapping error as Sales (above)",
    ]


def test_a_teams_glob_folder_hint_suggests_only_a_pattern_that_matches(tmp_path: Path) -> None:
    """Workbooks only in subfolders: the hint suggested 'teams/*.xlsx', which matches none
    of them; it suggests 'teams/**/*.xlsx', and nothing for a folder with no workbook."""
    write_team(tmp_path / "teams" / "emea" / "sales.xlsx")
    (tmp_path / "empty").mkdir()
    cfg = tmp_path / "sheets-sync.yaml"
    cfg.write_text(
        "company: Acme\n"
        "period: {name: 2026-Q4, start: 2026-10-01, end: 2026-12-31}\n"
        "teams_glob: [teams, empty]\n",
        encoding="utf-8",
    )
    code, out, err = run("config", "check", "--config", str(cfg))
    assert (code, out) == (2, "")
    assert err.splitlines() == [
        "error: sheets-sync.yaml: invalid configuration",
        "  sheets-sync.yaml: line 3: teams_glob: 'teams' matches no workbook: it is a folder; "
        "'teams/**/*.xlsx' matches the workbooks in it",
        "  sheets-sync.yaml: line 3: teams_glob: 'empty' matches no workbook",
    ]


def test_many_teams_and_the_default_mapping_sharing_a_mapping_are_told_it_once(
    tmp_path: Path,
) -> None:
    """A broken mapping 5 listed teams name (and the glob's ``default_mapping``): its
    problems once, then a short line per later entry, as ``sync`` tells it."""
    (tmp_path / "mappings").mkdir()
    (tmp_path / "mappings" / "mine.yaml").write_text(MAPPING, encoding="utf-8")
    names = ["Sales", "Ops", "Web", "Legal", "Finance"]
    for name in [*names, "hr"]:
        write_team(tmp_path / ("glob" if name == "hr" else "teams") / f"{name}.xlsx")
    cfg = tmp_path / "sheets-sync.yaml"
    cfg.write_text(
        "company: Acme\n"
        "period: {name: 2026-Q4, start: 2026-10-01, end: 2026-12-31}\n"
        "default_mapping: mine\nteams_glob: glob/*.xlsx\nteams:\n"
        + "".join(f"  - {{name: {n}, source: teams/{n}.xlsx, mapping: mine}}\n" for n in names),
        encoding="utf-8",
    )
    for command in (["config", "check"], ["validate", "--as-of", "2026-11-23"]):
        code, out, err = run(*command, "--config", str(cfg))
        assert (code, out) == (2, "")
        assert err.splitlines() == [
            "error: sheets-sync.yaml: invalid configuration",
            "  sheets-sync.yaml: line 6: teams[0].mapping: mine.yaml: line 4: okrs.layout: should "
            "be 'rows' or 'objective_blocks', not 'rowz'",
            "  sheets-sync.yaml: line 6: teams[0].mapping: mine.yaml: line 7: kpis.requried: "
            "unknown key (did you mean 'required'? see docs/mappings.md)",
            *(
                f"  sheets-sync.yaml: line {6 + i}: teams[{i}].mapping: the same mapping error as "
                "Sales (above)"
                for i in range(1, 5)
            ),
            "  sheets-sync.yaml: line 3: default_mapping: the same mapping error as Sales (above)",
        ]
