"""One run at a time per workspace.

An advisory ``flock`` on ``.sheets-sync/run.lock``: the kernel drops it when the holder
dies, so a lock left by a crashed run never blocks the next night. A whole run holds it
exclusively and records its pid and start time for the message a second run prints.

Shards of one night (``sync --shard K/N``) run side by side, so each holds the workspace
lock *shared* plus its own shard lock exclusively: shards never block each other, a
second copy of the same shard is refused, and a whole run (sync, rollup, merge) never
overlaps any shard.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import fcntl
import os
import types
import weakref
from collections.abc import Callable
from pathlib import Path
from types import TracebackType
from typing import Any, overload

from sheets_sync.atomic import make_writable_folder
from sheets_sync.errors import ConfigError, RunLockedError
from sheets_sync.sync import stops

WORKSPACE_LOCK = "run.lock"
SHARD_LOCK_PREFIX = "run-shard-"  # then K-of-N.lock
#: descriptors of the locks this process holds, each to the list of the ``RunLock`` that
#: took it, closed in every child it forks (a number alone named the child's own lock too)
_HELD: dict[int, list[int]] = {}


def _close_held_in_child() -> None:
    """A ``flock`` belongs to the open file, which a forked child shares: a worker process
    outliving its run (the run killed with SIGKILL) kept the workspace locked, and every
    later night was refused, naming the dead run. Closing the child's copy leaves the
    parent's lock as it is (only ``LOCK_UN`` or the last close releases it)."""
    for fd in _HELD:
        with contextlib.suppress(OSError):
            os.close(fd)
    _HELD.clear()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_close_held_in_child)


#: Why a lock file cannot be opened that only moving what is there fixes (exit 2, which a
#: scheduler does not retry): a folder, a link to nowhere or in a loop, a file of another
#: user's. Any other error (ENOSPC, EMFILE, EIO) may pass: raised as it is, exit 1.
_NOT_A_LOCK_FILE = frozenset({errno.EISDIR, errno.ENOENT, errno.EACCES, errno.ELOOP, errno.ENOTDIR})


_Exit = Callable[[type[BaseException] | None, BaseException | None, TracebackType | None], None]


class _ExitOfWith:
    """``RunLock.__exit__``: the method as a ``with`` looks it up (``RunLock._exit``),
    bound by a method object of its own that ``__enter__`` ties a release of what is left
    to (``weakref.finalize``). The ``with`` holds that object until the block has exited,
    and nothing else does: so a stop at ``__exit__``'s start, which none of its code runs
    before, leaves no lock held once the block has exited. Left to the ``RunLock``'s own
    finalizer, the locks stayed held while anything kept the ``RunLock``: a caller's
    variable, or the stop's exception kept (its traceback holds ``__exit__``'s frame, and
    so ``self``), until 2026-12-07. Looked up on the class (``contextlib.ExitStack``),
    the plain function."""

    @overload
    def __get__(self, lock: None, owner: type | None = None) -> Callable[..., None]: ...
    @overload
    def __get__(self, lock: RunLock, owner: type | None = None) -> _Exit: ...
    def __get__(self, lock: RunLock | None, owner: type | None = None) -> Callable[..., None]:
        if lock is None:
            return RunLock._exit
        bound = types.MethodType(RunLock._exit, lock)
        lock._exit_of_with = weakref.ref(bound)  # the latest: a ``with`` calls __enter__ next
        return bound


