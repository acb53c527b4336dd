"""What each team's alerts were last compared with and delivered: the alert baseline.

Alerts are promised at least once. Comparing tonight with the previous snapshot lost
them whenever a snapshot was recorded without its alerts going out: by ``sheets-sync
rollup`` (it records, never notifies), by a night whose hook failed, by a rollup that
confirmed a killed night's rows. So the statuses a delivered night compared against are
kept apart from the snapshots, per team, in ``alert_baseline`` (with the night in
``alerted``); only a night whose alerts went out (or had none to send) moves them to
Off track. Any other recorded night may only move a KR out of Off track (``recover``):
left Off track, a KR that recovered and then turned Off track again was never alerted.
Runs in the caller's connection and transaction.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Collection, Iterable

from sheets_sync.domain.ids import id_key
from sheets_sync.ops.history_schema import kept

#: Made by the schema 3 migration (``history_schema._SCHEMA``).
TABLES = """
CREATE TABLE IF NOT EXISTS alerted (team TEXT PRIMARY KEY, as_of TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS alert_baseline (
    seq INTEGER PRIMARY KEY, team TEXT NOT NULL, kr_id TEXT NOT NULL, status TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS alert_baseline_by_team ON alert_baseline (team);
"""


def seed(conn: sqlite3.Connection) -> None:
    """On the upgrade to schema 3: each team's latest confirmed snapshot counts as
    alerted, as it did before, so the first night after the upgrade neither repeats
    old alerts nor skips any. A night a killed run left pending is not confirmed: its
    rerun alerts on it. But a killed rerun over a night recorded before left that
    night's rows in the pending copies (``history_pending.py``), which the undo puts
    back: that night was alerted, with the copies' statuses (dropping it re-sent its
    alerts). Each table's rows by team, as ``mark`` writes them (until 2026-12-08 in
    the order they were recorded)."""
    names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    held = "pending" in names and "pending_kr_snapshots" in names and "pending_snapshots" in names
    if "pending" in names:
        copied = (
            " AND NOT EXISTS (SELECT 1 FROM pending_snapshots c"
            " WHERE c.as_of = p.as_of AND c.team = p.team)"
            if held
            else ""
        )
        unconfirmed = (
            " AND NOT EXISTS (SELECT 1 FROM pending p"
            f" WHERE p.as_of = s.as_of AND p.team = s.team{copied})"
        )
    else:
        unconfirmed = ""
    conn.execute(
        "INSERT OR REPLACE INTO alerted (team, as_of) "
        f"SELECT team, MAX(as_of) FROM snapshots s WHERE {kept()}{unconfirmed} GROUP BY team"
    )
    conn.execute("DELETE FROM alert_baseline")
    tables = ["kr_snapshots", "pending_kr_snapshots"] if held else ["kr_snapshots"]
    for table in tables:
        pending = "EXISTS" if table.startswith("pending") else "NOT EXISTS"
        where = (
            f" WHERE {pending} (SELECT 1 FROM pending p"
            " WHERE p.as_of = a.as_of AND p.team = a.team)"
            if held
            else ""
        )
        conn.execute(
            "INSERT INTO alert_baseline (team, kr_id, status) SELECT k.team, k.kr_id, k.status "
            f"FROM {table} k JOIN alerted a ON k.team = a.team AND k.as_of = a.as_of{where} "
            "ORDER BY k.team, k.seq"
        )


def mark(conn: sqlite3.Connection, as_of: str, teams: Collection[str]) -> None:
    """The ``teams``' alerts of ``as_of`` went out (or there were none): their snapshot
    of that night, as recorded now, is what the next night compares with. Written team
    by team in the order of their names, each team's KRs in sheet order (``seq``): the
    ``teams`` come as a set, whose order is the string hashes' (another in every
    process) and, past a few teams, the order the teams finished, which ``--workers``
    changes; the table's rows followed it (until 2026-12-08)."""
    for team in sorted(teams):
        conn.execute("DELETE FROM alert_baseline WHERE team=?", (team,))
        conn.execute(
            "INSERT INTO alert_baseline (team, kr_id, status) SELECT team, kr_id, status "
            "FROM kr_snapshots WHERE as_of=? AND team=? ORDER BY seq",
            (as_of, team),
        )
        conn.execute("INSERT OR REPLACE INTO alerted (team, as_of) VALUES (?, ?)", (team, as_of))


