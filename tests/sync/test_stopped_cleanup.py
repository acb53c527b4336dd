"""A stop's clean-up (the kill of the workers, the wait for the Google threads) is done
again whatever a further stop signal's handler raises, but an error that comes each
time (no signal: a bug, a broken pool) is given up after a few attempts and logged, so
the stop never hangs in its own clean-up. The failures are injected; each clean-up runs
in a thread, so one that retried for good fails the test rather than hang it."""

from __future__ import annotations

import dis
import logging
import sys
import threading
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from types import FrameType
from typing import Any, cast

import pytest

from sheets_sync.sync import google_threads, parallel
from sheets_sync.sync.pool_end import CLEANUP_ATTEMPTS, until_done, wind_down
from tests.support.scripts import run_script


def ended(clean_up: Callable[[], object]) -> BaseException | None:
    """What ``clean_up`` raised (None if it returned), once it ended."""
    done, raised = threading.Event(), []

    def run() -> None:
        try:
            clean_up()
        except BaseException as exc:
            raised.append(exc)
        finally:
            done.set()

    threading.Thread(target=run, daemon=True).start()
    assert done.wait(30), "the clean-up retried its error for good"
    return raised[0] if raised else None


def given_up(caplog: pytest.LogCaptureFixture, what: str, error: str) -> bool:
    said = f"stopping: {what} failed {CLEANUP_ATTEMPTS} times, given up ({error})"
    return any(r.levelno == logging.ERROR and r.getMessage() == said for r in caplog.records)


class ShutdownBreaks:
    """A pool with no worker whose ``shutdown`` is cut by a stop, then fails each time."""

    _executor_manager_thread = None

    def __init__(self) -> None:
        self._processes: dict[int, Any] = {}
        self.calls = 0

    def shutdown(self, wait: bool = True, cancel_futures: bool = False) -> None:
        self.calls += 1
        raise KeyboardInterrupt if self.calls == 1 else RuntimeError("shutdown broke")


def test_the_kill_of_a_stopped_pool_gives_up_an_error_that_comes_each_time(
    caplog: pytest.LogCaptureFixture,
) -> None:
    pool = ShutdownBreaks()
    raised = ended(lambda: wind_down(cast(ProcessPoolExecutor, pool), set()))
    assert isinstance(raised, KeyboardInterrupt), "the stop must go on up"
    assert pool.calls == 1 + CLEANUP_ATTEMPTS
    assert given_up(caplog, "ending the worker processes", "RuntimeError: shutdown broke")


class Pipe:
    closed = False

    def close(self) -> None:
        self.closed = True


