"""A sync stopped while a dead worker's teams are run again, one a process (``parallel.
isolated``): the reruns in hand finish their team before the run lets go of the lock,
removes its scratch folder and dies by the signal. A real ``sheets-sync sync`` process."""

from __future__ import annotations

import os
import shutil
import signal
import sys
import zipfile
from pathlib import Path

import pytest

from bench.generate import generate_workspace
from tests.cli.test_interrupted_sync import AS_OF, _children, stopped_done
from tests.support.cpus import needs_two_cpus
from tests.support.scripts import HANG, SETTLE, in_session, wait_until

pytestmark = [
    pytest.mark.skipif(not sys.platform.startswith("linux"), reason="/proc, fork"),
    needs_two_cpus,  # --workers 2
    # a run waited on to a point, then to its end: each bounded by HANG; SETTLE for what
    # it left, if anything
    pytest.mark.timeout(2 * HANG + SETTLE + 60),
]

# A write in a pool worker kills that worker (a native crash); each rerun's
# write then takes a second at its fsync, with its temp file in place, so the signal
# comes while the reruns write.
_CRASHING_SYNC = """
import os, sys, time
from pathlib import Path
from sheets_sync.backends.excel.backend import ExcelBackend
from sheets_sync.cli import main
from sheets_sync.sync import parallel

marks, parent = Path(sys.argv[1]), os.getpid()
write, fsync = ExcelBackend.write, os.fsync

def dies_in_the_pool(self, *args, **kw):
    if parallel._flag:  # a pool worker (the reruns share no flag): none writes a team
        os._exit(3)
    return write(self, *args, **kw)

def slow_in_a_rerun(fd):
    if os.getpid() != parent and not parallel._flag:
        (marks / f"rerun-{os.getpid()}").touch()
        time.sleep(1)
    fsync(fd)

ExcelBackend.write = dies_in_the_pool
os.fsync = slow_in_a_rerun
sys.argv = ["sheets-sync", *sys.argv[2:]]
main()
"""


@pytest.fixture(scope="module")
def big(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """40 teams: enough for two workers (``workers.MIN_TEAMS_PER_WORKER``)."""
    return generate_workspace(tmp_path_factory.mktemp("big") / "ws", 40)


@pytest.mark.parametrize(
    ("signum", "group"),
    [
        (signal.SIGINT, True),  # Ctrl-C: the reruns are signalled too
        (signal.SIGTERM, False),  # systemctl stop (KillMode=mixed), kill PID
    ],
)
def test_a_stop_during_the_reruns_waits_for_the_teams_in_hand(
    big: Path, tmp_path: Path, signum: int, group: bool
) -> None:
    """The run did not wait for the reruns: it removed its spill folder, released the
    lock and died, and the kernel then killed each rerun mid-write (its temp file left,
    its team written but not counted among those done)."""
    ws, marks = tmp_path / "ws", tmp_path / "marks"
    shutil.copytree(big.parent, ws)
    marks.mkdir()
    cfg = ws / "sheets-sync.yaml"
    argv = ["sync", "--config", str(cfg), "--workers", "2", *AS_OF]
    with in_session([sys.executable, "-c", _CRASHING_SYNC, str(marks), *argv]) as proc:
        wait_until(proc, lambda: any(marks.glob("rerun-*")))  # a rerun is writing
        reruns = _children(proc.pid)
        if group:
            os.killpg(proc.pid, signum)
        else:
            proc.send_signal(signum)
        out, err = proc.communicate(timeout=HANG)
    assert proc.returncode == -signum, out + err
    assert "Traceback" not in err, err
    stopped_done(err, signum, ws / "teams", big.parent / "teams")
    assert reruns, "no rerun was seen"
    assert proc.outlived == {}, f"a rerun outlived the run (reruns {reruns}): {proc.outlived}"
    # ``.company.xlsx.*.tmp`` and a team's ``.sales.xlsx.*.sheets-sync-tmp``
    assert not list(ws.rglob(".*tmp")), "a temp file was left behind"
    assert not list((ws / ".sheets-sync" / "spill").glob("*")), "the spill folder was left"
    for book in (ws / "teams").glob("*.xlsx"):
        with zipfile.ZipFile(book) as z:
            assert z.testzip() is None, book


# One pool worker dies (exit 3) while the other is in its team's write, slow at its fsync
# (its pid in ``insync``): the broken pool waits for that worker when the stop comes.
_BROKEN_WHILE_WRITING = """
import os, sys, time
from pathlib import Path
from sheets_sync.backends.excel.backend import ExcelBackend
from sheets_sync.cli import main
from sheets_sync.sync import parallel

marks = Path(sys.argv[1])
write, fsync = ExcelBackend.write, os.fsync
slow = []

def one_dies_one_is_slow(self, *args, **kw):
    if parallel._flag:  # a pool worker
        try:
            os.close(os.open(marks / "slow", os.O_CREAT | os.O_EXCL))
            slow.append(1)
        except FileExistsError:
            while not (marks / "insync").exists():
                time.sleep(0.01)
            (marks / "died").touch()
            os._exit(3)
    return write(self, *args, **kw)

def slow_fsync(fd):
    if slow and parallel._flag and not (marks / "insync").exists():
        (marks / "insync.part").write_text(str(os.getpid()))  # whole, then seen
        (marks / "insync.part").rename(marks / "insync")
        time.sleep(3)
    fsync(fd)

await_workers = parallel.await_workers

def awaited(pool, before):  # the broken pool waits for its other worker from here
    (marks / "awaiting").touch()
    return await_workers(pool, before)

ExcelBackend.write = one_dies_one_is_slow
os.fsync = slow_fsync
parallel.await_workers = awaited
sys.argv = ["sheets-sync", *sys.argv[2:]]
main()
"""


@pytest.mark.slow
def test_a_stop_while_a_broken_pool_waits_for_a_writer_lets_it_finish(
    big: Path, tmp_path: Path
) -> None:
    """The wait for the broken pool's other workers was outside the code that handles a
    stop: the run released the lock, removed its scratch folder and died at once, and the
    kernel then killed the worker still writing (its temp file left)."""
    ws, marks = tmp_path / "ws", tmp_path / "marks"
    shutil.copytree(big.parent, ws)
    marks.mkdir()
    argv = ["sync", "--config", str(ws / "sheets-sync.yaml"), "--workers", "2", *AS_OF]
    with in_session([sys.executable, "-c", _BROKEN_WHILE_WRITING, str(marks), *argv]) as proc:
        wait_until(proc, (marks / "died").exists)
        writer = int((marks / "insync").read_text())
        # the pool is broken and the run waits for the other worker, still in its write
        # (a marker, not a fixed 0.5 s as until 2026-12-07: a loaded box's run was not
        # in that wait yet, and the stop landed elsewhere)
        wait_until(proc, (marks / "awaiting").exists)
        proc.send_signal(signal.SIGTERM)  # systemctl stop (KillMode=mixed): the run alone
        out, err = proc.communicate(timeout=HANG)
    assert proc.returncode == -signal.SIGTERM, out + err
    assert "Traceback" not in err, err
    assert err.splitlines()[-1].startswith("error: interrupted by SIGTERM: stopped with "), err
    assert proc.outlived == {}, f"the writer outlived the run (writer {writer}): {proc.outlived}"
    assert not list(ws.rglob(".*tmp")), "a temp file was left behind"
    assert not list((ws / ".sheets-sync" / "spill").glob("*")), "the spill folder was left"
    for book in (ws / "teams").glob("*.xlsx"):
        with zipfile.ZipFile(book) as z:
            assert z.testzip() is None, book
