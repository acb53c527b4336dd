"""Notifications by a command (``notify.command``): how the hook is run and waited for,
its stderr, and the children it leaves behind."""

from __future__ import annotations

import contextlib
import logging
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from sheets_sync.ops import hook
from sheets_sync.ops.hook import STDERR_KEPT
from sheets_sync.ops.notify import send
from tests.support.scripts import HANG


def test_a_temp_folder_that_cannot_take_the_payload_is_a_problem_not_a_raise(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The hook's stdin and stderr are temp files: a full or unusable temp folder raised
    out of ``send`` and ended the sync with exit 1 and no run report (found by review)."""
    (tmp_path / "file").write_text("x")
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "file"))  # a file, no folder
    problems = send({"n": 1}, command="true", webhook=None)
    assert problems == ["notify command 'true': not run (Not a directory)"]


def _background_child(tmp_path: Path, then: str) -> tuple[str, Path]:
    """A hook that leaves a 30 s child behind holding its stdout and stderr, then ``then``."""
    pid = tmp_path / "child.pid"
    return f"sh -c 'sleep 30 & echo $! > \"{pid}\"; {then}'", pid


def _stop(pid_file: Path) -> None:
    with contextlib.suppress(OSError, ValueError):
        os.kill(int(pid_file.read_text()), signal.SIGTERM)


@pytest.mark.parametrize(
    ("then", "expected"),
    [("echo done; echo fine >&2", []), ("echo broke >&2; exit 3", ["exited with 3: broke"])],
)
def test_a_command_that_leaves_a_child_running_does_not_hold_the_night(
    tmp_path: Path, then: str, expected: list[str]
) -> None:
    """The child kept the output pipe open: the sync waited the whole timeout for its end
    of file and then called a hook that had succeeded "still running; stopped"."""
    command, pid_file = _background_child(tmp_path, then)
    try:
        # a timeout the child (30 s) outlives: had the sync waited for the pipe's end, the
        # hook that succeeded would be said "still running; stopped"; no clock is read, so a
        # loaded machine's slow start of sh cannot fail it
        problems = send({"n": 1}, command=command, webhook=None, timeout=25)
    finally:
        _stop(pid_file)
    assert [p.removeprefix("notify command 'sh' ") for p in problems] == expected


def test_a_child_of_a_command_stopped_on_its_timeout_lives_on(tmp_path: Path) -> None:
    """The hook stopped on its timeout had its stderr pipe closed behind it: a child it had
    left in the background died of SIGPIPE at its next write there, the alert it was
    delivering lost, while a child of a hook that exited lives on. The child here waits
    for the hook to be gone, writes to stderr, then says it lived."""
    lived, pid_file = tmp_path / "lived", tmp_path / "child.pid"
    hook_sh = tmp_path / "hook.sh"
    hook_sh.write_text(
        f"hook=$$\n"
        f"(while kill -0 $hook 2>/dev/null; do sleep 0.1; done; echo late >&2; "
        f"echo yes > '{lived}') &\n"
        f"echo $! > '{pid_file}'\n"
        "exec sleep 60\n",
        encoding="utf-8",
    )
    try:
        problems = send({"n": 1}, command=f"sh {hook_sh}", webhook=None, timeout=3)
        assert problems == ["notify command 'sh': still running after 3 s; stopped"]
        deadline = time.monotonic() + HANG  # the child's end, not a clock the test reads
        while not lived.exists() and _alive(pid_file) and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        _stop(pid_file)
    assert lived.exists() and lived.read_text() == "yes\n"


def _alive(pid_file: Path) -> bool:
    try:
        os.kill(int(pid_file.read_text()), 0)
    except (OSError, ValueError):
        return False
    return True


def test_a_chatty_commands_stderr_is_cut_to_its_last_64_kb(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """The hook's stderr went to a temp file kept whole: a hook (or a tool it ran) that
    wrote without end filled the temp folder's disk. What the hook's stderr holds stays
    bounded, the last line still says why, and the log says it was cut."""
    held = tmp_path / "held"
    script = (
        "import os, sys\n"
        "for _ in range(128): os.write(2, b'x' * 65535 + b'\\n')\n"
        f"open({str(held)!r}, 'w').write(str(os.fstat(2).st_size))\n"
        "sys.exit('broke at the end')\n"
    )
    (tmp_path / "hook.py").write_text(script, encoding="utf-8")
    with caplog.at_level(logging.WARNING, logger="sheets_sync.ops"):
        problems = send({}, command=f"{sys.executable} {tmp_path / 'hook.py'}", webhook=None)
    assert problems == [f"notify command {sys.executable!r} exited with 1: broke at the end"]
    assert int(held.read_text()) <= STDERR_KEPT  # 8 MB in a temp file until 2026-12-06
    assert caplog.messages == [
        f"notification: notify command {sys.executable!r} wrote 8,388,625 bytes to stderr; "
        "only the last 64 KB were kept"
    ]


def _holders(pipe: str) -> list[str]:
    """The processes (``/proc/PID/fd/N``) holding the pipe ``pipe`` (``pipe:[INODE]``)."""
    found = []
    for fd in Path("/proc").glob("[0-9]*/fd/*"):
        with contextlib.suppress(OSError):
            if os.readlink(fd) == pipe:
                found.append(str(fd))
    return found


@pytest.mark.parametrize("exits", [False, True])
def test_a_child_left_writing_to_the_stderr_lives_and_nothing_is_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, exits: bool
) -> None:
    """A child the hook leaves behind writing to stderr wrote into a temp file for as
    long as it ran; then the pipe that took its place was closed once the hook had
    exited, and the child's next write there killed it (SIGPIPE): the documented
    ``sh -c 'deliver & echo queued'`` lost its alert (found by review). The child now
    lives and delivers, what it writes is kept neither on disk nor in memory, the sync
    waits for none of it, and the pipe's reader ends with the child. ``exits``: the
    sync's process ends right after the hook, as the CLI's does after the night."""
    go, delivered, pipe = tmp_path / "go", tmp_path / "delivered", tmp_path / "pipe"
    child = (
        f'(while [ ! -e "{go}" ]; do sleep 0.05; done; '
        f'head -c 4000000 /dev/zero >&2 && echo sent >&2 && touch "{delivered}")'
    )
    command = f"sh -c '{child} & readlink /proc/self/fd/2 > \"{pipe}\"; exit 0'"
    temp = tmp_path / "tmp"  # the hook's stdin is a temp file: nothing else goes there
    temp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temp))
    threads = set(threading.enumerate())
    logged: list[str] = []
    handler = logging.Handler()
    handler.emit = lambda record: logged.append(record.getMessage())  # type: ignore[method-assign]
    logging.getLogger("sheets_sync.ops").addHandler(handler)
    try:
        if exits:
            script = "import sys; from sheets_sync.ops.notify import send\n"
            script += "print(send({}, command=sys.argv[1], webhook=None))"
            done = subprocess.run(
                [sys.executable, "-c", script, command],
                capture_output=True,
                text=True,
                timeout=60,
                env={**os.environ, "TMPDIR": str(temp)},
                check=False,
            )
            assert (done.returncode, done.stdout, done.stderr) == (0, "[]\n", "")
        else:
            assert send({"n": 1}, command=command, webhook=None, timeout=20) == []
    finally:
        go.touch()  # the child writes its 4 MB to stderr only now, the hook long gone
        logging.getLogger("sheets_sync.ops").removeHandler(handler)
    deadline = time.monotonic() + 30  # only a child killed, or never started, reaches it
    while not delivered.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert delivered.exists()  # not killed by its writes to stderr
    assert logged == [] and list(temp.iterdir()) == []  # none of its 4 MB was read here
    assert set(threading.enumerate()) == threads  # no thread left reading the pipe
    held = pipe.read_text().strip()
    assert held.startswith("pipe:[")
    while _holders(held) and time.monotonic() < deadline + 30:
        time.sleep(0.05)
    assert _holders(held) == []  # its reader ended with the child


class _EndlessPipe:
    """``os`` for ``hook``, but the hook's stderr pipe, once the hook has exited (made
    non-blocking), never empties: a child writing on faster than it is read."""

    def __init__(self) -> None:
        self.fd: int | None = None
        self.given = 0

    def __getattr__(self, name: str) -> Any:
        return getattr(os, name)

    def set_blocking(self, fd: int, blocking: bool) -> None:
        if not blocking:
            self.fd = fd
        os.set_blocking(fd, blocking)

    def read(self, fd: int, count: int) -> bytes:
        if fd != self.fd:
            return os.read(fd, count)
        if self.given >= 64 << 20:  # the read had no end: ended here for the test
            raise BlockingIOError
        self.given += count
        return b"x" * count


def test_the_read_after_the_hook_exited_is_bounded(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Once the hook had exited, its stderr was read until the pipe was empty: a child
    writing on at full speed kept that read (and the night) going, with no deadline
    (found by review: 100 MB read after ``sh -c 'yes >&2 & exit 0'``). At most the pipe's
    capacity is read now, all the hook itself can have left there."""
    command, pid_file = _background_child(tmp_path, "exit 0")  # the pipe held on
    endless = _EndlessPipe()
    monkeypatch.setattr(hook, "os", endless)
    try:
        assert send({"n": 1}, command=command, webhook=None, timeout=20) == []
    finally:
        _stop(pid_file)
    assert endless.fd is not None and 0 < endless.given <= 1 << 20


