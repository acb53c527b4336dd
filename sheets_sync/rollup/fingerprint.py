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
from typing import Any, cast

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from pandas.api.types import is_datetime64_dtype
from pandas.arrays import ArrowStringArray, BooleanArray, FloatingArray, IntegerArray

from sheets_sync import code_version
from sheets_sync.rollup.schema import SCHEMA_VERSION
from sheets_sync.rollup.tables import Rollup
from sheets_sync.sync.rollup_state import SYNCED
from sheets_sync.sync.team_rows import naive

RUN_TIME_COLUMN = "Last successful read"  # equals the run's own clock for every fresh row
_MASKED = (IntegerArray, FloatingArray, BooleanArray)  # pandas' public masked arrays


def _frame_digest(digest: hashlib._Hash, name: str, frame: pd.DataFrame, now: object) -> None:
    if RUN_TIME_COLUMN in frame.columns:
        column = frame[RUN_TIME_COLUMN]
        frame = frame.assign(**{RUN_TIME_COLUMN: column.where(column != now)})
    if "Outcome" in frame.columns:
        frame = frame.assign(Outcome=frame["Outcome"].replace(SYNCED))
    digest.update(f"\x00{name}\x00{list(frame.columns)!r}\x00{len(frame)}".encode())
    if len(frame):
        for label in frame.columns:
            column = frame[label]
            digest.update(f"\x00{column.dtype}\x00".encode())
            for part in _column_bytes(column):
                digest.update(len(part).to_bytes(8, "little"))
                digest.update(part)


def _column_bytes(column: pd.Series) -> list[bytes | memoryview]:
    """What ``column`` holds, as the bytes it is already held in: Arrow text as its null
    mask, its values' lengths and their UTF-8 bytes (a null's none, whatever its slot
    spans); NumPy values (a NaN always the one NaN, -0.0 as 0.0: both show ``0``; the
    spliced cells write ``0``, xlsxwriter's ``-0``) and masked ones (the values under the
    mask as 0; a float NaN held unmasked, a blank cell as NA is, as masked) as their
    bytes. Until 2026-12-07 ``pd.util.hash_pandas_object`` hashed each text through a
    Python object: 70 ms of a 500-team night's CPU. For these kinds (all the schema's dtypes), equal
    columns give equal bytes and another value (-0.0 is 0.0's), length or blank other
    bytes; the dtype's name is hashed beside them (``_frame_digest``). A column of
    another kind (object, category, ...) is hashed by ``pd.util.hash_pandas_object`` as
    before, which promises less: in an object column 1 and '1', NaN and 'nan', None
    and 'None' hash alike."""
    values = column.array
    text_held = isinstance(values, ArrowStringArray)
    arrow: Any = cast(Any, values).__arrow_array__() if text_held else None  # no copy
    kind = None if arrow is None else arrow.type
    if kind is not None and (pa.types.is_string(kind) or pa.types.is_large_string(kind)):
        text = arrow.combine_chunks()  # its own: no copy when one chunk
        nulls = text.is_null().to_numpy(zero_copy_only=False)
        if text.null_count:  # a null's slot may span bytes (pc.if_else leaves them): none
            text = pc.fill_null(text, "")
        _, offsets, data = text.buffers()
        width = np.int64 if pa.types.is_large_string(kind) else np.int32
        where = np.frombuffer(offsets, dtype=width)[text.offset : text.offset + len(text) + 1]
        empty = data is None or not len(where)
        body = b"" if empty else memoryview(data)[int(where[0]) : int(where[-1])]
        return [np.packbits(nulls).tobytes(), np.diff(where).tobytes(), body]
    if isinstance(values, _MASKED):
        mask = column.isna().to_numpy()
        held = values.to_numpy(dtype=cast(Any, values.dtype).numpy_dtype, na_value=0)
        # Defensive: no schema column is Float32/Float64 (the float ones are float64,
        # below); a masked float column would hash -0.0 as 0.0 and a NaN held unmasked
        # (a blank cell, as NA is) as masked all the same.
        if isinstance(values, FloatingArray):
            blank = np.isnan(held)
            mask, held = mask | blank, _one_zero_one_nan(np.where(blank, held.dtype.type(0), held))
        return [np.packbits(mask).tobytes(), held.tobytes()]
    if column.dtype == "float64":
        return [_one_zero_one_nan(column.to_numpy()).tobytes()]
    if is_datetime64_dtype(column.dtype):
        return [column.to_numpy().tobytes()]  # NaT is one value
    hashed = pd.util.hash_pandas_object(column, index=False, categorize=False)
    return [hashed.to_numpy().tobytes()]


def _one_zero_one_nan(number: np.ndarray) -> np.ndarray:
    """``number`` (a float array) with -0.0 as 0.0 (both show ``0``) and every NaN, of any
    sign or payload, as the one NaN; of its own float width. Until 2026-12-07 a masked
    float column (``Float64``, which no schema column is) kept -0.0 and NaN payloads."""
    zero, nan = number.dtype.type(0), number.dtype.type(np.nan)
    number = np.where(number == 0, zero, number)
    return np.where(np.isnan(number), nan, number)


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
