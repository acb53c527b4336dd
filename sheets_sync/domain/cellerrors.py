"""What a team lead reads for a cell that shows an error value (``#REF!``, Google's
``Loading...``): the error as the cell shows it, and the words that say why, so the cell
can be fixed without opening a help page."""

from __future__ import annotations

from sheets_sync.domain.celltext import printable
from sheets_sync.grid import LOADING, CellError

#: The most characters of Google's words for an error a message quotes.
ERROR_DETAIL_CHARS = 200


def error_message(error: CellError) -> str:
    """Why the cell's value cannot be read: the error it shows, with Google's words for
    it (``detail``) when there are any."""
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
    return f"the cell shows the error {error.code}"
