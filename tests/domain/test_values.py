"""Values as people type them: each accepted form, and a clear message for the rest."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sheets_sync.domain.confidence import parse_confidence
from sheets_sync.domain.models import Direction
from sheets_sync.domain.values import (
    EPOCH_1904,
    EXCEL_EPOCH,
    CellValueError,
    parse_choice,
    parse_current,
    parse_date,
    parse_done,
    parse_number,
    parse_text,
)
from sheets_sync.grid import CellError, CellValue


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (45, 45.0),
        (0.45, 0.45),
        ("45%", 0.45),
        ("1,234.5", 1234.5),
        ("$1,200", 1200.0),
        ("€ 300", 300.0),
        ("(300)", -300.0),
        ("-12.5", -12.5),
        ("\u22125", -5.0),
        ("+7", 7.0),
        ("12.5%", 0.125),
        ("£99", 99.0),
        (" 42 ", 42.0),
        ("n/a", None),
        ("-", None),
        ("", None),
        (None, None),
        ("N/A", None),
        ("TBD", None),
        (".5", 0.5),
    ],
)
def test_numbers(raw: CellValue, expected: float | None) -> None:
    assert parse_number(raw) == expected


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("€3.5k", "uses a k/M/bn suffix; type the full number instead"),
        ("2M", "uses a k/M/bn suffix"),
        ("1,5", "ambiguous (decimal comma?)"),
        ("twelve", 'expected a number, got "twelve"'),
        (True, "expected a number, got TRUE"),
        (dt.date(2026, 1, 1), "expected a number, got a date (2026-01-01); the cell is"),
        (CellError("#DIV/0!"), "the cell shows the error #DIV/0!"),
        (CellError("#REF!"), "the cell shows the error #REF!"),
        (CellError("#N/A"), "the cell shows the error #N/A"),
        (float("nan"), "expected a finite number"),
        # past a float's range: an infinite target, scored 0 without a word (2026-12-04)
        ("9" * 400, 'expected a finite number, got "999999'),
        ("$1" + "0" * 400 + "%", "expected a finite number"),
        (10**400, "expected a finite number"),
    ],
)
def test_bad_numbers(raw: CellValue, message: str) -> None:
    with pytest.raises(CellValueError, match=None) as info:
        parse_number(raw)
    assert message in str(info.value)


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (
            CellError("#N/A", "Did not find value 'Q4' in VLOOKUP evaluation."),
            "the cell shows the error #N/A (Did not find value 'Q4' in VLOOKUP evaluation.)",
        ),
        (  # Google's words that are the code alone say nothing: ours (2026-12-06)
            CellError("#REF!", "#REF!"),
            "the cell shows the error #REF! (the formula, or a cell it draws on, refers to a "
            "cell that is gone (its row, column or tab was deleted, or cells were pasted over "
            "it): point the formula at the right cells again)",
        ),
        (
            CellError("#NAME?", "Unknown\nfunction\x0b"),
            "the cell shows the error #NAME? (Unknown function)",
        ),
        (
            CellError("#VALUE!", "x" * 500),
            "the cell shows the error #VALUE! (" + "x" * 197 + "...)",
        ),
        # what Google Sheets shows while IMPORTRANGE or GOOGLEFINANCE fetches: no cell
        # shows the "#LOADING" the message named until 2026-12-05
        (
            CellError("Loading...", "Loading..."),
            "the cell still showed Loading... when it was read (its formula, such as "
            "IMPORTRANGE or GOOGLEFINANCE, had not fetched its data yet); the next run "
            "reads it again",
        ),
    ],
)
def test_an_error_value_says_googles_words_for_it(raw: CellValue, message: str) -> None:
    for parse in (parse_number, parse_text, parse_done, parse_date):
        with pytest.raises(CellValueError) as info:
            parse(raw)
        assert str(info.value) == message
    assert isinstance(raw, CellError) and raw == CellError(raw.code)  # the code is the error


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        (dt.date(1900, 4, 29), "a date (1900-04-29); the cell is formatted as a date"),
        (dt.datetime(2026, 7, 10, 12), "a date (2026-07-10); the cell is formatted as a date"),
        (dt.time(12), "a time (12:00:00); the cell is formatted as a time"),
        (
            dt.timedelta(hours=36),
            "a duration (1 day, 12:00:00); the cell is formatted as a duration",
        ),
    ],
)
def test_a_number_shown_as_a_date_says_so(raw: CellValue, shown: str) -> None:
    """120 in a date-formatted cell reads 1900-04-29 (Excel and Google keep dates as
    numbers): "got a date or time" did not say the fix is the cell's format (2026-12-05)."""
    with pytest.raises(CellValueError) as info:
        parse_number(raw)
    assert (
        str(info.value)
        == f"expected a number, got {shown}: if you meant a number, format it as one"
    )


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("03/04/2026", 'expected a date like 2026-12-31, got "03/04/2026"; day and month could'
         " be either way round: type 2026-04-03 or 2026-03-04"),
        ("31/02/2026", 'expected a date like 2026-12-31, got "31/02/2026": no such day, day'
         " first or month first"),
        ("2026-02-29", 'expected a date like 2026-12-31, got "2026-02-29"'),
        ("2026-02-29T10:00", 'expected a date like 2026-12-31, got "2026-02-29T10:00"'),
        ("2026-11-20 25:00", 'expected a date like 2026-12-31, got "2026-11-20 25:00"'),
        # Excel's 1900 system has a 29 Feb 1900 (serial 60); serials up to it are a day off
        # a whole number as typed: a 12 in a cell reads 12.0 and says 12 (12.0 until 2026-12-06)
        (60.0, "expected a date, got the number 60"),
        (1.0, "expected a date, got the number 1"),
        (2958466.0, "expected a date, got the number 2958466"),
        (60.5, "expected a date, got the number 60.5"),
    ],
)  # fmt: skip
def test_bad_date_messages(raw: CellValue, message: str) -> None:
    """Digits-only day and month are never guessed: a wrong guess is a silent wrong date."""
    with pytest.raises(CellValueError) as info:
        parse_date(raw)
    assert str(info.value) == message


