"""``cli.main`` run by a program in its own process (a script, Airflow's PythonOperator, a
test): the stop signals' handlers it found are put back however it is left. Until
2026-12-08 its stop-at-once handlers stayed, and a Ctrl-C long after the command ended
that program at once, with no ``KeyboardInterrupt`` for it to catch."""

from __future__ import annotations

import signal
import sys
from collections.abc import Iterator
from pathlib import Path
from types import FrameType
from typing import Any

import pytest

from sheets_sync import cli, cli_support
from sheets_sync.cli_support import STOP_SIGNALS
from tests.support.scripts import script_run


def _program_s(signum: int, _frame: FrameType | None) -> None:
    """A handler of the program's own."""


@pytest.fixture
def program_s(monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[int, Any]]:
    """The program's own handlers in place (SIGHUP left at Python's ``SIG_DFL``), the
    process's own streams and native threads left alone; each put back after the test."""
    for name in ("for_this_process", "survive_lost_console"):  # not signals: the process's
        monkeypatch.setattr(cli, name, lambda: None)
    was = {s: signal.getsignal(s) for s in STOP_SIGNALS}
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, _program_s)
    try:
        yield {s: signal.getsignal(s) for s in STOP_SIGNALS}
    finally:
        for signum, handler in was.items():
            signal.signal(signum, handler)


@pytest.mark.parametrize(
    ("way", "raised"),
    [
        ("return", None),
        ("exception", RuntimeError),
        ("SystemExit 0", SystemExit),
        ("SystemExit 2", SystemExit),
    ],
)
def test_the_handlers_before_are_put_back_however_main_is_left(
    program_s: dict[int, Any],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    way: str,
    raised: type[BaseException] | None,
) -> None:
    during: list[dict[int, Any]] = []
    real = cli.cli
    argv = ["--version"] if way == "SystemExit 0" else ["config", "check", "--config", "no.yaml"]

    def command() -> None:
        during.append({s: signal.getsignal(s) for s in STOP_SIGNALS})
        if way == "return":  # a command ending with no ``sys.exit`` (``standalone_mode=False``)
            return
        if way == "exception":
            raise RuntimeError("a bug")
        sys.argv = ["sheets-sync", *argv]
        real()  # click's own: ``sys.exit`` with the command's code

    monkeypatch.setattr(cli, "cli", command)
    monkeypatch.chdir(tmp_path)
    if raised is None:
        cli.main()
    else:
        with pytest.raises(raised) as left:
            cli.main()
        if isinstance(left.value, SystemExit):
            assert left.value.code == int(way.split()[1])
    assert during and during[0][signal.SIGTERM] is cli_support._interrupt, "not the CLI's"
    assert {s: signal.getsignal(s) for s in STOP_SIGNALS} == program_s


_CTRL_C_AT_EXIT = """
import atexit, os, signal, sys, time
from sheets_sync.cli import entry

atexit.register(lambda: (os.kill(os.getpid(), signal.SIGINT), time.sleep(1)))
sys.argv = ["sheets-sync", "--version"]
entry()
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="signals")
def test_a_ctrl_c_as_the_command_s_own_process_exits_still_stops_it_at_once() -> None:
    """The ``sheets-sync`` process itself (``cli.entry``): Python's Ctrl-C handler would
    raise in an exit handler ("Exception ignored in atexit callback")."""
    done = script_run(_CTRL_C_AT_EXIT)
    assert (done.returncode, done.stderr) == (-signal.SIGINT, "")
    assert done.stdout.startswith("sheets-sync, version ")


#: ``python -m sheets_sync --version``, a Ctrl-C placed (a profile hook) as the interpreter
#: joins the process's threads: after the command, before any exit handler
_CTRL_C_AS_THREADS_ARE_JOINED = """
import os, runpy, signal, sys

def hook(frame, event, arg):
    code = frame.f_code
    if event == "call" and code.co_name == "_shutdown" and "threading" in code.co_filename:
        sys.setprofile(None)
        os.kill(os.getpid(), signal.SIGINT)

sys.argv = ["sheets-sync", "--version"]
try:
    runpy.run_module("sheets_sync", run_name="__main__", alter_sys=True)
finally:
    sys.setprofile(hook)
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="signals")
def test_a_ctrl_c_before_the_exit_handlers_stops_the_command_s_process_at_once() -> None:
    """Handed back as the command was left (2026-12-08, review), Python's handler
    raised it there: "Exception ignored in: <module 'threading'>" and exit 0."""
    done = script_run(_CTRL_C_AS_THREADS_ARE_JOINED)
    assert (done.returncode, done.stderr) == (-signal.SIGINT, "")
    assert done.stdout.startswith("sheets-sync, version ")


#: a program of its own: its SIGTERM handler, and its own cleanup at exit (registered
#: before it runs the command) that a SIGTERM lands in
_STOP_IN_THE_PROGRAM_S_CLEANUP = """
import atexit, os, signal, sys, time

def graceful(signum, frame):
    print("its own handler", flush=True)

def cleanup():
    os.kill(os.getpid(), signal.SIGTERM)
    time.sleep(0.2)
    print("its cleanup done", flush=True)

atexit.register(cleanup)
signal.signal(signal.SIGTERM, graceful)
from sheets_sync.cli import main

sys.argv = ["sheets-sync", "--version"]
try:
    main()
except SystemExit:
    pass
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="signals")
def test_the_exit_of_a_program_running_main_stays_its_own() -> None:
    """An exit handler of ours put the stop-at-once handlers in over the program's own as
    its exit began, and a SIGTERM in its cleanup killed it (2026-12-08, review)."""
    done = script_run(_STOP_IN_THE_PROGRAM_S_CLEANUP)
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.splitlines()[1:] == ["its own handler", "its cleanup done"]
