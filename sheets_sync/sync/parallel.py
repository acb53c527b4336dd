"""Local team workbooks read and patched in worker processes.

Reading and patching a workbook is CPU-bound Python (zip, XML scan, scoring), so threads
would not help; each phase of the engine instead maps its per-team function over a pool of
forked processes. Fork, because the children then start with the workspace, the mappings
and (in phase 2) the whole night's reads already in memory: only a team's index crosses
into a child and only its small result comes back. Results come back in workspace order,
so a run with workers equals a run without them.

Used for local workbooks only: Google teams are I/O-bound (threads: ``google_threads.py``), and a
test's injected backend factory may not survive a fork.
"""

from __future__ import annotations

import contextlib
import ctypes
import functools
import multiprocessing
import os
import pickle
import signal
import sys
import threading
import time
from collections.abc import Callable, Generator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from multiprocessing.connection import Connection, wait
from multiprocessing.process import BaseProcess
from typing import Any, TypeVar, cast

from sheets_sync.loggers import get_logger
from sheets_sync.sync import stops
from sheets_sync.sync.pool_end import (
    _WAKE,
    await_workers,
    end_idle,
    kill_child,
    kill_started,
    raise_recorded,
    result_awake,
    settle_awake,
    stops_recorded,
    until_done,
    wake_to_check,
    wind_down,
)

log = get_logger("sheets_sync.sync")
T = TypeVar("T")

# Set in the parent just before the pool forks; each child sees its own copy.
_TASK: dict[str, Callable[[int], object]] = {}


_PR_SET_PDEATHSIG = 1  # linux/prctl.h


def _die_with(parent: int) -> None:
    """Run in each child: a run killed with SIGKILL (by hand, the OOM killer) left its
    pool workers alive for good, idle and holding the night's memory. On Linux the kernel
    kills the child when the thread that forked it ends; a parent gone before that was
    set up is caught by the pid check. A child in the middle of a write leaves the old
    file or the new one, as the run itself would."""
    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        except (OSError, AttributeError):  # no libc to call: the pid check still runs
            pass
    if os.getppid() != parent:
        os._exit(1)


def _parent() -> int | None:
    """This process's pid for ``_die_with``, when the children it forks now may die with
    it: only from the main thread (the kernel's signal follows the forking thread, and a
    helper thread ending before its pool would take the workers with it)."""
    return os.getpid() if threading.current_thread() is threading.main_thread() else None


_STOP_SIGNALS = stops.SIGNALS
#: How long a worker signalled itself waits for the parent's word that the run stops. A
#: signal to the process group reaches the parent too, but its handler runs only once its
#: main thread leaves the C call it is in (an fsync on a busy disk, a deflate of the
#: rollup's largest sheet: seconds under load); a worker that gave up first took the stop
#: as its own and ended, and the teams it had finished in its chunk were synced but not
#: counted (2 s until 2026-12-06). The wait ends as soon as the parent's word comes, so
#: it costs only a worker signalled alone (``kill PID`` on a worker), which ends this much
#: later; a broken pool's workers do not wait (``_POOL_BROKE``).
_PARENT_GRACE = 10.0
_in_task: list[int] = []  # non-empty while this worker is inside a team's task
_stop: list[int] = []  # a stop signal that came during one
# The run's stop flag, shared with the parent (``map_in_workers``): the number of the
# signal that stops the run, 0 while it goes on, ``_POOL_BROKE`` once a worker died. A
# raw int: read without a lock, so a signal handler may read it at any point.
_flag: list[ctypes.c_int] = []
#: the flag once the pool broke: the SIGTERM the pool then sends each other worker is
#: not the run's stop, and waiting ``_PARENT_GRACE`` for one only put off the reruns
_POOL_BROKE = -1


def _stopping() -> bool:
    return bool(_flag) and _flag[0].value > 0


def _parent_stops() -> bool:
    """Whether the parent says the run stops, waiting a moment for it: a signal to the
    process group reaches every worker and the parent at once."""
    deadline = time.monotonic() + _PARENT_GRACE
    while not _stopping():
        if not _flag or _flag[0].value == _POOL_BROKE or time.monotonic() > deadline:
            return False
        time.sleep(0.01)
    return True


