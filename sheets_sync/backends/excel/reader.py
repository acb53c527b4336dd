"""Read the requested tabs of an .xlsx/.xlsm/.ods workbook into ``WorkbookData``.

Values come from python-calamine (fast, and it copes with Strict OOXML, odd part names,
backslash entries and the 1904 date system where openpyxl fails or silently loses data).
Three things calamine does not give, or cannot be trusted with, come from a light
streaming scan of only the requested worksheets' XML:

* the cell extent, checked *before* calamine allocates it: two cells at A1 and
  XFD1048576 make calamine request 512 GiB and abort the process;
* Excel error values: calamine's Python binding turns ``#DIV/0!`` etc. into ``""``;
* hidden rows (calamine has no API for them). Merged ranges do come from calamine.

Every byte first passes ``safety.inspect_package`` (zip integrity, size limits, DTDs).
"""

from __future__ import annotations

import io
import posixpath
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote

import python_calamine as pc
from lxml import etree

from sheets_sync.backends.excel.safety import Package, inspect_package, normalise_part_name
from sheets_sync.errors import EncryptedWorkbookError, WorkbookError, WorkbookTooLargeError
from sheets_sync.grid import (
    CellError,
    CellRange,
    CellValue,
    SheetGrid,
    WorkbookData,
    a1,
    column_index,
)

DEFAULT_MAX_UNCOMPRESSED_BYTES = 50 * 2**20
#: Largest A1-anchored rectangle (rows x columns) one tab may span. calamine allocates the
#: whole rectangle, so a stray cell far from the data must be refused, not allocated.
MAX_SHEET_CELLS = 2_000_000

_REF = re.compile(r"^\$?([A-Za-z]{1,3})\$?([0-9]{1,7})$")
_TRUE = ("1", "true")
_DIGITS = "0123456789"
_ODS_TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
_ODS_OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
_ODS_CALCEXT = "urn:org:documentfoundation:names:experimental:calc:xmlns:calcext:1.0"
_CONTENT_REFS = etree.XPath("*[local-name()='c' and *]/@r", smart_strings=False)
_UNREFERENCED = etree.XPath("count(*[local-name()='c' and not(@r)])")
_ERROR_CELLS = etree.XPath("*[local-name()='c' and * and @t='e']")
_WIDE_ROW = 256


def _parser() -> etree.XMLParser:
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)


@dataclass
class _Scan:
    """What the streaming scan learnt about one tab (1-based coordinates)."""

    max_row: int = 0
    max_col: int = 0
    hidden_rows: set[int] = field(default_factory=set)
    errors: dict[tuple[int, int], str] = field(default_factory=dict)
    merged: list[CellRange] = field(default_factory=list)  # .ods only; calamine has none


@dataclass(frozen=True)
class _SheetPart:
    part: str | None  # None: nothing to scan (chart sheet, or an .ods table)
    is_chart: bool = False


def read_workbook(
    path: Path,
    *,
    source: str | None = None,
    tabs: Sequence[str],
    max_uncompressed_bytes: int = DEFAULT_MAX_UNCOMPRESSED_BYTES,
) -> WorkbookData:
    """Read a workbook file; see ``read_workbook_bytes``."""
    name = source or path.name
    try:
        size = path.stat().st_size
        if size > max_uncompressed_bytes + 2**20:
            raise WorkbookTooLargeError(
                f"the file is {size / 2**20:.1f} MiB, over the size limit "
                f"({max_uncompressed_bytes / 2**20:.1f} MiB)",
                source=name,
            )
        data = path.read_bytes()
    except OSError as exc:
        raise WorkbookError(f"cannot read the file: {exc.strerror or exc}", source=name) from exc
    return read_workbook_bytes(
        data, source=name, tabs=tabs, max_uncompressed_bytes=max_uncompressed_bytes
    )


