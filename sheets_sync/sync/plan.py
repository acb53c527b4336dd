"""Which owned cells get which value and look, and which of them actually change.

Pure: a team's result plus where its rows sit (the mapping extract) in, cell writes out.
Only cells whose value differs are written, so an unchanged team is not written at all.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from collections.abc import Iterable, Mapping
from decimal import Decimal

from sheets_sync.domain.celltext import fit_cell, printable
from sheets_sync.domain.models import (
    Finding,
    KPIResult,
    KPIStatus,
    KRResult,
    ObjectiveResult,
    Status,
    TeamResult,
)
from sheets_sync.domain.shown import shown_or_none
from sheets_sync.grid import CellStyle, CellValue, CellWrite, a1
from sheets_sync.mapping.extract import Extract, TabExtract
from sheets_sync.sync.outcome import SAME_WITHIN, CellChange
from sheets_sync.sync.styles import (
    BAND_STYLE,
    GREY,
    KPI_STYLE,
    NOTE,
    OWNED_HEADER,
    PERCENT_FORMAT,
    SCORE_FORMAT,
    STATUS_STYLE,
    with_format,
)

NOT_SCORED = "Not scored"
#: as the template formats the column (``template/spec.py``; docs/template.md)
EXPECTED_STYLE = CellStyle(number_format=PERCENT_FORMAT)
Value = str | float | None
RowCells = dict[str, tuple[Value, CellStyle | None]]


def notes_text(findings: Iterable[Finding]) -> str | None:
    """A row's findings as its Sync notes cell, cut to what an Excel cell holds."""
    text = "; ".join(
        f"{'Error' if f.is_error else 'Warning'} {f.cell or ''}: {f.message}" for f in findings
    )
    return fit_cell(printable(text)) or None  # a row id may hold what a cell cannot


def notes_order(result: TeamResult) -> list[Finding]:
    """``result.findings`` in the order its checks made them, the order a Sync notes cell
    has always had: the sort for the lists (by row, then column) would rewrite every such
    cell whose findings it reorders, and put a lint warning before the error that says why
    the row is "Not scored"."""
    findings, order = result.findings, result.check_order
    if sorted(order) != list(range(len(findings))):  # not one of ours
        return list(findings)
    checked = list(findings)
    for finding, rank in zip(findings, order, strict=True):
        checked[rank] = finding
    return checked


#: the Sync notes of a number key result on a tab with no Start column: the error is the
#: tab's, said once (``domain/no_start.py``), and not counted again here; until 2026-12-07
#: such a row's Sync notes were blank beside "Not scored"
NO_START_NOTE = "not scored: this tab has no Start column (see the tab's error)"


def _unscored(notes: str | None, *blank: str) -> RowCells:
    cells: RowCells = {name: (None, None) for name in blank}
    cells["status"] = (NOT_SCORED, GREY)
    cells["sync_notes"] = (notes, NOTE)
    return cells


def kr_cells(kr: KRResult, notes: str | None) -> RowCells:
    """A key result row's cells. Its Score and Expected as ``shown.shown_float`` gives
    them, the at most 15 significant digits Excel shows, so the cell holds the number a
    person sees (0.6, not 0.6000000000000001: until 2026-12-07 a formula, a pivot or
    pandas saw the noise); statuses and colours are judged on the exact score
    (docs/scoring.md). ``objective_cells`` writes an objective's so too."""
    band = BAND_STYLE[kr.band] if kr.current is not None else GREY
    return {
        "score": (shown_or_none(kr.score), with_format(band, SCORE_FORMAT)),
        "expected": (shown_or_none(kr.expected), EXPECTED_STYLE),
        "status": (kr.status.value, STATUS_STYLE[kr.status]),
        "sync_notes": (notes, NOTE),
    }


def objective_cells(result: ObjectiveResult | None, notes: str | None) -> RowCells:
    if result is None or result.score is None:
        return _unscored(notes, "score", "expected")
    # grey as its key results with no current value, not the red of a 0.0 score
    band = GREY
    if result.band is not None and result.status is not Status.NO_DATA:
        band = BAND_STYLE[result.band]
    return {
        "score": (shown_or_none(result.score), with_format(band, SCORE_FORMAT)),
        "expected": (shown_or_none(result.expected), EXPECTED_STYLE),
        "status": (result.status.value, STATUS_STYLE[result.status]),
        "sync_notes": (notes, NOTE),
    }


