"""How a number shows (its ``formattedValue``) under a number pattern, as Google shows it,
read over HTTP by real gspread: each case a value, a pattern and the exact text."""

from __future__ import annotations

from typing import Any

import gspread
import pytest
from gspread.utils import ValueRenderOption

pytestmark = pytest.mark.emulator


def shown(gc: gspread.Client, values: list[Any], number_format: dict[str, Any] | None) -> list[str]:
    """``values`` written RAW down column A, formatted by ``number_format`` (gspread's
    repeatCell; None: left automatic), read back as FORMATTED_VALUE."""
    ws = gc.create("display").sheet1
    ws.update([[v] for v in values], "A1", raw=True)
    if number_format is not None:
        ws.format(f"A1:A{len(values)}", {"numberFormat": number_format})
    got = ws.get(f"A1:A{len(values)}", value_render_option=ValueRenderOption.formatted)
    return [row[0] if row else "" for row in got]


@pytest.mark.parametrize(
    ("pattern", "values", "texts"),
    [
        ("0", [0.5, 1.5, 2.5, -0.5, -2.5], ["1", "2", "3", "-1", "-3"]),
        ("0.00", [2.675, 1.005, 1.015, -2.675], ["2.68", "1.01", "1.02", "-2.68"]),
        ("#,##0.00", [1234567.125, 0.125], ["1,234,567.13", "0.13"]),
        ("0%", [0.125, 0.005], ["13%", "1%"]),
        ("0.0%", [0.0115, 0.00125], ["1.2%", "0.1%"]),
    ],
)
def test_a_half_rounds_away_from_zero_on_the_fifteen_digit_decimal(
    gc: gspread.Client, pattern: str, values: list[float], texts: list[str]
) -> None:
    """Google, as Excel, rounds the double's 15-significant-digit decimal, a half away
    from zero: the emulator rounded the binary double half to even (until 2026-12-08 0.5
    showed 0, 2.5 2 and 2.675 2.67)."""
    assert shown(gc, values, {"type": "NUMBER", "pattern": pattern}) == texts


def test_a_type_default_rounds_a_half_away_from_zero(gc: gspread.Client) -> None:
    assert shown(gc, [0.125, 0.005], {"type": "PERCENT"}) == ["13%", "1%"]
    assert shown(gc, [2.675, 0.005], {"type": "CURRENCY"}) == ["$2.68", "$0.01"]


@pytest.mark.parametrize(
    ("pattern", "texts"),
    [
        ('"$"0.00', ["-$5.00", "$1234.50"]),
        ("\\$0.00", ["-$5.00", "$1234.50"]),
        ('[Red]"$"#,##0.00', ["-$5.00", "$1,234.50"]),
        ('"$"#,##0.00" USD"', ["-$5.00 USD", "$1,234.50 USD"]),
        ('0.00" kg"', ["-5.00 kg", "1234.50 kg"]),
    ],
)
def test_a_negative_has_its_sign_before_a_leading_literal(
    gc: gspread.Client, pattern: str, texts: list[str]
) -> None:
    """The minus goes before the whole text, as Google shows -5 under ``"$"0.00``: until
    2026-12-08 after a ``\\$`` or ``[Red]"$"`` ($-5.00), and a pattern starting with
    ``"$"`` was read as dollars alone (its comma-less digits grouped, its " USD" lost)."""
    assert shown(gc, [-5, 1234.5], {"type": "NUMBER", "pattern": pattern}) == texts


@pytest.mark.parametrize(
    ("pattern", "texts"),
    [
        ('0;(0);"-"', ["5", "(5)", "-"]),
        ("0.00;0.00", ["5.00", "5.00", "0.00"]),  # a negative's own section: no minus
        ('"$"#,##0.00;("$"#,##0.00)', ["$5.00", "($5.00)", "$0.00"]),
        ("0;[Red]-0", ["5", "-5", "0"]),  # the minus it shows is its own literal
        ('0;;"zero"', ["5", "", "zero"]),  # an empty section shows nothing
        ("0.0", ["5.0", "-5.0", "0.0"]),  # one section: every number, the minus before
        ('[<0]"low";0', ["5", "low", "0"]),  # for negatives: no minus (LibreOffice)
    ],
)
def test_zero_and_negative_numbers_are_shown_by_their_own_sections(
    gc: gspread.Client, pattern: str, texts: list[str]
) -> None:
    """``[POSITIVE];[NEGATIVE];[ZERO];[TEXT]``, as Google's guide has it: until 2026-12-08
    zero and negative numbers took the first section, with the minus (``0;(0);"-"``
    showed -5 as -5 and 0 as 0)."""
    assert shown(gc, [5, -5, 0], {"type": "NUMBER", "pattern": pattern}) == texts


