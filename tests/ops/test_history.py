"""HistoryStore against a real SQLite file: replace-a-date, failed teams, typed frames."""

from __future__ import annotations

import dataclasses
import datetime as dt
import sqlite3
import threading
from contextlib import closing
from pathlib import Path

import pandas as pd
import pytest

from sheets_sync.config import load_workspace
from sheets_sync.errors import HistoryError
from sheets_sync.ops import history
from sheets_sync.ops.history import SCHEMA_VERSION, HistoryStore
from sheets_sync.sync.engine import Sync, SyncOptions
from tests.ops.conftest import MakeResult

D1, D2, D3 = dt.date(2026, 11, 13), dt.date(2026, 11, 14), dt.date(2026, 11, 15)


@pytest.fixture
def store(tmp_path: Path) -> HistoryStore:
    return HistoryStore(tmp_path / ".sheets-sync" / "history.sqlite")


def test_created_on_first_use_with_schema_version(store: HistoryStore) -> None:
    assert not store.path.exists()
    assert store.dates() == []
    with closing(sqlite3.connect(store.path)) as conn, conn:
        version = conn.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()
        mode = conn.execute("PRAGMA journal_mode").fetchone()
    assert version == (str(SCHEMA_VERSION),)
    assert mode == ("wal",)


def test_newer_schema_is_refused(store: HistoryStore) -> None:
    store.dates()
    with closing(sqlite3.connect(store.path)) as conn, conn:
        conn.execute("UPDATE meta SET value='99' WHERE key='schema_version'")
    with pytest.raises(HistoryError, match="newer"):
        store.dates()


@pytest.mark.parametrize("damage", ["garbage", "truncated"])
def test_a_damaged_history_is_set_aside_and_a_new_one_started(
    store: HistoryStore, make_result: MakeResult, damage: str, caplog: pytest.LogCaptureFixture
) -> None:
    """A history file that is no longer a database (a disk filled up under it, a copy cut
    short) stopped every night at its start with a traceback; the history only feeds
    trends and alerts, so it is kept aside for recovery and the night goes on."""
    store.record(make_result({"Sales": {"KR1": 0, "KR2": 50}}, D1))
    with closing(sqlite3.connect(store.path)) as conn, conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    good = store.path.read_bytes()
    store.path.write_bytes(store_bytes(damage, good))
    assert store.previous_kr_status(before=D2) == {}  # as on a first night
    kept = [p for p in store.path.parent.iterdir() if p.name.endswith(tuple("0123456789Z"))]
    assert len(kept) == 1 and kept[0].name.startswith("history.sqlite.damaged-")
    assert kept[0].read_bytes()[:14] == store_bytes(damage, good)[:14]  # kept as it was
    assert "the run history is damaged" in caplog.text and kept[0].name in caplog.text
    assert store.record(make_result({"Sales": {"KR1": 10, "KR2": 60}}, D2)) > 0
    assert store.dates() == [D2]


def store_bytes(damage: str, good: bytes) -> bytes:
    return b"not a database" if damage == "garbage" else good[:3000]


def test_a_busy_history_is_not_taken_for_damage(store: HistoryStore) -> None:
    """Only damage sets the file aside: a database locked by another writer past the
    timeout raises (a HistoryError naming the file, since 2026-12-04: the engine logs it
    and the night goes on), and the file stays."""
    store.dates()
    busy = HistoryStore(store.path, timeout=0.05)
    with closing(sqlite3.connect(store.path, isolation_level=None)) as holder, holder:
        holder.execute("BEGIN EXCLUSIVE")
        with pytest.raises(HistoryError, match=r"cannot be used \(database is locked\)") as info:
            busy.prune(1)
        assert isinstance(info.value.__cause__, sqlite3.OperationalError)
        holder.execute("ROLLBACK")
    assert [p.name for p in store.path.parent.iterdir() if ".damaged-" in p.name] == []


