"""A stop landing as ``pool_end.stops_recorded`` puts the caller's handlers back, once
a pool is done: the handlers of the signals not put back yet stayed its own for good,
recording into a pool that was gone. A library caller's later stops went through them,
and the second one ran that pool's ``kill_started``: a SIGKILL to every process the
caller had started since, its own included. In a child Python of its own (signals)."""

from __future__ import annotations

import sys

import pytest

from tests.support.scripts import run_script

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="fork, signals")

_STOP_IN_THE_RESTORE = """
import json, signal
from sheets_sync.sync import parallel

stops, fired, kills = [], [], []
kill_started = parallel.kill_started  # a second stop's SIGKILL to what the run started
parallel.kill_started = lambda before: (kills.append(1), kill_started(before))

def handler(signum, frame):  # a library caller's own: a stop ends what it is doing
    stops.append(signum)
    raise KeyboardInterrupt(signum)

for signum in (signal.SIGINT, signal.SIGTERM):
    signal.signal(signum, handler)
put_in = signal.signal

def putting_back(signum, new):  # the caller's SIGINT handler is back: a Ctrl-C lands
    old = put_in(signum, new)
    if new is handler and not fired:
        fired.append(signal.Signals(signum).name)
        signal.raise_signal(signal.SIGINT)  # its handler runs here, in the restore loop
    return old

signal.signal = putting_back
try:
    list(parallel.map_in_workers(lambda i: i, 4, 2))
    first = None
except KeyboardInterrupt as exc:
    first = exc.args[0]
signal.signal = put_in
caught = 0
for _ in range(2):  # two SIGTERMs the caller handles, after the run
    try:
        signal.raise_signal(signal.SIGTERM)
    except KeyboardInterrupt:
        caught += 1
print(json.dumps({
    "fired": fired, "first": first, "caught": caught, "kills": len(kills),
    "handlers": [signal.getsignal(s) is handler for s in (signal.SIGINT, signal.SIGTERM)],
}))
"""


def test_a_stop_as_the_pool_puts_the_handlers_back_leaves_none_of_its_own() -> None:
    found = run_script(_STOP_IN_THE_RESTORE)
    assert found["fired"] == ["SIGINT"], f"no stop landed in the restore: {found}"
    assert found["first"] == 2, found  # the Ctrl-C went on up as the caller's own
    assert found["caught"] == 2, found
    assert found["kills"] == 0, "a SIGTERM after the run killed what the caller started"
    assert found["handlers"] == [True, True], f"a handler of the pool's was left in: {found}"