def test_the_kill_of_stopped_reruns_gives_up_an_error_that_comes_each_time(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    kills: list[object] = []

    def stopped(running: object, done: object) -> None:  # a stop as the reruns are awaited
        raise KeyboardInterrupt

    def kill_breaks(child: object) -> None:
        kills.append(child)
        raise RuntimeError("kill broke")

    monkeypatch.setattr(parallel, "_receive", stopped)
    monkeypatch.setattr(parallel, "kill_child", kill_breaks)
    pipe, child = Pipe(), object()
    running = cast(parallel._Running, {pipe: (0, child)})
    raised = ended(lambda: parallel._wind_down_children(running, {}))
    assert isinstance(raised, KeyboardInterrupt), "the stop must go on up"
    assert kills == [child] * CLEANUP_ATTEMPTS
    assert pipe.closed and running == {}
    assert given_up(caplog, "ending the reruns' processes", "RuntimeError: kill broke")


class ShutdownFails(ThreadPoolExecutor):
    """Its threads end, and each ``shutdown`` says it failed."""

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        super().shutdown(wait=False, cancel_futures=cancel_futures)
        raise RuntimeError("shutdown broke")


def test_the_wait_for_the_google_threads_gives_up_an_error_that_comes_each_time(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(google_threads, "ThreadPoolExecutor", ShutdownFails)
    specs: list[Any] = ["a", "b", "c"]
    stopping = threading.Event()

    def one(spec: Any) -> Any:
        return spec

    raised = ended(lambda: google_threads.read_in_threads(one, specs, range(3), 2, stopping))
    assert isinstance(raised, RuntimeError) and str(raised) == "shutdown broke", raised
    assert stopping.is_set()  # once it failed, the wait was a stop's: no team is begun
    what = "waiting for the Google requests in flight"
    assert given_up(caplog, what, "RuntimeError: shutdown broke")


def test_a_stop_at_the_clean_up_s_jump_back_does_it_again() -> None:
    """A stop's exception lands at a loop's jump back too (a pending signal's handler
    runs there): one landing at ``until_done``'s, after a stop cut the step short, left
    the loop and skipped the clean-up. The landing is a trace function's, raised at the
    first jump back once the step was cut short."""
    calls: list[int] = []

    def step() -> None:
        calls.append(1)
        if len(calls) == 1:
            raise KeyboardInterrupt("first")

    jump = dis.opmap["JUMP_BACKWARD"]

    def at_the_jump(frame: FrameType, event: str, _arg: object) -> Any:
        if frame.f_code is not until_done.__code__:
            return None
        frame.f_trace_opcodes = True
        if event == "opcode" and calls == [1] and frame.f_code.co_code[frame.f_lasti] == jump:
            calls.append(0)  # once
            raise KeyboardInterrupt("at the jump back")
        return at_the_jump

    first: BaseException | None = None
    sys.settrace(at_the_jump)
    try:
        first = until_done(step, "a test's step")
    except KeyboardInterrupt as exc:  # not pytest's to see: it would end the session
        first = exc
    finally:
        sys.settrace(None)
    assert calls == [1, 0, 1], f"the step was not done again ({first!r} went up)"
    assert isinstance(first, KeyboardInterrupt) and first.args == ("first",), first


_THIRD_AT_THE_CALL = """
import json, multiprocessing, os, signal, sys, threading, time
from sheets_sync.sync import parallel, pool_end
from tests.support.scripts import counted_ctrl_c, send_stops, stopped_traced, watchdog

stops, fired, ended = [], [], threading.Event()
counted_ctrl_c(stops)  # the workers have their own
target = pool_end.until_done.__code__

def landing(frame, event, arg):  # the third stop, at the kill's call in ``_end``
    if event == "call" and frame.f_code is target and len(stops) == 2 and not fired:
        fired.append(frame.f_back.f_code.co_name)
        signal.raise_signal(signal.SIGINT)
    return None

def task(i):  # a team in hand till the second stop kills it
    time.sleep(5)
    return i

watchdog(ended, stops, fired)  # only a hang is so slow
send_stops(stops, 2)  # one as the main thread waits for a chunk, one in the wind-down's wait
stopped = stopped_traced(
    landing, ended, lambda: list(parallel.map_in_workers(task, 8, 2, stopped=lambda i, v: None))
)
children = [p for p in multiprocessing.process._children if p._popen is not None]
print(json.dumps({
    "hung": False, "stopped": stopped, "stops": len(stops), "fired": fired,
    "pool_threads": len([t for t in threading.enumerate() if not t.daemon]) - 1,
    "unreaped": len([p for p in children if p._popen.returncode is None]),
}))
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="signals")
def test_a_stop_at_the_call_of_the_workers_kill_still_kills_and_waits() -> None:
    """A third stop landing at the call of ``until_done`` in ``pool_end._end``'s
    ``except`` (before its ``try``): until 2026-12-06 it skipped the kill and the waits,
    and the run went on with the pool's thread still running and its workers unreaped
    (review). Now the kill and the waits are done all the same."""
    found = run_script(_THIRD_AT_THE_CALL)
    assert found["fired"] == ["_end"], f"no stop landed at the call: {found}"
    assert not found["hung"] and found["stopped"] and found["stops"] == 3, found
    assert found["pool_threads"] == 0, f"the pool's thread outlived the wind-down: {found}"
    assert found["unreaped"] == 0, f"a worker outlived the wind-down: {found}"


_THIRD_AT_THE_RERUNS_KILL = """
import json, multiprocessing, os, signal, sys, threading, time
from sheets_sync.sync import parallel, pool_end
from tests.support.scripts import counted_ctrl_c, send_stops, stopped_traced, watchdog

stops, fired, ended = [], [], threading.Event()
counted_ctrl_c(stops)
target = pool_end.until_done.__code__

def landing(frame, event, arg):  # the third stop, at the kill's call
    if event == "call" and frame.f_code is target and len(stops) == 2 and not fired:
        fired.append(frame.f_back.f_code.co_name)
        signal.raise_signal(signal.SIGINT)
    return None

def task(i):  # a team in hand till the second stop kills it
    time.sleep(20)
    return i

watchdog(ended, stops, fired)  # only a hang is so slow
send_stops(stops, 2)  # one as the main thread waits for the reruns, one in their wind-down
stopped = stopped_traced(landing, ended, lambda: parallel.isolated(task, [0, 1], 2))
alive = [p.pid for p in multiprocessing.active_children()]
print(json.dumps({
    "hung": False, "stopped": stopped, "stops": len(stops), "fired": fired, "alive": alive,
}))
for pid in alive:  # the test's own clean-up
    os.kill(pid, signal.SIGKILL)
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="signals, fork")
def test_a_stop_at_the_call_of_the_reruns_kill_still_kills_them() -> None:
    """The same in ``parallel``'s wind-down of the reruns (``isolated``): a third stop
    at the call of ``until_done`` skipped the kill, and the run went on with the reruns
    still running (review)."""
    found = run_script(_THIRD_AT_THE_RERUNS_KILL)
    assert found["fired"] == ["_wind_down_children"], f"no stop landed at the call: {found}"
    assert not found["hung"] and found["stopped"] and found["stops"] == 3, found
    assert found["alive"] == [], f"a rerun outlived the wind-down: {found}"
