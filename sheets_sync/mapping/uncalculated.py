"""A cell that reads blank because its formula holds no value: said on its row."""

from __future__ import annotations

from sheets_sync.domain.models import Finding, Severity
from sheets_sync.domain.values import QUOTED_CHARS, printable
from sheets_sync.grid import a1


def uncalculated(formula: str | None, source: str, tab: str, row: int, col: int) -> Finding:
    """The warning on a cell that reads blank because its formula holds no value (a file
    saved by a program that does not calculate, as openpyxl: ``SheetGrid.uncalculated``).
    Until 2026-12-07 a Current of ``=Pipeline!B7`` so saved read as No data without a word.
    """
    if formula and len(formula) > QUOTED_CHARS:  # a message quotes a cell, not repeats it
        formula = f"{formula[:QUOTED_CHARS]}... ({len(formula):,} characters)"
    shown = f"the formula {printable(formula)}" if formula else "the formula"
    return Finding(
        Severity.WARNING,
        f"{shown} holds no value: the file was last saved by a program that does not "
        "calculate formulas (a script), so it reads as empty; open the file in Excel or "
        "LibreOffice and save it",
        source,
        tab,
        a1(row, col),
        row=row,
    )
