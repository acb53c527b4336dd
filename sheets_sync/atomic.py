"""Write a whole file so readers see the old version or the new one, never half of one.

Used for files the tool owns outright (the company rollup, exports, run reports). Team
workbooks go through ``backends/excel/files.py``, which adds conflict checks and backups.
"""

from __future__ import annotations

import contextlib
import errno
import glob
import os
import re
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from sheets_sync.regular_file import link_trouble, path_kind


def _umask() -> int:
    """The process's umask, read where Linux shows it (``/proc/self/status``, 4.7+) rather
    than by setting it and back: in a program that uses sheets-sync as a library, a file
    another of its threads created in that moment got 022 instead of the program's own
    umask (077: readable by everyone)."""
    with (
        contextlib.suppress(OSError, ValueError),
        open("/proc/self/status", encoding="ascii", errors="replace") as status,
    ):
        for line in status:
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    current = os.umask(0o022)  # elsewhere the only way: the moment stays
    os.umask(current)
    return current


def _as_written(path: Path) -> Path:
    """``path`` with ``..`` taken as text (``os.path.abspath``), as ``tempfile.mkstemp``
    takes its folder: the temp file and the rename over ``path`` go to one folder, the one
    ``regular_file.in_the_way`` checks. With the rename taking ``lnk/..`` as the kernel
    does (the parent of the link's target), the two went to two folders."""
    return Path(os.path.abspath(path))


def atomic_write(path: Path, write: Callable[[Path], None]) -> None:
    """``write(tmp)`` into a temp file beside ``path``, fsync, rename over ``path``.

    The temp name starts with a dot and ends in ``.tmp`` so folder globs skip it; the
    result gets ordinary permissions (0666 minus umask), not mkstemp's private 0600, so
    the people the file is for can read it.
    """
    commit(stage(path, write), path)


def stage(path: Path, write: Callable[[Path], None]) -> Path:
    """The first half of ``atomic_write``: ``write(tmp)`` beside ``path``, fsynced; the
    caller then ``commit``s it or deletes it (a run may write a file before it knows
    whether it wants it)."""
    with staging(path) as tmp:
        write(tmp)
    return tmp


@contextlib.contextmanager
def staging(path: Path) -> Iterator[Path]:
    """``stage`` for a file written in steps: the temp path to write, fsynced on leaving
    (deleted if the block raised); the caller then ``commit``s it or deletes it."""
    path = _as_written(path)
    fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    tmp = Path(name)
    try:
        yield tmp
        with open(tmp, "rb+") as handle:
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o666 & ~_umask())
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def commit(tmp: Path, path: Path) -> None:
    """Rename a ``stage``d temp file over ``path`` and fsync the folder."""
    path = _as_written(path)
    try:
        os.replace(tmp, path)
        fsync_dir(path.parent)
    finally:
        tmp.unlink(missing_ok=True)


#: what ``os.link`` says on a file system without hard links (some FUSE and SMB mounts)
_NO_LINKS = {errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.ENOSYS}


def commit_new(tmp: Path, path: Path) -> None:
    """Put a ``stage``d temp file at ``path`` only if nothing is there: linked, not renamed,
    so a file made at ``path`` since the caller looked is never replaced
    (``FileExistsError``); the temp name then goes. A rename replaced a file made between
    the caller's check and it. On a file system without hard links, the check and the
    rename, as close together as they can be."""
    path = _as_written(path)
    try:
        try:
            os.link(tmp, path, follow_symlinks=False)
        except OSError as exc:
            if exc.errno not in _NO_LINKS:
                raise
            if os.path.lexists(path):
                raise FileExistsError(errno.EEXIST, os.strerror(errno.EEXIST), str(path)) from None
            os.replace(tmp, path)
        fsync_dir(path.parent)
    finally:
        tmp.unlink(missing_ok=True)