def test_text_is_shown_by_the_fourth_section(gc: gspread.Client) -> None:
    """A text value under a pattern of four sections: the fourth, ``@`` the text (until
    2026-12-08 the text as typed); under fewer, the text itself."""
    number_format = {"type": "NUMBER", "pattern": '0;(0);"-";"n/a: "@'}
    assert shown(gc, ["late", 5, -5], number_format) == ["n/a: late", "5", "(5)"]
    assert shown(gc, ["late"], {"type": "NUMBER", "pattern": "0;(0);0"}) == ["late"]


def test_general_shows_a_large_or_small_number_in_scientific_form(gc: gspread.Client) -> None:
    """Google's automatic format, as the emulator models it (docs/emulator.md says where
    each threshold comes from), shows a number of 1e15 or more, or below 1e-9, as 6
    significant digits and an exponent:
    until 2026-12-08 the emulator printed every digit of 1e308 and showed 1e-11 as 0."""
    values = [1e308, -1e308, 1e15, 1234567890123456, 0.1 + 0.2 - 0.3, 1e-11, 9.9999999e20]
    assert shown(gc, values, None) == [
        "1E+308",
        "-1E+308",
        "1E+15",
        "1.23457E+15",
        "5.55112E-17",
        "1E-11",
        "1E+21",
    ]


def test_general_shows_up_to_ten_places_of_the_fifteen_digit_decimal(
    gc: gspread.Client,
) -> None:
    """Below 1e15, every digit to 10 places (0.0009765625, as the recorded Google traffic
    of gspread's CellTest.test_numeric_value shows it), a half rounded away from zero."""
    values = [999999999999999, 0.0009765625, 0.1 + 0.2, 1 / 3, 2**-11, 2000000.01]
    assert shown(gc, values, None) == [
        "999999999999999",
        "0.0009765625",
        "0.3",
        "0.3333333333",
        "0.0004882813",
        "2000000.01",
    ]


@pytest.mark.parametrize(("pattern", "text"), [("[Red0%", "Red50%"), ("[<1 0%", "<1 50%")])
def test_a_bracket_with_no_end_is_taken_and_shows_a_percentage(
    gc: gspread.Client, pattern: str, text: str
) -> None:
    """A decision, not a record (docs/emulator.md): the write is taken, as the API's
    NumberFormat documents no check of a pattern and no capture shows a refusal, and the
    ``[`` is one character, its ``%`` outside, as ``numfmt`` reads the code (a percent
    cell, ``tests/test_numfmt_agree.py``); LibreOffice shows such a code as General."""
    assert shown(gc, [0.5], {"type": "NUMBER", "pattern": pattern}) == [text]


def test_a_value_written_into_a_formatted_cell_shows_in_its_format(gc: gspread.Client) -> None:
    """The format stays the cell's when values.update writes a new value, and shows it:
    until 2026-12-08 a 5 written RAW (or a typed 5) into a 0.00 cell showed 5."""
    ws = gc.create("display").sheet1
    ws.format("A1:B2", {"numberFormat": {"type": "NUMBER", "pattern": '0.00;(0.00);"-";"n/a"'}})
    ws.update([[5, -2.5], [0, "late"]], "A1", raw=True)
    ws.update([["7"]], "A3", raw=False)  # no format there: General
    got = ws.get("A1:B3", value_render_option=ValueRenderOption.formatted)
    assert got == [["5.00", "(2.50)"], ["-", "n/a"], ["7"]]
    ws.update([["8"]], "A1", raw=False)
    assert ws.acell("A1").value == "8.00"


