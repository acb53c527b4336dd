"""A cell that reads blank because its formula holds no value: said on its row."""

from __future__ import annotations

from collections.abc import Collection, Mapping

from sheets_sync.domain.models import Finding, Severity
from sheets_sync.domain.values import QUOTED_CHARS, printable
from sheets_sync.grid import FormulaLookup, SheetGrid, a1

#: the fields whose cell makes a row an item: a row with none typed is no objective, key
#: result or KPI
_ID_FIELDS = ("objective_id", "kr_id", "id")


def uncalculated(formula: str | None, source: str, tab: str, row: int, col: int) -> Finding:
    """The warning on a cell that reads blank because its formula holds no value (a file
    saved by a program that does not calculate, as openpyxl: ``SheetGrid.uncalculated``).
    Until 2026-12-07 a Current of ``=Pipeline!B7`` so saved read as No data without a word.
    """
    quoted = _quoted(formula)
    shown = f"the formula {quoted}" if quoted else "the formula"
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


def uncalculated_skipped(
    grid: SheetGrid, header_row: int, empty: Collection[int], cols: Mapping[str, int], source: str
) -> list[Finding]:
    """One warning a tab for the formulas with no value in the read columns ``cols`` on
    rows read as empty and so skipped (``empty``, or below the grid's last row: a grid
    ends at its last value) whose ID (objective, KR or KPI ID) is one, at the first. A
    tab whose every row was such formulas validated with no word until 2026-12-07. A row
    whose ID cell is empty is no item whatever its formulas show (a Current formula
    dragged down below the last key result), and says nothing."""
    read = set(cols.values())
    ids = {cols[n] for n in _ID_FIELDS if n in cols}
    cells = [(r, c) for r, c in grid.uncalculated if c in read and r > header_row]
    rows = {r for r, c in cells if c in ids and (r > grid.max_row or r in empty)}
    skipped = [(r, c) for r, c in cells if r in rows]
    if not skipped:
        return []
    row, col = min(skipped)
    shown = _quoted(FormulaLookup(grid).formula(row, col))
    what = (
        f"{len(skipped):,} formulas on rows that read as empty hold no value, the first here"
        if len(skipped) > 1
        else "a formula on a row that reads as empty holds no value"
    )
    return [
        Finding(
            Severity.WARNING,
            f"{what}{f' ({shown})' if shown else ''}: the file was last saved by a program "
            "that does not calculate formulas (a script), so those rows are skipped; open "
            "the file in Excel or LibreOffice and save it",
            source,
            grid.name,
            a1(row, col),
        )
    ]


def _quoted(formula: str | None) -> str:
    """``formula`` as a message quotes it: cut short if long, "" for none."""
    if formula and len(formula) > QUOTED_CHARS:  # a message quotes a cell, not repeats it
        formula = f"{formula[:QUOTED_CHARS]}... ({len(formula):,} characters)"
    return printable(formula) if formula else ""
