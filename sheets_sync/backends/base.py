"""The one small interface the sync engine needs from a spreadsheet backend."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from sheets_sync.grid import HEADER_FILL_ROWS, CellWrite, WorkbookData


class Backend(Protocol):
    """A team's source (one workbook or one Google spreadsheet).

    ``read`` returns the named tabs (all tabs' names are listed in ``sheet_names``), the
    owned header's grey-blue read in their first ``header_rows`` rows;
    ``write`` applies owned-cell writes, atomically, and raises ``ConflictError`` when the
    source changed since ``data`` was read, ``FileLockedError`` when someone has it open.
    """

    @property
    def display_name(self) -> str: ...

    def read(self, tabs: Sequence[str], header_rows: int = HEADER_FILL_ROWS) -> WorkbookData: ...

    def write(self, data: WorkbookData, writes: Sequence[CellWrite]) -> None: ...
