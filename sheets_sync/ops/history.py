"""Night-by-night snapshots of every KR and KPI, for trends and "turned Off track" alerts.

SQLite (stdlib): replacing one as-of date for the teams of a run is a DELETE + INSERT in
one transaction, so a crash leaves the old snapshot or the new one, never half; a Parquet
file would have to be rewritten whole every night. WAL mode lets readers (a notebook, the
rollup) read while a sync writes. Teams whose run failed are not touched, so they keep
whatever that date held before. Schema and rationale: ``docs/operations.md``; the tables
and columns: ``history_schema.py``; which nights a run records: ``history_dates.py``;
what a night's alerts compare with: ``history_alerts.py``; the SQLite file's
transactions, damage and values read back (typed, a chunk at a time): ``history_db.py``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import sqlite3
from collections.abc import Collection, Iterator, Sequence
from contextlib import closing, contextmanager
from os import PathLike
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sheets_sync.errors import HistoryError
from sheets_sync.loggers import get_logger
from sheets_sync.native_threads import import_quietly
from sheets_sync.ops import history_alerts, history_db, history_pending, history_teams
from sheets_sync.ops.history_dates import AHEAD_OK, back_dated, dated_ahead
from sheets_sync.ops.history_db import DAMAGED, day, recovering, reporting, transaction
from sheets_sync.ops.history_schema import (  # the public ones re-exported (__all__)
    _KPI_FIELDS,
    _KR_FIELDS,
    _LAST_DATES,
    _SCHEMA,
    _TABLES,
    EDITED_NIGHTS,
    KPI_COLUMNS,
    KR_COLUMNS,
    SCHEMA_VERSION,
    _last,
    _picker,
    _select,
    iso,
    kept,
)
from sheets_sync.sync.options import path_arg
from sheets_sync.sync.outcome import first_runs

if TYPE_CHECKING:  # engine imports ops; at run time only annotations need it
    import pandas as pd

    from sheets_sync.sync.engine import SyncResult

__all__ = [
    "AHEAD_OK",
    "CHUNK_ROWS",
    "HISTORY_FILE",
    "KPI_COLUMNS",
    "KR_COLUMNS",
    "SCHEMA_VERSION",
    "STREAM_ROWS",
    "HistoryStore",
    "back_dated",
    "dated_ahead",
    "default_history_path",
]

log = get_logger("sheets_sync.history")
HISTORY_FILE = "history.sqlite"
#: How long a connection waits for another writer's lock before the history "cannot be
#: used" tonight. Read when a store is made: a test shortens it (else it waits 30 s).
BUSY_TIMEOUT_SECONDS = 30.0

#: The edited nights' dates a warning names (``HistoryStore._edited``)
_EDITED_SAID = 5
CHUNK_ROWS = 8192  # snapshot rows typed at a time when read back
#: Snapshot rows a ``stream`` chunk holds: the History tab's rows are rendered 1,600 at a
#: time (``rollup/bulk.py``: 16,000 cells, 10 columns), and each row waiting as a tuple of
#: new strings costs ~0.5 KB.
STREAM_ROWS = 1_600


def default_history_path(state_dir: Path) -> Path:
    """``<workspace>/.sheets-sync/history.sqlite`` given ``Workspace.state_dir``."""
    return state_dir / HISTORY_FILE


class HistoryStore:
    """Snapshots keyed by (as-of date, team); created on first use."""

    def __init__(self, path: str | PathLike[str], *, timeout: float | None = None) -> None:
        # a str was an AttributeError on first use (until 2026-12-07)
        self.path = path_arg(path, "path")
        self.timeout = BUSY_TIMEOUT_SECONDS if timeout is None else timeout
        self._looked = False  # for nights of a date sheets-sync never writes (``_edited``)
        self._no_text: set[object] = set()  # team names that are no text, said (``_skipped``)

    def set_aside(self, exc: Exception) -> Path:
        """Move a damaged history file (with its WAL) aside, kept for recovery by hand."""
        kept = history_db.set_aside_as(self.path)
        for suffix in ("", "-wal", "-shm"):
            part = Path(f"{self.path}{suffix}")
            if part.exists():
                part.replace(Path(f"{kept}{suffix}"))
        log.error(
            "%s: the run history is damaged (%s); kept as %s, a new history starts now",
            self.path, exc, kept.name,
        )  # fmt: skip
        return kept

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        # isolation_level=None: we issue BEGIN IMMEDIATE ourselves, so the write lock is
        # taken up front and a concurrent writer waits (busy timeout) instead of failing.
        with closing(
            sqlite3.connect(self.path, timeout=self.timeout, isolation_level=None)
        ) as conn:
            conn.execute("PRAGMA journal_mode=WAL")
            self._migrate(conn)
            if not self._looked:
                self._looked = True
                self._edited(conn)
            yield conn

    def _edited(self, conn: sqlite3.Connection) -> None:
        """Warn of nights whose date a hand edit made (``2026-11-6``): every query leaves
        them out (``history_schema.iso``), so the history goes on being recorded, but
        their rows are not shown until someone corrects or deletes them. Once a store."""
        sql = f"SELECT as_of FROM {EDITED_NIGHTS} ORDER BY as_of"
        found = [value for (value,) in conn.execute(sql).fetchmany(_EDITED_SAID + 1)]
        if found:
            more = ", ..." if len(found) > _EDITED_SAID else ""
            log.warning(
                "%s: the run history holds the date%s %s, which sheets-sync never writes "
                "(edited by hand?); its rows are left out of the history: correct or delete them",
                self.path, "s" if len(found) > 1 else "",
                ", ".join(map(repr, found[:_EDITED_SAID])) + more,
            )  # fmt: skip

    def _skipped(self, team: object) -> None:
        """Warn of a team name that is no text (a hand edit's BLOB), which the alerts and
        the teams gone skip: once a store, whichever reads it first. Each command opens a
        store of its own, so this is the "once a run" of docs/operations.md; a library
        caller's store kept for several runs says it at the first."""
        if team not in self._no_text:
            self._no_text.add(team)
            log.warning("%s: %s", self.path, history_teams.no_text_message(team))

    def _migrate(self, conn: sqlite3.Connection) -> None:
        has_meta = conn.execute(
            "SELECT 1 FROM sqlite_master WHERE type='table' AND name='meta'"
        ).fetchone()
        if has_meta:
            row = conn.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()
            try:
                found = int(row[0]) if row else None
            except ValueError:
                raise HistoryError(
                    f"{self.path}: its schema version {row[0]!r} is not a number"
                ) from None
            if found == SCHEMA_VERSION:
                return
            if found is not None and found > SCHEMA_VERSION:
                raise HistoryError(
                    f"{self.path}: history schema {found} is newer than this sheets-sync "
                    f"understands ({SCHEMA_VERSION}); upgrade sheets-sync"
                )
        with transaction(conn):
            for statement in filter(str.strip, _SCHEMA.split(";")):
                conn.execute(statement)
            kr_columns = {row[1] for row in conn.execute("PRAGMA table_info(kr_snapshots)")}
            if "weight" not in kr_columns:  # a schema 1 store: its rows keep a blank weight
                conn.execute("ALTER TABLE kr_snapshots ADD COLUMN weight REAL")
            for statement in filter(str.strip, history_alerts.TABLES.split(";")):
                conn.execute(statement)
            history_alerts.seed(conn)  # made now: the nights recorded so far were alerted
            conn.execute(
                "INSERT OR REPLACE INTO meta (key, value) VALUES ('schema_version', ?)",
                (str(SCHEMA_VERSION),),
            )

    @recovering
    def record(self, result: SyncResult, *, pending: bool = False) -> int:
        """Store the run's snapshot under its as-of date; returns the rows written.

        The date's rows for every team that was scored are replaced in one transaction;
        teams not in the run, and teams whose run failed, keep what they had. A snapshot
        row is a few columns of the team's rollup row (``team_rows``): made once a night,
        and read from the packed results while the engine still holds them packed.
        ``pending``: rows not yet known true, kept undoable until ``settle_pending``
        (``history_pending.py``). A team is recorded under its name as ``first_runs``
        gives it: a lone surrogate shown as U+FFFD, as in the rollup (until 2026-12-07 a
        library caller's ``\\udcc9quipe`` raised UnicodeEncodeError), and a team listed
        twice as its first listing."""
        from sheets_sync.sync.team_rows import KEY_RESULT, KPI, rows_for

        as_of = result.context.as_of.isoformat()
        stamp = result.context.generated_at.isoformat()
        kr_fields = _picker(KEY_RESULT, _KR_FIELDS)
        kpi_fields = _picker(KPI, _KPI_FIELDS)
        written = 0
        with self._connect() as conn, transaction(conn):
            holding = history_pending.prepare(conn) if pending else []
            for run in first_runs(result.runs):  # a team at a time: no night-sized
                rows = rows_for(run, result.context)  # lists of rows
                if rows is None:
                    continue
                key = (as_of, run.team)
                if pending:
                    history_pending.hold(conn, *key, holding)
                conn.execute("DELETE FROM kr_snapshots WHERE as_of=? AND team=?", key)
                conn.execute("DELETE FROM kpi_snapshots WHERE as_of=? AND team=?", key)
                conn.execute(
                    "INSERT OR REPLACE INTO snapshots (as_of, team, recorded_at) VALUES (?, ?, ?)",
                    (*key, stamp),
                )
                krs = [
                    (*key, objective, kr, description or None, *rest)
                    for objective, kr, description, *rest in map(kr_fields, rows.key_results)
                ]
                kpis = [
                    (*key, kpi, name or None, *rest)
                    for kpi, name, *rest in map(kpi_fields, rows.kpis)
                ]
                conn.executemany(
                    "INSERT INTO kr_snapshots (as_of, team, objective_id, kr_id, description,"
                    " current, target, score, progress, expected, status, weight)"
                    " VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
                    krs,
                )
                conn.executemany(
                    "INSERT INTO kpi_snapshots (as_of, team, kpi_id, name, actual, target,"
                    " status, variance) VALUES (?,?,?,?,?,?,?,?)",
                    kpis,
                )
                written += len(krs) + len(kpis)
                if not pending:  # a pending night recovers once confirmed (settle_pending)
                    history_alerts.recover(conn, as_of, (run.team,))
        return written

    @recovering
    def gone_since(self, as_of: dt.date, keep: Collection[str]) -> tuple[str, list[str]] | None:
        """After a night of every team (``keep``: their names): the night before's teams
        that are gone (``history_teams.py``). Reads only: nothing is deleted."""
        with self._connect() as conn:
            return history_teams.gone_since(conn, as_of.isoformat(), set(keep), self._skipped)

    @recovering
    def settle_pending(
        self,
        as_of: dt.date | None,
        landed: Collection[str] | None = None,
        *,
        alerted: Collection[str] = (),
    ) -> list[tuple[str, str]]:
        """Confirm the pending records (``record(pending=True)``) of the ``landed`` teams
        on ``as_of`` (None: every team) and undo the others, of every date when ``as_of``
        is None: their rows go back to what the date held before. Returns the (date,
        team) undone. The ``alerted`` teams of those confirmed (their night's alerts went
        out, or there were none) become the next night's alert baseline, in the same
        transaction (``history_alerts.py``)."""
        if not self.path.exists():
            return []
        day = None if as_of is None else as_of.isoformat()
        with self._connect() as conn:
            if not history_pending.pending_teams(conn, day):  # most nights: no write lock
                return []
            with transaction(conn):
                if landed is None:
                    landed = [team for _, team in history_pending.pending_teams(conn, day)]
                undone = history_pending.settle(conn, day, landed)
                if day is not None:
                    kept = set(landed).difference(team for _, team in undone)
                    history_alerts.recover(conn, day, kept)
                    history_alerts.mark(conn, day, kept.intersection(alerted))
        return undone

    @recovering
    def later_night(self, as_of: dt.date) -> dt.date | None:
        """The latest recorded night when it is after ``as_of`` (a back-dated run), else
        None. A back-dated run reads the sheets as they are today, not as they were that
        night, so the sync records nothing then (``Sync.record_history``)."""
        with self._connect() as conn:
            sql = f"SELECT as_of FROM snapshots WHERE {iso()} ORDER BY as_of DESC LIMIT 1"
            latest = conn.execute(sql).fetchone()
        night = None if latest is None else day(self.path, latest[0])
        return None if night is None or night <= as_of else night

    def not_recorded(self, as_of: dt.date, today: dt.date | None = None) -> str | None:
        """Why a run as of ``as_of`` records nothing (``dated_ahead``, ``back_dated``), or
        None when it records its night."""
        today = today or dt.date.today()
        if as_of > today + AHEAD_OK:
            return dated_ahead(as_of, today)
        later = self.later_night(as_of)
        return None if later is None else back_dated(as_of, later)

    @recovering
    def dates(self) -> list[dt.date]:
        """Every snapshot date, oldest first."""
        with self._connect() as conn:
            sql = f"SELECT DISTINCT as_of FROM snapshots WHERE {kept()} ORDER BY as_of"
            rows = conn.execute(sql).fetchall()
        return [day(self.path, r[0]) for r in rows]

    def _frame(self, table: str, columns: dict[str, str], where: str, params: Any) -> pd.DataFrame:
        sql = _select(table, columns, where)
        import_quietly()  # before read_typed's pandas, which imports numpy and pyarrow
        with self._connect() as conn:
            return history_db.read_typed(self.path, conn.execute(sql, params), columns, CHUNK_ROWS)

    def _history(
        self, table: str, columns: dict[str, str], last_n: int, through: dt.date | None
    ) -> pd.DataFrame:
        return self._frame(table, columns, f"as_of IN {_LAST_DATES}", _last(last_n, through))

    @recovering
    def kr_history(self, last_n: int, through: dt.date | None = None) -> pd.DataFrame:
        """Every KR of the last ``last_n`` snapshot dates (on or before ``through``, when
        given), oldest first (``KR_COLUMNS``)."""
        return self._history("kr_snapshots", KR_COLUMNS, last_n, through)

    @recovering
    def kpi_history(self, last_n: int, through: dt.date | None = None) -> pd.DataFrame:
        """Every KPI of the last ``last_n`` snapshot dates (on or before ``through``, when
        given), oldest first (``KPI_COLUMNS``)."""
        return self._history("kpi_snapshots", KPI_COLUMNS, last_n, through)

    @recovering
    def night_counts(
        self, last_n: int, through: dt.date | None = None
    ) -> list[tuple[dt.date, int, int]]:
        """(date, KR rows, KPI rows) of each of the last ``last_n`` snapshot dates on or
        before ``through`` (None: the last ones), oldest first: what ``stream`` will give
        for them, known before it is read. A back-dated rollup shows no later night."""
        sql = (
            "SELECT as_of, (SELECT COUNT(*) FROM kr_snapshots k WHERE k.as_of = d.as_of),"
            " (SELECT COUNT(*) FROM kpi_snapshots p WHERE p.as_of = d.as_of)"
            f" FROM {_LAST_DATES} d ORDER BY as_of"
        )
        params = _last(last_n, through)
        with self._connect() as conn:
            rows = conn.execute(sql, params).fetchall()
        return [(day(self.path, d), krs, kpis) for d, krs, kpis in rows]

    @recovering
    def distinct(self, kind: str, column: str, dates: Sequence[dt.date]) -> set[str]:
        """The distinct texts of one ``column`` (of ``kind``'s, as ``night``) over
        ``dates``: whether any ID of them is spelled two ways, without reading their rows
        (``rollup/nights.py``)."""
        table, types = _TABLES[kind]
        if column not in types:
            raise ValueError(f"no column {column!r} in {table}")
        marks = ", ".join("?" * len(dates))
        sql = f"SELECT DISTINCT {column} FROM {table} WHERE as_of IN ({marks})"
        with self._connect() as conn:
            rows = conn.execute(sql, [d.isoformat() for d in dates]).fetchall()
        return {value for (value,) in rows if isinstance(value, str)}

    @recovering
    def night(self, kind: str, date: dt.date, columns: Sequence[str]) -> pd.DataFrame:
        """The ``columns`` (of ``KR_COLUMNS`` or ``KPI_COLUMNS``, by ``kind``: "kr" or
        "kpi") of one date's snapshot rows, typed: a night at a time, the trends of many
        nights are built without holding them all."""
        table, types = _TABLES[kind]
        read = {c: types[c] for c in columns if c != "date"} or {"date": types["date"]}
        frame = self._frame(table, read, "as_of = ?", (date.isoformat(),))
        return history_db.dated(frame, date, columns, types["date"])

    def stream(
        self, kind: str, columns: Sequence[str], dates: Sequence[dt.date]
    ) -> Iterator[list[tuple[Any, ...]]]:
        """The ``columns`` of the ``dates``' snapshot rows as plain tuples, a chunk of rows at
        a time, in ``kr_history``'s order; ``date`` as its ISO text. For a table too long
        to hold (the company workbook's History tab), written as it is read."""
        table, types = _TABLES[kind]
        unknown = set(columns) - set(types)
        if unknown:
            raise ValueError(f"no such {kind} snapshot column: {sorted(unknown)}")
        sql = _select(table, columns, f"as_of IN ({', '.join('?' * len(dates))})")
        try:
            with self._connect() as conn:
                cursor = conn.execute(sql, [d.isoformat() for d in dates])
                yield from iter(lambda: cursor.fetchmany(STREAM_ROWS), [])
        except sqlite3.Error as exc:  # read mid-write of a workbook: no place to recover
            damaged = getattr(exc, "sqlite_errorcode", None) in DAMAGED
            if damaged:  # set aside now (and logged): the next run starts a new history
                self.set_aside(exc)
            raise HistoryError(f"{self.path}: the run history could not be read: {exc}") from exc

    @recovering
    def marks(self, last_n: int, as_of: dt.date, scored: Collection[str]) -> bytes:
        """A digest of (date, team, recorded at) of the snapshots a rollup as of ``as_of``
        shows (``night_counts(last_n, through=as_of)``): it changes whenever those rows
        could. The ``scored`` teams' rows for ``as_of`` were just recorded from the run's
        own results, so their time is left out (it is the clock); not when a later night
        is recorded (a back-dated run records nothing: ``later_night``). Digested as the
        rows come: at 2,000 teams and 12 nights they took 6 MB as a list, held while the
        rollup was built."""
        sql = (
            f"SELECT as_of, team, recorded_at FROM snapshots WHERE as_of IN {_LAST_DATES} "
            "ORDER BY as_of, team"
        )
        digest = hashlib.sha256()
        day = as_of.isoformat()
        fresh = set(scored) if self.later_night(as_of) is None else set()
        with self._connect() as conn:
            for d, t, at in conn.execute(sql, _last(last_n, as_of)):
                mark = (d, t, "" if d == day and t in fresh else at)
                digest.update(repr(mark).encode())
        return digest.digest()

    @recovering
    def previous_kr_status(
        self, before: dt.date, *, including: bool = False
    ) -> dict[tuple[str, str], str]:
        """(team, KR id) -> status: ``previous_kr_statuses``, flat."""
        by_team = self.previous_kr_statuses(before, including=including)
        return {(t, kr): status for t, krs in by_team.items() for kr, status in krs.items()}

    @recovering
    def previous_kr_statuses(
        self, before: dt.date, *, including: bool = False
    ) -> dict[str, dict[str, str]]:
        """team -> {KR id -> status}, from each team's latest snapshot before ``before``
        (``including``: on or before it, so a rerun of a night compares with what that
        night recorded, and does not report the same turns again); per team, so a team
        that failed last night is compared with its last good night. A run holds it all
        night: ~2.5 MB at 40,000 KRs (each id and status one string), 14 MB flat."""
        upto = "<=" if including else "<"
        sql = (
            "SELECT k.team, k.kr_id, k.status FROM kr_snapshots k JOIN "
            "(SELECT team, MAX(as_of) AS as_of FROM snapshots"
            f" WHERE as_of {upto} ? AND {kept()} GROUP BY team)"
            " s ON k.team = s.team AND k.as_of = s.as_of ORDER BY k.seq"
        )
        shared: dict[str, str] = {}
        by_team: dict[str, dict[str, str]] = {}
        with self._connect() as conn:
            for team, kr_id, status in conn.execute(sql, (before.isoformat(),)):
                krs = by_team.get(team)
                if krs is None:
                    krs = by_team[team] = {}
                krs[shared.setdefault(kr_id, kr_id)] = shared.setdefault(status, status)
        return by_team

    @recovering
    def alert_baseline(self, since: dt.date | None = None) -> dict[str, dict[str, str]]:
        """team -> {KR id -> status} that tonight's alerts compare with: each team's
        latest night whose alerts went out, not its latest snapshot (``history_alerts``);
        ``since``: the period's start, before which a team's KRs are another period's."""
        with self._connect() as conn:
            since_day = None if since is None else since.isoformat()
            return history_alerts.baseline(conn, since_day, self._skipped)

    @recovering
    def mark_alerted(self, result: SyncResult, teams: Collection[str]) -> None:
        """The ``teams``' alerts of the run went out: their KR statuses as the run scored
        them become their alert baseline. For a shard, whose night is recorded by the
        merge; a whole sync marks its teams as it confirms their snapshot
        (``settle_pending``). ``teams`` are named as ``first_runs`` names them; marked
        in the order of their names, as ``settle_pending`` marks them (``history_alerts.mark``)."""
        from sheets_sync.sync.team_rows import KEY_RESULT, rows_for

        pick = _picker(KEY_RESULT, ("KR ID", "Status"))
        as_of = result.context.as_of.isoformat()
        with self._connect() as conn, transaction(conn):
            for run in sorted(first_runs(result.runs), key=lambda run: run.team):
                rows = rows_for(run, result.context) if run.team in teams else None
                if rows is not None:
                    statuses = map(pick, rows.key_results)
                    history_alerts.mark_statuses(conn, as_of, run.team, statuses)

    @reporting
    def prune(self, keep: int) -> int:
        """Drop all but the newest ``keep`` snapshot dates (``history.keep_snapshots``);
        returns the rows deleted. A damaged file is not set aside (``reporting``): the
        night just recorded is in it, and the next record sets it aside if it must."""
        if keep < 1:
            raise ValueError(f"keep must be at least 1, not {keep}")
        cutoff = (
            f"(SELECT as_of FROM (SELECT DISTINCT as_of FROM snapshots WHERE {kept()}"
            " ORDER BY as_of DESC LIMIT -1 OFFSET ?))"
        )
        deleted = 0
        with self._connect() as conn, transaction(conn):
            for table in ("kr_snapshots", "kpi_snapshots", "snapshots"):
                cur = conn.execute(f"DELETE FROM {table} WHERE as_of IN {cutoff}", (keep,))
                deleted += cur.rowcount if table != "snapshots" else 0
        return deleted
