"""Reading a file someone else names (a team workbook, a lock file, a key file) safely,
and what such a name is (``file_kind``, ``not_replaceable``): the one rule of what a name
that is no regular file is called, and of which names a file renamed into place may not
replace (a run report, the company workbook, an export).

Each such name may turn out to be a named pipe (an ``open`` that waits forever for a
writer), a device (``/dev/zero``: a read that never ends), a folder, a huge file or one
being written as it is read. ``read_regular_file`` opens without blocking, judges the
open file by ``fstat`` before reading a byte, reads no more than it was told, and raises
an ``OSError`` each caller turns into its own one-line message.
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Callable
from pathlib import Path, PurePosixPath

_NON_BLOCKING = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
#: what a name that is no regular file is called, in every message that says so
_KINDS = (
    (stat.S_ISDIR, "folder"),
    (stat.S_ISFIFO, "named pipe"),
    (stat.S_ISSOCK, "socket"),
    (stat.S_ISCHR, "device"),
    (stat.S_ISBLK, "device"),
)
#: the kernel's file systems: a name there (``/dev/stdout``, ``/proc/self/fd/1``,
#: ``/sys/kernel/...``) is a handle on something else, never a file to be renamed over
SYSTEM_FOLDERS = (PurePosixPath("/proc"), PurePosixPath("/dev"), PurePosixPath("/sys"))
#: as the kernel's limit on links followed in one name (ELOOP beyond)
_MAX_LINKS = 40


def file_kind(mode: int) -> str | None:
    """``folder``, ``named pipe``, ``socket``, ``device`` or ``special file`` for a mode
    that is no regular file's; None for a regular file."""
    if stat.S_ISREG(mode):
        return None
    return next((kind for test, kind in _KINDS if test(mode)), "special file")


def path_kind(path: Path) -> str | None:
    """``file_kind`` of what ``path`` names, its links followed; None for a regular file
    or for nothing there (or nothing reachable: what reads or writes it says so)."""
    try:
        return file_kind(os.stat(path).st_mode)
    except (OSError, ValueError):  # ValueError: a NUL in the name
        return None


class NotRegularFileError(OSError):
    """The name is a folder, a pipe, a device or a socket: reading it could block, never
    end, or mean nothing. ``kind`` says which, for the caller's message."""

    def __init__(self, path: Path, mode: int) -> None:
        self.kind = file_kind(mode) or "special file"
        super().__init__(f"{path}: not a regular file (a {self.kind})")


class FileTooLargeError(OSError):
    """The file was larger than the caller's bound when opened: refused unread."""

    def __init__(self, path: Path, size: int, limit: int) -> None:
        self.size, self.limit = size, limit
        super().__init__(f"{path}: {size} bytes, over the limit of {limit}")


class ChangedWhileReadError(OSError):
    """The bytes read are not the file ``fstat`` described at the open (it grew, shrank or
    was saved meanwhile): they may be half of two versions."""


def read_regular_file(
    path: Path,
    limit: int | None = None,
    *,
    follow_links: bool = True,
    cut: bool = False,
    opened: Callable[[int, os.stat_result], None] | None = None,
) -> tuple[bytes, os.stat_result]:
    """The bytes of the regular file ``path`` and the ``fstat`` of the descriptor read.

    ``limit``: a file larger when opened raises ``FileTooLargeError`` unread (None: no
    bound but the file's own size). ``cut``: return at most the first ``limit`` bytes of
    any regular file instead (a lock file, whose head is all that matters). Otherwise no
    more than the opened size and one byte is read, so a file that grows while read is
    ``ChangedWhileReadError``, not a read without end (``/proc``'s files say size 0 and
    are refused the same way). ``follow_links`` False: a final symbolic link is refused
    (``ELOOP``). ``opened(fd, st)`` judges the open file before it is judged regular
    (where it really is, say) and raises to refuse it. Errors of ``os.open`` (not found,
    permission denied, a link loop) are raised as they are."""
    flags = _NON_BLOCKING | (0 if follow_links else getattr(os, "O_NOFOLLOW", 0))
    fd = os.open(path, flags)
    try:
        st = os.fstat(fd)
        if opened is not None:
            opened(fd, st)
        if not stat.S_ISREG(st.st_mode):
            raise NotRegularFileError(path, st.st_mode)
        if cut:
            return _read_up_to(fd, st.st_size if limit is None else limit), st
        if limit is not None and st.st_size > limit:
            raise FileTooLargeError(path, st.st_size, limit)
        data = _read_up_to(fd, st.st_size + 1)
        after = os.fstat(fd)
    finally:
        os.close(fd)
    if len(data) != st.st_size or (st.st_size, st.st_mtime_ns) != (
        after.st_size,
        after.st_mtime_ns,
    ):
        raise ChangedWhileReadError(f"{path}: changed while it was read")
    return data, st


