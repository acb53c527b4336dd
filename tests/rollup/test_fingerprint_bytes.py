"""The rollup's fingerprint hashes each column as the bytes it is held in (Arrow text, NumPy
values, masked values), not through a Python object a cell (``hash_pandas_object``): the
same tables give the same digest however their columns are chunked, and any one cell
changed, blanked or moved between two cells gives another."""

from __future__ import annotations

import dataclasses
import hashlib
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pytest

from sheets_sync.rollup import build_rollup
from sheets_sync.rollup import fingerprint as fp
from sheets_sync.rollup.tables import Rollup
from tests.rollup.fixtures import context, runs


@pytest.fixture(scope="module")
def rollup() -> Rollup:
    return build_rollup(runs(finance_fails=False), context())


def _with(rollup: Rollup, table: str, frame: pd.DataFrame) -> Rollup:
    fields: dict[str, pd.DataFrame] = {table: frame}
    return dataclasses.replace(rollup, **fields)  # type: ignore[arg-type]


def _other(value: object, dtype: object) -> object:
    """A value of the column's kind other than ``value``."""
    if value is None or value is pd.NA or value is pd.NaT or value != value:
        return {"string": "x", "float64": 1.5, "Int64": 3, "boolean": True}.get(
            str(dtype), pd.Timestamp("2026-01-02")
        )
    if isinstance(value, str):
        return value + "x"
    if isinstance(value, (bool,)) or str(dtype) == "boolean":
        return not value
    if isinstance(value, pd.Timestamp):
        return value + pd.Timedelta(days=1)
    return value + 1  # type: ignore[operator]


def test_the_schemas_dtypes_are_hashed_without_pandas_hashing(
    rollup: Rollup, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every column of every table is one of the kinds hashed as bytes (until 2026-12-07
    each text went through ``hash_pandas_object``: 70 ms of a 500-team night)."""

    def refuse(*_: object, **__: object) -> None:
        raise AssertionError("hash_pandas_object called")

    monkeypatch.setattr(pd.util, "hash_pandas_object", refuse)
    assert len(fp.rollup_fingerprint(rollup)) == 64


def test_every_cell_counts(rollup: Rollup) -> None:
    """One cell changed or blanked, in any column of any table, changes the digest."""
    base = fp.rollup_fingerprint(rollup)
    seen = 0
    for table, frame in rollup.tables.items():
        for column in frame.columns:
            if column in (fp.RUN_TIME_COLUMN, "Outcome") or not len(frame):
                continue
            col = frame[column]
            row = len(frame) // 2
            value = col.iloc[row]
            for new in (_other(value, col.dtype), None):
                if new is None and bool(pd.isna(col).iloc[row]):
                    continue
                values = col.copy()
                values.iloc[row] = new
                changed = frame.assign(**{column: values.astype(col.dtype)})
                assert fp.rollup_fingerprint(_with(rollup, table, changed)) != base, (
                    table, column, value, new,
                )  # fmt: skip
                seen += 1
    assert seen > 100


def test_text_moved_between_cells_or_blank_against_empty_counts(rollup: Rollup) -> None:
    frame = rollup.objectives
    base = fp.rollup_fingerprint(rollup)
    title = frame["Title"].astype(object).tolist()
    one, two = title[0], title[1]
    moved = [one + two[:1], two[1:], *title[2:]]  # the same bytes, split elsewhere
    blank = [None, *title[1:]]
    empty = ["", *title[1:]]
    digests = {base}
    for values in (moved, blank, empty):
        changed = frame.assign(Title=pd.Series(values, dtype=frame["Title"].dtype))
        digests.add(fp.rollup_fingerprint(_with(rollup, "objectives", changed)))
    assert len(digests) == 4


def test_chunks_and_slices_give_the_same_digest(rollup: Rollup) -> None:
    """A column held in several Arrow chunks, or a slice of a bigger array, is the same
    column: the same digest."""
    frame = rollup.key_results
    base = fp.rollup_fingerprint(rollup)
    half = len(frame) // 2
    assert half > 0
    chunked = pd.concat([frame.iloc[:half], frame.iloc[half:]], ignore_index=True)
    assert fp.rollup_fingerprint(_with(rollup, "key_results", chunked)) == base
    text = frame["Description"]
    wider = pa.chunked_array([pa.array(["ahead", *text.astype(object), "behind"],
                                       type=pa.large_string()).slice(1, len(text))])  # fmt: skip
    sliced = frame.assign(Description=pd.Series(pd.arrays.ArrowStringArray(wider)))
    assert sliced["Description"].dtype == text.dtype
    assert fp.rollup_fingerprint(_with(rollup, "key_results", sliced)) == base


def _text(array: pa.Array) -> pd.Series:
    return pd.Series(pd.arrays.ArrowStringArray(pa.chunked_array([array])))


def test_bytes_under_a_null_text_do_not_count() -> None:
    """A null text's slot may span bytes (``pc.if_else`` leaves the other side's there):
    equal columns, the same digest; a null still differs from an empty text."""
    clean = pa.array(["ab", None, "c"], type=pa.large_string())
    offsets = pa.py_buffer(np.array([0, 2, 5, 6], dtype=np.int64).tobytes())
    spanning = pa.LargeStringArray.from_buffers(
        3, offsets, pa.py_buffer(b"abXYZc"), clean.buffers()[0], 1
    )
    kept = pc.if_else(pa.array([True, False, True]),
                      pa.array(["ab", "XYZ", "c"], type=pa.large_string()), None)  # fmt: skip
    assert spanning.to_pylist() == kept.to_pylist() == clean.to_pylist()

    def digest(array: pa.Array) -> str:
        d = hashlib.sha256()
        fp._frame_digest(d, "t", pd.DataFrame({"c": _text(array)}), pd.Timestamp(0))
        return d.hexdigest()

    assert digest(spanning) == digest(kept) == digest(clean)
    empty = pa.array(["ab", "", "c"], type=pa.large_string())
    assert digest(empty) != digest(clean)


def test_negative_zero_is_zero() -> None:
    """The workbook writes -0.0 and 0.0 alike (``0``): the same digest; NaNs of any
    payload one NaN."""

    def digest(values: list[float]) -> str:
        d = hashlib.sha256()
        frame = pd.DataFrame({"n": pd.Series(values, dtype="float64")})
        fp._frame_digest(d, "t", frame, pd.Timestamp(0))
        return d.hexdigest()

    assert digest([-0.0, 1.0, float("nan")]) == digest([0.0, 1.0, -float("nan")])
    assert digest([0.0, 1.0]) != digest([1.0, 0.0])
    assert digest([0.0]) != digest([float("nan")])


@pytest.mark.parametrize("dtype", ["Int8", "Int64", "UInt32", "Float32", "Float64", "boolean"])
def test_masked_columns_are_hashed_as_bytes(dtype: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every masked dtype (told by pandas' public array classes) is hashed as its mask and
    values, not by pandas: a blank differs from 0, the value under it does not count."""

    def refuse(*_: object, **__: object) -> None:
        raise AssertionError("hash_pandas_object called")

    monkeypatch.setattr(pd.util, "hash_pandas_object", refuse)

    def digest(values: object) -> str:
        d = hashlib.sha256()
        frame = pd.DataFrame({"n": pd.Series(values, dtype=dtype)})
        fp._frame_digest(d, "t", frame, pd.Timestamp(0))
        return d.hexdigest()

    blank: Any = pd.Series([None, 1], dtype=dtype).array
    held = np.array([7, 1]).astype(blank.dtype.numpy_dtype)
    under = type(blank)(held, np.array([True, False]))  # 7 (True) under the mask
    assert under.tolist() == blank.tolist()
    assert digest(blank) == digest(under)
    assert digest(blank) != digest([0, 1])


