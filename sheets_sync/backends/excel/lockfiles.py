"""Is a team's workbook open in Excel or LibreOffice, and by whom: the lock files those
applications keep beside it (``~$x.xlsx``, ``.~lock.x.xlsx#``). A file that is open is
left alone for the night (``FileLockedError``); the holder's name tells the team who.
"""

from __future__ import annotations

import errno
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sheets_sync.regular_file import read_regular_file


def excel_lock_path(path: Path) -> Path:
    return path.with_name(f"~${path.name}")


def libreoffice_lock_path(path: Path) -> Path:
    return path.with_name(f".~lock.{path.name}#")


def is_lock_file(path: Path | str) -> bool:
    """True for ``~$x.xlsx`` (Excel owner file) and ``.~lock.x.xlsx#`` (LibreOffice)."""
    name = Path(path).name
    return name.startswith("~$") or (name.startswith(".~lock.") and name.endswith("#"))


def parse_excel_owner(raw: bytes) -> str | None:
    """User name from an Excel owner file (165 bytes).

    Byte 0 is the name's length, then the name in the Windows ANSI code page, padded to
    offset 55 (54 for Word); there a 2-byte length and a UTF-16-LE copy follow. The UTF-16
    copy is preferred because it is not lossy.
    """
    if not raw:
        return None
    ansi_len = raw[0]
    if not 0 < ansi_len <= 52 or len(raw) < 1 + ansi_len:
        return None
    for offset in (55, 54):
        if len(raw) >= offset + 2:
            n = int.from_bytes(raw[offset : offset + 2], "little")
            if n == ansi_len and len(raw) >= offset + 2 + 2 * n:
                name = raw[offset + 2 : offset + 2 + 2 * n].decode("utf-16-le", "replace")
                if name.strip():
                    return name.strip()
    return raw[1 : 1 + ansi_len].decode("cp1252", "replace").strip() or None


def _split_lo_fields(text: str) -> list[str]:
    """LibreOffice lock CSV: ``,`` separates, ``;`` ends, ``\\`` escapes either."""
    fields: list[str] = []
    cur: list[str] = []
    chars = iter(text)
    for ch in chars:
        if ch == "\\":
            cur.append(next(chars, ""))
        elif ch == ",":
            fields.append("".join(cur))
            cur = []
        elif ch == ";":
            break
        else:
            cur.append(ch)
    fields.append("".join(cur))
    return fields


def parse_libreoffice_lock(raw: bytes) -> str | None:
    """User name from ``.~lock.x#``: fields are LO user name, OS user, host, time, profile."""
    fields = [f.strip() for f in _split_lo_fields(raw.decode("utf-8", "replace"))]
    names = [f for f in fields[:2] if f and not f.isdigit()]
    if not names:
        return None
    host = fields[2] if len(fields) > 2 and fields[2] else None
    return f"{names[0]} on {host}" if host else names[0]


