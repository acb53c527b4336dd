"""The Data dictionary quotes the workspace's KPI tolerance: a blank Amber threshold is
``scoring.kpi_tolerance`` of the target, and the tab said 10% whatever it was set to."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import openpyxl

from sheets_sync.backends.gsheets.rollup import dictionary_rows
from sheets_sync.domain.rules import ScoringRules
from sheets_sync.rollup import build_rollup, write_rollup_xlsx
from sheets_sync.rollup.fingerprint import rollup_fingerprint
from sheets_sync.rollup.schema import DEFAULT_TOLERANCE, TABLES
from tests.rollup.fixtures import context, runs

FIVE = ScoringRules(kpi_tolerance=0.05)


def _meanings(path: Path) -> dict[tuple[str, str], str]:
    book = openpyxl.load_workbook(path, read_only=True)
    try:  # read-only keeps the file open until closed: a ResourceWarning in a later test
        rows = book["Data dictionary"].iter_rows(min_row=4, values_only=True)
        return {(r[0], r[2]): r[6] for r in rows}
    finally:
        book.close()


def _written(tmp_path: Path, rules: ScoringRules) -> dict[tuple[str, str], str]:
    ctx = dataclasses.replace(context(), rules=rules)
    path = tmp_path / f"company-{rules.kpi_tolerance}.xlsx"
    write_rollup_xlsx(build_rollup(runs(finance_fails=False), ctx), path)
    return _meanings(path)


def test_the_dictionary_says_the_workspaces_tolerance(tmp_path: Path) -> None:
    meanings = _written(tmp_path, FIVE)
    amber = meanings[("kpis", "Amber threshold")]
    assert amber == "Edge of the amber band as typed (blank: 5% tolerance)"
    assert not any("10%" in text for text in meanings.values())


def test_with_the_default_tolerance_the_dictionary_is_the_schemas(tmp_path: Path) -> None:
    """The default leaves every meaning as ``schema.py`` (and docs/rollup.md) has it."""
    expected = {(t, c.name): c.meaning for t, spec in TABLES.items() for c in spec}
    assert _written(tmp_path, ScoringRules()) == expected
    assert DEFAULT_TOLERANCE == "10% tolerance"
    assert any(DEFAULT_TOLERANCE in text for text in expected.values())  # what is replaced


def test_a_changed_tolerance_changes_the_rollups_fingerprint() -> None:
    """A night whose only change is the tolerance rewrites the workbook, dictionary too."""
    base = runs(finance_fails=False)
    default = rollup_fingerprint(build_rollup(base, context()))
    again = rollup_fingerprint(build_rollup(base, context()))
    five = rollup_fingerprint(build_rollup(base, dataclasses.replace(context(), rules=FIVE)))
    assert default == again != five


def test_the_google_rollups_dictionary_says_it_too() -> None:
    def texts(rules: ScoringRules) -> list[str]:
        rows = dictionary_rows(rules)
        return [c.get("userEnteredValue", {}).get("stringValue", "") for r in rows for c in r]

    assert "Edge of the amber band as typed (blank: 5% tolerance)" in texts(FIVE)
    assert "Edge of the amber band as typed (blank: 10% tolerance)" in texts(ScoringRules())
    assert dictionary_rows() == dictionary_rows(ScoringRules())


def test_the_dictionary_says_the_workspaces_score_bands(tmp_path: Path) -> None:
    """The Band columns said "green >= 0.7, yellow >= 0.4" whatever scoring.green and
    scoring.yellow were (until 2026-12-06)."""
    rules = ScoringRules(green=0.8, yellow=0.55)
    meanings = _written(tmp_path, rules)
    bands = [text for (_, column), text in meanings.items() if column == "Band"]
    said = "Score band: green >= 0.8, yellow >= 0.55, else red"
    assert bands.count(said) == 3 and len(bands) == 4  # Alignment's names no threshold
    assert not any("0.7" in text or "0.4" in text for text in bands)
    google = [
        c.get("userEnteredValue", {}).get("stringValue", "")
        for r in dictionary_rows(rules)
        for c in r
    ]
    assert google.count(said) == 3


def test_the_dictionary_says_computed_thresholds_with_the_digits_excel_shows(
    tmp_path: Path,
) -> None:
    """A text cell built from a number: ``ScoringRules(green=0.2 + 0.4)`` (a library
    caller's) said "green >= 0.6000000000000001" until 2026-12-06; the thresholds
    themselves stay exact (the status compares with them)."""
    rules = ScoringRules(green=0.2 + 0.4, yellow=0.1 + 0.2)
    bands = [text for (_, column), text in _written(tmp_path, rules).items() if column == "Band"]
    assert bands.count("Score band: green >= 0.6, yellow >= 0.3, else red") == 3
    assert rules.green == 0.6000000000000001


def test_the_dictionary_tells_two_thresholds_apart_that_would_read_the_same(
    tmp_path: Path,
) -> None:
    """A green of 0.2 + 0.4 over a yellow of 0.6 said "green >= 0.6, yellow >= 0.6"
    until 2026-12-06: the two thresholds show every digit when the 15 Excel shows match."""
    rules = ScoringRules(green=0.2 + 0.4, yellow=0.6)
    bands = [text for (_, column), text in _written(tmp_path, rules).items() if column == "Band"]
    said = "Score band: green >= 0.6000000000000001, yellow >= 0.6, else red"
    assert bands.count(said) == 3
