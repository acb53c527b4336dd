"""Loading the workspace: every problem at once, each with its YAML location."""

from __future__ import annotations

import contextlib
import random
from pathlib import Path

import pytest
import yaml

from sheets_sync.config import load_workspace
from sheets_sync.errors import ConfigError
from sheets_sync.sources import is_team_workbook
from tests.conftest import write_team


def problems(tmp_path: Path, text: str) -> list[str]:
    cfg = tmp_path / "sheets-sync.yaml"
    cfg.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_workspace(cfg)
    return info.value.problems or [str(info.value)]


def test_loads_the_fixture_workspace(workspace: Path) -> None:
    ws = load_workspace(workspace)
    assert ws.company == "Acme"
    assert ws.period.name == "2026-Q4"
    assert [t.name for t in ws.teams] == ["Sales"]
    assert ws.teams[0].display_name == "sales.xlsx"
    assert ws.rules.green == 0.7
    assert ws.rollup_path == workspace.parent / "company.xlsx"


def test_every_problem_is_reported_with_its_location(tmp_path: Path) -> None:
    found = problems(
        tmp_path,
        """company: Acme
period: {name: Q4, start: 2026-12-31, end: 2026-10-01}
teams:
  - {name: Sales, source: teams/sales.xlsx}
  - {name: Ops, source: teams/ops.xlsx, mapping: nope}
  - {name: Web, sorce: teams/web.xlsx}
scoring: {green: 2}
""",
    )
    assert found == [
        "sheets-sync.yaml: line 2: period: end (2026-10-01) must be after start (2026-12-31)",
        "sheets-sync.yaml: line 6: teams[2].source: required",
        "sheets-sync.yaml: line 6: teams[2].sorce: unknown key (did you mean 'source'? see "
        "docs/configuration.md)",
        "sheets-sync.yaml: line 7: scoring.green: must be at most 1 (got 2)",
        # the rest is checked in the same pass, not after the above are fixed
        "sheets-sync.yaml: line 4: teams[0].source: file not found (teams/sales.xlsx)",
        "sheets-sync.yaml: line 5: teams[1].mapping: mapping 'nope' not found (built-in: "
        "flat-tracker, objective-blocks, standard)",
        "sheets-sync.yaml: line 5: teams[1].source: file not found (teams/ops.xlsx)",
    ]


def test_a_schema_problem_does_not_hide_the_others(workspace: Path) -> None:
    """Stand-ins for the invalid parts (a required one too) leave the rest checkable."""
    found = problems(
        workspace.parent,
        """period: {name: Q4, start: 2026-10-01}
teams:
  - {name: Sales, source: teams/sales.xlsx}
  - {name: Sales, source: teams/gone.xlsx}
  - [not, a, team]
rollup: {output: 3, extra: x}
""",
    )
    assert found == [
        "sheets-sync.yaml: company: required",
        "sheets-sync.yaml: line 1: period.end: required",
        "sheets-sync.yaml: line 5: teams[2]: should hold settings (key: value), not [not, a, "
        "team]; see docs/configuration.md",
        "sheets-sync.yaml: line 6: rollup.output: should be text, not 3; put it in quotes if it is "
        "meant as text ('3')",
        "sheets-sync.yaml: line 6: rollup.extra: unknown key (check the spelling; see "
        "docs/configuration.md)",
        "sheets-sync.yaml: line 4: teams[1].source: file not found (teams/gone.xlsx)",
        "sheets-sync.yaml: line 4: teams[1].name: duplicate team name 'Sales', the name of teams[0]"
        " (teams/sales.xlsx) too; rename one of them",
    ]


