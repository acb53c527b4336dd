"""A ``rollup.output`` whose folder cannot be written in is refused before a night reads a
team (exit 2, as other config problems): until 2026-12-07 it was found only at the end,
after every team had been read and written back, the workbook unpublished. A read-only
user who only validates (or checks the config) is not refused: neither writes it."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

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


@pytest.mark.parametrize("command", ["sync", "rollup"])
def test_a_rollup_output_folder_one_cannot_write_in_is_refused_before_any_team_is_read(
    demo: Path, tmp_path: Path, read_only: Callable[[Path], str], command: str
) -> None:
    ws, why = _unwritable_output(demo, tmp_path, read_only)
    before = _files(ws.parent)
    code, out, err = run(command, "--config", str(ws), *AS_OF)
    assert (code, out) == (2, "")
    assert err == (
        f"error: rollup.output out/company.xlsx: cannot write in its folder "
        f"{ws.parent / 'out'} ({why}); the company workbook is written there at the end "
        "of the night\n"
    )
    assert _files(ws.parent) == before  # no team written, no report, no history


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
