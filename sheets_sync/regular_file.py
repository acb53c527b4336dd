"""Reading a file someone else names (a team workbook, a lock file, a key file) safely.

Each such name may turn out to be a named pipe (an ``open`` that waits forever for a
writer), a device (``/dev/zero``: a read that never ends), a folder, a huge file or one
being written as it is read. ``read_regular_file`` opens without blocking, judges the
open file by ``fstat`` before reading a byte, reads no more than it was told, and raises
an ``OSError`` each caller turns into its own one-line message.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable
from pathlib import Path

_NON_BLOCKING = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
_KINDS = (
    (stat.S_ISDIR, "folder"),
    (stat.S_ISFIFO, "named pipe (FIFO)"),
    (stat.S_ISSOCK, "socket"),
    (stat.S_ISCHR, "device"),
    (stat.S_ISBLK, "device"),
)


class NotRegularFileError(OSError):
    """The name is a folder, a pipe, a device or a socket: reading it could block, never
    end, or mean nothing. ``kind`` says which, for the caller's message."""

    def __init__(self, path: Path, mode: int) -> None:
        self.kind = next((kind for test, kind in _KINDS if test(mode)), "special file")
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
