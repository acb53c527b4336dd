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
    on; the nights before, read again for them (``missed``, ``_load``). A (team, key)
    that one team spells one way (``o1`` at Ops, ``O1`` at Sales) keeps it; only one
    that a team spells two ways is respelled (``respelled``). Counting is on numbers
    (each team and spelling numbered once), so teams that keep to different conventions
    cost little (``docs/rollup.md``)."""

    def __init__(self) -> None:
        self._keys: dict[str, str] = {}  # each distinct ID's id_key, computed once
        self._sole: dict[str, str | None] = {}  # key -> its one spelling, None: several
        self._number: dict[str | None, int] = {}  # each distinct ID, numbered as seen
        self._texts: list[str | None] = []  # and back (None: a blank, ``_numbered``)
        self._key_numbers: dict[str, int] = {}  # each key, numbered
        self._key_of: list[int] = []  # an ID's number -> its key's
        self._key_texts: list[str] = []  # a key's number -> the key
        self._team_number: dict[str | None, int] = {}
        self._teams: list[str | None] = []
        # (team << 32 | spelling) of each ambiguous ID counted, sorted; its latest night
        # and how many rows it had on that night
        self._pairs = np.empty(0, dtype=np.int64)
        self._night = np.empty(0, dtype=np.int64)
        self._count = np.empty(0, dtype=np.int64)
        #: (night, date, rows, the ambiguous IDs counted) of each night seen
        self._nights: list[tuple[int, dt.date, int, frozenset[str]]] = []

    def see(self, night: int, day: dt.date, team: pd.Series, ids: pd.Series) -> None:
        """One night's IDs (``night`` counts up from the oldest night)."""
        for text in ids.unique():
            if isinstance(text, str) and text not in self._keys:
                key = self._keys[text] = id_key(text)
                self._sole[key] = text if key not in self._sole else None
                self._number[text] = len(self._texts)
                self._texts.append(text)
                if key not in self._key_numbers:
                    self._key_numbers[key] = len(self._key_texts)
                    self._key_texts.append(key)
                self._key_of.append(self._key_numbers[key])
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

    def _numbered(
        self, values: pd.Series, numbers: dict[str | None, int], names: list[str | None]
    ) -> np.ndarray:
        """``values`` as their numbers (a hash of the column, then one look-up a value); a
        blank (a hand-built frame's team) is the value None: ``factorize`` codes it -1,
        which took the last value's number."""
        codes, uniques = pd.factorize(values, use_na_sentinel=False)
        # not iterated: arrow strings iterate slowly
        distinct = [None if pd.isna(v) else v for v in uniques.tolist()]
        for value in distinct:
            if value not in numbers:
                numbers[value] = len(names)
                names.append(value)
        return np.array([numbers[v] for v in distinct], dtype=np.int64)[codes]

    def add(self, night: int, team: pd.Series, ids: pd.Series, ambiguous: frozenset[str]) -> None:
        """One night's ``ambiguous`` IDs, counted by team: each (team, spelling)'s
        latest night is kept."""
        mine = ids.isin(ambiguous).to_numpy()
        if not mine.any():
            return
        teams = self._numbered(team[mine], self._team_number, self._teams)
        spellings = self._numbered(ids[mine], self._number, self._texts)
        pairs, counts = np.unique(teams << 32 | spellings, return_counts=True)
        at = np.searchsorted(self._pairs, pairs)
        known = at < len(self._pairs)
        known[known] = self._pairs[at[known]] == pairs[known]
        later = np.zeros_like(known)
        later[known] = self._night[at[known]] < night  # ``missed`` nights come after
        self._night[at[later]] = night
        self._count[at[later]] = counts[later]
        new, at = ~known, at[~known]
        self._pairs = np.insert(self._pairs, at, pairs[new])
        self._night = np.insert(self._night, at, night)
        self._count = np.insert(self._count, at, counts[new])

    def _ranked(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """The pairs counted as (team, key, spelling) numbers, each (team, key)'s first
        (the spelling its series shows: its latest night's most common, a tie to the first
        in code-point order) marked."""
        teams, spellings = self._pairs >> 32, self._pairs & 0xFFFFFFFF
        keys = np.array(self._key_of, dtype=np.int64)[spellings]
        order = np.argsort(np.array(self._texts, dtype=object), kind="stable")
        rank = np.empty(len(order), dtype=np.int64)
        rank[order] = np.arange(len(order))
        ranked = np.lexsort((rank[spellings], -self._count, -self._night, keys, teams))
        teams, keys, spellings = teams[ranked], keys[ranked], spellings[ranked]
        first = np.ones(len(ranked), dtype=bool)
        first[1:] = (teams[1:] != teams[:-1]) | (keys[1:] != keys[:-1])
        return teams, keys, spellings, first

    def _chosen(self) -> pd.Series:
        """(team, key) -> the spelling its series shows, of the keys counted by team."""
        teams, keys, spellings, first = self._ranked()
        names = np.array(self._teams, dtype=object)[teams[first]]
        key_texts = np.array(self._key_texts, dtype=object)[keys[first]]
        index = pd.MultiIndex.from_arrays([names, key_texts], names=["team", "key"])
        return pd.Series(np.array(self._texts, dtype=object)[spellings[first]], index=index)

    def shown(self, team: pd.Series, keys: pd.Series) -> np.ndarray:
        """Each (team, key)'s series' spelling."""
        spelled = np.array(keys.map(self._sole).to_numpy(dtype=object), dtype=object)
        several = pd.isna(spelled) & pd.notna(keys.to_numpy())
        if several.any():
            index = pd.MultiIndex.from_arrays([team[several], keys[several]])
            spelled[several] = self._chosen().reindex(index).to_numpy()
        return spelled

    def respelled(self) -> dict[tuple[str, str], str]:
        """(team, ID as typed) -> its series' spelling, for the IDs that differ from it:
        only where one team spelled one key two ways."""
        if not len(self._pairs):
            return {}
        teams, _, spellings, first = self._ranked()
        shown = spellings[np.flatnonzero(first)[np.cumsum(first) - 1]]
        other = np.flatnonzero(spellings != shown)
        return {
            (self._teams[teams[i]], self._texts[spellings[i]]): self._texts[shown[i]] for i in other
        }


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
    the last period's; every earlier period's nights together, as the history records no
    night's period) and on or after it, per kind, (team, typed) -> shown."""

    since: str | None = None  # ISO date
    before: Mapping[str, Respelled] = field(default_factory=dict)
    after: Mapping[str, Respelled] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return any(self.before.values()) or any(self.after.values())

    def of(self, day: str) -> Mapping[str, Respelled]:
        """The kinds' maps for a row of ``day`` (ISO text)."""
        return self.before if self.since is not None and day < self.since else self.after