def test_a_pipe_nothing_can_read_on_is_a_warning_not_the_hooks_problem(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """The hook succeeded: a ``cat`` that cannot be started for the child it left is said
    in the log, not as ``notify command 'sh': not found``."""
    command, pid_file = _background_child(tmp_path, "exit 0")
    monkeypatch.setattr(hook, "_DRAIN", [str(tmp_path / "no-sh"), "-c", ":"])
    try:
        with caplog.at_level(logging.WARNING, logger="sheets_sync.ops"):
            assert send({"n": 1}, command=command, webhook=None, timeout=20) == []
    finally:
        _stop(pid_file)
    assert caplog.messages == [
        "notification: notify command 'sh' left a child writing to its stderr, and nothing "
        "could read it on (No such file or directory): that child's next write there ends it"
    ]


def test_no_cat_on_the_path_is_the_warning_not_a_silent_loss(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """The shell that starts the pipe's reader looked ``cat`` up itself: with none on the
    PATH the ``cat`` it left in the background failed, the shell still exited 0, nothing
    was logged, and the child died on its next write (found by review). ``cat`` is looked
    up before the shell starts, and its absence is the documented warning."""
    pid_file = tmp_path / "child.pid"
    command = f"/bin/sh -c '/bin/sleep 30 & echo $! > \"{pid_file}\"; exit 0'"
    empty = tmp_path / "bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    try:
        with caplog.at_level(logging.WARNING, logger="sheets_sync.ops"):
            assert send({"n": 1}, command=command, webhook=None, timeout=20) == []
    finally:
        _stop(pid_file)
    assert caplog.messages == [
        "notification: notify command '/bin/sh' left a child writing to its stderr, and "
        "nothing could read it on (no cat on PATH): that child's next write there ends it"
    ]


def test_the_hand_off_is_logged_with_the_readers_pid(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """A ``cat`` left running after the night was in no log: an operator could not tell
    where it came from. The hand-off is one info line naming the hook and the reader's
    pid, which reads the pipe the hook's child writes to."""
    command, pid_file = _background_child(tmp_path, "exit 0")
    try:
        with caplog.at_level(logging.INFO, logger="sheets_sync.ops"):
            assert send({"n": 1}, command=command, webhook=None, timeout=20) == []
        [message] = caplog.messages
        found = re.fullmatch(
            r"notification: notify command 'sh' left a child writing to its stderr; "
            r"(/\S+/cat) \(pid (\d+)\) reads it on until that child ends",
            message,
        )
        assert found, message
        assert os.path.samefile(found[1], shutil.which("cat") or "")
        reader, child = found[2], pid_file.read_text().strip()
        comm, deadline = Path(f"/proc/{reader}/comm"), time.monotonic() + 30
        while comm.read_text() != "cat\n" and time.monotonic() < deadline:
            time.sleep(0.05)  # the shell's fork may not have become cat yet
        assert comm.read_text() == "cat\n"
        assert os.readlink(f"/proc/{reader}/fd/0") == os.readlink(f"/proc/{child}/fd/2")
    finally:
        _stop(pid_file)


class _RecordedPipe:
    """``os`` for ``hook``, recording the inode of the pipe ``hook`` makes."""

    def __init__(self) -> None:
        self.inode = 0

    def __getattr__(self, name: str) -> Any:
        return getattr(os, name)

    def pipe(self) -> tuple[int, int]:
        read_end, write_end = os.pipe()
        self.inode = os.fstat(read_end).st_ino
        return read_end, write_end


def _ours(inode: int) -> list[int]:
    """This process's descriptors open on the pipe ``inode``."""
    found = []
    for fd in os.listdir("/proc/self/fd"):
        with contextlib.suppress(OSError):
            if os.readlink(f"/proc/self/fd/{fd}") == f"pipe:[{inode}]":
                found.append(int(fd))
    return found


def test_a_stop_during_the_hand_off_still_closes_the_pipe(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The pipe was closed after the hand-off, not in a ``finally`` of its own: a stop
    (Ctrl-C, the stop signal's exception) while the reader was being started left it open
    in this process, a descriptor lost for a library caller (found by review)."""
    command, pid_file = _background_child(tmp_path, "exit 0")
    recorded = _RecordedPipe()
    monkeypatch.setattr(hook, "os", recorded)

    def stopped(read_end: int, name: str) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(hook, "_hand_off", stopped)
    try:
        with pytest.raises(KeyboardInterrupt):
            send({"n": 1}, command=command, webhook=None, timeout=20)
        left = _ours(recorded.inode)
    finally:
        _stop(pid_file)
    for fd in left:  # not to leak it into the next tests when this one fails
        os.close(fd)
    assert recorded.inode and left == []
