"""What a team lead reads for a cell that shows an error value (``#REF!``, Google's
``Loading...``): the error as the cell shows it, and the words that say why, so the cell
can be fixed without opening a help page."""

from __future__ import annotations

from sheets_sync.domain.celltext import printable
from sheets_sync.grid import LOADING, CellError

#: The most characters of Google's words for an error a message quotes.
ERROR_DETAIL_CHARS = 200

_AGAIN = "open the file in Excel, let it finish, save it again"
#: Why a cell shows one of Excel's error values, and what to do, as Microsoft's references
#: describe them (Office.js ``ErrorCellValueType`` and its sub-types, #PYTHON! and
#: #TIMEOUT! in its preview; Excel's support pages "How to correct a #X error"). The file
#: keeps no words of its own for them, and "the cell shows the error #BUSY!" alone left
#: the team lead searching (until 2026-12-06). The classic ones (``CLASSIC_ERROR_WORDS``)
#: too: "well known" to whoever wrote the formula, not to the team lead reading the finding.
EXCEL_ERROR_WORDS = {
    "#SPILL!": (
        "a cell below or right of the formula, where its results go, is not empty or is "
        "merged, or the formula is inside an Excel Table, where no results spill: clear "
        "those cells, or move the formula"
    ),
    "#CALC!": (
        "Excel could not calculate the formula, most often a list that came out empty "
        "(a FILTER that matched nothing): give it a value for that case"
    ),
    "#GETTING_DATA": f"Excel had not finished fetching the data when the file was saved: {_AGAIN}",
    "#BUSY!": (
        "Excel was still working on the formula (an external link, a picture loading) "
        f"when the file was saved: {_AGAIN}"
    ),
    "#CONNECT!": (
        "Excel could not reach the service the formula's data comes from (a linked data "
        "type such as Stocks, a linked workbook, Python in Excel): open the file in "
        "Excel, Data > Refresh All, save it again"
    ),
    "#BLOCKED!": (
        "Excel blocked what the formula needs (a linked data type, a linked workbook, "
        "Python in Excel) by a privacy or admin setting: allow it, or type the value instead"
    ),
    "#UNKNOWN!": (
        "the cell holds a kind of data the Excel that saved the file does not know: save "
        "it from a current Excel (Microsoft 365), or type the value instead"
    ),
    "#FIELD!": (
        "the formula asks a linked data type (Stocks, Geography) for a field its value "
        "does not have: pick one of its fields"
    ),
    "#EXTERNAL!": (  # Microsoft describes it by its name only: no guess at a cause
        "Excel's error for something outside the workbook, which Microsoft documents no "
        "further: open the file in Excel, see what the formula draws on, save it again"
    ),
    "#TIMEOUT!": (
        "the formula (most often Python in Excel) ran longer than Excel allows: open the "
        "file in Excel, run it again or raise the Python Formula Timeout (File > Options > "
        "Advanced), save it again"
    ),
    "#PYTHON!": (
        "the cell's Python code (Python in Excel) stopped with an error: open the file in "
        "Excel, read the cell's Diagnostics and fix the code"
    ),
}


#: The seven error values every Excel has (and Google Sheets, with its own #ERROR!), after
#: Microsoft's "How to correct a #X error" pages and Google's error list: what the formula
#: met, then the usual fix. A Google cell brings Google's words (``detail``), which say
#: more about that cell and come first; these are for an Excel file's, or a Google cell
#: read with none. Until 2026-12-06 each read bare (``the cell shows the error #N/A``).
#: Each passes from cell to cell (``=F6*2`` shows F6's #DIV/0!), so each says "the
#: formula, or a cell it draws on": the cause may be a cell away. #N/A starts with NA():
#: a Google lookup that found nothing comes with Google's words, so a Google #N/A with
#: none is almost always an ``=NA()``. A cell holding the error value with no formula
#: (``CellError.typed``) has words of its own, ``TYPED_ERROR_WORDS``.
_DRAWS_ON = "the formula, or a cell it draws on,"
CLASSIC_ERROR_WORDS = {
    "#DIV/0!": (
        f"{_DRAWS_ON} divides by 0 or by an empty cell: type the number it divides by, or "
        "have the formula check for 0 first (IF(B2=0, ..., A2/B2))"
    ),
    "#N/A": (
        f"{_DRAWS_ON} marks its value not available (NA()) or looks up (XLOOKUP, VLOOKUP, "
        "MATCH) a value its list does not hold: type the value, or add it to the list"
    ),
    "#VALUE!": (
        f"{_DRAWS_ON} got a value of the wrong kind, most often text (a word, a space) "
        "where it does arithmetic: type a number in the cells it uses, or fix the formula"
    ),
    "#REF!": (
        f"{_DRAWS_ON} refers to a cell that is gone (its row, column or tab was deleted, "
        "or cells were pasted over it): point the formula at the right cells again"
    ),
    "#NAME?": (
        f"{_DRAWS_ON} holds a name Excel does not know (a misspelt function or defined "
        "name, or text without quotes): fix the spelling, or put the text in quotes"
    ),
    "#NUM!": (
        f"{_DRAWS_ON} met a number it cannot use: an impossible calculation (a square root "
        "of a negative number), a result too large, or an IRR or RATE that found no "
        "answer: check the numbers it uses"
    ),
    "#NULL!": (
        f"{_DRAWS_ON} has a space between two ranges that do not meet (Excel's "
        "intersection operator), most often where a colon or comma was meant: write A1:A9 "
        "or A1,B1"
    ),
    "#ERROR!": (
        "Google Sheets could not read the formula, or a formula it draws on (a missing "
        "quote, bracket, comma or operator): fix that formula"
    ),
}

#: every error value's words, by its code as the cell stores it
ERROR_WORDS = EXCEL_ERROR_WORDS | CLASSIC_ERROR_WORDS

#: The words for an error value a cell holds with no formula (``CellError.typed``): typed
#: (Excel stores a typed ``#N/A`` as the error value), or pasted as values from a column
#: of lookups (copy, Paste Values). "The formula, or a cell it draws on" named a formula
#: the cell does not have, and its fix (mend the formula) was not this one (until
#: 2026-12-07).
TYPED_ERROR_WORDS = (
    "the cell holds the error value itself, with no formula: it was typed, or pasted as a "
    "value from a formula's result; type the value in its place"
)


def error_message(error: CellError) -> str:
    """Why the cell's value cannot be read: the error it shows, with Google's words for
    it (``detail``) when there are any, else ours (``ERROR_WORDS``); for an error value
    held with no formula (``typed``), that it is one."""
    if error.code == LOADING:  # fetching, not broken: read at 4 am, nobody had it open
        return (
            "the cell still showed Loading... when it was read (its formula, such as "
            "IMPORTRANGE or GOOGLEFINANCE, had not fetched its data yet); the next run "
            "reads it again"
        )
    if error.typed:  # no formula to blame, nor words of Google's about one
        return f"the cell shows the error {error.code} ({TYPED_ERROR_WORDS})"
    detail = " ".join(error.detail.split())
    if detail and detail != error.code:
        if len(detail) > ERROR_DETAIL_CHARS:
            detail = detail[: ERROR_DETAIL_CHARS - 3] + "..."
        return f"the cell shows the error {error.code} ({printable(detail)})"
    if (words := ERROR_WORDS.get(error.code)) is not None:
        return f"the cell shows the error {error.code} ({words})"
    return f"the cell shows the error {error.code}"
