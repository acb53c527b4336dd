"""A stop signal the CLI's handler raised whose ``Interrupted`` never reached the run.

CPython runs a signal's handler at the main thread's next bytecode; inside a finalizer
(a ``__del__``, a weakref callback, which the garbage collector runs anywhere) the
exception it raises is printed as "Exception ignored" and dropped, and the run went on
as if no Ctrl-C had come: it synced every team, published the rollup and exited 0.
(The CLI no longer prints one it notes: ``cli_support.keep_stops_lost_in_finalizers``.)
The handler notes its signal here before it raises (``cli_support._interrupt``), and
the run checks between teams and phases and before it publishes the rollup (``check``).
A pool's workers are told at once by its own wrapper (``pool_end.stops_recorded``).
Where a stop must not land at all (a fork, an import), signals are ``held``."""

from __future__ import annotations

import contextlib
import functools
import signal
import threading
from collections.abc import Callable, Iterator
from types import FrameType
from typing import Any, ParamSpec, TypeVar

from sheets_sync.errors import Interrupted

SIGNALS = tuple(  # no SIGHUP on Windows
    s for s in (signal.SIGINT, signal.SIGTERM, getattr(signal, "SIGHUP", None)) if s is not None
)

_Handler = Callable[[int, FrameType | None], Any]
T = TypeVar("T")
P = ParamSpec("P")
_noted: list[int] = []  # the signals noted and not yet raised or seen arriving
_dropped: list[int] = []  # those of them whose exception CPython dropped in a finalizer
_leaving: dict[int, bool] = {}  # the threads an ``Interrupted`` is leaving ``ends_here`` in


def note(signum: int) -> bool:
    """The CLI's handler is about to raise ``Interrupted(signum)``, unless this returns
    False: a stop's ``Interrupted`` is leaving a library call in this thread, its notes
    being cleared (``ends_here``), and this stop is folded into it, noted nor raised (the
    caller is told of a stop; raised, it left the call with its note kept)."""
    if threading.get_ident() in _leaving:
        return False
    _noted.append(signum)
    return True


def check() -> None:
    """Raises ``Interrupted`` for a noted stop whose exception was lost: called only where
    none is on its way, so one noted and not ``arrived`` was lost."""
    if _noted:
        signum = _noted[0]
        arrived()
        raise Interrupted(signum)


def noted(signum: int) -> bool:
    """A stop of ``signum`` is noted and not yet raised again nor seen arriving: its
    exception, if lost, is raised at the next ``check``."""
    return signum in _noted


def left() -> tuple[int, ...]:
    """The stops noted and not yet raised again nor seen arriving, then those of them
    ``dropped``, without raising them (``check`` raises): for a caller that must know a
    call left none for the process's next check, as a test suite between two tests (one
    left by a test stopped the next, far from its cause) or a long-lived process between
    two library calls. Empty once a stop's ``Interrupted`` has reached the caller."""
    return (*_noted, *_dropped)


def arrived() -> None:
    """An ``Interrupted`` reached the run: nothing noted is lost, nor ``dropped``."""
    _noted.clear()
    _dropped.clear()


def ends_here(call: Callable[P, T]) -> Callable[P, T]:
    """A library call (``run_sync``, ``rebuild_rollup``...) that a stop's ``Interrupted``
    leaves has told its caller of every stop noted in it (``arrived``), whatever caught
    or let go of them on the way: one let go by a clean-up that a second stop ends
    (``stopped.keep_report``), or landing where nothing saw it arrive (as ``rebuild_rollup``
    keeps its report, after the night's run), stayed noted until 2026-12-07, and the next
    check in the process (the caller's next sync) raised it. A stop whose handler runs
    as the notes are cleared is folded into the one leaving (``note``: noted nor raised),
    and the first stop's ``Interrupted``, the one that ended the call, is the one that
    leaves, as ``held`` raises the first. Until 2026-12-08 a later stop's handler raised
    there too, caught by a loop that cleared again; a third one whose handler ran at that
    loop's jump back left the call with its note kept (review). The fold is in from the
    first step of the ``except`` (a subscript store: CPython runs no handler before it)
    to the last before the ``raise`` (a subscript delete, nor after it): a stop whose
    handler runs later runs it in the caller's code, a stop of the caller's, as one
    landing after the call returned (CPython runs a handler at a call, a call's return
    from C, or a loop's jump back; there is none left in here)."""

    @functools.wraps(call)
    def stoppable(*args: P.args, **kwargs: P.kwargs) -> T:
        me = threading.get_ident()  # before the call: a stop here is the caller's
        try:
            return call(*args, **kwargs)
        except Interrupted:
            _leaving[me] = True  # no call: no handler runs before the fold is in
            try:
                arrived()
            finally:
                del _leaving[me]  # nor after it, before the raise
            raise

    return stoppable


