"""A ``rollup.output`` whose folder cannot be written in: ``rollup`` and ``rollup
--from-results``, whose whole job is the workbook, refuse it before they read a team or
a shard's results (exit 2, as other config problems); a night warns of it before it reads
a team and syncs the teams (its rollup step fails at the end, as it did before the check
came). A read-only user who only validates (or checks the config) is not told: neither
writes it."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from tests.cli.test_ops_cli import AS_OF, copy_ws, run


def _files(folder: Path) -> dict[Path, bytes]:
    """Every file but the run lock's, which a run leaves (empty) once it has held it."""
    return {
        p: p.read_bytes()
        for p in folder.rglob("*")
        if p.is_file() and not p.is_symlink() and p.name != "run.lock"
    }


def _unwritable_output(
    demo: Path, tmp_path: Path, read_only: Callable[[Path], str]
) -> tuple[Path, str]:
    ws = copy_ws(demo, tmp_path / "ws")
    text = ws.read_text(encoding="utf-8")
    assert "  output: company.xlsx\n" in text
    ws.write_text(text.replace("  output: company.xlsx\n", "  output: out/company.xlsx\n"))
    (ws.parent / "out").mkdir()
    return ws, read_only(ws.parent / "out")


def test_rollup_refuses_an_output_folder_one_cannot_write_in_before_any_team_is_read(
    demo: Path, tmp_path: Path, read_only: Callable[[Path], str]
) -> None:
    """``rollup``'s whole job is the workbook: refused up front, exit 2."""
    ws, why = _unwritable_output(demo, tmp_path, read_only)
    before = _files(ws.parent)
    code, out, err = run("rollup", "--config", str(ws), *AS_OF)
    assert (code, out) == (2, "")
    assert err == (
        f"error: rollup.output out/company.xlsx: cannot write in its folder "
        f"{ws.parent / 'out'} ({why}); `sheets-sync rollup` writes the company workbook "
        "there\n"
    )
    assert _files(ws.parent) == before  # no team read, no report, no history


def test_a_night_warns_of_an_output_folder_one_cannot_write_in_and_syncs_the_teams(
    demo: Path, tmp_path: Path, read_only: Callable[[Path], str]
) -> None:
    """The rest of the work goes on: the night says so before any team is read, syncs
    every team, and its rollup step fails at the end (exit 1), as before the check came.
    For a few hours on 2026-12-07 the night refused to start (exit 2, no team synced)."""
    ws, why = _unwritable_output(demo, tmp_path, read_only)
    before = _files(ws.parent)
    code, out, err = run("sync", "--config", str(ws), *AS_OF)
    assert code == 1, out + err
    warning = (
        f"rollup.output out/company.xlsx: cannot write in its folder {ws.parent / 'out'} "
        f"({why}); the teams are synced, the company workbook cannot be replaced if it "
        "changes"  # true whether it changes or not (said "will not be written", 2026-12-07)
    )
    assert err.count(warning) == 1, err
    failed = f"out/company.xlsx: cannot write the company rollup ({why}); the last one stays"
    assert err.index(warning) < err.index(failed), err  # the rollup step's, at the end
    assert "error: rollup.output" not in err
    after = _files(ws.parent)
    teams = sorted(p.name for p in before if p.suffix == ".xlsx")
    assert teams and all(after[p] != before[p] for p in before if p.suffix == ".xlsx"), teams
    assert not (ws.parent / "out" / "company.xlsx").exists()


def test_a_user_who_only_validates_is_not_refused(
    demo: Path, tmp_path: Path, read_only: Callable[[Path], str]
) -> None:
    ws, _ = _unwritable_output(demo, tmp_path, read_only)
    code, out, err = run("validate", "--config", str(ws), *AS_OF)
    assert code in (0, 1), out + err  # the demo's findings decide, not the folder
    assert "rollup.output" not in out + err
    code, out, err = run("config", "check", "--config", str(ws))
    assert code == 0, out + err
    assert "rollup.output" not in out + err


def test_a_team_or_dry_run_night_is_not_refused(
    demo: Path, tmp_path: Path, read_only: Callable[[Path], str]
) -> None:
    """They publish no workbook (as a pipe there does not refuse them)."""
    ws, _ = _unwritable_output(demo, tmp_path, read_only)
    code, out, err = run("sync", "--config", str(ws), *AS_OF, "--dry-run")
    assert code in (0, 1), out + err
    assert "rollup.output" not in out + err


def test_rollup_from_results_refuses_an_output_folder_one_cannot_write_in(
    demo: Path, tmp_path: Path, read_only: Callable[[Path], str]
) -> None:
    """Worded for the command (it said "at the end of the night" for a merge)."""
    ws = copy_ws(demo, tmp_path / "ws")
    text = ws.read_text(encoding="utf-8")
    ws.write_text(text.replace("  output: company.xlsx\n", "  output: out/company.xlsx\n"))
    (ws.parent / "out").mkdir()
    results = tmp_path / "results"
    for shard in ("1/2", "2/2"):
        argv = ("--shard", shard, "--results-dir", str(results))
        code, out, err = run("sync", "--config", str(ws), *AS_OF, *argv)
        assert code in (0, 1), out + err
    why = read_only(ws.parent / "out")
    before = _files(ws.parent)
    code, out, err = run("rollup", "--config", str(ws), "--from-results", str(results))
    assert (code, out) == (2, "")
    assert err == (
        f"error: rollup.output out/company.xlsx: cannot write in its folder "
        f"{ws.parent / 'out'} ({why}); `sheets-sync rollup --from-results` writes the "
        "company workbook there\n"
    )
    assert _files(ws.parent) == before
