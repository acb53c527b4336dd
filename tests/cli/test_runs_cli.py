"""Shards, merges and run reports through the CLI: what a merge refuses, where each
run's report goes, and which paths ``--report`` and ``--results-dir`` may name."""

from __future__ import annotations

import errno
import json
import os
import stat
import subprocess
import sys
from pathlib import Path, PurePosixPath

import pandas as pd
import pytest

from sheets_sync.config import load_workspace
from sheets_sync.regular_file import through_system
from tests.cli.test_ops_cli import AS_OF, copy_ws, run
from tests.support.access import read_only
from tests.support.scripts import HANG


def test_shard_results_that_are_not_this_workspaces_night_are_refused(
    demo: Path, tmp_path: Path
) -> None:
    """The merge published whatever it was handed: shards run with --team (one team's
    company workbook), or another workspace's (its company, its teams), exit 0."""
    ws = copy_ws(demo, tmp_path / "ws")
    results = tmp_path / "team"
    shard = ["--shard", "1/1", "--results-dir", str(results)]
    assert run("sync", "--config", str(ws), *AS_OF, "--team", "Sales", *shard)[0] == 0
    code, out, err = run("rollup", "--config", str(ws), "--from-results", str(results))
    assert (code, out) == (2, "")
    assert err.splitlines() == [
        f"error: {results}: not this workspace's whole night",
        f"  {results}: no results for Marketing, Engineering, Customer Success, Finance, People"
        " (shards run with --team, or teams added since they ran?); run every shard of the "
        "night again",
    ]
    other = tmp_path / "other"
    assert run("init", str(other), "--team", "Alpha", "--company", "Other Co")[0] == 0
    results = tmp_path / "other-results"
    shard = ["--shard", "1/1", "--results-dir", str(results)]
    assert run("sync", "--config", str(other / "sheets-sync.yaml"), *AS_OF, *shard)[0] == 0
    code, _, err = run("rollup", "--config", str(ws), "--from-results", str(results))
    assert code == 2 and "results of company 'Other Co', this workspace is " in err
    assert "teams this workspace does not list: Alpha" in err
    assert not (ws.parent / "company.xlsx").exists()


def test_every_run_keeps_its_own_report(demo: Path, tmp_path: Path) -> None:
    """Reports were named by the second: runs of one second (--team runs one after the
    other, shards side by side) overwrote each other's."""
    ws = copy_ws(demo, tmp_path / "ws")
    for team in ("Sales", "Marketing", "Finance"):
        assert run("sync", "--config", str(ws), *AS_OF, "--team", team)[0] == 0
    kept = sorted((ws.parent / ".sheets-sync" / "runs").glob("*.json"))
    teams = sorted(t["team"] for p in kept for t in json.loads(p.read_text())["teams"])
    assert teams == ["Finance", "Marketing", "Sales"]


def test_a_report_path_on_a_file_of_the_workspace_is_refused(demo: Path, tmp_path: Path) -> None:
    """--report at a team's workbook replaced it with JSON, exit 0."""
    ws = copy_ws(demo, tmp_path / "ws")
    team = ws.parent / "teams" / "Sales.xlsx"
    before = team.read_bytes()
    code, out, err = run("sync", "--config", str(ws), *AS_OF, "--report", str(team))
    assert (code, out) == (2, "")
    assert err == (
        f"error: --report {team}: is the workbook of team 'Sales'; give the report a path of "
        "its own\n"
    )
    assert team.read_bytes() == before


def test_a_results_dir_that_cannot_be_written_stops_the_shard_first(
    demo: Path, tmp_path: Path
) -> None:
    ws = copy_ws(demo, tmp_path / "ws")
    (tmp_path / "file").write_text("x")
    before = {p.name: p.read_bytes() for p in (ws.parent / "teams").iterdir()}
    args = ["--shard", "1/2", "--results-dir", str(tmp_path / "file" / "results")]
    code, _, err = run("sync", "--config", str(ws), *AS_OF, *args)
    assert code == 2 and "cannot write there (Not a directory)" in err
    assert {p.name: p.read_bytes() for p in (ws.parent / "teams").iterdir()} == before


