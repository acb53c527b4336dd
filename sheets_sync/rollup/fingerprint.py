"""Skip rewriting a company workbook whose content would not change.

Rewriting the rollup is most of a quiet night's work (hundreds of thousands of cells),
and a re-run on the same day with no team edits would produce the same tables again.
A fingerprint of the tables (all columns, with this run's own timestamp masked out; for
the History and Trends tabs, their ``History.identity``: which snapshots, recorded when)
and the sha256 of the file written are kept in the workspace state folder; the next run
leaves the workbook alone only when both match: the same content, and nobody replaced or
edited the file since. The workbook's ``Last successful read`` (and ``Outcome``, which says
ok for ok and unchanged alike, but not in workbooks written before 2026-12-04) then
describe the run that wrote it; each run's own report is in
``.sheets-sync/runs/``. Everything else (a changed team, a new date, a schema change, a
hand-edited or deleted workbook) rewrites it, and so does new code: the fingerprint is
seeded with ``code_version.code_digest()``, as the inputs' digest is, because a fix to the
layout (a column width, a chart) changes the file but not the tables, and an upgrade's
first same-day re-run said ``rollup unchanged`` and kept the old-looking workbook. New
code rewrites the workbook once; the nights after it (the same code) skip again.
What was written is kept by ``sync/rollup_state.py``, which can also skip building the
tables (this module needs pandas; that one does not).
"""

from __future__ import annotations

import hashlib

import pandas as pd

from sheets_sync import code_version
from sheets_sync.rollup.schema import SCHEMA_VERSION
from sheets_sync.rollup.tables import Rollup
from sheets_sync.sync.rollup_state import SYNCED
from sheets_sync.sync.team_rows import naive

RUN_TIME_COLUMN = "Last successful read"  # equals the run's own clock for every fresh row


def _frame_digest(digest: hashlib._Hash, name: str, frame: pd.DataFrame, now: object) -> None:
    if RUN_TIME_COLUMN in frame.columns:
        column = frame[RUN_TIME_COLUMN]
        frame = frame.assign(**{RUN_TIME_COLUMN: column.where(column != now)})
    if "Outcome" in frame.columns:
        frame = frame.assign(Outcome=frame["Outcome"].replace(SYNCED))
    digest.update(f"\x00{name}\x00{list(frame.columns)!r}\x00{len(frame)}".encode())
    if len(frame):
        hashed = pd.util.hash_pandas_object(frame, index=False, categorize=False)
        digest.update(hashed.to_numpy().tobytes())


def rollup_fingerprint(rollup: Rollup) -> str:
    """A digest of everything the workbook shows except when it was generated, and of the
    code that lays it out (``code_version.code_digest``)."""
    ctx = rollup.context
    now = pd.Timestamp(naive(ctx.generated_at))
    seed = f"{code_version.code_digest()}\x00{SCHEMA_VERSION}\x00{ctx.company}\x00{ctx.as_of}"
    digest = hashlib.sha256(seed.encode())
    digest.update(repr((ctx.period, ctx.company_objectives, ctx.rules)).encode())
    for name, frame in rollup.tables.items():
        _frame_digest(digest, name, frame, now)
    if rollup.history is not None:  # its rows are not in memory: what identifies them
        digest.update(b"\x00history\x00" + rollup.history.identity)
    return digest.hexdigest()
