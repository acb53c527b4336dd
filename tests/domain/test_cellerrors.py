"""A cell showing one of Excel's error values says why and what to do, as Google's
errors (its words) and Loading... do: "the cell shows the error #BUSY!" alone left the
team lead searching for what #BUSY! means, and the classic #DIV/0!, #N/A, #REF! read bare
too (until 2026-12-06)."""

from __future__ import annotations

import pytest

from sheets_sync.domain.cellerrors import (
    CLASSIC_ERROR_WORDS,
    ERROR_WORDS,
    EXCEL_ERROR_WORDS,
    error_message,
)
from sheets_sync.domain.confidence import parse_confidence
from sheets_sync.domain.models import Status
from sheets_sync.domain.values import (
    CellValueError,
    parse_choice,
    parse_date,
    parse_done,
    parse_number,
    parse_text,
)
from sheets_sync.grid import CellError

#: every error value Excel 365 stores beyond the seven classic ones (and Google's)
MODERN = [
    "#BUSY!",
    "#GETTING_DATA",
    "#CONNECT!",
    "#BLOCKED!",
    "#UNKNOWN!",
    "#FIELD!",
    "#CALC!",
    "#SPILL!",
    "#EXTERNAL!",
    "#PYTHON!",
    "#TIMEOUT!",
]
#: the seven every Excel has, and Google's own #ERROR!
CLASSIC = ["#DIV/0!", "#N/A", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#NULL!", "#ERROR!"]


@pytest.mark.parametrize(
    ("code", "message"),
    [
        (
            "#GETTING_DATA",
            "the cell shows the error #GETTING_DATA (Excel had not finished fetching the data "
            "when the file was saved: open the file in Excel, let it finish, save it again)",
        ),
        (
            "#SPILL!",
            "the cell shows the error #SPILL! (a cell below or right of the formula, where its "
            "results go, is not empty or is merged, or the formula is inside an Excel Table, "
            "where no results spill: clear those cells, or move the formula)",
        ),
        (
            "#CONNECT!",
            "the cell shows the error #CONNECT! (Excel could not reach the service the "
            "formula's data comes from (a linked data type such as Stocks, a linked workbook, "
            "Python in Excel): open the file in Excel, Data > Refresh All, save it again)",
        ),
        (
            "#EXTERNAL!",
            "the cell shows the error #EXTERNAL! (Excel's error for something outside the "
            "workbook, which Microsoft documents no further: open the file in Excel, see what "
            "the formula draws on, save it again)",
        ),
        (
            "#TIMEOUT!",
            "the cell shows the error #TIMEOUT! (the formula (most often Python in Excel) ran "
            "longer than Excel allows: open the file in Excel, run it again or raise the "
            "Python Formula Timeout (File > Options > Advanced), save it again)",
        ),
        (
            "#PYTHON!",
            "the cell shows the error #PYTHON! (the cell's Python code (Python in Excel) "
            "stopped with an error: open the file in Excel, read the cell's Diagnostics and "
            "fix the code)",
        ),
        (  # classic errors pass from cell to cell: the cause may be a cell away
            "#DIV/0!",
            "the cell shows the error #DIV/0! (the formula, or a cell it draws on, divides by "
            "0 or by an empty cell: type the number it divides by, or have the formula check "
            "for 0 first (IF(B2=0, ..., A2/B2)))",
        ),
        (
            "#REF!",
            "the cell shows the error #REF! (the formula, or a cell it draws on, refers to a "
            "cell that is gone (its row, column or tab was deleted, or cells were pasted over "
            "it): point the formula at the right cells again)",
        ),
        (
            "#NULL!",
            "the cell shows the error #NULL! (the formula, or a cell it draws on, has a space "
            "between two ranges that do not meet (Excel's intersection operator), most often "
            "where a colon or comma was meant: write A1:A9 or A1,B1)",
        ),
        (  # NA() first: a Google lookup that found nothing comes with Google's words
            "#N/A",
            "the cell shows the error #N/A (the formula, or a cell it draws on, marks its "
            "value not available (NA()) or looks up (XLOOKUP, VLOOKUP, MATCH) a value its "
            "list does not hold: type the value, or add it to the list)",
        ),
        (
            "#ERROR!",
            "the cell shows the error #ERROR! (Google Sheets could not read the formula, or "
            "a formula it draws on (a missing quote, bracket, comma or operator): fix that "
            "formula)",
        ),
    ],
)
def test_an_excel_365_error_says_what_happened_and_what_to_do(code: str, message: str) -> None:
    for parse in (parse_number, parse_text, parse_done, parse_date, parse_confidence):
        with pytest.raises(CellValueError) as info:
            parse(CellError(code))
        assert str(info.value) == message
    with pytest.raises(CellValueError) as info:
        parse_choice(CellError(code), Status)
    assert str(info.value) == message


@pytest.mark.parametrize("code", MODERN + CLASSIC)
def test_every_excel_365_error_has_words_ending_in_what_to_do(code: str) -> None:
    said = error_message(CellError(code))
    assert said.startswith(f"the cell shows the error {code} (") and said.endswith(")")
    words = said.removeprefix(f"the cell shows the error {code} (")
    assert ": " in words  # what happened: what to do
    assert len(said) < 250  # a finding line, not a help page


def test_words_are_only_for_the_codes_they_explain() -> None:
    assert sorted(EXCEL_ERROR_WORDS) == sorted(MODERN)
    assert sorted(CLASSIC_ERROR_WORDS) == sorted(CLASSIC)
    assert sorted(ERROR_WORDS) == sorted(MODERN + CLASSIC)
    # a code in other letters is not Excel's; LibreOffice's own codes have no words here
    for code in ("#spill!", "#div/0!", "#N/A!", "Err:502", "#NV"):
        assert error_message(CellError(code)) == f"the cell shows the error {code}"


def test_the_cells_own_words_come_before_ours() -> None:
    """Words read from the file or from Google (``detail``) say more about that cell."""
    error = CellError("#CALC!", "Nested arrays are not supported.")
    assert error_message(error) == (
        "the cell shows the error #CALC! (Nested arrays are not supported.)"
    )
    google = CellError("#N/A", "Did not find value 'Ops' in VLOOKUP evaluation.")
    assert error_message(google) == (
        "the cell shows the error #N/A (Did not find value 'Ops' in VLOOKUP evaluation.)"
    )


@pytest.mark.parametrize("code", ["#N/A", "#DIV/0!", "#REF!", "#SPILL!", "Err:502"])
def test_an_error_value_held_with_no_formula_says_so(code: str) -> None:
    """A typed ``#N/A``, or a column of lookups pasted as values: until 2026-12-07 its
    words blamed "the formula, or a cell it draws on", which the cell does not have, and
    sent the team lead to mend a formula instead of typing the value."""
    said = error_message(CellError(code, typed=True))
    assert said == (
        f"the cell shows the error {code} (the cell holds the error value itself, with no "
        "formula: it was typed, or pasted as a value from a formula's result; type the "
        "value in its place)"
    )
    assert "formula, or a cell it draws on" not in said
    with pytest.raises(CellValueError) as info:
        parse_number(CellError(code, typed=True))
    assert str(info.value) == said
    # no formula, so none of Google's words about one either; the same value otherwise
    assert error_message(CellError(code, "Error", typed=True)) == said
    assert CellError(code, typed=True) == CellError(code)
    # a formula's keeps its words
    assert "typed" not in error_message(CellError(code))


def test_loading_is_loading_whatever_the_cell_holds() -> None:
    assert error_message(CellError("Loading...", typed=True)).startswith(
        "the cell still showed Loading... when it was read"
    )
