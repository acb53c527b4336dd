"""``read_regular_file``: the one reader of team workbooks, lock files and key files. Each
case here once hung a night (a FIFO, /dev/zero), read a file without end, or showed
another file's bytes; callers' own messages are pinned in their own tests."""

from __future__ import annotations

import errno
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from sheets_sync.atomic import atomic_write
from sheets_sync.errors import ConfigError
from sheets_sync.regular_file import (
    ChangedWhileReadError,
    FileTooLargeError,
    NotRegularFileError,
    in_the_way,
    read_regular_file,
)
from sheets_sync.rollup.export import check_export_paths
from tests.support.access import read_only
from tests.support.scripts import HANG

posix_only = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="FIFOs and links are POSIX")


def test_a_regular_file_is_read_whole_with_the_stat_of_what_was_read(tmp_path: Path) -> None:
    path = tmp_path / "a.xlsx"
    path.write_bytes(b"PK\x03\x04 bytes")
    data, st = read_regular_file(path, 100)
    assert data == b"PK\x03\x04 bytes"
    assert (st.st_size, st.st_ino) == (len(data), path.stat().st_ino)
    assert read_regular_file(tmp_path / "a.xlsx")[0] == data  # no limit
    (tmp_path / "empty").touch()
    assert read_regular_file(tmp_path / "empty", 10)[0] == b""


@pytest.mark.timeout(10)
@posix_only
def test_a_fifo_is_refused_without_waiting_for_a_writer(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe")
    with pytest.raises(NotRegularFileError) as caught:
        read_regular_file(tmp_path / "pipe", 10)
    assert caught.value.kind == "named pipe"


@pytest.mark.timeout(10)
@posix_only
def test_dev_zero_is_refused_unread(tmp_path: Path) -> None:
    with pytest.raises(NotRegularFileError) as caught:
        read_regular_file(Path("/dev/zero"))
    assert caught.value.kind == "device"
    (tmp_path / "zero").symlink_to("/dev/zero")  # through a link, too
    with pytest.raises(NotRegularFileError):
        read_regular_file(tmp_path / "zero", cut=True, limit=10)


def test_a_folder_is_refused(tmp_path: Path) -> None:
    with pytest.raises(NotRegularFileError) as caught:
        read_regular_file(tmp_path, 10)
    assert caught.value.kind == "folder"
    assert isinstance(caught.value, OSError)


@posix_only
def test_a_link_loop_is_the_open_error_and_a_final_link_may_be_refused(tmp_path: Path) -> None:
    (tmp_path / "loop").symlink_to(tmp_path / "loop")
    with pytest.raises(OSError) as caught:
        read_regular_file(tmp_path / "loop")
    assert caught.value.strerror == "Too many levels of symbolic links"
    (tmp_path / "real").write_bytes(b"x")
    (tmp_path / "link").symlink_to(tmp_path / "real")
    assert read_regular_file(tmp_path / "link")[0] == b"x"
    with pytest.raises(OSError) as nofollow:
        read_regular_file(tmp_path / "link", follow_links=False)
    assert not isinstance(nofollow.value, NotRegularFileError)


def test_a_file_over_the_bound_is_refused_unread_or_cut(tmp_path: Path) -> None:
    path = tmp_path / "huge"
    with path.open("wb") as fh:
        fh.truncate(64 * 1024 * 1024)  # sparse
    with pytest.raises(FileTooLargeError) as caught:
        read_regular_file(path, 1024)
    assert (caught.value.size, caught.value.limit) == (64 * 1024 * 1024, 1024)
    path.write_bytes(b"0123456789")
    assert read_regular_file(path, 10)[0] == b"0123456789"  # the bound itself is allowed
    with pytest.raises(FileTooLargeError):
        read_regular_file(path, 9)
    assert read_regular_file(path, 4, cut=True)[0] == b"0123"


def test_a_file_that_grows_while_read_is_refused_not_read_on(tmp_path: Path) -> None:
    """The growth lands between the open's fstat and the read: no more than the opened
    size and a byte is read, so a file written without end is no read without end."""
    path = tmp_path / "growing"
    path.write_bytes(b"{}")

    def grow(fd: int, st: os.stat_result) -> None:
        with path.open("ab") as fh:
            fh.write(b" " * 4096)

    with pytest.raises(ChangedWhileReadError):
        read_regular_file(path, 1 << 20, opened=grow)


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="Linux /proc")
def test_a_file_whose_size_says_nothing_is_refused() -> None:
    """``/proc`` files say size 0 and have bytes: what was read is not what fstat said."""
    with pytest.raises(ChangedWhileReadError):
        read_regular_file(Path("/proc/self/status"), 1 << 20)


def test_the_opened_hook_refuses_before_the_file_is_judged(tmp_path: Path) -> None:
    class OutsideError(Exception):
        pass

    def refuse(fd: int, st: os.stat_result) -> None:
        raise OutsideError

    with pytest.raises(OutsideError):  # not NotRegularFileError: the hook judged first
        read_regular_file(tmp_path, opened=refuse)


_AS_NOBODY = """
import os, sys
from pathlib import Path
from sheets_sync.regular_file import read_regular_file
os.setgid(65534)
os.setuid(65534)
try:
    read_regular_file(Path(sys.argv[1]), 10)
except PermissionError as exc:
    print("PermissionError", exc.errno)
"""


