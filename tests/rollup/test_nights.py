"""Past nights read a night at a time: the same pivots and tabs as whole frames gave, from
frames or from a real history store, and no workbook when the store changes mid-write."""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
import random
import sqlite3
import zipfile
from collections import defaultdict
from collections.abc import Sequence
from contextlib import closing
from pathlib import Path
from typing import Any

import openpyxl
import pandas as pd
import pytest
from python_calamine import CalamineWorkbook

from sheets_sync.domain.scoring import weighted_mean
from sheets_sync.errors import HistoryError
from sheets_sync.ops.history import KPI_COLUMNS, KR_COLUMNS, HistoryStore
from sheets_sync.rollup import FrameNights, Rollup, load_history, write_rollup_xlsx
from sheets_sync.rollup.nights import NightSource
from tests.support.libreoffice import convert, needs_libreoffice

pytestmark = pytest.mark.filterwarnings("ignore:Sparkline Group extension:UserWarning")
DAYS = [dt.date(2026, 11, d) for d in (10, 11, 13, 14)]


def _random_nights(seed: int) -> tuple[list[tuple[object, ...]], list[tuple[object, ...]]]:
    """KR and KPI snapshot rows (``ops.history`` column order, date as ISO text) with
    what real stores hold: blank names and actuals, a KPI id twice in a night, teams
    that miss a night."""
    rng = random.Random(seed)
    krs: list[tuple[object, ...]] = []
    kpis: list[tuple[object, ...]] = []
    for day in DAYS:
        for team in rng.sample(["Sales", "Ops", "Finance", "R&D"], 3):
            for k in range(rng.randint(0, 6)):
                score = rng.choice([0.0, 0.25, 1.0, rng.random()])
                description = rng.choice([None, "grow", "a < b"])
                current = rng.choice([None, 3.0, 7.5])
                status = rng.choice(["On track", "Behind"])
                weight = rng.choice([None, 1.0, 2.0, 0.5, 0.0])  # None: before schema 2
                krs.append((day.isoformat(), team, f"O{k % 3}", f"KR{k}", description, current,
                            10.0, score, score, rng.random(), status, weight))  # fmt: skip
            for k in range(rng.randint(0, 5)):
                name = rng.choice([None, "NPS", "Churn"])
                actual = rng.choice([None, 1.0, rng.random()])
                variance = rng.choice([None, 0.5])
                kpis.append((day.isoformat(), team, f"K{k % 3}", name, actual, 2.0, "Green",
                             variance))  # fmt: skip
    return krs, kpis


def _frames(krs: list[tuple[object, ...]], kpis: list[tuple[object, ...]]) -> FrameNights:
    def typed(rows: list[tuple[object, ...]], columns: dict[str, str]) -> pd.DataFrame:
        frame = pd.DataFrame.from_records(rows, columns=list(columns))
        frame["date"] = pd.to_datetime(frame["date"], format="%Y-%m-%d")
        return frame.astype(columns)

    return FrameNights(typed(krs, KR_COLUMNS), typed(kpis, KPI_COLUMNS))


Rows = list[tuple[object, ...]]


def _store(path: Path, krs: Rows, kpis: Rows) -> HistoryStore:
    store = HistoryStore(path)
    store.dates()  # creates the schema
    with closing(sqlite3.connect(path)) as conn, conn:
        conn.executemany(
            "INSERT OR IGNORE INTO snapshots VALUES (?, ?, 'then')",
            {(r[0], r[1]) for r in krs + kpis},
        )
        conn.executemany(
            "INSERT INTO kr_snapshots (as_of, team, objective_id, kr_id, description, current,"
            " target, score, progress, expected, status, weight)"
            " VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
            krs,
        )
        conn.executemany(
            "INSERT INTO kpi_snapshots (as_of, team, kpi_id, name, actual, target, status,"
            " variance) VALUES (?,?,?,?,?,?,?,?)",
            kpis,
        )
    return store


@pytest.mark.parametrize("seed", range(6))
def test_trends_built_a_night_at_a_time_equal_the_whole_frame_pivots(seed: int) -> None:
    """The pivots as they were built from every night's rows at once (the reference)."""
    nights = _frames(*_random_nights(seed))
    history = load_history(nights, 12, b"")
    assert history is not None
    kr, kpi = nights.kr, nights.kpi
    keys = ["team", "kpi_id", "name"]
    kpi_trend = (
        kpi.groupby([*keys, "date"], dropna=False, sort=True)["actual"].last()
        .unstack("date").reset_index()
    )  # fmt: skip
    company = kr.groupby("date", as_index=False)[["score", "expected"]].mean()
    pd.testing.assert_frame_equal(history.kpi_trend, kpi_trend, check_exact=True)
    # A mean may differ in its last bit: pandas' grouped sums of the same values in the
    # same order come out 1 ulp apart in a frame of one night and in one of twelve
    # (0.448625 against 0.44862499999999994 in the bench's workspace).
    assert _cells(history.objective_burnup) == pytest.approx(_burnup(kr), rel=1e-12)
    assert list(history.objective_burnup.columns[:2]) == ["team", "objective_id"]
    pd.testing.assert_frame_equal(history.company, company, rtol=1e-12)
    assert history.dates == sorted(set(kr["date"]) | set(kpi["date"]))


