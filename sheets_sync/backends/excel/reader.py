"""Read the requested tabs of an .xlsx/.xlsm/.ods workbook into ``WorkbookData``.

Values come from python-calamine (fast, and it copes with Strict OOXML, odd part names,
backslash entries and the 1904 date system where openpyxl fails or silently loses data).
Three things calamine does not give, or cannot be trusted with, come from a scan of only
the requested worksheets' XML (``sheetscan.py``):

* the cell extent, checked *before* calamine allocates it: two cells at A1 and
  XFD1048576 make calamine request 512 GiB and abort the process;
* Excel error values: calamine's Python binding turns ``#DIV/0!`` etc. into ``""``;
* hidden rows (calamine has no API for them). Merged ranges do come from calamine.
  Rows an active filter hides are read as shown: a filter is a view, not a decision.

And, from the worksheet's table parts, the totals rows of Excel Tables: the team's
``SUBTOTAL`` formulas, not key results (read as rows, their owned cells were written);
and the areas of the Tables' own active filters.

And, from ``percent.py``, the cells holding 1 in a percent format (a confidence of 100%).

Every byte first passes ``safety.inspect_package`` (zip integrity, size limits, DTDs).
Which part holds which tab (and the styles, the Tables) comes from ``workbookparts.py``.
"""

from __future__ import annotations

import contextlib
import io
from collections.abc import Iterator, Sequence
from dataclasses import replace
from pathlib import Path
from typing import NoReturn

import python_calamine as pc
from lxml import etree

from sheets_sync.backends.excel.blame import blamed_cell, damaged_reference
from sheets_sync.backends.excel.cellscan import Places, trimmed_rows
from sheets_sync.backends.excel.errorcodes import for_calamine, stand_ins
from sheets_sync.backends.excel.fills import fill_cells, fill_styles
from sheets_sync.backends.excel.formulas import (
    data_tables,
    formula_cells,
    shared_masters,
    typed_errors,
    uncalculated_cells,
)
from sheets_sync.backends.excel.isodates import iso_dates
from sheets_sync.backends.excel.odsscan import ods_null_date, scan_ods
from sheets_sync.backends.excel.padded import trimmed_numbers, with_part
from sheets_sync.backends.excel.percent import percent_cells, percent_ones, percent_styles
from sheets_sync.backends.excel.placeholders import with_placeholders
from sheets_sync.backends.excel.references import (
    REFERENCE_REASONS,
    bad_reference,
    entity_error,
    entity_reference,
    reference_error,
    refused_byte,
)
from sheets_sync.backends.excel.richvalues import RichValue, rich_values, shown_rich, vm_cells
from sheets_sync.backends.excel.safety import (
    Package,
    inspect_package,
    refuse_oversized_file,
    with_parts,
)
from sheets_sync.backends.excel.sheetscan import (
    Scan,
    filtered_rows,
    refuse_misplaced,
    refuse_unread,
    scan_worksheet,
    too_large_error,
)
from sheets_sync.backends.excel.workbookparts import (
    SHARED_STRINGS,
    STRING_MISSING,
    SheetPart,
    damaged_part,
    locate_sheets,
    main_part,
    part_rels,
    part_xml,
    shared_strings,
    styles_for_calamine,
    table_rows,
)
from sheets_sync.domain.values import EPOCH_1904, EXCEL_EPOCH
from sheets_sync.errors import EncryptedWorkbookError, WorkbookError, WorkbookTooLargeError
from sheets_sync.grid import (
    DATE_EPOCH,
    HEADER_FILL_ROWS,
    CellError,
    CellRange,
    CellValue,
    SheetGrid,
    WorkbookData,
    as_typed,
    tab_key,
)

DEFAULT_MAX_UNCOMPRESSED_BYTES = 50 * 2**20
#: Largest A1-anchored rectangle (rows x columns) one tab may span. calamine allocates the
#: whole rectangle, so a stray cell far from the data must be refused, not allocated.
MAX_SHEET_CELLS = 2_000_000


def read_workbook(
    path: Path,
    *,
    source: str | None = None,
    tabs: Sequence[str],
    max_uncompressed_bytes: int = DEFAULT_MAX_UNCOMPRESSED_BYTES,
    header_rows: int = HEADER_FILL_ROWS,
) -> WorkbookData:
    """Read a workbook file; see ``read_workbook_bytes``."""
    name = source or path.name
    try:
        refuse_oversized_file(path.stat().st_size, max_uncompressed_bytes, name)
        data = path.read_bytes()
    except OSError as exc:
        raise WorkbookError(f"cannot read the file: {exc.strerror or exc}", source=name) from exc
    return read_workbook_bytes(
        data,
        source=name,
        tabs=tabs,
        max_uncompressed_bytes=max_uncompressed_bytes,
        header_rows=header_rows,
    )