def kpi_cells(kpi: KPIResult | None, notes: str | None) -> RowCells:
    if kpi is None:
        return _unscored(notes, "variance", "trend")
    if kpi.status is KPIStatus.STALE and kpi.last_status is not None:
        stale = f"last status {kpi.last_status.value} as of {kpi.kpi.as_of}; update Actual"
        notes = f"{stale}; {notes}" if notes else stale
    return {
        "status": (kpi.status.value, KPI_STYLE[kpi.status]),
        "variance": (kpi.variance, None),
        "trend": (kpi.trend.value if kpi.trend else None, None),
        "sync_notes": (notes, NOTE),
    }


def _to_writes(tab: TabExtract, row: int, cells: RowCells) -> list[CellWrite]:
    layout = tab.layout
    merged = layout.merged_owned
    sheet = layout.tab
    return [
        CellWrite(sheet, row, col, value, style)
        for name, (value, style) in cells.items()
        if (row, col := layout.column_of(name)) not in merged
    ]


def _headers(tab: TabExtract) -> list[CellWrite]:
    return [
        CellWrite(
            tab.layout.tab,
            tab.layout.header_row,
            tab.layout.column_of(name),
            tab.layout.owned_headers[name],
            OWNED_HEADER,
        )
        for name in tab.layout.missing_owned
    ]


def plan_writes(result: TeamResult, extract: Extract) -> list[CellWrite]:
    """Every owned cell's intended value and style (headers of added columns first)."""
    by_tab_row: dict[str | None, dict[int, list[Finding]]] = defaultdict(lambda: defaultdict(list))
    for finding in notes_order(result):
        if finding.row is not None:
            by_tab_row[finding.tab][finding.row].append(finding)

    okrs = extract.okrs
    found = by_tab_row[okrs.layout.tab]
    krs = {kr.kr.origin.row: kr for kr in result.key_results}
    objectives = {o.objective.origin.row: o for o in result.objectives}
    writes = _headers(okrs)
    for record in okrs.records:
        notes = notes_text(found.get(record.row, ()))
        kr = krs.get(record.row)
        if record.kind == "objective":
            cells = objective_cells(objectives.get(record.row), notes)
        elif kr is not None:
            cells = kr_cells(kr, notes)
        else:
            here = found.get(record.row, ())
            if okrs.layout.no_start and not any(f.is_error for f in here):  # the tab's, then
                notes = f"{NO_START_NOTE}; {notes}" if notes else NO_START_NOTE
            cells = _unscored(notes, "score", "expected")
        writes += _to_writes(okrs, record.row, cells)

    if extract.kpis is not None:
        tab = extract.kpis
        found = by_tab_row[tab.layout.tab]
        kpis = {k.kpi.origin.row: k for k in result.kpis}
        writes += _headers(tab)
        for record in tab.records:
            notes = notes_text(found.get(record.row, ()))
            writes += _to_writes(tab, record.row, kpi_cells(kpis.get(record.row), notes))
    return writes


#: how far a number rounded to 15 significant digits can be from it, relative to it (half
#: a unit of the 15th digit, 5e-15, with room): LibreOffice's 1000000000000000.0 for the
#: sync's 1000000000000000.2 is 0.2 away, past ``SAME_WITHIN``, and was rewritten every night
_ROUNDED_15 = 1e-14


def same_value(old: CellValue, new: Value) -> bool:
    """The cell already holds ``new``: a number within ``SAME_WITHIN`` of it (or within
    what a rounding to 15 digits moves it, ``_ROUNDED_15``, for a large one), unless
    ``new``'s shortest form (``repr``) has fewer significant digits than the cell's, the
    cell then carrying noise the sync would clean (a Variance an earlier sync wrote as
    -0.000399999999999956, now -0.0004, is rewritten once; within 1e-9 alone it stayed
    until 2026-12-06). It cannot rewrite a cell every night: a cell the sync wrote holds
    ``new`` exactly (Excel, Google: equal) or ``new`` rounded to 15 digits or fewer
    (LibreOffice stores 27/35, 0.7714285714285715, as 0.771428571428572), and such a
    rounding never has more digits than ``new``: ``new`` of 15 digits or fewer reads back
    as itself, one of 16 or 17 is longer than the cell's and is left there. The 15
    digits Excel shows alone (the rule of 2026-12-06) rewrote such a LibreOffice cell
    every night, whose 15 digits round half up where Python's shown text rounds its
    binary value (...572 against ...571): one fractional value in 27 of a re-saved file.
    Excel's 0.6666666666666667 for 2/3 (0.6666666666666666), as long, is left alone."""
    if old is None or (isinstance(old, str) and not old):
        return new is None or new == ""
    if isinstance(new, float) and isinstance(old, int | float) and not isinstance(old, bool):
        if old == new:
            return True
        near = math.isclose(float(old), new, rel_tol=_ROUNDED_15, abs_tol=SAME_WITHIN)
        return near and _digits(new) >= _digits(float(old))
    if isinstance(old, dt.date | dt.datetime):
        return False
    return old == new


