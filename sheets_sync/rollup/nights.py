"""Past nights for the History and Trends tabs, read a night at a time.

The History tab holds every snapshot row of the nights shown: 840,000 rows at 2,000
teams and the default 12 nights. Held as frames they took ~100 MB, and ~140 MB more while
read, so a steady night's peak grew with teams x nights (BENCHMARKS.md, eighth pass).
Now only the Trends pivots (a row per KPI or objective) are held, built from one night's
rows at a time, and the History tab's rows are read from the store while the workbook is
written (``history.py``, ``bulk.py``).

A ``NightSource`` is the history store (``ops/history.py``) or frames (``FrameNights``,
for tests and notebooks).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

import pandas as pd

from sheets_sync.domain.ids import id_key
from sheets_sync.domain.scoring import mean, weighted_mean
from sheets_sync.errors import HistoryError
from sheets_sync.rollup.digits import shown_values
from sheets_sync.rollup.spellings import KPI_ID, KR_ID, OBJECTIVE, Respellings, Spellings, shown

KR, KPI = "kr", "kpi"
_KPI_KEYS = ["team", "kpi_id", "name"]
_OBJECTIVE_KEYS = ["team", "objective_id"]


@runtime_checkable
class NightSource(Protocol):
    """Snapshot rows by night (``ops.history.HistoryStore`` and ``FrameNights`` are)."""

    def night_counts(
        self, last_n: int, through: dt.date | None = None
    ) -> list[tuple[dt.date, int, int]]:
        """(date, KR rows, KPI rows) of the last ``last_n`` nights on or before
        ``through`` (None: the last ones), oldest first."""
        ...

    def night(self, kind: str, date: dt.date, columns: Sequence[str]) -> pd.DataFrame:
        """One night's rows of ``kind`` (``KR`` or ``KPI``), typed."""
        ...

    def stream(
        self, kind: str, columns: Sequence[str], dates: Sequence[dt.date]
    ) -> Iterator[list[tuple[Any, ...]]]:
        """The ``dates``' rows as tuples, a chunk at a time, ``date`` as ISO text."""
        ...

    def distinct(self, kind: str, column: str, dates: Sequence[dt.date]) -> set[str]:
        """The texts ``column`` of ``kind`` holds on ``dates`` (a blank is none)."""
        ...


@dataclass(frozen=True)
class Night:
    date: pd.Timestamp
    krs: int
    kpis: int

    @property
    def rows(self) -> int:
        return self.krs + self.kpis


@dataclass(frozen=True, eq=False)
class History:
    """The nights shown, their Trends pivots, and where to read their rows from.

    ``identity`` changes whenever the rows could (the store's ``marks``): the rollup's
    fingerprint digests it instead of the rows."""

    nights: tuple[Night, ...]
    company: pd.DataFrame  # date, score, expected: the company burn-up
    kpi_trend: pd.DataFrame  # team, kpi_id, name, then the actual per night
    objective_burnup: pd.DataFrame  # team, objective_id, then the objective score per night
    source: NightSource
    identity: bytes
    #: the History tab's IDs in their series' spelling (``spellings.py``)
    respellings: Respellings = field(default_factory=Respellings)

    @property
    def dates(self) -> list[pd.Timestamp]:
        return [n.date for n in self.nights]

    def newest_that_fit(self, rows: int) -> tuple[tuple[Night, ...], list[pd.Timestamp]]:
        """The newest nights whose rows add up to at most ``rows``, and the nights left
        out. A night is kept whole or not at all: half a night would pivot as a dip."""
        kept: list[Night] = []
        total = 0
        for night in reversed(self.nights):
            total += night.rows
            if total > rows:
                break
            kept.append(night)
        kept.reverse()
        return tuple(kept), [n.date for n in self.nights[: len(self.nights) - len(kept)]]


def load_history(
    source: NightSource,
    last_n: int,
    identity: bytes,
    through: dt.date | None = None,
    since: dt.date | None = None,
) -> History | None:
    """The last ``last_n`` nights of ``source`` on or before ``through`` (the run's as-of
    date: a back-dated rollup shows no night after it; None: the last nights), or None
    when it has no rows: only one night's rows are in memory at a time.

    ``since`` (the period's start): the Trends pivots leave out the nights before it. A
    new quarter reuses last quarter's objective and KR ids for other goals, and a line
    joining Q3's O1 to Q4's O1 is neither; the History tab, a log, keeps every night.

    A night that no longer holds the rows counted (the store was found damaged and set
    aside meanwhile, or another process wrote it) starts the reading over, once."""
    for _ in range(2):
        try:
            return _load(source, last_n, identity, through, since)
        except _RecountedError:
            continue
    raise HistoryError("the run history changed while it was read twice; run the sync again")


class _RecountedError(Exception):
    """A night's rows differ from its count: read the nights again."""


