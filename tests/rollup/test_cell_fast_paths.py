"""The bulk renderers' fast paths give the general path's cells, byte for byte
(bench/notes.md, twenty-ninth pass): a float64 column's texts made once a distinct value,
an Arrow text column's values read from its Arrow array."""

from __future__ import annotations

import math
from itertools import repeat

import numpy as np
import pandas as pd
import pytest

from sheets_sync.rollup.bulk import _Column
from sheets_sync.rollup.cellxml import _numbers, _texts, float_numbers, number_texts, python_values

ODD = [0.0, -0.0, 2.0, -3.0, 0.5, 0.15000000000000002, 1 / 3, -2 / 3, 1e-5, 1.5e-4, 1e9 + 0.5,
       1e16, 2.0**53, -(2.0**53), 2.0**53 - 1, 5e-324, 1.7976931348623157e308, math.nan,
       math.inf, -math.inf, 46363.070023148146, 45884.0, 99.99]  # fmt: skip


def _rows(n: int) -> list[str]:
    return [str(r) for r in range(2, n + 2)]


def test_float_numbers_are_the_general_paths_cells() -> None:
    rng = np.random.default_rng(29)
    values = np.array(
        ODD * 3
        + rng.integers(-500, 500, 400).astype(float).tolist()
        + np.round(rng.random(400), 3).tolist()
        + (10 ** rng.uniform(-8, 20, 400)).tolist()
    )
    rng.shuffle(values)
    styles = [' s="3"' if i % 3 else "" for i in range(len(values))]
    rows = _rows(len(values))
    assert float_numbers("AB", rows, values, styles) == _numbers(
        "AB", rows, values.tolist(), styles
    )


def test_number_texts_blank_for_nan_and_infinities() -> None:
    values = np.array([math.nan, 1.0, math.inf, -math.inf, 1.0, -0.0])
    assert number_texts(values) == [None, "1", None, None, "1", "0"]
    assert number_texts(np.array([], dtype=np.float64)) == []


def test_a_float64_series_column_renders_as_its_values_one_by_one() -> None:
    """``_Column`` takes the fast path for a float64 Series (a slice of a frame, its own
    index) and an array; an Int64 column with gaps renders the same cells (which path it
    took is not told apart here: pandas may hand it over as float64 with NaN)."""
    values = pd.Series(ODD * 2, index=range(100, 100 + 2 * len(ODD)))
    rows = _rows(len(values))
    expected = _numbers("C", rows, values.tolist(), repeat(' s="2"'))
    for column in (values, values.to_numpy()):
        cells = _Column(2, "C", 2, column, "number", 2).render(2, 2 + len(values), rows)
        assert cells == expected
    counts = pd.Series([1, None, 3], dtype="Int64")
    cells = _Column(2, "C", 2, counts, "number", 0).render(2, 5, _rows(3))
    assert cells == ['<c r="C2"><v>1</v></c>', "", '<c r="C4"><v>3</v></c>']


@pytest.mark.parametrize("dtype", ["str", "string", "string[python]", object])
def test_text_values_from_arrow_render_as_through_pandas(dtype: object) -> None:
    texts = ["a", None, "b<&>", "", "_x0041_", "\x01", "é", math.nan, "Team 7"] * 3
    series = pd.Series(texts, dtype=dtype)  # type: ignore[call-overload]
    rows = _rows(len(series))
    for start, stop in ((0, len(series)), (3, 11), (5, 6)):
        through_pandas = series.iloc[start:stop].tolist()
        fast = python_values(series, start, stop)
        assert len(fast) == stop - start
        styles = [' s="1"'] * (stop - start)
        window = rows[start:stop]
        assert _texts("B", window, fast, styles) == _texts("B", window, through_pandas, styles)


def test_text_values_of_a_series_of_several_arrow_chunks() -> None:
    series = pd.concat(
        [pd.Series(["x", "y"], dtype="str"), pd.Series([None, "z"], dtype="str")],
        ignore_index=True,
    )
    assert python_values(series, 1, 4) == ["y", None, "z"]


def test_the_late_export_tables_is_listed_by_dir() -> None:
    import sheets_sync.rollup as rollup

    assert "export_tables" in dir(rollup)
    assert callable(rollup.export_tables)
