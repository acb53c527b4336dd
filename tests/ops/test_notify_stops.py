"""Notifications by a command (``notify.command``): a stop (SIGTERM, Ctrl-C) that lands
while the hook runs or is being started ends it, wherever it lands (CI, 2026-12-06: a
stop landing as ``Popen`` finished the start left the hook running)."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from types import FrameType
from typing import Any

import pytest

from sheets_sync.ops import hook
from sheets_sync.ops.notify import send


def test_a_stop_while_the_command_runs_ends_the_command(tmp_path: Path) -> None:
    """A SIGTERM reaches the sync alone, not its hook: the stopped night said "the
    notification may not have gone out" while the hook ran on and could still deliver it
    (found by review). The hook now ends with the night. The stop is a stop's signal
    (SIGTERM): SIGUSR1's handler (until 2026-12-06) is not held as the hook starts
    (``hook._start``), and landing in the fork it left the hook running (2 in 18 runs
    under load)."""
    pid_file = tmp_path / "hook.pid"
    command = f"sh -c 'echo $$ > \"{pid_file}\"; exec sleep 60'"
    seen = threading.Event()

    def stop_once_started() -> None:
        deadline = time.monotonic() + 30
        while not pid_file.exists() or not pid_file.read_text().strip():
            if time.monotonic() > deadline:
                return
            time.sleep(0.01)
        seen.set()
        signal.pthread_kill(threading.main_thread().ident or 0, signal.SIGTERM)

    def interrupt(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    old = signal.signal(signal.SIGTERM, interrupt)
    stopper = threading.Thread(target=stop_once_started)
    stopper.start()
    try:
        with pytest.raises(KeyboardInterrupt):
            send({"n": 1}, command=command, webhook=None, timeout=60)
    finally:
        stopper.join()
        signal.signal(signal.SIGTERM, old)
        if not seen.is_set():  # the hook never said it started: end it if it did
            with contextlib.suppress(OSError, ValueError):
                os.kill(int(pid_file.read_text()), signal.SIGTERM)
    assert seen.is_set()
    pid = int(pid_file.read_text())
    with pytest.raises(ProcessLookupError):  # killed and reaped, not left running
        os.kill(pid, 0)


@pytest.mark.parametrize("where", ["inside Popen, after the fork", "before the wait"])
def test_a_stop_landing_as_the_command_starts_still_ends_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, where: str
) -> None:
    """CI, 2026-12-06: a stop that landed while ``Popen`` finished starting the hook (or
    before the wait began) left the hook running, as ``Popen`` does not end a child it
    started before it raised and the runner had no handle on it yet. The stop is made to
    land there, as a loaded machine's scheduler did."""
    started: list[int] = []
    execute = subprocess.Popen._execute_child  # type: ignore[attr-defined]

    def stopped_after_the_fork(self: subprocess.Popen[bytes], *args: Any) -> None:
        execute(self, *args)
        started.append(self.pid)
        if where == "inside Popen, after the fork":
            raise KeyboardInterrupt

    def stopped_before_the_wait(*args: Any) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(subprocess.Popen, "_execute_child", stopped_after_the_fork)
    if where == "before the wait":
        monkeypatch.setattr(hook, "os", _ClosingThen(stopped_before_the_wait))
    with pytest.raises(KeyboardInterrupt):
        send({"n": 1}, command="sleep 60", webhook=None, timeout=60)
    monkeypatch.undo()
    _ended(started)


def test_a_stop_whose_handler_runs_as_the_fork_returns_still_ends_the_command(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A stop delivered during the fork (which keeps signals out until the hook is
    executed, then lets them in) has its handler run as the fork returns the hook's pid,
    before ``Popen`` can store it: the pid was lost and the hook ran on. The stop is made
    to come there, its handler run by ``raise_signal`` as CPython runs it there."""
    started: list[int] = []
    fork_exec = subprocess._fork_exec  # type: ignore[attr-defined]

    def stopped_as_it_returns(*args: Any) -> int:
        pid = int(fork_exec(*args))
        started.append(pid)
        signal.raise_signal(signal.SIGTERM)
        return pid

    def interrupt(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(subprocess, "_fork_exec", stopped_as_it_returns)
    old = signal.signal(signal.SIGTERM, interrupt)
    try:
        with pytest.raises(KeyboardInterrupt):
            send({"n": 1}, command="sleep 60", webhook=None, timeout=60)
    finally:
        signal.signal(signal.SIGTERM, old)
        monkeypatch.undo()
    _ended(started)


def test_a_stop_landing_as_the_start_returns_still_ends_the_command(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The start returned the hook's handle, and a stop whose handler ran as it returned
    (CPython runs handlers as a call returns) lost it before the runner stored it: the
    hook ran on. The stop is made to land there, raised by a trace of the start's return."""
    started: list[int] = []
    execute = subprocess.Popen._execute_child  # type: ignore[attr-defined]

    def noted(self: subprocess.Popen[bytes], *args: Any) -> None:
        execute(self, *args)
        started.append(self.pid)

    def stopped_on_return(frame: FrameType, event: str, arg: Any) -> Any:
        if event == "return" and started:
            raise KeyboardInterrupt
        return stopped_on_return

    def landing(frame: FrameType, event: str, arg: Any) -> Any:
        return stopped_on_return if frame.f_code is hook._start.__code__ else None

    monkeypatch.setattr(subprocess.Popen, "_execute_child", noted)
    sys.settrace(landing)
    try:
        with pytest.raises(KeyboardInterrupt):
            send({"n": 1}, command="sleep 60", webhook=None, timeout=60)
    finally:
        sys.settrace(None)
        monkeypatch.undo()
    _ended(started)


def _ended(started: list[int]) -> None:
    """The one hook started was killed and reaped, not left running; killed here when not,
    so that it is not left to the next tests."""
    (pid,) = started
    try:
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)
    finally:
        with contextlib.suppress(OSError):
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)


class _ClosingThen:
    """``os`` for the hook module whose ``close`` closes, then calls ``then`` once: the
    hook's first close after its start is of the pipe's write end, right before the wait."""

    def __init__(self, then: Any) -> None:
        self.then, self.called = then, False

    def __getattr__(self, name: str) -> Any:
        return getattr(os, name)

    def close(self, fd: int) -> None:
        os.close(fd)
        if not self.called:
            self.called = True
            self.then()