def read_workbook_bytes(
    data: bytes,
    *,
    source: str,
    tabs: Sequence[str],
    max_uncompressed_bytes: int = DEFAULT_MAX_UNCOMPRESSED_BYTES,
) -> WorkbookData:
    """Read the tabs named in ``tabs`` (case- and outer-space-insensitive).

    ``sheets`` holds only the matched tabs, keyed by their real names; ``sheet_names``
    lists every sheet in workbook order. A missing tab is not an error here. Raises a
    ``WorkbookError`` subclass, naming ``source``, for anything unreadable or unsafe.
    """
    package = inspect_package(data, source=source, max_uncompressed_bytes=max_uncompressed_bytes)
    locations = _locate_sheets(package, source) if package.kind == "xlsx" else {}
    ods_scans = _scan_ods(package.parts["content.xml"], source) if package.kind == "ods" else {}
    try:
        book = pc.CalamineWorkbook.from_filelike(io.BytesIO(data))
    except pc.PasswordError as exc:
        raise EncryptedWorkbookError(
            "password-protected workbook; save it without a password", source=source
        ) from exc
    except Exception as exc:
        raise WorkbookError(f"the file is damaged: {exc}", source=source) from exc
    except BaseException as exc:  # pyo3 turns a Rust panic into PanicException(BaseException)
        if type(exc).__name__ == "PanicException":
            raise WorkbookError(f"the file is damaged: {exc}", source=source) from exc
        raise
    with book:
        names = tuple(book.sheet_names)
        wanted = {t.strip().casefold() for t in tabs}
        sheets: dict[str, SheetGrid] = {}
        for name in names:
            if name.strip().casefold() not in wanted:
                continue
            if package.kind == "ods":
                scan = ods_scans.get(name, _Scan())
                _check_extent(scan, source, name)
                sheets[name] = _read_sheet(book, name, scan, source)
                continue
            where = locations.get(name)
            if where is None:
                raise WorkbookError(f"cannot find the worksheet for tab {name!r}", source=source)
            if where.is_chart or where.part is None:
                sheets[name] = SheetGrid(name=name, rows=())
                continue
            xml = package.part(where.part)
            if xml is None:
                raise WorkbookError(
                    f"the worksheet part {where.part!r} is missing", source=source, tab=name
                )
            scan = _scan_worksheet(xml, source, name)
            _check_extent(scan, source, name)
            sheets[name] = _read_sheet(book, name, scan, source)
    return WorkbookData(
        source=source, sheet_names=names, sheets=sheets, meta={"format": package.kind}
    )


def _check_extent(scan: _Scan, source: str, tab: str) -> None:
    cells = scan.max_row * scan.max_col
    if cells > MAX_SHEET_CELLS:
        raise WorkbookTooLargeError(
            f"the tab spans A1:{a1(scan.max_row, scan.max_col)} ({cells:,} cells, limit "
            f"{MAX_SHEET_CELLS:,}); delete stray cells far from the data",
            source=source,
            tab=tab,
        )


def _read_sheet(book: pc.CalamineWorkbook, name: str, scan: _Scan, source: str) -> SheetGrid:
    """calamine's values, anchored at A1, with errors overlaid and trailing blanks trimmed."""
    try:
        sheet = book.get_sheet_by_name(name)
        raw = sheet.to_python(skip_empty_area=False)
        merged_raw = sheet.merged_cell_ranges
    except Exception as exc:
        raise WorkbookError(f"cannot read the tab: {exc}", source=source, tab=name) from exc
    rows: list[list[CellValue]] = [[None if v == "" else v for v in row] for row in raw]
    for (r, c), code in scan.errors.items():
        while len(rows) < r:
            rows.append([])
        row = rows[r - 1]
        if len(row) < c:
            row.extend([None] * (c - len(row)))
        row[c - 1] = CellError(code)
    trimmed = _trim(rows)
    merged = tuple(
        CellRange(r0 + 1, c0 + 1, r1 + 1, c1 + 1) for (r0, c0), (r1, c1) in merged_raw or ()
    ) or tuple(scan.merged)
    hidden = frozenset(r for r in scan.hidden_rows if r <= len(trimmed))
    return SheetGrid(name=name, rows=trimmed, hidden_rows=hidden, merged=merged)


def _trim(rows: list[list[CellValue]]) -> tuple[tuple[CellValue, ...], ...]:
    out: list[tuple[CellValue, ...]] = []
    for row in rows:
        end = len(row)
        while end and row[end - 1] is None:
            end -= 1
        out.append(tuple(row[:end]))
    while out and not out[-1]:
        out.pop()
    return tuple(out)


# --- OOXML: which part holds which tab ------------------------------------------------