def test_no_write_back_says_the_cells_would_change(demo: Path, tmp_path: Path) -> None:
    """--no-write-back left the files alone but said "21 cells changed" (and the report
    gave no sign they were not written)."""
    ws = copy_ws(demo, tmp_path / "ws")
    team = ws.parent / "teams" / "Sales.xlsx"
    before = team.read_bytes()
    report = tmp_path / "run.json"
    code, out, _ = run(
        "sync", "--config", str(ws), *AS_OF, "--no-write-back", "--report", str(report)
    )
    assert code == 0 and team.read_bytes() == before
    assert out.startswith("Sales: ok, 20 cells would change")  # the demo at AS_OF
    assert " cells would change in " in out.splitlines()[-1]
    data = json.loads(report.read_text())
    assert (data["dry_run"], data["write_back"]) == (False, False)


def test_shard_and_results_dir_go_together(demo: Path, tmp_path: Path) -> None:
    """--results-dir without --shard was ignored: the run synced every team and saved no
    results, so the merge found none."""
    ws = copy_ws(demo, tmp_path / "ws")
    results = tmp_path / "results"
    code, out, err = run("sync", "--config", str(ws), *AS_OF, "--results-dir", str(results))
    assert (code, out) == (2, "")
    assert err.splitlines()[-1] == (
        "Error: --results-dir needs --shard (it holds one shard's results for "
        "`rollup --from-results`)"
    )
    assert not results.exists() and not (ws.parent / "company.xlsx").exists()
    code, _, err = run("sync", "--config", str(ws), *AS_OF, "--shard", "1/2")
    assert code == 2
    assert err.splitlines()[-1] == (
        "Error: --shard needs --results-dir (where `rollup --from-results` finds every shard)"
    )


def test_a_dry_run_shard_leaves_results_its_merge_names(demo: Path, tmp_path: Path) -> None:
    """``sync --dry-run --shard K/N --results-dir DIR`` wrote no results, so the merge of
    DIR said only that it held none. Now each dry-run shard writes its results, marked,
    and the merge says they are a dry run's (exit 2, nothing published)."""
    ws = copy_ws(demo, tmp_path / "ws")
    before = {p.name: p.read_bytes() for p in (ws.parent / "teams").iterdir()}
    results = tmp_path / "results"
    for k in (1, 2):
        shard = ["--shard", f"{k}/2", "--results-dir", str(results)]
        code, out, err = run("sync", "--config", str(ws), *AS_OF, "--dry-run", *shard)
        assert code == 0, out + err
    names = ["shard-001-of-002-dry-run.pickle", "shard-002-of-002-dry-run.pickle"]
    assert sorted(p.name for p in results.iterdir()) == names
    code, out, err = run("rollup", "--config", str(ws), "--from-results", str(results))
    assert (code, out) == (2, "")
    assert err.splitlines() == [
        f"error: {results}: only dry-run shard results ({', '.join(names)}): a dry run writes "
        "no team, so there is no night to merge; run the shards without --dry-run, then merge"
    ]
    assert not (ws.parent / "company.xlsx").exists()
    assert {p.name: p.read_bytes() for p in (ws.parent / "teams").iterdir()} == before
    # the real night beside them merges, and its report lists its own results only
    for k in (1, 2):
        shard = ["--shard", f"{k}/2", "--results-dir", str(results)]
        assert run("sync", "--config", str(ws), *AS_OF, *shard)[0] == 0
    code, out, err = run("rollup", "--config", str(ws), "--from-results", str(results))
    assert code == 0, out + err
    (kept,) = (ws.parent / ".sheets-sync" / "runs").glob("*-rollup.json")
    shards = json.loads(kept.read_text())["from_results"]["shards"]
    assert shards == ["shard-001-of-002.pickle", "shard-002-of-002.pickle"]


