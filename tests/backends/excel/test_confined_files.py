"""Team files are read and written only where the workspace lets them be, checked on the
open file and again before the write: a name checked when the workspace loaded may be a
link out of its folder by now (docs/write-safety.md, links)."""

from __future__ import annotations

import errno
import os
import sys
from pathlib import Path

import pytest

from sheets_sync.backends.excel.files import atomic_replace, fingerprint, read_with_stat
from sheets_sync.errors import ConflictError, SourceError


def _version(path: Path) -> str:
    data, st = read_with_stat(path)
    return fingerprint(data, st)


OUTSIDE = (
    "is a symbolic link to {}, outside the workspace folder; not read or written (team "
    "files are followed only to files inside it)"
)


def test_a_read_is_confined_to_where_the_file_may_be(tmp_path: Path) -> None:
    """Checked on the open file, not on a name checked earlier: it may be a link now."""
    teams, elsewhere = tmp_path / "teams", tmp_path / "elsewhere"
    teams.mkdir()
    elsewhere.mkdir()
    (elsewhere / "hr.xlsx").write_bytes(b"secret")
    (teams / "sales.xlsx").write_bytes(b"mine")
    (teams / "linked.xlsx").symlink_to(elsewhere / "hr.xlsx")
    assert read_with_stat(teams / "sales.xlsx", confine=(teams,))[0] == b"mine"
    with pytest.raises(SourceError) as caught:
        read_with_stat(teams / "linked.xlsx", confine=(teams,))
    assert str(caught.value) == "linked.xlsx: " + OUTSIDE.format(elsewhere / "hr.xlsx")
    assert read_with_stat(teams / "linked.xlsx", confine=(teams, elsewhere))[0] == b"secret"


def _without_proc_fd(monkeypatch: pytest.MonkeyPatch) -> None:
    """As where the kernel cannot be asked where an open file is (not Linux, no /proc):
    the check goes by the file's name."""
    readlink = os.readlink

    def no_proc(path: str | Path, *args: object, **kwargs: object) -> str:
        if str(path).startswith("/proc/self/fd/"):
            raise FileNotFoundError(errno.ENOENT, "no /proc", str(path))
        return readlink(path, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "readlink", no_proc)


def test_a_file_swapped_between_its_open_and_the_check_is_not_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The name leads inside again by the time it is resolved, but the file opened is
    another one (the link's): refused as changed, nothing read. (Where the kernel says
    which file is open, the name is not resolved again: the next test.)"""
    _without_proc_fd(monkeypatch)
    target = tmp_path / "sales.xlsx"
    target.write_bytes(b"opened")
    realpath = os.path.realpath

    def swapped_first(path: Path) -> str:
        (tmp_path / "other.xlsx").write_bytes(b"swapped in")
        os.replace(tmp_path / "other.xlsx", target)
        return realpath(path)

    monkeypatch.setattr(os.path, "realpath", swapped_first)
    with pytest.raises(
        ConflictError, match=r"^sales\.xlsx: the file changed while it was being read$"
    ):
        read_with_stat(target, confine=(tmp_path,))


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="/proc/self/fd: Linux")
def test_the_file_opened_is_read_whatever_its_name_leads_to_later(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Linux: the check asks the kernel where the open file is, so a name replaced after
    the open changes nothing: the file opened (inside) is what is read."""
    target = tmp_path / "sales.xlsx"
    target.write_bytes(b"opened")
    readlink = os.readlink

    def swapped_first(path: str, *args: object, **kwargs: object) -> str:
        (tmp_path / "other.xlsx").write_bytes(b"swapped in")
        os.replace(tmp_path / "other.xlsx", target)
        return readlink(path, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "readlink", swapped_first)
    assert read_with_stat(target, confine=(tmp_path,))[0] == b"opened"


@pytest.mark.parametrize(
    "proc",
    [
        pytest.param(
            True, marks=pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux")
        ),
        False,
    ],
)
def test_a_link_file_link_swap_around_the_check_is_not_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, proc: bool
) -> None:
    """The name is a link out at the open, a file inside as it is resolved, a link out
    again when it was stat-ed: ``os.stat`` followed the link to the file opened, so the
    outside workbook was read. The kernel's path of the open file says where it is; by
    name, ``lstat`` of the resolved name sees the link, not the file opened."""
    teams, elsewhere = tmp_path / "teams", tmp_path / "elsewhere"
    teams.mkdir()
    elsewhere.mkdir()
    (elsewhere / "hr.xlsx").write_bytes(b"secret")
    name = teams / "sales.xlsx"
    name.symlink_to(elsewhere / "hr.xlsx")
    if not proc:
        _without_proc_fd(monkeypatch)
    realpath = os.path.realpath

    def file_then_link_again(path: Path) -> str:
        name.unlink()
        name.write_bytes(b"mine")
        real = realpath(path)
        name.unlink()
        name.symlink_to(elsewhere / "hr.xlsx")
        return real

    monkeypatch.setattr(os.path, "realpath", file_then_link_again)
    if proc:
        with pytest.raises(SourceError) as caught:
            read_with_stat(name, confine=(teams,))
        assert str(caught.value) == "sales.xlsx: " + OUTSIDE.format(elsewhere / "hr.xlsx")
    else:
        with pytest.raises(
            ConflictError, match=r"^sales\.xlsx: the file changed while it was being read$"
        ):
            read_with_stat(name, confine=(teams,))


def test_a_write_through_a_link_out_of_its_folder_is_refused(tmp_path: Path) -> None:
    """The file was read inside; by the write it is a link to an exact copy elsewhere
    (same bytes and time, so the version still matches): nothing is written there."""
    teams, elsewhere = tmp_path / "teams", tmp_path / "elsewhere"
    teams.mkdir()
    elsewhere.mkdir()
    target = teams / "sales.xlsx"
    target.write_bytes(b"v0")
    version = _version(target)
    os.replace(target, elsewhere / "sales.xlsx")
    target.symlink_to(elsewhere / "sales.xlsx")
    assert _version(target) == version
    with pytest.raises(SourceError) as caught:
        atomic_replace(
            target, b"v1", expected_version=version, backup_dir=tmp_path / "bk",
            source="sales.xlsx", confine=(teams,),
        )  # fmt: skip
    assert str(caught.value) == "sales.xlsx: " + OUTSIDE.format(elsewhere / "sales.xlsx")
    assert (elsewhere / "sales.xlsx").read_bytes() == b"v0"
    assert sorted(p.name for p in elsewhere.iterdir()) == ["sales.xlsx"]
    assert not (tmp_path / "bk").exists()


def test_a_hard_link_is_read_and_never_written_through(tmp_path: Path) -> None:
    """Decided, not missed (docs/write-safety.md, known gaps): a file with two names is
    read, since backup tools and our own backups (a night killed between the backup and
    the rename) make them; the write renames a new file over the team's name, so the
    other name keeps its bytes."""
    teams, backups = tmp_path / "teams", tmp_path / "backups"
    teams.mkdir()
    backups.mkdir()
    (teams / "sales.xlsx").write_bytes(b"old")
    os.link(teams / "sales.xlsx", backups / "sales.xlsx.bak")
    data, st = read_with_stat(teams / "sales.xlsx", confine=(teams,))
    assert (data, st.st_nlink) == (b"old", 2)
    atomic_replace(
        teams / "sales.xlsx",
        b"new",
        expected_version=fingerprint(data, st),
        backup_dir=None,
        confine=(teams,),
    )
    assert (teams / "sales.xlsx").read_bytes() == b"new"
    assert (backups / "sales.xlsx.bak").read_bytes() == b"old"
