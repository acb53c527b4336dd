"""What a sync is asked to do (the CLI's flags for ``sync``); ``engine.py`` runs it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from sheets_sync.errors import ConfigError


@dataclass(frozen=True)
class SyncOptions:
    as_of: dt.date = field(default_factory=dt.date.today)
    teams: Sequence[str] = ()
    dry_run: bool = False
    write_back: bool = True
    rollup: bool = True
    shard: tuple[int, int] | None = None  # (k, n): this run handles the k-th of n shares
    workers: int | None = None  # processes for local workbooks; None: one per CPU
    read_cache: bool = True  # reuse parses of unchanged workbooks (``readcache.py``)

    def __post_init__(self) -> None:
        """A datetime passes for a date with the type checker but not in date arithmetic
        (every team failed with a TypeError): keep its calendar day, as written.

        What the CLI's parsing refuses is refused here too, for a library caller, as one
        ``ConfigError`` before anything is read: ``as_of="2026-11-23"`` failed every team
        with an internal error (a traceback logged for each), ``teams="Sales"``
        looked for a team named ``S``, ``workers=0`` passed for one worker, and a shard
        out of range was a bare ``ValueError`` from deep in the run."""
        object.__setattr__(self, "as_of", as_of_day(self.as_of))
        if isinstance(self.teams, str):
            raise ConfigError(f"teams: a list of team names, not one name: teams=[{self.teams!r}]")
        workers = self.workers
        if workers is not None and (not isinstance(workers, int) or workers < 1):
            raise ConfigError(f"workers: must be a whole number of 1 or more, not {workers!r}")
        if self.shard is not None:
            _check_shard(self.shard)


def as_of_day(value: object) -> dt.date:
    """A library caller's ``as_of``, as a date: a datetime's calendar day, as written; a
    string or anything else refused as one ``ConfigError``. Every call that takes an
    ``as_of`` checks it here (``merge_shards`` compared a datetime with the shards' date
    and refused the very day it named)."""
    if isinstance(value, dt.datetime):
        return value.date()
    if not isinstance(value, dt.date):
        raise ConfigError(f"as_of: {value!r} is not a date (give a datetime.date)")
    return value


def _check_shard(shard: object) -> None:
    """``shard`` is ``(k, n)``: the k-th of n shares, counted from 1 (``ops/shard.py``)."""
    if not (isinstance(shard, tuple) and len(shard) == 2 and all(type(x) is int for x in shard)):
        raise ConfigError(f"shard: must be a pair (k, n) such as (2, 4), not {shard!r}")
    k, n = shard
    if n < 1:
        raise ConfigError(f"shard: the shard count must be at least 1, not {n}")
    if not 1 <= k <= n:
        raise ConfigError(f"shard: the shard number must be between 1 and {n}, not {k}")
