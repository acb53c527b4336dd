"""How an error that ends a command is printed: plain ``error: ...`` lines, one JSON log
record with ``--log-format json``, a JSON document for ``validate --json``."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

import sheets_sync.config
from sheets_sync.cli import cli
from sheets_sync.errors import SheetsSyncError
from tests.cli.test_cli import missing_source_config

AS_OF = ["--as-of", "2026-11-23"]
RECORD_KEYS = ["time", "level", "logger", "message"]  # every JSON log record's, in order


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


def record(err: str) -> dict[str, object]:
    """The one JSON log line on stderr, with its time checked and dropped."""
    (line,) = err.splitlines()
    data = json.loads(line)
    assert list(data)[:4] == RECORD_KEYS
    assert dt.datetime.fromisoformat(str(data.pop("time"))).tzinfo is not None
    return dict(data)


@pytest.fixture
def located_error(monkeypatch: pytest.MonkeyPatch) -> None:
    """Loading the workspace fails with an error that names its file, tab and cell."""

    def fail(*args: object, **kwargs: object) -> None:
        raise SheetsSyncError("target equals start value (100)", source="sales.xlsx",
                              tab="OKRs", cell="J7")  # fmt: skip

    monkeypatch.setattr(sheets_sync.config, "load_workspace", fail)


@pytest.mark.usefixtures("located_error")
def test_an_error_with_a_location_is_a_json_record_with_its_fields() -> None:
    code, out, err = run("--log-format", "json", "sync", *AS_OF)
    assert (code, out) == (1, "")
    assert record(err) == {
        "level": "error",
        "logger": "sheets_sync",
        "message": "target equals start value (100)",
        "source": "sales.xlsx",
        "tab": "OKRs",
        "cell": "J7",
    }
    code, out, err = run("-qq", "--log-format", "json", "sync", *AS_OF)  # quiet: still said
    assert code == 1 and record(err)["message"] == "target equals start value (100)"


@pytest.mark.usefixtures("located_error")
def test_plain_errors_are_as_they_were() -> None:
    code, out, err = run("sync", *AS_OF)
    assert (code, out, err) == (
        1,
        "",
        "error: sales.xlsx!OKRs!J7: target equals start value (100)\n",
    )
    code, out, err = run("--log-format", "text", "sync", *AS_OF)
    assert (code, out, err) == (
        1,
        "",
        "error: sales.xlsx!OKRs!J7: target equals start value (100)\n",
    )


def test_a_configuration_error_is_one_json_record_with_its_problems(tmp_path: Path) -> None:
    cfg = missing_source_config(tmp_path)
    code, out, err = run("--log-format", "json", "config", "check", "--config", str(cfg))
    assert (code, out) == (2, "")
    assert record(err) == {
        "level": "error",
        "logger": "sheets_sync",
        "message": "sheets-sync.yaml: invalid configuration",
        "problems": ["sheets-sync.yaml: line 4: teams[0].source: file not found (missing.xlsx)"],
    }


def test_an_os_error_is_a_json_record_naming_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """(``template`` under a file was this test's OS error until 2026-12-06, and ``export
    --out`` under a file until 2026-12-07: each now says what happened in its own words.
    Here a name too long for the file system, with export's path checks passed over as a
    folder that changes after them would be, fails when the tables are written.)"""
    target = tmp_path / ("x" * 300)  # longer than a file name may be
    monkeypatch.setattr("sheets_sync.sync.run.check_export_folder", lambda *a: None)
    monkeypatch.setattr("sheets_sync.rollup.export.check_export_paths", lambda *a: None)
    cfg = missing_source_config(tmp_path)
    code, out, err = run(
        "--log-format", "json", "export", "--config", str(cfg), "--out", str(target)
    )
    assert (code, out) == (1, "")
    assert record(err) == {
        "level": "error",
        "logger": "sheets_sync",
        "message": "File name too long",
        "source": str(target),
    }


def test_a_template_that_cannot_be_written_is_a_json_record(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x")
    target = tmp_path / "file" / "sub" / "team.xlsx"
    code, out, err = run("--log-format", "json", "template", str(target))
    assert (code, out) == (2, "")
    assert record(err) == {
        "level": "error",
        "logger": "sheets_sync",
        "message": f"{target}: cannot write the template: {tmp_path / 'file'} is not a folder",
    }


def test_validate_json_reports_an_invalid_workspace_as_json(tmp_path: Path) -> None:
    """It printed the plain `error: ...` lines on stderr and nothing on stdout, so a
    script reading the JSON failed to parse it."""
    cfg = tmp_path / "sheets-sync.yaml"
    cfg.write_text(
        "company: Acme\nperiod: {name: Q4, start: 2026-12-31, end: 2026-10-01}\n"
        "teams:\n  - {name: Sales, source: sales.xlsx}\n",
        encoding="utf-8",
    )
    for log_format in ("text", "json"):
        args = ["--log-format", log_format, "validate", "--config", str(cfg), "--json", *AS_OF]
        code, out, err = run(*args)
        assert (code, err) == (2, "")
        assert json.loads(out) == {
            "teams": [],
            "ok": False,
            "errors": [
                "sheets-sync.yaml: line 2: period: end (2026-10-01) must be after start "
                "(2026-12-31)"
            ],
        }
    code, out, err = run("validate", "--config", str(cfg), *AS_OF)  # without --json: as it was
    assert (code, out) == (2, "")
    assert err == (
        "error: sheets-sync.yaml: invalid configuration\n"
        "  sheets-sync.yaml: line 2: period: end (2026-10-01) must be after start (2026-12-31)\n"
    )


def test_validate_json_reports_an_unknown_team_as_json(workspace: Path) -> None:
    code, out, err = run("validate", "--config", str(workspace), "--json", "--team", "Nope")
    assert (code, err) == (2, "")
    assert json.loads(out) == {
        "teams": [],
        "ok": False,
        "errors": ["no team named 'Nope' in the workspace (teams: Sales)"],
    }


def test_a_usage_error_takes_the_json_forms_too(workspace: Path) -> None:
    """Usage errors (a flag without its partner, a bad date) were click's plain `Usage:
    ... Error: ...` lines whatever the output form, so a log shipper or a script reading
    `validate --json` got text there."""
    code, out, err = run("--log-format", "json", "sync", "--config", str(workspace),
                         "--results-dir", "r")  # fmt: skip
    assert (code, out) == (2, "")
    assert record(err) == {
        "level": "error",
        "logger": "sheets_sync",
        "message": "--results-dir needs --shard (it holds one shard's results for "
        "`rollup --from-results`)",
    }
    # a malformed value is said to be one; a day the calendar lacks is said to be that, in
    # the workspace file's words ("is not a date like" for 2026-02-29 sent the user to the
    # format, which was right)
    for as_of, said in [
        ("2026/11/23", "is not a date like 2026-11-23"),
        ("2026-13-01", "is no day of the calendar"),
        ("2026-02-29", "is no day of the calendar (2026 is no leap year)"),
        ("2026-04-31", "is no day of the calendar"),
    ]:
        code, out, err = run("validate", "--config", str(workspace), "--json", "--as-of", as_of)
        assert (code, err) == (2, "")
        assert json.loads(out) == {
            "teams": [],
            "ok": False,
            "errors": [f"Invalid value for --as-of: '{as_of}' {said}"],
        }
    code, out, err = run("validate", "--config", str(workspace), "--as-of", "2026-02-29")
    assert (code, out) == (2, "")
    assert err.endswith(
        "Error: Invalid value for --as-of: '2026-02-29' is no day of the calendar "
        "(2026 is no leap year)\n"
    )
    # the plain form is click's own, as it was
    code, out, err = run("sync", "--config", str(workspace), "--results-dir", "r")
    assert (code, out) == (2, "")
    assert err.startswith("Usage: ") and err.endswith(
        "Error: --results-dir needs --shard (it holds one shard's results for "
        "`rollup --from-results`)\n"
    )


@pytest.mark.parametrize("order", ["after", "before"])
def test_an_option_click_refuses_is_an_error_in_the_json_document(
    workspace: Path, order: str
) -> None:
    """An unknown option after (or before) `--json` printed click's usage text: the
    document was chosen only once the options had been parsed."""
    options = ["--json", "--bogus"] if order == "after" else ["--bogus", "--json"]
    code, out, err = run("validate", "--config", str(workspace), *options)
    assert (code, err) == (2, "")
    assert json.loads(out) == {
        "teams": [],
        "ok": False,
        "errors": ["No such option '--bogus'."],
    }
    code, out, err = run("validate", "--config", str(workspace), "--", "--json")
    assert (code, out) == (2, "")  # `--json` after `--` is an argument: click's own error
    assert err.startswith("Usage: ") and err.endswith(
        "Error: Got unexpected extra argument (--json)\n"
    )