def test_an_empty_results_dir_is_not_given(demo: Path, tmp_path: Path) -> None:
    """A cron line's ``--results-dir "$RESULTS"`` with the variable unset synced every team
    until the shard rule moved into the library, which refuses ``results_dir=""``: the
    night stopped with exit 2. On the command line "" is no folder, as before."""
    ws = copy_ws(demo, tmp_path / "ws")
    code, _, err = run("sync", "--config", str(ws), *AS_OF, "--results-dir", "")
    assert code in (0, 1) and "--results-dir" not in err
    assert (ws.parent / "company.xlsx").exists()
    code, _, err = run("sync", "--config", str(ws), *AS_OF, "--results-dir=", "--shard", "1/2")
    assert code == 2
    assert err.splitlines()[-1] == (
        "Error: --shard needs --results-dir (where `rollup --from-results` finds every shard)"
    )


def test_a_merge_on_another_as_of_date_is_refused(demo: Path, tmp_path: Path) -> None:
    """`rollup --from-results DIR --as-of D` merged the shards' own date and ignored D."""
    ws = copy_ws(demo, tmp_path / "ws")
    results = tmp_path / "results"
    shard = ["--shard", "1/1", "--results-dir", str(results)]
    assert run("sync", "--config", str(ws), *AS_OF, *shard)[0] == 0
    merge = ["rollup", "--config", str(ws), "--from-results", str(results)]
    code, out, err = run(*merge, "--as-of", "2026-11-24")
    assert (code, out) == (2, "")
    assert err == (
        f"error: {results}: the shard results are as of 2026-11-23, not --as-of 2026-11-24; "
        "leave out --as-of, or run the shards again with --as-of 2026-11-24\n"
    )
    assert not (ws.parent / "company.xlsx").exists()
    code, out, _ = run(*merge, *AS_OF)
    assert (code, out) == (0, f"rollup of 6 teams from {results} written to company.xlsx\n")


def test_export_and_sync_say_the_workbooks_outcome(demo: Path, tmp_path: Path) -> None:
    """After a sync the company workbook said `ok` for every team, and an export of the
    same sheets said `unchanged` (it writes none, so there was nothing to write), as did
    the next sync's output."""
    ws = copy_ws(demo, tmp_path / "ws")
    assert run("sync", "--config", str(ws), *AS_OF)[0] == 0
    summary = pd.read_excel(
        ws.parent / "company.xlsx", sheet_name="Summary", header=8, engine="calamine"
    )
    teams = [t.name for t in load_workspace(ws).teams]
    in_workbook = dict(summary.loc[summary["Team"].isin(teams), ["Team", "Outcome"]].values)
    assert in_workbook == dict.fromkeys(teams, "ok")
    code, _, _ = run("export", "--config", str(ws), *AS_OF, "--out", str(tmp_path / "csv"))
    exported = pd.read_csv(tmp_path / "csv" / "summary.csv", encoding="utf-8-sig")
    assert code == 0 and dict(exported[["Team", "Outcome"]].values) == in_workbook
    code, out, _ = run("sync", "--config", str(ws), *AS_OF)
    assert code == 0
    assert [line.split(",")[0] for line in out.splitlines()[:-1]] == [f"{t}: ok" for t in teams]


def test_a_merge_names_the_team_that_failed_in_its_shard(demo: Path, tmp_path: Path) -> None:
    """The merge exited 1 with only `rollup of 6 teams from ... written to company.xlsx`."""
    ws = copy_ws(demo, tmp_path / "ws")
    (ws.parent / "teams" / "People.xlsx").write_text("not a workbook", encoding="utf-8")
    results = tmp_path / "results"
    assert (
        run("sync", "--config", str(ws), *AS_OF, "--shard", "1/1", "--results-dir", str(results))[0]
        == 1
    )
    code, out, err = run("rollup", "--config", str(ws), "--from-results", str(results))
    assert (code, out) == (1, f"rollup of 6 teams from {results} written to company.xlsx\n")
    assert err == (
        "People: failed: People.xlsx: not an Excel workbook (.xlsx)"
        "; open it in Excel and save it as .xlsx\n"
    )  # README: streams


