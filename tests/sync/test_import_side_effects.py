"""A program that imports sheets-sync as a library keeps its environment: the variables
that keep numpy's and pyarrow's native threads from starting are set only while
sheets-sync imports those libraries (``native_threads.py``), yet a night's writers still
fork with no thread but the forking one. The command line keeps them for its whole
process, so the programs it starts (``--notify-cmd``) inherit them, as before."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

QUIET = ("JE_ARROW_MALLOC_CONF", "OPENBLAS_NUM_THREADS")

_LIBRARY_NIGHT = """
import datetime as dt, multiprocessing, os, sys
import sheets_sync
QUIET = ("JE_ARROW_MALLOC_CONF", "OPENBLAS_NUM_THREADS")
after_import = {k: os.environ.get(k) for k in QUIET}
from sheets_sync.config import load_workspace
from sheets_sync.sync import rollup_step
from sheets_sync.sync.engine import Sync, SyncOptions
rollup_step.import_libraries()  # what the night imports while the readers parse
names = [open(f"/proc/self/task/{t}/comm").read().strip() for t in os.listdir("/proc/self/task")]
child = multiprocessing.get_context("fork").Process(target=print)
child.start()
child.join()
result = Sync(load_workspace(sys.argv[1])).run(SyncOptions(as_of=dt.date(2026, 11, 23)))
assert not result.failed and result.rollup_output, result
print(after_import, {k: os.environ.get(k) for k in QUIET}, names)
"""


def _env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k not in QUIET}


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="threads listed by Linux /proc")
def test_a_library_night_leaves_the_environment_and_forks_alone(workspace: Path) -> None:
    """Until 2026-12-05 ``import sheets_sync`` set both for good: the program's own numpy
    ran on one BLAS thread and every process it started inherited them."""
    done = subprocess.run(
        [sys.executable, "-W", "default", "-c", _LIBRARY_NIGHT, str(workspace)],
        capture_output=True,
        text=True,
        env=_env(),
        check=True,
    )
    unset = {k: None for k in QUIET}
    assert done.stdout.splitlines()[-1] == f"{unset} {unset} ['python']"
    assert "multi-threaded" not in done.stderr  # Python 3.12+'s warning at the fork


def test_a_value_the_user_set_is_kept() -> None:
    code = "import sheets_sync.rollup, os; print(os.environ['OPENBLAS_NUM_THREADS'])"
    env = {**_env(), "OPENBLAS_NUM_THREADS": "4"}
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
    )
    assert done.stdout == "4\n"


def test_the_command_line_keeps_them_for_the_processes_it_starts() -> None:
    code = (
        "import os, sys\n"
        "sys.argv = ['sheets-sync', '--version']\n"
        "try:\n"
        "    from sheets_sync.cli import main\n"
        "    main()\n"
        "finally:\n"
        f"    print([os.environ.get(k) for k in {QUIET!r}])\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=_env(), check=True
    )
    assert done.stdout.splitlines()[-1] == "['background_thread:false', '1']"