def _digits(number: float) -> int:
    """The significant digits of ``number``'s shortest form (``repr``): 0.5 has 1,
    -0.000399999999999956 has 15, 0.7714285714285715 has 16, 100.0 has 1."""
    return len(Decimal(repr(number)).normalize().as_tuple().digits)


def _recoloured(
    write: CellWrite, fills: Mapping[tuple[int, int], str] | None, status_col: int | None
) -> bool:
    """A Status cell holding its value in another fill than its status's: recoloured by
    hand, it kept the hand colour while the value stood, the text saying On track on red
    (until 2026-12-07). Only where the backend reads fills (``TabExtract.owned_fills``):
    elsewhere no fill is known, and a quiet night must write nothing."""
    if fills is None or write.col != status_col or write.style is None:
        return False
    want = write.style.fill
    return want is not None and fills.get((write.row, write.col), want) != want


def plan_changes(
    writes: list[CellWrite], extract: Extract
) -> tuple[list[CellWrite], list[CellChange], int]:
    """The writes whose cell does not already hold the value, with old -> new for dry runs,
    and how many Status cells are written for their colour alone (a night that only
    recolours said "0 cells changed" while it rewrote the file, until 2026-12-07).

    A row whose Status changes has its Score written too: a Score's colour follows the
    Status as well as its number (0.0 is red while Off track, grey once No data), and a
    Score's fill is not read, so a Score that keeps its number while its Status moves
    would keep yesterday's fill. A Status cell whose fill is not its status's (recoloured
    by hand) is written too, where the backend reads fills (.xlsx: ``owned_fills``), and
    its Score with it. Only changed values are counted. Not the whole row: the
    Expected cell moves every night, and its row's other cells would be rewritten with it.
    An owned cell holding a formula is written whatever its value (``formula_cells``);
    its change keeps the formula, so a dry run shows ``=0.5+0.5 (1.0) -> 1.0``, not a
    change of 1.0 to 1.0. The changes are in sheet order, as a team reads its tab: row,
    then column, each tab's together in the order its first write came (until 2026-12-07 a
    row's cells came in the order they are computed: Score, Expected, Status, notes, which
    a tab with Status left of Score listed ``O5, R5, P5``).
    """
    current: dict[tuple[str, int, int], CellValue] = {}
    formulas: dict[tuple[str, int, int], str] = {}  # owned cells showing a formula's value
    fills: dict[str, Mapping[tuple[int, int], str]] = {}  # by tab, where the backend reads them
    status_col: dict[str, int] = {}
    score_col: dict[str, int] = {}
    fill_col: dict[str, int] = {}  # the Status column of each tab whose fills are read
    for tab in (extract.okrs, extract.kpis):
        if tab is not None:
            layout = tab.layout
            for (row, col), value in tab.owned_values.items():
                current[(layout.tab, row, col)] = value
            formulas.update(
                ((layout.tab, row, col), f) for (row, col), f in tab.owned_formulas.items()
            )
            if {"status", "score"} <= {*layout.columns, *layout.missing_owned}:
                status_col[layout.tab] = layout.column_of("status")
                score_col[layout.tab] = layout.column_of("score")
            if tab.owned_fills is not None and "status" in layout.columns:
                fills[layout.tab] = tab.owned_fills
                fill_col[layout.tab] = layout.columns["status"]
    changed: set[tuple[str, int, int]] = set()
    recoloured = 0
    found: list[tuple[CellWrite, CellValue, str | None]] = []
    for w in writes:
        key = (w.sheet, w.row, w.col)  # once a write, not three times
        old = current.get(key)
        formula = formulas.get(key)
        if not same_value(old, w.value) or formula is not None:
            changed.add(key)
            found.append((w, old, formula))
        elif _recoloured(w, fills.get(w.sheet), fill_col.get(w.sheet)):
            changed.add(key)  # its colour only: no change of value to show
            recoloured += 1
    changes: list[CellChange] = []
    if found:  # sorted when there are changes: a quiet night has none (70,000 writes at 500)
        tabs = {sheet: i for i, sheet in enumerate(dict.fromkeys(w.sheet for w in writes))}
        found.sort(key=lambda f: (tabs[f[0].sheet], f[0].row, f[0].col))  # stable, as before
        changes = [CellChange(w.sheet, a1(w.row, w.col), old, w.value, f) for w, old, f in found]
    restyled = {
        (sheet, row, score_col[sheet])
        for sheet, row, col in changed
        if col == status_col.get(sheet)
    }
    changed |= restyled  # once: built for each write, the union made a team's plan quadratic
    todo = [w for w in writes if (w.sheet, w.row, w.col) in changed]
    return todo, changes, recoloured
