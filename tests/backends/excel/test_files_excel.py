"""files.py: version checks, atomic replace under SIGKILL, backups; lockfiles.py: lock files."""

from __future__ import annotations

import errno
import io
import os
import random
import signal
import struct
import subprocess
import sys
import time
from pathlib import Path

import openpyxl
import pytest
import python_calamine as pc

from sheets_sync.backends.excel import files
from sheets_sync.backends.excel.files import atomic_replace, fingerprint, read_with_stat
from sheets_sync.backends.excel.lockfiles import is_lock_file, lock_holder, parse_excel_owner
from sheets_sync.errors import ConflictError, SourceError
from tests.support.scripts import HANG


def _version(path: Path) -> str:
    data, st = read_with_stat(path)
    return fingerprint(data, st)


def test_replace_keeps_mode_and_backs_up(tmp_path: Path) -> None:
    target = tmp_path / "sales.xlsx"
    target.write_bytes(b"v0")
    os.chmod(target, 0o640)
    backups = tmp_path / "bk"
    for n in range(1, 8):
        atomic_replace(
            target,
            f"v{n}".encode(),
            expected_version=_version(target),
            backup_dir=backups,
            keep_backups=3,
        )
    assert target.read_bytes() == b"v7"
    assert (target.stat().st_mode & 0o777) == 0o640
    assert [p.name for p in backups.iterdir()] == ["sales.xlsx"]  # a folder per file
    kept = sorted((backups / "sales.xlsx").iterdir())
    assert [p.read_bytes() for p in kept] == [b"v4", b"v5", b"v6"]
    assert list(tmp_path.glob("*.xlsx*")) == [target]  # temp files never match
    assert [p.name for p in tmp_path.iterdir() if p.is_file()] == ["sales.xlsx"]


def _acl(*entries: tuple[int, int, int]) -> bytes:
    """A POSIX ACL as the kernel stores it in ``system.posix_acl_access``."""
    body = b"".join(struct.pack("<HHI", tag, perm, uid) for tag, perm, uid in entries)
    return struct.pack("<I", 2) + body


def test_a_write_keeps_the_files_acl_and_extended_attributes(tmp_path: Path) -> None:
    """A file on a shared drive opened to a colleague by an ACL (``setfacl -m u:1234:rw``),
    with Samba's DOS attributes: the rename left a file with neither, so the colleague
    could no longer open the team's workbook after the night (other: no access)."""
    target = tmp_path / "sales.xlsx"
    target.write_bytes(b"v0")
    os.chmod(target, 0o660)
    anyone = 0xFFFFFFFF
    acl = _acl((1, 6, anyone), (2, 6, 1234), (4, 6, anyone), (0x10, 6, anyone), (0x20, 0, anyone))
    try:
        os.setxattr(target, "system.posix_acl_access", acl)
        os.setxattr(target, "user.DOSATTRIB", b"0x20")
    except (OSError, AttributeError):
        pytest.skip("no ACLs or user extended attributes on this file system")
    before = {n: os.getxattr(target, n) for n in os.listxattr(target)}
    atomic_replace(target, b"v1", expected_version=_version(target), backup_dir=None)
    assert target.read_bytes() == b"v1"
    assert {n: os.getxattr(target, n) for n in os.listxattr(target)} == before
    assert (target.stat().st_mode & 0o777) == 0o660


def test_keep_zero_keeps_no_backup(tmp_path: Path) -> None:
    """``backups: {keep: 0}`` kept one backup all the same (``max(keep, 1)``); now it keeps
    none, and the ones kept while ``keep`` was higher go at the next write."""
    target = tmp_path / "sales.xlsx"
    target.write_bytes(b"v0")
    folder = tmp_path / "bk" / "sales.xlsx"
    for n, keep, kept in ((1, 2, 1), (2, 2, 2), (3, 0, 0), (4, 0, 0)):
        atomic_replace(target, f"v{n}".encode(), expected_version=_version(target),
                       backup_dir=tmp_path / "bk", keep_backups=keep)  # fmt: skip
        assert len(list(folder.iterdir())) == kept
    assert target.read_bytes() == b"v4"
    assert [p.name for p in tmp_path.iterdir() if p.is_file()] == ["sales.xlsx"]