def _on_stop(signum: int, _frame: object) -> None:
    """A worker's stop signal (Ctrl-C reaches the whole process group; systemd and Airflow
    signal every process of the job). Inside a team it finishes that team, so a write is
    never cut in the middle. The run stops between teams on the parent's flag (set
    whoever was signalled), and the pool then ends each worker in order, every finished
    team's outcome sent back. A signal to this worker alone ends it (idle at once, else
    after the team): the pool breaks and the parent runs its teams again."""
    if _in_task or _stop:  # a signal again while waiting for the parent: once is enough
        _stop.append(signum)
        return
    _stop.append(signum)
    if not _parent_stops():
        os._exit(128 + signum)
    _stop.clear()


def _init_worker(parent: int | None, flag: ctypes.c_int | None = None) -> None:
    if parent is not None:
        _die_with(parent)
    _in_task.clear()
    _stop.clear()
    _flag[:] = [flag] if flag is not None else []
    for signum in _STOP_SIGNALS:
        if signal.getsignal(signum) is not signal.SIG_IGN:  # nohup's stays ignored, as above
            signal.signal(signum, _on_stop)
    # blocked by the parent while it forked (``stops.held``): until the handlers above
    # were in, a signal ran the parent's handler here ("Exception in initializer")
    signal.pthread_sigmask(signal.SIG_UNBLOCK, _STOP_SIGNALS)


def _one_task(i: int) -> object:
    _in_task.append(i)
    try:
        return _TASK["task"](i)
    finally:
        _in_task.clear()


def _call(span: range) -> list[object]:
    """The span's tasks in order, up to a stop: then the finished ones only."""
    done: list[object] = []
    for i in span:
        if _stop and not _parent_stops():
            os._exit(128 + _stop[0])  # signalled alone: see ``_on_stop``
        if _flag and _flag[0].value:  # the run stops, or the pool broke: no team is begun
            break
        done.append(_one_task(i))
    return done


