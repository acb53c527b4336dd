"""How a worker pool ends: waited for after a worker died, wound down by a stop signal,
killed by a second one, stopped by a signal whose exception this process lost. Its own
module because no public API of ``ProcessPoolExecutor`` names its workers or its thread
before Python 3.14, and each workaround here has a version's behaviour behind it
(``parallel.py`` runs the pool)."""

from __future__ import annotations

import contextlib
import ctypes
import multiprocessing
import os
import signal
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from multiprocessing.connection import wait
from multiprocessing.process import BaseProcess
from types import FrameType
from typing import Any, TypeVar

from sheets_sync.loggers import get_logger
from sheets_sync.sync import stops

log = get_logger("sheets_sync.sync")


def wind_down(pool: ProcessPoolExecutor, before: set[int]) -> None:
    """A stopping run waits for each worker to finish the team in hand; a second stop
    signal meanwhile ends them at once (SIGKILL: a write in progress leaves the old file
    and a temp file a later run removes). The workers are gone when this returns, so the
    workspace lock is never released under a worker still writing. ``before``: the
    pids of this process's children before the pool (``_workers``). The pool's own
    thread has ended too (``_wait_ended``). Its waits wake every ``_WAKE`` s (``_end``)."""
    _end(pool, before, cancel=True)


def end_idle(pool: ProcessPoolExecutor, before: set[int]) -> None:
    """``pool.shutdown(wait=True)`` once every chunk came back, waking as ``wind_down``
    does: a stop whose C handler ran as the join began (or in another thread) was seen
    only once the idle workers had ended, and they, signalled too, waited
    ``_PARENT_GRACE`` for the run's word first. A stop meanwhile kills them: idle, they
    have nothing in hand."""
    _end(pool, before, cancel=False)


def _end(pool: ProcessPoolExecutor, before: set[int], cancel: bool) -> None:
    """The pool shut down and its workers and thread awaited, not joined: a join (a
    lock's wait with no timeout) sleeps through a signal whose C handler ran just before
    it or in another thread, and a signal that cut one on Python 3.11/3.12 marked the
    thread ended while it ran (``_wait_ended``). Workers and thread are taken first:
    ``shutdown`` drops the pool's references to them."""
    children = _workers(pool, before)
    manager = getattr(pool, "_executor_manager_thread", None)  # kill_workers drops it
    try:
        pool.shutdown(wait=False, cancel_futures=cancel)
        _await_ended(children)
        _wait_ended(manager, None)
    except BaseException:

        def kill() -> None:
            _kill(pool, children)
            for child in children:
                child.join(5)
            pool.shutdown(wait=True)
            _wait_ended(manager, 5)

        # a further stop at ``until_done``'s call (before its ``try``) skipped it; two in a
        # row, at that call and at this loop's jump back, still do (``until_done``'s limit)
        while True:
            try:
                until_done(kill, "ending the worker processes")
                break
            except BaseException:  # landed at the call: the kill is still due
                pass
        raise  # the stop that cut the wait


#: how many times an error (not a stop signal) may cut a stop's clean-up short before
#: it is given up (``until_done``)
CLEANUP_ATTEMPTS = 3


