"""Find the header row and columns of each tab and cut it into typed-later row records.

Pure: works on ``SheetGrid`` values from any backend. Problems that make a whole tab
unreadable raise ``LayoutError``; everything else is a ``Finding`` and the rest goes on.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Literal, TypeGuard

from sheets_sync.domain.models import Finding, Period, Severity
from sheets_sync.domain.units import is_units_row
from sheets_sync.domain.values import (
    EXCEL_EPOCH,
    is_percent_text,
)
from sheets_sync.errors import LayoutError
from sheets_sync.grid import (
    DATE_EPOCH,
    OWNED_FILLS,
    BoxIndex,
    CellRange,
    CellValue,
    FormulaLookup,
    RowCells,
    SheetGrid,
    WorkbookData,
    a1,
    as_typed,
)
from sheets_sync.mapping.blocks import (
    blank,
    block_columns,
    block_row,
    objective_too,
    unknown_header,
    unknown_objective_row,
)
from sheets_sync.mapping.examples import example_left, is_example, skipped_example
from sheets_sync.mapping.fields import KPI_OWNED, OKR_OWNED, normalise_header
from sheets_sync.mapping.filldown import FillDown
from sheets_sync.mapping.header import (
    HeaderMap,
    find_header,
    looked_for,
    missing_columns,
    repeats_header,
)
from sheets_sync.mapping.hidden_rows import hidden_said
from sheets_sync.mapping.named_objective import named_elsewhere
from sheets_sync.mapping.near_tabs import missing_tab, near_tabs, twin_tabs
from sheets_sync.mapping.room import check_room, first_free_col, hidden_warning, renamed_warnings
from sheets_sync.mapping.spec import MappingSpec, TabSpec
from sheets_sync.mapping.tab_choice import find_sheet, mapping_sheets, refuse_one_tab
from sheets_sync.mapping.uncalculated import (
    blank_uncalculated,
    said_uncalculated,
    uncalculated_skipped,
)
from sheets_sync.pickling import fast_pickle

RowKind = Literal["kr", "objective", "kpi"]


@fast_pickle
@dataclass(frozen=True, slots=True)
class RowRecord:
    row: int
    kind: RowKind
    values: Mapping[str, CellValue]
    cells: Mapping[str, str]
    #: the value fields (``PERCENT_CHECKED``) whose cells show a percentage
    percent: frozenset[str] = frozenset()
    #: a key result that reads as an objective header too (``blocks.objective_too``)
    objective_too: bool = False
    #: a key result under an objective header row of formulas with no value (objective
    #: blocks), or whose objective ID a formula with no value above left unknown (rows: a
    #: hidden merge's top-left cell, or a shown cell above its blank): that row, which its
    #: "objective ID is missing" names; 0 for none
    unknown_objective: int = 0
    #: the fields filled down from a row above (``fill_down``; a key result's objective
    #: cells from its header row), each with the (row, column) it was typed in: an error
    #: there is that cell's, said once (``RowReader``)
    filled: tuple[tuple[str, int, int], ...] = ()
    #: the Confidence cell is in a percent format and holds a number over 1: the error of
    #: the percentage it shows (``parse_confidence``'s ``percent_cell``)
    percent_confidence: bool = False


#: The fields of a row whose percent format lint compares with its unit and its other
#: values (and, for a weight, with the other weights of its objective): of a key result,
#: and of a KPI, whose Amber threshold typed 10% read 0.1 of a count without a word.
PERCENT_CHECKED: Mapping[RowKind, tuple[str, ...]] = {
    "kr": ("start", "target", "current", "weight"),
    "kpi": ("target", "lower", "upper", "amber_threshold", "actual", "previous"),
}


@fast_pickle
@dataclass(frozen=True, slots=True)
class TabLayout:
    """Where things are on one tab; the write plan uses it to address owned cells."""

    tab: str
    header_row: int
    columns: Mapping[str, int]
    owned: tuple[str, ...]
    missing_owned: tuple[str, ...]
    first_free_col: int
    owned_headers: Mapping[str, str] = field(default_factory=dict)
    merged_owned: frozenset[tuple[int, int]] = frozenset()
    #: objective blocks: a key result with no objective ID is one above the first
    #: objective row (in a layout of a row per key result, its ID is missing)
    blocks: bool = False
    #: a key-result tab with no Start column: the field with what the mapping looked for
    #: (``header.looked_for``), said once at the tab for the number key results that need
    #: it, which failed each alone (until 2026-12-07); "" when the tab has one
    no_start: str = ""

    def column_of(self, name: str) -> int:
        if name in self.columns:
            return self.columns[name]
        return self.first_free_col + self.missing_owned.index(name)


# Shared by every slimmed record (one object each in a pickle); never mutated.
_NO_VALUES: Mapping[str, CellValue] = {}
_NO_CELLS: Mapping[str, str] = {}


@fast_pickle
@dataclass(frozen=True, slots=True)
class TabExtract:
    layout: TabLayout
    records: tuple[RowRecord, ...]
    owned_values: Mapping[tuple[int, int], CellValue]
    #: the owned cells holding a formula, with its text (``SheetGrid.formula``): written
    #: whatever their value, so a formula dragged down an owned column goes whole
    owned_formulas: Mapping[tuple[int, int], str] = field(default_factory=dict)
    #: each owned Status cell's fill (the plan reads no other), one of ``grid.OWNED_FILLS``
    #: or "" for another or none; None where the backend reads no fills: a Status cell
    #: recoloured by hand is recoloured
    owned_fills: Mapping[tuple[int, int], str] | None = None

    def for_writing(self) -> TabExtract:
        """The tab without its rows' input values: once they are domain objects, a write
        plan needs each row's number and kind only (a night keeps a read of every team)."""
        rows = tuple(RowRecord(r.row, r.kind, _NO_VALUES, _NO_CELLS) for r in self.records)
        return replace(self, records=rows)