@pytest.mark.parametrize(
    ("raw", "epoch", "expected"),
    [
        (61.0, EXCEL_EPOCH, dt.date(1900, 3, 1)),
        (46341.0, EXCEL_EPOCH, dt.date(2026, 11, 15)),
        (2958465.0, EXCEL_EPOCH, dt.date(9999, 12, 31)),
        (61.0, EPOCH_1904, dt.date(1904, 3, 2)),  # day numbers below 61: refused below
        (44879.75, EPOCH_1904, dt.date(2026, 11, 15)),  # 1904 serial with a time of day
        ("Mar 31 2026", EXCEL_EPOCH, dt.date(2026, 3, 31)),
        ("2028-02-29", EXCEL_EPOCH, dt.date(2028, 2, 29)),
        # ISO timestamps pasted as text (exports, Zapier): the date as written, not UTC's
        ("2026-11-20T14:30:00", EXCEL_EPOCH, dt.date(2026, 11, 20)),
        ("2026-11-20 23:30", EXCEL_EPOCH, dt.date(2026, 11, 20)),
        ("2026-11-20T23:30:00-10:00", EXCEL_EPOCH, dt.date(2026, 11, 20)),
        ("2026-11-20T00:15:00Z", EXCEL_EPOCH, dt.date(2026, 11, 20)),
    ],
)
def test_date_serials_and_epochs(raw: CellValue, epoch: dt.date, expected: dt.date) -> None:
    assert parse_date(raw, epoch) == expected


