"""The workspace lock is released as its ``with`` block exits, whatever a stop hits and
whatever the caller keeps: no release is left to ``RunLock``'s finalizer, which a kept
exception (its traceback holds the frames that hold the ``RunLock``) keeps from running.
A stop at the start of a lock's hold in ``_released``'s last pass left that lock and the
ones after it to the finalizer; one at the start of ``__exit__`` every lock (until
2026-12-07). Stops are placed as in ``test_lock_stopped.py``; the garbage collector is
off and the exception kept while the lock is looked at."""

from __future__ import annotations

import contextlib
import gc
import signal
import sys
from collections.abc import Iterator
from pathlib import Path
from types import FrameType
from typing import Any

import pytest

from sheets_sync.errors import RunLockedError
from sheets_sync.sync import stops
from sheets_sync.sync.lock import RunLock
from tests.sync.test_lock_stopped import _held_open, _placed, _stop_at_start

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="/proc, signals")


@contextlib.contextmanager
def _no_collection() -> Iterator[None]:
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


@contextlib.contextmanager
def _stop_at_both_holds() -> Iterator[list[str]]:
    """A SIGINT at the start of ``_released``'s hold (its first pass: none released, the
    last pass does them all), and another at the start of the first lock's hold in that
    last pass (``_unlock_close``'s, before its ``try``). A trace function places the
    first, a profile function the second (one that raises is unset)."""
    held_code = stops.held.__wrapped__.__code__  # type: ignore[attr-defined]
    fired: list[str] = []

    def caller(frame: FrameType) -> str:
        outer = frame.f_back.f_back if frame.f_back else None
        return outer.f_code.co_name if outer is not None else "?"

    def first(frame: FrameType, event: str, _arg: Any) -> None:
        if (
            not fired
            and event == "call"
            and frame.f_code is held_code
            and caller(frame) == "_released"
        ):
            fired.append("_released>held")
            signal.raise_signal(signal.SIGINT)

    def second(frame: FrameType, event: str, _arg: Any) -> None:
        if (
            len(fired) == 1
            and event == "call"
            and frame.f_code is held_code
            and caller(frame) == "_unlock_close"
        ):
            fired.append("_unlock_close>held")
            signal.raise_signal(signal.SIGINT)

    with _placed(first, second):
        yield fired


@pytest.mark.parametrize("stack", [False, True])
@pytest.mark.parametrize("shard", [None, (1, 2)])
def test_a_stop_at_a_hold_s_start_in_the_last_pass_leaves_no_lock_held(
    tmp_path: Path, shard: tuple[int, int] | None, stack: bool
) -> None:
    """``stack``: entered by a ``contextlib.ExitStack``, which calls ``__exit__`` as looked
    up on the class: the last pass itself goes on until every lock is released."""
    lock = RunLock(tmp_path, shard)
    with _no_collection():
        with (
            pytest.raises(KeyboardInterrupt) as kept,
            _stop_at_both_holds() as fired,
            contextlib.ExitStack() as locks,
        ):
            if stack:
                locks.enter_context(lock)
            else:
                with lock:
                    pass
        assert fired == ["_released>held", "_unlock_close>held"], "a stop missed its place"
        assert _held_open(tmp_path) == [], "a lock's descriptor was left open"
        with RunLock(tmp_path):  # free: a whole run takes it, the first stop still kept
            pass
        assert kept.value is not None and lock is not None


@pytest.mark.parametrize("shard", [None, (1, 2)])
@pytest.mark.parametrize("where", ["__exit__", "_released"])
def test_a_stop_at_the_release_s_start_leaves_no_lock_held_whatever_is_kept(
    tmp_path: Path, shard: tuple[int, int] | None, where: str
) -> None:
    """The ``RunLock`` named (``lock``) and the stop's exception kept, its traceback
    holding ``__exit__``'s frame (``self``): until 2026-12-07 the locks stayed held until
    both were let go (``test_lock_stopped.py`` let them go)."""
    lock = RunLock(tmp_path, shard)
    with _no_collection():
        with pytest.raises(KeyboardInterrupt) as kept, _stop_at_start(where) as fired, lock:
            pass
        assert fired == [where], f"no stop landed at {where}'s start"
        assert _held_open(tmp_path) == [], "a lock's descriptor was left open"
        with RunLock(tmp_path):  # free: a whole run takes it
            pass
        assert kept.value is not None and lock is not None


@pytest.mark.parametrize("shard", [None, (1, 2)])
def test_an_exit_kept_by_the_caller_releases_no_later_hold(
    tmp_path: Path, shard: tuple[int, int] | None
) -> None:
    """``__exit__`` fetched from the ``RunLock`` and kept (the protocol by hand), its hold
    released by calling it: let go later, during a later hold of the same ``RunLock``, it
    released that hold mid-block, as the release tied to it at the first ``__enter__``
    found the same list of locks (until a review, 2026-12-07)."""
    lock = RunLock(tmp_path, shard)
    with _no_collection():
        kept_exit = lock.__exit__
        lock.__enter__()
        kept_exit(None, None, None)
        with lock:
            del kept_exit  # let go: its release must find no hold of its own
            with pytest.raises(RunLockedError), RunLock(tmp_path):
                pass
    with RunLock(tmp_path):  # free once the block has exited
        pass
