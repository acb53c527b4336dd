"""The bulk cells made through Arrow (``arrowcells``: a column encoded once, its cells a
``take`` of its distinct values' texts) are ``cellxml``'s general path's cells, value by
value and byte for byte: floats at their edges (-0.0, NaN, the infinities, subnormals,
huge and tiny exponents, integers about 2**53), texts that need escaping, blanks, per-row
styles, any window of rows."""

from __future__ import annotations

import itertools
import math
import sys
from collections.abc import Sequence

import pandas as pd
import pyarrow as pa
from hypothesis import given, settings
from hypothesis import strategies as st

from sheets_sync.rollup import arrowcells
from sheets_sync.rollup.bulk import _Column, _Levels, _Sheet
from sheets_sync.rollup.cellxml import _cell, style_attr

EDGE = [0.0, -0.0, 1.0, -1.0, 0.5, 0.1, 0.15000000000000002, 1 / 3, 1e-4, 9.999999999999999e-5,
        1e-5, 1e15, 1e16, 1e16 + 2, 1e17, 1e22, 1e23, 2.0**53, 2.0**53 - 1, 2.0**53 + 2,
        -(2.0**53), 5e-324, 2.2250738585072014e-308, sys.float_info.max, -sys.float_info.max,
        math.nan, math.inf, -math.inf, 46363.070023148146, 45884.0, 99.99,
        123456789.125]  # fmt: skip
TEXTS = ["a", "", "b<&>", "_x0041_", "_x", "x_x00", "\x01", "\x1f", "\t\n", "é", "\ufffe",
         "\uffff", "Team 7", "{0}", "%s", '"quoted"', "日本"]  # fmt: skip

floats = st.one_of(st.sampled_from(EDGE), st.floats(allow_nan=True, allow_infinity=True))
texts = st.one_of(st.none(), st.sampled_from(TEXTS), st.text(max_size=12))


def _expected(kind: str, values: Sequence[object], styles: list[int], first: int) -> list[str]:
    rows = [str(r) for r in range(first, first + len(values))]
    return [
        _cell("AB", r, v, style_attr(s), kind) for r, v, s in zip(rows, values, styles, strict=True)
    ]


def _rendered(column: _Column, start: int, stop: int) -> list[str]:
    return column.render(start, stop, [str(r) for r in range(start, stop)])


def _check(
    kind: str,
    values: pd.Series,
    pylist: Sequence[object],
    styles: list[int] | int,
    data: st.DataObject,
) -> None:
    n = len(pylist)
    per_row = [styles] * n if isinstance(styles, int) else styles
    column = _Column(27, "AB", 5, values, kind, styles)
    expected = _expected(kind, pylist, per_row, 5)
    # the column in windows of rows (the chunks of a sheet), reusing its encoding
    cut = sorted(data.draw(st.lists(st.integers(0, n), max_size=3)))
    edges = [0, *cut, n]
    got: list[str] = []
    for a, b in itertools.pairwise(edges):
        got += _rendered(column, 5 + a, 5 + b)
    assert got == expected


@settings(max_examples=150, deadline=None)
@given(st.lists(floats, min_size=1, max_size=60), st.data())
def test_float_columns_are_the_general_paths_cells(
    values: list[float], data: st.DataObject
) -> None:
    styles = data.draw(
        st.one_of(
            st.integers(0, 4),
            st.lists(st.integers(0, 3), min_size=len(values), max_size=len(values)),
        )
    )
    series = pd.Series(values, dtype="float64", index=range(7, 7 + len(values)))
    _check("number", series, values, styles, data)
    _check("number", series.to_numpy(), values, styles, data)  # type: ignore[arg-type]


@settings(max_examples=150, deadline=None)
@given(
    st.lists(texts, min_size=1, max_size=60), st.sampled_from(["str", "string[pyarrow]"]), st.data()
)
def test_text_columns_are_the_general_paths_cells(
    values: list[str | None], dtype: str, data: st.DataObject
) -> None:
    styles = data.draw(
        st.one_of(
            st.integers(0, 4),
            st.lists(st.integers(0, 3), min_size=len(values), max_size=len(values)),
        )
    )
    series = pd.Series(values, dtype=dtype)
    _check("text", series, values, styles, data)


def test_a_text_column_of_several_arrow_chunks() -> None:
    series = pd.concat(
        [pd.Series(["x", "<y>"], dtype="str"), pd.Series([None, "x", ""], dtype="str")],
        ignore_index=True,
    )
    assert _rendered(_Column(0, "A", 2, series, "text", 1), 2, 7) == [
        '<c r="A2" s="1" t="inlineStr"><is><t xml:space="preserve">x</t></is></c>',
        '<c r="A3" s="1" t="inlineStr"><is><t xml:space="preserve">&lt;y&gt;</t></is></c>',
        "",
        '<c r="A5" s="1" t="inlineStr"><is><t xml:space="preserve">x</t></is></c>',
        "",
    ]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.one_of(st.none(), st.booleans()), min_size=1, max_size=40), st.data())
def test_bool_columns_are_the_general_paths_cells(
    values: list[bool | None], data: st.DataObject
) -> None:
    styles = data.draw(
        st.one_of(
            st.integers(0, 2),
            st.lists(st.integers(0, 2), min_size=len(values), max_size=len(values)),
        )
    )
    _check("bool", pd.Series(values, dtype="boolean"), values, styles, data)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.one_of(st.none(), st.integers(-(2**62), 2**62)), min_size=1, max_size=40), st.data()
)
def test_int64_columns_with_gaps_are_the_general_paths_cells(
    values: list[int | None], data: st.DataObject
) -> None:
    _check("number", pd.Series(values, dtype="Int64"), values, 3, data)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.one_of(st.none(), floats, st.sampled_from(TEXTS), st.booleans()), min_size=1, max_size=40
    ),
    st.data(),
)
def test_auto_and_object_columns_are_the_general_paths_cells(
    values: list[object], data: st.DataObject
) -> None:
    _check("auto", pd.Series(values, dtype=object), values, 2, data)
    _check("auto", values, values, 0, data)  # type: ignore[arg-type]  # a plain list


def test_the_joined_text_of_a_sliced_array_is_its_own() -> None:
    array = pa.array(["ab", "c", "", "def", "g"])
    assert arrowcells.data(array.slice(1, 3)) == b"cdef"
    assert arrowcells.data(array.slice(2, 0)) == b""


def test_a_sheet_of_columns_and_levels_is_the_rows_of_its_cells() -> None:
    """Rows with a level and no cells stay (their outline); rows with neither go."""
    sheet = _Sheet()
    sheet.columns.append(
        _Column(0, "A", 2, pd.Series(["x", None, "", "y"], dtype="str"), "text", 0)
    )
    sheet.columns.append(_Column(1, "B", 3, pd.Series([1.5, math.nan]), "number", 4))
    sheet.levels.append(_Levels(2, [0, 0, 2, 0, 1]))
    xml = b"".join(sheet.rows(2, 6, chunk=2)).decode()
    assert xml == (
        '<row r="2"><c r="A2" t="inlineStr"><is><t xml:space="preserve">x</t></is></c></row>'
        '<row r="3"><c r="B3" s="4"><v>1.5</v></c></row>'
        '<row r="4" outlineLevel="2"></row>'
        '<row r="5"><c r="A5" t="inlineStr"><is><t xml:space="preserve">y</t></is></c></row>'
        '<row r="6" outlineLevel="1"></row>'
    )