@fast_pickle
@dataclass(frozen=True, slots=True)
class Extract:
    source: str
    okrs: TabExtract
    kpis: TabExtract | None
    findings: tuple[Finding, ...]
    #: day 0 of the workbook's plain-number dates (``grid.DATE_EPOCH``); parse.py counts
    #: Due date / As of numbers from it, and refuses one that is no day of it
    epoch: dt.date = EXCEL_EPOCH

    def for_writing(self) -> Extract:
        kpis = self.kpis.for_writing() if self.kpis is not None else None
        return replace(self, okrs=self.okrs.for_writing(), kpis=kpis)


def _noting(failed: LayoutError, said: tuple[str, ...]) -> LayoutError:
    """``failed`` with the tab's mapping warnings after its message (``TabSpec.said``): a
    tab that fails is not read, so they were lost with it (until 2026-12-07), though the
    setting was often the cause."""
    if not said:
        return failed
    notes = "; ".join([failed.message, *(f"note: {m}" for m in said)])
    return LayoutError(notes, source=failed.source, tab=failed.tab, cell=failed.cell)


def _named_missing(
    spec: TabSpec,
    columns: Mapping[str, int],
    owned: tuple[str, ...],
    grid: SheetGrid,
    header_row: int,
    source: str,
) -> list[Finding]:
    """An optional field whose headers the mapping names and the header row lacks
    (``weight: [Wt]``): passed over without a word (until 2026-12-07), every weight 1.
    Not a field the sync writes (it adds the column), nor a built-in's (``TabSpec.named``),
    nor one whose header is there but another field's (``spec_checks.shadowed`` says so)."""
    if not spec.named:
        return []
    row = grid.rows[header_row - 1] if header_row <= len(grid.rows) else ()
    there = {normalise_header(v) for v in row if v is not None}
    return [
        Finding(
            Severity.WARNING,
            f"{label}: no column headed {' or '.join(map(as_typed, spec.columns[f]))} in "
            f"header row {header_row}, so {f} is not read; add the column, or name the "
            "header it has",
            source,
            grid.name,
        )
        for f, label in spec.named.items()
        if f not in columns
        and f not in owned
        and f in spec.columns
        and not any(normalise_header(h) in there for h in spec.columns[f])
    ]


def _is_one(value: object) -> bool:
    """The number 1 (no checkbox), a percent cell's typed 100%, filled into a row from a
    merge whose first row is hidden (``FillDown._merge_value``): read 1 of 10 till 12-07."""
    return _number(value) and value == 1