@posix_only
def test_a_file_it_may_not_read_is_permission_error(tmp_path: Path) -> None:
    """EACCES from the open, raised as it is. As root (CI containers) in a child process
    that has become ``nobody``: root reads any file."""
    with tempfile.TemporaryDirectory() as folder:
        os.chmod(folder, 0o755)
        path = Path(folder) / "key.json"
        path.write_bytes(b"{}")
        path.chmod(0)
        if os.geteuid() != 0:
            with pytest.raises(PermissionError):
                read_regular_file(path, 10)
            return
        root = Path(__file__).resolve().parents[2]
        child = subprocess.run(
            [sys.executable, "-c", _AS_NOBODY, str(path)],
            capture_output=True,
            text=True,
            check=False,
            timeout=HANG,
            cwd=root,
            env={**os.environ, "PYTHONPATH": str(root)},
        )
    assert child.stdout == "PermissionError 13\n", child.stderr


def test_a_dotdot_is_text_as_the_writers_take_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``in_the_way`` takes ``..`` as the writers do (``os.path.abspath``: the temp file of
    ``tempfile.mkstemp``, ``atomic``'s renames): ``lnk/../sub2/out`` is ``sub2/out`` beside
    ``lnk``. It went to the parent of ``lnk``'s target, as the kernel does, and disagreed
    with the writes both ways: a folder the check passed was not the one written (every
    team read, then exit 1), and one the writes could use was refused."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "far" / "deep").mkdir(parents=True)
    (tmp_path / "far" / "notes.txt").write_text("hi", encoding="utf-8")
    (tmp_path / "lnk").symlink_to(tmp_path / "far" / "deep")
    assert in_the_way(Path("lnk/../notes.txt/y")) is None  # ./notes.txt/y: nothing there
    (tmp_path / "notes.txt").write_text("hi", encoding="utf-8")
    assert in_the_way(Path("lnk/../notes.txt/y")) == (tmp_path / "notes.txt", "is not a folder")
    assert in_the_way(Path("x/../notes.txt/y")) == (tmp_path / "notes.txt", "is not a folder")
    # the writers go where the check looked: beside lnk, not beside lnk's target
    (tmp_path / "sub2").mkdir()
    (tmp_path / "far" / "sub2").mkdir()  # where the kernel's rename went

    def write(tmp: Path) -> None:
        tmp.write_text("{}", encoding="utf-8")

    atomic_write(Path("lnk/../sub2/r.json"), write)
    assert (tmp_path / "sub2" / "r.json").read_text(encoding="utf-8") == "{}"
    assert not (tmp_path / "far" / "sub2" / "r.json").exists()


def _denied(monkeypatch: pytest.MonkeyPatch, name: str, *where: Path) -> None:
    """``os.<name>`` raises EACCES for ``where``: root looks at anything, so a folder
    the user cannot enter is played this way (``/proc/1/cwd`` without ptrace rights)."""
    real = getattr(os, name)

    def denied(path: object, *args: object, **kwargs: object) -> object:
        if Path(os.fsdecode(path)) in where:  # type: ignore[arg-type]
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(path))
        return real(path, *args, **kwargs)

    monkeypatch.setattr(os, name, denied)


def test_a_name_that_cannot_be_looked_at_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Only ENOENT and ENOTDIR mean "not there". ``readlink``'s EACCES escaped
    (``error: /proc/1/cwd: Permission denied``, naming no option; the emulator said it
    could not listen), and a link into a folder the user cannot enter was called a link
    to nothing."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "locked" / "inner").mkdir(parents=True)
    (tmp_path / "tolocked").symlink_to("locked/inner")
    (tmp_path / "cwd").symlink_to("nowhere")
    unseen = "cannot be looked at (Permission denied)"
    _denied(monkeypatch, "stat", tmp_path / "tolocked", tmp_path / "cwd")
    assert in_the_way(Path("tolocked/x")) == (tmp_path / "tolocked", unseen)
    _denied(monkeypatch, "readlink", tmp_path / "cwd")
    assert in_the_way(Path("cwd/x")) == (tmp_path / "cwd", unseen)
    _denied(monkeypatch, "lstat", tmp_path / "locked" / "inner")
    assert in_the_way(Path("locked/inner/x")) == (tmp_path / "locked" / "inner", unseen)
    with pytest.raises(ConfigError) as caught:
        check_export_paths(Path("cwd/x"), "csv", "--out")  # in the command's words
    assert (
        caught.value.message
        == f"--out cwd/x: {tmp_path / 'cwd'} {unseen}; give --out a folder of files"
    )
    assert in_the_way(Path("locked/none/x")) is None  # not there: mkdir makes it


def test_a_folder_you_cannot_write_in_is_refused_before_the_work(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``export --out ro/x`` read every team, then failed on ``Permission denied``
    (exit 1): the last folder there must let the user make names in it."""
    ro = tmp_path / "ro"
    (ro / "sub").mkdir(parents=True)
    read_only(monkeypatch, ro)
    try:
        assert in_the_way(ro / "x") is None  # only a writer asks
        assert in_the_way(ro / "x" / "y", write=True) == (ro, "is a folder you cannot write in")
        assert in_the_way(ro, write=True) == (ro, "is a folder you cannot write in")
        assert in_the_way(ro / "sub", write=True) is None  # sub itself may be written in
        with pytest.raises(ConfigError) as caught:
            check_export_paths(ro / "x", "csv", "--out")
        assert str(caught.value) == (
            f"--out {ro / 'x'}: {ro} is a folder you cannot write in; give --out a folder of files"
        )
    finally:
        ro.chmod(0o755)