def test_missing_files_and_mappings(tmp_path: Path) -> None:
    found = problems(
        tmp_path,
        """company: Acme
period: {name: Q4, start: 2026-10-01, end: 2026-12-31}
teams:
  - {name: Sales, source: teams/sales.xlsx}
  - {name: Ops, source: "gsheet:"}
  - {name: Web, source: web.xlsx, mapping: nope}
rollup: {output: out/company.xlsx}
""",
    )
    assert found[0] == (
        "sheets-sync.yaml: line 4: teams[0].source: file not found (teams/sales.xlsx)"
    )
    assert found[1] == "sheets-sync.yaml: line 5: teams[1].source: gsheet: needs a spreadsheet key"
    assert found[2].startswith(
        "sheets-sync.yaml: line 6: teams[2].mapping: mapping 'nope' not found"
    )
    assert "rollup.output: folder not found" in found[-1]


def test_unknown_top_level_key_and_bad_yaml(tmp_path: Path) -> None:
    assert problems(
        tmp_path, "company: A\nperiod: {name: Q, start: 2026-01-01, end: 2026-03-31}\nteamz: []\n"
    ) == [
        "sheets-sync.yaml: line 3: teamz: unknown key (did you mean 'teams'? see "
        "docs/configuration.md)"
    ]
    assert problems(tmp_path, "company: [\n")[0].startswith("sheets-sync.yaml: line")


def test_an_impossible_date_is_a_problem_naming_its_field(tmp_path: Path) -> None:
    """PyYAML made unquoted dates itself, and 2026-09-31 raised ValueError from inside the
    parser: a traceback for a typo (until 2026-12-04)."""
    (tmp_path / "teams").mkdir()
    write_team(tmp_path / "teams" / "s.xlsx")
    text = (
        "company: A\nperiod: {name: Q, start: 2026-02-30, end: 2026-09-31}\n"
        "teams:\n  - {name: S, source: teams/s.xlsx}\n"
    )
    assert problems(tmp_path, text) == [  # until 2026-12-06 pydantic's "Input should be a
        # valid date or datetime, day value is outside expected range"
        "sheets-sync.yaml: line 2: period.start: '2026-02-30' is no day of the calendar",
        "sheets-sync.yaml: line 2: period.end: '2026-09-31' is no day of the calendar",
    ]
    leap = text.replace("2026-02-30", "2026-02-29").replace("09-31", "09-30")
    assert problems(tmp_path, leap) == [  # the words --as-of 2026-02-29 gets too
        "sheets-sync.yaml: line 2: period.start: '2026-02-29' is no day of the calendar "
        "(2026 is no leap year)"
    ]
    ok = load_workspace(
        write_config(tmp_path, text.replace("02-30", "07-01").replace("09-31", "09-30"))
    )
    assert (ok.period.start.isoformat(), ok.period.end.isoformat()) == ("2026-07-01", "2026-09-30")


def write_config(tmp_path: Path, text: str) -> Path:
    cfg = tmp_path / "sheets-sync.yaml"
    cfg.write_text(text, encoding="utf-8")
    return cfg


def test_glob_skips_lock_and_temp_files(tmp_path: Path, workspace: Path) -> None:
    teams = workspace.parent / "teams"
    for name in ("~$sales.xlsx", ".~lock.sales.xlsx#", ".sales.xlsx.sheets-sync-tmp", "notes.txt"):
        (teams / name).write_bytes(b"x")
    workspace.write_text(
        workspace.read_text().split("teams:")[0] + 'teams_glob: "teams/*"\n', encoding="utf-8"
    )
    ws = load_workspace(workspace)
    assert [t.name for t in ws.teams] == ["sales"]


@pytest.mark.parametrize(
    ("name", "ok"),
    [
        ("sales.xlsx", True),
        ("macro.xlsm", True),
        ("~$sales.xlsx", False),
        (".~lock.sales.xlsx#", False),
        (".hidden.xlsx", False),
        ("sales.csv", False),
    ],
)
def test_is_team_workbook(name: str, ok: bool) -> None:
    assert is_team_workbook(Path(name)) is ok