def _over_percent(grid: SheetGrid, cell: tuple[int, int], value: object) -> bool:
    """A number over 1 from a percent confidence cell (``cell``: the row's own, or the one
    it was filled down from, whose 2 read 2 of 10 below until 2026-12-07): the percentage
    it shows (``parse_confidence``'s ``percent_cell``), a step over 1 100%, 2 the error of
    200% (read 2 of 10 until 2026-12-07). Made text and parsed again, 1.00001 (100.001%)
    was "ambiguous (thousands dot ...)" and 1e20 (1e+22%) "expected a number" (until
    2026-12-07)."""
    return _number(value) and value > 1 and cell in grid.percent_cells


def extract_tab(
    grid: SheetGrid,
    spec: TabSpec,
    *,
    source: str,
    owned: tuple[str, ...],
    kind: Literal["okrs", "kpis"],
) -> tuple[TabExtract, list[Finding]]:
    findings: list[Finding] = []
    try:
        header_row, header = find_header(grid, spec, source)
        columns = header.found
        missing = [c for c in spec.required_columns if c not in columns]
        if missing:
            raise LayoutError(
                missing_columns(spec, missing, header, grid, header_row),
                source=source,
                tab=grid.name,
            )
        for why in header.refused.values():  # no column the sync may write: none written
            raise LayoutError(why, source=source, tab=grid.name)
    except LayoutError as failed:  # its setting's warning was lost with it (until 2026-12-07)
        raise _noting(failed, spec.said) from None
    findings += [Finding(Severity.WARNING, m, source, grid.name) for m in spec.said]  # mapping's
    findings += [Finding(Severity.WARNING, m, source, grid.name, c) for c, m in header.warnings]
    findings += _named_missing(spec, columns, owned, grid, header_row, source)
    input_cols = {n: c for n, c in columns.items() if n not in owned}
    missing_owned = tuple(o for o in owned if o not in columns)
    merged_at = BoxIndex(grid.merged)  # not a scan per cell: rows x cells x merges
    block_cols = block_columns(input_cols, spec)
    records: list[RowRecord] = []
    owned_values: dict[tuple[int, int], CellValue] = {}
    merged_owned: set[tuple[int, int]] = set()
    owned_formulas: dict[tuple[int, int], str] = {}
    owned_fills: dict[tuple[int, int], str] = {}
    fills = grid.fills
    carry: dict[str, CellValue] = {}  # objective blocks: the block's header
    filled = FillDown(spec.fill_down, grid, input_cols)  # rows
    empty_rows: set[int] = set()  # rows read as empty, if any formula holds no value
    unread: list[int] = []  # hidden rows of data: said once a tab (``hidden_said``)
    formulas = FormulaLookup(grid)
    # hot (rows x columns): cells taken from the row's tuple; merges sought only if any
    input_items, merges = tuple(input_cols.items()), bool(grid.merged)
    head = grid.rows[header_row - 1]
    for row in range(header_row + 1, grid.max_row + 1):
        line = grid.rows[row - 1]  # row >= 1: below the header
        width = len(line)
        values = {n: line[c - 1] if c <= width else None for n, c in input_items}
        if (row, input_cols.get("confidence", 0)) in grid.percent_ones:  # 1 of 10 otherwise
            values["confidence"] = "100%"  # as typed (a number over 1: ``_over_percent``)
        unknown: frozenset[str] = frozenset()  # cells of formulas with no value: not filled
        if grid.uncalculated:  # a formula with no value is blank, though typed as an error
            unknown = blank_uncalculated(values, input_items, grid, row)
        if row == header_row + 1 and _units_row(values, unknown, grid, row, input_items):
            continue  # | % | EUR | days | under the header: read as data until 2026-12-07
        if all(blank(v) or v is False for n, v in values.items() if n != "comment"):
            if grid.uncalculated:  # said once a tab, after the rows
                empty_rows.add(row)
                if spec.layout == "objective_blocks" and unknown:
                    unknown_header(unknown, spec, carry, row)
            continue  # empty, a note in the Comment column, unchecked checkboxes (FALSE)
        if row in grid.hidden_rows or row in grid.total_rows:
            unread += [row] if row in grid.hidden_rows else []
            continue
        if is_example(values, spec.example_prefix):
            where = (source, grid.name)
            findings += skipped_example(values, input_cols, row, spec.example_prefix, where, head)
            continue
        if repeats_header(values, spec, line, head):
            continue
        findings += example_left(values, input_cols, row, spec.example_prefix, (source, grid.name))
        under_merge: dict[str, CellRange] = {}  # cells a merge from a row above covers
        for name, col in input_items if merges else ():
            merged = merged_at.find(row, col)
            if merged is not None and row != merged.min_row:
                under_merge[name] = merged
            if merged is not None and row != merged.min_row and name not in spec.fill_down:
                findings.append(
                    Finding(
                        Severity.WARNING,
                        f"{a1(row, col)} is inside merged cells {merged}; "
                        "only the first row's value is read, unmerge to give each row its own",
                        source,
                        grid.name,
                        a1(row, col),
                        row=row,
                    )
                )
        if grid.uncalculated:
            findings += said_uncalculated(input_items, grid, formulas, source, row)
        cells = RowCells(input_cols, row)
        row_kind: RowKind = "kpi" if kind == "kpis" else "kr"
        doubt, unknown_above = False, 0
        if spec.layout == "objective_blocks":
            doubt = objective_too(values, spec, carry)
            from_above: dict[str, tuple[int, int]] = {}
            row_kind, values, cells = block_row(
                values, row, spec, carry, block_cols, unknown, from_above
            )
            unknown_above = unknown_objective_row(carry) if row_kind == "kr" else 0
        else:
            from_above = filled.fill(values, row, under_merge, unknown)
            if blank(values.get("objective_id")):
                unknown_above = filled.unknown_row("objective_id", row)
        cell = from_above.get("confidence", (row, input_cols.get("confidence", 0)))
        if cell in grid.percent_ones and _is_one(values.get("confidence")):
            values["confidence"] = "100%"  # from a hidden merge's top-left: 1 of 10 until 12-07
        over = bool(grid.percent_cells) and _over_percent(grid, cell, values.get("confidence"))
        percent: frozenset[str] = frozenset()
        if row_kind != "objective":  # a value filled down: by the cell it came from, as
            at = cells.columns  # Confidence is (until 2026-12-07 by the blank cell below)
            percent = frozenset(
                n
                for n in PERCENT_CHECKED[row_kind]
                if n in at
                and (
                    (from_above.get(n, (row, at[n])) in grid.percent_cells and _number(values[n]))
                    or is_percent_text(values[n])
                )
            )
        above = filled.cells_of(from_above)
        records.append(
            RowRecord(row, row_kind, values, cells, percent, doubt, unknown_above, above, over)
        )
        hidden: list[str] = []  # owned cells a merge hides: not written, so said
        for name in owned:
            if name in columns:
                col = columns[name]
                owned_values[(row, col)] = line[col - 1] if col <= width else None
                if fills is not None and name == "status":  # the only fill the plan reads
                    fill = fills.get((row, col), "")  # the owned header's: another
                    owned_fills[(row, col)] = fill if fill in OWNED_FILLS else ""
                if (formula := formulas.formula(row, col)) is not None:
                    owned_formulas[(row, col)] = formula
                m = merged_at.find(row, col) if merges else None
                if m is not None and (row, col) != (m.min_row, m.min_col):
                    merged_owned.add((row, col))
                    hidden.append(a1(row, col))
        if hidden:
            findings.append(
                Finding(
                    Severity.WARNING,
                    f"{', '.join(hidden)} {'is' if len(hidden) == 1 else 'are'} inside merged "
                    "cells, so the sync cannot write this row's results there; unmerge them",
                    source,
                    grid.name,
                    hidden[0],
                    row=row,
                )
            )
    if grid.uncalculated:
        findings += uncalculated_skipped(grid, header_row, empty_rows, input_cols, source)
    findings += hidden_said(unread, grid, spec, input_cols, header_row, source) if unread else []
    blocks = spec.layout == "objective_blocks"
    if kind == "okrs" and (id_col := input_cols.get("kr_id" if blocks else "objective_id")):
        read = [(r.row, r.values, r.cells) for r in records]
        headers = {r.row for r in records if r.kind == "objective"}
        findings += named_elsewhere(read, grid, id_col, source, blocks, headers)
    written = [header_row, *(r.row for r in records)]  # in order: the records' follow
    first_free, merge = first_free_col(grid, columns, written, len(missing_owned))
    layout = TabLayout(
        grid.name,
        header_row,
        columns,
        owned,
        missing_owned,
        first_free,
        {o: spec.columns[o][0] for o in owned},
        frozenset(merged_owned),
        spec.layout == "objective_blocks",
        _no_start(spec, columns, header) if kind == "okrs" else "",
    )
    try:
        check_room(layout, spec, source, merge)
    except LayoutError as failed:
        raise _noting(failed, spec.said) from None
    if grid.hidden_cols and (unseen := hidden_warning(layout, grid, source)) is not None:
        findings.append(unseen)
    if missing_owned:
        findings += renamed_warnings(layout, grid, source)
    known = owned_fills if fills is not None else None
    return TabExtract(layout, tuple(records), owned_values, owned_formulas, known), findings