def fsync_dir(folder: Path) -> None:
    """Make a rename or link in ``folder`` durable: until the folder itself is fsynced, a
    power cut can bring back the old name after the new file's bytes are on disk."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


#: the random part of a ``tempfile.mkstemp`` name (CPython: 8 of a-z, 0-9 and _)
_MKSTEMP = re.compile(r"[a-z0-9_]{8}")


def is_temp_name(name: str, prefix: str, suffix: str) -> bool:
    """``name`` is one ``tempfile.mkstemp`` gives for ``prefix`` and ``suffix``: a sweep
    of a killed run's temp files deletes those, never a user's file of a like name."""
    return (
        len(name) == len(prefix) + 8 + len(suffix)
        and name.startswith(prefix)
        and name.endswith(suffix)
        and _MKSTEMP.fullmatch(name, len(prefix), len(prefix) + 8) is not None
    )


def temp_files_of(path: Path, tails: tuple[str, ...] = ("",)) -> Iterator[Path]:
    """The temp files ``atomic_write(path)`` stages beside ``path`` (a killed run's among
    them), each with one of ``tails`` added (a file made beside the temp file): only
    mkstemp's names, so a sweep never deletes a user's look-alike such as
    ``.rollup-state.json.before upgrade.tmp``."""
    prefix = f".{path.name}."

    def ours(name: str) -> bool:
        return any(
            name.endswith(f".tmp{tail}")
            and is_temp_name(name[: len(name) - len(tail)], prefix, ".tmp")
            for tail in tails
        )

    return (p for p in path.parent.glob(f"{glob.escape(prefix)}*.tmp*") if ours(p.name))


def remove_stale(paths: Iterable[Path], older_than: float = 3600.0) -> None:
    """Best effort: delete the temp files among ``paths`` that a crashed or killed run
    left more than ``older_than`` seconds ago (younger ones may be another run's)."""
    now = time.time()
    for path in paths:
        with contextlib.suppress(OSError):
            if now - path.stat().st_mtime > older_than:
                path.unlink()


def atomic_write_text(path: Path, text: str) -> None:
    def write(tmp: Path) -> None:
        tmp.write_text(text, encoding="utf-8")

    atomic_write(path, write)


def make_writable_folder(folder: Path) -> None:
    """``folder`` made, and proved writable by a file created and dropped there, so a
    command that would write into it later can stop before it does anything (raises
    ``OSError``). The probe's name is unique: runs on two machines sharing the folder
    can share a pid, and one removing the other's probe made it look unwritable."""
    folder.mkdir(parents=True, exist_ok=True)
    prove_writable(folder)


def prove_writable(folder: Path) -> None:
    """A file created and dropped in ``folder`` (raises ``OSError`` where none can be)."""
    with tempfile.TemporaryFile(dir=folder, prefix=".write-test-"):
        pass


def why_not_written(path: Path, exc: OSError, *, is_folder: bool = False) -> str:
    """Why ``path`` (a file or folder being made) could not be written, in words about its
    folders: the nearest that exists may be a file where a folder was meant, which the OS
    says as ``File exists`` or ``Not a directory`` of some other path, or a link to
    nothing, which ``File exists`` did not name either. Looking may fail too (a name too
    long, a folder not searchable): that raised its own OSError from here, not the reason.
    ``is_folder``: ``path`` is a folder being made, so it is looked at too (a file named
    ``teams`` where ``teams/`` was to be made was ``File exists`` until a review on
    2026-12-07)."""
    path = Path(path)
    for folder in [path, *path.parents] if is_folder else path.parents:
        try:
            if folder.is_symlink() and not folder.exists():
                return _dead_link(folder)
            kind = path_kind(folder)  # in ``regular_file.in_the_way``'s words: until
            # 2026-12-07 ``is a file, not a folder``, a pipe too
            if folder.exists() and kind != "folder":
                return (
                    f"{folder} is not a folder"
                    if kind is None
                    else f"{folder} is a {kind}, not a folder"
                )
            if folder.exists():
                break
        except OSError:  # ENAMETOOLONG, EACCES: look at the folder above
            continue
    return str(exc.strerror or exc)


def _dead_link(link: Path) -> str:
    """A link that leads nowhere, in words: to a missing path, or as
    ``regular_file.link_trouble`` says one the kernel gives up following (to itself,
    round a loop of links, too many links; until a review on 2026-12-07 a loop was
    ``... which does not exist``)."""
    target = os.readlink(link)
    try:
        os.stat(link)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return f"{link} {link_trouble(link)}"
    return f"{link} is a link to {target}, which does not exist"
