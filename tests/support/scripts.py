"""What the stop tests' scripts share. Each runs in a fresh interpreter (``python -c``)
in a session of its own, so a group signal reaches its processes only, from the
repository root, so it can import this module; it answers one JSON object on stdout.
A command a test signals as it runs is started by ``in_session`` instead."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from _typeshed import TraceFunction

ROOT = Path(__file__).resolve().parents[2]
#: The bound on a child process (a script, a command) that only a hang reaches: a run of
#: a few seconds took over 60 s on a busy CI box (1 core shared by the suite's other
#: process and the box's load), and a timeout then failed a test that was only slow. Below
#: pytest's 300 s (pyproject.toml) for one wait, so a test that waits once says which
#: child hung; one that waits on several in turn sets a pytest timeout of its own.
HANG = 240.0


def script_run(
    code: str, *args: str, timeout: float = HANG, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """The script's run, however it ended: for a test that reads its exit and stderr.
    ``env``: its whole environment (default: this process's)."""
    return subprocess.run(
        [sys.executable, "-c", code, *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
        cwd=ROOT,
        start_new_session=True,
        env=env,
    )


def run_script(
    code: str, *args: str, timeout: float = HANG, clean: bool = True, last_line: bool = False
) -> dict[str, Any]:
    """The script's answer, once it exited 0. ``clean``: its stderr names no exception.
    ``last_line``: the answer is the last line (what the run printed comes before it)."""
    done = script_run(code, *args, timeout=timeout)
    assert done.returncode == 0, done.stdout + done.stderr
    if clean:
        assert "Traceback" not in done.stderr and "Exception" not in done.stderr, done.stderr
    return dict(json.loads(done.stdout.splitlines()[-1] if last_line else done.stdout))


def counted_ctrl_c(stops: list[int]) -> None:
    """A script's SIGINT handler: the default Ctrl-C's, counted. Each stop is noted in
    ``stops`` and raises ``KeyboardInterrupt`` with its count."""

    def handler(signum: int, _frame: FrameType | None) -> None:
        stops.append(signum)
        raise KeyboardInterrupt(len(stops))

    signal.signal(signal.SIGINT, handler)


def watchdog(ended: threading.Event, stops: list[int], fired: list[str]) -> None:
    """A script's guard against a run that never ends: unless ``ended`` is set within
    120 s (only a hang is so slow), the answer ``{"hung": true, ...}`` is printed and the
    script ends, well before HANG, so the test says the hang rather than time out."""

    def watch() -> None:
        if not ended.wait(120):
            print(json.dumps({"hung": True, "stops": len(stops), "fired": fired}), flush=True)
            os._exit(0)

    threading.Thread(target=watch, daemon=True).start()


def send_stops(stops: list[int], count: int) -> None:
    """A script's Ctrl-Cs, sent from a thread of their own: ``count`` SIGINTs to the main
    thread, each once the ones before were handled (noted in ``stops``) and the main
    thread is asleep in a wait, where the stop under test lands."""

    def send() -> None:
        for before in range(count):
            while len(stops) < before:
                time.sleep(0.01)
            main_asleep()
            signal.pthread_kill(threading.main_thread().ident or 0, signal.SIGINT)

    threading.Thread(target=send, daemon=True).start()


def stopped_traced(
    landing: TraceFunction, ended: threading.Event, run: Callable[[], object]
) -> bool:
    """Whether ``run()``, traced by ``landing`` (which lands a stop where the test wants
    it), ended by a stop; ``ended`` is set once it ended, either way (``watchdog``)."""
    sys.settrace(landing)
    try:
        run()
        return False
    except KeyboardInterrupt:
        return True
    finally:
        sys.settrace(None)
        ended.set()


def main_asleep() -> None:
    """Return once the main thread is seen asleep in a wait: its frame and the place in
    it unchanged over 0.1 s. A signal sent then lands in the wait under test."""
    main = threading.main_thread().ident
    assert main is not None
    while True:
        frame = sys._current_frames()[main]
        place = frame.f_lasti
        time.sleep(0.1)
        if sys._current_frames()[main] is frame and frame.f_lasti == place:
            return


#: How long the processes of a session may take to end once its first process ended (a
#: worker finishing its team, one dying with its parent): only one left behind is so slow.
SETTLE = 30.0


class Session(subprocess.Popen[str]):
    """A process started by ``in_session``. ``outlived``: its session's processes (pid:
    command line) still alive when the ``with`` block was left after it ended, and
    ``settle`` s (``SETTLE``) later; ``None`` if it was still running when the block was
    left (nothing to see)."""

    outlived: dict[int, str] | None = None


def _group(pgid: int) -> dict[int, str]:
    """The live processes (not zombies) of group ``pgid``: pid: command line."""
    found = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError):
            fields = stat.read_text().rsplit(")", 1)[1].split()
            if int(fields[2]) == pgid and fields[0] not in ("Z", "X"):
                cmdline = (stat.parent / "cmdline").read_bytes().replace(b"\0", b" ")
                found[int(stat.parent.name)] = cmdline.decode(errors="replace").strip()
    return found


def _outlived(pgid: int, settle: float) -> dict[int, str]:
    """The processes of group ``pgid`` still alive once ``settle`` s passed (or none)."""
    deadline = time.monotonic() + settle
    while (left := _group(pgid)) and time.monotonic() < deadline:
        time.sleep(0.05)
    return left


@contextlib.contextmanager
def in_session(argv: Sequence[str], settle: float = SETTLE) -> Iterator[Session]:
    """``argv`` started in a session of its own (a group signal reaches its processes
    only), its output piped as text. Left normally once it ended, what of its session
    outlived it is noted (``Session.outlived``; on Linux, read from /proc): a check after
    the block could not see it, the session being killed on leaving. Its processes are
    then killed, reaped and its pipes closed: a timeout left them to a later test."""
    proc = Session(
        list(argv),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    left = False
    try:
        yield proc
        left = True
    finally:
        if left and proc.poll() is not None:
            proc.outlived = _outlived(proc.pid, settle)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()


def wait_until(
    proc: subprocess.Popen[str], ready: Callable[[], bool], every: float = 0.005
) -> None:
    """Return once ``ready()``, asked each ``every`` seconds; the test fails with the
    process's output if it ends first, or HANG passes (only a hang is so slow). Its
    session is killed first: what is left of it could hold the pipes open for good."""
    import pytest  # here: the scripts that import this module need no pytest

    deadline = time.monotonic() + HANG
    while not ready():
        ended = proc.poll() is not None
        if ended or time.monotonic() >= deadline:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            try:  # a grandchild that left the session could hold the pipes for good
                out, err = proc.communicate(timeout=10)
            except subprocess.TimeoutExpired:
                out, err = "(its pipes held open by a process outside its session)", ""
            why = f"it ended ({proc.returncode})" if ended else f"still running after {HANG} s"
            pytest.fail(f"not ready: {why}; stdout:\n{out}\nstderr:\n{err}")
        time.sleep(every)
