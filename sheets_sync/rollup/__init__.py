"""The company rollup: every team's results as typed tables, one workbook, CSV/Parquet.

``build_rollup`` turns a night's ``TeamRun`` list into DataFrames whose columns are fixed
by ``schema.py``; ``write_rollup_xlsx`` and ``export_tables`` publish them. Schema, data
dictionary and changelog: ``docs/rollup.md``.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sheets_sync.native_threads import import_quietly

# ruff: noqa: E402 (numpy and pyarrow first, their native threads kept from starting)
import_quietly()

import pyarrow

from sheets_sync.rollup.nights import FrameNights, History, load_history
from sheets_sync.rollup.previous import PreviousReader, load_previous
from sheets_sync.rollup.schema import SCHEMA_VERSION, TABLES
from sheets_sync.rollup.tables import (
    Rollup,
    StaleData,
    build_tables,
    first_listings,
    storable_runs,
)
from sheets_sync.rollup.workbook import write_rollup_xlsx
from sheets_sync.sync.outcome import RunContext, TeamRun

if TYPE_CHECKING:
    from sheets_sync.rollup.export import export_tables

if not os.environ.get("ARROW_DEFAULT_MEMORY_POOL"):  # Arrow takes a blank one for none
    # The tables' text columns are Arrow arrays. Arrow's own allocator (mimalloc) keeps
    # what a night's build frees for later use, so the process held ~20 MB more at 2,000
    # teams (23-33 MB on the steady night); the C library's hands large blocks back at
    # once, at no measurable cost here (bench/notes.md, third and thirteenth passes).
    # (Arrow's bundled jemalloc is told to start no thread as pyarrow is imported above,
    # ``native_threads.py``.)
    pyarrow.set_memory_pool(pyarrow.system_memory_pool())

__all__ = [
    "SCHEMA_VERSION",
    "TABLES",
    "FrameNights",
    "History",
    "Rollup",
    "StaleData",
    "build_rollup",
    "export_tables",
    "load_history",
    "write_rollup_xlsx",
]


def __getattr__(name: str) -> Any:
    """``export_tables``, imported when first asked for: its ``pyarrow.parquet`` (with
    pyarrow's file systems and ``ssl``, ~30 ms of CPU) is no part of a night that only
    writes the company workbook (bench/notes.md, twenty-ninth pass)."""
    if name == "export_tables":
        from sheets_sync.rollup.export import export_tables

        return export_tables
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    """``dir()`` lists ``export_tables`` as ``__all__`` does, though it is imported late."""
    return sorted({*globals(), "export_tables"})


def build_rollup(
    runs: Sequence[TeamRun],
    context: RunContext,
    previous: Path | PreviousReader | None = None,
    history: History | None = None,
) -> Rollup:
    """All rollup tables for ``runs``; teams that failed get their last good rows from
    ``previous`` (last night's rollup workbook, or a reader of a Google rollup's, called
    only when some team failed), flagged ``Stale data``, never dropped.
    ``history`` (past nights' snapshots) adds the History and Trends tabs. Rows of
    another period than ``context``'s are not carried (a new quarter's first nights)."""
    runs = storable_runs(runs)  # no text pandas cannot hold (a library caller's names)
    failed = [r.team for r in first_listings(runs)[0] if not r.scored]  # a team: its first
    if callable(previous):
        stale = previous(failed, context.period.name) if failed else {}
    else:
        stale = load_previous(previous, failed, context.period.name)
    return replace(build_tables(runs, context, stale), history=history)