def map_in_workers(
    task: Callable[[int], T],
    count: int,
    workers: int,
    meanwhile: Callable[[], None] | None = None,
    crashed: Callable[[int, str], T] | None = None,
    stopped: Callable[[int, T], None] | None = None,
) -> Generator[T, None, None]:
    """``task(0) .. task(count - 1)`` in ``workers`` forked processes, in order.

    ``meanwhile`` runs in this process once every task is handed out (only when there
    are workers): work of its own instead of waiting.

    A stop signal (``KeyboardInterrupt``) raised here stops each worker after the task
    in hand (a shared flag, checked between tasks): ``stopped(i, result)`` gets every
    task that finished and was not yielded yet, then the signal goes on up. One whose
    exception was lost on the way (``stops_recorded``) is raised again, never taken
    for a worker that died. A second one kills every worker in its own handler
    (``kill_started``). Every wait here wakes each 0.25 s to run a handler that is due.

    A pool breaks when a child dies: the OOM killer, or a native crash (a C or Rust
    library aborting on one team's file). The pool cannot say whose task killed it, so
    what had not come back is run again, each task in a child of its own
    (``isolated``): a task that kills that child too ends as ``crashed(i, why)``
    (without ``crashed``, ``WorkerDiedError`` is raised), and the others finish.
    """
    if workers <= 1 or count <= 1:  # a stop waits for the task in hand, as in a worker
        yield from stops.serially(task, count, stopped)
        return
    _TASK["task"] = task
    try:
        size = max(1, min(16, count // (workers * 4)))
        spans = [range(a, min(a + size, count)) for a in range(0, count, size)]
        context = multiprocessing.get_context("fork")
        flag = context.RawValue(ctypes.c_int, 0)
        before = {p.pid for p in multiprocessing.active_children() if p.pid is not None}
        with (
            stops_recorded(flag, _STOP_SIGNALS, functools.partial(kill_started, before)) as raised,
            ProcessPoolExecutor(
                max_workers=workers,
                mp_context=context,
                initializer=_init_worker,
                initargs=(_parent(), flag),
            ) as pool,
        ):
            chunks: list[Future[list[object]]] = []
            yielded = 0  # tasks handed to the caller
            values: dict[int, T] = {}  # once the pool broke, by task: chunks kept, reruns
            # One ``try`` from the first fork to the last rerun: a stop signal anywhere
            # (also while a broken pool waits for its other workers) winds it all down.
            try:
                with stops.held():  # and no stop in a chunk's lock (``result_awake``)
                    chunks += [pool.submit(_call, span) for span in spans]  # all handed out
                    for chunk in chunks:  # in the pool's thread, before it SIGTERMs others
                        chunk.add_done_callback(functools.partial(_broke, flag))
                if meanwhile is not None:
                    meanwhile()
                for k, chunk in enumerate(chunks):
                    try:
                        part = cast(list[T], result_awake(chunk))
                    except BrokenProcessPool:
                        raise_recorded(raised)  # the workers took our stop as their own
                        await_workers(pool, before)  # the others end their team in hand
                        raise_recorded(raised)
                        redo = _keep(chunks, spans, k, values)
                        break
                    raise_recorded(raised)  # a chunk the workers cut short
                    for value in part:
                        yielded += 1
                        yield value
                else:  # every chunk came back: the workers end, idle, under the ``try``
                    end_idle(pool, before)
                    raise_recorded(raised)  # lost as the caller took the last chunk
                    return
                log.warning("a worker process died; %d teams run again, one a process", len(redo))
                isolated(task, redo, workers, crashed, values, lambda: raise_recorded(raised))
                raise_recorded(raised)
                for i in range(yielded, count):
                    yielded = i + 1
                    yield values[i]
                raise_recorded(raised)  # lost as the caller took the last outcome
            except BaseException as exc:  # a stop signal (or the caller let go of us)
                flag.value = getattr(exc, "signum", int(signal.SIGINT))
                try:
                    wind_down(pool, before)  # the chunks not started are not started
                finally:  # a second stop too: the teams that finished are still told
                    if stopped is not None:  # every task that finished and was not yielded
                        finished = _finished(chunks, spans) | values
                        for i in sorted(i for i in finished if i >= yielded):
                            stopped(i, cast(T, finished[i]))
                raise
    finally:
        _TASK.clear()


def _broke(flag: ctypes.c_int, chunk: Future[list[object]]) -> None:
    """A chunk failed by a broken pool tells the other workers, in the pool's thread as
    it fails each chunk and before it SIGTERMs them, that the pool broke (a stop the
    run raised meanwhile keeps its number)."""
    broke = not chunk.cancelled() and isinstance(chunk.exception(), BrokenProcessPool)
    if broke and not flag.value:
        flag.value = _POOL_BROKE


_Chunks = Sequence[Future[list[object]]]
_Running = dict[Connection, tuple[int, BaseProcess]]  # a child of ``isolated`` by its pipe


def _keep(chunks: _Chunks, spans: Sequence[range], k: int, values: dict[int, Any]) -> list[int]:
    """After the pool broke at chunk ``k``: the later chunks that came back go into
    ``values``; the tasks of the others are returned (to run again)."""
    redo: list[int] = []
    for chunk, span in zip(chunks[k:], spans[k:], strict=True):
        settle_awake(chunk)  # a stop meanwhile lands in no chunk's lock
        with stops.held(block=False):  # nor here: the pool's thread may need it still
            failed = chunk.exception() is not None
            part = None if failed else chunk.result()
        if part is None:
            redo += span
        else:
            values.update(zip(span, part, strict=True))
    return redo


def _finished(chunks: _Chunks, spans: Sequence[range]) -> dict[int, object]:
    """The tasks of a stopped map that came back: whole chunks, and the first tasks of
    those a worker stopped inside."""
    finished: dict[int, object] = {}
    with stops.held(block=False):  # no stop in a chunk's lock (``pool_end.settle_awake``)
        for chunk, span in zip(chunks, spans, strict=False):
            if chunk.done() and not chunk.cancelled() and chunk.exception() is None:
                finished.update(zip(span, chunk.result(), strict=False))
    return finished


class WorkerDiedError(RuntimeError):
    """A task killed the process it ran in (not a team's fault that Python could catch)."""


def _one(i: int, out: Connection, parent: int | None) -> None:
    _init_worker(parent)
    _in_task.append(i)  # up to the send: a stop signal waits for the outcome (``_on_stop``)
    try:
        out.send((True, _TASK["task"](i)))
    except BaseException as exc:  # sent back: the parent decides
        out.send((False, f"{type(exc).__name__}: {exc}"))
    finally:
        out.close()


def _why(code: int | None) -> str:
    if code is not None and code < 0:
        name = signal.Signals(-code).name
        return f"killed by {name}" + (", out of memory?" if name == "SIGKILL" else "")
    if code is None:  # reaped by the kernel (``_joined``): its status went with it
        return "exit status unknown, SIGCHLD ignored?"
    return f"exit status {code}"


def isolated(
    task: Callable[[int], T],
    indices: Sequence[int],
    workers: int,
    crashed: Callable[[int, str], T] | None = None,
    done: dict[int, T] | None = None,
    stop: Callable[[], None] | None = None,
) -> dict[int, T]:
    """``task(i)`` for each index, each in a forked child of its own, ``workers`` at a
    time: a child that dies takes only its own task with it. Results go into ``done``
    (returned), which holds what finished when a stop signal is raised here. ``stop``
    raises one that was lost (``pool_end.raise_recorded``) before each child starts."""
    _TASK["task"] = task
    context = multiprocessing.get_context("fork")
    todo = list(reversed(indices))
    running: _Running = {}
    done = {} if done is None else done
    try:
        while todo or running:
            while todo and len(running) < max(1, workers):
                if stop is not None:
                    stop()
                i = todo.pop()
                receive, send = context.Pipe(duplex=False)
                started = context.Process(target=_one, args=(i, send, _parent()), daemon=True)
                with stops.held():  # a signal raised on leaving finds the child noted
                    started.start()
                    send.close()  # the child's end: EOF here once it exits
                    running[receive] = (i, started)
            for i, why in _receive(running, done):
                if crashed is None:
                    raise WorkerDiedError(f"task {i}: {why}")
                done[i] = crashed(i, why)
    except BaseException:  # a stop signal: no team is begun, those begun finish
        _wind_down_children(running, done)
        raise
    return done


def _receive(running: _Running, done: dict[int, Any]) -> list[tuple[int, str]]:
    """Waits for children of ``isolated`` to end: each outcome sent goes into ``done``
    (received and stored with stop signals held: one raised between the two lost a
    team already written), the others are returned (task, why). A child is joined
    after its outcome is stored; its pipe closed, ``running`` keeps it till then."""
    failed: list[tuple[int, str]] = []
    for ready in wake_to_check(list(running)):
        assert isinstance(ready, Connection)
        i, child = running[ready]
        with stops.held():
            try:
                ok, value = ready.recv()
            except (EOFError, OSError, pickle.UnpicklingError):
                ok, value = False, None
            ready.close()
            if ok:
                done[i] = value
        _joined(child)
        del running[ready]
        if not ok:
            failed.append((i, value or _why(child.exitcode)))
    return failed


def _joined(child: BaseProcess) -> None:
    """``child.join()``, waking each ``_WAKE`` s as ``wake_to_check`` does: a child that
    sent its outcome may still take long to exit (a thread its task left running), and
    a join with no timeout slept through a stop whose C handler ran in another thread.
    Ended once its ``sentinel`` is readable, with an exit code or none: a child the
    kernel reaped (a library caller's SIGCHLD set to SIG_IGN) never gets one, and the
    reruns, and a stop's wind-down of them, waited for it for good (until 2026-12-06)."""
    while child.exitcode is None:
        ended = bool(wait([child.sentinel], 0))  # then the join reaps it, if it still can
        child.join(_WAKE)
        if ended:
            return


def _wind_down_children(running: _Running, done: dict[int, Any]) -> None:
    """``wind_down`` for ``isolated``: each child in a team finishes it (a worker's
    handler waits out the team) and its outcome is kept; one that ended without one
    (stopped before its team began) did nothing. A second stop signal meanwhile kills
    them (SIGKILL). The children are gone when this returns (before 2026-12-05 the run
    released the workspace lock and removed its scratch folder under reruns still
    writing, and its death by the signal then killed them mid-write)."""
    try:
        for closed in [c for c in running if c.closed]:  # outcome stored as the signal came
            _joined(running.pop(closed)[1])
        while running:
            _receive(running, done)
    except BaseException:

        def kill() -> None:  # the children taken here: a stop may land at any call before
            children = [child for _, child in running.values()]
            for child in children:
                with contextlib.suppress(OSError, ValueError):
                    kill_child(child)
            for child in children:
                _joined(child)

        # a further stop at ``until_done``'s call (before its ``try``) skipped it; two in a
        # row, at that call and at this loop's jump back, still do (``until_done``'s limit)
        while True:
            try:
                until_done(kill, "ending the reruns' processes")
                break
            except BaseException:  # landed at the call: the kill is still due
                pass
        for ready in running:
            ready.close()
        running.clear()
        raise
