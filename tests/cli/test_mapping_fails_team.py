"""A mapping that does not load fails the teams that use it, not the night: each says the
mapping's problems in its line and the run report, the other teams sync and roll up, and
the run exits 1 (teams failed). Until 2026-12-06 one team's misspelt mapping key was a
configuration error: exit 2, no team synced. The set-up checks (`config check`,
`validate`) keep it an error of the workspace (``test_config_check_mapping.py``)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from sheets_sync import ConfigError, load_workspace
from sheets_sync.sync.engine import SyncOptions
from sheets_sync.sync.outcome import MAPPING_ERROR, Outcome, TeamError
from sheets_sync.sync.run import run_sync
from tests.cli.test_ops_cli import run
from tests.conftest import write_team

HEAD = "company: Acme\nperiod: {name: 2026-Q4, start: 2026-10-01, end: 2026-12-31}\n"
AS_OF = ("--as-of", "2026-11-23")
#: the later team's problem when it shares Sales's broken mapping (told once)
SAME_AS_SALES = (
    "sheets-sync.yaml: line 5: teams[1].mapping: the same mapping error as Sales (above)"
)
BAD = (
    "name: mine\nokrs:\n  sheet: [OKRs]\n  layout: rowz\n"
    "kpis:\n  sheet: [KPIs]\n  requried: false\n"
)
BAD_SAYS = (
    "mine.yaml: line 4: okrs.layout: should be 'rows' or 'objective_blocks', not 'rowz'; "
    "mine.yaml: line 7: kpis.requried: unknown key (did you mean 'required'? see docs/mappings.md)"
)
WEB_OK = "Web: ok, 18 cells changed (1 error in the sheet)"


def workspace(root: Path, mapping: str = BAD, name: str = "mine") -> Path:
    """Sales and Ops use mapping ``name`` (``mappings/mine.yaml`` holds ``mapping``),
    Web the standard one."""
    for team in ("sales", "ops", "web"):
        write_team(root / "teams" / f"{team}.xlsx")
    (root / "mappings").mkdir()
    (root / "mappings" / "mine.yaml").write_text(mapping, encoding="utf-8")
    cfg = root / "sheets-sync.yaml"
    cfg.write_text(
        HEAD + "teams:\n"
        f"  - {{name: Sales, source: teams/sales.xlsx, mapping: {name}}}\n"
        f"  - {{name: Ops, source: teams/ops.xlsx, mapping: {name}}}\n"
        "  - {name: Web, source: teams/web.xlsx}\n",
        encoding="utf-8",
    )
    return cfg


def test_a_bad_mapping_fails_its_teams_and_the_others_sync(tmp_path: Path) -> None:
    """Its problems are told whole once, at its first team; Ops points up to them."""
    cfg = workspace(tmp_path)
    report = tmp_path / "run.json"
    code, out, err = run("sync", *AS_OF, "--config", str(cfg), "--report", str(report))
    assert code == 1, err
    lines = out.splitlines()
    assert lines[:3] == [
        f"Sales: failed: sheets-sync.yaml: line 4: teams[0].mapping: {BAD_SAYS}",
        f"Ops: failed: {SAME_AS_SALES}",
        WEB_OK,
    ]
    assert lines[3].startswith("3 teams, 2 failed, 18 cells changed in ")
    assert "; rollup written to company.xlsx; 1 error in team sheets" in lines[3]
    assert len(lines) == 4
    assert "Traceback" not in err
    # the run report keeps each team's whole error, for a program
    teams = {t["team"]: t for t in json.loads(report.read_text(encoding="utf-8"))["teams"]}
    assert teams["Sales"]["error"] == f"sheets-sync.yaml: line 4: teams[0].mapping: {BAD_SAYS}"
    assert teams["Ops"]["error"] == f"sheets-sync.yaml: line 5: teams[1].mapping: {BAD_SAYS}"
    assert teams["Web"]["outcome"] == "ok"


def test_the_library_fails_the_teams_with_the_mappings_problems(tmp_path: Path) -> None:
    cfg = workspace(tmp_path)
    ws = load_workspace(cfg, files_must_exist=False)
    assert [t.mapping_error for t in ws.teams] == [
        f"line 4: teams[0].mapping: {BAD_SAYS}",
        f"line 5: teams[1].mapping: {BAD_SAYS}",
        None,
    ]
    result = run_sync(ws, SyncOptions(as_of=dt.date(2026, 11, 23)))
    assert [(r.team, r.outcome) for r in result.runs] == [
        ("Sales", Outcome.FAILED),
        ("Ops", Outcome.FAILED),
        ("Web", Outcome.OK),
    ]
    assert result.runs[0].error_detail == TeamError(
        MAPPING_ERROR,
        f"line 4: teams[0].mapping: {BAD_SAYS}",
        "sheets-sync.yaml",
        team_source="teams/sales.xlsx",
    )
    assert result.runs[0].error_detail.error_class is not None
    assert result.rollup_error is None and result.rollup_rewritten
    assert result.failed
    # a set-up check's load keeps it the workspace's error, as `config check` and
    # `validate` do
    for files, mappings in ((True, None), (False, True)):
        with pytest.raises(ConfigError) as exc:
            load_workspace(cfg, files_must_exist=files, mappings_must_load=mappings)
        assert exc.value.problems == [
            *(
                f"sheets-sync.yaml: line 4: teams[0].mapping: {problem}"
                for problem in BAD_SAYS.split("; ")
            ),
            SAME_AS_SALES,
        ]


@pytest.mark.parametrize(
    ("mapping", "name", "says"),
    [
        pytest.param(
            "name: mine\nokrs:\n  sheet: [OKRs\n",
            "mine",
            "mine.yaml: line 4 not valid YAML: ",
            id="yaml-syntax",
        ),
        pytest.param(
            "name: mine\nokrs:\n  sheet: [OKRs]\n  columns: {tagret: [Goal]}\n",
            "mine",
            "mine.yaml: line 4: okrs.columns: unknown field 'tagret' (did you mean 'target'?)",
            id="unknown-field",
        ),
        pytest.param(
            "name: mine\nokrs:\n  sheet: [OKRs]\n  columns:\n    comment: [Comment, Notes]\n"
            "    score: [Score, Notes]\n",
            "mine",
            "mine.yaml: line 4: okrs.columns: header 'Notes' is given for both comment and score; "
            "a "
            "column is read as one field, so give each field headers of its own",
            id="clash",
        ),
        pytest.param(
            BAD,
            "nope",
            "mapping 'nope' not found (built-in: flat-tracker, objective-blocks, standard)",
            id="missing-file",
        ),
    ],
)
def test_each_kind_of_mapping_problem_fails_only_its_teams(
    tmp_path: Path, mapping: str, name: str, says: str
) -> None:
    cfg = workspace(tmp_path, mapping, name)
    code, out, err = run("sync", *AS_OF, "--config", str(cfg))
    assert code == 1, err
    lines = out.splitlines()
    assert lines[0].startswith(f"Sales: failed: sheets-sync.yaml: line 4: teams[0].mapping: {says}")
    assert lines[1:3] == [
        f"Ops: failed: {SAME_AS_SALES}",
        WEB_OK,
    ]
    assert lines[3].startswith("3 teams, 2 failed, ")
    code, out, err = run("config", "check", "--config", str(cfg))
    assert (code, out) == (2, "")
    assert err.splitlines()[1].startswith(f"  sheets-sync.yaml: line 4: teams[0].mapping: {says}")
    assert err.splitlines()[-1] == f"  {SAME_AS_SALES}"  # told once, as the sync's lines


def test_a_team_not_synced_tonight_is_not_failed_by_its_mapping(tmp_path: Path) -> None:
    cfg = workspace(tmp_path)
    code, out, err = run("sync", *AS_OF, "--team", "Web", "--config", str(cfg))
    assert (code, out.splitlines()[0]) == (0, WEB_OK), err


def test_a_default_mapping_every_team_uses_is_told_once(tmp_path: Path) -> None:
    """200 matched files of a broken ``default_mapping`` printed its problems 200 times;
    the rollup and export print the teams they could not read the same way."""
    for team in ("a", "b", "c", "web"):
        write_team(tmp_path / "teams" / f"{team}.xlsx")
    (tmp_path / "mappings").mkdir()
    (tmp_path / "mappings" / "mine.yaml").write_text(BAD, encoding="utf-8")
    cfg = tmp_path / "sheets-sync.yaml"
    cfg.write_text(
        HEAD + "teams: [{name: Web, source: teams/web.xlsx}]\n"  # its own mapping: synced
        "teams_glob: teams/*.xlsx\ndefault_mapping: mine\n",
        encoding="utf-8",
    )
    failed = [
        f"a: failed: sheets-sync.yaml: line 5: default_mapping: {BAD_SAYS}",
        "b: failed: sheets-sync.yaml: line 5: default_mapping: the same mapping error as a (above)",
        "c: failed: sheets-sync.yaml: line 5: default_mapping: the same mapping error as a (above)",
    ]
    code, out, err = run("sync", *AS_OF, "--config", str(cfg))
    assert code == 1, err
    assert out.splitlines()[:4] == [WEB_OK, *failed]
    assert out.splitlines()[4].startswith("4 teams, 3 failed, 18 cells changed in ")
    code, out, err = run("-q", "sync", *AS_OF, "--config", str(cfg))
    assert (code, out.splitlines()[:3]) == (1, failed)
    code, out, err = run("rollup", *AS_OF, "--config", str(cfg))
    assert (code, out) == (1, "rollup of 4 teams unchanged in company.xlsx\n")
    assert [line for line in err.splitlines() if ": failed: " in line] == failed
    code, out, err = run("config", "check", "--config", str(cfg))
    assert (code, out) == (2, "")
    assert err.splitlines()[1:] == [
        "  sheets-sync.yaml: line 5: default_mapping: mine.yaml: line 4: okrs.layout: should be "
        "'rows' or 'objective_blocks', not 'rowz'",
        "  sheets-sync.yaml: line 5: default_mapping: mine.yaml: line 7: kpis.requried: unknown "
        "key (did you mean 'required'? see docs/mappings.md)",
    ]


def test_the_workspace_files_own_error_still_stops_the_night(tmp_path: Path) -> None:
    """Nothing to go on with; the mappings' problems are listed beside it, as nothing runs."""
    cfg = workspace(tmp_path)
    cfg.write_text(cfg.read_text(encoding="utf-8") + "scoring: {gren: 0.7}\n", encoding="utf-8")
    code, out, err = run("sync", *AS_OF, "--config", str(cfg))
    assert (code, out) == (2, "")
    assert err.splitlines() == [
        "error: sheets-sync.yaml: invalid configuration",
        "  sheets-sync.yaml: line 7: scoring.gren: unknown key (did you mean 'green'? see "
        "docs/configuration.md)",
        *(
            f"  sheets-sync.yaml: line 4: teams[0].mapping: {problem}"
            for problem in BAD_SAYS.split("; ")
        ),
        f"  {SAME_AS_SALES}",
    ]
    assert not (tmp_path / "company.xlsx").exists()
    cfg.write_text("company: [\n", encoding="utf-8")
    code, out, err = run("sync", *AS_OF, "--config", str(cfg))
    assert (code, out) == (2, "")
    assert err.startswith("error: sheets-sync.yaml: line ")


@pytest.mark.parametrize("command", ["sync", "export"])
def test_each_json_record_keeps_the_mapping_error_whole(tmp_path: Path, command: str) -> None:
    """A shipper shows a record alone: "the same mapping error as Sales (above)" points at
    nothing there (each record said just that until 2026-12-06)."""
    cfg = workspace(tmp_path)
    extra = ("--out", str(tmp_path / "out")) if command == "export" else ()
    code, out, err = run("--log-format", "json", command, *AS_OF, *extra, "--config", str(cfg))
    assert code == 1, out + err
    records = [json.loads(line) for line in (out + err).splitlines() if line.strip()]
    failed = [r["message"] for r in records if r["level"] == "error"]
    assert failed == [
        f"Sales: failed: sheets-sync.yaml: line 4: teams[0].mapping: {BAD_SAYS}",
        f"Ops: failed: sheets-sync.yaml: line 5: teams[1].mapping: {BAD_SAYS}",
    ]
