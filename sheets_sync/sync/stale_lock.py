"""What to do about a lock file left for days beside a team's workbook. A lock file is
written when the file is opened, so its age says only how long the file has been open by
it, not whether a crash left it. The sync never judges a lock stale nor deletes one
(docs/write-safety.md, Known gaps): it only tells the person who reads the team's line,
once the lock is old, how long and how to remove it safely."""

from __future__ import annotations

from pathlib import Path

from sheets_sync.domain.celltext import shell_word
from sheets_sync.errors import FileLockedError, SourceError

#: a lock file this many whole days old may be left behind: past a weekend (a laptop asleep
#: from Friday evening keeps its lock until Monday, 2 days and some hours old)
STALE_LOCK_DAYS = 3


def with_stale_advice(exc: SourceError, path: Path | None) -> SourceError:
    """``exc``, and when it is a lock's refusal that says its lock file is
    ``STALE_LOCK_DAYS`` old or more, the same refusal saying how long the file has been
    open and what to delete (until 2026-12-06 only its age was shown,
    ``(~$sales.xlsx, 16 days old)``, night after night). The age is the one the refusal
    says, and the files are those it named, not the lock's read again: near a day boundary
    a line read ``2 days old ... at 3 days old`` (until 2026-12-06), and a lock reopened
    between the two would have been advised with the old one's age."""
    if not isinstance(exc, FileLockedError) or path is None:
        return exc
    days, paths = exc.lock_days, exc.lock_paths
    if days is None or days < STALE_LOCK_DAYS or not paths:
        return exc
    who = f"{exc.holder} no longer has it" if exc.holder else "nobody has it"
    # quoted for a shell: `~$sales.xlsx` expanded `$sales`, and a space split the path;
    # a line break or other control character as an escape (``shlex.quote`` printed it,
    # until 2026-12-07: the advice broke in two)
    files = " and ".join(shell_word(p) for p in paths)
    only = "only those" if len(paths) > 1 else "only that"
    advice = (
        f"; by its lock file {path.name} has been open {days} days: if {who} open (ask "
        f"first; a laptop asleep keeps it open), delete {files}, and {only}; sheets-sync "
        "never deletes a lock file"
    )
    return FileLockedError(
        exc.message + advice,
        source=exc.source,
        holder=exc.holder,
        lock_days=days,
        lock_paths=paths,
    )