def _burnup(kr: pd.DataFrame) -> dict[tuple[object, ...], float]:
    """Each (team, objective, night)'s score as the domain scores an objective: its KRs'
    scores weighted (a blank weight, from before the history kept them, as 1)."""
    pairs: dict[tuple[object, ...], list[tuple[float, float]]] = defaultdict(list)
    columns = ["team", "objective_id", "date", "score", "weight"]
    records: list[tuple[Any, ...]] = list(kr[columns].itertuples(index=False, name=None))
    for team, objective, date, score, weight in records:
        if not math.isnan(score):
            pairs[(team, objective, date)].append((score, 1.0 if math.isnan(weight) else weight))
    scores = {key: weighted_mean(values) for key, values in pairs.items()}
    return {key: score for key, score in scores.items() if score is not None}


def _cells(burnup: pd.DataFrame) -> dict[tuple[object, ...], float]:
    """The burn-up block as {(team, objective, night): score}, blanks left out."""
    long = burnup.melt(id_vars=["team", "objective_id"], var_name="date").dropna()
    records: list[tuple[Any, ...]] = list(long.itertuples(index=False, name=None))
    return {(team, objective, date): value for team, objective, date, value in records}


def _sheets(path: Path) -> dict[str, bytes]:
    book = openpyxl.load_workbook(path, read_only=True)
    names = book.sheetnames
    book.close()  # read-only: it holds the file open
    with zipfile.ZipFile(path) as z:
        return {
            name: z.read(f"xl/worksheets/sheet{names.index(name) + 1}.xml")
            for name in ("Trends", "History")
        }


@pytest.mark.parametrize("seed", range(3))
def test_a_store_writes_the_tabs_its_frames_write(
    rollup: Rollup, tmp_path: Path, seed: int
) -> None:
    """The History tab streamed from SQLite is byte for byte the one written from the
    store's own frames (``kr_history``), and so are the Trends."""
    store = _store(tmp_path / "history.sqlite", *_random_nights(seed))
    frames = FrameNights(store.kr_history(3), store.kpi_history(3))
    written = {}
    for name, source in (("store", store), ("frames", frames)):
        history = load_history(source, 3, b"")
        assert history is not None and len(history.nights) == 3
        path = tmp_path / f"{name}.xlsx"
        write_rollup_xlsx(dataclasses.replace(rollup, history=history), path)
        written[name] = _sheets(path)
    assert written["store"] == written["frames"]
    rows = list(openpyxl.load_workbook(tmp_path / "store.xlsx")["History"].values)
    assert len(rows) == 1 + len(frames.kr) + len(frames.kpi)


@pytest.mark.parametrize(
    ("change", "read"),
    [
        ("DELETE FROM kpi_snapshots WHERE seq = (SELECT MIN(seq) FROM kpi_snapshots)", r"\d+"),
        ("INSERT INTO kr_snapshots (as_of, team, objective_id, kr_id, score, expected, status)"
         " SELECT as_of, team, 'O9', 'KR9', 0, 0, 'x' FROM kr_snapshots LIMIT 1", "more"),
    ],
    ids=["a row fewer", "a row more"],
)  # fmt: skip
def test_a_history_changed_while_written_publishes_nothing(
    rollup: Rollup, tmp_path: Path, change: str, read: str
) -> None:
    """The tabs are laid out from the rows counted, then the rows are read while written:
    if another process changed the store in between, the write fails with a message
    and leaves neither a workbook nor a temp file."""
    store = _store(tmp_path / "state" / "history.sqlite", *_random_nights(0))
    history = load_history(store, 12, b"")
    assert history is not None
    with closing(sqlite3.connect(store.path)) as conn, conn:
        conn.execute(change)
    out = tmp_path / "out"
    out.mkdir()
    message = rf"while the company workbook was written \(\d+ K\w+ rows counted, {read} read"
    with pytest.raises(HistoryError, match=message):
        write_rollup_xlsx(dataclasses.replace(rollup, history=history), out / "company.xlsx")
    assert list(out.iterdir()) == []


