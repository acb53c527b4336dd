"""A console that goes away mid-command (``| head -1``, a ``tee`` that died): real
processes, real pipes. The work goes on, the exit code is the work's, nothing is said
about the pipe (``cli_support.LosableStream``)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.cli.test_ops_cli import AS_OF
from tests.support.scripts import HANG

NOISE = ("Traceback", "Exception ignored", "BrokenPipeError", "Broken pipe")


def _argv(*args: str) -> list[str]:
    return [sys.executable, "-m", "sheets_sync", *args]


def _copy(demo: Path, dest: Path) -> Path:
    shutil.copytree(demo.parent, dest)
    return dest / "sheets-sync.yaml"


SLOW = pytest.mark.slow  # ~1 s of interpreter start-up each, more on a busy machine


@pytest.mark.parametrize(
    ("args", "code"),
    [
        pytest.param(["sync", "--dry-run", *AS_OF], 0, marks=SLOW),
        (["sync", *AS_OF], 0),
        pytest.param(["validate", *AS_OF], 1, marks=SLOW),  # the demo's deliberate mistakes
        pytest.param(["validate", "--json", *AS_OF], 1, marks=SLOW),
        pytest.param(["rollup", *AS_OF], 0, marks=SLOW),
        pytest.param(["export", "--out", "{tmp}/exports", *AS_OF], 0, marks=SLOW),
        pytest.param(["config", "check"], 0, marks=SLOW),
        pytest.param(["--log-format", "json", "sync", "--dry-run", *AS_OF], 0, marks=SLOW),
        pytest.param(["--log-format", "json", "validate", *AS_OF], 1, marks=SLOW),
    ],
)
def test_stdout_closed_before_any_output(
    demo: Path, tmp_path: Path, args: list[str], code: int
) -> None:
    """Every command, its stdout's reader gone before it printed a line: it exited 1 with
    nothing said (rich's EPIPE handler) or ``error: Broken pipe`` (the OSError handler)."""
    cfg = _copy(demo, tmp_path / "ws")
    global_opts = args[:2] if args[0] == "--log-format" else []
    command = [a.format(tmp=tmp_path) for a in args[len(global_opts) :]]
    argv = _argv(*global_opts, *command, "--config", str(cfg))
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.stdout is not None
    proc.stdout.close()  # before the interpreter has even started
    _, err = proc.communicate(timeout=HANG)
    assert proc.returncode == code, err.decode()
    assert not any(word in err.decode() for word in NOISE), err.decode()
    if command == ["sync", *AS_OF]:  # the night's work is all there
        assert (cfg.parent / "company.xlsx").is_file()
        assert list((cfg.parent / ".sheets-sync" / "runs").glob("*.json"))


def test_a_tee_that_dies_after_the_first_line_cuts_no_work_short(
    demo: Path, tmp_path: Path
) -> None:
    """``sheets-sync -v sync 2>&1 | tee log`` and tee dies at the first line: stdout and
    stderr are one pipe, closed while the run logs its teams. The writes, the rollup and
    the run report are all done, and the exit code is the night's (0), not the pipe's."""
    cfg = _copy(demo, tmp_path / "ws")
    argv = _argv("-v", "sync", "--config", str(cfg), *AS_OF)
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    assert proc.stdout is not None
    first = proc.stdout.readline()
    proc.stdout.close()
    assert proc.wait(timeout=HANG) == 0, first
    ws = cfg.parent
    assert (ws / "company.xlsx").is_file()
    assert list((ws / ".sheets-sync" / "runs").glob("*.json"))
    assert not list(ws.rglob(".*.tmp")), "a temp file was left behind"
    # the teams were written: a second night has nothing to change
    again = subprocess.run(
        _argv("sync", "--config", str(cfg), *AS_OF), capture_output=True, text=True, check=False
    )
    assert again.returncode == 0, again.stderr
    assert "0 cells changed" in again.stdout.splitlines()[-1]


def test_stdout_and_stderr_both_gone_still_exit_with_the_work_s_code(
    demo: Path, tmp_path: Path
) -> None:
    """An error that ends the command has nowhere to go either: its exit code stays."""
    argv = _argv("sync", "--config", str(tmp_path / "missing.yaml"))
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.close()
    proc.stderr.close()
    assert proc.wait(timeout=HANG) == 2


@pytest.mark.slow
def test_a_narrow_dumb_console_off_a_terminal_wraps_no_line(demo: Path, tmp_path: Path) -> None:
    """Cron mail: no TTY, ``TERM=dumb``, ``NO_COLOR``, ``COLUMNS=40``. Each line is whole
    (nothing folded at 40 columns, no escape codes) and a JSON record stays one line."""
    cfg = _copy(demo, tmp_path / "ws")
    env = {**os.environ, "NO_COLOR": "1", "TERM": "dumb", "COLUMNS": "40"}
    argv = _argv("sync", "--dry-run", "--config", str(cfg), *AS_OF)
    text = subprocess.run(
        argv, capture_output=True, text=True, env=env, stdin=subprocess.DEVNULL, check=False
    )
    assert text.returncode == 0 and "\x1b" not in text.stdout + text.stderr
    last = text.stdout.splitlines()[-1]
    assert last.startswith("6 teams, 0 failed, 163 cells would change in ")
    tail = "; 2 errors, 2 warnings in team sheets (`sheets-sync validate` lists them)"
    assert last.endswith(tail)
    assert "Sales (teams/Sales.xlsx): 20 cells would change" in text.stdout.splitlines()
    json_argv = _argv("--log-format", "json", "-v", *argv[3:])
    records = subprocess.run(
        json_argv, capture_output=True, text=True, env=env, stdin=subprocess.DEVNULL, check=False
    )
    assert records.returncode == 0
    lines = (records.stdout + records.stderr).splitlines()
    assert len(lines) > 60 and all(json.loads(line)["message"] for line in lines)
