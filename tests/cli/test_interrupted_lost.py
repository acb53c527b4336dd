"""A Ctrl-C whose ``Interrupted`` CPython dropped: the run's handler ran inside a finalizer
(a ``__del__``, which the garbage collector runs anywhere; CPython's "Exception ignored"
on stderr, which the CLI keeps out of it) as the run took a team's outcome in. A real
``sheets-sync sync`` process."""

from __future__ import annotations

import shutil
import signal
import sys
from pathlib import Path

import pytest

from tests.cli.test_interrupted_sync import AS_OF, LANDED, big  # noqa: F401  (a fixture)
from tests.support.cpus import needs_two_cpus
from tests.support.scripts import HANG, in_session

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="fork, killpg")

_LOST_AT_A_TEAM = """
import os, signal, sys, time
from sheets_sync.cli import main
from sheets_sync.sync import engine

kept, at, calls = engine.kept_run, int(sys.argv[1]), []

class Finalized:
    def __del__(self):
        os.killpg(0, signal.SIGINT)  # Ctrl-C: the terminal signals the group
        began = time.monotonic()
        while time.monotonic() - began < 0.3:
            pass

def kept_run(run):
    calls.append(1)
    if len(calls) == at:  # the run takes this team's outcome in
        Finalized()
    return kept(run)

engine.kept_run = kept_run
sys.argv = ["sheets-sync", *sys.argv[2:]]
main()
"""


@pytest.mark.parametrize(
    ("workers", "at"),
    [
        # the pool's last chunk: nothing raised it again
        pytest.param("2", 40, marks=needs_two_cpus),
        ("1", 20),  # no pool: a team in the middle of the night
    ],
)
def test_a_ctrl_c_lost_as_a_team_is_taken_in_stops_the_run(
    big: Path,  # noqa: F811
    tmp_path: Path,
    workers: str,
    at: int,
) -> None:
    """The run went on: it synced the other teams, published the company rollup and
    exited 0 (README: Ctrl-C stops the run between teams, exit 130, no rollup)."""
    ws = tmp_path / "ws"
    shutil.copytree(big.parent, ws)
    argv = ["-vv", "sync", "--config", str(ws / "sheets-sync.yaml"), "--workers", workers]
    with in_session([sys.executable, "-c", _LOST_AT_A_TEAM, str(at), *argv, *AS_OF]) as proc:
        out, err = proc.communicate(timeout=HANG)
    assert LANDED.format("SIGINT") in err, "the signal did not land in the finalizer"
    assert "Traceback" not in err and "Exception ignored" not in err, err
    assert proc.returncode == -signal.SIGINT, out + err
    assert err.splitlines()[-1].startswith(
        f"error: interrupted by SIGINT: stopped with {at} of 40 teams done; "
    ), err
    changed = [b for b in (ws / "teams").glob("*.xlsx")
               if b.read_bytes() != (big.parent / "teams" / b.name).read_bytes()]  # fmt: skip
    assert len(changed) == at
    assert not (ws / "company.xlsx").exists()
    assert not list(ws.rglob(".*tmp")), "a temp file was left behind"


_IN_A_FINALIZE = """
import multiprocessing.util, os, signal, sys, time
from pathlib import Path
from sheets_sync.cli import main
from sheets_sync.sync import engine

kept, landed, calls = engine.kept_run, Path(sys.argv[1]), []

class Owner:
    pass

def finalize():  # as a pool's ``Finalize``: a weakref callback
    try:
        os.kill(os.getpid(), signal.SIGTERM)  # systemctl stop, KillMode=mixed
        began = time.monotonic()
        while time.monotonic() - began < 5:
            pass
    except BaseException:
        landed.touch()  # the handler ran here, inside the finalizer
        raise

def kept_run(run):
    calls.append(1)
    if len(calls) == 20:  # the run takes this team's outcome in
        multiprocessing.util.Finalize(Owner(), finalize)
    return kept(run)

engine.kept_run = kept_run
sys.argv = ["sheets-sync", *sys.argv[2:]]
main()
"""


def test_a_stop_lost_in_a_finalizer_prints_no_traceback(
    big: Path,  # noqa: F811
    tmp_path: Path,
) -> None:
    """A SIGTERM landing in a ``multiprocessing`` ``Finalize`` printed "Exception ignored
    in: <Finalize object, dead> ... Traceback ... Interrupted: 15" in the cron log, though
    the run stopped at its next check as it should (README: no traceback reaches a user)."""
    ws, landed = tmp_path / "ws", tmp_path / "landed"
    shutil.copytree(big.parent, ws)
    argv = ["sync", "--config", str(ws / "sheets-sync.yaml"), "--workers", "1", *AS_OF]
    with in_session([sys.executable, "-c", _IN_A_FINALIZE, str(landed), *argv]) as proc:
        out, err = proc.communicate(timeout=HANG)
    assert landed.exists(), "the signal did not land in the finalizer"
    assert "Traceback" not in err and "Exception ignored" not in err, err
    assert proc.returncode == -signal.SIGTERM, out + err
    assert err.splitlines()[-1].startswith(
        "error: interrupted by SIGTERM: stopped with 20 of 40 teams done; "
    ), err