def _masked_digest(dtype: str, values: list[float], mask: list[bool]) -> str:
    """The digest of a frame of one masked float column (``dtype``) of ``values``."""
    width = np.float32 if dtype == "Float32" else np.float64
    array = pd.arrays.FloatingArray(np.array(values, dtype=width), np.array(mask))
    d = hashlib.sha256()
    fp._frame_digest(d, "t", pd.DataFrame({"n": pd.Series(array)}), pd.Timestamp(0))
    return d.hexdigest()


@pytest.mark.parametrize("dtype", ["Float32", "Float64"])
def test_a_masked_floats_negative_zero_is_zero(dtype: str) -> None:
    """A masked float column (no schema column is one) hashes -0.0 as 0.0 and any NaN held
    unmasked (0/0 in a ``Float64``) alike (as masked: ``test_a_masked_floats_nan_is_its_na``),
    as a float64 column does: until 2026-12-07 its bytes went in as they were."""

    def digest(values: list[float], mask: list[bool]) -> str:
        return _masked_digest(dtype, values, mask)

    keep = [False, False, False]
    nan, other_nan = float("nan"), -float("nan")
    assert digest([-0.0, 1.0, nan], keep) == digest([0.0, 1.0, other_nan], keep)
    assert digest([0.0, 1.0, 2.0], keep) != digest([1.0, 0.0, 2.0], keep)
    assert digest([0.0, 1.0, 2.0], keep) != digest([nan, 1.0, 2.0], keep)
    assert digest([0.0, 1.0, 2.0], [True, False, False]) != digest([0.0, 1.0, 2.0], keep)


@pytest.mark.parametrize("dtype", ["Float32", "Float64"])
def test_a_masked_floats_nan_is_its_na(dtype: str) -> None:
    """A NaN held unmasked in a masked float column and an NA (the mask) both show a blank
    cell (``workbook._cell_writer``, ``cellxml._blank``): the same digest, whatever the
    value under the mask; until 2026-12-07 they hashed apart (a needless rewrite)."""

    def digest(values: list[float], mask: list[bool]) -> str:
        return _masked_digest(dtype, values, mask)

    keep, nan = [False, False, False], float("nan")
    blank = digest([nan, 1.0, -nan], keep)
    assert blank == digest([0.0, 1.0, 7.0], [True, False, True])
    assert blank == digest([nan, 1.0, 0.0], [False, False, True])
    assert blank != digest([0.0, 1.0, 0.0], keep)  # a 0 is not a blank
    assert blank != digest([nan, 2.0, nan], keep)
