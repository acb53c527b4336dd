"""A stop signal to a run with worker processes (``parallel.map_in_workers``): each worker
stops between teams, every finished team is told, a second signal ends the workers at
once, and a signal as a worker starts is its own to handle. Real forks, in a child
Python of its own, so the signals reach no test."""

from __future__ import annotations

import os
import signal
import sys
from pathlib import Path
from typing import Any

import pytest

from bench.generate import generate_workspace
from sheets_sync.config import load_workspace
from sheets_sync.errors import Interrupted
from sheets_sync.sync.engine import Sync, SyncOptions
from sheets_sync.sync.outcome import TeamRun
from tests.support.scripts import run_script
from tests.sync.test_parallel import AS_OF

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="fork, signals")
ROOT = Path(__file__).resolve().parents[2]


def _script(code: str, *args: str) -> dict[str, Any]:
    """``killpg(0)`` in a script signals its own processes only (``run_script``)."""
    return run_script(code, *args)


_BETWEEN_TEAMS = """
import json, os, signal, sys, threading, time
from pathlib import Path
from sheets_sync.sync.parallel import map_in_workers

out = Path(sys.argv[1])

def task(i):
    time.sleep(0.1)
    (out / str(i)).write_text("")
    return i

def stop():  # once a few teams are written: a fixed 0.6 s found none on a loaded machine
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})  # for the main thread to take
    while len(list(out.iterdir())) < 4:
        time.sleep(0.005)
    os.kill(os.getpid(), signal.SIGINT)

got, late = [], []
threading.Thread(target=stop, daemon=True).start()
try:
    for value in map_in_workers(task, 40, 2, stopped=lambda i, v: late.append((i, v))):
        got.append(value)
except KeyboardInterrupt:
    pass
files = sorted(int(p.name) for p in out.iterdir())
print(json.dumps({"got": got, "late": late, "files": files}))
"""


def test_a_stop_to_the_parent_alone_stops_each_worker_after_its_team(tmp_path: Path) -> None:
    """``kill PID`` or systemd's KillMode=mixed: the workers were not told, and each went
    on to the end of its chunk (up to 16 teams) while the run said "0 of N done"."""
    found = _script(_BETWEEN_TEAMS, str(tmp_path))
    got, late, files = found["got"], found["late"], found["files"]
    assert all(i == v for i, v in late)
    told = got + [i for i, _ in late]
    assert sorted(told) == files, "every team written is told, and only those"
    assert len(told) == len(set(told))
    assert 4 <= len(files) < 20, files  # ~4 at the signal; the rest never begun


_SECOND_SIGNAL = """
import json, multiprocessing, multiprocessing.popen_fork, os, signal, sys, threading, time
from concurrent.futures import ProcessPoolExecutor
from sheets_sync.sync.parallel import map_in_workers

killed_by_pool = []
if sys.argv[1:] == ["kill_workers"]:  # as on Python 3.14+
    builtin = getattr(ProcessPoolExecutor, "kill_workers", None)

    def kill_workers(self):
        killed_by_pool.append(1)
        if builtin is not None:
            return builtin(self)
        processes = dict(self._processes or {})  # 3.14's, in short
        self.shutdown(wait=False, cancel_futures=True)
        for p in processes.values():
            p.kill()

    ProcessPoolExecutor.kill_workers = kill_workers

poll = multiprocessing.popen_fork.Popen.poll

def late_poll(self, flag=os.WNOHANG):  # a loaded machine: the pool's thread is late
    ended = poll(self, flag) is not None or self.returncode is not None
    if ended and not hasattr(self, "late") and threading.current_thread().name != "MainThread":
        self.late = True  # once a worker, in the pool's thread, as it sees it end
        time.sleep(0.3)
    return self.returncode

multiprocessing.popen_fork.Popen.poll = late_poll

begun, tell = os.pipe()
winding = threading.Event()
shutdown = ProcessPoolExecutor.shutdown

def marked_shutdown(self, wait=True, *, cancel_futures=False):
    if cancel_futures:  # ``wind_down``: the first stop waits for the teams in hand
        winding.set()
    return shutdown(self, wait, cancel_futures=cancel_futures)

ProcessPoolExecutor.shutdown = marked_shutdown

finished, ended = os.pipe()
os.set_blocking(finished, False)

def task(i):
    os.write(tell, b"1")
    time.sleep(60)  # a team that takes long to write
    os.write(ended, b"1")  # only a stop that waited for the teams in hand sees this
    return i

workers = []

def stop_twice():  # fixed waits (0.5 s each) let both signals in before the first was seen
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})  # for the main thread to take
    os.read(begun, 1), os.read(begun, 1)  # both workers are in a team
    workers.extend(p.pid for p in multiprocessing.active_children())  # the pool's, forked
    os.kill(os.getpid(), signal.SIGINT)
    winding.wait(30)
    os.kill(os.getpid(), signal.SIGINT)

def exists(pid):  # a zombie too: a worker must be reaped, not only dead
    return os.path.exists(f"/proc/{pid}")

timer = threading.Thread(target=stop_twice, daemon=True)
timer.start()
try:
    list(map_in_workers(task, 4, 2))
except KeyboardInterrupt:
    pass
threads = [t.name for t in threading.enumerate() if t not in (threading.main_thread(), timer)]
pids = set(workers) | {p.pid for p in multiprocessing.active_children()}
alive = sorted(pid for pid in pids if exists(pid))
try:
    done = len(os.read(finished, 64))
except BlockingIOError:
    done = 0
print(json.dumps({
    "finished": done, "workers": len(workers), "alive": alive,
    "pool": killed_by_pool, "threads": threads,
}))
"""