def until_done(
    step: Callable[[], None], what: str, again: Callable[[], None] | None = None
) -> BaseException | None:
    """``step`` (a stop's clean-up: a kill, a wait for the workers) done again until it
    completes: a further stop signal changes nothing, whatever its handler raises (a
    caller's ``sys.exit``). An error (an ``Exception``) is no signal, and may come again
    each time: after ``CLEANUP_ATTEMPTS`` the step is given up, the error logged, and
    the stop goes on up (before 2026-12-06 such an error was retried for good, and the
    stop hung in its own clean-up). ``again``: what is done instead once one was cut
    short, if not ``step``. Returns the first exception that cut one short (None if
    none did), for a caller with none on its way to raise.

    A stop's exception lands at a call, a function's start or a loop's jump back: the
    loop's jump back is inside a second ``try`` (before 2026-12-06 one landing there
    left the loop and skipped the clean-up); two stops at two jumps in a row still can."""
    first: BaseException | None = None
    errors = 0
    while True:
        try:
            while True:
                try:
                    (step if first is None or again is None else again)()
                    return first
                except Exception as exc:
                    first = exc if first is None else first
                    errors += 1
                    if errors >= CLEANUP_ATTEMPTS:
                        log.error(
                            "stopping: %s failed %d times, given up (%s: %s)",
                            what, errors, type(exc).__name__, exc,
                        )  # fmt: skip
                        return first
                except BaseException as exc:  # a further stop's own exception: done again
                    first = exc if first is None else first
        except BaseException as exc:  # one that landed at the jump back
            first = exc if first is None else first


def kill_started(before: set[int]) -> None:
    """SIGKILL to every process this one started since ``before`` (a pool's workers, the
    reruns' children): run by ``stops_recorded``'s handler itself on a second stop, so
    the kill does not depend on where its exception lands (between an ``except`` and the
    ``try`` of ``wind_down``, it skipped the kill and the pool's exit waited for the
    teams in hand). Takes no lock: a handler may run while this thread holds one."""
    for child in multiprocessing.active_children():
        if child.pid not in before:
            with contextlib.suppress(OSError, ValueError):
                kill_child(child)


def kill_child(child: BaseProcess) -> None:
    """SIGKILL to ``child`` while it is still this process's own, not to a stranger with
    its pid: a child that exited and was reaped by someone else (a library caller's
    SIGCHLD set to SIG_IGN, the pool's thread) stays listed with no exit code, and its
    pid may be reused. Its ``sentinel`` (a pipe the child holds open) is readable once
    it has exited: then it is skipped. On Linux a pidfd opened before that check names
    the child itself, so the kill cannot reach a process that took its pid after;
    elsewhere ``os.kill`` is left with a window of a few instructions."""
    pid = child.pid
    if pid is None:
        return
    opened = getattr(os, "pidfd_open", None)
    try:
        pidfd = opened(pid) if opened is not None else None
    except ProcessLookupError:  # no process has the pid: ours is gone
        return
    except OSError:  # an old kernel, a seccomp filter: no pidfd
        pidfd = None
    try:
        if wait([child.sentinel], 0):  # exited: perhaps reaped, its pid another's
            return
        if pidfd is not None:
            signal.pidfd_send_signal(pidfd, signal.SIGKILL)
        else:
            os.kill(pid, signal.SIGKILL)
    finally:
        if pidfd is not None:
            os.close(pidfd)


def _wait_ended(thread: threading.Thread | None, timeout: float | None) -> None:
    """Wait for a thread to end (the pool's manager thread, which reaps the workers and
    closes the pool's pipes), waking each 0.01 s. Not ``join``: on Python 3.11/3.12 a
    join that a signal interrupted (the second stop, in ``shutdown``) marks the thread
    ended while it runs, so ``shutdown`` and the interpreter's exit no longer waited for
    it; a run exiting then printed "Exception ignored in ... _python_exit ... Bad file
    descriptor" as the thread closed a pipe the exit hook wrote to.
    ``threading.enumerate()`` lists a thread until its last line has run, whatever a join
    said."""
    deadline = None if timeout is None else time.monotonic() + timeout
    while thread in threading.enumerate() and (deadline is None or time.monotonic() < deadline):
        time.sleep(0.01)


def threads_ended(threads: Iterable[threading.Thread]) -> None:
    """Each thread ended, awaited as ``_wait_ended`` does: a thread pool's, whose work
    may still write (``google_threads.py``)."""
    for thread in list(threads):
        _wait_ended(thread, None)