def read_workbook_bytes(
    data: bytes,
    *,
    source: str,
    tabs: Sequence[str],
    max_uncompressed_bytes: int = DEFAULT_MAX_UNCOMPRESSED_BYTES,
    header_rows: int = HEADER_FILL_ROWS,
) -> WorkbookData:
    """Read the tabs named in ``tabs`` (case- and outer-space-insensitive); the owned
    header's grey-blue in their first ``header_rows`` rows (``fill_cells``).

    ``sheets`` holds only the matched tabs, keyed by their real names; ``sheet_names``
    lists every sheet in workbook order. A missing tab is not an error here. Raises a
    ``WorkbookError`` subclass, naming ``source``, for anything unreadable or unsafe.
    """
    package = inspect_package(data, source=source, max_uncompressed_bytes=max_uncompressed_bytes)
    locations, styles_part, date1904, stale = (
        locate_sheets(package, source) if package.kind == "xlsx" else ({}, None, False, False)
    )
    percent: frozenset[int] | None = None  # cellXfs in a percent format, read when needed
    fills: dict[int, str] | None = None  # cellXfs in an owned cell's fill, as ``percent``
    rich: dict[int, RichValue] | None = None  # vm index -> rich value, read when needed
    ods_scans = scan_ods(package.parts["content.xml"], source) if package.kind == "ods" else {}
    if package.kind == "ods":
        epoch = ods_null_date(package.parts["content.xml"], source) or EXCEL_EPOCH
    else:
        epoch = EPOCH_1904 if date1904 else EXCEL_EPOCH
    wanted = {tab_key(t) for t in tabs}
    scans: dict[str, Scan] = {}
    if package.kind == "xlsx":
        scans = _checked_scans(package, locations, wanted, source)
        if scans and (damaged := damaged_part(data, package, source, SHARED_STRINGS)):
            raise damaged  # calamine may read it without a word: a text cell left empty
        parts = (w.part for n, w in locations.items() if n in scans and w.part)
        data = for_calamine(data, package, parts, source)
        if swap := styles_for_calamine(package, source, styles_part):  # as Excel shows
            data = with_parts(data, {swap[0].lower(): swap[1]}, source)
    with _open(data, package, source) as book:
        names = tuple(book.sheet_names)
        sheets: dict[str, SheetGrid] = {}
        for name in names:
            if tab_key(name) not in wanted:
                continue
            if package.kind == "ods":
                scan = ods_scans.get(name, Scan())
                _check_extent(scan, source, name)
                grid = _read_sheet(book, name, scan, source)
                if scan.percent_ones:
                    grid = replace(grid, percent_ones=frozenset(scan.percent_ones))
                if scan.percent_cells:
                    grid = replace(grid, percent_cells=frozenset(scan.percent_cells))
                if scan.uncalculated:  # said, though unquoted: .ods formulas are not read
                    grid = replace(grid, uncalculated=frozenset(scan.uncalculated))
                sheets[name] = grid
                continue
            where = locations.get(name)
            if where is None:
                raise WorkbookError(
                    f"cannot find the worksheet for tab {as_typed(name)}", source=source
                )
            if where.is_chart or where.part is None:
                kind = "a chart sheet" if where.is_chart else ""
                sheets[name] = SheetGrid(name=name, rows=(), kind=kind)
                continue
            xml = package.part(where.part)
            if xml is None:
                raise WorkbookError(
                    f"the worksheet part {where.part!r} is missing", source=source, tab=name
                )
            scan = scans.get(name) or _checked_scan(xml, source, name)
            refuse_misplaced(scan, source, name)
            refuse_unread(scan, source, name)
            totals, table_filters = table_rows(package, where.part, source, scan.max_row)
            scan.hidden_rows -= filtered_rows(scan, [*scan.filter_areas, *table_filters])
            try:
                grid = _read_sheet(book, name, scan, source)
            except WorkbookError as exc:  # numbers with spaces (``<v> 5 </v>``): padded.py
                trimmed = trimmed_numbers(xml) if "float" in exc.message else None
                if trimmed is None:
                    _raise_blamed(exc, data, package, xml, source)
                copy = with_part(data, where.part, stand_ins(trimmed) or trimmed, source)
                try:
                    grid = _reread(copy, package, name, scan, source)
                except WorkbookError as again:  # another cell: named in the trimmed sheet
                    _raise_blamed(again, data, package, trimmed, source)
            if scan.date_cells and (dated := iso_dates(grid.rows, scan.date_cells)):
                grid = replace(grid, rows=trimmed_rows(dated))  # ``Z``, ``+02:00``: isodates.py
            if percent is None:
                percent = percent_styles(package.part(styles_part) if styles_part else None)
            places = Places(xml)  # cells with no ``r``: found once, if any search asks
            if b">1</" in xml and (ones := percent_ones(xml, percent, places)):
                grid = replace(grid, percent_ones=ones)
            if cells := percent_cells(xml, percent, places):
                grid = replace(grid, percent_cells=cells)
            if fills is None:
                fills = fill_styles(package.part(styles_part) if styles_part else None)
            grid = replace(grid, fills=fill_cells(xml, fills, places, header_rows) if fills else {})
            if totals:
                grid = replace(grid, total_rows=totals)
            # any prefix (``<x:f>``): a search for ``<f`` missed it until 2026-12-07
            formulas, arrays = formula_cells(xml, places)
            if formulas:
                grid = replace(grid, formula_cells=formulas, formula_arrays=arrays)
            # a subset of the formula cells: a formula-free tab skips its four scans
            uncalculated = uncalculated_cells(xml, places) if formulas else frozenset()
            if formulas and stale:  # XlsxWriter's 0s: no value (placeholders.py)
                grid = with_placeholders(grid, xml, places)
                uncalculated |= grid.placeholder_values
            if uncalculated:
                shared = shared_masters(xml, uncalculated, places)
                grid = replace(grid, uncalculated=uncalculated, shared_from=shared)
            vms = vm_cells(xml, places)
            if scan.errors:
                held, tables = scan.formula_errors, data_tables(xml)
                grid = typed_errors(grid, scan.errors, vms, held=held, tables=tables)
            if vms:
                if rich is None:
                    rich = _rich_values(package, source)
                grid = replace(grid, rows=trimmed_rows(shown_rich(grid.rows, vms, rich)))
            sheets[name] = grid
    meta = {"format": package.kind}
    if epoch != EXCEL_EPOCH:
        meta[DATE_EPOCH] = epoch.isoformat()
    return WorkbookData(source=source, sheet_names=names, sheets=sheets, meta=meta)