def test_a_value_written_into_a_text_cell_shows_itself(gc: gspread.Client) -> None:
    """A TEXT ``@`` cell (as the team template formats its text columns) shows what is
    written into it: ``@`` is the text itself, and a number under it shows as General, as
    LibreOffice shows it; until 2026-12-08 the number and the typed 5 showed ``@``."""
    ws = gc.create("display").sheet1
    ws.format("A1:A3", {"numberFormat": {"type": "TEXT", "pattern": "@"}})
    ws.update([[5], ["5"], ["x"]], "A1", raw=False)
    got = ws.get("A1:A3", value_render_option=ValueRenderOption.formatted)
    assert got == [["5"], ["5"], ["x"]]


def test_a_section_with_the_text_is_the_text_section_wherever_it_sits(
    gc: gspread.Client,
) -> None:
    """Google's guide's own example, ``###0.000;"TEXT: "_(@_)``: its second section holds
    ``@``, so it shows text and the first shows every number, a negative with its minus,
    as LibreOffice shows them; until 2026-12-08 -5 showed ``TEXT:  @ ``."""
    pattern = '###0.000;"TEXT: "_(@_)'
    got = shown(gc, [-5, "MyText", 3], {"type": "NUMBER", "pattern": pattern})
    assert got == ["-5.000", "TEXT:  MyText ", "3.000"]


def test_a_pattern_with_hundreds_of_places_shows_them(gc: gspread.Client) -> None:
    """The API documents no limit to a pattern's places and no capture shows one: every
    place is shown, where a fixed 800-digit context failed the read with a 500 (900
    places on 1, 500 on 1e308; until a review on 2026-12-08)."""
    got = shown(gc, [1.0], {"type": "NUMBER", "pattern": "0." + "0" * 900})
    assert got == ["1." + "0" * 900]
    got = shown(gc, [1e308], {"type": "NUMBER", "pattern": "0." + "0" * 500})
    assert got == ["1" + "0" * 308 + "." + "0" * 500]


def test_a_negative_that_rounds_to_zero_shows_no_minus(gc: gspread.Client) -> None:
    """-0.001 shown to 2 places or whole percents is 0.00 and 0%, as Excel and LibreOffice
    show it, and the CURRENCY default $0.00; until 2026-12-08 -0.00, -0% and -$0.00. Its
    own section keeps its brackets (``0;(0)``: (0), as LibreOffice shows it)."""
    patterns = ["0.00", "0%", '"$"0.00', "0;(0)"]
    got = [shown(gc, [-0.001], {"type": "NUMBER", "pattern": p})[0] for p in patterns]
    assert got == ["0.00", "0%", "$0.00", "(0)"]
    assert shown(gc, [-0.001, -0.005], {"type": "CURRENCY"}) == ["$0.00", "-$0.01"]


@pytest.mark.parametrize(
    ("pattern", "value", "text"),
    [
        ("[<0](0);0", -5, "(5)"),
        ("[<=0]0;0", -5, "5"),
        ("[<0]0;[<-3]0;0", -5, "-5"),
        ("[>-10]0;0", -5, "-5"),
        ("[>-10]0;0", -20, "20"),
        ('[>=0]0;"neg "0', -5, "neg 5"),
        ("[>=1]0;0%", -0.5, "50%"),
        ('[>1000]"HIGH";[<=200]"LOW";0000', -5, "LOW"),
        ("[>5]0;[<-5]0;0", -3, "3"),
        ("[>5]0", -3.4, "3.4"),
        ("[<5]0", -3, "-3"),
    ],
)
def test_a_negative_under_a_condition_has_its_minus_as_libreoffice_shows_it(
    gc: gspread.Client, pattern: str, value: float, text: str
) -> None:
    """Each as LibreOffice shows it (soffice's as-shown CSV; Google's is not recorded):
    the first section shows the minus unless its condition is for negatives (``[<0]``,
    ``[<=0]``), a later section or none (General) without it; until 2026-12-08 always."""
    assert shown(gc, [value], {"type": "NUMBER", "pattern": pattern}) == [text]


def test_a_number_meeting_no_condition_shows_as_general(gc: gspread.Client) -> None:
    """When every number section has a condition and the number meets none, it shows
    as General shows it, as LibreOffice shows it, never by the text section; until a
    review on 2026-12-08 by the first section (3.0, 500%) or the text section's ``t@``."""
    cases = [("[>5]0.0;[>4]0.00", 3), ('[<1]0%;[<2]0.0;[<3]0.00;"t"@', 5)]
    got = [shown(gc, [v], {"type": "NUMBER", "pattern": p})[0] for p, v in cases]
    assert got == ["3", "5"]


