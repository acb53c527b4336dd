"""The CLI through click's CliRunner: exact messages and exit codes, results checked
through the library."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from sheets_sync import __version__
from sheets_sync.cli import cli
from sheets_sync.sync.lock import RunLock
from tests.conftest import write_team

AS_OF = ["--as-of", "2026-11-23"]


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_version_and_help() -> None:
    code, out, _ = run("--version")
    assert code == 0 and out.strip() == f"sheets-sync, version {__version__}"
    code, out, _ = run("--help")
    assert code == 0
    for command in ("sync", "validate", "rollup", "export", "template", "init", "demo", "config"):
        assert command in out


def test_config_check_ok(workspace: Path) -> None:
    code, out, _ = run("config", "check", "--config", str(workspace))
    assert code == 0
    assert out.splitlines()[0] == (
        "sheets-sync.yaml: ok: Acme, period 2026-Q4 (2026-10-01 to "
        "2026-12-31), 1 team, rollup to company.xlsx"
    )


def missing_source_config(tmp_path: Path) -> Path:
    """A workspace whose one team file is not there: a configuration error."""
    cfg = tmp_path / "sheets-sync.yaml"
    cfg.write_text(
        "company: Acme\nperiod: {name: Q4, start: 2026-10-01, end: 2026-12-31}\n"
        "teams:\n  - {name: Sales, source: missing.xlsx}\n",
        encoding="utf-8",
    )
    return cfg


def test_config_check_invalid_exits_2_without_traceback(tmp_path: Path) -> None:
    cfg = missing_source_config(tmp_path)
    code, _, err = run("config", "check", "--config", str(cfg))
    assert code == 2
    assert err == (
        "error: sheets-sync.yaml: invalid configuration\n"
        "  sheets-sync.yaml: line 4: teams[0].source: file not found (missing.xlsx)\n"
    )


def test_missing_config_exits_2(tmp_path: Path) -> None:
    code, _, err = run("config", "check", "--config", str(tmp_path / "nope.yaml"))
    assert code == 2
    assert "workspace configuration not found" in err and "Traceback" not in err


def test_config_from_environment(workspace: Path, monkeypatch: object) -> None:
    result = CliRunner().invoke(
        cli, ["config", "check"], env={"SHEETS_SYNC_CONFIG": str(workspace)}
    )
    assert result.exit_code == 0


def test_validate_reports_findings_and_exits_1(workspace: Path) -> None:
    code, out, _ = run("validate", "--config", str(workspace), *AS_OF)
    assert code == 1
    assert "Sales: error: sales.xlsx!OKRs!J4: target equals start value (30)" in out
    assert out.splitlines()[-1] == "1 team: 1 error, 0 warnings"


def test_validate_json(workspace: Path) -> None:
    code, out, _ = run("validate", "--config", str(workspace), "--json", *AS_OF)
    assert code == 1
    payload = json.loads(out)
    assert payload["ok"] is False
    team = payload["teams"][0]
    assert team["team"] == "Sales" and team["errors"] == 1
    assert team["findings"][0]["cell"] == "J4"


def test_validate_clean_team_exits_0(tmp_path: Path, workspace: Path) -> None:
    write_team(
        workspace.parent / "teams" / "sales.xlsx",
        okr_rows=[
            ["O1", "Grow", "committed", "CO-1", "KR1", "Pipeline", "Ann", "number", 0, 10, 5],
            [None, None, None, None, "KR2", "Deals", "Bob", "number", 0, 10, 5],
        ],
        kpi_rows=[],
    )
    code, out, _ = run("validate", "--config", str(workspace), *AS_OF)
    assert code == 0, out


def test_unknown_team_is_a_usage_error(workspace: Path) -> None:
    code, _, err = run("validate", "--config", str(workspace), "--team", "Nope")
    assert code == 2
    assert err == "error: no team named 'Nope' in the workspace (teams: Sales)\n"


def test_a_team_named_with_outer_spaces_is_found_by_its_name(workspace: Path) -> None:
    """``name: " Sales "`` was accepted (and syncs, under that name, which keys its
    history), but ``--team Sales`` found no team: outer spaces, like case, are ignored."""
    text = workspace.read_text(encoding="utf-8")
    workspace.write_text(text.replace("{name: Sales,", '{name: " Sales ",'), encoding="utf-8")
    code, out, err = run("validate", "--config", str(workspace), "--team", "Sales", *AS_OF)
    assert code == 1 and err == ""  # the fixture's sheet has findings: validated, not refused
    assert out.endswith("\n1 team: 1 error, 0 warnings\n")
    code, _, err = run("validate", "--config", str(workspace), "--team", "Sale", *AS_OF)
    assert code == 2
    assert err == "error: no team named 'Sale' in the workspace (teams:  Sales )\n"


def test_a_team_named_as_two_that_differ_by_outer_spaces_is_an_error(workspace: Path) -> None:
    """As a KPI link naming it says: ``--team Sales`` took the first of " Sales" and
    "Sales " without a word, while ``Sales/NPS`` gave the ambiguity warning. A name
    written as typed is still found."""
    write_team(workspace.parent / "teams" / "sales2.xlsx")
    text = workspace.read_text(encoding="utf-8").replace(
        "  - {name: Sales, source: teams/sales.xlsx}\n",
        '  - {name: " Sales", source: teams/sales.xlsx}\n'
        '  - {name: "Sales ", source: teams/sales2.xlsx}\n',
    )
    workspace.write_text(text, encoding="utf-8")
    code, _, err = run("validate", "--config", str(workspace), "--team", "Sales", *AS_OF)
    assert (code, err) == (
        2,
        "error: team 'Sales' names no single team: ' Sales' and 'Sales ' differ only by outer "
        "spaces (rename one in the workspace)\n",
    )
    code, out, err = run("validate", "--config", str(workspace), "--team", "Sales ", *AS_OF)
    assert code == 1 and err == "" and out.endswith("\n1 team: 1 error, 0 warnings\n")


def test_bad_as_of_is_a_usage_error(workspace: Path) -> None:
    code, _, err = run("sync", "--config", str(workspace), "--as-of", "23/11/2026")
    assert code == 2
    # names the option: `sync` has other values a bad date could be mistaken for
    assert err.endswith(
        "Error: Invalid value for --as-of: '23/11/2026' is not a date like 2026-11-23\n"
    )


@pytest.mark.parametrize("as_of", ["20261123", "2026-W48-1", "2026W481", "2026-11-23 "])
def test_as_of_is_only_a_date_written_as_yyyy_mm_dd(workspace: Path, as_of: str) -> None:
    """``date.fromisoformat`` took ``20261123`` and week dates (``2026-W48-1``) where the
    message says "a date like 2026-11-23" and the workspace file's dates refuse them."""
    code, _, err = run("validate", "--config", str(workspace), "--as-of", as_of)
    assert code == 2
    assert err.endswith(
        f"Error: Invalid value for --as-of: {as_of!r} is not a date like 2026-11-23\n"
    )