def _checked_scans(
    package: Package, locations: dict[str, SheetPart], wanted: set[str], source: str
) -> dict[str, Scan]:
    """The scan of each wanted worksheet, each within the extent limit: before
    ``for_calamine`` copies the workbook, so a tab too large is refused before any
    copy is made of it."""
    scans: dict[str, Scan] = {}
    for name, where in locations.items():
        if tab_key(name) not in wanted or where.is_chart or where.part is None:
            continue
        xml = package.part(where.part)
        if xml is not None:  # a missing part: refused in workbook order by the caller
            scans[name] = _checked_scan(xml, source, name)
    return scans


def _checked_scan(xml: bytes, source: str, tab: str) -> Scan:
    scan = scan_worksheet(xml, source, tab)
    _check_extent(scan, source, tab)
    return scan


def _check_extent(scan: Scan, source: str, tab: str) -> None:
    if (outside := too_large_error(scan, MAX_SHEET_CELLS, source, tab)) is not None:
        raise outside
    if (spans := scan.too_large(MAX_SHEET_CELLS)) is not None:
        raise WorkbookTooLargeError(
            f"{spans}; keep large data on a tab the sync does not read, "
            "or delete stray cells far from the data",
            source=source,
            tab=tab,
        )


def _is_panic(exc: BaseException) -> bool:
    """pyo3 turns a Rust panic in calamine into ``PanicException``, a BaseException (not an
    Exception): caught as such, one damaged file would end the night."""
    return type(exc).__name__ == "PanicException"


@contextlib.contextmanager
def _calamine_failure(what: str, source: str, tab: str | None = None) -> Iterator[None]:
    """calamine failing on a damaged file, as the ``WorkbookError`` it is (``what``: the
    reason's first words): any ``Exception``, or a Rust panic. A stop signal goes on."""
    try:
        yield
    except WorkbookError:  # ours already (a password-protected file)
        raise
    except BaseException as exc:
        if not isinstance(exc, Exception) and not _is_panic(exc):
            raise
        raise WorkbookError(f"{what}: {exc}", source=source, tab=tab) from exc


def _read_sheet(book: pc.CalamineWorkbook, name: str, scan: Scan, source: str) -> SheetGrid:
    """calamine's values, anchored at A1, with errors overlaid and trailing blanks trimmed."""
    with _calamine_failure("cannot read the tab", source, name):
        sheet = book.get_sheet_by_name(name)
        raw = sheet.to_python(skip_empty_area=False)
        merged_raw = sheet.merged_cell_ranges
    rows: list[list[CellValue]] = [[None if v == "" else v for v in row] for row in raw]
    for (r, c), code in scan.errors.items():
        while len(rows) < r:
            rows.append([])
        row = rows[r - 1]
        if len(row) < c:
            row.extend([None] * (c - len(row)))
        row[c - 1] = CellError(code)
    trimmed = trimmed_rows(rows)
    merged = tuple(
        CellRange(r0 + 1, c0 + 1, r1 + 1, c1 + 1) for (r0, c0), (r1, c1) in merged_raw or ()
    ) or tuple(scan.merged)
    hidden = frozenset(r for r in scan.hidden_rows if r <= len(trimmed))
    # the scan's extent counts a formula showing blank, which the values trim away: the
    # sync appended its owned columns over such formulas (``=IF(x,"",...)`` helpers)
    return SheetGrid(
        name=name,
        rows=trimmed,
        hidden_rows=hidden,
        merged=merged,
        used_cols=scan.max_col,
        hidden_cols=tuple(scan.hidden_cols),
        grouped_rows=hidden & scan.grouped_rows,
    )


