"""What to do about a lock file left for days beside a team's workbook (a crashed Excel,
a computer switched off with the file open). The sync never judges a lock stale nor
deletes one (docs/write-safety.md, Known gaps): it only tells the person who reads the
team's line, once the lock is old, that it looks stale and how to remove it safely."""

from __future__ import annotations

from pathlib import Path

from sheets_sync.errors import FileLockedError, SourceError

#: a lock file this many whole days old looks left behind: past a weekend (a laptop asleep
#: from Friday evening keeps its lock until Monday, 2 days and some hours old)
STALE_LOCK_DAYS = 3


def with_stale_advice(exc: SourceError, path: Path | None, now: float | None = None) -> SourceError:
    """``exc``, and when it is a lock's refusal whose lock file is ``STALE_LOCK_DAYS`` old or
    more, the same refusal saying so and what to delete (until 2026-12-06 only its age
    was shown, ``(~$sales.xlsx, 16 days old)``, night after night)."""
    if not isinstance(exc, FileLockedError) or path is None:
        return exc
    from sheets_sync.backends.excel.lockfiles import lock_of

    lock = lock_of(path)
    if lock is None or (days := lock.age_days(now)) < STALE_LOCK_DAYS:
        return exc
    who = f"{lock.holder} no longer has" if lock.holder else "nobody has"
    files = " and ".join(str(p) for p in lock.paths)
    advice = (
        f"; at {days} days old the lock looks stale (left by a crash or a computer switched "
        f"off with the file open): if {who} {path.name} open (ask first; a laptop asleep "
        f"keeps it open), delete {files}, and only that; sheets-sync never deletes a lock file"
    )
    return FileLockedError(exc.message + advice, source=exc.source, holder=exc.holder)