@dataclass(frozen=True)
class Lock:
    """A lock file found beside a workbook: which application's, whose (None when it
    names nobody we can show), and when it was last written (None when unknown).
    ``also``: the other lock files of the same opening, which a person deleting a stale
    lock must delete too (LibreOffice with ``CreateMSOLockFiles`` writes Excel's
    ``~$x.xlsx`` beside its own)."""

    path: Path
    application: str  # "Excel" or "LibreOffice"
    holder: str | None
    mtime: float | None
    also: tuple[Path, ...] = ()

    @property
    def paths(self) -> tuple[Path, ...]:
        """Every lock file of this opening, the one read first."""
        return (self.path, *self.also)

    def describe(self, now: float | None = None) -> str:
        """``open in Excel by Ana Ruiz (~$sales.xlsx)``; a lock a day old or more says
        its age, ``(~$sales.xlsx, 3 days old)``: no lock file tells whether the
        application that made it still runs (Excel's names no host, LibreOffice's no
        process), so its age is what lets a person judge a lock left by a crash. Both
        lock files are named when both are there, ``(.~lock.sales.xlsx# and
        ~$sales.xlsx)``: deleting one of them would not be enough."""
        who = f" by {self.holder}" if self.holder else ""
        where = " and ".join(p.name for p in self.paths)
        days = self.age_days(now)
        if days >= 1:
            where += f", {days} day{'s' if days > 1 else ''} old"
        return f"open in {self.application}{who} ({where})"

    def age_days(self, now: float | None = None) -> int:
        """Whole days since the lock file was written (0 when unknown or in the future)."""
        if self.mtime is None:
            return 0
        return max(0, int(((time.time() if now is None else now) - self.mtime) // 86400))


def find_lock(path: Path) -> Lock | None:
    """The lock file Excel or LibreOffice keeps beside ``path`` while it has it open, or
    None. A stale lock left by a crashed application also counts: we would rather skip a
    night than overwrite a file someone may be editing. Anything of that name counts, a
    lock file of garbage bytes, a link, a pipe, one we may not read: a lock of nobody
    named. With both there, LibreOffice's is the one described (it names the host too;
    LibreOffice writes Excel's beside its own when ``CreateMSOLockFiles`` is on, and until
    2026-12-06 the message said ``open in Excel`` and named only ``~$x.xlsx``, whose
    deletion left the file locked), Excel's named beside it; the newer one's age counts."""
    excel = _lock(excel_lock_path(path), "Excel", parse_excel_owner)
    office = _lock(libreoffice_lock_path(path), "LibreOffice", parse_libreoffice_lock)
    if excel is None or office is None:
        return excel or office
    times = [t for t in (office.mtime, excel.mtime) if t is not None]
    return Lock(
        office.path,
        office.application,
        office.holder or excel.holder,
        max(times) if times else None,
        also=(excel.path,),
    )


def _lock(lock: Path, application: str, parse: Callable[[bytes], str | None]) -> Lock | None:
    """The lock file ``lock`` as a ``Lock`` of ``application``, or None when it is not there."""
    try:
        raw = _read_lock(lock)
    except FileNotFoundError:
        return None
    except OSError as exc:
        if exc.errno == errno.ENAMETOOLONG:  # a lock file of that name cannot exist
            return None  # (was "open by someone" for a workbook name of 248+ bytes)
        return Lock(lock, application, None, _mtime(lock))
    return Lock(lock, application, _plausible(parse(raw)), _mtime(lock))


def lock_holder(path: Path) -> tuple[bool, str | None]:
    """Is ``path`` open in Excel or LibreOffice, and by whom (None when unknown)?"""
    lock = find_lock(path)
    return (lock is not None, lock.holder if lock else None)


def lock_of(path: Path) -> Lock | None:
    """``find_lock`` of ``path``, or of the file a symbolic link ``path`` leads to:
    Excel and LibreOffice put their lock file beside the file that was opened, which is
    where the link leads (before 2026-12-05 only the link's folder was looked at)."""
    lock = find_lock(path)
    real = os.path.realpath(path)
    if lock is None and real != os.path.abspath(path):
        lock = find_lock(Path(real))
    return lock


def _mtime(lock: Path) -> float | None:
    try:
        return os.lstat(lock).st_mtime
    except OSError:
        return None


def _read_lock(lock: Path) -> bytes:
    """A lock file's first 4 KiB, only from a regular file its name holds itself: a FIFO
    named ``~$Sales.xlsx`` held the whole night (and the workspace lock) waiting for a
    writer, and a link of that name showed another file's bytes as the holder's name."""
    return read_regular_file(lock, 4096, follow_links=False, cut=True)[0]


def _plausible(name: str | None) -> str | None:
    """A holder's name as a message may show it, or None for a lock file of other bytes
    (a message showed \"open by  \ufffd\ufffd\" for one of binary garbage)."""
    if not name or "\ufffd" in name or not name.isprintable() or len(name) > 120:
        return None
    return name