def _read_up_to(fd: int, count: int) -> bytes:
    """At most ``count`` bytes from ``fd``, fewer only at its end (one read for most)."""
    chunks: list[bytes] = []
    while count > 0 and (chunk := os.read(fd, count)):
        chunks.append(chunk)
        count -= len(chunk)
    return b"".join(chunks)


def in_the_way(path: Path, *, write: bool = False) -> tuple[Path, str] | None:
    """The name that keeps a folder from being made at ``path`` and why, or None: the
    first name on the way that is there (a link counts, wherever it leads:
    ``os.lstat``) and is no folder (``is not a folder`` for a
    file, ``is a named pipe, not a folder`` as ``file_kind`` calls it, a link to nothing,
    a link loop): the one wording of ``export --out``, ``rollup.output``, ``--report``
    and the emulator's ``--state`` (until 2026-12-07 four, a pipe called a file).
    A ``..`` is taken as text (``os.path.abspath``), as every writer takes it
    (``tempfile.mkstemp`` and ``atomic``'s renames, the ``mkdir`` of ``export --out``):
    ``lnk/../sub2/out`` is ``sub2/out`` beside ``lnk``. Until 2026-12-07 a ``..`` after a
    link went to the parent of the link's target, as the kernel goes, and check and
    write disagreed: a folder the check passed was not the one written, after every
    team was read.
    Walked with ``Path.exists`` (links followed), a link to nowhere or a loop was passed
    by, and the folder failed to be made after the work was done (until 2026-12-07).
    Nothing there (``ENOENT``, ``ENOTDIR``) is None: ``mkdir`` makes it. A name that
    cannot be looked at (``EACCES``: a folder the user cannot enter, ``/proc/1/cwd``)
    ``cannot be looked at (Permission denied)``: until 2026-12-07 a ``readlink`` error
    escaped (``error: /proc/1/cwd: Permission denied``, naming no option), and a link
    into a folder the user cannot enter was called a link to nothing.

    ``write``: the last folder there must also let the user make names in it
    (``os.access`` ``W_OK | X_OK``), else ``is a folder you cannot write in``:
    ``export --out ro/x`` read every team, then failed (until 2026-12-07)."""
    here = Path("/")
    for part in PurePosixPath(os.path.abspath(path)).parts[1:]:
        step = here / part
        try:
            os.lstat(step)
        except ValueError:  # a NUL in the name: the write says so
            return None
        except OSError as exc:
            if exc.errno in _NOT_THERE:
                return _unwritable(here) if write else None  # mkdir makes the rest
            return step, _unseen(exc)
        why = _no_folder(step)
        if why is not None:
            return step, why
        here = step
    return _unwritable(here) if write else None


def _unwritable(folder: Path) -> tuple[Path, str] | None:
    """``folder`` and why if the user cannot make a name in it (``in_the_way``)."""
    if os.access(folder, os.W_OK | os.X_OK):
        return None
    return folder, "is a folder you cannot write in"


#: what ``stat`` says of a name that is not there: nothing else means "does not exist"
_NOT_THERE = (errno.ENOENT, errno.ENOTDIR)


def _unseen(exc: OSError) -> str:
    """``in_the_way``'s words for a name ``stat`` or ``readlink`` cannot look at."""
    return f"cannot be looked at ({exc.strerror or exc})"


def _no_folder(there: Path) -> str | None:
    """Why ``there``, a name that is there, is no folder (``in_the_way``), or None."""
    try:
        kind = file_kind(os.stat(there).st_mode)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return link_trouble(there)
        if exc.errno not in _NOT_THERE:
            return _unseen(exc)  # EACCES: a link into a folder the user cannot enter
        try:
            return f"is a link to {os.readlink(there)}, which does not exist"
        except OSError as exc2:
            return _unseen(exc2)
    except ValueError:
        return None
    if kind == "folder":
        return None
    return "is not a folder" if kind is None else f"is a {kind}, not a folder"


