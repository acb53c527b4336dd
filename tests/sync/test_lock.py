"""The workspace lock: whole runs exclude everything; the shards of one night share it."""

from __future__ import annotations

import errno
import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from sheets_sync.errors import ConfigError, RunLockedError
from sheets_sync.sync.lock import RunLock
from tests.support.scripts import HANG


def test_a_second_whole_run_is_refused_and_told_who_holds_the_lock(tmp_path: Path) -> None:
    with RunLock(tmp_path), pytest.raises(RunLockedError) as caught:
        RunLock(tmp_path).__enter__()
    assert f"(pid {os.getpid()} since " in str(caught.value)
    assert caught.value.exit_code == 3


def test_shards_of_one_night_run_side_by_side(tmp_path: Path) -> None:
    with RunLock(tmp_path, (1, 2)), RunLock(tmp_path, (2, 2)):
        pass


def test_the_same_shard_twice_is_refused(tmp_path: Path) -> None:
    with RunLock(tmp_path, (1, 2)), pytest.raises(RunLockedError) as caught:
        RunLock(tmp_path, (1, 2)).__enter__()
    assert f"(pid {os.getpid()} since " in str(caught.value)
    assert caught.value.source == str(tmp_path / "run-shard-1-of-2.lock")


def test_a_whole_run_waits_for_no_shard_it_would_race(tmp_path: Path) -> None:
    """A full sync or a rollup used to take run.lock while shards, holding only their own
    locks, were writing the same team files and history."""
    with RunLock(tmp_path, (1, 2)), pytest.raises(RunLockedError) as caught:
        RunLock(tmp_path).__enter__()
    assert "(another process, or the shards of a sharded run)" in str(caught.value)


def test_a_shard_waits_for_a_whole_run(tmp_path: Path) -> None:
    with RunLock(tmp_path), pytest.raises(RunLockedError) as caught:
        RunLock(tmp_path, (1, 2)).__enter__()
    assert f"(pid {os.getpid()} since " in str(caught.value)
    # the refused shard let go of what it took: once the run ends, the shard gets in
    with RunLock(tmp_path, (1, 2)):
        pass


def test_a_refused_shard_releases_the_shared_lock(tmp_path: Path) -> None:
    with RunLock(tmp_path, (1, 2)), pytest.raises(RunLockedError):
        RunLock(tmp_path, (1, 2)).__enter__()
    with RunLock(tmp_path):  # nothing left behind by the refused copy
        pass


def test_the_record_is_cleared_when_the_run_ends(tmp_path: Path) -> None:
    with RunLock(tmp_path, (1, 2)) as lock:
        assert lock.shard_path is not None and lock.shard_path.read_text().startswith("pid ")
        assert (tmp_path / "run.lock").read_text() == ""
    assert lock.shard_path.read_text() == ""


def test_a_shard_clears_the_record_of_a_whole_run_that_died(tmp_path: Path) -> None:
    """A whole run killed with SIGKILL leaves its pid in run.lock (the kernel drops the
    lock, not the text): a whole run refused by the shards then named a dead process."""
    (tmp_path / "run.lock").write_text("pid 999999 since 2026-12-01T02:30:00+00:00")
    with RunLock(tmp_path, (1, 2)), pytest.raises(RunLockedError) as caught:
        RunLock(tmp_path).__enter__()
    assert "999999" not in str(caught.value)
    assert "(another process, or the shards of a sharded run)" in str(caught.value)


