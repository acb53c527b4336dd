"""The bulk cells' XML as Arrow string arrays, a column's cells made from the texts of its
distinct values (``bulk.py``): no Python string a cell.

A column is encoded once, at its first chunk: each of its distinct values (a float64's
numbers, an Arrow text column's strings, a boolean's three states), under each style its
rows use, gets the text of its cell after the row number (``" s="3"><v>0.25</v></c>``),
made once by ``cellxml``'s own functions (``number_text``, ``escape``), null for a
blank; a row holds its code. A chunk of the column is then ``take`` of those tails and a
join with the row numbers, and a chunk of rows is a join of its columns' arrays, its
``<row>`` elements one array whose data buffer is the chunk's XML. Any other column (an
``auto`` column's mix of numbers and words, an Int64's ints, a list) is rendered by
``cellxml``'s renderers a chunk at a time and only joined here. The text is
``cellxml``'s, byte for byte (tests/rollup/test_arrowcells.py checks it value by value).

Measured 2026-12-07 (a 500-team first night, CPU, 8 interleaved rounds): the splice of
the long tables 0.49 -> 0.42 s (its Arrow text columns 83 -> 57 ms, float64 85 -> 67,
booleans 8 -> 4); Arrow's join of a few parts costs ~50 ns a row and ``take`` ~15, where
a cell's f-string cost ~250 ns. Arrow's kernels a cell without the encoding (a regex and
a join over every row) were slower than the f-strings (83 -> 132 ms for the texts).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, cast

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from sheets_sync.rollup.cellxml import (
    RENDERERS,
    Values,
    _arrow_text,
    escape,
    number_text,
    python_values,
    style_attr,
)

STR = pa.string()
_EMPTY = pa.scalar("", STR)


def row_numbers(start: int, stop: int) -> pa.Array:
    """Rows ``start..stop-1`` as text (as ``str`` writes them)."""
    return pa.array(np.arange(start, stop, dtype=np.int64)).cast(STR)


def _s(text: str) -> pa.Scalar:
    return pa.scalar(text, STR)


@dataclass(frozen=True)
class Encoded:
    """A column as codes: ``tails[codes[i]]`` is row i's cell after its row number. The
    codes are of the narrowest unsigned type (a byte or two a row, as against 8 of an
    index), all of a sheet's columns being held while it is written."""

    tails: pa.Array
    codes: np.ndarray

    @classmethod
    def of(cls, tails: Sequence[str | None], codes: np.ndarray) -> Encoded:
        narrow = codes.astype(np.min_scalar_type(max(0, len(tails) - 1)), copy=False)
        return cls(pa.array(tails, STR), narrow.reshape(-1))

    def cells(self, letters: str, nums: pa.Array, i: int, j: int) -> pa.Array:
        """The cells of rows ``i..j-1`` (null for a blank), in rows ``nums``."""
        tails = self.tails.take(self.codes[i:j])
        return pc.binary_join_element_wise(_s(f'<c r="{letters}'), nums, tails, _EMPTY)


