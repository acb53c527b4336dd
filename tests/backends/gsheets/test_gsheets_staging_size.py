"""Whether a rollup fits in one batch is told without building the batch's JSON whole
(``staging.fits``): the History tab of 2,000 teams is some 150 MB of JSON, held twice
more for a moment when sized whole (its text, then its bytes)."""

from __future__ import annotations

import tracemalloc
from typing import Any

from sheets_sync.backends.gsheets import staging
from sheets_sync.backends.gsheets.rollup import cell


def _batch(rows: int) -> list[dict[str, Any]]:
    row = [cell(f"Key result {n} of team 7 ✓ 🚀") for n in range(8)] + [cell(0.25, "0.00")]
    cells = {"range": staging.grid(7, rows, 9), "rows": [{"values": row}] * rows}
    return [
        {"addSheet": {"properties": {"sheetId": 7, "title": "History"}}},
        {"updateCells": {**cells, "fields": staging.FIELDS}},
        {"updateCells": {"range": staging.grid(8, 0, 1), "rows": [], "fields": staging.FIELDS}},
        {"deleteSheet": {"sheetId": 9}},
    ]


def test_fits_is_the_size_of_the_batch_sent() -> None:
    for rows in (0, 1, 3):
        batch = _batch(rows)
        exact = staging.size({"requests": batch})
        assert [staging.fits(batch, exact + d) for d in (-1, 0, 1)] == [False, True, True]


def test_fits_never_builds_the_batch_whole() -> None:
    batch = _batch(8_000)
    whole = staging.size({"requests": batch})
    tracemalloc.start()
    try:
        start = tracemalloc.get_traced_memory()[0]
        tracemalloc.reset_peak()
        assert not staging.fits(batch, whole // 2)
        assert staging.fits(batch, whole)
        peak = tracemalloc.get_traced_memory()[1] - start
    finally:
        tracemalloc.stop()
    assert whole > 4_000_000 and peak < whole // 20, (peak, whole)


def test_fits_takes_requests_made_as_they_are_asked_for() -> None:
    batch = _batch(3)
    exact = staging.size({"requests": batch})
    assert staging.fits(iter(batch), exact) and not staging.fits(iter(batch), exact - 1)
    empty = staging.size({"requests": []})
    assert staging.fits([], empty) and not staging.fits([], empty - 1)
