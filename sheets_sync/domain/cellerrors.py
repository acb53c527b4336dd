"""What a team lead reads for a cell that shows an error value (``#REF!``, Google's
``Loading...``): the error as the cell shows it, and the words that say why, so the cell
can be fixed without opening a help page."""

from __future__ import annotations

from sheets_sync.domain.celltext import printable
from sheets_sync.grid import LOADING, CellError

#: The most characters of Google's words for an error a message quotes.
ERROR_DETAIL_CHARS = 200

_AGAIN = "open the file in Excel, let it finish, save it again"
#: Why a cell shows one of Excel 365's error values, and what to do, as Microsoft's
#: references describe them (Office.js ``ErrorCellValueType`` and its sub-types, #PYTHON!
#: and #TIMEOUT! in its preview; Excel's support pages "How to correct a #X error"). The
#: file keeps no words of its own for them, and "the cell shows the error #BUSY!" alone
#: left the team lead searching (until 2026-12-06); the classic ones (#DIV/0!, #REF!)
#: are well known, and a Google cell's come with Google's words.
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


def error_message(error: CellError) -> str:
    """Why the cell's value cannot be read: the error it shows, with Google's words for
    it (``detail``) when there are any, else ours for an Excel 365 error value."""
    if error.code == LOADING:  # fetching, not broken: read at 4 am, nobody had it open
        return (
            "the cell still showed Loading... when it was read (its formula, such as "
            "IMPORTRANGE or GOOGLEFINANCE, had not fetched its data yet); the next run "
            "reads it again"
        )
    detail = " ".join(error.detail.split())
    if detail and detail != error.code:
        if len(detail) > ERROR_DETAIL_CHARS:
            detail = detail[: ERROR_DETAIL_CHARS - 3] + "..."
        return f"the cell shows the error {error.code} ({printable(detail)})"
    if (words := EXCEL_ERROR_WORDS.get(error.code)) is not None:
        return f"the cell shows the error {error.code} ({words})"
    return f"the cell shows the error {error.code}"