def _local(tag: object) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _xml(package: Package, name: str, source: str) -> etree._Element | None:
    body = package.part(name)
    if body is None:
        return None
    try:
        return etree.fromstring(body, _parser())
    except etree.XMLSyntaxError as exc:
        raise WorkbookError(f"the file is damaged: {name}: {exc}", source=source) from exc


def _rels(package: Package, part: str, source: str) -> dict[str, tuple[str, str]]:
    """Relationship id -> (type, resolved part name) for ``part``; external targets dropped."""
    folder, base = posixpath.split(part)
    root = _xml(package, posixpath.join(folder, "_rels", base + ".rels"), source)
    out: dict[str, tuple[str, str]] = {}
    for rel in root.iter() if root is not None else ():
        if _local(rel.tag) != "Relationship" or rel.get("TargetMode") == "External":
            continue
        target = normalise_part_name(unquote(rel.get("Target", "")))
        raw_target = rel.get("Target", "").replace("\\", "/")
        if not raw_target.startswith("/"):
            target = posixpath.normpath(posixpath.join(folder, target))
        out[rel.get("Id", "")] = (rel.get("Type", ""), target)
    return out


def _locate_sheets(package: Package, source: str) -> dict[str, _SheetPart]:
    """Sheet name -> its part, following _rels/.rels like calamine (Strict URIs too)."""
    main = next(
        (t for typ, t in _rels(package, "", source).values() if typ.endswith("/officeDocument")),
        "xl/workbook.xml",
    )
    if main.lower().endswith(".bin"):
        raise WorkbookError(
            "binary .xlsb workbooks are not supported; save it as .xlsx", source=source
        )
    root = _xml(package, main, source)
    if root is None or _local(root.tag) != "workbook":
        raise WorkbookError("not an Excel workbook (.xlsx)", source=source)
    rels = _rels(package, main, source)
    found: dict[str, _SheetPart] = {}
    for el in root.iter():
        if _local(el.tag) != "sheet":
            continue
        rid = next((v for k, v in el.attrib.items() if _local(k) == "id"), None)
        typ, target = rels.get(rid or "", ("", ""))
        found[el.get("name", "")] = _SheetPart(
            part=target or None, is_chart=typ.endswith("/chartsheet")
        )
    return found


# --- streaming scans --------------------------------------------------------------------


def _cell_ref(ref: str, source: str, tab: str) -> tuple[int, int]:
    m = _REF.match(ref)
    if not m:
        raise WorkbookError(
            f"the file is damaged: bad cell reference {ref!r}", source=source, tab=tab
        )
    col = 0
    for ch in m.group(1).upper():
        col = col * 26 + ord(ch) - 64
    return int(m.group(2)), col


def _iter_rows(xml: bytes, tag: str, source: str, tab: str) -> Iterable[etree._Element]:
    """Yield each row element, then free it, so a million declared rows cost no memory."""
    events = etree.iterparse(
        io.BytesIO(xml),
        events=("end",),
        tag=tag,
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=False,
    )
    try:
        for _, row in events:
            yield row
            row.clear(keep_tail=False)
            parent = row.getparent()
            while parent is not None and row.getprevious() is not None:
                del parent[0]
    except etree.XMLSyntaxError as exc:
        raise WorkbookError(f"the file is damaged: {exc}", source=source, tab=tab) from exc


def _scan_worksheet(xml: bytes, source: str, tab: str) -> _Scan:
    """Extent of cells with content, hidden rows and error cells of one worksheet.

    Positions come from the cells' own references, as calamine takes them, so a lying
    row number cannot hide a far cell. Styled empty cells (no child) are not data.
    """
    scan = _Scan()
    row_no = 0
    columns: dict[str, int] = {}
    for row in _iter_rows(xml, "{*}row", source, tab):
        r = row.get("r")
        row_no = int(r) if r and r.isdigit() else row_no + 1
        if row.get("hidden", "").lower() in _TRUE:
            scan.hidden_rows.add(row_no)
        refs, errors = _row_cells(row, row_no)
        if not refs:
            continue
        suffix = str(row_no)
        for ref in refs:  # the hot loop: string ops only, columns cached by letters
            letters = ref.rstrip(_DIGITS)
            col = columns.get(letters)
            if col is None or ref[len(letters) :] != suffix:
                cell_row, col = _cell_ref(ref, source, tab)
                columns[letters] = col
                scan.max_row = max(scan.max_row, cell_row)
            scan.max_col = max(scan.max_col, col)
        scan.max_row = max(scan.max_row, row_no)
        for ref, code in errors:
            scan.errors[_cell_ref(ref, source, tab)] = code
    return scan