@pytest.mark.parametrize(
    ("raw", "epoch", "shown"),
    [
        # read as 1904-01-01 until 2026-12-05, while 1900's 1-60 were refused
        (0.0, EPOCH_1904, "0"),
        (60.0, EPOCH_1904, "60"),
        (2957004.0, EPOCH_1904, "2957004"),  # past 9999-12-31 from 1904, a 1900-system day
        (61.0, dt.date(1800, 1, 1), "61"),  # an .ods null date: none lands before March 1900
    ],
)
def test_day_numbers_refused_in_any_system(raw: float, epoch: dt.date, shown: str) -> None:
    """One rule: the same message in either system."""
    with pytest.raises(CellValueError) as info:
        parse_date(raw, epoch)
    assert str(info.value) == f"expected a date, got the number {shown}"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (dt.date(2026, 12, 31), dt.date(2026, 12, 31)),
        (dt.datetime(2026, 12, 31, 13, 0), dt.date(2026, 12, 31)),
        (46387, dt.date(2026, 12, 31)),
        ("2026-12-31", dt.date(2026, 12, 31)),
        ("31 Dec 2026", dt.date(2026, 12, 31)),
        ("04.04.2026", dt.date(2026, 4, 4)),  # either way round the same day (2026-12-07)
        # one way only: no month 31 (until 2026-12-07 refused as "not guessed")
        ("31/03/2026", dt.date(2026, 3, 31)),
        ("3/31/2026", dt.date(2026, 3, 31)),
        ("31.03.2026", dt.date(2026, 3, 31)),
        ("n/a", None),
        (None, None),
    ],
)
def test_dates(raw: CellValue, expected: dt.date | None) -> None:
    assert parse_date(raw) == expected


@pytest.mark.parametrize("raw", ["13/13/2026", "next week", True, -3])
def test_bad_dates(raw: CellValue) -> None:
    with pytest.raises(CellValueError):
        parse_date(raw)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("yes", 1.0),
        ("Done", 1.0),
        ("X", 1.0),
        ("TRUE", 1.0),
        (True, 1.0),
        (1, 1.0),
        ("no", 0.0),
        (False, 0.0),
        (0, 0.0),
        ("not done", 0.0),
        (None, None),
        ("", None),
    ],
)
def test_milestones(raw: CellValue, expected: float | None) -> None:
    assert parse_done(raw) == expected


def test_milestone_rejects_other_numbers() -> None:
    with pytest.raises(CellValueError, match="a milestone is done"):
        parse_done(0.5)
    with pytest.raises(CellValueError) as info:  # a typed 2 reads 2.0: said as typed
        parse_done(2.0)
    assert str(info.value) == "a milestone is done (1, yes, x) or not (0, no), got 2"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (7, 0.7),
        (10, 1.0),
        (0, 0.0),
        (0.65, 0.65),
        ("70%", 0.7),
        (70, 0.7),
        ("High", 0.9),
        ("low", 0.3),
        ("Medium", 0.6),
        (None, None),
    ],
)
def test_confidence(raw: CellValue, expected: float | None) -> None:
    assert (
        parse_confidence(raw) == pytest.approx(expected)
        if expected is not None
        else parse_confidence(raw) is None
    )


@pytest.mark.parametrize("raw", [150, "very", "120%", -1])
def test_bad_confidence(raw: CellValue) -> None:
    with pytest.raises(CellValueError):
        parse_confidence(raw)


def test_choice_is_forgiving_and_lists_options() -> None:
    assert parse_choice(" Higher ", Direction) is Direction.HIGHER
    assert parse_choice(None, Direction, None, Direction.LOWER) is Direction.LOWER
    with pytest.raises(CellValueError, match='"sideways" is not one of: higher, lower, range'):
        parse_choice("sideways", Direction)


def test_long_text_is_quoted_short_and_cut_to_a_cell() -> None:
    """A message quotes the start of a long value; text past what an Excel cell holds
    (a Google cell holds 50,000 characters) is cut, so no owned cell or rollup cell
    inherits more than Excel can open."""
    with pytest.raises(CellValueError, match=r'got "x{60}\.\.\." \(40,000 characters\)$'):
        parse_number("x" * 40_000)
    text = parse_text("y" * 50_000)
    assert text is not None and len(text) == 32_767 and text.endswith("y...")
    assert parse_text("z" * 32_767) == "z" * 32_767