def _open(data: bytes, package: Package, source: str) -> pc.CalamineWorkbook:
    """calamine's workbook of ``data``. Its failure names the styles or shared strings
    part when that is damaged (``damaged_part``): calamine says only ``Cannot detect
    file format`` of either."""
    try:
        with _calamine_failure("the file is damaged", source):
            try:
                return pc.CalamineWorkbook.from_filelike(io.BytesIO(data))
            except pc.PasswordError as exc:
                raise EncryptedWorkbookError(
                    "password-protected workbook; save it without a password", source=source
                ) from exc
    except EncryptedWorkbookError:
        raise
    except WorkbookError as exc:
        if (damaged := damaged_part(data, package, source)) is None:
            raise
        raise damaged from exc


def _reread(data: bytes, package: Package, name: str, scan: Scan, source: str) -> SheetGrid:
    """Tab ``name`` of a copy of the workbook made readable (``padded.py``)."""
    with _open(data, package, source) as book:
        return _read_sheet(book, name, scan, source)


def _raise_blamed(
    exc: WorkbookError, data: bytes, package: Package, xml: bytes, source: str
) -> NoReturn:
    blamed = _blamed(exc, data, package, xml, source)
    if blamed is exc:
        raise exc
    raise blamed from exc


def _blamed(
    exc: WorkbookError, data: bytes, package: Package, xml: bytes, source: str
) -> WorkbookError:
    """``exc`` naming the cell calamine's refusal of the tab is about (``blame.py``), or
    the styles or shared strings part that is damaged (``damaged_part``: calamine blamed
    a cell that is fine), or ``exc`` itself when neither fits."""
    if exc.cell is not None or exc.tab is None:
        return exc
    lost = STRING_MISSING in exc.message  # the strings after an early </sst>, perhaps
    broken = damaged_part(data, package, source) or (  # styles' tail is read past always
        lost and damaged_part(data, package, source, SHARED_STRINGS, after_the_root=True)
    )
    if broken:
        return broken
    ref = blamed_cell(exc.message, xml, shared_strings(package))
    if ref is None:
        return _bad_reference(exc, xml) or exc
    if (damaged := damaged_reference(ref)) is not None:
        cell, message = damaged
        return WorkbookError(message, source=exc.source, tab=exc.tab, cell=cell)
    return WorkbookError(exc.message, source=exc.source, tab=exc.tab, cell=ref)


def _bad_reference(exc: WorkbookError, xml: bytes) -> WorkbookError | None:
    """``exc``, calamine's refusal of a reference (``Expecting alphanumeric character, got
    4E``), as the reference our scan finds bad and where it is (``bad_reference``): a
    cell's with no content, the ``<dimension>``'s or a merged range's, none of which the
    extent scan reads; None for another refusal, or no bad reference found."""
    if not any(words in exc.message for words in REFERENCE_REASONS):
        return None
    if refused_byte(exc.message) == "&" and (written := entity_reference(xml)) is not None:
        return entity_error(*written, exc.source, exc.tab)  # ``A&#50;``: Excel reads A2
    if (bad := bad_reference(xml, refused_byte(exc.message))) is None:
        return None
    return reference_error(*bad, exc.source, exc.tab)


def _rich_values(package: Package, source: str) -> dict[int, RichValue]:
    """The workbook's rich values by ``vm`` index (``richvalues.py``); an unreadable
    part gives none, and its cells keep the #VALUE! Excel left for older readers."""
    main = main_part(package, source)
    rels = part_rels(package, main, source).values()

    def part(suffix: str) -> str | None:
        return next((t for typ, t in rels if typ.endswith(suffix)), None)

    def load(name: str) -> etree._Element | None:
        try:
            return part_xml(package, name, source)
        except WorkbookError:
            return None

    return rich_values(
        part("/sheetMetadata"), part("/rdRichValue"), part("/rdRichValueStructure"), load
    )


__all__ = [
    "DEFAULT_MAX_UNCOMPRESSED_BYTES",
    "MAX_SHEET_CELLS",
    "locate_sheets",  # from ``workbookparts``: the read looks it up here
    "read_workbook",
    "read_workbook_bytes",
]