def test_duplicate_team_names(tmp_path: Path, workspace: Path) -> None:
    write_team(workspace.parent / "teams" / "other.xlsx")
    found = problems(
        workspace.parent, workspace.read_text() + "  - {name: sales, source: teams/other.xlsx}\n"
    )
    assert found == [
        "sheets-sync.yaml: line 7: teams[1].name: duplicate team name 'sales', the name of"
        " teams[0] (teams/sales.xlsx) too; rename one of them"
    ]


def test_a_folder_where_a_team_file_should_be_is_named_so(tmp_path: Path) -> None:
    (tmp_path / "teams" / "sales.xlsx").mkdir(parents=True)
    found = problems(
        tmp_path,
        """company: Acme
period: {name: Q4, start: 2026-10-01, end: 2026-12-31}
teams:
  - {name: Sales, source: teams/sales.xlsx}
""",
    )
    assert found == [
        "sheets-sync.yaml: line 4: teams[0].source: is a folder, not a file (teams/sales.xlsx)"
    ]


@pytest.mark.parametrize(
    ("source", "output"),
    [("teams/sales.xlsx", "teams/sales.xlsx"), ("gsheet:abc123", "gsheet:abc123")],
    ids=["xlsx", "google"],
)
def test_a_rollup_over_a_teams_workbook_is_refused(
    tmp_path: Path, source: str, output: str
) -> None:
    """The company rollup replaces its output file every night: pointed at a team's
    workbook, it replaced the team's goals with the rollup."""
    (tmp_path / "teams").mkdir()
    write_team(tmp_path / "teams" / "sales.xlsx")
    found = problems(
        tmp_path,
        f"""company: Acme
period: {{name: Q4, start: 2026-10-01, end: 2026-12-31}}
teams:
  - {{name: Sales, source: "{source}"}}
rollup: {{output: "{output}"}}
""",
    )
    assert found == [
        f"sheets-sync.yaml: line 5: rollup.output: is the workbook of team 'Sales' ({source}); "
        "the company rollup would replace it"
    ]


def test_a_folder_glob_never_takes_the_company_workbook_for_a_team(tmp_path: Path) -> None:
    """``teams_glob: "*.xlsx"`` beside ``company.xlsx``: after the first night the rollup
    was read as a team (and failed its layout) every night after."""
    write_team(tmp_path / "sales.xlsx")
    (tmp_path / "company.xlsx").write_bytes((tmp_path / "sales.xlsx").read_bytes())
    cfg = tmp_path / "sheets-sync.yaml"
    cfg.write_text(
        "company: Acme\nperiod: {name: Q4, start: 2026-10-01, end: 2026-12-31}\n"
        'teams_glob: "*.xlsx"\n',
        encoding="utf-8",
    )
    assert [t.name for t in load_workspace(cfg).teams] == ["sales"]


def test_problems_name_the_team_entry_they_are_about(workspace: Path) -> None:
    """A team with an unknown mapping does not shift the positions named after it, and a
    team found by teams_glob is named by its file. The team of the same workbook is told
    as a sync would refuse it (until 2026-12-06 the broken team was left out, and the
    check did not say so)."""
    root = workspace.parent
    write_team(root / "teams" / "other.xlsx")
    write_team(root / "teams" / "ops.xlsx")
    head = workspace.read_text().split("teams:")[0]
    found = problems(
        root,
        head + "teams:\n"
        "  - {name: Web, source: teams/sales.xlsx, mapping: nope}\n"
        "  - {name: Ops, source: teams/other.xlsx}\n"
        "  - {name: Ops, source: teams/sales.xlsx}\n"
        'teams_glob: "teams/*.xlsx"\n',
    )
    assert found[0].startswith(
        "sheets-sync.yaml: line 6: teams[0].mapping: mapping 'nope' not found"
    )
    assert found[1:] == [
        "sheets-sync.yaml: line 8: teams[2].name: duplicate team name 'Ops', the name of teams[1]"
        " (teams/other.xlsx) too; rename one of them",
        "sheets-sync.yaml: line 8: teams[2].source: is also the workbook of team 'Web'; not read "
        "or "
        "written: team 'Web' of this workbook has a mapping that did not load, so which tab "
        "it reads is unknown (teams/sales.xlsx)",
        # until 2026-12-06 "teams_glob (teams/ops.xlsx).name: ...", a key no file has
        "sheets-sync.yaml: line 9: teams_glob (teams/ops.xlsx): duplicate team name 'ops', the name"
        " of teams[1] (teams/other.xlsx) too; rename one of them",
    ]


