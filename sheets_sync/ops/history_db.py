"""The SQLite file under the run history (``history.py``): one write transaction at a
time, a damaged file set aside, and the values read back typed. SQLite keeps whatever a
hand edit puts in a column (``'abc'`` as a score, ``2026-12-6`` as a date), so a value
that is not what sheets-sync writes is the file's fault, said as a ``HistoryError``
naming it (the night goes on without the history), never a traceback."""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, ParamSpec, Protocol, TypeVar

from sheets_sync.errors import HistoryError

if TYPE_CHECKING:
    import pandas as pd

P = ParamSpec("P")
R = TypeVar("R")
#: What SQLite says of a file that is no longer a database it can read.
DAMAGED = {sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB}


class Store(Protocol):
    """What ``recovering`` needs of a store: its file, and a way to set it aside."""

    path: Path

    def set_aside(self, exc: Exception) -> Path: ...


def recovering(method: Callable[P, R]) -> Callable[P, R]:
    """A damaged history file (not a database, a malformed page) is set aside and the call
    made again on a new one: the history feeds trends and alerts, never the teams' sync,
    so it must not stop a night. A locked or busy database, a failed constraint, are not
    damage: they raise."""

    @functools.wraps(method)
    def wrapper(*args: P.args, **kw: P.kwargs) -> R:
        store: Store = args[0]  # type: ignore[assignment]  # a method's self
        try:
            try:
                return method(*args, **kw)
            except sqlite3.DatabaseError as exc:
                if getattr(exc, "sqlite_errorcode", None) not in DAMAGED:
                    raise  # locked, busy, full: not damage
                store.set_aside(exc)
                return method(*args, **kw)
        except sqlite3.Error as exc:  # a locked file, a full disk: the caller's to report
            raise HistoryError(f"{store.path}: the run history cannot be used ({exc})") from exc

    return wrapper


@contextmanager
def transaction(conn: sqlite3.Connection) -> Iterator[None]:
    """One write transaction, its lock taken up front (``BEGIN IMMEDIATE``: a concurrent
    writer waits out the busy timeout instead of failing halfway), committed whole or
    rolled back whatever ends it, a stop signal too. SQLite may have rolled back itself
    after a failed statement (a full disk): its "no transaction is active" must not hide
    the first error."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield
        conn.execute("COMMIT")
    except BaseException:
        with contextlib.suppress(sqlite3.Error):
            conn.execute("ROLLBACK")
        raise


def edited(path: Path, what: str) -> HistoryError:
    """A value sheets-sync never writes: the history cannot be used until it is fixed.
    Not damage: the file is not set aside, its other nights are not lost."""
    return HistoryError(
        f"{path}: the run history holds {what}, which sheets-sync never writes (edited by "
        "hand?); correct or delete that row, or move the file away to start a new history"
    )


def day(path: Path, text: Any) -> dt.date:
    """A snapshot date as stored (ISO text), or ``edited``."""
    try:
        return dt.date.fromisoformat(text)
    except (TypeError, ValueError):
        raise edited(path, f"the date {text!r}") from None


def typed(path: Path, frame: pd.DataFrame, columns: dict[str, str]) -> pd.DataFrame:
    """``frame`` with the ``columns``' types (``history_schema.KR_COLUMNS``), or
    ``edited`` naming the value that has none of them."""
    import pandas as pd

    if "date" in frame.columns:
        try:
            frame["date"] = pd.to_datetime(frame["date"], format="%Y-%m-%d")
        except (TypeError, ValueError, OverflowError):
            bad = next((v for v in frame["date"] if not _is_day(v)), None)
            raise edited(path, f"the date {bad!r}") from None
    try:
        return frame.astype(columns)
    except (TypeError, ValueError, OverflowError) as exc:
        raise edited(path, f"a value of the wrong type ({exc})") from None


def _is_day(value: Any) -> bool:
    try:
        dt.date.fromisoformat(value)
    except (TypeError, ValueError):
        return False
    return isinstance(value, str) and len(value) == 10