class RunLock:
    def __init__(self, state_dir: Path, shard: tuple[int, int] | None = None) -> None:
        self.path = state_dir / WORKSPACE_LOCK
        name = f"{SHARD_LOCK_PREFIX}{shard[0]}-of-{shard[1]}.lock" if shard else None
        self.shard_path = state_dir / name if name else None
        self._fds: list[int] = []
        self._record: int | None = None  # the fd whose file names this run
        self._exit_of_with: weakref.ref[Callable[..., None]] | None = None  # ``_ExitOfWith``
        #: the holds begun (``__enter__``): the release tied to one's ``__exit__`` does
        #: nothing once a later one began. A caller keeping that method object (the protocol
        #: by hand) and letting it go during a later hold released that hold mid-block: the
        #: locks are one list (until 2026-12-07)
        self._holds = [0]
        # a stop landing at the start of ``__exit__`` or ``_released`` (a function's start
        # runs a pending handler), before any ``try`` of theirs, skipped every release: the
        # locks held and open for good, a library caller's later runs refused. What is left
        # is released as a ``with`` block exits (``_ExitOfWith``), else as the object is
        # let go (tests/sync/test_lock_stopped.py, test_lock_kept.py)
        weakref.finalize(self, _let_go, self._fds)

    def __enter__(self) -> RunLock:
        # the ``__exit__`` a ``with`` looked up just now releases what is left as it is let
        # go, as the block exits: whatever a stop skipped, whatever the caller keeps
        bound = self._exit_of_with() if self._exit_of_with is not None else None
        self._exit_of_with = None
        self._holds[0] += 1
        if bound is not None:
            weakref.finalize(bound, _let_go_hold, self._fds, self._holds, self._holds[0])
        check_state_dir(self.path.parent)
        try:
            if self.shard_path is None:
                self._take(self.path, fcntl.LOCK_EX, record=True)
            else:
                self._take(self.path, fcntl.LOCK_SH, record=False)
                self._take(self.shard_path, fcntl.LOCK_EX, record=True)
        except BaseException:
            self._released()
            raise
        return self

    def _take(self, path: Path, mode: int, *, record: bool) -> None:
        # held: a stop's exception landing as ``os.open`` or ``flock`` returned, before the
        # descriptor was noted, left it open, and a lock it took held by this process for
        # good (a library caller's later runs all refused, naming itself); raised once the
        # descriptor is noted, for ``__enter__`` to release (tests/sync/test_lock_stopped.py)
        with stops.held(block=False):
            fd = self._locked(path, mode)
            self._fds.append(fd)
            _HELD[fd] = self._fds
        if mode == fcntl.LOCK_SH:  # no whole run holds it: a record there is a dead one's
            _best_effort(os.ftruncate, fd, 0)
        if record:
            self._record = fd
            started = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
            if _best_effort(os.ftruncate, fd, 0):
                _best_effort(os.write, fd, f"pid {os.getpid()} since {started}".encode())

    @staticmethod
    def _locked(path: Path, mode: int) -> int:
        """``path`` opened and locked (``mode``), its descriptor; refused, closed again."""
        try:
            fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:  # a folder or a dead link there: exit 1 read as teams failed
            if exc.errno not in _NOT_A_LOCK_FILE:
                raise  # a full disk, too many open files: exit 1, which a scheduler retries
            raise ConfigError(
                f"cannot open the run lock ({exc.strerror or exc}); nothing was done. It must "
                "be a file this user can write: move what is there away (the next run makes "
                "the file) and run again",
                source=str(path),
            ) from None
        try:
            fcntl.flock(fd, mode | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = _holder(fd)
            os.close(fd)
            raise RunLockedError(
                f"another sheets-sync run holds the workspace lock "
                f"({holder}); try again when it has finished",
                source=str(path),
            ) from None
        return fd

    def _released(self) -> None:
        """Every lock released, a stop meanwhile raised once they are: one landing between
        two locks' releases left the other held (a shard's workspace lock, shared). One
        landing as the hold is set up, before any release: released all the same (again,
        the ``finally`` does what is left, ``_until_released``). One landing at this
        function's start (or ``__exit__``'s), before its ``try``: released as the ``with``
        block exits (``_ExitOfWith``), else once the object is let go (its
        ``weakref.finalize``)."""
        try:
            with stops.held(block=False):
                _unlock_close(self._fds, self._record)
        finally:
            _until_released(self._fds, self._record)
            self._record = None

    def _exit(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        try:
            self._released()
        finally:  # a stop at ``_released``'s start: nothing of it ran
            _until_released(self._fds, self._record)

    __exit__ = _ExitOfWith()


def _until_released(fds: list[int], record: int | None = None) -> None:
    """``_unlock_close`` again until no lock is left, the first stop meanwhile raised once
    none is: a stop at the start of a lock's hold in its pass (``stops.held``'s own start,
    before it defers anything) raised out of the pass, that lock and those after it left
    to a finalizer (until 2026-12-07)."""
    stop: BaseException | None = None
    while fds:
        try:  # the inner loop's jump back is inside this ``try``, as ``pool_end.until_done``'s
            while fds:
                try:
                    _unlock_close(fds, record)
                except BaseException as exc:  # a stop's: every lock first
                    stop = stop or exc
        except BaseException as exc:  # one that landed at the jump back
            stop = stop or exc
    if stop is not None:
        raise stop


def _unlock_close(fds: list[int], record: int | None = None) -> None:
    """The locks of ``fds`` released and closed, last first, each taken off the list (and
    ``_HELD``) before it is closed: never closed twice. ``record``'s file emptied first. A
    module function, not a method: a ``RunLock``'s finalizer calls it with its list. One
    ``_HELD`` does not give to ``fds`` itself is a forked child's copy, closed at the fork:
    only dropped. Its number may since name another file, or a lock the child took of its
    own (held then, but for another list): judged by the number alone, the inherited
    copy's release or finalizer closed the child's lock (review 2, fork.py)."""
    while fds:
        fd = fds[-1]
        if _HELD.get(fd) is not fds:
            fds.pop()
            continue
        try:
            if fd == record:
                _best_effort(os.ftruncate, fd, 0)
            # best effort: raising (ENOLCK, EBADF), it left this lock and every one after it
            # held and open, and each later release raised again; the close releases it
            _best_effort(fcntl.flock, fd, fcntl.LOCK_UN)
        finally:
            # held: a stop between taking it off ``_HELD`` and off ``fds`` left a number the
            # next pass only dropped, never closed; between the pop and the close, open for
            # good (a pass not under ``held`` of its own: ``_released``'s second one)
            with stops.held(block=False):
                _HELD.pop(fd, None)
                fds.pop()
                with contextlib.suppress(OSError):  # freed all the same (EBADF: not ours)
                    os.close(fd)


def _let_go(fds: list[int]) -> None:
    """A ``RunLock``'s finalizer: what is left of ``fds`` released, a stop meanwhile
    raised once it is. A second stop landing as it ran cut it short, and a finalizer is
    one-shot (its exception printed and dropped): the locks not yet released stayed held
    and open for good (review 2, fin_cut.py)."""
    if fds:
        with stops.held(block=False):
            _until_released(fds)


def _let_go_hold(fds: list[int], holds: list[int], hold: int) -> None:
    """The release tied to a hold's ``__exit__`` (``_ExitOfWith``): ``_let_go``, unless a
    later hold of the same ``RunLock`` has begun, whose locks are not this one's."""
    if holds[0] == hold:
        _let_go(fds)


def check_state_dir(folder: Path) -> None:
    """The state folder made and writable before anything else: read-only (a mount, a
    chmod), the lock failed with "run.lock: Read-only file system" and exit 1, as if teams
    had failed; an unwritable folder whose lock was already there failed every team
    ("cannot save") and the rollup, for want of their backups. Nothing is done yet."""
    try:
        make_writable_folder(folder)
    except OSError as exc:
        if folder.is_file():
            raise ConfigError(  # was "(File exists) ... Make the folder writable"
                "is a file, not sheets-sync's state folder; nothing was done. Move the file "
                "away (the folder is made at the next run) and run again",
                source=str(folder),
            ) from None
        if folder.is_symlink() and not folder.exists():  # a share not mounted, a moved folder
            raise ConfigError(  # was "(File exists) ... Make the folder writable" too
                f"is a link to {os.readlink(folder)}, which does not exist, not sheets-sync's "
                "state folder; nothing was done. Make the folder it points to (or mount its "
                "share), or remove the link (the folder is made at the next run), and run again",
                source=str(folder),
            ) from None
        raise ConfigError(
            f"cannot write sheets-sync's state folder ({exc.strerror or exc}); nothing was "
            "done. Make the folder writable (or mount it read-write) and run again",
            source=str(folder),
        ) from None


def _best_effort(call: Callable[[int, Any], object], fd: int, arg: Any) -> bool:
    """The record only names the holder in another run's message: a full disk (ENOSPC)
    or a quota that refuses its few bytes must not stop a run that holds the lock."""
    try:
        call(fd, arg)
    except OSError:
        return False
    return True


def _holder(fd: int) -> str:
    """Who holds the lock, for the message; shards hold the workspace lock without a
    record, so an empty file there means a sharded night is going on."""
    text = os.read(fd, 200).decode("utf-8", "replace").strip()
    return text or "another process, or the shards of a sharded run"