def _load(
    source: NightSource,
    last_n: int,
    identity: bytes,
    through: dt.date | None,
    since: dt.date | None,
) -> History | None:
    nights = tuple(
        Night(pd.Timestamp(day), krs, kpis)
        for day, krs, kpis in source.night_counts(last_n, through)
        if krs or kpis
    )
    if not nights:
        return None
    company: list[pd.DataFrame] = []
    kpis: dict[pd.Timestamp, pd.Series] = {}
    objectives: dict[pd.Timestamp, pd.Series] = {}
    # the IDs' spellings, apart for the nights before ``since`` (the History tab's: every
    # earlier period's nights together, the history records no night's period), read
    # only when one of their IDs is spelled two ways (``_respelled_before``)
    scopes = {scope: {k: Spellings() for k in (OBJECTIVE, KR_ID, KPI_ID)} for scope in (0, 1)}
    before = [n.date.date() for n in nights if since is not None and n.date.date() < since]
    read_before = bool(before) and _respelled_before(source, before)
    for n, night in enumerate(nights):
        day = night.date.date()
        earlier = since is not None and day < since
        if earlier and not read_before:
            continue
        spellings = scopes[0 if earlier else 1]
        kr_columns = ["date", *_OBJECTIVE_KEYS, "kr_id", "score", "expected", "weight"]
        kpi_columns = [*_KPI_KEYS, "actual"]
        if earlier:  # only its IDs, for the History tab
            kr_columns, kpi_columns = [*_OBJECTIVE_KEYS, "kr_id"], ["team", "kpi_id"]
        kr = source.night(KR, day, kr_columns)
        kpi = source.night(KPI, day, kpi_columns)
        if (len(kr), len(kpi)) != (night.krs, night.kpis):
            raise _RecountedError
        for column, frame in ((OBJECTIVE, kr), (KR_ID, kr), (KPI_ID, kpi)):
            spellings[column].see(n, day, frame["team"], frame[column])
        if earlier:
            continue
        if night.krs:
            means = kr.groupby("date", as_index=False)[["score", "expected"]].agg(_mean)
            for column in ("score", "expected"):  # the 15 digits Excel shows (digits.py)
                means[column] = shown_values(means[column])
            company.append(means)
            kr[OBJECTIVE] = spellings[OBJECTIVE].keys(kr[OBJECTIVE])  # o1 and O1: one series
            objectives[night.date] = shown_values(_objective_scores(kr))
        if night.kpis:
            kpi[KPI_ID] = spellings[KPI_ID].keys(kpi[KPI_ID])
            # dropna=False: a KPI without a name is still a KPI; last() takes the last
            # actual that is not blank, so a KPI blank every night still gets its row
            kpis[night.date] = kpi.groupby(_KPI_KEYS, dropna=False, sort=False)["actual"].last()
    for spellings in scopes.values():
        _count_by_team(source, spellings)
    current = scopes[1]
    respellings = Respellings(
        None if since is None else since.isoformat(),
        {kind: s.respelled() for kind, s in scopes[0].items()},
        {kind: s.respelled() for kind, s in current.items()},
    )
    return History(
        nights,
        _concat(company, ["date", "score", "expected"]),
        shown(_pivot(kpis, _KPI_KEYS), KPI_ID, current[KPI_ID]),
        shown(_pivot(objectives, _OBJECTIVE_KEYS), OBJECTIVE, current[OBJECTIVE]),
        source,
        identity,
        respellings,
    )


def _respelled_before(source: NightSource, days: list[dt.date]) -> bool:
    """Whether the nights ``days`` (before the period's start, shown on the History tab
    only) spell an ID two ways, to respell: most histories never do, and reading their
    IDs took 0.75 s against 0.15 s at 2,000 teams when 11 of 12 nights were earlier.
    (Until 2026-12-07 ``distinct`` was no part of ``NightSource``, and a source without
    it was read.)"""
    for kind, column in ((KR, OBJECTIVE), (KR, KR_ID), (KPI, KPI_ID)):
        texts = source.distinct(kind, column, days)
        if len({id_key(t) for t in texts}) < len(texts):
            return True
    return False


def _count_by_team(source: NightSource, spellings: dict[str, Spellings]) -> None:
    """The IDs spelled two ways counted team by team on the nights read before they
    were found so (``Spellings.missed``: none, in most histories), read again."""
    for column, spelled in spellings.items():
        kind = KPI if column == KPI_ID else KR
        for n, day, rows, missed in list(spelled.missed()):
            ids = source.night(kind, day, ["team", column])
            if len(ids) != rows:
                raise _RecountedError
            spelled.add(n, ids["team"], ids[column], missed)


