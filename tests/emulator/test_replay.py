"""Fidelity: replay gspread's recorded Google traffic against a fresh emulator per cassette."""

from __future__ import annotations

from pathlib import Path

import pytest

from sheets_sync.emulator.replay import CassetteResult, replay_all
from tests.support.shared import CASSETTES, needs_cassettes

#: every test here replays the cassettes: skipped without them, failed on CI
pytestmark = [pytest.mark.emulator, needs_cassettes]
# Measured: 120 of 124 cassettes replay identically (1928/2130 interactions).
IDENTICAL_FLOOR = 120
# Documented differences (docs/emulator.md); every other cassette must replay identically.
KNOWN_DIFFERENCES = {
    "ClientTest.test_import_csv": "Drive v2 upload answers a minimal file resource",
    "ClientTest.test_open_all_has_metadata": "the recording account held 31 other spreadsheets",
    "ClientTest.test_openall": "the recording account held 31 other spreadsheets",
    "WorksheetTest.test_auto_resize_columns": "autoResizeDimensions needs font metrics; no-op",
}


@pytest.fixture(scope="module")
def results() -> dict[str, CassetteResult]:
    return {r.name: r for r in replay_all(CASSETTES)}


def test_identical_floor(results: dict[str, CassetteResult]) -> None:
    identical = sum(r.ok for r in results.values())
    assert len(results) == len(list(Path(CASSETTES).glob("*.json")))
    assert identical >= IDENTICAL_FLOOR, f"{identical}/{len(results)} replay identically"


def test_every_cassette_identical_or_documented(results: dict[str, CassetteResult]) -> None:
    unexpected = {
        n: r.first_diff for n, r in results.items() if not r.ok and n not in KNOWN_DIFFERENCES
    }
    assert not unexpected, unexpected
    stale = [n for n in KNOWN_DIFFERENCES if n in results and results[n].ok]
    assert not stale, f"now identical, drop from KNOWN_DIFFERENCES: {stale}"


def test_product_endpoints_covered(results: dict[str, CassetteResult]) -> None:
    """The endpoints the product relies on appear in identically replayed cassettes."""
    product = {
        "values.batchGet",
        "spreadsheets.get",
        "spreadsheets.batchUpdate",
        "values.update",
        "drive.files.create",
        "drive.files.delete",
    }
    seen = set().union(*(r.endpoints for r in results.values() if r.ok))
    assert product <= seen, product - seen
    for name, result in results.items():
        if result.endpoints & product and not result.ok:
            assert name in KNOWN_DIFFERENCES