def _workers(pool: ProcessPoolExecutor, before: set[int]) -> list[BaseProcess]:
    """The pool's worker processes. No public API names them before Python 3.14, whose
    ``kill_workers`` clears the table it reads: so taken first, from the pool's private
    table while it has one, else as the children this process started since ``before``
    (the pool's, unless another thread started processes meanwhile)."""
    table = getattr(pool, "_processes", None)
    if isinstance(table, dict):
        return [p for p in table.values() if isinstance(p, BaseProcess)]
    return [p for p in multiprocessing.active_children() if p.pid not in before]


def _kill(pool: ProcessPoolExecutor, children: Sequence[BaseProcess]) -> None:
    """SIGKILL to every worker: ``kill_workers`` where Python has it (3.14+)."""
    kill_workers = getattr(pool, "kill_workers", None)
    if callable(kill_workers):
        with contextlib.suppress(OSError, ValueError):
            kill_workers()
    for child in children:  # again, for any it did not know: a dead one is skipped
        with contextlib.suppress(OSError, ValueError):
            kill_child(child)


def await_workers(pool: ProcessPoolExecutor, before: set[int]) -> None:
    """A broken pool's other workers finish the team in hand (the pool SIGTERMs them:
    ``_on_stop``), awaited here so a stop signal meanwhile reaches ``wind_down``. Not by
    ``pool.shutdown``: a signal in Python 3.11's ``Thread.join`` marks the thread ended,
    and ``wind_down``'s wait then returned at once, under a worker still writing."""
    _await_ended(_workers(pool, before))


def _await_ended(children: Sequence[BaseProcess]) -> None:
    pending = [child.sentinel for child in children]
    while pending:
        ready = wake_to_check(pending)
        pending = [s for s in pending if s not in ready]


#: how often a wait for processes wakes to run a signal handler that is due
_WAKE = 0.25
T = TypeVar("T")


def wake_to_check(objects: Sequence[Any]) -> list[Any]:
    """``multiprocessing.connection.wait`` for at least one of ``objects``, waking each
    ``_WAKE`` s. A signal that came as the wait began (its C handler run, the main
    thread not yet asleep in poll(), or the kernel handing it to another thread) does
    not interrupt the poll: its Python handler ran only once a process ended, and a
    second Ctrl-C meant to kill the teams in hand waited for them to finish instead
    (tests/sync/test_stopped_map.py hung 1 run in 30, 60 s)."""
    while True:
        ready = wait(objects, timeout=_WAKE)
        if ready:
            return ready


def result_awake(future: Future[T], check: Callable[[], None] | None = None) -> T:
    """``future.result()``, waking each ``_WAKE`` s as ``wake_to_check`` does, for the
    same reason: a wait with no timeout slept through a stop whose C handler ran as it
    began, till the future was done (a chunk of up to 16 teams, a Google team's reads).
    ``check`` runs at each wake: it raises a stop whose exception was lost meanwhile
    (``stops.check``). The wait is ``settle_awake``'s; the result is taken with stops
    held (no stop lands in the future's lock, though none needs it once it is done)."""
    settle_awake(future, check)
    with stops.held(block=False):
        return future.result()  # raises the task's own exception, if any


def settle_awake(future: Future[Any], check: Callable[[], None] | None = None) -> None:
    """Returns once ``future`` is done, waking each ``_WAKE`` s to run ``check``.

    The wait is on a plain lock of this function's own, released by a done-callback:
    a C-level ``acquire`` that a stop's exception leaves holding nothing another thread
    needs. Not the future's own wait (``exception(timeout=...)``): a stop's exception
    raised inside it unwinds through the future's ``with self._condition``, and one
    landing at that ``Condition.__exit__``'s call (a Python function: CPython runs a
    pending handler there, before the lock is released) left the future's lock held by
    this thread for good; the thread that settles the future (a Google thread, the
    process pool's) then blocked on it, and the run waited for that thread for good (two
    Ctrl-Cs 30 ms apart, 1 clean-clone run in 3, 2026-12-06; tests/sync/
    test_stopped_locks.py places the stop there). The callback is added with stops held
    for the same reason: ``add_done_callback`` takes the future's lock."""
    settled = threading.Lock()
    settled.acquire()
    with stops.held(block=False):
        future.add_done_callback(lambda _: settled.release())  # at once if done
    while not settled.acquire(timeout=_WAKE):
        if check is not None:
            check()


