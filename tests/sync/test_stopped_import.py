"""A library caller's run stopped while it imports pandas (the rollup's libraries, ~1 s
the first time in a process) may run again in that process: a stop in the middle left
pandas and numpy half-imported, and every later rollup failed on an ImportError. In a
child Python of its own: the import and the signal must be this process's first."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from tests.support.scripts import run_script

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="signals")

_STOPPED_IN_THE_IMPORT = """
import datetime as dt, importlib.abc, json, os, signal, sys
from pathlib import Path
from bench.generate import generate_workspace
from sheets_sync.config import load_workspace
from sheets_sync.sync.engine import SyncOptions
from sheets_sync.sync.run import run_sync

class StopInPandas(importlib.abc.MetaPathFinder):  # Ctrl-C as pandas loads its C parts
    fired = False

    def find_spec(self, name, path, target=None):
        if name == "pandas._libs.interval" and not StopInPandas.fired:
            StopInPandas.fired = True
            os.kill(os.getpid(), signal.SIGINT)
        return None

sys.meta_path.insert(0, StopInPandas())
workspace = load_workspace(generate_workspace(Path(sys.argv[1]), 10))
options = SyncOptions(as_of=dt.date(2026, 11, 23), workers=int(sys.argv[2]))
try:
    run_sync(workspace, options)
    first = "ran"
except KeyboardInterrupt:
    first = "stopped"
try:
    result = run_sync(workspace, options)
    second = "failed" if result.failed else result.rollup_output and "published"
except Exception as exc:
    second = f"{type(exc).__name__}: {exc}"
print(json.dumps({"fired": StopInPandas.fired, "first": first, "second": second}))
"""


@pytest.mark.parametrize("workers", [1, 2])
def test_a_run_stopped_as_pandas_is_imported_can_run_again(tmp_path: Path, workers: int) -> None:
    """With workers pandas is imported while they parse (``import_libraries``), without
    them as the rollup is prepared: the stop waits for the import, then stops the run."""
    ws = str(tmp_path / "ws")
    found = run_script(_STOPPED_IN_THE_IMPORT, ws, str(workers), clean=False, last_line=True)
    assert found == {"fired": True, "first": "stopped", "second": "published"}, found


_TWO_STOPS_IN_THE_IMPORT = """
import importlib.abc, json, os, signal, sys, threading, time
from pathlib import Path
from sheets_sync.sync import parallel, rollup_step

out = Path(sys.argv[1])
release = out / "release"

class TwoStopsInPandas(importlib.abc.MetaPathFinder):  # Ctrl-C twice as pandas loads
    fired = False

    def find_spec(self, name, path, target=None):
        if name == "pandas._libs.interval" and not TwoStopsInPandas.fired:
            TwoStopsInPandas.fired = True
            signal.raise_signal(signal.SIGINT)  # first: stop after the teams in hand
            signal.raise_signal(signal.SIGINT)  # second: kill them now
        return None

def task(i):  # a team that takes long to write: till the script releases it
    (out / f"begun.{i}").write_text(str(os.getpid()))  # then renamed: whole once seen
    (out / f"begun.{i}").rename(out / f"begun-{i}")  # (read empty: a worker killed mid-write)
    began = time.monotonic()
    while not release.exists() and time.monotonic() - began < 60:
        time.sleep(0.01)
    (out / str(i)).write_text("")
    return i

imported = threading.Event()

from tests.support.scripts import main_asleep  # the main thread asleep in a wait

def let_go():  # once the run waits for the teams in hand, they may finish
    imported.wait()
    main_asleep()
    release.write_text("")

def meanwhile():
    while len(list(out.glob("begun-*"))) < 2:  # both workers are in a team
        time.sleep(0.01)
    sys.meta_path.insert(0, TwoStopsInPandas())
    threading.Thread(target=let_go, daemon=True).start()
    try:
        rollup_step.import_libraries()
    finally:
        imported.set()