def dropped(signum: int) -> None:
    """The noted stop's exception was dropped in a finalizer
    (``cli_support.keep_stops_lost_in_finalizers``), or in the undo of a night that
    another error ends (``undo.undo_night``): kept until raised (``check``) or
    seen arriving, for ``dropped_unraised``. Kept here with the note, not by the CLI: a
    stop that did reach the run is no longer a dropped one (a later stop of the same
    signal, caught by a command as ``emulator`` catches it, or a second ``cli.main`` in
    the process, died by the first's until 2026-12-06, review)."""
    _dropped.append(signum)


def dropped_unraised() -> int | None:
    """A stop ``dropped`` that no check raised again, nor anything saw arrive."""
    return _dropped[0] if _dropped else None  # cleared with the notes


@contextlib.contextmanager
def held(block: bool = True, second_cuts: bool = False) -> Iterator[None]:
    """Stop signals wait while the block runs, and each that came is raised again on
    leaving, in order, for the usual handler: the first one's exception goes on up, and
    a second one runs its handler too (``pool_end.stops_recorded`` kills the workers
    then). For what a stop must not cut in two. ``block``: the signals are blocked too,
    for a fork (a child inherits the mask and unblocks them once its own handlers are
    in: ``parallel.py``; raised between a fork and the pool's note of the child, it left
    a worker no one ended). Deferred by a counting handler: another thread may take the
    signal for this one, and its C handler still runs ours.

    An import is not a fork (``block=False``: a module left half-imported breaks every
    later import of it in the process, ``rollup_step.import_libraries``). Its signals
    are not blocked (blocked, two Ctrl-Cs merged into one pending signal, and a second
    stop meant to kill the teams in hand was lost), and each one's handler runs at once,
    its exception kept and raised on leaving (``_now``): so a pool's workers are told of
    a stop as it comes (``stops_recorded`` raises their flag in its handler), not once
    the import is done (~1 s of teams begun after it, until 2026-12-06), and a second
    one kills them then. A signal with no handler of Python's (``SIG_DFL``) is raised
    again on leaving, as for a fork. ``second_cuts`` (with ``block=False``): a second
    stop's handler raises into the block, for work a second Ctrl-C may cut in two."""
    caught: list[int] = []
    kept: list[BaseException] = []
    closed: list[bool] = []  # the block is done: a handler of ours left in acts as the old
    handlers: dict[int, tuple[Any, _Handler]] = {}  # each signal's handler before, and ours
    old = None
    try:  # the swapping too: a SIGTERM landing once SIGINT's was swapped left ours in for good
        if threading.current_thread() is threading.main_thread():
            for signum in SIGNALS:
                handler = signal.getsignal(signum)
                if handler not in (None, signal.SIG_IGN):  # nohup's stays
                    if not block and callable(handler):
                        deferring = _now(handler, kept, closed, second_cuts)
                    else:
                        deferring = _later(caught, handler, closed)
                    handlers[signum] = (handler, deferring)  # first: put back if it is in
                    signal.signal(signum, deferring)
        old = signal.pthread_sigmask(signal.SIG_BLOCK, SIGNALS) if block else None
        yield
    finally:
        if old is not None:
            signal.pthread_sigmask(signal.SIG_SETMASK, old)
        closed.append(True)
        try:
            _restore(handlers, caught)
        finally:
            _replay(caught, kept[0] if kept else None)


