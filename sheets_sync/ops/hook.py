"""Run the notification hook (``notify.command``) and wait for it, not for its children.

Apart from ``notify.py`` because it is a small process runner of its own: pipes, polls,
a bounded stderr tail and a hand-off of a pipe a child still holds to a reader outside
this process. None of that concerns what a notification says or when it goes out, and
its tests patch this module's globals (``os``, ``_DRAIN``, ``_hand_off``) to reach it.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import select
import shlex
import shutil
import signal
import subprocess
import tempfile
import time
from typing import IO

from sheets_sync.loggers import get_logger
from sheets_sync.sync import stops

#: the last bytes of a hook's stderr kept (for a failed one's last line): no more, so a
#: hook that writes without end fills neither the memory nor a disk
STDERR_KEPT = 64 * 1024
#: how often the hook's exit is looked for while its stderr is quiet
_POLL = 0.05
#: the reader a pipe a child of the hook still writes to is handed to (``_hand_off``):
#: ``cat`` (``$1``, found here: one the shell did not find failed in the background,
#: unsaid) left in the background by a shell that prints its pid and exits at once: no
#: thread of ours, it outlives the sync (whose CLI exits after the night); init reaps it
_DRAIN = ["/bin/sh", "-c", 'exec 3<&0; "$1" <&3 >/dev/null 2>&1 3<&- & echo $!', "sh"]
#: how long that shell may take to start its ``cat`` and exit
_HAND_OFF_WAIT = 10
log = get_logger("sheets_sync.ops")


def run_command(command: str, body: bytes, timeout: float) -> str | None:
    """Run the hook and wait for it, not for its children: its stdin is a temp file and
    its stderr a pipe read as it comes (``_wait_for``), since a child it leaves in the
    background (``sleep 60 &``) held a pipe open and the sync waited the whole timeout
    for an end of file."""
    try:
        argv = shlex.split(command)
    except ValueError as exc:
        return f"notify command {command!r}: cannot parse: {exc}"
    if not argv:
        return "notify command is empty"
    try:
        with tempfile.TemporaryFile() as stdin:
            stdin.write(body)
            stdin.flush()
            stdin.seek(0)
            return _wait_for(argv, stdin, timeout)
    except OSError as exc:  # the temp file, the pipe: a full or unusable temp folder
        return f"notify command {argv[0]!r}: not run ({exc.strerror or exc})"


class _Tail:
    """The last ``keep`` bytes of a stream, and how many it ran to."""

    def __init__(self, keep: int) -> None:
        self.keep, self.total, self.data = keep, 0, bytearray()

    def add(self, chunk: bytes) -> None:
        self.total += len(chunk)
        self.data += chunk
        if len(self.data) > self.keep:
            del self.data[: len(self.data) - self.keep]


def _wait_for(argv: list[str], stdin: IO[bytes], timeout: float) -> str | None:
    """The hook's stderr comes through a pipe of which the last ``STDERR_KEPT`` bytes are
    kept: it went to a temp file, and a chatty hook (or a child it left behind, writing on)
    could fill the temp folder's disk. Once the hook has exited, what is in the pipe is
    read, and a pipe a child it left running still holds goes to a reader of its own
    (``_hand_off``): closed, the child's next write there killed it (SIGPIPE), and the
    alert it was delivering was lost."""
    read_end, write_end = os.pipe()
    held = False  # by a child, once the hook has exited
    err = _Tail(STDERR_KEPT)
    # made before the start, not returned by it: a stop landing as ``_start`` returned, its
    # handler run before the assignment, lost the only handle on the hook
    proc: subprocess.Popen[bytes] = subprocess.Popen.__new__(subprocess.Popen)
    try:
        try:
            _start(proc, argv, stdin, write_end)
        finally:
            os.close(write_end)
        returncode, held = _read_until_exit(proc, read_end, err, timeout)
    except subprocess.TimeoutExpired:
        _end(proc)  # a child it left still writing to the pipe lives on, as after an exit:
        held = not _read_rest(read_end, err)  # closed, its next write there killed it
        return f"notify command {argv[0]!r}: still running after {timeout:g} s; stopped"
    except FileNotFoundError:
        return f"notify command {argv[0]!r}: not found"
    except PermissionError:
        return f"notify command {argv[0]!r}: not executable"
    except BaseException:  # a stop (SIGTERM reaches us alone): the hook goes with the
        _end(proc)  # night, which says the notification may not have gone out
        raise
    finally:
        try:
            if held:  # here, so that its errors are not said as the hook's
                _hand_off(read_end, argv[0])
        finally:  # a stop during the hand-off left the pipe open in this process
            os.close(read_end)
    if err.total > STDERR_KEPT:
        log.warning(
            "notification: notify command %r wrote %s bytes to stderr; only the last %d KB "
            "were kept",
            argv[0],
            f"{err.total:,}",
            STDERR_KEPT // 1024,
        )
    if returncode == 0:
        return None
    lines = bytes(err.data).decode("utf-8", "replace").strip().splitlines()
    tail = f": {lines[-1][:300]}" if lines else ""
    return f"notify command {argv[0]!r} exited with {returncode}{tail}"


def _start(proc: subprocess.Popen[bytes], argv: list[str], stdin: IO[bytes], stderr: int) -> None:
    """Start the hook on ``proc`` so that a stop landing anywhere in its start still ends
    it: one landing inside ``Popen`` after the fork left the hook running (``Popen`` does
    not end a child it started before it raised), and one landing between ``Popen`` and
    the wait did too, since the caller had no handle on it yet (CI, 2026-12-06). Stops
    are ``held`` meanwhile: one whose handler raised as the fork returned the hook's pid
    (a stop delivered during the fork runs its handler there) lost the pid before
    ``Popen`` could store it, and nothing could end that hook."""
    try:
        with stops.held(block=False):  # not blocked: the hook would inherit the mask
            subprocess.Popen.__init__(
                proc, argv, stdin=stdin, stdout=subprocess.DEVNULL, stderr=stderr
            )
    except BaseException:
        _end(proc)
        raise


def _end(proc: subprocess.Popen[bytes]) -> None:
    """Kill and reap the hook, if it was started and is not reaped yet."""
    pid = getattr(proc, "pid", None)
    if pid is None or getattr(proc, "returncode", None) is not None:
        return
    with contextlib.suppress(ProcessLookupError, ChildProcessError):
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
    proc.returncode = -signal.SIGKILL


def _read_until_exit(
    proc: subprocess.Popen[bytes], read_end: int, err: _Tail, timeout: float
) -> tuple[int, bool]:
    """Read the hook's stderr into ``err`` until it exits (``TimeoutExpired`` after
    ``timeout``), then what is left in the pipe without waiting for its end: a child the
    hook left behind may hold it open. Returns the exit code and whether the pipe may
    still have a writer."""
    deadline = time.monotonic() + timeout
    at_end = False
    ready = select.poll()  # not ``select.select``: a descriptor past 1023 is refused there
    ready.register(read_end, select.POLLIN)
    while (returncode := proc.poll()) is None:
        left = deadline - time.monotonic()
        if left <= 0:
            raise subprocess.TimeoutExpired(proc.args, timeout)
        if at_end:  # every writer gone: nothing to read, only the exit to wait for
            return proc.wait(timeout=left), False
        if ready.poll(min(left, _POLL) * 1000):  # readable, or every writer gone
            chunk = os.read(read_end, 1 << 16)
            at_end = not chunk
            err.add(chunk)
    return returncode, not at_end and not _read_rest(read_end, err)


def _read_rest(read_end: int, err: _Tail) -> bool:
    """What the pipe holds once the hook has exited, into ``err``: at most its capacity,
    all the hook can have left there. A child writing on at full speed kept a read to
    the end going for as long as it wrote. True when the pipe is at its end (no writer)."""
    os.set_blocking(read_end, False)
    try:
        left = fcntl.fcntl(read_end, fcntl.F_GETPIPE_SZ)
    except (AttributeError, OSError):  # no such call (not Linux): Linux's largest pipe
        left = 1 << 20
    with contextlib.suppress(BlockingIOError):
        while left > 0:
            chunk = os.read(read_end, min(left, 1 << 16))
            if not chunk:
                return True
            err.add(chunk)
            left -= len(chunk)
    return False


def _hand_off(read_end: int, name: str) -> None:
    """Give the pipe a child of the hook still holds to a reader that discards what it
    reads (``_DRAIN``): the child lives on and delivers, nothing it writes is kept in
    memory or on disk, and the night does not wait for it. The reader ends at the pipe's
    end, when the last child holding it exits: a library caller's runs leave no thread
    behind, and no process beyond such children's lives. Logged (info) with its pid, so
    that an operator can trace a process left running."""
    cat = shutil.which("cat")
    if cat is None:
        _not_handed(name, "no cat on PATH")
        return
    os.set_blocking(read_end, True)  # one open pipe, shared: the reader's reads must wait
    try:
        started = subprocess.run(
            [*_DRAIN, cat],
            stdin=read_end,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            timeout=_HAND_OFF_WAIT,
            check=True,
        )
    except (OSError, subprocess.SubprocessError) as exc:
        _not_handed(name, exc.strerror if isinstance(exc, OSError) and exc.strerror else exc)
        return
    log.info(
        "notification: notify command %r left a child writing to its stderr; %s (pid %s) "
        "reads it on until that child ends",
        name,
        cat,
        started.stdout.decode("ascii", "replace").strip() or "?",
    )


def _not_handed(name: str, why: object) -> None:  # the hook still counts as delivered
    log.warning(
        "notification: notify command %r left a child writing to its stderr, and "
        "nothing could read it on (%s): that child's next write there ends it",
        name,
        why,
    )