def _no_start(spec: TabSpec, columns: Mapping[str, int], header: HeaderMap) -> str:
    """``TabLayout.no_start``: the Start column as the mapping looks for it, if missing."""
    if "start" in columns:
        return ""
    return looked_for(spec, ["start"], header) if "start" in spec.columns else "Start"


def _units_row(
    values: Mapping[str, CellValue],
    unknown: frozenset[str],
    grid: SheetGrid,
    row: int,
    items: tuple[tuple[str, int], ...],
) -> bool:
    """A row of units alone (``%``, ``EUR``, ``days``): what each column counts. Not a row
    with a formula in a column read (``items``), with or without a value: one with no value
    yet (a script saved the file) is a data row, said (until 2026-12-07 such a row with a
    typed ``%`` was skipped without a word). A formula elsewhere (a helper column, an
    ARRAYFORMULA over the row) does not count: until 2026-12-07 it made units data."""
    if unknown or not is_units_row(values):
        return False
    return all(grid.formula(row, col) is None for _, col in items)


def _number(value: object) -> TypeGuard[int | float]:
    """What a percent cell must hold to show a percentage, as Google says of its cells: a
    blank cell of a column formatted 0% made a KPI's plain 0.8 read as 80% (2026-12-06)."""
    return isinstance(value, int | float) and not isinstance(value, bool)