def test_record_writes_every_kr_and_kpi(store: HistoryStore, make_result: MakeResult) -> None:
    n = store.record(make_result({"Sales": {"KR1": 0, "KR2": 50}, "Ops": {"KR1": 100}}, D1))
    assert n == 3 + 2  # three KRs, one KPI per team
    krs = store.kr_history(5)
    assert list(krs.columns) == [
        "date", "team", "objective_id", "kr_id", "description",
        "current", "target", "score", "progress", "expected", "status", "weight",
    ]  # fmt: skip
    assert str(krs["date"].dtype).startswith("datetime64")
    assert krs["score"].dtype == "float64" and krs["current"].dtype == "float64"
    assert set(zip(krs.team, krs.kr_id, krs.status, strict=True)) == {
        ("Sales", "KR1", "Off track"),
        ("Sales", "KR2", "On track"),
        ("Ops", "KR1", "Achieved"),
    }
    row = krs[(krs.team == "Sales") & (krs.kr_id == "KR2")].iloc[0]
    assert row.date == pd.Timestamp(D1)
    assert (row.objective_id, row.description, row.current, row.target) == (
        "O1",
        "KR2 of Sales",
        50.0,
        100.0,
    )
    assert 0 < row.expected < 1 and row.progress == pytest.approx(0.5)
    kpis = store.kpi_history(5)
    assert list(kpis.columns) == [
        "date", "team", "kpi_id", "name", "actual", "target", "status", "variance",
    ]  # fmt: skip
    assert kpis[["team", "kpi_id", "actual", "status", "variance"]].values.tolist() == [
        ["Ops", "KPI-1", 12.0, "Green", 2.0],
        ["Sales", "KPI-1", 12.0, "Green", 2.0],
    ]


def test_same_date_replaces_only_the_teams_in_the_run(
    store: HistoryStore, make_result: MakeResult
) -> None:
    store.record(make_result({"Sales": {"KR1": 0, "KR2": 10}, "Ops": {"KR1": 0}}, D1))
    store.record(make_result({"Sales": {"KR1": 60}}, D1))  # a --team Sales rerun
    krs = store.kr_history(1)
    assert sorted(zip(krs.team, krs.kr_id, krs.current, strict=True)) == [
        ("Ops", "KR1", 0.0),  # not in the run: kept
        ("Sales", "KR1", 60.0),  # replaced; KR2 was removed from the sheet: gone
    ]
    assert len(store.kpi_history(1)) == 2


def test_failed_team_keeps_its_rows_for_that_date(
    store: HistoryStore, make_result: MakeResult
) -> None:
    store.record(make_result({"Sales": {"KR1": 0}, "Ops": {"KR1": 0}}, D1))
    store.record(make_result({"Sales": None, "Ops": {"KR1": 70}}, D1))
    krs = store.kr_history(1)
    assert sorted(zip(krs.team, krs.current, strict=True)) == [("Ops", 70.0), ("Sales", 0.0)]


def test_last_n_dates_and_previous_status(store: HistoryStore, make_result: MakeResult) -> None:
    store.record(make_result({"Sales": {"KR1": 50}, "Ops": {"KR1": 50}}, D1))
    store.record(make_result({"Sales": {"KR1": 0}, "Ops": None}, D2))  # Ops failed on D2
    store.record(make_result({"Sales": {"KR1": 100}, "Ops": {"KR1": 0}}, D3))
    assert store.dates() == [D1, D2, D3]
    assert sorted(set(store.kr_history(2)["date"].dt.date)) == [D2, D3]
    assert len(store.kr_history(10)) == 5
    # per team: Ops' latest snapshot before D3 is D1, Sales' is D2
    assert store.previous_kr_status(D3) == {
        ("Sales", "KR1"): "Off track",
        ("Ops", "KR1"): "On track",
    }
    assert store.previous_kr_status(D1) == {}
    # including D3 itself, as a rerun of that night compares
    assert store.previous_kr_status(D3, including=True) == {
        ("Sales", "KR1"): "Achieved",
        ("Ops", "KR1"): "Off track",
    }
    # the form a night holds: a dict a team
    assert store.previous_kr_statuses(D3, including=True) == {
        "Sales": {"KR1": "Achieved"},
        "Ops": {"KR1": "Off track"},
    }
    with pytest.raises(ValueError, match="last_n"):
        store.kr_history(0)