@pytest.mark.parametrize("python", ["", "kill_workers"])
def test_a_second_stop_ends_the_workers_at_once(python: str) -> None:
    """docs/scheduling.md promised it; the second signal was lost in the pool's wait.
    Python 3.14's ``kill_workers`` is used where there is one. Alive is asked of the
    kernel (``/proc``): ``active_children()`` listed a worker already killed and reaped
    by the pool's own thread until that thread stored its exit code (1 run in ~10).
    That thread, slowed here, ran on past the map on Python 3.11/3.12 (its join cut by
    the signal) and broke the interpreter's exit hook: "Exception ignored in ..."."""
    found = _script(_SECOND_SIGNAL, *[python] if python else [])
    assert found["finished"] == 0, "the second stop waited for the teams in hand"
    assert found["workers"] == 2
    assert found["alive"] == []
    assert found["threads"] == [], "the pool's thread outlived the map"
    assert found["pool"] == ([1] if python else [])


_WORKERS_WITHOUT_A_TABLE = """
import json, multiprocessing, time
from sheets_sync.sync.pool_end import _workers

other = multiprocessing.get_context("fork").Process(target=time.sleep, args=(30,))
other.start()
before = {p.pid for p in multiprocessing.active_children()}
ours = multiprocessing.get_context("fork").Process(target=time.sleep, args=(30,))
ours.start()
found = [p.pid for p in _workers(object(), before)]
for p in (other, ours):
    p.kill()
print(json.dumps({"found": found, "ours": ours.pid}))
"""


def test_the_workers_are_found_without_the_pools_private_table() -> None:
    """``ProcessPoolExecutor._processes`` is private: a Python without it kills the
    processes started since the pool was made."""
    found = _script(_WORKERS_WITHOUT_A_TABLE)
    assert found["found"] == [found["ours"]]


_SECOND_SIGNAL_IN_RERUNS = """
import json, multiprocessing, os, signal, threading, time
from sheets_sync.sync import parallel

finished, ended = os.pipe()
os.set_blocking(finished, False)

def task(i):
    time.sleep(60)  # a team that takes long to write
    os.write(ended, b"1")  # only a stop that waited for the teams in hand sees this
    return i

# The second signal once the run waits for the teams in hand: two sent before its handler
# ran for the first are one (POSIX and CPython keep one pending signal of a kind). And
# sent from a thread that blocks them: the kernel may hand a process's signal to any
# thread, the sender's own included, whose C handler then cannot wake a main thread
# asleep in select(), which waited for the 60 s teams (the test hung 1 run in 30).
wind_down, receive = parallel._wind_down_children, parallel._receive
started, waiting = threading.Event(), threading.Event()
winding = []

def winding_down(running, done):
    winding.append(True)
    return wind_down(running, done)

def awaited(running, done):  # the run waits for its children to end
    (waiting if winding else started).set()  # in the wind-down: the first stop was handled
    return receive(running, done)

parallel._wind_down_children, parallel._receive = winding_down, awaited

def stop_twice():
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})  # for the main thread to take
    started.wait()
    os.kill(os.getpid(), signal.SIGINT)
    waiting.wait()
    os.kill(os.getpid(), signal.SIGINT)

threading.Thread(target=stop_twice, daemon=True).start()
try:
    parallel.isolated(task, range(4), 2)
except KeyboardInterrupt:
    pass
alive = [p.pid for p in multiprocessing.active_children()]
try:
    done = len(os.read(finished, 64))
except BlockingIOError:
    done = 0
print(json.dumps({"finished": done, "alive": alive}))
"""