@pytest.mark.parametrize("command", ["sync", "validate", "rollup", "export"])
def test_an_as_of_before_march_1900_is_a_usage_error(workspace: Path, command: str) -> None:
    """``--as-of 1850-01-01`` (a typo) was taken: the rollup's As of went into the
    workbook as a negative day number (Excel ``####``), 1850-01-01 in the export."""
    args = ["export", "--config", str(workspace), "--out", str(workspace.parent / "x")]
    args = args if command == "export" else [command, "--config", str(workspace)]
    code, _, err = run(*args, "--as-of", "1850-01-01")
    assert (code, err.splitlines()[-1]) == (
        2,
        "Error: Invalid value for --as-of: expected a date on or after 1900-03-01, got "
        "1850-01-01 (Excel shows none before 1900 and January-February 1900 a day late)",
    )


def test_sync_writes_back_then_is_idempotent(workspace: Path) -> None:
    team_file = workspace.parent / "teams" / "sales.xlsx"
    report = workspace.parent / "run.json"
    code, out, _ = run("sync", "--config", str(workspace), *AS_OF, "--report", str(report))
    assert code == 0, out
    sheet = openpyxl.load_workbook(team_file)["OKRs"]
    headers = [c.value for c in sheet[1]]
    status = headers.index("Status") + 1
    assert sheet.cell(2, status).value == "On track"
    assert sheet.cell(2, status).fill.fgColor.rgb.endswith("C6EFCE")
    data = json.loads(report.read_text())
    assert data["teams"][0]["outcome"] == "ok"
    assert data["teams"][0]["changes"]  # every team's changes, encoded into the file
    kept = sorted((workspace.parent / ".sheets-sync" / "runs").glob("*.json"))
    assert [p.read_bytes() for p in kept] == [report.read_bytes()]  # the night's own copy
    assert (workspace.parent / "company.xlsx").is_file()

    mtime = team_file.stat().st_mtime_ns
    code, out, _ = run("sync", "--config", str(workspace), *AS_OF)
    assert code == 0
    assert team_file.stat().st_mtime_ns == mtime
    assert "Sales: ok, 0 cells changed" in out  # as the workbook says (Outcome.status)


