"""A stop signal the CLI's handler raised whose ``Interrupted`` never reached the run.

CPython runs a signal's handler at the main thread's next bytecode; inside a finalizer
(a ``__del__``, a weakref callback, which the garbage collector runs anywhere) the
exception it raises is printed as "Exception ignored" and dropped, and the run went on
as if no Ctrl-C had come: it synced every team, published the rollup and exited 0.
The handler notes its signal here before it raises (``cli_support._interrupt``), and
the run checks between teams and phases and before it publishes the rollup (``check``).
A pool's workers are told at once by its own wrapper (``pool_end.stops_recorded``).
Where a stop must not land at all (a fork, an import), signals are ``held``."""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Iterator
from typing import Any

from sheets_sync.errors import Interrupted

SIGNALS = tuple(  # no SIGHUP on Windows
    s for s in (signal.SIGINT, signal.SIGTERM, getattr(signal, "SIGHUP", None)) if s is not None
)

_noted: list[int] = []  # the signals noted and not yet raised or seen arriving


def note(signum: int) -> None:
    """The CLI's handler is about to raise ``Interrupted(signum)``."""
    _noted.append(signum)


def check() -> None:
    """Raises ``Interrupted`` for a noted stop whose exception was lost: called only where
    none is on its way, so one noted and not ``arrived`` was lost."""
    if _noted:
        signum = _noted[0]
        _noted.clear()
        raise Interrupted(signum)


def arrived() -> None:
    """An ``Interrupted`` reached the run: nothing noted is lost."""
    _noted.clear()


@contextlib.contextmanager
def held(block: bool = True) -> Iterator[None]:
    """Stop signals wait while the block runs, and each that came is raised again on
    leaving, in order, for the usual handler: the first one's exception goes on up, and
    a second one runs its handler too (``pool_end.stops_recorded`` kills the workers
    then). For what a stop must not cut in two. ``block``: the signals are blocked too,
    for a fork (a child inherits the mask and unblocks them once its own handlers are
    in: ``parallel.py``; raised between a fork and the pool's note of the child, it left
    a worker no one ended). An import is not a fork (``block=False``: a module left
    half-imported breaks every later import of it in the process,
    ``rollup_step.import_libraries``): blocked, two Ctrl-Cs merged into one pending
    signal, and a second stop meant to kill the teams in hand was lost. Deferred by a
    counting handler either way: another thread may take the signal for this one, and
    its C handler still runs ours."""
    caught: list[int] = []
    handlers: dict[int, Any] = {}
    if threading.current_thread() is threading.main_thread():
        for signum in SIGNALS:
            if signal.getsignal(signum) not in (None, signal.SIG_IGN):  # nohup's stays
                handlers[signum] = signal.signal(signum, lambda n, _f: caught.append(n))
    old = signal.pthread_sigmask(signal.SIG_BLOCK, SIGNALS) if block else None
    try:
        yield
    finally:
        if old is not None:
            signal.pthread_sigmask(signal.SIG_SETMASK, old)
        for number, handler in handlers.items():
            signal.signal(number, handler)
        _replay(caught)


def _replay(caught: list[int]) -> None:
    """Each caught signal raised again, its handler run; the first exception raised."""
    first: BaseException | None = None
    for signum in caught:
        try:
            signal.raise_signal(signum)
        except BaseException as exc:  # a stop's own exception: the first is kept
            if first is None:
                first = exc
    if first is not None:
        raise first
