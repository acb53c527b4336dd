"""Which stream each line goes to, for every command (the rule: README, "Output
streams"): stdout the result, stderr the rest."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from sheets_sync.cli import cli
from tests.cli.test_ops_cli import AS_OF

BROKEN = (
    "People: failed: People.xlsx: not an Excel workbook (.xlsx)"
    "; open it in Excel and save it as .xlsx"
)


@pytest.fixture(scope="module")
def broken(demo: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo with one team that cannot be read; the commands below write no team."""
    ws = tmp_path_factory.mktemp("streams") / "ws"
    shutil.copytree(demo.parent, ws)
    (ws / "teams" / "People.xlsx").write_text("broken", encoding="utf-8")
    return ws / "sheets-sync.yaml"


def _run(*args: str) -> tuple[int, list[str], list[str]]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout.splitlines(), result.stderr.splitlines()


def test_sync_and_validate_report_every_team_on_stdout_failed_ones_included(
    broken: Path,
) -> None:
    """Their result is the per-team report: a failed team is a line of it, in order."""
    code, out, err = _run("sync", "--dry-run", "--config", str(broken), *AS_OF)
    assert (code, err) == (1, [])
    assert BROKEN in out and out[-1].startswith("6 teams, 1 failed, ")
    code, out, err = _run("validate", "--config", str(broken), *AS_OF)
    assert (code, err) == (1, [])
    assert (
        "People: error: People.xlsx: not an Excel workbook (.xlsx)"
        "; open it in Excel and save it as .xlsx" in out
    )
    assert out[-1] == "6 teams: 3 errors, 0 warnings"


def test_rollup_says_its_failed_teams_on_stderr_as_export_does(
    broken: Path, tmp_path: Path
) -> None:
    """Their result is one line (rollup) or the files written (export): a team that
    could not be read is a problem beside it. rollup printed it on stdout, export on
    stderr."""
    shutil.copytree(broken.parent, tmp_path / "ws")
    cfg = str(tmp_path / "ws" / "sheets-sync.yaml")
    code, out, err = _run("rollup", "--config", cfg, *AS_OF)
    assert (code, out) == (1, ["rollup of 6 teams written to company.xlsx"])
    assert err == [BROKEN]
    code, out, err = _run("export", "--config", cfg, *AS_OF, "--out", str(tmp_path / "csv"))
    assert code == 1 and len(out) == 7 and all(Path(p).is_file() for p in out)
    assert err[-1] == BROKEN  # after the log's warning that People's rows are missing


def test_json_records_go_to_the_same_streams(broken: Path, tmp_path: Path) -> None:
    shutil.copytree(broken.parent, tmp_path / "ws")
    cfg = str(tmp_path / "ws" / "sheets-sync.yaml")
    code, out, err = _run("--log-format", "json", "rollup", "--config", cfg, *AS_OF)
    assert code == 1
    assert [json.loads(line)["message"] for line in out] == [
        "rollup of 6 teams written to company.xlsx"
    ]
    records = [json.loads(line) for line in err]
    assert [(r["level"], r["message"]) for r in records] == [("error", BROKEN)]


def test_config_check_and_errors(demo: Path, broken: Path, tmp_path: Path) -> None:
    """The result on stdout; the error that ends a command on stderr, stdout empty."""
    code, out, err = _run("config", "check", "--config", str(demo))
    assert code == 0 and err == [] and out[0].startswith("sheets-sync.yaml: ok: ")
    code, out, err = _run("config", "check", "--config", str(broken))  # ok until 2026-12-07
    assert (code, out) == (2, [])
    assert err == [
        "error: sheets-sync.yaml: invalid configuration",
        "  sheets-sync.yaml: line 45: teams[5].source: not an Excel workbook (.xlsx)"
        "; open it in Excel and save it as .xlsx (teams/People.xlsx)",
    ]
    missing = str(tmp_path / "missing.yaml")
    for command in (["sync"], ["validate"], ["rollup"], ["config", "check"]):
        code, out, err = _run(*command, "--config", missing)
        assert (code, out) == (2, []), command
        assert len(err) == 1 and err[0].startswith("error: "), command