def test_sync_output_counts_rows_it_could_not_score(workspace: Path) -> None:
    """Not a terminal (cron): each team's line and the summary say what the terminal's
    table would, that a synced team still has a row in error."""
    code, out, _ = run("sync", "--config", str(workspace), *AS_OF)
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "Sales: ok, 18 cells changed (1 error in the sheet)"
    assert lines[1].startswith("1 team, 0 failed, 18 cells changed in ")
    assert lines[1].endswith(
        "; rollup written to company.xlsx"
        "; 1 error in team sheets (`sheets-sync validate` lists them)"
    )


def test_dry_run_writes_nothing(workspace: Path) -> None:
    team_file = workspace.parent / "teams" / "sales.xlsx"
    before = team_file.read_bytes()
    code, out, _ = run("sync", "--config", str(workspace), *AS_OF, "--dry-run")
    assert code == 0
    assert "  OKRs!T2: (empty) -> 'On track'" in out
    assert team_file.read_bytes() == before
    assert not (workspace.parent / "company.xlsx").exists()


def test_failed_team_exits_1_and_others_go_on(workspace: Path) -> None:
    broken = workspace.parent / "teams" / "ops.xlsx"
    broken.write_text("not a workbook", encoding="utf-8")
    workspace.write_text(
        workspace.read_text() + "  - {name: Ops, source: teams/ops.xlsx}\n", encoding="utf-8"
    )
    code, out, _ = run("sync", "--config", str(workspace), *AS_OF)
    assert code == 1
    assert "Sales: ok" in out
    assert (
        "Ops: failed: ops.xlsx: not an Excel workbook (.xlsx)"
        "; open it in Excel and save it as .xlsx" in out
    )


def test_a_rollup_names_the_team_that_failed(workspace: Path) -> None:
    """`rollup` exited 1 saying only `rollup of 2 teams written to company.xlsx`: the
    operator had no line naming the team that failed, nor why (sync prints one)."""
    broken = workspace.parent / "teams" / "ops.xlsx"
    broken.write_text("not a workbook", encoding="utf-8")
    workspace.write_text(
        workspace.read_text() + "  - {name: Ops, source: teams/ops.xlsx}\n", encoding="utf-8"
    )
    code, out, err = run("rollup", "--config", str(workspace), *AS_OF)
    assert (code, out) == (1, "rollup of 2 teams written to company.xlsx\n")
    assert err == (
        "Ops: failed: ops.xlsx: not an Excel workbook (.xlsx)"
        "; open it in Excel and save it as .xlsx\n"
    )  # README: streams


