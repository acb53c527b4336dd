"""A library caller's run stopped while it imports pandas (the rollup's libraries, ~1 s
the first time in a process) may run again in that process: a stop in the middle left
pandas and numpy half-imported, and every later rollup failed on an ImportError. In a
child Python of its own: the import and the signal must be this process's first."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="signals")
ROOT = Path(__file__).resolve().parents[2]

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
    done = subprocess.run(
        [sys.executable, "-c", _STOPPED_IN_THE_IMPORT, str(tmp_path / "ws"), str(workers)],
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
        cwd=ROOT,
        start_new_session=True,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    found = json.loads(done.stdout.splitlines()[-1])
    assert found == {"fired": True, "first": "stopped", "second": "published"}, found
