"""The undo of a night's history snapshot as an error or a stop ends the night, by
``Sync.run`` (a night that fails inside its run) and ``run_sync`` (one that fails after
it, before the night was settled). One place for both: a stop landing in the undo after
another error must lose neither (until 2026-12-08 ``Sync.run``'s undo let the stop
replace a full disk, review)."""

from __future__ import annotations

import signal
from collections.abc import Callable

from sheets_sync.errors import Interrupted
from sheets_sync.loggers import get_logger
from sheets_sync.sync import stops

log = get_logger("sheets_sync.sync")


def undo_night(undo: Callable[[], object], ended: BaseException) -> None:
    """``undo`` (the night's history snapshot undone) as ``ended`` ends the night before it
    was settled: its alerts may not have gone out, and the next run sends them. A stop in
    the undo cuts it short, the rows left pending (the next sync undoes them). After a
    first stop it is that one's second, and the first goes up. After another error, the
    error goes up to be said, and the stop is said here and kept (``stops.dropped``):
    the command dies by it once it has said the error (``cli.main``), a library caller's
    next check raises it. Until 2026-12-08 it was dropped unsaid, and the process went on
    as if never asked to stop (exit 1, not 143: systemd, Airflow, a shell's ``$?``). A
    Ctrl-C under Python's own handler goes up at once (``_raised_now``)."""
    try:
        undo()
    except KeyboardInterrupt as stop:
        if isinstance(ended, KeyboardInterrupt):
            return  # a second stop, the first goes up
        if not isinstance(stop, Interrupted):  # Python's own Ctrl-C: a library caller's
            _raised_now(ended)
            raise
        if not stops.noted(stop.signum):  # cleared on its way here: kept all the same
            stops.note(stop.signum)
        stops.dropped(stop.signum)
        signum = stop.signum
        log.warning(
            "stopped by %s as tonight's history snapshot was undone: it stays pending, "
            "and the next sync undoes it; stopping once the error is said",
            signal.Signals(signum).name,
        )


def _raised_now(ended: BaseException) -> None:
    """A Ctrl-C under Python's own handler (a library caller's: ``run_sync`` in a script,
    a notebook) goes up at once, the error its ``__context__``, and is said with the
    error here for a log that keeps no traceback. Until 2026-12-08 it was noted and kept
    as the command's stop is: the caller got the error, and its next ``run_sync``
    (maybe a night later, in a long-lived process) raised ``Interrupted`` at its first
    check, which ``docs/library.md`` says only the command line's handlers raise."""
    log.warning(
        "stopped by SIGINT as tonight's history snapshot was undone after %s: %s; it stays "
        "pending, and the next sync undoes it",
        type(ended).__name__,
        ended,
    )