def test_a_lone_surrogate_is_read_as_the_replacement_character() -> None:
    """A JSON reply can carry half of a UTF-16 pair (``\\ud83d``); read as is, it failed
    ``build_rollup`` (pandas' strings are UTF-8: UnicodeEncodeError,
    tests/rollup/test_cell_limits.py)."""
    assert parse_text("ok \ud83d then") == "ok \ufffd then"
    assert parse_text(" \udc00 ") == "\ufffd"
    assert parse_text("a \U0001f600 pair") == "a \U0001f600 pair"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("1\u00a0234", 1234.0),  # no-break space between thousands (Excel, Word)
        ("1\u202f234.5", 1234.5),  # narrow no-break space (French thousands)
        ("1\u2009234 567", 1234567.0),  # thin space
        ("１２３．５", 123.5),  # full-width digits and point (Japanese IME)
        ("\uff0d5", -5.0),  # full-width minus
        ("45\uff05", 0.45),  # full-width percent
        ("\uff0b\uff11\uff0c\uff12\uff13\uff14", 1234.0),  # full-width plus and comma
        ("1\u3000234", 1234.0),  # ideographic space
        ("'45", 45.0),  # the apostrophe that forces text, kept by a CSV paste
        ("'1,200 ", 1200.0),
        ("0.125", 0.125),  # a leading 0 is never a thousands group
        ("1.2340", 1.234),
        ("\u200b45", 45.0),  # zero-width space from a web page: was "got "45""
        ("45\ufeff", 45.0),
        ("\u20135", -5.0),  # en dash, Word's autocorrected minus
        ("\u2012 5 %", -0.05),  # figure dash
        ("\u2013", None),  # a dash alone is still "no value"
    ],
)
def test_numbers_as_people_type_them(raw: str, expected: float | None) -> None:
    assert parse_number(raw) == expected


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        # "1.234" is 1234 in a European office and 1.234 elsewhere: read as text it was
        # taken for 1.234, a thousandth of what a German team lead meant (2026-12-05)
        (
            "1.234",
            '"1.234" is ambiguous (thousands dot or decimal point?); '
            "type it as a number in a cell not formatted as text",
        ),
        (
            "€12.500",
            '"€12.500" is ambiguous (thousands dot or decimal point?); '
            "type it as a number in a cell not formatted as text",
        ),
        ("1.234.567", '"1.234.567" uses dots as thousands separators; type it like 1234567'),
        # "0,125" was read as 125: a first group of 0 is a decimal comma (2026-12-05)
        ("0,125", '"0,125" is ambiguous (decimal comma?); type it like 1234.5'),
        ("1\u202f234,5", '"1\u202f234,5" is ambiguous (decimal comma?); type it like 1234.5'),
        # spaces that do not group thousands were dropped: "12 34" read as 1234 (2026-12-05)
        ("12 34", 'expected a number, got "12 34"'),
        # NFKC made digits of superscripts, circled and dotted numbers (2026-12-05)
        ("10\u00b2", 'expected a number, got "10\u00b2"'),  # 10 squared was 102
        ("1\u2070\u2070", 'expected a number, got "1\u2070\u2070"'),  # was 100
        ("\u2460\u2461", 'expected a number, got "\u2460\u2461"'),  # circled 1 2: was 12
        ("\u24885", 'expected a number, got "\u24885"'),  # "1." as one character: was 1.5
        ("\u00bd", 'expected a number, got "\u00bd"'),  # a vulgar half
    ],
)
def test_numbers_that_would_be_misread_are_refused(raw: str, message: str) -> None:
    with pytest.raises(CellValueError) as info:
        parse_number(raw)
    assert str(info.value) == message


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("7/10", 0.7), ("7 / 10", 0.7), ("3/5", 0.6), ("70/100", 0.7), ("0/10", 0.0)],
)
def test_confidence_as_a_fraction(raw: str, expected: float) -> None:
    """'7/10' is how people say a confidence; it was "expected a number" (2026-12-05)."""
    assert parse_confidence(raw) == pytest.approx(expected)