def _styled(
    values: Sequence[str | None],
    codes: np.ndarray,
    styles: Sequence[int] | int,
    tail: Callable[[str, str], str],
) -> Encoded:
    """``values`` (a distinct value's text, None for a blank) under each row's style:
    ``tail(style attribute, text)`` once a distinct pair."""
    if isinstance(styles, int):
        attr = style_attr(styles)
        return Encoded.of([None if v is None else tail(attr, v) for v in values], codes)
    by_row = np.asarray(styles, dtype=np.int64)
    distinct, style_codes = np.unique(by_row, return_inverse=True)
    pairs, codes = np.unique(style_codes.reshape(-1) * len(values) + codes, return_inverse=True)
    attrs = [style_attr(s) for s in distinct.tolist()]
    tails = [
        None if (v := values[p % len(values)]) is None else tail(attrs[p // len(values)], v)
        for p in pairs.tolist()
    ]
    return Encoded.of(tails, codes)


def _number_tail(attr: str, text: str) -> str:
    return f'"{attr}><v>{text}</v></c>'


def _text_tail(attr: str, text: str) -> str:
    return f'"{attr} t="inlineStr"><is><t xml:space="preserve">{text}</t></is></c>'


def _bool_tail(attr: str, text: str) -> str:
    return f'"{attr} t="b"><v>{text}</v></c>'


def encode(kind: str, values: Values, styles: Sequence[int] | int) -> Encoded | None:
    """``values`` encoded (``Encoded``), or None for a column ``cellxml`` renders."""
    dtype = getattr(values, "dtype", None)
    if kind == "number" and dtype == np.float64:
        numbers = np.asarray(values)  # a float64 Series' own array (not Int64's)
        distinct, codes = np.unique(numbers, return_inverse=True)
        texts = [number_text(v) if v - v == 0 else None for v in distinct.tolist()]
        return _styled(texts, codes.reshape(-1), styles, _number_tail)
    if kind == "text" and isinstance(values, pd.Series) and _arrow_text(values.dtype):
        arrow = cast(Any, values.array).__arrow_array__()  # its own: no copy
        whole = arrow.combine_chunks() if isinstance(arrow, pa.ChunkedArray) else arrow
        encoded = pc.dictionary_encode(whole.cast(STR))
        words: list[str | None] = [escape(v) or None for v in encoded.dictionary.to_pylist()]
        blank = len(words)  # a missing value's code
        index = encoded.indices.fill_null(blank).to_numpy(zero_copy_only=False)
        return _styled([*words, None], index.astype(np.intp), styles, _text_tail)
    if kind == "bool" and isinstance(values, pd.Series) and isinstance(dtype, pd.BooleanDtype):
        truth = values.to_numpy(dtype=np.int8, na_value=2).astype(np.intp)
        return _styled(["0", "1", None], truth, styles, _bool_tail)
    return None


def python_cells(
    kind: str,
    letters: str,
    numbers: Sequence[str],
    values: Values,
    styles: Sequence[int] | int,
    i: int,
    j: int,
) -> pa.Array:
    """``cellxml``'s renderer of ``kind`` over ``values[i:j]``, its texts as an array."""
    attrs: Any
    if isinstance(styles, int):
        attrs = [style_attr(styles)] * (j - i)
    else:
        names = {s: style_attr(s) for s in set(styles[i:j])}
        attrs = [names[s] for s in styles[i:j]]
    chunk = python_values(values, i, j)
    return pa.array(RENDERERS[kind](letters, numbers, chunk, attrs), STR)


def pad(cells: pa.Array, before: int, after: int) -> pa.Array:
    """``cells`` with ``before`` and ``after`` blanks (nulls) around them."""
    if not before and not after:
        return cells
    return pa.concat_arrays([pa.nulls(before, STR), cells, pa.nulls(after, STR)])


def join_cells(spans: Sequence[pa.Array]) -> pa.Array:
    """Each row's cells of ``spans`` (left to right), a blank as ""."""
    return pc.binary_join_element_wise(*spans, _EMPTY, null_handling="replace")


def rows_xml(nums: pa.Array, cells: pa.Array, attrs: pa.Array | None) -> bytes:
    """The ``<row>`` elements of the rows with cells or attributes, as one text."""
    if attrs is None:
        keep = pc.not_equal(cells, _EMPTY)
        xml = pc.binary_join_element_wise(
            _s('<row r="'), nums, _s('">'), cells, _s("</row>"), _EMPTY
        )
    else:
        keep = pc.or_(pc.not_equal(cells, _EMPTY), pc.not_equal(attrs, _EMPTY))
        parts = (_s('<row r="'), nums, _s('"'), attrs, _s(">"), cells, _s("</row>"))
        xml = pc.binary_join_element_wise(*parts, _EMPTY)
    return data(xml.filter(keep))


def data(texts: pa.Array) -> bytes:
    """The texts (no nulls) one after the other: the array's data buffer."""
    if not len(texts):
        return b""
    _, offsets, values = texts.buffers()
    ends = np.frombuffer(offsets, dtype=np.int32)[texts.offset : texts.offset + len(texts) + 1]
    return cast(bytes, values[int(ends[0]) : int(ends[-1])].to_pybytes())
