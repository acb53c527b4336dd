"""The period's dates are dates the company workbook can show, as a team's cells are.

``period: {start: 1850-01-01, ...}`` (a typo for 2025) loaded, and the rollup's period
start went into the workbook as a negative day number (Excel shows ``####``) while the
export and a Google rollup showed 1850-01-01. It is refused with the words a team's date
cell gets (``values.not_before_first_date``), naming the key.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from sheets_sync.config import load_workspace
from tests.config.test_config import _one_team_head, problems

LATE = "(Excel shows none before 1900 and January-February 1900 a day late)"


def _head(root: Path, start: str, end: str) -> str:
    return _one_team_head(root).replace(
        "start: 2026-10-01, end: 2026-12-31", f"start: {start}, end: {end}"
    )


@pytest.mark.parametrize(
    ("start", "end", "found"),
    [
        ("1850-01-01", "2026-12-31", {"start": "1850-01-01"}),
        ("1850-01-01", "1850-03-31", {"start": "1850-01-01", "end": "1850-03-31"}),
        ("1899-12-31", "'1900-02-28'", {"start": "1899-12-31", "end": "1900-02-28"}),
        ("'0001-01-01'", "2026-12-31", {"start": "0001-01-01"}),
    ],
)
def test_a_period_date_before_march_1900_is_a_problem_naming_its_key(
    tmp_path: Path, start: str, end: str, found: dict[str, str]
) -> None:
    assert problems(tmp_path, _head(tmp_path, start, end)) == [
        f"sheets-sync.yaml: line 2: period.{key}: expected a date on or after 1900-03-01, got "
        f"{day} " + LATE
        for key, day in found.items()
    ]


def test_a_period_from_march_1900_loads(tmp_path: Path) -> None:
    cfg = tmp_path / "sheets-sync.yaml"
    cfg.write_text(_head(tmp_path, "1900-03-01", "1900-06-30"), encoding="utf-8")
    period = load_workspace(cfg).period
    assert (period.start.isoformat(), period.end.isoformat()) == ("1900-03-01", "1900-06-30")
