"""One series per ID as IDs compare: ``o1`` retyped ``O1`` goes on as one line.

The history keeps each ID as typed (``ops/history.py``); the Trends pivots and the
History tab read it through ``domain.ids.id_key``, as every other comparison does, and
show each series under its latest night's spelling: until 2026-12-07 retyping ``o1`` as
``O1`` (or ``ＫＲ１`` as ``KR1``) ended the old series the night before and started a new
one. A night that spells one ID two ways (a row-per-KR sheet with ``O1`` on one KR's row
and ``o1`` on another's) counts as its most common spelling, a tie going to the one first
in code-point order (``O1`` before ``o1``), as ``mapping.parse`` names the objective.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from sheets_sync.domain.ids import id_key

OBJECTIVE, KR_ID, KPI_ID = "objective_id", "kr_id", "kpi_id"
#: (team, ID as typed) -> its series' spelling: only the IDs typed otherwise on a night.
Respelled = Mapping[tuple[str, str], str]


class Spellings:
    """The spellings one kind of ID takes over the nights read, oldest night first.

    Most histories never spell one ID two ways: ``see`` notes each night's distinct IDs
    (a hash of the column), and only the IDs that share their ``id_key`` with another
    (``ambiguous``) are counted team by team (``add``), from the night they are found
    on; the nights before, read again for them (``missed``, ``_load``). Counting every ID
    of every night by team took 1 s more at 2,000 teams."""

    def __init__(self) -> None:
        self._keys: dict[str, str] = {}  # each distinct ID's id_key, computed once
        self._sole: dict[str, str | None] = {}  # key -> its one spelling, None: several
        self._seen: pd.DataFrame | None = None  # team, spelling, count, key, night
        #: (night, date, rows, the ambiguous IDs counted) of each night seen
        self._nights: list[tuple[int, dt.date, int, frozenset[str]]] = []

    def see(self, night: int, day: dt.date, team: pd.Series, ids: pd.Series) -> None:
        """One night's IDs (``night`` counts up from the oldest night)."""
        for text in ids.unique():
            if isinstance(text, str) and text not in self._keys:
                key = self._keys[text] = id_key(text)
                self._sole[key] = text if key not in self._sole else None
        ambiguous = self.ambiguous
        if ambiguous:
            self.add(night, team, ids, ambiguous)
        self._nights.append((night, day, len(ids), ambiguous))

    def missed(self) -> Iterator[tuple[int, dt.date, int, frozenset[str]]]:
        """(night, date, rows, IDs) of each night seen before ``IDs`` were found ambiguous:
        to read again and ``add``."""
        ambiguous = self.ambiguous
        for night, day, rows, counted in self._nights:
            if ambiguous - counted:
                yield night, day, rows, ambiguous - counted

    @property
    def ambiguous(self) -> frozenset[str]:
        """The IDs spelled, on some night and team, otherwise than another of their key."""
        return frozenset(t for t, key in self._keys.items() if self._sole[key] is None)

    def keys(self, ids: pd.Series) -> pd.Series:
        """``ids`` as they are compared (``id_key``; ``see`` saw them); a blank stays blank."""
        return ids.map(self._keys)

    def add(self, night: int, team: pd.Series, ids: pd.Series, ambiguous: frozenset[str]) -> None:
        """One night's ``ambiguous`` IDs, counted by team."""
        mine = ids.isin(ambiguous)
        counted = (
            pd.DataFrame({"team": team[mine], "spelling": ids[mine]})
            .value_counts(sort=False)
            .rename("count")
            .reset_index()
        )
        counted["key"] = self.keys(counted["spelling"])
        counted["night"] = night
        if self._seen is not None:  # each (team, spelling)'s latest night is kept
            counted = pd.concat([self._seen, counted]).sort_values("night", kind="stable")
        self._seen = counted.drop_duplicates(["team", "spelling"], keep="last")

    def _chosen(self) -> pd.Series:
        """(team, key) -> the spelling its series shows, of the keys counted by team: its
        latest night's most common, a tie to the first in code-point order."""
        if self._seen is None or not len(self._seen):
            index = pd.MultiIndex.from_arrays([[], []], names=["team", "key"])
            return pd.Series([], index=index, dtype=object)
        ranked = self._seen.sort_values(
            ["team", "key", "night", "count", "spelling"],
            ascending=[True, True, False, False, True],
        )
        return ranked.groupby(["team", "key"], sort=False)["spelling"].first()

    def shown(self, team: pd.Series, keys: pd.Series) -> np.ndarray:
        """Each (team, key)'s series' spelling."""
        spelled = np.array(keys.map(self._sole).to_numpy(dtype=object), dtype=object)
        several = pd.isna(spelled) & pd.notna(keys.to_numpy())
        if several.any():
            index = pd.MultiIndex.from_arrays([team[several], keys[several]])
            spelled[several] = self._chosen().reindex(index).to_numpy()
        return spelled

    def respelled(self) -> dict[tuple[str, str], str]:
        """(team, ID as typed) -> its series' spelling, for the IDs that differ from it."""
        if self._seen is None:
            return {}
        chosen = self._chosen()
        seen = self._seen
        spelled = chosen.reindex(pd.MultiIndex.from_frame(seen[["team", "key"]])).to_numpy()
        other = seen["spelling"].to_numpy() != spelled
        pairs = zip(seen["team"][other], seen["spelling"][other], spelled[other], strict=True)
        return {(team, typed): shown for team, typed, shown in pairs}


def shown(frame: pd.DataFrame, column: str, spellings: Spellings) -> pd.DataFrame:
    """``frame`` (a pivot keyed by ``team`` and ``column`` as ``id_key`` gives it) with
    ``column`` in its series' spelling."""
    if not len(frame):
        return frame
    return frame.assign(**{column: spellings.shown(frame["team"], frame[column])})


@dataclass(frozen=True)
class Respellings:
    """The History tab's IDs in their series' spelling: for the nights before ``since``
    (the period's start; a new period reuses IDs for other goals, its spelling is not
    the last period's) and on or after it, per kind, (team, typed) -> shown."""

    since: str | None = None  # ISO date
    before: Mapping[str, Respelled] = field(default_factory=dict)
    after: Mapping[str, Respelled] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return any(self.before.values()) or any(self.after.values())

    def of(self, day: str) -> Mapping[str, Respelled]:
        """The kinds' maps for a row of ``day`` (ISO text)."""
        return self.before if self.since is not None and day < self.since else self.after
