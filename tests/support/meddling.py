"""A person who edits a team's workbook while the night runs: after the sync read it,
before its write, so the write must see the file changed and leave it alone."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import openpyxl

from sheets_sync.backends.excel.backend import ExcelBackend
from sheets_sync.config import TeamSpec, Workspace
from sheets_sync.grid import CellWrite, WorkbookData


def edited_before_the_write(team_file: Path) -> Callable[[TeamSpec, Workspace], ExcelBackend]:
    """A backend factory for ``Sync(factory=...)``: each write first has ``team_file``'s
    OKRs!Q2 typed over and saved, as by a person meanwhile."""

    class Meddling(ExcelBackend):
        def write(self, data: WorkbookData, writes: Sequence[CellWrite]) -> None:
            wb = openpyxl.load_workbook(team_file)
            wb["OKRs"]["Q2"] = "edited by a person meanwhile"
            wb.save(team_file)
            super().write(data, writes)

    def factory(spec: TeamSpec, workspace: Workspace) -> ExcelBackend:
        assert spec.path is not None
        return Meddling(spec.path, display_name=spec.display_name)

    return factory