def test_marks_change_exactly_when_the_rows_shown_could(
    store: HistoryStore, make_result: MakeResult
) -> None:
    store.record(make_result({"Sales": {"KR1": 50}, "Ops": {"KR1": 50}}, D1))
    store.record(make_result({"Sales": {"KR1": 0}, "Ops": {"KR1": 0}}, D2))
    both = ["Sales", "Ops"]
    first = store.marks(2, D2, both)
    assert isinstance(first, bytes) and store.marks(2, D2, both) == first
    # tonight's rows of the scored teams are the run's own: recording them again (the
    # clock moved) leaves the marks; a team not scored tonight keeps its recorded time
    store.record(make_result({"Sales": {"KR1": 10}, "Ops": {"KR1": 10}}, D2))
    assert store.marks(2, D2, both) == first
    assert store.marks(2, D2, ["Sales"]) != store.marks(2, D2, both)
    # an earlier night recorded again, by a later run (a --as-of rerun), changes them
    rerun = make_result({"Sales": {"KR1": 60}}, D1)
    later = dataclasses.replace(
        rerun.context, generated_at=rerun.context.generated_at.replace(hour=3)
    )
    store.record(dataclasses.replace(rerun, context=later))
    assert store.marks(2, D2, both) != first
    assert store.marks(1, D2, both) == store.marks(1, D2, both) != store.marks(2, D2, both)


def test_nights_on_or_before_a_date_and_the_night_after_it(
    store: HistoryStore, make_result: MakeResult
) -> None:
    """A rollup as of D2 shows the nights up to D2; a run as of D1 or D2 is back-dated
    (D3 is recorded), one as of D3 or later is not."""
    assert store.later_night(D1) is None  # an empty history
    store.record(make_result({"Sales": {"KR1": 50}}, D1))
    store.record(make_result({"Sales": {"KR1": 0}}, D3))
    assert store.later_night(D1) == store.later_night(D2) == D3
    assert store.later_night(D3) is store.later_night(D3 + dt.timedelta(days=1)) is None
    assert [d for d, _, _ in store.night_counts(12, through=D2)] == [D1]
    assert [d for d, _, _ in store.night_counts(1, through=D3)] == [D3]
    assert [d for d, _, _ in store.night_counts(12)] == [D1, D3]
    assert set(store.kr_history(12, through=D2)["date"].dt.date) == {D1}
    assert set(store.kpi_history(12, through=D1)["date"].dt.date) == {D1}
    assert set(store.kr_history(12)["date"].dt.date) == {D1, D3}
    with pytest.raises(ValueError, match="last_n"):
        store.night_counts(0, through=D2)


def test_marks_of_a_back_dated_rollup(store: HistoryStore, make_result: MakeResult) -> None:
    """A back-dated run records nothing: its scored teams' rows on its date are not its
    own, so their recorded time counts; a night after its date is not shown, so it
    does not count."""
    store.record(make_result({"Sales": {"KR1": 50}}, D1))
    store.record(make_result({"Sales": {"KR1": 0}}, D3))
    first = store.marks(12, D1, ["Sales"])
    assert first == store.marks(12, D1, []) != store.marks(12, D3, [])
    assert store.marks(12, D3, ["Sales"]) != store.marks(12, D3, [])  # D3 is the run's own
    rerun = make_result({"Sales": {"KR1": 60}}, D3)
    later = dataclasses.replace(
        rerun.context, generated_at=rerun.context.generated_at.replace(hour=3)
    )
    store.record(dataclasses.replace(rerun, context=later))
    assert store.marks(12, D1, ["Sales"]) == first


def test_previous_status_shares_team_and_status_strings(
    store: HistoryStore, make_result: MakeResult
) -> None:
    store.record(make_result({"Sales": {f"KR{i}": 0 for i in range(5)}}, D1))
    previous = store.previous_kr_status(D2)
    assert len({id(team) for team, _ in previous}) == 1
    assert len({id(status) for status in previous.values()}) == 1


