"""``--log-format json``: every line a command prints is a JSON log record, as the log's
are (export's per-team lines, rollup's and the other commands' output stayed plain)."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from sheets_sync import logs
from sheets_sync.cli import cli
from sheets_sync.workspace.init import TEMPLATE_NEXT_STEP, next_steps

AS_OF = ["--as-of", "2026-11-23"]


def records(text: str) -> list[tuple[str, str]]:
    """Each line's (level, message); fails on a line that is not a JSON log record."""
    out = []
    for line in text.splitlines():
        data = json.loads(line)
        assert list(data)[:4] == ["time", "level", "logger", "message"], line
        out.append((data["level"], data["message"]))
    return out


def run_json(*args: str) -> tuple[int, list[tuple[str, str]], list[tuple[str, str]]]:
    result = CliRunner().invoke(cli, ["--log-format", "json", *args])
    return result.exit_code, records(result.stdout), records(result.stderr)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("demo")
    code, out, err = run_json("demo", str(root / "ws"), *AS_OF)
    assert code == 0 and err == []
    assert out[-2:] == [
        ("info", f"demo workspace created: {root / 'ws' / 'sheets-sync.yaml'}"),
        ("info", f"next: sheets-sync sync --config {root / 'ws' / 'sheets-sync.yaml'}"),
    ]
    return root / "ws" / "sheets-sync.yaml"


def test_export_says_a_failed_team_as_an_error_record(demo: Path, tmp_path: Path) -> None:
    shutil.copytree(demo.parent, tmp_path / "ws")
    cfg = str(tmp_path / "ws" / "sheets-sync.yaml")
    (tmp_path / "ws" / "teams" / "People.xlsx").write_text("broken", encoding="utf-8")
    code, out, err = run_json("export", "--config", cfg, *AS_OF, "--out", str(tmp_path / "csv"))
    assert code == 1
    assert {level for level, _ in out} == {"info"} and len(out) == 7  # a path a table
    assert all(Path(message).is_file() for _, message in out)
    assert err == [
        (
            "error",
            "People: failed: People.xlsx: not an Excel workbook (.xlsx)"
            "; open it in Excel and save it as .xlsx",
        )
    ]


def test_sync_says_a_failed_team_as_an_error_record(demo: Path, tmp_path: Path) -> None:
    """README: a failed team's line is at level error, so a shipper's alert on errors sees
    the night's failed teams; sync's stayed info (its line is on stdout, the report)."""
    shutil.copytree(demo.parent, tmp_path / "ws")
    cfg = str(tmp_path / "ws" / "sheets-sync.yaml")
    (tmp_path / "ws" / "teams" / "People.xlsx").write_text("broken", encoding="utf-8")
    for quiet in ([], ["-q"]):
        result = CliRunner().invoke(cli, ["--log-format", "json", *quiet, "sync", "--config", cfg])
        assert result.exit_code == 1, result.output
        out = records(result.stdout)
        failed = (
            "error",
            "People: failed: People.xlsx: not an Excel workbook (.xlsx)"
            "; open it in Excel and save it as .xlsx",
        )
        assert failed in out
        assert [level for level, _ in out if level != "info"] == ["error"]


def test_validate_says_a_team_it_could_not_read_as_an_error_record(
    demo: Path, tmp_path: Path
) -> None:
    """README: a failed team's line is at level error; validate's line for a team it could
    not read stayed ``info`` (found 2026-12-06), its findings stay ``info``."""
    shutil.copytree(demo.parent, tmp_path / "ws")
    cfg = str(tmp_path / "ws" / "sheets-sync.yaml")
    (tmp_path / "ws" / "teams" / "People.xlsx").write_text("broken", encoding="utf-8")
    code, out, err = run_json("validate", "--config", cfg, *AS_OF)
    assert code == 1 and err == []
    failed = (
        "error",
        "People: error: People.xlsx: not an Excel workbook (.xlsx)"
        "; open it in Excel and save it as .xlsx",
    )
    assert failed in out
    assert [level for level, _ in out if level != "info"] == ["error"]


