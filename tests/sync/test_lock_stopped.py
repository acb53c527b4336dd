"""A stop as the workspace lock is taken or released leaves it free, and no descriptor.

CPython runs a signal's Python handler as a C call returns: a stop landing as
``os.open`` or ``fcntl.flock`` returned in ``RunLock._take``, before the descriptor was
noted, left it open, and after a ``flock`` that took the lock, the lock held by this
process for good (a library caller's later runs in it were all refused: "another
sheets-sync run holds the workspace lock", naming itself). One landing in the release,
between two locks' releases, left a shard's workspace lock held (shared) the same way.
The stop is placed by a profile function: at the ``nth`` return of the named C function,
it sends the signal (``signal.raise_signal`` runs the handler there)."""

from __future__ import annotations

import contextlib
import fcntl
import gc
import os
import signal
import sys
from collections.abc import Iterator
from pathlib import Path
from types import FrameType
from typing import Any

import pytest

from sheets_sync.sync import lock, stops
from sheets_sync.sync.lock import RunLock

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="/proc, signals")

_CALLS = {"open": os.open, "flock": fcntl.flock, "close": os.close}


@contextlib.contextmanager
def _stop_at(name: str, nth: int) -> Iterator[list[str]]:
    """A SIGINT (its default handler: ``KeyboardInterrupt``) at the ``nth`` return of
    ``name`` in this thread; yields the list it notes the landing in: the function that
    called ``name`` and its caller (``_take>_locked``)."""
    target, seen, fired = _CALLS[name], [], list[str]()

    def landing(frame: FrameType, event: str, arg: Any) -> None:
        if event == "c_return" and arg is target and not fired:
            seen.append(1)
            if len(seen) == nth:
                caller = frame.f_back.f_code.co_name if frame.f_back else "?"
                fired.append(f"{caller}>{frame.f_code.co_name}")
                signal.raise_signal(signal.SIGINT)

    before = signal.signal(signal.SIGINT, signal.default_int_handler)
    sys.setprofile(landing)
    try:
        yield fired
    finally:
        sys.setprofile(None)
        signal.signal(signal.SIGINT, before)


@contextlib.contextmanager
def _placed(first: Any, second: Any) -> Iterator[None]:
    """Ctrl-C's handler as Python's, ``first`` the trace function and ``second`` the
    profile function for the block (one that raises is unset: one function could not
    place both stops), all put back after it."""
    before, tracing = signal.signal(signal.SIGINT, signal.default_int_handler), sys.gettrace()
    sys.settrace(first)
    sys.setprofile(second)
    try:
        yield
    finally:
        sys.setprofile(None)
        sys.settrace(tracing)
        signal.signal(signal.SIGINT, before)


def _held_open(folder: Path) -> list[str]:
    """This process's descriptors open on a file in ``folder``."""
    found = []
    for fd in Path("/proc/self/fd").iterdir():
        with contextlib.suppress(OSError):
            if Path(os.readlink(fd)).parent == folder:
                found.append(fd.name)
    return found


@pytest.mark.parametrize(
    ("shard", "name", "nth", "where"),
    [
        # taken: the workspace lock's open (the first is the state folder's write test,
        # ``check_state_dir``), its flock; a shard's lock's open, flock
        (None, "open", 2, "_take>_locked"),
        (None, "flock", 1, "_take>_locked"),
        ((1, 2), "open", 3, "_take>_locked"),
        ((1, 2), "flock", 2, "_take>_locked"),
        # released: the unlock (then the close); a shard's lock closed, the workspace's not
        (None, "flock", 2, "_unlock_close>_best_effort"),
        ((1, 2), "flock", 3, "_unlock_close>_best_effort"),
        ((1, 2), "close", 1, "_released>_unlock_close"),
    ],
)
def test_a_stop_as_the_lock_is_taken_or_released_leaves_it_free(
    tmp_path: Path, shard: tuple[int, int] | None, name: str, nth: int, where: str
) -> None:
    """``where``: the stop lands there (a change of ``check_state_dir``'s calls, say,
    would move it elsewhere unseen)."""
    with pytest.raises(KeyboardInterrupt), _stop_at(name, nth) as fired, RunLock(tmp_path, shard):
        pass
    assert fired == [where], f"the stop at {name} #{nth} did not land in {where}"
    assert _held_open(tmp_path) == [], "a lock's descriptor was left open"
    with RunLock(tmp_path):  # free: a whole run takes it (refused before, in this process)
        pass


@contextlib.contextmanager
def _stop_at_start(where: str) -> Iterator[list[str]]:
    """A SIGINT at the start of ``RunLock.<where>`` (CPython runs a pending handler at a
    function's start, before any ``try`` or ``stops.held`` of it); yields the list it
    notes the landing in."""
    code, fired = getattr(RunLock, where).__code__, list[str]()

    def landing(frame: FrameType, event: str, _arg: Any) -> None:
        if event == "call" and frame.f_code is code and not fired:
            fired.append(where)
            signal.raise_signal(signal.SIGINT)

    before = signal.signal(signal.SIGINT, signal.default_int_handler)
    sys.setprofile(landing)
    try:
        yield fired
    finally:
        sys.setprofile(None)
        signal.signal(signal.SIGINT, before)