@pytest.mark.parametrize("pattern", ["''", "/srv/teams/*.xlsx", "."])
def test_a_glob_that_is_no_relative_pattern_is_a_problem(workspace: Path, pattern: str) -> None:
    """pathlib raised ValueError, NotImplementedError or IndexError for these: a traceback."""
    head = workspace.read_text().split("teams:")[0]
    (found,) = problems(workspace.parent, head + f"teams_glob: {pattern}\n")
    assert found.startswith("sheets-sync.yaml: line 5: teams_glob: ")
    assert "is not a pattern relative to the workspace folder, like 'teams/*.xlsx'" in found


def test_nul_characters_and_overlong_names_are_problems(workspace: Path) -> None:
    """A NUL in a path made every OS call raise; a name over the file system's limit
    made the file checks raise: both were tracebacks."""
    head = workspace.read_text().split("teams:")[0]
    long = "a" * 300
    assert problems(
        workspace.parent, head + 'teams:\n  - {name: Sales, source: "teams/sales.xlsx\\0"}\n'
    ) == ["sheets-sync.yaml: line 6: teams[0].source: contains a NUL character"]
    found = problems(
        workspace.parent,
        head + f"teams:\n  - {{name: Sales, source: {long}.xlsx, mapping: {long}}}\n",
    )
    assert found == [
        f"sheets-sync.yaml: line 6: teams[0].mapping: cannot read mapping '{long}' (File name too "
        "long)",
        f"sheets-sync.yaml: line 6: teams[0].source: file not found ({long}.xlsx)",
    ]


def test_an_overlong_mapping_name_fails_its_team_in_a_sync(workspace: Path) -> None:
    """Its tabs (for the same-tab check) were looked up by a name the file system
    refuses: an OSError traceback from ``sync`` (until 2026-12-06)."""
    head = workspace.read_text().split("teams:")[0]
    long = "a" * 300
    cfg = workspace.parent / "sheets-sync.yaml"
    cfg.write_text(head + f"teams:\n  - {{name: Sales, source: x.xlsx, mapping: {long}}}\n")
    (team,) = load_workspace(cfg, files_must_exist=False).teams
    assert team.mapping_error == (
        f"line 6: teams[0].mapping: cannot read mapping '{long}' (File name too long)"
    )


ATOMS: list[object] = [
    *(None, 1, -1, 0.5, "", "x", "gsheet:", "gsheet:abc", "teams/sales.xlsx", "teams/*.xlsx"),
    *("/abs/*.xlsx", "**", ".", "..", "/", "a" * 300, "a/" * 2000, "\x00", [], {}, True),
    *("2026-01-01", "standard", "[", {"a": 1}, 10**30),
]
SECTIONS = {
    "period": ["name", "start", "end"],
    "teams": ["name", "source", "mapping", "x"],
    "rollup": ["output", "y"],
    "scoring": ["green", "yellow", "kpi_tolerance"],
    "history": ["keep_snapshots", "prune_after"],
    "company_objectives": ["id", "title", "weight"],
    "google": ["credentials", "concurrency"],
}
KEYS = [*SECTIONS, "company", "teams_glob", "default_mapping", "limits", "notify", "bogus"]