def test_rollup_validate_and_sync_print_records_only(demo: Path, tmp_path: Path) -> None:
    shutil.copytree(demo.parent, tmp_path / "ws")
    cfg = str(tmp_path / "ws" / "sheets-sync.yaml")
    code, out, err = run_json("rollup", "--config", cfg, *AS_OF)
    assert (code, out, err) == (0, [("info", "rollup of 6 teams written to company.xlsx")], [])
    code, out, err = run_json("validate", "--config", cfg, *AS_OF)
    assert code == 1 and err == []
    assert out[-1] == ("info", "6 teams: 2 errors, 2 warnings")
    code, out, _ = run_json("sync", "--config", cfg, *AS_OF, "--dry-run")
    assert code == 0
    assert ("info", "Sales (teams/Sales.xlsx): 20 cells would change") in out
    assert out[-1][1].startswith("6 teams, 0 failed, 163 cells would change in ")


def test_init_template_and_config_check_print_records(tmp_path: Path) -> None:
    code, out, err = run_json("init", str(tmp_path / "acme"), "--team", "Sales")
    cfg = tmp_path / "acme" / "sheets-sync.yaml"
    steps = [("info", line) for line in next_steps(cfg).splitlines()]
    assert (code, out, err) == (0, [("info", f"workspace created: {cfg}"), *steps], [])
    code, out, err = run_json("template", str(tmp_path / "t.xlsx"))
    written = ("info", f"template written to {tmp_path / 't.xlsx'}")
    assert (code, out, err) == (0, [written, ("info", TEMPLATE_NEXT_STEP)], [])
    code, out, err = run_json("config", "check", "--config", str(cfg))
    assert code == 0 and err == [] and len(out) == 2
    assert out[1] == ("info", "  Sales: teams/Sales.xlsx (mapping standard)")


def test_emulator_state_file_error_is_an_error_record(tmp_path: Path) -> None:
    """The emulator's one error (a state file it cannot load) ends ``sheets-sync emulator``
    as any command's error does: a record under ``--log-format json``, not plain text."""
    state = tmp_path / "state.json"
    state.write_text("[1, 2]", encoding="utf-8")
    code, out, err = run_json("emulator", "--port", "0", "--state", str(state))
    assert code == 2 and out == []
    assert err == [("error", f"state file {state} must hold a JSON object, not an array")]


#: a float as repr and json write it (``0.6000000000000001``, ``1e-05``)
_FLOAT = re.compile(r"\d+\.\d+(?:e-?\d+)?|\d+e-?\d+")


def _too_many_digits(text: str) -> list[str]:
    """The floats in ``text`` with more than the 15 significant digits Excel shows."""
    return [
        n for n in _FLOAT.findall(text) if len(n.split("e")[0].replace(".", "").strip("0")) > 15
    ]


def test_a_dry_runs_lines_and_report_show_the_digits_excel_shows(
    demo: Path, tmp_path: Path
) -> None:
    """The demo's dry run said ``OKRs!R3: (empty) -> 0.6000000000000001`` (and 16-digit
    ``0.5824175824175825``), as did its run report, until 2026-12-06."""
    shutil.copytree(demo.parent, tmp_path / "ws")
    cfg = str(tmp_path / "ws" / "sheets-sync.yaml")
    code, out, _ = run_json("sync", "--config", cfg, *AS_OF, "--dry-run")
    assert code == 0
    assert ("info", "  OKRs!R3: (empty) -> 0.6") in out
    assert ("info", "  OKRs!S2: (empty) -> 0.582417582417582") in out
    assert _too_many_digits("\n".join(m for _, m in out)) == []
    [report] = (tmp_path / "ws" / ".sheets-sync" / "runs").glob("*-dry-run.json")
    text = report.read_text(encoding="utf-8")
    assert '{"tab":"OKRs","cell":"R3","old":null,"new":0.6}' in text
    assert _too_many_digits(text) == []


def test_a_log_records_numbers_have_the_digits_excel_shows() -> None:
    """A field of a JSON log record, as the run report's numbers (``shown_numbers``)."""
    line = logs.record("scored", score=0.2 + 0.4, scores=[0.1 + 0.2, 1], team="Sales")
    assert line.endswith('"score": 0.6, "scores": [0.3, 1], "team": "Sales"}')