def _objective_scores(kr: pd.DataFrame) -> pd.Series:
    """Each objective's score on one night: its KRs' scores weighted as the objective's
    own, by ``domain.scoring.weighted_mean`` itself (the one mean, docs/rollup.md), of
    the exact scores the history keeps, so the burn-up, shown with 15 digits as that is
    (``_load``), ends at ``Objectives.Score`` (a ``groupby().sum()``, compensated where
    weighted_mean summed in order, missed it in the 15th digit for 473 of 20,000).
    A row recorded before the history kept weights (schema 1) counts as weight 1; an
    objective whose weights add up to nothing has no score (no row, as pivot_table)."""
    # frames may lack scores; a key with a gap is left out, as groupby drops one (one
    # vectorised mask: a ``pd.isna`` a key part a row was half of this function's CPU)
    scored = kr[kr["score"].notna() & kr[_OBJECTIVE_KEYS].notna().all(axis=1)]
    keys = zip(*(scored[k].tolist() for k in _OBJECTIVE_KEYS), strict=True)
    weights = scored["weight"].astype("float64").fillna(1.0).tolist()
    pairs: dict[tuple[Any, ...], list[tuple[float, float]]] = {}
    for key, score, weight in zip(keys, scored["score"].tolist(), weights, strict=True):
        pairs.setdefault(key, []).append((score, weight))
    scores = {key: weighted_mean(p) for key, p in pairs.items()}
    kept = {key: s for key, s in scores.items() if s is not None and not math.isnan(s)}
    index = pd.MultiIndex.from_tuples(list(kept) or [(None, None)], names=_OBJECTIVE_KEYS)[
        : len(kept)
    ]
    return pd.Series(list(kept.values()), index=index, dtype="float64")


def _mean(values: pd.Series) -> float:
    """A night's company mean of KR scores (or expected): the one mean (docs/rollup.md)."""
    m = mean(values.dropna().tolist())
    return math.nan if m is None else m


def _concat(frames: list[pd.DataFrame], columns: list[str]) -> pd.DataFrame:
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=columns)


def _pivot(nights: dict[pd.Timestamp, pd.Series], keys: list[str]) -> pd.DataFrame:
    """Per-night series (indexed by ``keys``) as one row per key, one column per night.

    concat + unstack, not pivot_table(dropna=False): that one keeps keys whose values are
    all blank but also builds every combination of the keys (millions of empty rows)."""
    if not nights:
        return pd.DataFrame(columns=keys)
    long = pd.concat(nights, names=["date", *keys])
    wide: pd.DataFrame = long.unstack("date").sort_index().reset_index()
    return wide


@dataclass(frozen=True, eq=False)
class FrameNights:
    """A ``NightSource`` over two frames in ``ops.history``'s ``KR_COLUMNS`` and
    ``KPI_COLUMNS`` layouts (what ``kr_history`` and ``kpi_history`` return)."""

    kr: pd.DataFrame
    kpi: pd.DataFrame

    def _frame(self, kind: str) -> pd.DataFrame:
        return self.kr if kind == KR else self.kpi

    def night_counts(
        self, last_n: int, through: dt.date | None = None
    ) -> list[tuple[dt.date, int, int]]:
        krs, kpis = self.kr["date"].value_counts(), self.kpi["date"].value_counts()
        days = sorted(set(krs.index) | set(kpis.index))
        if through is not None:
            days = [d for d in days if d <= pd.Timestamp(through)]
        days = days[-last_n:]
        return [(d.date(), int(krs.get(d, 0)), int(kpis.get(d, 0))) for d in days]

    def distinct(self, kind: str, column: str, dates: Sequence[dt.date]) -> set[str]:
        """As ``HistoryStore.distinct`` (``NightSource``)."""
        frame = self._frame(kind)
        values = frame.loc[frame["date"].isin([pd.Timestamp(d) for d in dates]), column]
        return {v for v in values.unique() if isinstance(v, str)}

    def night(self, kind: str, date: dt.date, columns: Sequence[str]) -> pd.DataFrame:
        """A column the frames lack (``weight``, before schema 2) comes back blank."""
        frame = self._frame(kind)
        rows = frame.loc[frame["date"] == pd.Timestamp(date)].reindex(columns=list(columns))
        return rows.reset_index(drop=True)

    def stream(
        self, kind: str, columns: Sequence[str], dates: Sequence[dt.date]
    ) -> Iterator[list[tuple[Any, ...]]]:
        frame = self._frame(kind)
        rows = frame[frame["date"].isin([pd.Timestamp(d) for d in dates])]
        rows = rows.assign(date=rows["date"].dt.strftime("%Y-%m-%d"))
        rows = rows.reindex(columns=list(columns))  # as ``night``: ``weight`` may be missing
        yield list(rows.itertuples(index=False, name=None))

    def identity(self) -> bytes:
        """A digest of both frames, for ``load_history``."""
        digest = hashlib.sha256()
        for frame in (self.kr, self.kpi):
            digest.update(repr(list(frame.columns)).encode())
            hashed = pd.util.hash_pandas_object(frame, index=False, categorize=False)
            digest.update(hashed.to_numpy().tobytes())
        return digest.digest()
