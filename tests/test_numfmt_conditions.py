"""A ``[condition]``'s number, and a typed number in the emulator, are read one way only.
``\\d+\\.?\\d*`` split a run of digits between its two runs every way it could when what
followed did not match: quadratic (a 16,000-digit condition 5 s in ``is_percent_code``
and in the emulator's ``format_number``, an .xlsx with a 20,000-digit one 8 s; 8,000
digits and an ``x`` typed into the emulator 1.6 s; until 2026-12-07). A million digits
are read in a child bounded far above a linear read (``HANG``), never timed."""

from __future__ import annotations

import pytest

from sheets_sync.emulator.cellvalues import format_number, parse_user_text
from sheets_sync.numfmt import positive_section
from tests.support.scripts import run_script


@pytest.mark.parametrize(
    ("code", "value", "section"),
    [
        ("[>=1]0;0%", 1.0, "[>=1]0"),
        ("[<0.5]0;0%", 1.0, "0%"),
        ("[>.5]0;0%", 1.0, "[>.5]0"),
        ("[>1.]0;0%", 1.0, "0%"),
        ("[>1.]0;0%", 2.0, "[>1.]0"),
        ("[>1e3]0;0%", 1.0, "0%"),
        ("[>1e3]0;0%", 2000.0, "[>1e3]0"),
        ("[<>0]0;0%", 1.0, "[<>0]0"),
        ("[ >= +1.5E-1 ]0;0%", 1.0, "[ >= +1.5E-1 ]0"),
    ],
)
def test_a_conditions_number_is_read_in_every_spelling(
    code: str, value: float, section: str
) -> None:
    assert positive_section(code, value) == section
    # the emulator chooses the same section: ``0`` shows the value, ``0%`` a percentage
    shown = format_number(value, {"type": "NUMBER", "pattern": code})
    assert shown.endswith("%") is section.endswith("%"), shown


@pytest.mark.parametrize(
    ("text", "number"),
    [("1", 1), ("1.", 1), ("1.5", 1.5), (".5", 0.5), ("-2e3", -2000), ("+1.5E-1", 0.15)],
)
def test_a_typed_number_is_read_in_every_spelling(text: str, number: float) -> None:
    assert parse_user_text(text)["effectiveValue"] == {"numberValue": number}  # type: ignore[index]
    if "e" not in text.lower():  # a percentage has no exponent
        percent = parse_user_text(text + "%")
        assert percent["effectiveValue"] == {"numberValue": number / 100}  # type: ignore[index]


def test_a_million_digit_condition_or_typed_number_is_read_at_once() -> None:
    """In a child: quadratic, this is hours (16,000 digits took 5 s)."""
    code = (
        "import json\n"
        "from sheets_sync.numfmt import is_percent_code, shows_date_or_time\n"
        "from sheets_sync.emulator.cellvalues import format_number, parse_user_text\n"
        "digits = '1' * 1_000_000\n"
        "code = '[>' + digits + 'x]0%;0'\n"
        "print(json.dumps({\n"
        "    'percent': is_percent_code(code),\n"
        "    'dated': shows_date_or_time(code),\n"
        "    'shown': format_number(1.0, {'type': 'NUMBER', 'pattern': code}),\n"
        "    'typed': parse_user_text(digits + 'x')['formattedValue'] == digits + 'x',\n"
        "    'percent_typed': parse_user_text(digits + 'x%')['formattedValue'][-2:],\n"
        "}))\n"
    )
    # no condition (a run of digits and an ``x``): the first section, a percentage
    assert run_script(code) == {
        "percent": True,
        "dated": False,
        "shown": "100%",
        "typed": True,
        "percent_typed": "x%",
    }
