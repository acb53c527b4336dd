"""``schema.conform`` casts a column of ``datetime.date`` values (and None) without parsing
each, and a numpy bool column without a trip through objects: the same values and dtype
as the general cast (``pd.to_datetime(..., format="mixed")``, ``astype("boolean")`` of
objects), across the whole range a due date can take."""

from __future__ import annotations

import datetime as dt
import warnings

import numpy as np
import pandas as pd
import pytest

from sheets_sync.rollup import schema
from sheets_sync.rollup.schema import Kind

EDGES = [
    dt.date(1, 1, 1), dt.date(1582, 10, 10), dt.date(1677, 1, 1), dt.date(1969, 12, 31),
    dt.date(1970, 1, 1), None, dt.date(2026, 3, 1), dt.date(2262, 5, 1), dt.date(9999, 12, 31),
]  # fmt: skip


def _parsed(series: pd.Series) -> pd.Series:
    """The general cast's dates (``schema._cast`` without the fast path)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        moments = pd.to_datetime(series.astype(object), errors="coerce", utc=True, format="mixed")
    return moments.dt.tz_localize(None).astype("datetime64[us]")


@pytest.mark.parametrize("kind", [Kind.DATE, Kind.DATETIME])
@pytest.mark.parametrize("values", [EDGES, [None, None], [dt.date(2026, 11, 20)] * 3, []])
def test_plain_dates_cast_as_parsed(kind: Kind, values: list[dt.date | None]) -> None:
    series = pd.Series(values, dtype=object, index=pd.RangeIndex(len(values)), name="Due date")
    assert schema._plain_dates(series) is not None
    cast = schema._cast(series, kind)
    pd.testing.assert_series_equal(cast, _parsed(series), check_exact=True)
    assert cast.dtype == "datetime64[us]"


@pytest.mark.parametrize(
    "other",
    [
        dt.datetime(2026, 3, 1, 10, 30),
        dt.datetime(2026, 3, 1, 23, 0, tzinfo=dt.timezone(dt.timedelta(hours=-5))),
        pd.Timestamp("2026-03-01 10:00"),
        "2026-03-01",
        float("nan"),
    ],
)
def test_anything_but_a_date_takes_the_general_cast(other: object) -> None:
    """A datetime (a date subclass, with a time and maybe a zone), a text or a NaN: parsed
    as before, with the dates beside it."""
    series = pd.Series([dt.date(2026, 2, 15), other, None], dtype=object)
    assert schema._plain_dates(series) is None
    pd.testing.assert_series_equal(
        schema._cast(series, Kind.DATETIME), _parsed(series), check_exact=True
    )


def test_a_numpy_bool_column_casts_as_objects_do() -> None:
    series = pd.Series(np.array([True, False, True]))
    general = series.astype(object).where(series.notna(), None).astype("boolean")
    pd.testing.assert_series_equal(schema._cast(series, Kind.FLAG), general, check_exact=True)