def test_a_second_stop_ends_the_reruns_at_once() -> None:
    """A crashed worker's teams run again one a process (``isolated``): one stop waits
    for the team in hand, a second kills them, and none is left running."""
    found = _script(_SECOND_SIGNAL_IN_RERUNS)
    assert found["finished"] == 0, "the second stop waited for the teams in hand"
    assert found["alive"] == []


_AS_A_WORKER_STARTS = """
import json, os, signal, time
from sheets_sync.sync import parallel

real = parallel._init_worker

def init(*args):
    os.killpg(0, signal.SIGINT)  # Ctrl-C as the worker starts: before its handlers are in
    time.sleep(0.1)
    real(*args)

parallel._init_worker = init
mask = signal.pthread_sigmask(signal.SIG_BLOCK, [])
try:
    list(parallel.map_in_workers(lambda i: time.sleep(0.2) or i, 8, 2))
    stopped = False
except KeyboardInterrupt:
    stopped = True
same = signal.pthread_sigmask(signal.SIG_BLOCK, []) == mask
print(json.dumps({"stopped": stopped, "mask_restored": same}))
"""


def test_a_stop_as_a_worker_starts_is_no_traceback() -> None:
    """A forked worker ran the parent's handler until ``_init_worker`` put in its own:
    "Exception in initializer" with a traceback. The stop signals now wait, blocked,
    until then; the parent's mask is as it was after the map."""
    assert _script(_AS_A_WORKER_STARTS) == {"stopped": True, "mask_restored": True}


@pytest.mark.slow
def test_a_stopped_library_run_leaves_no_prepared_rollup(eight_cpus: None, tmp_path: Path) -> None:
    """The rollup prepared while the workers write (``Sync.ahead``) was dropped by the
    CLI only: a library caller of ``Sync.run`` stopped by a signal kept its
    ``.company.xlsx.*.tmp``."""
    cfg = generate_workspace(tmp_path / "ws", 20)
    sync = Sync(load_workspace(cfg))
    stops: list[int] = []

    def progress(run: TeamRun) -> None:
        if sync.ahead and not stops:  # a write came back: the rollup is prepared
            stops.append(1)
            raise Interrupted(signal.SIGTERM)

    sync.progress = progress
    with pytest.raises(Interrupted):
        sync.run(SyncOptions(as_of=AS_OF, workers=2))
    assert stops, "the rollup was not prepared ahead"
    assert sync.ahead == []
    assert not list(cfg.parent.rglob(".*.tmp*")), "the prepared rollup's temp file was left"
    assert os.listdir(cfg.parent / ".sheets-sync" / "spill") == []


_REAPED_ELSEWHERE = """
import json, multiprocessing, os, signal, sys
from sheets_sync.sync import pool_end

signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # a daemon-style library caller: the kernel reaps
ctx = multiprocessing.get_context("fork")
before = {p.pid for p in multiprocessing.active_children()}
child = ctx.Process(target=os._exit, args=(0,))  # a rerun's child that finished
child.start()
child.join()
listed = [p.pid for p in multiprocessing.active_children()]
killed = []
real_kill, real_send = os.kill, getattr(signal, "pidfd_send_signal", None)
os.kill = lambda pid, sig: killed.append(pid) or real_kill(pid, sig)
if real_send is not None:
    signal.pidfd_send_signal = lambda fd, sig, *a: killed.append(fd) or real_send(fd, sig, *a)
pool_end.kill_started(before)  # the second Ctrl-C's handler
pool_end._kill(type("NoPool", (), {})(), [child])  # the wind-down's kill
print(json.dumps({"listed": child.pid in listed, "killed": killed}))
"""


def test_a_second_stop_kills_no_pid_that_is_no_longer_ours(tmp_path: Path) -> None:
    """A child reaped by someone else (here the kernel: SIGCHLD ignored) stays listed by
    ``multiprocessing`` with no exit code, and its pid may be another process's by the
    time a second stop came: it got the SIGKILL."""
    found = _script(_REAPED_ELSEWHERE)
    assert found["listed"], "the case no longer arises: the child is not listed"
    assert found["killed"] == [], found