def link_trouble(link: Path) -> str:
    """Why ``link``, a link the kernel gives up following (``ELOOP``), leads nowhere, in
    the words of ``in_the_way`` and ``atomic.why_not_written`` alike: ``is a link to
    itself``, ``is a link to T, which goes round a loop of links``, or ``is a link to T:
    too many links to follow`` (a chain past the kernel's 40 that comes back to none of
    its links). Its links are compared by identity (``lstat``'s device and inode), not
    by their text, so ``self`` and ``/ws/self`` are one link. Until a review on
    2026-12-07 ``in_the_way`` said ``is a link loop`` of each, ``why_not_written`` called
    every such chain a loop, and compared a link and its target as text (a link in a
    relative workspace path to itself by its absolute name was a loop)."""
    target = os.readlink(link)
    seen: list[tuple[int, int]] = []
    here = Path(link)
    for _ in range(_MAX_LINKS + 1):
        try:
            st = os.lstat(here)
            if not stat.S_ISLNK(st.st_mode):
                break
            hop = os.readlink(here)
        except OSError:  # ELOOP of a folder on the way, EACCES: the kernel's words
            break
        key = (st.st_dev, st.st_ino)
        if key in seen:
            if len(seen) == 1:
                return "is a link to itself"
            return f"is a link to {target}, which goes round a loop of links"
        seen.append(key)
        here = here.parent / hop  # an absolute hop replaces the name; ``..`` kept
    return f"is a link to {target}: too many links to follow"


def not_replaceable(path: Path) -> str | None:
    """Why a new file renamed into ``path``'s place must not go there (``is a named
    pipe``, ``is in /dev``, ``leads into /proc/self/fd/1``), or None. The rename puts a
    regular file where a pipe, socket, device or folder was (a reader of the pipe got
    nothing; as root ``/dev/full`` was replaced), and a name in the kernel's file systems,
    or one whose links lead there, is a handle on something else."""
    kind = path_kind(path)  # links followed: /dev/stdout to a pipe
    if kind is not None:
        return f"is a {kind}"
    system = through_system(path)
    if system is None:
        return None
    root, hop = system
    return f"is in {root}" if hop == Path(os.path.abspath(path)) else f"leads into {hop}"


def through_system(path: Path) -> tuple[PurePosixPath, Path] | None:
    """The kernel folder (``/proc``, ``/dev``, ``/sys``) and the first name in it that
    ``path`` reaches, each link on the way followed one hop at a time, or None.

    ``/dev/stdout`` of a cron job run ``>>sync.log`` is a link to ``/proc/self/fd/1``, a
    link the kernel resolves to ``sync.log``: a regular file, so a test of the file alone
    let it by, and the rename replaced the link itself (as root, ``/dev/stdout``).
    ``resolve`` hides the hop through ``/proc``; this walk sees it.

    A ``..`` in the name is taken as text (``os.path.abspath``), as every writer takes it
    (``atomic``, ``in_the_way``): ``lnk/../r.json`` is ``r.json`` beside ``lnk``, whatever
    ``lnk`` leads to. Until 2026-12-07 this walk took it after the link, as the kernel
    does, stricter than the write: ``lnk`` a link to ``/dev/shm/sub`` refused the name
    (``leads into /dev/shm/r.json``), a file the write never touches. A ``..`` in a link's
    target is taken where the link leads, as the kernel takes it. A name in a kernel
    folder is the answer once no ``..`` is left to lead out of it."""
    pending = list(reversed(PurePosixPath(os.path.abspath(path)).parts[1:]))
    here = Path("/")
    links = 0
    while pending:
        name = pending.pop()
        if name == "..":
            here = here.parent
            continue
        step = here / name
        root = next((r for r in SYSTEM_FOLDERS if step.is_relative_to(r)), None)
        if root is not None and ".." not in pending:  # the name as it goes on: /proc/self/fd/1
            return root, step.joinpath(*reversed(pending))
        try:
            target = os.readlink(step)
        except OSError:  # no link (or nothing there): a plain name
            here = step
            continue
        links += 1
        if links > _MAX_LINKS:  # a loop: the write says so
            return None
        hops = PurePosixPath(target)
        if hops.is_absolute():
            here = Path("/")
        pending.extend(reversed([p for p in hops.parts if p not in ("/", ".")]))
    return None
