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
