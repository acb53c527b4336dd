"""One table of format codes the reader's rules (``numfmt``, both backends) and the
emulator's own model of Google (``emulator/cellvalues.py``, kept apart on purpose, an
independent model) must agree on: whether the value 1 shows as a percentage, and
whether a date type's pattern shows a date. A fix in one is checked against the other
here (until 2026-12-07 ``[%[>=1]0`` was a percentage to the emulator only, and
``{DATE, "0.00_h"}`` a date to it only, ``_h`` a spacer to the reader)."""

from __future__ import annotations

import pytest

from sheets_sync.emulator.cellvalues import format_number
from sheets_sync.numfmt import is_percent_code, shows_date_or_time

#: (code, shows 1 as a percentage, shows a date): each a code with a digit place, so the
#: emulator's display says which (100 for a percentage; a date type's text otherwise
#: than the number type's for a date)
TABLE = [
    ("0", False, False),
    ("0%", True, False),
    ("0.00%", True, False),
    ("0;0%", False, False),
    ("0%;0", True, False),
    ('0"%"', False, False),
    ("0\\%", False, False),
    ("0_%", False, False),
    ("0*%", False, False),
    ("[Red]0%", True, False),
    ("[>=1]0;0%", False, False),
    ("[<1]0%;0", False, False),
    ("[<1]0%", False, False),
    ("[<=1]0%", True, False),
    ("[%[>=1]0", True, False),  # a stray ``[``: one character, its % outside
    ("[a[<1]0;0%", True, False),  # [<1] not met: the next section, 0%
    ("yyyy-mm-dd", False, True),
    ("0.00_h", False, False),  # a spacer as wide as h: no hour
    ("0.00*d", False, False),  # a fill of d: no day
    ("0;yyyy", False, False),  # the positive section decides, as calamine reads .xlsx
    ("yyyy;0", False, True),
    ('0 "days"', False, False),
    ("\\d0", False, False),
    ("[h]:mm", False, True),
    ('"[h]" 0', False, False),
    ("[Red]0 d", False, True),
    ("[a[h]0", False, True),
    ("0 a/p", False, True),  # a 12-hour marker: a time, as calamine reads an .xlsx
    ("0 AM/PM", False, True),
    ('0 "a/p"', False, False),
    # a ``[`` with no ``]``: one character, its % outside, a percentage to both; Google's
    # answer (a refusal, or a display) is not recorded, LibreOffice shows General
    # (docs/emulator.md; tests/emulator/test_number_display.py)
    ("[Red0%", True, True),  # unbracketed, Red's d is a day to both
    ("[<1 0%", True, False),
]


def _emulator_percent(code: str) -> bool:
    return "100" in format_number(1.0, {"type": "NUMBER", "pattern": code})


def _emulator_date(code: str) -> bool:
    value = 46000.25  # 2025-12-09 06:00
    shown = format_number(value, {"type": "DATE", "pattern": code})
    return shown != format_number(value, {"type": "NUMBER", "pattern": code})


@pytest.mark.parametrize(("code", "percent", "dated"), TABLE)
def test_the_reader_and_the_emulator_agree_on_a_code(code: str, percent: bool, dated: bool) -> None:
    assert (is_percent_code(code), shows_date_or_time(code)) == (percent, dated)
    assert (_emulator_percent(code), _emulator_date(code)) == (percent, dated)