@pytest.mark.parametrize("command", ["sync", "validate", "rollup"])
def test_a_listed_file_gone_fails_its_team_and_the_others_go_on(
    workspace: Path, command: str
) -> None:
    """Someone renamed their team's file: the night still syncs every other team (it
    used to stop the whole run as an invalid configuration, exit 2); ``config check``
    still reports it as a configuration problem."""
    workspace.write_text(
        workspace.read_text() + "  - {name: Ops, source: teams/ops.xlsx}\n", encoding="utf-8"
    )
    code, out, _ = run(command, "--config", str(workspace), *AS_OF)
    assert code == 1
    if command == "sync":
        assert "Sales: ok" in out and "Ops: failed: ops.xlsx: file not found" in out
    elif command == "validate":
        assert "ops.xlsx: file not found" in out
    else:
        assert "rollup of 2 teams written to company.xlsx" in out
    code, _, err = run("config", "check", "--config", str(workspace))
    assert code == 2
    assert "sheets-sync.yaml: line 7: teams[1].source: file not found (teams/ops.xlsx)" in err


def test_second_concurrent_run_exits_3(workspace: Path) -> None:
    with RunLock(workspace.parent / ".sheets-sync"):
        code, _, err = run("sync", "--config", str(workspace), *AS_OF)
    assert code == 3
    assert err.startswith("error: ") and "another sheets-sync run holds the workspace lock" in err


def test_a_full_sync_waits_for_the_shards_of_a_sharded_night(workspace: Path) -> None:
    """A shard holds the workspace lock shared: a whole sync started meanwhile exits 3
    and writes nothing (it used to write the same team files alongside the shard)."""
    before = {p: p.read_bytes() for p in (workspace.parent / "teams").iterdir()}
    with RunLock(workspace.parent / ".sheets-sync", (1, 2)):
        code, _, err = run("sync", "--config", str(workspace), *AS_OF)
    assert code == 3
    assert "another sheets-sync run holds the workspace lock" in err
    assert {p: p.read_bytes() for p in (workspace.parent / "teams").iterdir()} == before


@pytest.mark.parametrize("merge", [False, True], ids=["from the sheets", "from shard results"])
def test_a_rollup_waits_for_no_run_it_would_race(
    workspace: Path, tmp_path: Path, merge: bool
) -> None:
    """``rollup`` writes the workbook, its state and the history as a sync does: while a
    sync holds the lock it stops with the same message (it used to write alongside)."""
    args = ["--from-results", str(tmp_path / "results")] if merge else list(AS_OF)
    with RunLock(workspace.parent / ".sheets-sync"):
        code, _, err = run("rollup", "--config", str(workspace), *args)
    assert code == 3
    assert err.startswith("error: ") and "another sheets-sync run holds the workspace lock" in err
    assert not (workspace.parent / "company.xlsx").exists()


