"""A stop signal the CLI's handler raised whose ``Interrupted`` never reached the run.

CPython runs a signal's handler at the main thread's next bytecode; inside a finalizer
(a ``__del__``, a weakref callback, which the garbage collector runs anywhere) the
exception it raises is printed as "Exception ignored" and dropped, and the run went on
as if no Ctrl-C had come: it synced every team, published the rollup and exited 0.
The handler notes its signal here before it raises (``cli_support._interrupt``), and
the run checks between teams and phases and before it publishes the rollup (``check``).
A pool's workers are told at once by its own wrapper (``pool_end.stops_recorded``)."""

from __future__ import annotations

from sheets_sync.errors import Interrupted

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
