"""Protected ranges and tabs over owned cells, judged from the read.

Google refuses a whole ``batchUpdate`` that touches a cell of a protection the service
account may not edit, with a 400 that names neither the cell nor the range ("You are
trying to edit a protected cell or object..."). The read asks for each tab's protections
(``requestingUserCanEdit`` is the account's own right), so the write can name the owned
cell and the range, and is not sent at all: nothing is half-judged at Google.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from sheets_sync.errors import PermissionDeniedError
from sheets_sync.grid import CellRange, CellWrite, as_typed, column_letter, quote_tab

FIELDS = (
    "protectedRanges(range,namedRangeId,requestingUserCanEdit,warningOnly,"
    "unprotectedRanges,description)"
)
NAMED_FIELDS = "namedRanges(namedRangeId,range)"
GOOGLE_SAYS = "protected cell or object"  # Google's 400 for a write into one
HOW = (
    "add it as an editor of that range (Data > Protect sheets and ranges) or remove the protection"
)
_BIG = 1 << 40


def _area(rng: Mapping[str, Any]) -> CellRange:
    """A ``GridRange`` as 1-based inclusive bounds; an unbounded side reaches the edge."""
    return CellRange(
        int(rng.get("startRowIndex", 0)) + 1,
        int(rng.get("startColumnIndex", 0)) + 1,
        int(rng.get("endRowIndex", _BIG)),
        int(rng.get("endColumnIndex", _BIG)),
    )


@dataclass(frozen=True)
class Protection:
    """One protection the account may not write through."""

    tab: str
    area: CellRange
    free: tuple[CellRange, ...]
    description: str

    def refuses(self, row: int, col: int) -> bool:
        return (row, col) in self.area and not any((row, col) in f for f in self.free)

    def label(self) -> str:
        """The protection as its A1 range names it, the tab as a formula does (``'Q1
        OKRs'!C:D``: until 2026-12-07 ``Q1 OKRs!C:D``, no A1 reference); a whole tab in
        words, as typed (``the protected tab "Q1 OKRs"``: a formula's quoting until
        2026-12-07)."""
        a, tab = self.area, quote_tab(self.tab)
        rows_open, cols_open = a.max_row >= _BIG, a.max_col >= _BIG
        if rows_open and cols_open and a.min_row == 1 and a.min_col == 1:
            text = f"the protected tab {as_typed(self.tab)}"
        elif rows_open and a.min_row == 1:
            text = f"the protected range {tab}!{column_letter(a.min_col)}:" + (
                column_letter(a.max_col) if not cols_open else ""
            )
        elif cols_open and a.min_col == 1:
            text = f"the protected range {tab}!{a.min_row}:{a.max_row}"
        else:
            text = f"the protected range {tab}!{a}"
        return text + (f' ("{self.description}")' if self.description else "")


def protections(
    sheet: Mapping[str, Any], tab: str, named: Mapping[str, Mapping[str, Any]]
) -> list[Protection]:
    """The protections of one tab of the read that refuse the account's writes; a
    warning-only one only warns people in the UI and never stops an API write."""
    found = []
    for prot in sheet.get("protectedRanges", []):
        if prot.get("requestingUserCanEdit") or prot.get("warningOnly"):
            continue
        rng = prot.get("range")
        if rng is None and prot.get("namedRangeId"):
            rng = named.get(str(prot["namedRangeId"]), {}).get("range")
        if rng is None:
            continue
        free = tuple(_area(u) for u in prot.get("unprotectedRanges", []))
        found.append(Protection(tab, _area(rng), free, str(prot.get("description", ""))))
    return found


def named_ranges(body: Mapping[str, Any]) -> dict[str, Mapping[str, Any]]:
    return {str(n.get("namedRangeId")): n for n in body.get("namedRanges", [])}


def check(
    writes: Iterable[CellWrite],
    found: Mapping[str, list[Protection]],
    email: str,
    source: str,
) -> None:
    """Refuse, naming the first owned cell a protection covers, before anything is sent:
    first in sheet order (row, then column, each tab's together), as a dry run lists them;
    until 2026-12-07 the first written, a row's Score before its Status left of it."""
    tabs: dict[str, int] = {}
    for w in sorted(writes, key=lambda w: (tabs.setdefault(w.sheet, len(tabs)), w.row, w.col)):
        for prot in found.get(w.sheet, []):
            if prot.refuses(w.row, w.col):
                raise PermissionDeniedError(
                    f"in {prot.label()}, which {email} may not edit: {HOW}; nothing written",
                    source=source,
                    tab=w.sheet,
                    cell=f"{column_letter(w.col)}{w.row}",
                )


def protected_since_read(message: str, source: str, status: int | None) -> PermissionDeniedError:
    """Google's 400 for a protection made between the read and the write."""
    google = message.split(": ", 1)[-1]
    return PermissionDeniedError(
        "Google refused the write: a cell it writes was protected after the read, and the "
        f"account may not edit it ({google}); nothing written",
        source=source,
        status=status,
    )


def covering(found: Iterable[Protection], rows: int, cols: int) -> Protection | None:
    """The first protection refusing a cell of rows 1..``rows`` x columns 1..``cols``: a
    rollup tab is rewritten whole."""
    for prot in found:
        a = prot.area
        for row in range(a.min_row, min(a.max_row, rows) + 1):
            for col in range(a.min_col, min(a.max_col, cols) + 1):
                if prot.refuses(row, col):
                    return prot
    return None


def refuse_tab(prot: Protection, tab: str, email: str, source: str) -> PermissionDeniedError:
    return PermissionDeniedError(
        f"rollup tab {as_typed(tab)} is in {prot.label()}, which {email} may not edit: "
        f"{HOW}; nothing written",
        source=source,
    )