def test_a_history_damaged_while_written_is_set_aside(
    rollup: Rollup, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """Damage found only while the History tab's rows are read: no workbook, a message,
    and the file set aside (as a damaged history is at any other step), so the next
    night starts a new history instead of failing the same way."""
    store = _store(tmp_path / "history.sqlite", *_random_nights(2))
    with closing(sqlite3.connect(store.path)) as conn, conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    history = load_history(store, 12, b"")
    assert history is not None
    data = bytearray(store.path.read_bytes())
    data[4096:] = b"\xff" * (len(data) - 4096)  # every page but the first
    store.path.write_bytes(bytes(data))
    with pytest.raises(HistoryError, match="the run history could not be read"):
        write_rollup_xlsx(dataclasses.replace(rollup, history=history), tmp_path / "c.xlsx")
    assert not (tmp_path / "c.xlsx").exists()
    assert [p.name for p in tmp_path.glob("history.sqlite.damaged-*")] and "damaged" in caplog.text
    assert load_history(store, 12, b"") is None  # a new, empty history


def test_nights_recounted_when_the_store_changes_while_read(tmp_path: Path) -> None:
    """A night holding other rows than counted (set aside for damage, or written by
    another process, between the count and the read) makes the nights be read again."""
    store = _store(tmp_path / "history.sqlite", *_random_nights(3))
    counts = store.night_counts(12)
    calls = []

    class Racing(HistoryStore):
        def night_counts(
            self, last_n: int, through: dt.date | None = None
        ) -> list[tuple[dt.date, int, int]]:
            calls.append(last_n)
            if len(calls) == 1:  # the first count is one row off
                day, krs, kpis = counts[0]
                return [(day, krs + 1, kpis), *counts[1:]]
            return super().night_counts(last_n, through)

    history = load_history(Racing(store.path), 12, b"")
    assert history is not None and len(calls) == 2
    assert [(n.date.date(), n.krs, n.kpis) for n in history.nights] == counts


def test_an_objective_never_scored_has_no_burnup_row() -> None:
    """Frames (not the store, whose scores are never blank) may hold blank scores: an
    objective blank every night, and a night blank everywhere, are left out of the
    burn-up, as the pivot over all nights left them out."""
    krs, kpis = _random_nights(4)
    blank = [(*r[:7], None, *r[8:]) if r[2] == "O1" or r[0] == DAYS[0].isoformat() else r
             for r in krs]  # fmt: skip
    history = load_history(_frames(blank, kpis), 12, b"")
    assert history is not None
    burnup = history.objective_burnup
    assert "O1" not in set(burnup["objective_id"]) and len(burnup)
    assert pd.Timestamp(DAYS[0]) not in burnup.columns
    assert _cells(burnup) == pytest.approx(_burnup(_frames(blank, kpis).kr), rel=1e-12)


def test_burnup_of_huge_and_tiny_weights_is_the_objectives_score() -> None:
    """Weights scaled as ``weighted_mean`` scales them: two KRs of weight 1e308 summed to
    inf, and the objective's score (inf / inf) was left out of the burn-up; weights of
    5e-324 rounded every score x weight to 0 or 5e-324."""
    day = DAYS[0].isoformat()
    krs: Rows = [
        (day, team, "O1", kr, None, None, 10.0, score, score, 0.5, "On track", weight)
        for team, weight in (("Sales", 1e308), ("Ops", 5e-324))
        for kr, score in (("KR1", 1.0), ("KR2", 0.5))
    ]
    krs.append((day, "R&D", "O1", "KR1", None, None, 10.0, 0.25, 0.25, 0.5, "On track", 1e308))
    history = load_history(_frames(krs, []), 12, b"")
    assert history is not None
    assert _cells(history.objective_burnup) == {
        ("Ops", "O1", pd.Timestamp(day)): 0.75,
        ("R&D", "O1", pd.Timestamp(day)): 0.25,
        ("Sales", "O1", pd.Timestamp(day)): 0.75,
    }
    assert _cells(history.objective_burnup) == _burnup(_frames(krs, []).kr)


def test_nights_through_a_date_from_frames_as_from_the_store(tmp_path: Path) -> None:
    """A back-dated rollup (``through``: its as-of date) shows no later night, whichever
    the source; a date between nights shows the ones before it."""
    rows = _random_nights(2)
    store, frames = _store(tmp_path / "history.sqlite", *rows), _frames(*rows)
    between = DAYS[1] + dt.timedelta(days=1)  # no night recorded
    for through in (None, DAYS[0] - dt.timedelta(days=1), *DAYS, between):
        for last_n in (1, 2, 12):
            counts = store.night_counts(last_n, through)
            assert frames.night_counts(last_n, through) == counts, (through, last_n)
            assert all(through is None or day <= through for day, _, _ in counts)
    history = load_history(store, 12, b"", through=between)
    assert history is not None and history.dates == [pd.Timestamp(d) for d in DAYS[:2]]
    assert list(history.objective_burnup.columns[2:]) == history.dates
    assert load_history(frames, 12, b"", through=DAYS[0] - dt.timedelta(days=1)) is None


def test_a_store_without_rows_shows_no_history(tmp_path: Path) -> None:
    store = HistoryStore(tmp_path / "history.sqlite")
    assert load_history(store, 12, b"") is None
    assert store.night_counts(12) == []
    with pytest.raises(ValueError, match="at least 1"):
        store.night_counts(0)


@needs_libreoffice
def test_libreoffice_reads_the_streamed_history_tab(rollup: Rollup, tmp_path: Path) -> None:
    """A real spreadsheet application opens the tab whose rows came from SQLite while it
    was written, with every row and value (and the Trends tab) as written."""
    store = _store(tmp_path / "history.sqlite", *_random_nights(1))
    history = load_history(store, 12, b"")
    assert history is not None
    path = tmp_path / "company.xlsx"
    write_rollup_xlsx(dataclasses.replace(rollup, history=history), path)
    back = convert(path, "xlsx", tmp_path / "lo")
    ours, theirs = CalamineWorkbook.from_path(str(path)), CalamineWorkbook.from_path(str(back))
    for tab in ("History", "Trends"):
        a, b = ours.get_sheet_by_name(tab).to_python(), theirs.get_sheet_by_name(tab).to_python()
        assert len(a) == len(b) > 1, tab
        for row_a, row_b in zip(a, b, strict=True):
            assert [pytest.approx(x, rel=1e-12) if isinstance(x, float) else x for x in row_a] == (
                row_b
            ), tab
    rows = ours.get_sheet_by_name("History").to_python()
    assert len(rows) == 1 + sum(n.rows for n in history.nights)


@pytest.mark.parametrize("since", [DAYS[2], DAYS[-1] + dt.timedelta(days=1)], ids=["mid", "after"])
def test_trends_leave_out_the_nights_before_the_period(
    rollup: Rollup, tmp_path: Path, since: dt.date
) -> None:
    """A new quarter reuses the last one's ids: its Trends start at its start, and the
    History tab (a log) keeps every night shown. A period with no night yet still
    writes the workbook (an empty burn-up)."""
    store = _store(tmp_path / "history.sqlite", *_random_nights(1))
    history = load_history(store, 12, b"", since=since)
    assert history is not None and history.dates == [pd.Timestamp(d) for d in DAYS]
    kept = [pd.Timestamp(d) for d in DAYS if d >= since]
    assert list(history.objective_burnup.columns[2:]) == kept
    assert list(history.kpi_trend.columns[3:]) == kept
    assert [pd.Timestamp(d) for d in history.company["date"]] == kept
    path = tmp_path / "company.xlsx"
    write_rollup_xlsx(dataclasses.replace(rollup, history=history), path)
    rows = list(openpyxl.load_workbook(path)["History"].values)
    assert len(rows) == 1 + sum(n.rows for n in history.nights)


@needs_libreoffice
def test_libreoffice_opens_trends_of_a_period_without_a_night(
    rollup: Rollup, tmp_path: Path
) -> None:
    """Every night shown is of the last period (tonight's not recorded): the Trends tab
    has no burn-up rows, and a real spreadsheet application still opens the workbook."""
    store = _store(tmp_path / "history.sqlite", *_random_nights(1))
    history = load_history(store, 12, b"", since=DAYS[-1] + dt.timedelta(days=1))
    assert history is not None and history.company.empty
    path = tmp_path / "company.xlsx"
    write_rollup_xlsx(dataclasses.replace(rollup, history=history), path)
    with zipfile.ZipFile(path) as z:
        charts = [n for n in z.namelist() if n.startswith("xl/charts/chart")]
        assert not any(b"$A$3:$A$2" in z.read(n) for n in charts)  # no upside-down range
    back = convert(path, "xlsx", tmp_path / "lo")
    theirs = CalamineWorkbook.from_path(str(back))
    assert len(theirs.get_sheet_by_name("History").to_python()) == 1 + sum(
        n.rows for n in history.nights
    )


def test_both_sources_are_night_sources_with_distinct(tmp_path: Path) -> None:
    """``distinct``, which ``load_history`` asks of its source, is part of ``NightSource``:
    the store and the frames have it; a source without it is none (until 2026-12-07 the
    protocol lacked it, and ``getattr`` found it or read the nights)."""
    store = _store(tmp_path / "history.sqlite", *_random_nights(2))
    assert isinstance(store, NightSource)
    assert isinstance(_frames(*_random_nights(2)), NightSource)

    class Partial:
        def night_counts(self, last_n: int, through: dt.date | None = None) -> list[Any]:
            return []

        def night(self, kind: str, date: dt.date, columns: Sequence[str]) -> pd.DataFrame:
            return pd.DataFrame()

        def stream(self, kind: str, columns: Sequence[str], dates: Sequence[dt.date]) -> Any:
            return iter([])

    assert not isinstance(Partial(), NightSource)
