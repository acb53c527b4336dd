"""The SQLite file under the run history (``history.py``): one write transaction at a
time, a damaged file set aside, and the values read back typed. SQLite keeps whatever a
hand edit puts in a column (``'abc'`` as a score, ``2026-12-6`` as a date), so a value
that is not what sheets-sync writes is the file's fault, said as a ``HistoryError``
naming it (the night goes on without the history), never a traceback."""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import re
import sqlite3
from collections.abc import Callable, Iterator, Sequence
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
    return _reported(method, recover=True)


def reporting(method: Callable[P, R]) -> Callable[P, R]:
    """``recovering`` without the recovery: any SQLite error is a ``HistoryError`` and the
    file is left as it is. For a clean-up after a good record (``prune``): damage it
    meets is the next record's to set aside; setting it aside here lost the night just
    recorded with the rest (2026-12-07)."""
    return _reported(method, recover=False)


def _reported(method: Callable[P, R], recover: bool) -> Callable[P, R]:
    """``method`` whose SQLite errors are a ``HistoryError`` naming the file, after one
    more call on a new file (the damaged one set aside) when ``recover``."""

    @functools.wraps(method)
    def wrapper(*args: P.args, **kw: P.kwargs) -> R:
        store: Store = args[0]  # type: ignore[assignment]  # a method's self
        try:
            try:
                return method(*args, **kw)
            except sqlite3.DatabaseError as exc:
                if not recover or getattr(exc, "sqlite_errorcode", None) not in DAMAGED:
                    raise  # locked, busy, full: not damage (or not this call's to mend)
                store.set_aside(exc)
                return method(*args, **kw)
        except sqlite3.Error as exc:  # a locked file, a full disk: the caller's to report
            raise HistoryError(f"{store.path}: the run history cannot be used ({exc})") from exc

    return wrapper


def set_aside_as(path: Path) -> Path:
    """Where a damaged history file goes now (``HistoryStore.set_aside``; its -wal and
    -shm beside it): ``history.sqlite.damaged-<UTC stamp>``."""
    return path.with_name(f"{path.name}.damaged-{_now().strftime('%Y%m%dT%H%M%SZ')}")


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def damaged_advice(path: Path) -> str:
    """What to do with a history file whose damage the records never meet (a page only the
    clean-up reads): nothing sets it aside, so it is the user's to, as ``set_aside`` does
    (the name it would give the file now; ``.damaged`` until 2026-12-07, a name no
    set-aside writes)."""
    return (
        f"{path} is damaged and each run's clean-up meets it again: with no run going, move "
        f"it and its -wal and -shm away (as {set_aside_as(path).name}): the next run starts "
        "a new history, and the moved file keeps its nights for recovery by hand "
        "(docs/operations.md, History)"
    )


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


#: A date as sheets-sync writes it: ``date.isoformat()``, YYYY-MM-DD, nothing else. Not
#: ``fromisoformat``, which takes ``20261206`` and ``2026-W49-1`` too, and not pandas'
#: ``%Y-%m-%d``, which takes ``2026-11-6``: the two disagreed on what a hand edit is.
_ISO_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def iso_day(value: Any) -> dt.date | None:
    """``value`` as a day when it is one written as sheets-sync writes it, else None."""
    if not isinstance(value, str) or not _ISO_DAY.fullmatch(value):
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:  # 2026-02-30
        return None


def day(path: Path, text: Any) -> dt.date:
    """A snapshot date as stored (ISO text), or ``edited``."""
    found = iso_day(text)
    if found is None:
        raise edited(path, f"the date {text!r}")
    return found


def typed(path: Path, frame: pd.DataFrame, columns: dict[str, str]) -> pd.DataFrame:
    """``frame`` with the ``columns``' types (``history_schema.KR_COLUMNS``), or
    ``edited`` naming the value that has none of them. A date is checked as ``day``
    checks it, once a value (a night's rows share theirs)."""
    import pandas as pd

    if "date" in frame.columns:
        bad = [v for v in pd.unique(frame["date"]) if iso_day(v) is None]
        if bad:
            raise edited(path, f"the date {bad[0]!r}")
        frame["date"] = pd.to_datetime(frame["date"], format="%Y-%m-%d")
    try:
        return frame.astype(columns)
    except (TypeError, ValueError, OverflowError) as exc:
        raise edited(path, f"a value of the wrong type ({exc})") from None


def read_typed(
    path: Path, cursor: sqlite3.Cursor, columns: dict[str, str], chunk_rows: int
) -> pd.DataFrame:
    """The rows ``cursor`` gives, as a frame of the ``columns`` (``typed``), read a chunk
    of ``chunk_rows`` rows at a time: as Python rows a night's snapshot of every KR took
    several times the size of the typed frame it ends up in. Imports pandas itself (a
    no-op where ``HistoryStore._frame`` imported it first, by
    ``native_threads.import_quietly``)."""
    import pandas as pd

    def typed_rows(rows: list[Any]) -> pd.DataFrame:
        return typed(path, pd.DataFrame.from_records(rows, columns=list(columns)), columns)

    chunks = [typed_rows(rows) for rows in iter(lambda: cursor.fetchmany(chunk_rows), [])]
    if len(chunks) == 1:
        return chunks[0]
    return pd.concat(chunks, ignore_index=True) if chunks else typed_rows([])


def dated(frame: pd.DataFrame, date: dt.date, columns: Sequence[str], dtype: str) -> pd.DataFrame:
    """``frame``, one night's rows read without their ``date`` (``HistoryStore.night``),
    with it in its place among ``columns``: the night's, every row's by the query, and not
    read, checked and parsed a row at a time (a sixth of a night's KR read, 2026-12-07)."""
    if "date" not in columns or "date" in frame.columns:
        return frame
    import numpy as np  # pandas is imported: so is NumPy

    dates = np.full(len(frame), np.datetime64(date.isoformat()), dtype=dtype)
    frame.insert(list(dict.fromkeys(columns)).index("date"), "date", dates)
    return frame