def test_history_read_a_few_rows_at_a_time_is_the_same(
    store: HistoryStore, make_result: MakeResult, monkeypatch: pytest.MonkeyPatch
) -> None:
    for day in (D1, D2, D3):
        store.record(make_result({"Sales": {"KR1": 50, "KR2": 10}, "Ops": {"KR1": 0}}, day))
    whole = store.kr_history(3), store.kpi_history(3)
    monkeypatch.setattr(history, "CHUNK_ROWS", 2)
    chunked = store.kr_history(3), store.kpi_history(3)
    assert len(whole[0]) == 9
    for a, b in zip(whole, chunked, strict=True):
        pd.testing.assert_frame_equal(a, b, check_exact=True)


def test_empty_history_frames_are_typed(store: HistoryStore) -> None:
    frame = store.kpi_history(3)
    assert frame.empty and str(frame["date"].dtype).startswith("datetime64")
    assert frame["actual"].dtype == "float64"


def test_prune_keeps_the_newest_dates(store: HistoryStore, make_result: MakeResult) -> None:
    for day in (D1, D2, D3):
        store.record(make_result({"Sales": {"KR1": 10}}, day))
    assert store.prune(2) == 2  # one KR + one KPI of D1
    assert store.dates() == [D2, D3]


def test_a_night_of_a_date_edited_by_hand_is_left_out_of_every_query(
    store: HistoryStore, make_result: MakeResult, caplog: pytest.LogCaptureFixture
) -> None:
    """'2026-11-6' sorts after every real night of November: it was the latest night (each
    run back-dated, recorded never again), the one a team's alerts compared with, and the
    newest kept as the oldest real nights were pruned. It is in none of them now, and left
    in the file as it is, said once a store."""
    for day in (D1, D2, D3):
        store.record(make_result({"Sales": {"KR1": 10}}, day))
    with closing(sqlite3.connect(store.path)) as conn, conn:
        conn.execute("UPDATE snapshots SET as_of = '2026-11-6' WHERE as_of = ?", (str(D3),))
        conn.execute("UPDATE kr_snapshots SET as_of = '2026-11-6' WHERE as_of = ?", (str(D3),))
    edited = HistoryStore(store.path)
    with caplog.at_level("WARNING", logger="sheets_sync.history"):
        assert edited.dates() == [D1, D2] and edited.later_night(D1) == D2
        assert edited.not_recorded(D2) is None
        assert list(edited.previous_kr_status(dt.date(2026, 11, 30))) == [("Sales", "KR1")]
        assert set(edited.kr_history(5)["date"]) == {pd.Timestamp(D1), pd.Timestamp(D2)}
        assert edited.prune(1) == 2  # D1's KR and KPI, not D2's
    said = [r.getMessage() for r in caplog.records if "never writes" in r.getMessage()]
    assert said == [
        f"{store.path}: the run history holds the date '2026-11-6', which sheets-sync never "
        "writes (edited by hand?); its rows are left out of the history: correct or delete them"
    ]
    with closing(sqlite3.connect(store.path)) as conn:
        kept = {d for (d,) in conn.execute("SELECT DISTINCT as_of FROM snapshots")}
    assert kept == {str(D2), "2026-11-6"}


def test_failed_write_rolls_back_the_whole_date(
    store: HistoryStore, make_result: MakeResult
) -> None:
    store.record(make_result({"Sales": {"KR1": 0}}, D1))
    with closing(sqlite3.connect(store.path)) as conn, conn:  # make the KPI insert fail half-way
        conn.execute(
            "CREATE TRIGGER boom BEFORE INSERT ON kpi_snapshots BEGIN SELECT RAISE(ABORT, 'x'); END"
        )
    with pytest.raises(HistoryError) as info:
        store.record(make_result({"Sales": {"KR1": 90}}, D1))
    assert isinstance(info.value.__cause__, sqlite3.IntegrityError)  # not ROLLBACK's error
    assert store.kr_history(1)["current"].tolist() == [0.0]  # the old snapshot, whole


