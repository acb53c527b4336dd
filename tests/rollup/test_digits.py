"""digits.shown_array: numpy's answers are ``shown_float``'s, float for float."""

from __future__ import annotations

import math
import struct

import numpy as np
import pandas as pd

from sheets_sync.domain.shown import shown_float
from sheets_sync.rollup.digits import shown_array, shown_cells, shown_values


def _same(a: float, b: float) -> bool:
    """The same float: its bits (-0.0 is not 0.0), NaN as NaN."""
    return (math.isnan(a) and math.isnan(b)) or struct.pack("<d", a) == struct.pack("<d", b)


def _check(values: np.ndarray) -> int:
    got = shown_array(values).tolist()
    pairs = zip(values.tolist(), got, strict=True)
    bad = [(v, g) for v, g in pairs if not _same(g, shown_float(v))]
    assert bad[:5] == []
    return len(got)


def test_any_float_bits() -> None:
    rng = np.random.default_rng(7)
    bits = rng.integers(0, 2**64, size=200_000, dtype=np.uint64, endpoint=False)
    assert _check(bits.view(np.float64)) == 200_000


def test_scores_ratios_and_decimals_as_typed() -> None:
    rng = np.random.default_rng(8)
    ratios = [a / b for a in range(-60, 61) for b in range(1, 120)]
    typed = [float(f"{v:.{d}g}") for v in rng.random(20_000) for d in (2, 15, 16, 17)]
    magnitudes = rng.random(100_000) * 10.0 ** rng.integers(-12, 40, size=100_000)
    for values in (ratios, typed, magnitudes, -magnitudes, rng.random(100_000) / 3):
        _check(np.array(values, dtype=np.float64))


def test_edges() -> None:
    ties = [100000000000000.5, 100000000000001.5, 12345678901234.25, 999999999999999.5,
            0.5, 2.5, 1e15 + 0.5, 2.0**52 + 1, 2.0**53 - 1]  # fmt: skip
    powers = [s * 10.0**k * f for k in range(-330, 309) for f in (1.0, math.nextafter(1.0, 0), math.nextafter(1.0, 2)) for s in (1, -1)]  # fmt: skip  # noqa: E501
    edges = [0.0, -0.0, 1e-300, -1e-300, 1e300, -1e300, 5e-324, -5e-324, 2.2250738585072014e-308,
             1.7976931348623157e308, -1.7976931348623157e308, math.inf, -math.inf, math.nan,
             0.6000000000000001, 0.30000000000000004, 1.0, 3.0, -7.0, 12345.0, 2.0**60,
             9.999999999999999e22, 1e23, 9.9999999999999995e-9, 1e-8, 0.1 + 0.7]  # fmt: skip
    for values in (ties, [-t for t in ties], powers, edges, [t * 1e-20 for t in ties]):
        _check(np.array(values, dtype=np.float64))
    assert (
        shown_array(np.array([-0.0]))[0] == 0.0
        and math.copysign(1, shown_array(np.array([-0.0]))[0]) == 1
    )


def test_series_and_cells_keep_blanks() -> None:
    series = pd.Series([0.2 + 0.4, None, 1 / 3], index=[5, 6, 7], name="Score")
    shown = shown_values(series)
    assert shown.index.tolist() == [5, 6, 7] and shown.name == "Score"
    assert shown.iloc[0] == 0.6 and math.isnan(shown.iloc[1]) and shown.iloc[2] == 0.333333333333333
    assert shown_cells([0.2 + 0.4, None, 3]) == [0.6, None, 3.0]
    assert shown_cells([]) == []
