"""A cell that reads blank because its formula holds no value: said on its row, and once a
tab for rows that read as empty because of them."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping

from sheets_sync.domain.models import Finding, Severity
from sheets_sync.domain.values import QUOTED_CHARS, printable
from sheets_sync.grid import CellError, CellValue, FormulaLookup, SheetGrid, a1

#: the fields whose cell makes a row an item: a row with none typed is no objective, key
#: result or KPI
_ID_FIELDS = ("objective_id", "kr_id", "id")


def blank_uncalculated(
    values: dict[str, CellValue], items: Iterable[tuple[str, int]], grid: SheetGrid, row: int
) -> frozenset[str]:
    """The fields of row ``row``'s read cells (``items``: field, column) holding a formula
    with no value, for fill-down to leave alone; those with an error type (``t="e"``,
    read as ``#VALUE!``) made blank in ``values``, before the row's blank test: a row
    whose only cells were such became a record with no IDs ("KR ID is missing" beside the
    warning) until 2026-12-07, not an empty row said once."""
    uncalculated, unknown = grid.uncalculated, []
    for name, col in items:
        if (row, col) in uncalculated:
            unknown.append(name)
            if isinstance(values[name], CellError):
                values[name] = None
    return frozenset(unknown)


def said_uncalculated(
    items: Iterable[tuple[str, int]],
    grid: SheetGrid,
    formulas: FormulaLookup,
    source: str,
    row: int,
) -> list[Finding]:
    """The warnings on row ``row``'s read cells (``items``: field, column) holding a
    formula with no value: blank in the row's values already (``blank_uncalculated``
    blanks one with an error type; fill-down leaves them alone)."""
    return [
        uncalculated(grid, formulas, source, row, col)
        for _name, col in items
        if (row, col) in grid.uncalculated
    ]


def uncalculated(
    grid: SheetGrid, formulas: FormulaLookup, source: str, row: int, col: int
) -> Finding:
    """The warning on a cell that reads blank because its formula holds no value (a file
    saved by a program that does not calculate, as openpyxl: ``SheetGrid.uncalculated``).
    Until 2026-12-07 a Current of ``=Pipeline!B7`` so saved read as No data without a word.
    """
    text, master = _formula(grid, formulas, row, col)
    shown = f"the formula {text}" if text else "the formula"
    if master:  # a shared formula's other cell: the text is the master's, as written there
        shown += f" (shared from {master})"
    return Finding(
        Severity.WARNING,
        f"{shown} holds no value: the file was last saved by a program that does not "
        f"calculate formulas (a script), so it reads as empty; {_remedy(grid, [(row, col)])}",
        source,
        grid.name,
        a1(row, col),
        row=row,
    )


def _remedy(grid: SheetGrid, cells: Iterable[tuple[int, int]]) -> str:
    """What makes the formulas of ``cells`` hold values. A script's placeholder 0s
    (XlsxWriter's, ``SheetGrid.placeholder_values``) are kept by a LibreOffice set as it
    ships, which does not recalculate an Excel file on load: it saves them as values. A
    formula saved with no value at all (openpyxl's, in a workbook with the same
    ``calcPr``) it does calculate: until 2026-12-07 every cell of such a tab got the
    advice for 0s."""
    placeholders = grid.placeholder_values
    if placeholders and any(cell in placeholders for cell in cells):
        return (
            "open the file in Excel and save it (in LibreOffice, Data > Calculate > "
            "Recalculate Hard before saving: it keeps the script's 0s otherwise)"
        )
    return "open the file in Excel or LibreOffice and save it"


def _formula(grid: SheetGrid, formulas: FormulaLookup, row: int, col: int) -> tuple[str, str]:
    """The formula of cell (row, col) as a message quotes it ("" unknown), and the master
    cell it is shared from ("" when it is its own). Until 2026-12-07 a shared formula's
    other cell said ``the formula holds no value``, naming none."""
    text = formulas.formula(row, col)
    if not text and (master := grid.shared_from.get((row, col))) is not None:
        return _quoted(formulas.formula(*master)), a1(*master)
    return _quoted(text), ""


def uncalculated_skipped(
    grid: SheetGrid, header_row: int, empty: Collection[int], cols: Mapping[str, int], source: str
) -> list[Finding]:
    """One warning a tab for the formulas with no value in the read columns ``cols`` on
    rows read as empty and so skipped (``empty``, or below the grid's last row: a grid
    ends at its last value) whose ID (objective, KR or KPI ID) is one, at the first. A
    tab whose every row was such formulas validated with no word until 2026-12-07. A row
    whose ID cell is empty is no item whatever its formulas show (a Current formula
    dragged down below the last key result), and says nothing. Then the warning on each
    such formula atop a merge whose first row is hidden (skipped) that its shown rows
    show (``_hidden_merged``)."""
    read = set(cols.values())
    ids = {cols[n] for n in _ID_FIELDS if n in cols}
    cells = [(r, c) for r, c in grid.uncalculated if c in read and r > header_row]
    rows = {r for r, c in cells if c in ids and (r > grid.max_row or r in empty)}
    skipped = [(r, c) for r, c in cells if r in rows]
    merged = _hidden_merged(grid, header_row, read, skipped, source)
    if not skipped:
        return merged
    row, col = min(skipped)
    text, master = _formula(grid, FormulaLookup(grid), row, col)
    shown = ", ".join(filter(None, (text, master and f"shared from {master}")))
    what = (
        f"{len(skipped):,} formulas on rows that read as empty hold no value, the first here"
        if len(skipped) > 1
        else "a formula on a row that reads as empty holds no value"
    )
    # one row: "that row is skipped" (until 2026-12-07 "those rows", whatever their number)
    skips = "those rows are skipped" if len(rows) > 1 else "that row is skipped"
    return [
        Finding(
            Severity.WARNING,
            f"{what}{f' ({shown})' if shown else ''}: the file was last saved by a program "
            f"that does not calculate formulas (a script), so {skips}; {_remedy(grid, skipped)}",
            source,
            grid.name,
            a1(row, col),
        ),
        *merged,
    ]


def _hidden_merged(
    grid: SheetGrid,
    header_row: int,
    read: Collection[int],
    said: Collection[tuple[int, int]],
    source: str,
) -> list[Finding]:
    """The warnings on the formulas with no value in read columns ``read`` atop merges
    whose first row is hidden, so skipped, and another shown: the shown rows show that
    cell, unknown (``FillDown`` leaves it so). Until 2026-12-07 nothing was said of it but
    "objective O1 already has title", its rows scored under the objective above. Cells
    ``said`` already (a skipped row's) are not said again."""
    hidden, formulas = grid.hidden_rows, FormulaLookup(grid)
    return [
        uncalculated(grid, formulas, source, box.min_row, box.min_col)
        for box in sorted(grid.merged, key=lambda b: (b.min_row, b.min_col))
        if box.min_row > header_row
        and box.min_row in hidden
        and box.min_col in read
        and (box.min_row, box.min_col) in grid.uncalculated
        and (box.min_row, box.min_col) not in said
        and any(r not in hidden for r in range(box.min_row + 1, box.max_row + 1))
    ]


def _quoted(formula: str | None) -> str:
    """``formula`` as a message quotes it: cut short if long, "" for none."""
    if formula and len(formula) > QUOTED_CHARS:  # a message quotes a cell, not repeats it
        formula = f"{formula[:QUOTED_CHARS]}... ({len(formula):,} characters)"
    return printable(formula) if formula else ""