def test_a_full_disk_fails_the_teams_and_the_rollup_not_the_run(
    workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The disk fills up under a run: each team's file stays as it was, with its own error;
    the rollup fails too (the last one stays), and still every team's outcome is printed
    and the run report written: exit 1, no traceback. The rollup's failure used to end the
    run before any of that."""
    import errno
    import os

    def full(src: object, dst: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device", str(dst))

    team = workspace.parent / "teams" / "sales.xlsx"
    before = team.read_bytes()
    report = workspace.parent / "report.json"
    with monkeypatch.context() as patched:
        patched.setattr(os, "replace", full)
        code, out, err = run("sync", "--config", str(workspace), *AS_OF, "--report", str(report))
    assert code == 1
    assert (
        "Sales: failed, 18 cells not written (1 error in the sheet): sales.xlsx: cannot save "
        "(No space left on " in out
    )
    assert "1 team, 1 failed, 0 cells changed" in out
    assert (
        out.rstrip().endswith(
            "rollup failed: company.xlsx: cannot write the company rollup (No space left on "
            "device); the last one stays; "
            f"{report.parent / '.sheets-sync' / 'runs'}"
        )
        or "the run report was not written (No space left on device)" in out
    )
    assert "Traceback" not in out + err
    assert team.read_bytes() == before
    assert not (workspace.parent / "company.xlsx").exists()
    assert not [p for p in workspace.parent.iterdir() if p.name.endswith(".tmp")]


def test_an_os_error_is_a_message_not_a_traceback(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A path the OS refuses when the tables are written (a name longer than the file
    system allows, with export's path checks passed over, as a folder that changes after
    them would be): the OS's reason, exit 1. (Shown by ``template`` until 2026-12-06, and by an
    ``--out`` under a file until 2026-12-07: each now says so in its own words, exit 2.)"""
    (tmp_path / "file").write_text("x")
    cfg = missing_source_config(tmp_path)
    code, out, err = run("export", "--config", str(cfg), "--out", str(tmp_path / "file" / "sub"))
    assert code == 2 and out == "" and "Traceback" not in err
    assert "file is not a folder" in err, err
    long = tmp_path / ("x" * 300)
    code, out, err = run("export", "--config", str(cfg), "--out", str(long))
    assert (code, out) == (2, "") and "File name too long" in err, err  # the folder check's
    monkeypatch.setattr("sheets_sync.sync.run.check_export_folder", lambda *a: None)
    monkeypatch.setattr("sheets_sync.rollup.export.check_export_paths", lambda *a: None)
    code, out, err = run("export", "--config", str(cfg), "--out", str(long))
    assert code == 1 and out == ""
    assert err.endswith(f"error: {long}: File name too long\n"), err


def test_rollup_file_is_readable_by_others(workspace: Path) -> None:
    code, _, _ = run("sync", "--config", str(workspace), *AS_OF)
    assert code == 0
    mode = (workspace.parent / "company.xlsx").stat().st_mode & 0o777
    assert mode & 0o044 == 0o044  # group and others can read the company workbook


def test_a_run_of_some_teams_records_their_night_and_leaves_the_rollup(
    workspace: Path,
) -> None:
    """`sync --team Sales` used to publish a company workbook of Sales alone: every other
    team vanished from what finance reads. It now writes Sales, records its night in the
    history, and leaves the workbook to a run of every team (`sheets-sync rollup`)."""
    from sheets_sync.ops.history import HistoryStore, default_history_path

    write_team(workspace.parent / "teams" / "ops.xlsx")
    workspace.write_text(
        workspace.read_text() + "  - {name: Ops, source: teams/ops.xlsx}\n", encoding="utf-8"
    )
    assert run("sync", "--config", str(workspace), *AS_OF)[0] == 0
    company = workspace.parent / "company.xlsx"
    before = company.read_bytes()
    report = workspace.parent / "run.json"
    later = ["--as-of", "2026-11-24", "--report", str(report)]
    code, out, err = run("sync", "--config", str(workspace), "--team", "Sales", *later)
    assert code == 0, out + err
    assert out.splitlines()[-1].endswith(
        "; rollup left as it was: a run of some teams; "
        "`sheets-sync rollup` rebuilds it from every team"
        "; 1 error in team sheets (`sheets-sync validate` lists them)"
    )
    assert company.read_bytes() == before
    data = json.loads(report.read_text())
    assert data["rollup_output"] is None and data["rollup_skipped"].startswith("a run of some")
    history = HistoryStore(default_history_path(workspace.parent / ".sheets-sync"))
    nights = history.kr_history(2).groupby("date")["team"].unique()
    assert {str(day)[:10]: sorted(teams) for day, teams in nights.items()} == {
        "2026-11-23": ["Ops", "Sales"],
        "2026-11-24": ["Sales"],
    }
    code, out, _ = run("rollup", "--config", str(workspace), "--as-of", "2026-11-24")
    assert (code, out) == (0, "rollup of 2 teams written to company.xlsx\n")


def test_a_rollup_that_cannot_be_published_says_so(
    workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Not `rollup of 1 team unchanged in None` (as it said until 2026-12-04)."""
    import errno
    import os

    replace = os.replace

    def full(src: str, dst: str) -> None:  # the workbook's disk: the run report's is not
        if Path(dst).name == "company.xlsx":
            raise OSError(errno.ENOSPC, "No space left on device", str(dst))
        replace(src, dst)

    monkeypatch.setattr(os, "replace", full)
    code, out, err = run("rollup", "--config", str(workspace), *AS_OF)
    assert code == 1
    assert out == (
        "rollup of 1 team failed: company.xlsx: cannot write the company rollup (No space "
        "left on device); the last one stays\n"
    )
    assert "Traceback" not in out + err
    (kept,) = (workspace.parent / ".sheets-sync" / "runs").iterdir()
    assert json.loads(kept.read_text())["rollup_error"] == (
        "company.xlsx: cannot write the company rollup (No space left on device); "
        "the last one stays"
    )


def test_a_control_character_in_a_cell_is_named_not_a_failed_team(workspace: Path) -> None:
    """Text pasted from Word can hold a control character (Excel stores it as _x000B_). A
    note quoting it could not be written: the team failed with "internal error" and a
    traceback. The message and the note now show it as an escape."""
    from openpyxl.utils import get_column_letter

    from sheets_sync.mapping.fields import OKR_FIELDS

    team = workspace.parent / "teams" / "sales.xlsx"
    book = openpyxl.load_workbook(team)
    current = [f for f, _ in OKR_FIELDS].index("current") + 1
    book["OKRs"].cell(3, current).value = "25_x0001_"  # KR2's Current, as Excel writes it
    book.save(team)
    code, out, err = run("validate", "--config", str(workspace), *AS_OF)
    assert f"sales.xlsx!OKRs!{get_column_letter(current)}3: " in out
    assert code == 1 and '"25\\x01"' in out and "Traceback" not in out + err
    code, out, err = run("sync", "--config", str(workspace), *AS_OF)
    assert code == 0 and out.startswith("Sales: ok, ") and "Traceback" not in out + err
    sheet = openpyxl.load_workbook(team)["OKRs"]
    notes = [f for f, _ in OKR_FIELDS].index("sync_notes") + 1
    assert '"25\\x01"' in sheet.cell(3, notes).value


def test_owned_cells_under_a_merge_are_a_warning_not_silence(workspace: Path) -> None:
    """Owned cells inside a merge cannot be written: the row got no status, and nothing
    said why (2026-12-04)."""
    from openpyxl.utils import get_column_letter

    from sheets_sync.mapping.fields import OKR_FIELDS

    fields = [f for f, _ in OKR_FIELDS]
    team = workspace.parent / "teams" / "sales.xlsx"
    book = openpyxl.load_workbook(team)
    score, status = (get_column_letter(fields.index(f) + 1) for f in ("score", "status"))
    book["OKRs"].merge_cells(f"{score}2:{status}3")
    book.save(team)
    code, out, _ = run("validate", "--config", str(workspace), *AS_OF)
    expected = get_column_letter(fields.index("expected") + 1)
    assert (
        f"Sales: warning: sales.xlsx!OKRs!{score}3: {score}3, {expected}3, {status}3 are "
        "inside merged cells, so the sync cannot write this row's results there; unmerge them"
    ) in out.splitlines()
    code, out, _ = run("sync", "--config", str(workspace), *AS_OF)
    assert code == 0 and out.startswith("Sales: ok, ")
    assert f"{score}2:{status}3" in {
        str(r) for r in openpyxl.load_workbook(team)["OKRs"].merged_cells.ranges
    }
