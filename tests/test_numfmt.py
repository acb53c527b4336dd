"""``numfmt``: a format code's date or time element, read outside its literal text as its
percent sign is (``is_percent_code``, tested with the Excel reader)."""

from __future__ import annotations

import pytest

from sheets_sync.numfmt import shows_date_or_time


@pytest.mark.parametrize(
    ("code", "dated"),
    [
        ("yyyy-mm-dd", True),
        ("M/d/yyyy", True),
        ("dddd", True),
        ("h:mm", True),
        ("[h]:mm:ss", True),
        ("0.00", False),
        ("#,##0", False),
        ("0.00E+00", False),
        ("0%", False),
        ('0 "days"', False),
        ("\\d0", False),
        ("[Red]0", False),
        # elapsed time alone is a time: Google shows 1.5 under [h] as 36; until
        # 2026-12-07 [h] was removed as a [colour] and read the number
        ("[h]", True),
        ("[MM]:ss", True),
        ('[h] "hours"', True),
        ('"[h]" 0', False),
        ("[Red]0", False),
        ("[>=1]0", False),
        ("0 a/p", True),  # a 12-hour marker alone: a time (none until 2026-12-07)
        ("0 A/P", True),
    ],
)
def test_a_code_shows_a_date_by_its_date_or_time_letters(code: str, dated: bool) -> None:
    assert shows_date_or_time(code) is dated