def extract(data: WorkbookData, mapping: MappingSpec, period: Period | None = None) -> Extract:
    """Cut a workbook into row records per the mapping; LayoutError if a required tab is
    gone. ``period``: the workspace's, whose year or quarter a near tab must name to be
    said (``near_tabs``)."""
    findings: list[Finding] = []
    stored = data.meta.get(DATE_EPOCH)
    epoch = dt.date.fromisoformat(stored) if stored else EXCEL_EPOCH
    tabs: dict[str, TabExtract | None] = {}
    names: dict[str, str] = {}  # the tab each kind is read from
    plan: tuple[tuple[Literal["okrs", "kpis"], TabSpec | None, tuple[str, ...]], ...] = (
        ("okrs", mapping.okrs, OKR_OWNED),
        ("kpis", mapping.kpis, KPI_OWNED),
    )
    for kind, spec, owned in plan:
        if spec is None:
            tabs[kind] = None
            continue
        name = find_sheet(data, spec)
        if name is None:
            if spec.required or kind == "okrs":  # okrs.required: false reads as true
                failed = LayoutError(missing_tab(data, spec, period, kind), source=data.source)
                if kind == "okrs":
                    raise _noting(failed, spec.said)
                # the KPIs: an error of the sheet, and the key results read and written
                # (until 2026-12-07 the team failed, for a tab its key results do not need)
                missing = _noting(failed, spec.said)
                findings.append(Finding(Severity.ERROR, missing.message, data.source))
                tabs[kind] = None
                continue
            findings.append(
                Finding(
                    Severity.WARNING,
                    f"no {spec.sheet[0]} tab; nothing of that kind is read",
                    data.source,
                )
            )
            tabs[kind] = None
            continue
        if kind == "kpis" and (goals := names.get("okrs")) is not None:
            try:
                refuse_one_tab(goals, name, mapping, data.source)
            except LayoutError as failed:  # both tabs' settings: either may be the cause
                said = dict.fromkeys((*mapping.okrs.said, *spec.said))
                raise _noting(failed, tuple(said)) from None
        names[kind] = name
        findings += twin_tabs(data, name)
        findings += near_tabs(data, kind, spec, name, mapping_sheets(mapping), period)
        tab, tab_findings = extract_tab(
            data.sheets[name], spec, source=data.source, owned=owned, kind=kind
        )
        findings += tab_findings
        tabs[kind] = tab
    okrs = tabs["okrs"]
    assert okrs is not None
    return Extract(data.source, okrs, tabs["kpis"], tuple(findings), epoch)
