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
    as if never asked to stop (exit 1, not 143: systemd, Airflow, a shell's ``$?``)."""
    try:
        undo()
    except KeyboardInterrupt as stop:
        if isinstance(ended, KeyboardInterrupt):
            return  # a second stop, the first goes up
        signum = stop.signum if isinstance(stop, Interrupted) else signal.SIGINT
        if not stops.noted(signum):  # Python's own Ctrl-C: no handler of ours noted it
            stops.note(signum)
        stops.dropped(signum)
        log.warning(
            "stopped by %s as tonight's history snapshot was undone: it stays pending, "
            "and the next sync undoes it; stopping once the error is said",
            signal.Signals(signum).name,
        )