@pytest.mark.parametrize("seed", range(4))
def test_any_configuration_gives_a_workspace_or_problems(workspace: Path, seed: int) -> None:
    """Random configurations, valid and not: loading gives a workspace or a ConfigError,
    never another exception (a traceback at the CLI). This found four such paths."""
    rnd = random.Random(seed)

    def value(key: str) -> object:
        if key in SECTIONS and rnd.random() < 0.7:
            fields = rnd.sample(SECTIONS[key], rnd.randint(0, len(SECTIONS[key])))
            section = {f: rnd.choice(ATOMS) for f in fields}
            if key in ("teams", "company_objectives"):
                return [dict(section, name=f"t{i}") for i in range(rnd.randint(0, 3))]
            return section
        return rnd.choice(ATOMS)

    for _ in range(150):
        data = {k: value(k) for k in rnd.sample(KEYS, rnd.randint(0, len(KEYS)))}
        workspace.write_text(yaml.safe_dump(data), encoding="utf-8")
        for must_exist in (True, False):
            with contextlib.suppress(ConfigError):
                load_workspace(workspace, files_must_exist=must_exist)


def _one_team_head(root: Path) -> str:
    """A one-team workspace's YAML, its team file written: settings go after it."""
    (root / "teams").mkdir()
    write_team(root / "teams" / "s.xlsx")
    return (
        "company: A\nperiod: {name: Q, start: 2026-10-01, end: 2026-12-31}\n"
        "teams:\n  - {name: S, source: teams/s.xlsx}\n"
    )


def test_an_infinite_or_nan_number_is_a_problem_naming_its_field(tmp_path: Path) -> None:
    """YAML's .inf (or 1e400, which overflows to inf) passed ``ge=0``: a company objective
    of weight .inf loaded, and the rollup showed a blank Weight in the workbook but inf in
    the export (until 2026-12-04). Every number of the workspace file is finite."""
    base = _one_team_head(tmp_path)
    found = problems(
        tmp_path,
        base + "company_objectives:\n  - {id: C1, title: Grow, weight: .inf}\n"
        "  - {id: C2, title: Keep, weight: 1e400}\n  - {id: C3, title: Run, weight: .nan}\n"
        "scoring: {kpi_tolerance: .inf}\n",
    )
    assert found == [
        f"sheets-sync.yaml: line {line}: {field}: should be a finite number, not {value}"
        for line, field, value in (
            (6, "company_objectives[0].weight", ".inf"),
            (7, "company_objectives[1].weight", "1e400"),
            (8, "company_objectives[2].weight", ".nan"),
            (9, "scoring.kpi_tolerance", ".inf"),
        )
    ]
    huge = "company_objectives:\n  - {id: C1, title: G, weight: 1e300}\n"
    ok = load_workspace(write_config(tmp_path, base + huge))
    assert ok.company_objectives[0].weight == 1e300


def test_yes_or_true_for_a_number_is_a_problem_naming_its_field(tmp_path: Path) -> None:
    """YAML reads yes/no/on/off/true as booleans, which went through as 1 and 0:
    ``run_reports: {keep: yes}`` kept one report and deleted every other."""
    found = problems(
        tmp_path,
        _one_team_head(tmp_path) + "run_reports: {keep: yes}\nbackups: {keep: off}\n"
        "company_objectives:\n  - {id: C1, title: Grow, weight: true}\n",
    )
    assert found == [  # a count is a whole number (said "a number" until 2026-12-06)
        f"sheets-sync.yaml: line {line}: {field}: should be {wanted}, not {word}"
        for line, field, wanted, word in (  # in file order (the schema's until 2026-12-07)
            (5, "run_reports.keep", "a whole number", "true"),
            (6, "backups.keep", "a whole number", "false"),
            (8, "company_objectives[0].weight", "a number", "true"),
        )
    ]