@pytest.mark.parametrize("fails", ["fsync", "replace"])
def test_a_full_disk_is_a_clear_error_and_the_file_stays(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fails: str
) -> None:
    """The disk fills up (or the folder turns read-only) while saving: the team's file is
    the old one, no temp file is left, and the error says why (it was an "internal error,
    please report it" for the team)."""
    target = tmp_path / "sales.xlsx"
    target.write_bytes(b"v0")

    def full(*args: object, **kw: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, fails, full)  # the temp file's fsync comes first
    with pytest.raises(SourceError) as caught:
        atomic_replace(target, b"v1", expected_version=_version(target), backup_dir=None,
                       source="sales.xlsx")  # fmt: skip
    monkeypatch.undo()
    assert str(caught.value) == (
        "sales.xlsx: cannot save (No space left on device); the file is unchanged"
    )
    assert target.read_bytes() == b"v0"
    assert [p.name for p in tmp_path.iterdir()] == ["sales.xlsx"]


def test_a_failed_replace_leaves_no_backup_linked_to_the_live_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The rename fails after the backup was made: the file is unchanged, and the backup
    (a hard link to the live file's inode) goes. Kept, it would follow every later save
    in place by the user's application, so it would no longer be the old version."""
    target = tmp_path / "sales.xlsx"
    target.write_bytes(b"v0")

    def full(*args: object, **kw: object) -> None:
        raise OSError(errno.EROFS, "Read-only file system")

    monkeypatch.setattr(os, "replace", full)
    with pytest.raises(SourceError):
        atomic_replace(target, b"v1", expected_version=_version(target),
                       backup_dir=tmp_path / "bk", source="sales.xlsx")  # fmt: skip
    monkeypatch.undo()
    assert target.read_bytes() == b"v0"
    assert target.stat().st_nlink == 1
    assert list((tmp_path / "bk" / "sales.xlsx").iterdir()) == []


def test_a_signal_as_the_rename_returns_keeps_the_backup(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A stop signal's handler runs as the rename's C call returns, still inside the write:
    the file is already the new one, so its backup is the only copy of the old."""
    target = tmp_path / "sales.xlsx"
    target.write_bytes(b"v0")
    real = os.replace

    def interrupted(src: str, dst: str) -> None:
        real(src, dst)
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "replace", interrupted)
    with pytest.raises(KeyboardInterrupt):
        atomic_replace(target, b"v1", expected_version=_version(target),
                       backup_dir=tmp_path / "bk", source="sales.xlsx")  # fmt: skip
    monkeypatch.undo()
    assert target.read_bytes() == b"v1"
    kept = list((tmp_path / "bk" / "sales.xlsx").iterdir())
    assert [p.read_bytes() for p in kept] == [b"v0"]
    assert [p.name for p in tmp_path.iterdir() if p.is_file()] == ["sales.xlsx"]


def test_a_backup_folder_that_cannot_be_made_is_named(tmp_path: Path) -> None:
    """The backups folder cannot be made (here a file stands in its way; a read-only
    folder does the same): the error names it, not the team's folder, whose "cannot
    save" sent people to look at the wrong place. The file stays, no temp is left."""
    target = tmp_path / "sales.xlsx"
    target.write_bytes(b"v0")
    (tmp_path / "backups").write_bytes(b"")
    with pytest.raises(SourceError) as caught:
        atomic_replace(target, b"v1", expected_version=_version(target),
                       backup_dir=tmp_path / "backups", source="sales.xlsx")  # fmt: skip
    assert str(caught.value) == (
        f"sales.xlsx: cannot keep its backup in {tmp_path / 'backups' / 'sales.xlsx'} "
        "(Not a directory); the file is unchanged"
    )
    assert target.read_bytes() == b"v0"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["backups", "sales.xlsx"]


def test_backup_is_the_old_file_itself(tmp_path: Path) -> None:
    """The backup is a hard link to the replaced inode: the old bytes, nothing copied,
    and no longer shared with the live file once it is replaced."""
    target = tmp_path / "sales.xlsx"
    target.write_bytes(b"old")
    old_inode = target.stat().st_ino
    atomic_replace(target, b"new", expected_version=_version(target), backup_dir=tmp_path / "bk")
    (backup,) = (tmp_path / "bk" / "sales.xlsx").iterdir()
    assert backup.read_bytes() == b"old" and backup.stat().st_ino == old_inode
    assert target.stat().st_ino != old_inode and target.stat().st_nlink == 1


def test_backup_copied_where_links_fail(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A backup folder on another file system (EXDEV) or one without links gets a copy."""

    def no_links(src: object, dst: object) -> None:
        raise OSError(errno.EXDEV, "Invalid cross-device link")

    monkeypatch.setattr(os, "link", no_links)
    target = tmp_path / "sales.xlsx"
    target.write_bytes(b"old")
    atomic_replace(target, b"new", expected_version=_version(target), backup_dir=tmp_path / "bk")
    (backup,) = (tmp_path / "bk" / "sales.xlsx").iterdir()
    assert backup.read_bytes() == b"old" and backup.stat().st_ino != target.stat().st_ino
    assert target.read_bytes() == b"new"


def test_change_while_saving_leaves_no_linked_backup(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The file changes between the backup and the rename: not replaced, and no backup
    left that is the user's live file under another name."""
    target = tmp_path / "sales.xlsx"
    target.write_bytes(b"old")
    version = _version(target)
    link = os.link

    def link_then_user_saves(src: str, dst: str) -> None:
        link(src, dst)
        os.utime(target, ns=(0, 10**18))

    monkeypatch.setattr(os, "link", link_then_user_saves)
    with pytest.raises(ConflictError, match="changed while it was being saved"):
        atomic_replace(target, b"new", expected_version=version, backup_dir=tmp_path / "bk")
    assert target.read_bytes() == b"old"
    assert list((tmp_path / "bk" / "sales.xlsx").iterdir()) == []


@pytest.mark.parametrize("flat", [False, True], ids=["own-folder", "flat-layout"])
def test_a_write_that_ends_in_a_conflict_prunes_no_backup(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, flat: bool
) -> None:
    """The older backups were pruned before the last check, so a save by the user in
    between left the file unwritten and its backups gone (keep 1: none at all)."""
    target = tmp_path / "sales.xlsx"
    target.write_bytes(b"v0")
    kept = tmp_path / "bk" / "sales.xlsx"
    legacy = tmp_path / "bk"
    if flat:  # a backup of the first layout, straight in the backups folder
        legacy.mkdir()
        (legacy / "sales.xlsx.20261101T000000000000Z.bak").write_bytes(b"older")
    else:
        atomic_replace(target, b"v1", expected_version=_version(target), backup_dir=legacy)
    before = sorted(p.name for p in legacy.rglob("*.bak"))
    assert len(before) == 1
    link = os.link

    def link_then_user_saves(src: str, dst: str) -> None:
        link(src, dst)
        os.utime(target, ns=(0, 10**18))

    def write(data: bytes) -> None:
        version = _version(target)
        atomic_replace(
            target, data, expected_version=version, backup_dir=legacy, keep_backups=1,
            legacy_backup_dir=legacy,
        )  # fmt: skip

    monkeypatch.setattr(files, "_flat", {})  # the flat folder is listed once a process
    monkeypatch.setattr(os, "link", link_then_user_saves)
    with pytest.raises(ConflictError, match="changed while it was being saved"):
        write(b"v2")
    assert sorted(p.name for p in legacy.rglob("*.bak")) == before
    monkeypatch.setattr(os, "link", link)  # the next night writes, and then prunes
    write(b"v3")
    (newest,) = legacy.rglob("*.bak")
    assert newest.parent == kept and newest.name not in before


def test_conflict_on_size_or_content_change(tmp_path: Path) -> None:
    target = tmp_path / "t.xlsx"
    target.write_bytes(b"original")
    version = _version(target)
    target.write_bytes(b"changed!")  # same size
    st = os.stat(target)
    mtime = int(version.split(":")[2])
    os.utime(target, ns=(st.st_atime_ns, mtime))  # same mtime too: only the hash differs
    with pytest.raises(ConflictError) as info:
        atomic_replace(target, b"new", expected_version=version, backup_dir=None, source="t")
    assert info.value.source == "t"
    assert target.read_bytes() == b"changed!"
    target.write_bytes(b"longer content")
    with pytest.raises(ConflictError):
        atomic_replace(target, b"new", expected_version=version, backup_dir=None)
    target.unlink()
    with pytest.raises(ConflictError, match="deleted"):
        atomic_replace(target, b"new", expected_version=version, backup_dir=None)
    assert [p.name for p in tmp_path.iterdir()] == []


def test_symlink_target_replaced_link_kept(tmp_path: Path) -> None:
    real = tmp_path / "real.xlsx"
    real.write_bytes(b"a")
    link = tmp_path / "link.xlsx"
    link.symlink_to(real)
    atomic_replace(link, b"b", expected_version=_version(real), backup_dir=None)
    assert link.is_symlink() and real.read_bytes() == b"b"


def _excel_owner(name: str) -> bytes:
    """An Excel owner file as Excel writes it (see lockfiles.parse_excel_owner)."""
    raw = bytes([len(name)]) + name.encode("cp1252", "replace")
    raw = raw.ljust(55, b" ") + len(name).to_bytes(2, "little") + name.encode("utf-16-le")
    return raw.ljust(165, b" ")


def test_a_lock_file_name_too_long_to_exist_is_no_lock(tmp_path: Path) -> None:
    """A workbook name of 248 to 255 bytes makes LibreOffice's lock file name
    (``.~lock.NAME#``) too long for the file system: ENAMETOOLONG was counted as "open by
    someone", and the workbook was skipped every night."""
    target = tmp_path / f"{'y' * 245}.xlsx"  # 250 bytes; its LibreOffice lock's 258
    target.write_bytes(b"x")
    assert lock_holder(target) == (False, None)
    owner = tmp_path / f"~${target.name}"  # Excel's lock's 252 bytes: still found
    owner.write_bytes(_excel_owner("Zoë Müller"))
    assert lock_holder(target) == (True, "Zoë Müller")


def test_lock_holders(tmp_path: Path) -> None:
    target = tmp_path / "q3.xlsx"
    target.write_bytes(b"x")
    assert lock_holder(target) == (False, None)
    owner = tmp_path / "~$q3.xlsx"
    owner.write_bytes(_excel_owner("Zoë Müller"))
    assert lock_holder(target) == (True, "Zoë Müller")
    owner.write_bytes(b"")
    assert lock_holder(target) == (True, None)
    owner.unlink()
    lo = tmp_path / ".~lock.q3.xlsx#"
    lo.write_text(",Jane Doe,laptop7,23.11.2025 09:00,file:///home/jane/.config/libreoffice/4;")
    assert lock_holder(target) == (True, "Jane Doe on laptop7")
    lo.write_text("0,User Name,host,date,path;")
    assert lock_holder(target) == (True, "User Name on host")
    lo.write_text(r",Doe\, Jane,host,date,path;")
    assert lock_holder(target) == (True, "Doe, Jane on host")
    assert parse_excel_owner(b"\x05Alice" + b" " * 50) == "Alice"
    lo.write_bytes(b"\x00\xff\xfe\x01garbage\x80,\x81;")  # not a lock CSV: no name shown
    assert lock_holder(target) == (True, None)


@pytest.mark.timeout(20)
@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")
def test_a_lock_file_that_is_a_pipe_or_a_link_is_a_lock_of_nobody_named(tmp_path: Path) -> None:
    """A FIFO named ``~$Sales.xlsx`` held the night waiting for a writer (and with it the
    workspace lock, so the next nights exited 3); a link of that name to a file starting
    with a digit showed that file's next bytes as the holder's name."""
    target = tmp_path / "Sales.xlsx"
    target.write_bytes(b"x")
    os.mkfifo(tmp_path / "~$Sales.xlsx")
    assert lock_holder(target) == (True, None)
    os.unlink(tmp_path / "~$Sales.xlsx")
    secret = tmp_path / "api-token"
    secret.write_bytes(b"4f9c2e7a1b3" + b" " * 60)
    (tmp_path / "~$Sales.xlsx").symlink_to(secret)
    assert lock_holder(target) == (True, None)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("~$x.xlsx", True),
        (".~lock.x.xlsx#", True),
        ("x.xlsx", False),
        (".~lock.x.xlsx", False),
        ("a~$b.xlsx", False),
    ],
)
def test_is_lock_file(name: str, expected: bool) -> None:
    assert is_lock_file(name) is expected
    assert is_lock_file(Path("/some/dir") / name) is expected


CHILD = r"""
import sys
from pathlib import Path
from typing import Any
from sheets_sync.backends.excel.backend import ExcelBackend
from sheets_sync.backends.excel.files import fingerprint, read_with_stat
from sheets_sync.grid import CellStyle, CellWrite, WorkbookData
path = Path(sys.argv[1])
backend = ExcelBackend(path, backup_dir=path.parent / "bk", keep_backups=2)
print("ready", flush=True)
n = int(sys.argv[2])  # where this child's writes count from: each child's own values
while True:
    data, st = read_with_stat(path)
    wb = WorkbookData(source="t", sheet_names=(), sheets={}, version=fingerprint(data, st))
    n += 1
    backend.write(wb, [CellWrite("OKRs", 2, 9, f"run {n}", CellStyle(fill="C6EFCE")),
                       CellWrite("Summary", 9, 1, float(n))])
    print("wrote", n, flush=True)
"""


@pytest.mark.slow
@pytest.mark.timeout(900)  # 50 child processes in turn (58 s at load 10), not one wait
def test_sigkill_during_writes_never_breaks_the_file(team_openpyxl: bytes, tmp_path: Path) -> None:
    target = tmp_path / "team.xlsx"
    target.write_bytes(team_openpyxl)
    rng = random.Random(20251123)
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[3])}
    progressed = 0  # kills that landed after whole writes of their child
    for kill in range(50):
        with subprocess.Popen(  # closes its pipes
            [sys.executable, "-c", CHILD, str(target), str(kill * 1000)],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        ) as child:
            assert child.stdout is not None
            assert child.stdout.readline().strip() == "ready", child.stderr
            # a number of whole writes first, then the kill at a random point of the next:
            # a random delay alone let a loaded machine finish one write at most in it, and
            # the kills landed only before real progress (seen was {'', 'run 1'})
            wrote = rng.randrange(4)
            for _ in range(wrote):
                assert child.stdout.readline().startswith("wrote"), child.stderr
            time.sleep(rng.uniform(0, 0.05))
            child.send_signal(signal.SIGKILL)
            child.wait(timeout=HANG)  # a kill during an fsync waits for the disk
        assert child.returncode == -signal.SIGKILL
        data = target.read_bytes()
        book = pc.CalamineWorkbook.from_filelike(io.BytesIO(data))
        value = book.get_sheet_by_name("OKRs").to_python()[1][8]
        assert value == "" or str(value).startswith("run "), value
        ws = openpyxl.load_workbook(io.BytesIO(data))["OKRs"]
        assert ws["I2"].value is None or ws["I2"].value == value
        assert [p.name for p in tmp_path.glob("*.xlsx")] == ["team.xlsx"]
        if wrote:  # the writes it said were whole are in the file (it may have gone on)
            assert int(str(value).split()[1]) - kill * 1000 >= wrote, value
            progressed += 1
    assert progressed > 5  # the kills landed during real progress, not only before it