_Handler = Callable[[int, FrameType | None], Any]


@contextlib.contextmanager
def stops_recorded(
    flag: ctypes.c_int, signals: Sequence[int], second: Callable[[], None] | None = None
) -> Iterator[list[BaseException]]:
    """While a pool runs, a stop signal whose handler raises here is noted in ``flag``
    (the workers' stop flag) as the handler raises, not once its exception has reached
    the pool's code: CPython runs a handler at the main thread's next bytecode, and when
    that is in a finalizer (a ``__del__``, a weakref callback, run by the garbage
    collector anywhere, as while the rollup is prepared) the exception is printed as
    "Exception ignored" and dropped. A Ctrl-C to the process group was then lost: the
    workers, not told, took it as their own after ``_PARENT_GRACE`` and exited, and the
    run ran every team again and exited 0. Yields the exceptions the handlers raised,
    for ``raise_recorded`` to raise such a stop again.
    ``second`` runs in the handler of each stop raised after the first (``kill_started``).
    Only from the main thread (where handlers are set); a handler that raises nothing
    (a caller's own) records nothing.

    A stop landing as the handlers are put back (its handler, put back, raises between
    two of them) left ours on the others for good, recording into a pool that was gone,
    and a library caller's second stop after the run ran ``second`` (a SIGKILL to what
    it had started since, until 2026-12-06). Ours are ``closed`` first: one still in
    then acts as the handler it replaced, and puts it back."""
    ours: dict[int, tuple[_Handler, _Handler]] = {}
    raised: list[BaseException] = []
    closed: list[bool] = []
    if threading.current_thread() is threading.main_thread():
        for signum in signals:
            handler = signal.getsignal(signum)
            if callable(handler):  # not SIG_IGN (nohup's) nor SIG_DFL
                recording = _recording(flag, handler, raised, second, closed)
                ours[signum] = (handler, recording)
                signal.signal(signum, recording)
    try:
        yield raised
    finally:
        try:
            closed.append(True)
        finally:  # in another thread ours are left: closed, they only pass the signal on
            if threading.current_thread() is threading.main_thread():
                for signum, (handler, recording) in ours.items():
                    if signal.getsignal(signum) is recording:  # not one put in since
                        signal.signal(signum, handler)


def _recording(
    flag: ctypes.c_int,
    handler: _Handler,
    raised: list[BaseException],
    second: Callable[[], None] | None,
    closed: list[bool],
) -> _Handler:
    def record(signum: int, frame: FrameType | None) -> Any:
        if closed:  # the pool is done: ``handler`` as if it had been put back, and it is
            if signal.getsignal(signum) is record:
                signal.signal(signum, handler)
            return handler(signum, frame)
        try:
            return handler(signum, frame)
        except BaseException as exc:
            flag.value = signum  # the workers stop after the team in hand
            raised.append(exc)
            if len(raised) > 1 and second is not None:
                second()
            raise

    return record


def raise_recorded(raised: Sequence[BaseException]) -> None:
    """The first stop ``stops_recorded`` noted, raised again: called where no exception
    is on its way, so its own was lost. The very exception its handler raised
    (``Interrupted`` in the CLI, ``KeyboardInterrupt``, a caller's ``SystemExit``), not
    the signal sent again: a caller's handler that had put ``SIG_DFL`` back before it
    raised ("a second one kills") then killed the process where it stood, with a write
    in hand, its temp file left and the caller's ``finally`` never run."""
    if raised:
        raise raised[0]