@pytest.mark.parametrize(
    ("name", "what"),
    [
        ("history.sqlite", "the run history"),
        ("run.lock", "the workspace lock"),
        ("rollup-state.json", "the company rollup's state"),
        ("cache/x.json", "in sheets-sync's cache folder"),
    ],
)
def test_a_report_path_on_the_runs_own_state_is_refused(
    demo: Path, tmp_path: Path, name: str, what: str
) -> None:
    """--report .sheets-sync/history.sqlite replaced the history with JSON, exit 0; the
    next night set it aside as damaged and began a new one: every night recorded lost."""
    ws = copy_ws(demo, tmp_path / "ws")
    state = ws.parent / ".sheets-sync"
    assert run("sync", "--config", str(ws), *AS_OF)[0] == 0
    before = {p: p.read_bytes() for p in state.rglob("*") if p.is_file()}
    code, out, err = run("sync", "--config", str(ws), *AS_OF, "--report", str(state / name))
    assert (code, out) == (2, "")
    assert err == f"error: --report {state / name}: is {what}; give the report a path of its own\n"
    assert {p: p.read_bytes() for p in state.rglob("*") if p.is_file()} == before
    ok = state / "last-run.json"  # the recipes' name, beside them, stays allowed
    assert run("sync", "--config", str(ws), *AS_OF, "--report", str(ok))[0] == 0
    assert run("sync", "--config", str(ws), *AS_OF, "--report", str(ok))[0] == 0


@pytest.mark.parametrize("link", [False, True])
def test_a_report_path_that_is_no_file_is_refused(demo: Path, tmp_path: Path, link: bool) -> None:
    """The report is a new file renamed into place: --report on a named pipe (or a link to
    one, as /dev/stdout is to a device) replaced it with a regular file, exit 0, and the
    reader waiting on it got nothing; as root, --report /dev/full replaced the device."""
    ws = copy_ws(demo, tmp_path / "ws")
    pipe = tmp_path / "pipe"
    os.mkfifo(pipe)
    given = pipe
    if link:
        given = tmp_path / "stdout"
        given.symlink_to(pipe)
    code, out, err = run("sync", "--config", str(ws), *AS_OF, "--report", str(given))
    assert (code, out) == (2, "")
    assert err == (
        f"error: --report {given}: is a named pipe, not a file; the report is a new file "
        "renamed into its place: give it a file's path\n"
    )
    assert stat.S_ISFIFO(pipe.lstat().st_mode) and given.exists()
    runs = ws.parent / ".sheets-sync" / "runs"  # refused before anything was done
    assert not runs.exists() or list(runs.iterdir()) == []


@pytest.mark.parametrize("parent", ["nope", "file", "fifo"])
def test_a_report_path_whose_folder_is_missing_is_refused_first(
    demo: Path, tmp_path: Path, parent: str
) -> None:
    """The night ran whole (team files written) and then ended exit 1 on "the run report
    was not written (No such file or directory)": a missing folder is known before any
    work, as the other --report refusals are (found 2026-12-06)."""
    ws = copy_ws(demo, tmp_path / "ws")
    if parent == "file":
        (tmp_path / "file").write_text("x", encoding="utf-8")
    if parent == "fifo":  # was "is not a folder", and a pipe "a file" elsewhere
        os.mkfifo(tmp_path / "fifo")
    given = tmp_path / parent / "r.json"
    code, out, err = run("sync", "--config", str(ws), *AS_OF, "--report", str(given))
    assert (code, out) == (2, "")
    what = {
        "nope": f"the folder {tmp_path / parent} does not exist; make it first",
        "file": f"{tmp_path / parent} is not a folder",
        "fifo": f"{tmp_path / parent} is a named pipe, not a folder",
    }[parent]
    assert err == f"error: --report {given}: {what}\n"
    runs = ws.parent / ".sheets-sync" / "runs"  # refused before anything was done
    assert not runs.exists() or list(runs.iterdir()) == []