@pytest.mark.parametrize("shard", [None, (1, 2)])
@pytest.mark.parametrize("where", ["__exit__", "_released"])
def test_a_stop_at_the_start_of_the_release_leaves_the_lock_free_once_let_go(
    tmp_path: Path, shard: tuple[int, int] | None, where: str
) -> None:
    """No code of ``RunLock``'s runs before such a stop, so none of its releases did: the
    locks stayed held and open for good (a library caller's later runs refused). Now
    what is left is released as the ``RunLock`` is let go (``weakref.finalize``): here
    once ``pytest.raises`` drops the exception, whose traceback holds it."""
    with pytest.raises(KeyboardInterrupt), _stop_at_start(where) as fired, RunLock(tmp_path, shard):
        pass
    assert fired == [where], f"no stop landed at {where}'s start"
    assert _held_open(tmp_path) == [], "a lock's descriptor was left open"
    with RunLock(tmp_path):  # free: a whole run takes it
        pass


@contextlib.contextmanager
def _stop_at_exit_then_flock() -> Iterator[list[str]]:
    """A SIGINT at the start of ``RunLock.__exit__`` (``RunLock._exit``: none of it runs),
    and another at the first ``fcntl.flock`` return after it: in the release of what is
    left, as the ``with`` lets go of its ``__exit__`` (``lock._ExitOfWith``)."""
    code, fired = RunLock._exit.__code__, list[str]()

    def first(frame: FrameType, event: str, _arg: Any) -> None:  # a trace function
        if not fired and event == "call" and frame.f_code is code:
            fired.append("__exit__")
            signal.raise_signal(signal.SIGINT)

    def second(frame: FrameType, event: str, arg: Any) -> None:  # a profile function
        if len(fired) == 1 and event == "c_return" and arg is fcntl.flock:
            caller = frame.f_back.f_code.co_name if frame.f_back else "?"
            fired.append(f"{caller}>{frame.f_code.co_name}")
            signal.raise_signal(signal.SIGINT)

    with _placed(first, second):
        yield fired


@pytest.mark.skipif(not hasattr(sys, "unraisablehook"), reason="unraisablehook")
def test_a_second_stop_as_the_lock_is_let_go_leaves_it_free(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A stop at the start of ``__exit__`` leaves the release to a finalizer; a second
    one landing as the finalizer ran (a shard's lock unlocked, the workspace's not yet)
    cut it short, and a finalizer is one-shot: the workspace lock held (shared) and open
    for good, a later whole run refused (review 2, fin_cut.py). The second stop's
    exception, raised in the finalizer once it is done, is printed and dropped (the CLI
    raises it again at its next check: ``stops``). The finalizer is the ``with``'s since
    2026-12-07, run as the block exits (``lock._ExitOfWith``; until then the
    ``RunLock``'s, run once ``lock`` was let go)."""
    dropped: list[type[BaseException]] = []
    monkeypatch.setattr(sys, "unraisablehook", lambda info: dropped.append(info.exc_type))
    lock = RunLock(tmp_path, (1, 2))
    with pytest.raises(KeyboardInterrupt), _stop_at_exit_then_flock() as fired, lock:
        pass
    assert fired == ["__exit__", "_unlock_close>_best_effort"], "a stop missed its place"
    assert dropped == [KeyboardInterrupt]
    assert _held_open(tmp_path) == [], "a lock's descriptor was left open"
    with RunLock(tmp_path):  # free: a whole run takes it
        pass
    assert lock is not None  # kept all along


@contextlib.contextmanager
def _stop_twice_in_released() -> Iterator[list[str]]:
    """A SIGINT as ``_released`` sets up its hold (its ``stops.held``'s start: no release
    done, the ``finally`` does them all), and another in that ``finally``'s pass as a
    lock is taken off ``lock._HELD`` (after that call, before the rest of the clean-up);
    yields the list it notes the landings in. A trace function places the first, a
    profile function the second: one that raises is unset (the stop's exception leaves
    it), so one of them could not place both."""
    held_code = stops.held.__wrapped__.__code__  # type: ignore[attr-defined]
    fired: list[str] = []

    def first(frame: FrameType, event: str, _arg: Any) -> None:
        if not fired and event == "call" and frame.f_code is held_code:
            outer = frame.f_back.f_back if frame.f_back else None
            if outer is not None and outer.f_code.co_name == "_released":
                fired.append("_released>held")
                signal.raise_signal(signal.SIGINT)

    def second(frame: FrameType, event: str, arg: Any) -> None:
        if (
            len(fired) == 1
            and event == "c_return"
            and getattr(arg, "__self__", None) is lock._HELD
            and arg.__name__ == "pop"
            and frame.f_code.co_name == "_unlock_close"
        ):
            fired.append("_unlock_close>_HELD.pop")
            signal.raise_signal(signal.SIGINT)

    with _placed(first, second):
        yield fired


@pytest.mark.parametrize("shard", [None, (1, 2)])
def test_a_second_stop_in_the_releases_last_pass_leaves_no_descriptor_open(
    tmp_path: Path, shard: tuple[int, int] | None
) -> None:
    """``_released``'s ``finally`` pass is not under a hold of its own: a stop there as a
    lock was taken off ``_HELD``, before off the list, left a number that the next pass
    (the finalizer) took for a forked child's copy and only dropped: open for good
    (review 2)."""
    with (
        pytest.raises(KeyboardInterrupt),
        _stop_twice_in_released() as fired,
        RunLock(tmp_path, shard),
    ):
        pass
    assert fired == ["_released>held", "_unlock_close>_HELD.pop"], "a stop missed its place"
    gc.collect()  # the RunLock let go: its finalizer releases what is left
    assert _held_open(tmp_path) == [], "a lock's descriptor was left open"
    with RunLock(tmp_path):  # free: a whole run takes it
        pass
