"""files.py's sweep of the temp files a killed run leaves: ours only, once an hour old."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from sheets_sync.backends.excel import files
from sheets_sync.backends.excel.files import atomic_replace, fingerprint, read_with_stat


def _version(path: Path) -> str:
    data, st = read_with_stat(path)
    return fingerprint(data, st)


def test_stale_temps_swept_once_an_hour(tmp_path: Path) -> None:
    """A crash's temp file older than an hour goes on the next write; a fresh one (maybe
    another process's) stays; the folder is listed once an hour, not once a write."""
    target = tmp_path / "sales.xlsx"
    target.write_bytes(b"v0")
    old, fresh = tmp_path / ".a.xlsx.x1.sheets-sync-tmp", tmp_path / ".b.xlsx.x2.sheets-sync-tmp"
    for leftover in (old, fresh):
        leftover.write_bytes(b"partial")
    two_hours_ago = time.time() - 7200
    os.utime(old, (two_hours_ago, two_hours_ago))
    files._swept.pop(tmp_path, None)
    atomic_replace(target, b"v1", expected_version=_version(target), backup_dir=None)
    assert not old.exists() and fresh.exists()
    os.utime(fresh, (two_hours_ago, two_hours_ago))
    atomic_replace(target, b"v2", expected_version=_version(target), backup_dir=None)
    assert fresh.exists()  # swept less than an hour ago: not listed again
    files._swept[tmp_path] -= 3601
    atomic_replace(target, b"v3", expected_version=_version(target), backup_dir=None)
    assert not fresh.exists()


_HANG_IN_BACKUP_COPY = """
import errno, os, sys, time
from pathlib import Path
from sheets_sync.backends.excel import files

def no_link(*args):
    raise OSError(errno.EXDEV, "Invalid cross-device link")

real_fsync = os.fsync

def hang(fd):
    if "/bk/" in os.readlink(f"/proc/self/fd/{fd}"):
        print("copying", flush=True)
        time.sleep(300)
    real_fsync(fd)

os.link, os.fsync = no_link, hang
target = Path(sys.argv[1])
data = target.read_bytes()
version = files.fingerprint(data, os.stat(target))
files.atomic_replace(target, b"new", expected_version=version, backup_dir=target.parent / "bk")
"""


def test_a_backup_copy_a_kill_left_is_swept_by_a_later_write(tmp_path: Path) -> None:
    """Where links fail the backup is a copy, staged as a temp file in the file's backup
    folder: a run killed mid-copy left it there for good (the sweep is of the team file's
    folder), a file-sized leftover a kill, until 2026-12-06. A later write of the file
    deletes ours older than an hour, and nothing else there."""
    target = tmp_path / "sales.xlsx"
    target.write_bytes(b"old" * 10_000)
    with subprocess.Popen(
        [sys.executable, "-c", _HANG_IN_BACKUP_COPY, str(target)],
        stdout=subprocess.PIPE,
        text=True,
    ) as child:
        try:
            assert child.stdout is not None
            assert child.stdout.readline() == "copying\n"  # blocks until it is in the copy
        finally:
            child.kill()  # SIGKILL: no cleanup runs
            child.wait(timeout=60)
    folder = tmp_path / "bk" / "sales.xlsx"
    (left,) = [p for p in folder.iterdir() if p.name.endswith(files.TEMP_SUFFIX)]
    assert left.name.startswith(".sales.xlsx.") and left.stat().st_size > 0
    fresh = folder / ".sales.xlsx.fresh_12.sheets-sync-tmp"  # another run's, maybe
    users = [  # not names mkstemp gives: a user's, whatever their age
        folder / ".sales.xlsx.my-notes.sheets-sync-tmp",  # 8 characters, but a dash
        folder / "sales.xlsx.abcdefgh.sheets-sync-tmp",
        folder / ".other.xlsx.abcdefgh.sheets-sync-tmp",
    ]
    for path in [fresh, *users]:
        path.write_bytes(b"partial")
    two_hours_ago = time.time() - 7200
    for path in [left, *users]:
        os.utime(path, (two_hours_ago, two_hours_ago))
    atomic_replace(target, b"v1", expected_version=_version(target), backup_dir=tmp_path / "bk")
    assert not left.exists()
    assert fresh.exists() and all(p.exists() for p in users)
    assert target.read_bytes() == b"v1"