def recover(conn: sqlite3.Connection, as_of: str, teams: Iterable[str]) -> None:
    """A recorded night that moves no baseline (``rollup``, a merge, a night whose hook
    failed) still shows a baseline KR Off track back to not Off track: that recovery
    needs no alert, and a KR left Off track in the baseline was never alerted when it
    turned Off track again. Only Off -> not Off, never to Off track (an unsent turn
    stays unsent), and only from a night on or after the team's baseline night.

    A KR is matched as IDs compare (``id_key``), as the alerts match it: ``KR1`` in the
    baseline is the night's ``kr1`` or ``ＫＲ１`` (until 2026-12-07 only as typed, so a KR
    retyped while it recovered stayed Off track and its next turn was never alerted). A
    night holding the KR as typed still Off track and another spelling of it not (a
    duplicate) leaves it Off track: the exact match wins (until 2026-12-07 the other
    spelling recovered it)."""
    for team in teams:
        off = conn.execute(
            "SELECT b.seq, b.kr_id FROM alert_baseline b JOIN alerted a ON a.team = b.team"
            " WHERE b.team = ?2 AND b.status = 'Off track' AND ?1 >= a.as_of",
            (as_of, team),
        ).fetchall()
        if not off:  # most teams, most nights: nothing to look up
            continue
        exact: dict[str, str] = {}  # every row: an exact match Off track stays so
        folded: dict[str, str] = {}  # the rows not Off track
        for kr_id, status in conn.execute(
            "SELECT kr_id, status FROM kr_snapshots WHERE as_of = ? AND team = ? ORDER BY seq",
            (as_of, team),
        ):
            if isinstance(kr_id, str):
                exact.setdefault(kr_id, status)
                if status != "Off track":
                    folded.setdefault(id_key(kr_id), status)
        recovered = []
        for seq, kr_id in off:
            status = exact[kr_id] if kr_id in exact else folded.get(id_key(kr_id))
            if status is not None and status != "Off track":
                recovered.append((status, seq))
        conn.executemany("UPDATE alert_baseline SET status = ? WHERE seq = ?", recovered)


def mark_statuses(
    conn: sqlite3.Connection, as_of: str, team: str, statuses: Iterable[tuple[str, str]]
) -> None:
    """``mark`` for a team whose night is not in the snapshots: a shard's, which records
    no history (the merge does, and alerts on nothing), but sends its teams' alerts."""
    conn.execute("DELETE FROM alert_baseline WHERE team=?", (team,))
    conn.executemany(
        "INSERT INTO alert_baseline (team, kr_id, status) VALUES (?, ?, ?)",
        ((team, kr_id, status) for kr_id, status in statuses),
    )
    conn.execute("INSERT OR REPLACE INTO alerted (team, as_of) VALUES (?, ?)", (team, as_of))


def baseline(
    conn: sqlite3.Connection,
    since: str | None,
    no_text: Callable[[object], None] = lambda team: None,
) -> dict[str, dict[str, str]]:
    """team -> {KR id -> status} as last alerted, sorted by team then KR id; a team never
    alerted (its nights were recorded by ``rollup`` only) by its first snapshot, the night
    that set its baseline.
    A team whose baseline is from before ``since`` (the period's start: its KRs are last
    quarter's, though their ids may be the same) is there with no KRs, so each of its
    KRs is new (a team with history, alerted on when it starts Off track), not compared
    with another period's KR. A team name that is no text (a hand edit's BLOB) is no team,
    as for the teams gone (``history_teams.gone_since``): told to ``no_text``."""
    first = (
        "SELECT team, MIN(as_of) AS as_of FROM snapshots"
        f" WHERE team NOT IN (SELECT team FROM alerted) AND {kept()} GROUP BY team"
    )
    nights = f"SELECT team, as_of FROM alerted UNION ALL {first}"
    teams: dict[str, dict[str, str]] = {}
    old: set[str] = set()
    for team, day in conn.execute(nights):
        if not isinstance(team, str):  # hand-edited (a BLOB): no run's; until 2026-12-07
            no_text(team)  # a name or date so ended the night in an error
            continue
        if not isinstance(day, str):
            continue
        teams[team] = {}
        if since is not None and day < since:
            old.add(team)
    sql = (
        "SELECT team, kr_id, status FROM alert_baseline UNION ALL "
        "SELECT k.team, k.kr_id, k.status FROM kr_snapshots k JOIN "
        f"({first}) f ON k.team = f.team AND k.as_of = f.as_of"
    )
    shared: dict[str, str] = {}
    for team, kr_id, status in conn.execute(sql):
        krs = teams.get(team)
        if krs is None or team in old:
            continue
        krs[shared.setdefault(kr_id, kr_id)] = shared.setdefault(status, status)
    # sorted by team, then KR id: the rows' order was SQLite's (alerted teams first, then
    # as it scanned), which nothing fixed (until 2026-12-07)
    return {
        team: dict(sorted(teams[team].items(), key=_as_sqlite_orders)) for team in sorted(teams)
    }


def _as_sqlite_orders(item: tuple[object, object]) -> tuple[bool, str | bytes]:
    """A KR id's place as SQLite orders it: text, then BLOB (the column's TEXT affinity
    makes any number text, and it is NOT NULL). A hand-edited BLOB beside the text ids made
    ``sorted`` compare bytes with str, a TypeError that ended the night (until 2026-12-07)."""
    key = item[0]
    return (True, key) if isinstance(key, bytes) else (False, str(key))