FORMS = "confidence is 0-10, 0-100%, 7/10 or Low/Medium/High, got "


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("11/10", FORMS + '"11/10"'),
        ("7/0", FORMS + '"7/0"'),
        ("hoch", FORMS + '"hoch"'),  # was: expected a number, got "hoch"
        (True, FORMS + "TRUE"),
        (7.5, FORMS + "7.5"),
        (150.0, FORMS + "150"),  # a typed 150 reads 150.0: said as typed (150.0 until 2026-12-06)
        (
            dt.datetime(2026, 7, 10),
            FORMS + "a date (2026-07-10); a spreadsheet turns a typed 7/10 into a date: "
            "type 7 or 70%",
        ),
        ("0,7", '"0,7" is ambiguous (decimal comma?); type it like 1234.5'),
    ],
)
def test_bad_confidence_says_what_is_accepted(raw: CellValue, message: str) -> None:
    with pytest.raises(CellValueError) as info:
        parse_confidence(raw)
    assert str(info.value) == message


@pytest.mark.parametrize("box", [True, False])
def test_a_checkbox_in_a_key_result_that_counts_says_to_make_it_a_milestone(box: bool) -> None:
    with pytest.raises(CellValueError) as info:
        parse_current(box)
    assert str(info.value) == (
        f"expected a number, got {str(box).upper()}; a checkbox says done or not, as a "
        "milestone key result does: set its KR type to milestone"
    )
    assert parse_done(box) == float(box)
    assert parse_current("45%") == 0.45 and parse_current(None) is None


@given(st.decimals(min_value=11, max_value=100, places=2, allow_nan=False))
def test_a_confidence_typed_in_percent_is_the_nearest_number_to_its_value(
    typed: Decimal,
) -> None:
    """33.3 typed without % is 0.333, not 0.33299999999999996 (33.3 / 100 rounded twice,
    which the export showed), whether the cell holds the number or the text."""
    assert parse_confidence(float(typed)) == float(typed / 100)
    assert parse_confidence(str(typed)) == float(typed / 100)


@given(
    st.decimals(min_value=0, max_value=100, places=1, allow_nan=False),
    st.sampled_from([5, 10, 100]),
)
def test_a_confidence_typed_as_a_fraction_is_the_nearest_number_to_its_value(
    part: Decimal, whole: int
) -> None:
    """3.3/10 is 0.33 and 33.3/100 is 0.333, not 0.32999999999999996 and
    0.33299999999999996 (the floats divided, rounding twice, which a message quoted)."""
    if part > whole:
        return
    assert parse_confidence(f"{part}/{whole}") == float(part / whole)
    assert parse_confidence(f"{part} / {whole}.0") == float(part / whole)


@given(st.decimals(min_value=-1000, max_value=1000, places=2, allow_nan=False))
def test_a_percentage_typed_as_text_is_the_nearest_number_to_its_value(typed: Decimal) -> None:
    """A typed "4.4%" is 0.044, not 0.044000000000000004 (4.4 / 100 rounded twice, which the
    export and the messages showed), however it is written (three decimals after a dot
    are refused as ambiguous: "1.234%")."""
    value = float(typed / 100)
    assert parse_number(f"{typed}%") == value
    assert parse_number(f"{typed} %") == value
    if typed >= 0:
        assert parse_number(f"({typed}%)") == -value


def test_four_point_four_percent_is_0_044() -> None:
    assert parse_number("4.4%") == 0.044
    assert parse_number("-4.4%") == -0.044
    assert parse_number("$1" + "0" * 300 + "%") == 1e298


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("100％", 1.0), ("100%\u200b", 1.0), ("１００％", 1.0), ("7 ％", 0.07), ("70％", 0.7)],
)
def test_a_confidence_with_a_full_width_or_padded_percent_sign_is_a_percentage(
    raw: str, expected: float
) -> None:
    """``endswith("%")`` missed the full-width sign and a trailing zero-width space, which
    ``parse_number`` reads as percent: "100％" was 1.0 read again on the 0-10 scale, 0.1 (a
    false low-confidence warning); lint's ``is_percent_text`` already knew the forms."""
    assert parse_confidence(raw) == expected


@pytest.mark.parametrize("raw", ["1000％", "1000%\u200b", "500％"])
def test_a_confidence_over_100_percent_with_a_full_width_sign_is_refused(raw: str) -> None:
    """ "1000％" read 10.0, then as 10 on the 0-10 scale: 1.0, not refused."""
    with pytest.raises(CellValueError, match="between 0% and 100%"):
        parse_confidence(raw)
