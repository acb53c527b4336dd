"""``stops.held``: what it puts back on leaving. In this process's main thread, each
test's handlers put back after it."""

from __future__ import annotations

import signal
import sys
import threading
from collections.abc import Callable, Iterator
from types import FrameType
from typing import Any

import pytest

from sheets_sync.sync import stops

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="signals")


@pytest.fixture(autouse=True)
def handlers_kept() -> Iterator[None]:
    before = {signum: signal.getsignal(signum) for signum in stops.SIGNALS}
    mask = signal.pthread_sigmask(signal.SIG_BLOCK, [])
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, mask)
        for signum, handler in before.items():
            signal.signal(signum, handler)


def callers_stop(ran: list[int]) -> Callable[[int, FrameType | None], None]:
    """A library caller's handler for SIGINT and SIGTERM, put in for both: it notes
    each signal it runs for in ``ran`` and raises ``KeyboardInterrupt(signum)``."""

    def stop(signum: int, _frame: FrameType | None) -> None:
        ran.append(signum)
        raise KeyboardInterrupt(signum)

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    return stop


def callers(signum: int, _frame: FrameType | None) -> None:
    """A library caller's handler: "a second Ctrl-C kills"."""
    signal.signal(signum, signal.SIG_DFL)
    raise KeyboardInterrupt


@pytest.mark.parametrize("block", [False, True])
def test_a_handler_that_puts_in_another_keeps_it(block: bool) -> None:
    """With ``block=False`` the handler runs in the block: on leaving, the one it
    replaced was put back over its ``SIG_DFL`` until 2026-12-06."""
    signal.signal(signal.SIGINT, callers)
    with pytest.raises(KeyboardInterrupt), stops.held(block=block):
        signal.raise_signal(signal.SIGINT)
        for _ in range(1000):  # where a pending handler runs
            pass
    assert signal.getsignal(signal.SIGINT) is signal.SIG_DFL, "the caller's choice undone"


def test_a_stop_as_the_handlers_are_put_back_leaves_none_of_held_s(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A SIGINT whose handler, put back first, runs before SIGTERM's is put back: it
    raised in the middle, and SIGTERM kept ``held``'s handler for good (each later one
    noted and never raised). Now it is raised once all are put back, and its handler
    runs as usual."""
    ran: list[int] = []
    stop = callers_stop(ran)
    put = signal.signal

    def put_then_stop(signum: int, handler: Any) -> Any:
        before = put(signum, handler)
        if signum == signal.SIGINT and handler is stop:  # a Ctrl-C comes just then
            signal.pthread_kill(threading.main_thread().ident or 0, signal.SIGINT)
        return before

    with pytest.raises(KeyboardInterrupt) as raised, stops.held(block=False):
        monkeypatch.setattr(signal, "signal", put_then_stop)
    monkeypatch.undo()
    assert signal.getsignal(signal.SIGTERM) is stop, "held's handler left in place"
    assert signal.getsignal(signal.SIGINT) is stop
    assert ran == [signal.SIGINT] and raised.value.args == (signal.SIGINT,), ran


@pytest.mark.parametrize("block", [False, True])
def test_a_stop_as_the_handlers_are_swapped_in_leaves_none_of_held_s(
    monkeypatch: pytest.MonkeyPatch, block: bool
) -> None:
    """A SIGTERM whose handler runs once SIGINT's was swapped for ``held``'s, before
    SIGTERM's is: the swapping was before ``held``'s ``try``, so its exception left
    ``__enter__`` with ``held``'s SIGINT handler in for good (a library caller lost every
    later Ctrl-C, until 2026-12-06, review). Now the one swapped in is put back."""
    stop = callers_stop([])
    put = signal.signal

    def put_then_stop(signum: int, handler: Any) -> Any:
        before = put(signum, handler)
        if signum == signal.SIGINT and handler is not stop:  # a SIGTERM comes just then
            signal.pthread_kill(threading.main_thread().ident or 0, signal.SIGTERM)
        return before

    monkeypatch.setattr(signal, "signal", put_then_stop)
    with pytest.raises(KeyboardInterrupt) as raised, stops.held(block=block):
        pass
    monkeypatch.undo()
    assert raised.value.args == (signal.SIGTERM,)
    assert signal.getsignal(signal.SIGINT) is stop, "held's handler left in place"
    assert signal.getsignal(signal.SIGTERM) is stop


def test_a_stop_taken_by_another_thread_as_handlers_are_put_back_loses_no_later_one(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """With another thread alive, a process-directed SIGINT blocked in the main thread is
    taken by the other; its handler, just put back, then runs in the main thread inside
    the restore loop, and raised out of it: SIGTERM kept ``held``'s handler, and a later
    SIGTERM was kept in a list no one read (review). The handler left in now acts as the
    one it replaced. The handler's run in the loop is raised here where the race puts it."""
    ran: list[int] = []
    stop = callers_stop(ran)
    put = signal.signal

    def put_then_stop(signum: int, handler: Any) -> Any:
        before = put(signum, handler)
        if signum == signal.SIGINT and handler is stop:  # its handler runs just then
            stop(signal.SIGINT, None)
        return before

    with pytest.raises(KeyboardInterrupt), stops.held(block=False):
        monkeypatch.setattr(signal, "signal", put_then_stop)
    monkeypatch.undo()
    assert ran == [signal.SIGINT]
    with pytest.raises(KeyboardInterrupt) as later:  # a later SIGTERM still stops
        signal.pthread_kill(threading.main_thread().ident or 0, signal.SIGTERM)
        for _ in range(1000):  # its handler runs at the next bytecodes
            pass
    assert later.value.args == (signal.SIGTERM,) and ran == [signal.SIGINT, signal.SIGTERM]
    assert signal.getsignal(signal.SIGTERM) is stop  # and it is the caller's again


def test_a_second_stop_cuts_the_serial_task_in_hand() -> None:
    """``--workers 1``: a stop waits for the team in hand, but with no worker to kill a
    second one waited too, for every team of a workbook (review). It now cuts it."""
    ran: list[str] = []

    def stop(signum: int, _frame: FrameType | None) -> None:
        raise KeyboardInterrupt(signum)

    signal.signal(signal.SIGINT, stop)
    me = threading.main_thread().ident or 0

    def task(i: int) -> int:
        signal.pthread_kill(me, signal.SIGINT)  # the first: the task goes on
        for _ in range(1000):
            pass
        ran.append("after the first")
        signal.pthread_kill(me, signal.SIGINT)  # the second: cut here
        for _ in range(1000):
            pass
        ran.append("after the second")
        return i

    counted: list[int] = []
    with pytest.raises(KeyboardInterrupt):
        list(stops.serially(task, 3, lambda i, _: counted.append(i)))
    assert ran == ["after the first"] and counted == []