def test_a_report_path_in_a_folder_you_cannot_write_in_is_refused_first(
    demo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A read-only folder: the night ran whole, then ended exit 1 on the report (until
    2026-12-07). As root ``os.access`` is made to say no: root writes anywhere."""
    ws = copy_ws(demo, tmp_path / "ws")
    ro = tmp_path / "ro"
    ro.mkdir()
    read_only(monkeypatch, ro)
    try:
        given = ro / "r.json"
        code, out, err = run("sync", "--config", str(ws), *AS_OF, "--report", str(given))
    finally:
        ro.chmod(0o755)
    assert (code, out) == (2, "")
    assert err == f"error: --report {given}: {ro} is a folder you cannot write in\n"
    runs = ws.parent / ".sheets-sync" / "runs"  # refused before anything was done
    assert not runs.exists() or list(runs.iterdir()) == []


def test_a_report_path_through_proc_is_refused_with_stdout_a_file(
    demo: Path, tmp_path: Path
) -> None:
    """The cron recipe's ``>>sync.log 2>&1`` with ``--report /dev/stdout``: the link leads
    through /proc/self/fd/1 to sync.log, a regular file, so the pipe-and-device refusal let
    it by and the rename replaced the link itself, exit 0 (as root, /dev/stdout). A link
    of our own to /proc/self/fd/1 stands in for /dev/stdout: nothing here writes in /dev."""
    ws = copy_ws(demo, tmp_path / "ws")
    link = tmp_path / "stdout"
    link.symlink_to("/proc/self/fd/1")
    log = tmp_path / "sync.log"
    argv = [sys.executable, "-m", "sheets_sync", "sync", "--config", str(ws), *AS_OF]
    with log.open("ab") as out:
        done = subprocess.run(
            [*argv, "--report", str(link)], check=False, stdout=out, stderr=out, timeout=HANG
        )
    assert (done.returncode, log.read_text()) == (
        2,
        f"error: --report {link}: leads into /proc/self/fd/1, not a file; the report is a new "
        "file renamed into its place: give it a file's path\n",
    )
    assert link.is_symlink() and os.readlink(link) == "/proc/self/fd/1"
    runs = ws.parent / ".sheets-sync" / "runs"  # refused before anything was done
    assert not runs.exists() or list(runs.iterdir()) == []


def test_a_report_path_is_followed_link_by_link_into_proc_and_dev(tmp_path: Path) -> None:
    """Every hop is looked at, a folder's link too: ``resolve`` goes through /proc/self/fd/1
    to the file it names and never shows the hop. Nothing is written."""
    (tmp_path / "dev").symlink_to("/dev")
    (tmp_path / "fd").symlink_to("/dev/fd")  # itself a link to /proc/self/fd
    (tmp_path / "to-stdout").symlink_to("dev/stdout")
    (tmp_path / "dir").mkdir()
    assert through_system(Path("/dev/stdout")) == (PurePosixPath("/dev"), Path("/dev/stdout"))
    assert through_system(tmp_path / "dev" / "stdout") == (
        PurePosixPath("/dev"),
        Path("/dev/stdout"),
    )
    assert through_system(tmp_path / "to-stdout") == (PurePosixPath("/dev"), Path("/dev/stdout"))
    assert through_system(tmp_path / "fd" / "1") == (PurePosixPath("/dev"), Path("/dev/fd/1"))
    assert through_system(tmp_path / "dir" / ".." / "dev" / "null") == (
        PurePosixPath("/dev"),
        Path("/dev/null"),
    )
    assert through_system(tmp_path / "dir" / "report.json") is None
    assert through_system(tmp_path / "missing" / "report.json") is None
    (tmp_path / "loop").symlink_to("loop")
    assert through_system(tmp_path / "loop") is None  # the write says ELOOP


def test_the_shard_merge_keeps_a_run_report(demo: Path, tmp_path: Path) -> None:
    """`rollup --from-results` (the Airflow DAG's merge) published the company workbook
    and left no report of the night it merged."""
    ws = copy_ws(demo, tmp_path / "ws")
    results = tmp_path / "results"
    for k in (1, 2):
        argv = ["sync", "--config", str(ws), *AS_OF, "--shard", f"{k}/2", "--results-dir"]
        assert run(*argv, str(results))[0] == 0
    runs = ws.parent / ".sheets-sync" / "runs"
    shard_reports = sorted(p.name for p in runs.iterdir())
    code, out, err = run("rollup", "--config", str(ws), "--from-results", str(results))
    assert (code, err) == (0, "")
    assert out == f"rollup of 6 teams from {results} written to company.xlsx\n"
    (merged,) = [p for p in runs.iterdir() if p.name not in shard_reports]
    assert merged.name.endswith("-rollup.json")
    report = json.loads(merged.read_text(encoding="utf-8"))
    assert {k: report[k] for k in ("command", "as_of", "write_back", "from_results")} == {
        "command": "rollup --from-results",
        "as_of": "2026-11-23",
        "write_back": None,  # the shards wrote; their reports say what
        "from_results": {
            "folder": str(results),
            "shards": ["shard-001-of-002.pickle", "shard-002-of-002.pickle"],
        },
    }
    assert (report["rollup_output"], report["rollup_rewritten"]) == ("company.xlsx", True)
    teams = [team.name for team in load_workspace(ws).teams]
    assert [t["team"] for t in report["teams"]] == teams
    assert report["totals"]["teams"] == 6 and report["seconds"] > 0


def test_a_shard_whose_results_cannot_be_saved_still_says_its_night(
    demo: Path, tmp_path: Path
) -> None:
    """The folder is checked before any team is written, but saving may still fail (a full
    disk, a folder in the file's place): the run ended with the temp file's OSError alone,
    its teams written but no team line, summary, run report or notification. The report
    and the notification were built before the save, and did not say it (a monitor
    reading --report saw a clean night, exit 1)."""
    ws = copy_ws(demo, tmp_path / "ws")
    (ws.parent / "teams" / "Sales.xlsx").write_text("broken", encoding="utf-8")  # alerts
    results = tmp_path / "results"
    (results / "shard-002-of-002.pickle").mkdir(parents=True)
    sent, report = tmp_path / "notified.json", tmp_path / "report.json"
    notify = f"{sys.executable} -c \"import sys; open({str(sent)!r}, 'w').write(sys.stdin.read())\""
    shard = ["--shard", "2/2", "--results-dir", str(results)]
    code, out, err = run(
        "sync", "--config", str(ws), *AS_OF, *shard, "--report", str(report), "--notify-cmd", notify
    )
    assert code == 1, out + err
    said = (
        f"{results}/shard-002-of-002.pickle: the shard's results were not saved (Is a "
        "directory); run this shard again, then the merge"
    )
    summary = [line for line in out.splitlines() if " teams, 1 failed, " in line]
    assert len(summary) == 1 and summary[0].endswith(said), out + err
    assert list((ws.parent / ".sheets-sync" / "runs").glob("*-shard-2-of-2.json"))
    assert json.loads(report.read_text())["results_error"] == said
    payload = json.loads(sent.read_text())
    assert [t["team"] for t in payload["failed_teams"]] == ["Sales"]
    assert payload["results_error"] == said and payload["text"].endswith(f"\n{said}")


def test_a_shard_whose_results_cannot_be_saved_leaves_no_earlier_attempts(
    demo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An Airflow retry reuses the folder: a save that failed (a full disk) left the
    earlier attempt's results file, and the merge published those instead of saying the
    shard is missing."""
    ws = copy_ws(demo, tmp_path / "ws")
    results = tmp_path / "results"
    shard = ["--results-dir", str(results), "--shard"]
    for k in ("1/2", "2/2"):
        assert run("sync", "--config", str(ws), *AS_OF, *shard, k)[0] == 0
    earlier = results / "shard-001-of-002.pickle"
    assert earlier.is_file()

    def full_disk(*args: object, **kwargs: object) -> Path:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr("sheets_sync.sync.run.save_results", full_disk)
    code, out, err = run("sync", "--config", str(ws), *AS_OF, *shard, "1/2")
    assert code == 1, out + err
    assert f"{earlier}: the shard's results were not saved (No space left on device)" in out
    assert not earlier.exists()
    code, out, err = run("rollup", "--config", str(ws), "--from-results", str(results))
    assert (code, out) == (2, ""), err
    assert f"{results}: missing shard 1/2; did it fail or not finish?" in err, err