stopped = False
try:
    list(parallel.map_in_workers(task, 4, 2, meanwhile))
except KeyboardInterrupt:
    stopped = True
pids = [int(p.read_text()) for p in out.glob("begun-*")]
print(json.dumps({
    "fired": TwoStopsInPandas.fired, "stopped": stopped,
    "alive": [pid for pid in pids if os.path.exists(f"/proc/{pid}")],
    "written": sorted(p.name for p in out.iterdir() if p.name.isdigit()),
}))
"""


def test_a_second_stop_while_pandas_is_imported_kills_the_workers(tmp_path: Path) -> None:
    """The import blocked the stop signals (``stops.held``): two Ctrl-Cs merged into one
    pending signal, raised once on leaving, and the run waited for the teams in hand
    instead of killing them. Here they finish only once the run waits for them."""
    found = run_script(_TWO_STOPS_IN_THE_IMPORT, str(tmp_path), clean=False, last_line=True)
    assert found["fired"] and found["stopped"], found
    assert found["alive"] == [], found
    assert found["written"] == [], "a team in hand was finished, not killed"


_STOP_HEARD_IN_THE_IMPORT = """
import importlib.abc, json, os, signal, sys, time
from pathlib import Path
from sheets_sync.sync import parallel, rollup_step

out = Path(sys.argv[1])

def heard():
    return len(list(out.glob("heard-*")))

class StopInPandas(importlib.abc.MetaPathFinder):  # Ctrl-C as pandas loads its C parts
    fired = heard = False

    def find_spec(self, name, path, target=None):
        if name == "pandas._libs.interval" and not StopInPandas.fired:
            StopInPandas.fired = True
            signal.raise_signal(signal.SIGINT)
            deadline = time.monotonic() + 60  # the import goes on once both workers heard
            while heard() < 2 and time.monotonic() < deadline:
                time.sleep(0.01)
            StopInPandas.heard = heard() == 2
        return None

def task(i):  # a team in hand until the workers' stop flag is up
    (out / f"begun.{i}").write_text(str(os.getpid()))  # then renamed: whole once seen
    (out / f"begun.{i}").rename(out / f"begun-{i}")  # (read empty: a worker killed mid-write)
    began = time.monotonic()
    while not parallel._flag[0].value and time.monotonic() - began < 60:
        time.sleep(0.01)
    if parallel._flag[0].value > 0:
        (out / f"heard-{i}").write_text("")
    return i

def meanwhile():
    while len(list(out.glob("begun-*"))) < 2:  # both workers are in a team
        time.sleep(0.01)
    sys.meta_path.insert(0, StopInPandas())
    rollup_step.import_libraries()

stopped = False
try:
    list(parallel.map_in_workers(task, 8, 2, meanwhile))
except KeyboardInterrupt:
    stopped = True
import pandas
pids = [int(p.read_text()) for p in out.glob("begun-*")]
print(json.dumps({
    "fired": StopInPandas.fired, "heard": StopInPandas.heard, "stopped": stopped,
    "begun": len(pids), "alive": [pid for pid in pids if os.path.exists(f"/proc/{pid}")],
    "pandas": int(pandas.DataFrame({"a": [1, 2]})["a"].sum()),
}))
"""


def test_a_stop_while_pandas_is_imported_tells_the_workers_at_once(tmp_path: Path) -> None:
    """The stop was held till the import's end (``stops.held(block=False)``), and the
    workers, not told, went on for as long (~1 s), beginning teams. Here the import ends
    only once both workers have heard of the stop; it still ends whole."""
    found = run_script(_STOP_HEARD_IN_THE_IMPORT, str(tmp_path), clean=False, last_line=True)
    assert found["fired"] and found["stopped"], found
    assert found["heard"], "the workers heard of the stop only once the import was done"
    assert found["begun"] == 2 and found["alive"] == [], found
    assert found["pandas"] == 3, found