def test_reader_during_a_write(store: HistoryStore, make_result: MakeResult) -> None:
    """WAL: a reader sees the last committed snapshot while a writer holds the lock."""
    store.record(make_result({"Sales": {"KR1": 0}}, D1))
    writer = sqlite3.connect(store.path, isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")
    writer.execute("DELETE FROM kr_snapshots")
    try:
        result: list[int] = []
        reader = threading.Thread(target=lambda: result.append(len(store.kr_history(1))))
        reader.start()
        # a generous wait for the thread (5 s was a bound a loaded machine could reach);
        # a reader blocked by the writer fails all the same, after the 30 s busy timeout
        reader.join(60)
        assert result == [1]
    finally:
        writer.execute("ROLLBACK")
        writer.close()


def test_records_a_real_sync(workspace: Path, tmp_path: Path) -> None:
    ws = load_workspace(workspace)
    result = Sync(ws).run(SyncOptions(as_of=dt.date(2026, 11, 23), rollup=False, dry_run=True))
    store = HistoryStore(ws.state_dir / "history.sqlite")
    (team,) = [r.result for r in result.runs if r.result is not None]
    assert store.record(result) == len(team.key_results) + len(team.kpis) > 0
    krs = store.kr_history(1)
    assert sorted(krs.kr_id) == sorted(kr.kr.id for kr in team.key_results)
    assert set(krs.team) == {"Sales"}
    assert store.kpi_history(1)["kpi_id"].tolist() == ["KPI-1", "KPI-2"]


SCHEMA_1 = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE snapshots (as_of TEXT NOT NULL, team TEXT NOT NULL, recorded_at TEXT NOT NULL,
    PRIMARY KEY (as_of, team));
CREATE TABLE kr_snapshots (seq INTEGER PRIMARY KEY, as_of TEXT NOT NULL, team TEXT NOT NULL,
    objective_id TEXT NOT NULL, kr_id TEXT NOT NULL, description TEXT, current REAL,
    target REAL, score REAL NOT NULL, progress REAL, expected REAL NOT NULL,
    status TEXT NOT NULL);
CREATE TABLE kpi_snapshots (seq INTEGER PRIMARY KEY, as_of TEXT NOT NULL, team TEXT NOT NULL,
    kpi_id TEXT NOT NULL, name TEXT, actual REAL, target REAL, status TEXT NOT NULL,
    variance REAL);
INSERT INTO meta VALUES ('schema_version', '1');
INSERT INTO snapshots VALUES ('2026-11-13', 'Sales', 'then');
INSERT INTO kr_snapshots (as_of, team, objective_id, kr_id, score, expected, status)
    VALUES ('2026-11-13', 'Sales', 'O1', 'KR1', 0.5, 0.4, 'On track');
"""


def test_a_schema_1_store_gains_weights_and_keeps_its_rows(
    tmp_path: Path, make_result: MakeResult
) -> None:
    """Schema 2 keeps each KR's weight, for the objective burn-up; a store written before
    keeps its rows, whose weight is blank (the burn-up counts it as 1)."""
    path = tmp_path / "history.sqlite"
    with closing(sqlite3.connect(path)) as conn, conn:
        conn.executescript(SCHEMA_1)
    store = HistoryStore(path)
    store.record(make_result({"Sales": {"KR1": 50}}, D2))
    krs = store.kr_history(5)
    assert [(str(d)[:10], w) for d, w in zip(krs["date"], krs["weight"], strict=True)] == [
        ("2026-11-13", pytest.approx(float("nan"), nan_ok=True)),
        ("2026-11-14", 1.0),
    ]
    assert krs.loc[0, "score"] == 0.5  # the old row, as it was
    with closing(sqlite3.connect(path)) as conn, conn:
        assert conn.execute("SELECT value FROM meta").fetchone() == (str(SCHEMA_VERSION),)


def test_a_history_locked_by_another_process_does_not_end_the_night(
    workspace: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """The teams are written by the time the snapshot is: a history another process holds
    (or a full disk) ended the run in a traceback, with no summary, report or rollup."""
    ws = load_workspace(workspace)
    path = ws.state_dir / "history.sqlite"
    HistoryStore(path).dates()  # made, then held by a writer elsewhere
    busy = HistoryStore(path, timeout=0.05)
    with closing(sqlite3.connect(path, isolation_level=None)) as holder, holder:
        holder.execute("BEGIN EXCLUSIVE")
        result = Sync(ws, history=busy).run(SyncOptions(as_of=dt.date(2026, 11, 23)))
        holder.execute("ROLLBACK")
    assert [r.outcome.value for r in result.runs] == ["ok"]
    assert result.rollup_error is None and (workspace.parent / "company.xlsx").is_file()
    assert "database is locked); tonight's snapshot is not recorded" in caplog.text
    assert HistoryStore(path).dates() == []


def test_distinct_gives_a_column_s_texts_over_some_nights(
    tmp_path: Path, make_result: MakeResult
) -> None:
    store = HistoryStore(tmp_path / "history.sqlite")
    store.record(make_result({"Sales": {"KR1": 50}}, D1))
    store.record(make_result({"Sales": {"kr1": 50}, "Ops": {"KR1": 50}}, D2))
    store.record(make_result({"Sales": {"ＫＲ１": 50}}, D3))
    assert store.distinct("kr", "kr_id", [D1, D2]) == {"KR1", "kr1"}
    assert store.distinct("kpi", "kpi_id", [D3]) == {"KPI-1"}
    with pytest.raises(ValueError):
        store.distinct("kr", "kr_id) FROM snapshots --", [D1])


def test_a_str_path_is_taken_and_a_non_path_refused(tmp_path: Path) -> None:
    """``HistoryStore("x.sqlite")`` was an AttributeError on first use (``str.parent``),
    until 2026-12-07; a str or any PathLike is a path now, anything else a ConfigError."""
    import os

    from sheets_sync.errors import ConfigError

    text = os.fspath(tmp_path / ".sheets-sync" / "history.sqlite")
    store = HistoryStore(text)
    assert store.path == Path(text) and store.dates() == []
    assert Path(text).is_file()
    with pytest.raises(ConfigError, match=r"^path: a path \(a str or a pathlib.Path\), not 5$"):
        HistoryStore(5)  # type: ignore[arg-type]


def test_the_history_keeps_every_digit_and_its_tabs_show_the_15_excel_shows(
    store: HistoryStore, make_result: MakeResult
) -> None:
    """docs/rollup.md: the History tab's Score and Expected and the Trends tab's means hold
    at most the 15 significant digits Excel shows, as the other tabs do; the history store
    keeps every digit, so the Trends tab's objective rows, weighed from it, end at
    ``Objectives.Score`` (it recorded the 15 digits for a while on 2026-12-07, and
    weighed from those an objective's Trends row missed its score in the 15th digit). A
    third of the way from 0 to 100 scores 0.33333333333333337."""
    from sheets_sync.rollup import load_history
    from sheets_sync.rollup.history import HISTORY_COLUMNS, tab_rows

    store.record(make_result({"Sales": {"KR1": 100 / 3, "KR2": 20.0, "KR3": 70.0}}, D1))
    store.record(make_result({"Sales": {"KR1": 100 / 3, "KR2": 10.0, "KR3": 20.0}}, D2))

    def noisy(values: list[object]) -> list[float]:
        return [v for v in values if isinstance(v, float) and float(f"{v:.15g}") != v]

    kr = store.kr_history(12)
    assert kr["score"].iloc[0] == 0.33333333333333337
    trends = load_history(store, 12, b"x")
    assert trends is not None
    assert noisy(trends.company[["score", "expected"]].to_numpy().ravel().tolist()) == []
    nights = [c for c in trends.objective_burnup.columns if c not in ("team", "objective_id")]
    assert noisy(trends.objective_burnup[nights].to_numpy().ravel().tolist()) == []
    rows = [r for chunk in tab_rows(store, trends.nights) for r in chunk if r[0] == "KR"]
    labels = [label for label, *_ in HISTORY_COLUMNS]
    score, expected = labels.index("Score"), labels.index("Expected")
    assert rows[0][score] == 0.333333333333333
    assert noisy([r[score] for r in rows] + [r[expected] for r in rows]) == []
