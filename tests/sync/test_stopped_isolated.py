"""A stop signal in the windows around a rerun's outcome (``parallel.isolated``): a team
the child finished is kept, whether the signal reaches the child as it sends its outcome
or the parent after it received it. Real forks, in a child Python of its own."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from tests.support.scripts import run_script
from tests.sync.test_stopped_map import _script

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="fork, signals")

_CHILD_SENDING = """
import json, os, signal, sys, threading, time
from pathlib import Path
from sheets_sync.sync import parallel

marks = Path(sys.argv[1])

def wait_for(mark):  # up to a minute: the signal comes in the window, however late
    for _ in range(6000):
        if (marks / mark).exists():
            return
        time.sleep(0.01)

class Slow:  # an outcome whose send lasts until the stop signal has been sent
    def __reduce__(self):
        (marks / "sending").touch()
        wait_for("signalled")
        return (str, ("team 0 written",))

def task(i):
    (marks / "written").touch()
    return Slow()

def ctrl_c():  # the whole group: the child too, as it sends
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})  # for the main thread to take
    while not (marks / "sending").exists():
        time.sleep(0.005)
    os.killpg(0, signal.SIGINT)
    (marks / "signalled").touch()

threading.Thread(target=ctrl_c, daemon=True).start()
done = {}
try:
    parallel.isolated(task, [0], 1, lambda i, why: f"crashed: {why}", done)
    stopped = False
except KeyboardInterrupt:
    stopped = True
print(json.dumps({"stopped": stopped, "done": done}))
"""


def test_a_stop_as_a_rerun_sends_its_outcome_keeps_its_team(tmp_path: Path) -> None:
    """The child counted itself out of its team before the send: signalled then, it
    exited at once (130) with its team written, and the team was dropped from those done
    (or, without a stop seen by the parent, reported FAILED "worker died")."""
    found = _script(_CHILD_SENDING, str(tmp_path))
    assert found == {"stopped": True, "done": {"0": "team 0 written"}}


_PARENT_JOINING = """
import json, os, signal, sys, threading, time
from multiprocessing import util
from multiprocessing.process import BaseProcess
from pathlib import Path
from sheets_sync.sync import parallel

marks = Path(sys.argv[1])

def linger():  # the child ends only once the parent was signalled
    for _ in range(6000):
        if (marks / "signalled").exists():
            return
        time.sleep(0.01)

def task(i):
    util.Finalize(None, linger, exitpriority=0)  # the child lingers after its send
    return f"team {i} written"

join = BaseProcess.join

def joining(self, timeout=None):  # the parent, outcome received, waits for the child
    if os.getpid() == parent:
        (marks / "joining").touch()
    return join(self, timeout)

BaseProcess.join = joining
parent = os.getpid()

def stop():  # the parent alone (kill PID), as it waits for the child to end
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})  # for the main thread to take
    while not (marks / "joining").exists():
        time.sleep(0.005)
    os.kill(os.getpid(), signal.SIGINT)
    (marks / "signalled").touch()

threading.Thread(target=stop, daemon=True).start()
done = {}
try:
    parallel.isolated(task, [0], 1, None, done)
    stopped = False
except KeyboardInterrupt:
    stopped = True
print(json.dumps({"stopped": stopped, "done": done}))
"""


def test_a_stop_after_a_rerun_sent_its_outcome_keeps_its_team(tmp_path: Path) -> None:
    """The parent stored an outcome only after the child had ended: a signal while it
    waited for that discarded the outcome it had already received."""
    found = _script(_PARENT_JOINING, str(tmp_path))
    assert found == {"stopped": True, "done": {"0": "team 0 written"}}


_CHILD_SLOW_TO_EXIT = """
import json, os, signal, sys, threading, time
from pathlib import Path
from sheets_sync.sync import parallel

marks = Path(sys.argv[1])
handled = threading.Event()

def interrupt(signum, frame):
    handled.set()
    raise KeyboardInterrupt

signal.signal(signal.SIGINT, interrupt)

def linger():  # a thread the team's task left running: the child exits once it ends
    for _ in range(6000):
        if (marks / "release").exists():
            return
        time.sleep(0.01)

def task(i):
    threading.Thread(target=linger).start()  # not a daemon: the child's exit waits
    (marks / "sent").touch()
    return i

from tests.support.scripts import main_asleep  # the main thread asleep in a wait

found = {}

def ctrl_c():  # to the run only, taken by this thread: its C handler runs here
    while not (marks / "sent").exists():
        time.sleep(0.005)
    main_asleep()  # waiting for the child to exit
    signal.pthread_kill(threading.get_ident(), signal.SIGINT)
    found["handled"] = handled.wait(30)
    (marks / "release").touch()

threading.Thread(target=ctrl_c, daemon=True).start()
try:
    found["done"] = parallel.isolated(task, [0], 1)
    found["stopped"] = False
except KeyboardInterrupt:
    found["stopped"] = True
print(json.dumps(found))
"""


def test_a_stop_while_a_rerun_child_exits_is_handled_at_once(tmp_path: Path) -> None:
    """The run joined a child that had sent its outcome with no timeout: a stop whose C
    handler ran in another thread was seen only once the child exited (here, once the
    thread its task left running ended)."""
    found = _script(_CHILD_SLOW_TO_EXIT, str(tmp_path))
    assert found["handled"], found
    assert found["stopped"], found


_REAPED_BY_THE_KERNEL = """
import json, os, signal, sys, threading, time
from pathlib import Path
from sheets_sync.sync import parallel

out = Path(sys.argv[1])
signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # a daemon-style library caller: the kernel reaps

def task(i):  # the second reruns' teams are in hand till the run was stopped
    if i == 3:
        os._exit(7)  # dies: no exit status to name
    if i >= 10:
        (out / f"begun-{i}").write_text("")
        while not (out / "release").exists():
            time.sleep(0.01)
    return i * 2

first = {}
rerun = threading.Thread(target=lambda: first.update(
    parallel.isolated(task, [0, 1, 2, 3], 2, lambda i, why: why)))
rerun.daemon = True
rerun.start()
rerun.join(60)  # only a hang reaches it

from tests.support.scripts import main_asleep

def stop():  # the run alone: its children finish their team
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})  # for the main thread to take
    while len(list(out.glob("begun-*"))) < 2:
        time.sleep(0.01)
    os.kill(os.getpid(), signal.SIGINT)
    main_asleep()  # in the wind-down's wait for them
    (out / "release").write_text("")

threading.Thread(target=stop, daemon=True).start()
second, stopped = {}, False
try:
    parallel.isolated(task, [10, 11, 12], 2, done=second)
except KeyboardInterrupt:
    stopped = True
print(json.dumps({"first": {str(k): v for k, v in first.items()}, "stopped": stopped,
                  "second": {str(k): v for k, v in second.items()}}))
"""


def test_reruns_whose_children_the_kernel_reaps_end_and_stop(tmp_path: Path) -> None:
    """A child reaped by the kernel (SIGCHLD ignored) never has an exit code: the reruns
    waited for one for good, after each child's outcome and in a stop's wind-down. One
    that died says so, not "exit status None"."""
    found = run_script(_REAPED_BY_THE_KERNEL, str(tmp_path))
    unknown = "exit status unknown, SIGCHLD ignored?"
    assert found["first"] == {"0": 0, "1": 2, "2": 4, "3": unknown}, found
    assert found["stopped"] and found["second"] == {"10": 20, "11": 22}, found