def test_backup_folders_follow_where_the_files_really_are(tmp_path: Path) -> None:
    """A workspace opened through a symbolic link to its folder keeps each file's backups
    in a folder named after where the file is in it; a file elsewhere gets a digest's
    folder; the flat backups of the old layout count only for a name no other file has."""
    real = tmp_path / "real"
    (real / "teams" / "emea").mkdir(parents=True)
    (real / "teams" / "apac").mkdir(parents=True)
    (tmp_path / "link").symlink_to(real, target_is_directory=True)
    cfg = tmp_path / "link" / "sheets-sync.yaml"
    cfg.write_text(
        "company: Acme\nperiod: {name: Q4, start: 2026-10-01, end: 2026-12-31}\n"
        "teams:\n  - {name: EMEA, source: teams/emea/sales.xlsx}\n"
        "  - {name: APAC, source: teams/apac/sales.xlsx}\n"
        "  - {name: Ops, source: teams/ops.xlsx}\n",
        encoding="utf-8",
    )
    ws = load_workspace(cfg, files_must_exist=False)
    base = ws.state_dir / "backups"
    assert [ws.backup_dirs_for(t.path) for t in ws.teams if t.path] == [
        (base / "teams" / "emea", None),  # two files named sales.xlsx: no flat backups
        (base / "teams" / "apac", None),
        (base / "teams", base),
    ]
    through_link = tmp_path / "link" / "teams" / "ops.xlsx"  # as named, not resolved
    assert ws.backup_dirs_for(through_link) == (base / "teams", base)
    elsewhere = ws.backup_dirs_for(tmp_path / "elsewhere" / "ops.xlsx")
    assert elsewhere[0].parent == base / "outside-the-workspace" and elsewhere[1] == base
    for path in (through_link, tmp_path / "elsewhere" / "sales.xlsx"):
        found = (ws.backup_dir_for(path), ws.flat_backup_dir_for(path))
        assert ws.backup_dirs_for(path) == found


@pytest.mark.parametrize(
    ("tolerance", "meant"), [(10, "0.1 for 10%"), (12.5, "0.125 for 12.5%"), (2, "0.02 for 2%")]
)
def test_a_kpi_tolerance_above_1_is_a_percentage_typed_whole(
    tmp_path: Path, tolerance: float, meant: str
) -> None:
    """``kpi_tolerance: 10`` (meant as 10 %) loaded and turned every KPI below its target
    Amber, none Red (until 2026-12-06); the other fractions of ``scoring`` stopped at 1."""
    found = problems(
        tmp_path, _one_team_head(tmp_path) + f"scoring: {{kpi_tolerance: {tolerance}}}\n"
    )
    assert found == [
        f"sheets-sync.yaml: line 5: scoring.kpi_tolerance: {tolerance:g} is above 1: a tolerance "
        "is a "
        "fraction of a KPI's target (0.1 is 10%), and above 1 the amber band of a "
        f"higher-is-better KPI reaches below 0; type {meant}"
    ]


@pytest.mark.parametrize("tolerance", [0, 0.1, 1])
def test_a_kpi_tolerance_up_to_1_loads(tmp_path: Path, tolerance: float) -> None:
    base = _one_team_head(tmp_path)
    ws = load_workspace(write_config(tmp_path, base + f"scoring: {{kpi_tolerance: {tolerance}}}\n"))
    assert ws.rules.kpi_tolerance == tolerance


@pytest.mark.parametrize("tolerance", [1.5, 150, 1000])
def test_a_kpi_tolerance_above_1_that_is_no_whole_percentage_gets_no_guess(
    tmp_path: Path, tolerance: float
) -> None:
    """1.5 was told "type 0.015 for 1.5%", though 150 % is as likely (2026-12-06); above
    100 no percentage was meant either."""
    found = problems(
        tmp_path, _one_team_head(tmp_path) + f"scoring: {{kpi_tolerance: {tolerance}}}\n"
    )
    assert found == [
        f"sheets-sync.yaml: line 5: scoring.kpi_tolerance: {tolerance:g} is above 1: a tolerance "
        "is a "
        "fraction of a KPI's target (0.1 is 10%), and above 1 the amber band of a "
        "higher-is-better KPI reaches below 0; type a fraction from 0 to 1"
    ]