def _restore(handlers: dict[int, tuple[Any, _Handler]], caught: list[int]) -> None:
    """Each handler ``held`` replaced put back while ours is still in place: one the
    block or a handler run in it (``_now``) put in since stays (a library caller's that
    sets ``SIG_DFL`` for "a second Ctrl-C kills" was undone until 2026-12-06), as
    ``pool_end.stops_recorded`` does. The stop signals are blocked meanwhile in this
    thread, and each that came is put in ``caught``. Another thread may still take one
    (the mask is a thread's) and its handler, put back, run here and raise between two
    restores: ours left on the rest then act as the handler they replaced (``closed``),
    so a later signal is not caught for good (until 2026-12-06 it was, review)."""
    if not handlers:
        return
    mask = signal.pthread_sigmask(signal.SIG_BLOCK, SIGNALS)  # ours run any pending
    try:
        for number, (handler, ours) in handlers.items():
            if signal.getsignal(number) is ours:  # not one put in since
                signal.signal(number, handler)
        take = getattr(signal, "sigtimedwait", None)  # none on macOS: they land on leaving
        while take is not None and (came := take(SIGNALS, 0)) is not None:
            caught.append(came.si_signo)
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, mask)


def _now(
    handler: _Handler, kept: list[BaseException], closed: list[bool], second_cuts: bool = False
) -> _Handler:
    """A handler for ``held(block=False)``: ``handler`` run at once, whatever it raises
    kept for ``held`` to raise on leaving. A signal again as it runs runs this again,
    nested: its exception is kept too, and none reaches the block (with ``second_cuts``,
    a second stop's goes into the block). Once ``closed``, ``_handed_back``."""

    def run(signum: int, frame: FrameType | None) -> Any:
        if closed:
            return _handed_back(signum, handler)
        if second_cuts and kept:
            return handler(signum, frame)
        try:
            handler(signum, frame)
        except BaseException as exc:  # a stop's own exception: raised once the block is done
            kept.append(exc)

    return run


def _later(caught: list[int], before: Any, closed: list[bool]) -> _Handler:
    """A handler for ``held``: its signal noted in ``caught``, raised again on leaving.
    Once ``closed``, ``_handed_back``."""

    def later(signum: int, _frame: FrameType | None) -> None:
        if closed:
            return _handed_back(signum, before)
        caught.append(signum)

    return later


def _handed_back(signum: int, before: Any) -> None:
    """A handler of ``held``'s still in after its block (``_restore`` cut short): the one
    it replaced put back, and the signal raised again for it, as if it had been in."""
    signal.signal(signum, before)
    signal.raise_signal(signum)


def _replay(caught: list[int], first: BaseException | None) -> None:
    """Each caught signal raised again, its handler run; the first exception raised
    (``first``, a handler's kept by ``_now``, if any)."""
    for signum in caught:
        try:
            signal.raise_signal(signum)
        except BaseException as exc:  # a stop's own exception: the first is kept
            if first is None:
                first = exc
    if first is not None:
        raise first


def serially(
    task: Callable[[int], T], count: int, stopped: Callable[[int, T], None] | None
) -> Iterator[T]:
    """``task(0) .. task(count - 1)`` in this process (``map_in_workers`` with one worker),
    a stop lost in a task raised before the next. With ``stopped`` (the tasks write), a
    stop waits for the task in hand, whose result goes to ``stopped`` (counted, as a
    worker's finished task is), and is raised right after it: raised as it came, a
    SIGTERM just after a team's file was replaced named that team "not synced (stopped)".
    A second stop cuts the task in hand (with no worker to kill, it waited for a whole
    workbook's teams, review): its file is whole either way (the write is atomic), and it
    is named not synced."""
    for i in range(count):
        check()
        if stopped is None:
            yield task(i)
            continue
        done: list[T] = []
        try:
            with held(block=False, second_cuts=True):
                done.append(task(i))
        except KeyboardInterrupt:
            if done:
                stopped(i, done[0])
            raise
        yield done[0]
