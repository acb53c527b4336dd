"""What a sync is asked to do (the CLI's flags for ``sync``); ``engine.py`` runs it."""

from __future__ import annotations

import datetime as dt
import operator
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from os import PathLike, fspath
from pathlib import Path

from sheets_sync.errors import ConfigError


@dataclass(frozen=True)
class SyncOptions:
    as_of: dt.date = field(default_factory=dt.date.today)
    teams: Iterable[str] = ()  # any iterable of names (a generator too), kept as a tuple
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
        out of range was a bare ``ValueError`` from deep in the run. ``as_of=None`` is
        today, as docs/library.md says of every call (it was refused as no date)."""
        day = dt.date.today() if self.as_of is None else self.as_of
        object.__setattr__(self, "as_of", as_of_day(day))
        if isinstance(self.teams, str):
            raise ConfigError(f"teams: a list of team names, not one name: teams=[{self.teams!r}]")
        # kept as a tuple: a generator was used up by ``run_sync``'s plan (the run then
        # synced no team, silently), and a list the caller changed after changed the options
        object.__setattr__(self, "teams", _team_names(self.teams))
        for flag in ("dry_run", "write_back", "rollup", "read_cache"):
            value = getattr(self, flag)  # ``write_back="false"`` was true: the sheets written
            if not _is_bool(value):
                raise ConfigError(f"{flag}: must be True or False, not {value!r}")
            object.__setattr__(self, flag, bool(value))
        if self.workers is not None:
            object.__setattr__(self, "workers", _workers(self.workers))
        if self.shard is not None:
            _check_shard(self.shard)


def _is_bool(value: object) -> bool:
    """A flag is a ``bool`` or a numpy bool (a pandas column's value), not ``1`` or
    ``"false"``. numpy is looked up, not imported: no numpy loaded, no numpy bool made."""
    numpy = sys.modules.get("numpy")
    return type(value) is bool or (numpy is not None and type(value) is numpy.bool_)


def _workers(value: object) -> int:
    """``workers`` as an ``int``: any whole number (``np.int64``, an ``IntEnum`` member, an
    int subclass) of 1 or more; not ``True`` (a bool is an int: it passed for one worker),
    ``2.0`` or ``"2"``."""
    try:
        count = None if isinstance(value, bool) else operator.index(value)  # type: ignore[arg-type]
    except TypeError:
        count = None
    if count is None or count < 1:
        raise ConfigError(f"workers: must be a whole number of 1 or more, not {value!r}")
    return count


def _team_names(teams: object) -> tuple[str, ...]:
    """``teams`` as a tuple of names (``None``: every team); a name that is no string was
    an AttributeError from the engine's team lookup, a number for the list a TypeError."""
    if teams is None:
        return ()
    if not isinstance(teams, Iterable):
        raise ConfigError(f"teams: a list of team names, not {teams!r}")
    names = tuple(teams)
    for name in names:
        if not isinstance(name, str):
            raise ConfigError(f"teams: a list of team names (strings), not {name!r}")
    return names


def path_arg(value: object, name: str) -> Path:
    """A library caller's path (``name`` the argument's), as a ``Path``: a number, bytes or
    a name holding a NUL was a bare TypeError or ``ValueError: embedded null byte`` from
    ``pathlib`` or the OS, some only after every team had been read."""
    text = fspath(value) if isinstance(value, str | PathLike) else None
    if not isinstance(text, str):
        raise ConfigError(f"{name}: a path (a str or a pathlib.Path), not {value!r}")
    if "\x00" in text:
        raise ConfigError(f"{name}: {text!r} holds a NUL character, which no path can")
    return Path(text)


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


@dataclass(frozen=True)
class ShardWords:
    """How the shard rule names its two settings and the merge: the CLI's flags, or the
    library's arguments (``LIBRARY``)."""

    shard: str
    results_dir: str
    merge: str


LIBRARY = ShardWords("shard", "results_dir", "merge_shards or `rollup --from-results`")
CLI = ShardWords("--shard", "--results-dir", "`rollup --from-results`")


def check_shard_results(
    shard: tuple[int, int] | None,
    results_dir: str | PathLike[str] | None,
    words: ShardWords = LIBRARY,
) -> None:
    """A shard and its results folder go together, dry run or not, for the CLI and a
    library caller alike: a folder without a shard was ignored (every team synced, no
    results saved, so the merge found none), and ``results_dir=""`` was the current
    folder. Raises ``ConfigError``; the CLI shows it as its usage error."""
    folder = None if results_dir is None else fspath(results_dir)
    if shard is not None and not folder:
        raise ConfigError(
            f"{words.shard} needs {words.results_dir} (where {words.merge} finds every shard)"
        )
    if folder is not None and shard is None:
        raise ConfigError(
            f"{words.results_dir} needs {words.shard} (it holds one shard's results for "
            f"{words.merge})"
        )