def _row_cells(row: etree._Element, row_no: int) -> tuple[list[str], list[tuple[str, str]]]:
    """References of a row's content cells, and (reference, code) of its error cells.

    A Python pass is fastest for ordinary rows; for wide rows (Gnumeric styles all 16,384
    cells) compiled XPath selects the few content cells in C.
    """
    if len(row) > _WIDE_ROW and int(_UNREFERENCED(row)) == 0:
        errors = [(c.get("r", ""), _error_code(c)) for c in _ERROR_CELLS(row)]
        return _CONTENT_REFS(row), errors
    refs: list[str] = []
    errors = []
    col = 0
    last_ref: str | None = None
    for cell in row:
        tag = cell.tag
        if not isinstance(tag, str) or not (tag == "c" or tag.endswith("}c")):
            continue
        ref = cell.get("r")
        if ref is None:  # positional: one right of the previous cell
            if last_ref is not None:
                m = _REF.match(last_ref)
                col = column_index(m.group(1)) if m else col
                last_ref = None
            col += 1
            ref = a1(row_no, col)
        else:
            last_ref = ref
        if len(cell):
            refs.append(ref)
            if cell.get("t") == "e":
                errors.append((ref, _error_code(cell)))
    return refs, errors


def _error_code(cell: etree._Element) -> str:
    value = next((v.text for v in cell if _local(v.tag) == "v"), None)
    return (value or "#VALUE!").strip()


def _scan_ods(xml: bytes, source: str) -> dict[str, _Scan]:
    """Per-table extent (repeats expanded), hidden rows and error cells of content.xml."""
    scans: dict[str, _Scan] = {}
    tname = f"{{{_ODS_TABLE}}}name"
    events = etree.iterparse(
        io.BytesIO(xml),
        events=("start", "end"),
        tag=(f"{{{_ODS_TABLE}}}table", f"{{{_ODS_TABLE}}}table-row"),
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=False,
    )
    scan, row_no = _Scan(), 0
    try:
        for event, el in events:
            if _local(el.tag) == "table":
                if event == "start":
                    scan, row_no = _Scan(), 0
                    scans[el.get(tname, "")] = scan
                else:
                    el.clear()
                continue
            if event == "start":
                continue
            repeat = int(el.get(f"{{{_ODS_TABLE}}}number-rows-repeated", "1") or 1)
            first = row_no + 1
            row_no += repeat
            if el.get(f"{{{_ODS_TABLE}}}visibility", "visible") != "visible" and repeat < 10_000:
                scan.hidden_rows.update(range(first, row_no + 1))
            col = 0
            for cell in el:
                span = int(cell.get(f"{{{_ODS_TABLE}}}number-columns-repeated", "1") or 1)
                col += span
                rows_spanned = int(cell.get(f"{{{_ODS_TABLE}}}number-rows-spanned", "1") or 1)
                cols_spanned = int(cell.get(f"{{{_ODS_TABLE}}}number-columns-spanned", "1") or 1)
                if (rows_spanned > 1 or cols_spanned > 1) and span == 1 and repeat == 1:
                    scan.merged.append(
                        CellRange(row_no, col, row_no + rows_spanned - 1, col + cols_spanned - 1)
                    )
                if cell.get(f"{{{_ODS_OFFICE}}}value-type") is None and len(cell) == 0:
                    continue
                scan.max_row = max(scan.max_row, row_no)
                scan.max_col = max(scan.max_col, col)
                if cell.get(f"{{{_ODS_CALCEXT}}}value-type") == "error" and span == 1:
                    # LibreOffice's own codes (Err:502) have no Excel twin: kept as they are.
                    text = "".join(cell.itertext()).strip() or "#VALUE!"
                    for r in range(first, min(row_no, first + 1000) + 1):
                        scan.errors[(r, col)] = text
            el.clear()
    except (etree.XMLSyntaxError, ValueError) as exc:
        raise WorkbookError(f"the file is damaged: {exc}", source=source) from exc
    return scans