def test_general_shows_a_number_below_1e_9_in_scientific_form(gc: gspread.Client) -> None:
    """Below 1e-9 a number would lose its digits to 10 places: scientific, as
    LibreOffice's General turns (5E-11, 1.5E-10, 9.9E-10; 1e-9 still 0.000000001); until
    a review on 2026-12-08 5e-11 showed 0.0000000001 and 1.5e-10 0.0000000002."""
    values = [5e-11, 1.5e-10, 1.23456e-10, -9.9e-10, 1e-9, 1.5e-9]
    assert shown(gc, values, None) == [
        "5E-11",
        "1.5E-10",
        "1.23456E-10",
        "-9.9E-10",
        "0.000000001",
        "0.0000000015",
    ]


def test_a_half_at_the_sixteenth_digit_rounds_away_from_zero(gc: gspread.Client) -> None:
    """100000000000002.5 is exact in a double; its 15 digits round the half away from
    zero, as LibreOffice shows it (100000000000003), where Python's ``.15g`` rounded it to
    even (…002, until a review on 2026-12-08)."""
    assert shown(gc, [100000000000002.5, -100000000000002.5], None) == [
        "100000000000003",
        "-100000000000003",
    ]
    assert shown(gc, [100000000000002.5], {"type": "NUMBER", "pattern": "0"}) == ["100000000000003"]


@pytest.mark.parametrize(
    ("pattern", "value", "text"),
    [
        ('_($* #,##0.00_);_($* (#,##0.00);_($* "-"??_);_(@_)', 0, " $-   "),
        ("??0", 5, "  5"),
        ("#.00", 0.5, ".50"),
        ("0000", 5, "0005"),
        ("0.0#", 1.5, "1.5"),
        ("0.0#", 1.25, "1.25"),
        ("0.??", 1.5, "1.5 "),
        ("#.##", 1, "1"),
    ],
)
def test_a_question_mark_or_hash_is_a_digit_only_when_there_is_one(
    gc: gspread.Client, pattern: str, value: float, text: str
) -> None:
    """``?`` shows a space and ``#`` nothing where the number has no digit, ``0`` a zero,
    each as LibreOffice shows it (the accounting format's zero: `` $-   ``); until a
    review on 2026-12-08 each was a ``0`` (`` $-0 ``, ``0.50``) and ``0000`` padded none."""
    assert shown(gc, [value], {"type": "NUMBER", "pattern": pattern}) == [text]


@pytest.mark.parametrize(
    ("pattern", "value", "text"),
    [
        ('0.0,,"M"', 1500000, "1.5M"),
        ("#,##0,", 1500000, "1,500"),
        ("0,", 500, "1"),
        ("0.0,%", 5000, "500.0%"),
    ],
)
def test_a_comma_after_the_digit_places_divides_by_a_thousand(
    gc: gspread.Client, pattern: str, value: float, text: str
) -> None:
    """Each as LibreOffice shows it, the guide's and Excel's scaling comma; until a review
    on 2026-12-08 the comma grouped the digits and divided nothing (1,500,000.0M)."""
    assert shown(gc, [value], {"type": "NUMBER", "pattern": pattern}) == [text]


def test_a_formula_text_result_shows_by_its_cells_text_section(gc: gspread.Client) -> None:
    """A text a formula gives, a literal or another cell's, is shown by the formula cell's
    own text section, as a typed text is; until a review on
    2026-12-08 as the text itself, or as the other cell showed it."""
    ws = gc.create("display").sheet1
    ws.update([["x"], ['="abc"'], ["=A1"]], "A1", raw=False)
    ws.format("A1", {"numberFormat": {"type": "NUMBER", "pattern": '0;0;0;"a: "@'}})
    ws.format("A2:A3", {"numberFormat": {"type": "NUMBER", "pattern": '0;0;0;"t: "@'}})
    got = ws.get("A1:A3", value_render_option=ValueRenderOption.formatted)
    assert got == [["a: x"], ["t: abc"], ["t: x"]]