def test_a_full_disk_does_not_stop_a_run_over_the_record(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The pid record only names the holder in another run's message. On a full disk its
    few bytes failed (ENOSPC) after the lock was taken, and the night ended at once with
    "error: No space left on device", exit 1, naming no file and syncing no team."""
    (tmp_path / "run.lock").write_text("pid 999999 since 2026-12-01T02:30:00+00:00")

    def full(fd: int, *_: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "write", full)
    monkeypatch.setattr(os, "ftruncate", full)
    with RunLock(tmp_path), pytest.raises(RunLockedError):  # still held, still exclusive
        RunLock(tmp_path).__enter__()
    with RunLock(tmp_path, (1, 2)):  # a shard's truncate of a dead record may fail too
        pass


_KILLED_RUN_WITH_A_CHILD = """
import os, signal, sys, time
from pathlib import Path
from typing import Any
from sheets_sync.sync.lock import RunLock
with RunLock(Path(sys.argv[1])):
    child = os.fork()
    if child == 0:  # a worker: lives on, as an idle pool worker did
        quiet = os.open(os.devnull, os.O_WRONLY)
        os.dup2(quiet, 1)
        os.dup2(quiet, 2)
        time.sleep(60)
        os._exit(0)
    print(child, flush=True)
    os.kill(os.getpid(), signal.SIGKILL)
"""


def test_a_child_of_a_run_killed_with_sigkill_does_not_keep_the_lock(tmp_path: Path) -> None:
    """A ``flock`` belongs to the open file, which a forked worker shared: a sync killed
    with SIGKILL left its idle workers alive, and they kept the workspace locked, so
    every later night was refused, naming the dead run."""
    done = subprocess.run(
        [sys.executable, "-c", _KILLED_RUN_WITH_A_CHILD, str(tmp_path)],
        check=False,
        capture_output=True,
        text=True,
        timeout=HANG,
    )
    assert done.returncode == -signal.SIGKILL
    child = int(done.stdout)
    try:
        with RunLock(tmp_path):
            pass
    finally:
        os.kill(child, signal.SIGKILL)


_A_CHILDS_OWN_LOCK = """
import fcntl, gc, os, sys
from pathlib import Path
from sheets_sync.sync.lock import RunLock
inherited = RunLock(Path(sys.argv[1])).__enter__()
number = inherited._fds[-1]
child = os.fork()
if child == 0:  # closed its copy at the fork; takes a lock of its own, the same number
    own = RunLock(Path(sys.argv[2])).__enter__()
    if sys.argv[3] == "exit":
        inherited.__exit__(None, None, None)
    else:  # let go: its finalizer
        del inherited
        gc.collect()
    try:
        os.fstat(own._fds[-1])
        still_open = True
    except OSError:
        still_open = False
    probe = os.open(Path(sys.argv[2]) / "run.lock", os.O_RDWR)
    try:
        fcntl.flock(probe, fcntl.LOCK_EX | fcntl.LOCK_NB)
        held = False
    except BlockingIOError:
        held = True
    print(own._fds == [number], still_open, held, flush=True)
    os._exit(0)
os.waitpid(child, 0)
"""


@pytest.mark.parametrize("how", ["exit", "let go"])
def test_a_forked_childs_copy_of_a_lock_leaves_the_childs_own_lock_alone(
    tmp_path: Path, how: str
) -> None:
    """A forked child's copy of its parent's ``RunLock`` is closed at the fork; a lock the
    child then takes of its own gets the same descriptor number, and the copy's release
    (or its finalizer), judging by the number alone, closed it: the child's lock freed
    while it ran (review 2). Printed by the child: same number, still open, still held."""
    (tmp_path / "parent").mkdir()
    (tmp_path / "child").mkdir()
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            _A_CHILDS_OWN_LOCK,
            str(tmp_path / "parent"),
            str(tmp_path / "child"),
            how,
        ],
        check=True,
        capture_output=True,
        text=True,
        timeout=HANG,
    )
    assert done.stdout.split() == ["True", "True", "True"], done.stderr


@pytest.mark.parametrize("shard", [None, (1, 2)])
def test_a_lock_that_cannot_be_opened_is_a_configuration_error(
    tmp_path: Path, shard: tuple[int, int] | None
) -> None:
    """A folder (or a dead link) in the lock file's place ended the run with
    ``error: .../run.lock: Is a directory`` and exit 1, which says teams failed; nothing
    was done, so it is exit 2 and names the fix. A shard's own lock too."""
    name = "run.lock" if shard is None else "run-shard-1-of-2.lock"
    (tmp_path / name).mkdir()
    with pytest.raises(ConfigError) as caught:
        RunLock(tmp_path, shard).__enter__()
    assert caught.value.exit_code == 2 and caught.value.source == str(tmp_path / name)
    assert str(caught.value).endswith(
        "cannot open the run lock (Is a directory); nothing was done. It must be a file this "
        "user can write: move what is there away (the next run makes the file) and run again"
    )
    if shard is not None:  # the shared workspace lock it took first is let go
        with RunLock(tmp_path):
            pass


@pytest.mark.parametrize(
    "code", [errno.ENOSPC, errno.EMFILE, errno.EIO], ids=["ENOSPC", "EMFILE", "EIO"]
)
def test_a_lock_that_cannot_be_opened_for_now_is_no_configuration_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, code: int
) -> None:
    """Every OSError opening the lock was exit 2 ("move what is there away"), which the
    DAG does not retry: a full disk or too many open files for a moment stopped the night
    for good. Those are raised as they are (exit 1, retried)."""
    lock = tmp_path / "run.lock"
    real_open = os.open

    def failing(path: Any, *args: Any, **kwargs: Any) -> int:
        if Path(path) == lock:
            raise OSError(code, os.strerror(code), str(path))
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr("sheets_sync.sync.lock.os.open", failing)
    with pytest.raises(OSError) as caught:
        RunLock(tmp_path).__enter__()
    assert caught.value.errno == code  # not a ConfigError (no OSError): exit 1


def test_a_dead_link_in_the_locks_place_is_a_configuration_error(tmp_path: Path) -> None:
    """A link to nowhere (its folder gone) is one of the errors only moving it fixes."""
    (tmp_path / "run.lock").symlink_to(tmp_path / "gone" / "run.lock")
    with pytest.raises(ConfigError) as caught:
        RunLock(tmp_path).__enter__()
    assert "cannot open the run lock (No such file or directory)" in str(caught.value)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="/proc")
@pytest.mark.parametrize("code", [errno.ENOLCK, errno.EBADF])
def test_an_unlock_that_fails_still_closes_every_lock(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, code: int
) -> None:
    """``flock(fd, LOCK_UN)`` raising (ENOLCK, EBADF) left that lock and every one after it
    held and open, and each later release raised again: the process's later runs were
    refused. The unlock is best effort: closing the last descriptor releases a flock."""
    import fcntl

    flock = fcntl.flock

    def failing(fd: int, operation: int) -> None:
        if operation == fcntl.LOCK_UN:
            raise OSError(code, os.strerror(code))
        flock(fd, operation)

    folder = tmp_path
    with monkeypatch.context() as patched:
        patched.setattr(fcntl, "flock", failing)
        with RunLock(folder, (1, 2)):
            pass
    left = [n for n in os.listdir("/proc/self/fd") if _names(n, folder)]
    assert left == [], "a lock's descriptor was left open"
    with RunLock(folder):  # free: a whole run takes it
        pass


def _names(fd: str, folder: Path) -> bool:
    try:
        return Path(os.readlink(f"/proc/self/fd/{fd}")).parent == folder
    except OSError:
        return False
