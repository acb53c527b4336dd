"""What a sync is asked to do (the CLI's flags for ``sync``); ``engine.py`` runs it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field


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
        (every team failed with a TypeError): keep its calendar day, as written."""
        if isinstance(self.as_of, dt.datetime):
            object.__setattr__(self, "as_of", self.as_of.date())
