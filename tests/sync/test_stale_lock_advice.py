"""The stale-lock advice's file names, pasted into a shell (``sync/stale_lock.py``)."""

from __future__ import annotations

from pathlib import Path

from sheets_sync.errors import FileLockedError
from sheets_sync.sync.stale_lock import with_stale_advice


def _advised(lock: str) -> str:
    exc = FileLockedError("sales.xlsx is open", lock_days=9, lock_paths=(lock,))
    return with_stale_advice(exc, Path("sales.xlsx")).message


def test_a_lock_path_with_a_line_break_is_one_word_on_one_line() -> None:
    """``shlex.quote`` put the line break itself in the advice (``delete '/srv/a`` then
    ``b/~$sales.xlsx'``): one line became two, and a copy of either named another path.
    ``celltext.shell_word`` writes it ``$'...\\n...'``, read back in any locale."""
    message = _advised("/srv/a\nb/~$sales.xlsx")
    assert "\n" not in message
    assert "delete $'/srv/a\\nb/~$sales.xlsx', and only that" in message


def test_a_plain_lock_path_is_quoted_as_before() -> None:
    assert "delete '/srv/okr/~$sales.xlsx', and only that" in _advised("/srv/okr/~$sales.xlsx")
