"""What calamine does not give about a worksheet: its extent, hidden rows and error cells.

A row a filter hides is not hidden here: a filter is a view (one person's "Owner = Ann"
left applied when she saved), not the team's decision to drop the row. .xlsx marks
filtered-out rows ``hidden`` like rows hidden by hand, so the scan also returns the areas
of the sheet's active ``autoFilter`` (the reader takes the hidden rows inside them, and
inside a Table's filter, as filtered); .ods marks them ``table:visibility="filter"``.

``scan_worksheet`` reads one .xlsx worksheet part, ``odsscan.scan_ods`` every table of
an .ods ``content.xml``. Both take the XML a ``safety.inspect_package`` check has passed.
Positions come from the cells' own references, as calamine takes them, so a lying row
number or ``<dimension>`` cannot hide a far cell from the extent check.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from lxml import etree

from sheets_sync.backends.excel.cellscan import A1, MOST_LETTERS, capped_column, cell_range
from sheets_sync.backends.excel.columns import hidden_span
from sheets_sync.backends.excel.references import (
    LAST_COLUMN,
    LAST_ROW,
    calamine_reads,
    outside_grid,
    reference_error,
)
from sheets_sync.backends.excel.xmlutil import (
    BEYOND,
    iterparse,
    local_name,
    whole,
    xml_damage,
)
from sheets_sync.errors import WorkbookError
from sheets_sync.grid import CellRange, a1, column_index

_TRUE = ("1", "true")
_DIGITS = "0123456789"
_CONTENT_REFS = etree.XPath("*[local-name()='c' and *]/@r", smart_strings=False)
_UNREFERENCED = etree.XPath("count(*[local-name()='c' and not(@r)])")
_ERROR_CELLS = etree.XPath("*[local-name()='c' and * and @t='e']")
_DATE_CELLS = etree.XPath("*[local-name()='c' and * and @t='d']/@r", smart_strings=False)
_WIDE_ROW = 256
_ANY_C = "{*}c"  # a cell in any namespace, or none (lxml's tag match)
#: Content cells (with a reference) in what is not a row, or in a row's child that is not
#: a cell: outside what a well-formed sheet has, but calamine reads them.
_STRAY_CELLS = etree.XPath("descendant-or-self::*[local-name()='c' and * and @r]")
_WRAPPED_CELLS = etree.XPath(
    "*[local-name()!='c']/descendant::*[local-name()='c' and * and @r]", smart_strings=False
)


@dataclass
class Scan:
    """What a scan learnt about one tab (1-based coordinates)."""

    max_row: int = 0
    max_col: int = 0
    hidden_rows: set[int] = field(default_factory=set)
    #: .xlsx only: the hidden rows in an outline group (``outlineLevel``): a collapsed group,
    #: or a row hidden by hand inside an expanded one (written alike)
    grouped_rows: set[int] = field(default_factory=set)
    #: .xlsx only: the sheet's autoFilter area when a column has criteria (an active
    #: filter); the hidden rows below its header are filtered out, not hidden by hand
    filter_areas: list[CellRange] = field(default_factory=list)
    errors: dict[tuple[int, int], str] = field(default_factory=dict)
    #: .xlsx only: the error cells holding a formula (an ``<f>`` child, wherever it is and
    #: whatever the prefix): the others hold the error value itself (typed, or pasted).
    #: Seen by the scan, which places a cell with no ``r``, not by a byte search after it
    formula_errors: set[tuple[int, int]] = field(default_factory=set)
    merged: list[CellRange] = field(default_factory=list)  # .ods only; calamine has none
    #: (first, last) of each column span hidden by hand, or of width 0
    hidden_cols: list[tuple[int, int]] = field(default_factory=list)
    percent_ones: set[tuple[int, int]] = field(default_factory=set)  # .ods only: 100% cells
    percent_cells: set[tuple[int, int]] = field(default_factory=set)  # .ods only: any n %
    #: .ods only: the cells holding a formula with no value (``table:formula`` and no
    #: ``office:value-type``, as a program that does not calculate writes them)
    uncalculated: set[tuple[int, int]] = field(default_factory=set)
    #: .xlsx only: the first cell whose reference names another row than its row element's
    #: (reference, row number), see ``refuse_misplaced``
    misplaced: tuple[str, int] | None = None
    #: .xlsx only: the ISO 8601 date cells (``t="d"``), see ``isodates.py``
    date_cells: set[tuple[int, int]] = field(default_factory=set)
    #: .xlsx only: the digits of the longest row number past 18 digits (read as
    #: ``BEYOND``), 0 for none: said as such, not as the number it was read as
    row_digits: int = 0
    #: .xlsx only: the letters of the longest column past ``MOST_LETTERS`` letters (read
    #: as ``BEYOND``), 0 for none: said as such, as ``row_digits``
    column_letters: int = 0
    #: .xlsx only: the first content cell found past Excel's grid (its last column XFD,
    #: its last row 1,048,576), as written; blamed should the tab be too large
    #: (``too_large_error``)
    outside: str | None = None
    #: .xlsx only: the reference of the first content cell in a ``sheetData`` after the
    #: first one ended ("" for one with no ``r``), see ``refuse_unread``
    unread: str | None = None

    def too_large(self, limit: int) -> str | None:
        """What the tab spans when past ``limit`` cells, else None. A row number past 18
        digits is said by its digits: until 2026-12-07 as ``A1:F1000000000000000000``, a
        number not in the file."""
        cells = self.max_row * self.max_col
        if cells <= limit:
            return None
        if self.max_row >= BEYOND and self.row_digits:
            return (
                f"the tab has a row number of {self.row_digits:,} digits (Excel's last row "
                f"is 1,048,576; limit {limit:,} cells)"
            )
        if self.max_col >= BEYOND and self.column_letters:
            return (
                f"the tab has a column of {self.column_letters:,} letters (Excel's last "
                f"column is XFD; limit {limit:,} cells)"
            )
        return (
            f"the tab spans A1:{a1(self.max_row, self.max_col)} ({cells:,} cells, limit {limit:,})"
        )


def too_large_error(scan: Scan, limit: int, source: str, tab: str) -> WorkbookError | None:
    """The reader's error for a tab past ``limit`` cells with a content cell past Excel's
    grid (``Scan.outside``): that cell named, the file damaged, what to do
    (``references.outside_grid``); None for another tab (too large or not). Until a
    review on 2026-12-07 such a tab was only too large, with advice Excel cannot carry
    out (``keep large data on a tab the sync does not read``: no tab holds such a cell)."""
    if scan.outside is None or scan.too_large(limit) is None:
        return None
    return outside_grid(scan.outside, limit, source, tab)


def _cell_ref(
    ref: str, source: str, tab: str, scan: Scan, at: etree._Element
) -> tuple[int, int] | None:
    """(row, column) of a content cell's reference by calamine's rules (``calamine_reads``:
    ``A12345678``, ``C01``, ``XFE1`` are read), or the reader's error for a reference it
    refuses (``reference_error``; until 2026-12-07 the scan's own rules, 1-3 letters and
    1-7 digits, and its own words, with nothing to do). The row and column are counted
    whole, not in calamine's 32 bits, so one it would wrap to a far cell (and abort on) is
    never less than its place; a row past 18 digits is ``BEYOND`` and a column past
    ``MOST_LETTERS`` letters too, their length kept for the extent's message. A bad
    reference where calamine reads no cell (``at``, the cell or its row, outside the
    first ``sheetData``: ``_read_by_calamine``) is None, no place: calamine passes it
    over (until a later pass on 2026-12-07 the tab was refused for it)."""
    match = A1.fullmatch(ref)
    if match is None:
        _refuse(ref, source, tab, at)
        return None
    letters, digits = match[1], match[2]
    # the usual: 9 digits and 6 letters (26**6 columns) are under 2**32, nothing wraps
    if len(digits) <= 9 and len(letters) <= 6 and (usual := int(digits)):
        row, col = usual, column_index(letters)
    else:
        whole_row = whole(digits)
        if whole_row is None or not calamine_reads(ref):  # never None: A1 took ASCII digits
            _refuse(ref, source, tab, at)
            return None
        if whole_row == BEYOND:
            scan.row_digits = max(scan.row_digits, len(digits.lstrip("0")))
        if len(letters) > MOST_LETTERS:
            scan.column_letters = max(scan.column_letters, len(letters))
        row, col = whole_row, capped_column(letters)
    if (row > LAST_ROW or col > LAST_COLUMN) and scan.outside is None:
        scan.outside = ref
    return row, col


def _refuse(ref: str, source: str, tab: str, at: etree._Element) -> None:
    """Raise the reader's error for bad reference ``ref`` where calamine reads the cell;
    elsewhere nothing (passed over)."""
    if _read_by_calamine(at):
        raise reference_error(ref, "of a cell", source, tab)


def _read_by_calamine(at: etree._Element) -> bool:
    """Whether calamine reads a cell in ``at`` (the cell, or its row): it is in the first
    ``sheetData`` (in a row or not), the one with no ``sheetData`` before it among its
    siblings, as ``references.bad_reference`` finds them (probed with python-calamine
    0.9.1: a cell before, after or in a second ``sheetData``, or in an ``extLst``, is not
    read). A sibling the scan freed is not seen: a ``sheetData`` after rows stored
    outside any is then taken for the first (refused, as before). Known to disagree
    with calamine on some nested layouts, always by refusing a tab calamine reads (a
    review's probe, 2026-12-07, left so): an empty ``sheetData`` wrapped in another
    element before the real one (``<x><sheetData/></x><sheetData>``: calamine reads
    none of the second), and an empty ``sheetData`` inside the first, the rows after it
    (``<sheetData>..<sheetData></sheetData><row>``: calamine stops at the inner end
    tag). ``references._read_here`` counts them alike."""
    node: etree._Element | None = at
    while node is not None and not _named(node, "sheetData"):
        node = node.getparent()
    if node is None:
        return False
    return not any(_named(sib, "sheetData") for sib in node.itersiblings(preceding=True))


def _named(el: etree._Element, name: str) -> bool:
    return isinstance(el.tag, str) and local_name(el.tag) == name


def scan_worksheet(xml: bytes, source: str, tab: str) -> Scan:
    """Extent of cells with content, hidden rows and error cells of one worksheet.

    Styled empty cells (no child) are not data. Every ``c`` element counts wherever it
    is, as calamine reads it: one outside a row, or wrapped in another element, must not
    escape the extent check (calamine would allocate for it and abort the process).
    """
    return _stream_scan(xml, source, tab)


def _stream_scan(xml: bytes, source: str, tab: str) -> Scan:
    """Each row is freed once scanned, so a million declared rows cost no memory; what
    is not a row is checked for cells before it is freed, and the rest at the end."""
    scan = Scan()
    row_no = 0
    columns: dict[str, int] = {}

    def strays(element: etree._Element) -> None:
        """Cells outside any row: calamine reads them, so their references count."""
        for cell in _STRAY_CELLS(element):
            if not _read_by_calamine(cell):  # after the first sheetData, or in another
                continue
            place = _cell_ref(cell.get("r", ""), source, tab, scan, cell)
            if place is None:
                continue
            cell_row, col = place
            scan.max_row, scan.max_col = max(scan.max_row, cell_row), max(scan.max_col, col)
            if cell.get("t") == "e":
                code, held = _error_of(cell)
                scan.errors[(cell_row, col)] = code
                if held:
                    scan.formula_errors.add((cell_row, col))

    events = iterparse(xml, ("end",), ("{*}row", "{*}autoFilter", "{*}col", "{*}sheetData"))
    ended = False  # the first ``sheetData`` (at any depth) has ended: calamine stops there
    read_in: etree._Element | None = None  # a row's parent known to be read by calamine
    try:
        for _, row in events:
            if row.tag[-3:] == "col":  # a column's width and visibility (before sheetData)
                if (span := hidden_span(row)) is not None:
                    scan.hidden_cols.append(span)
                continue
            if row.tag[-9:] == "sheetData":
                ended = True
                continue
            if row.tag[-3:] != "row":  # an autoFilter (after sheetData)
                parent = row.getparent()  # the sheet's, not a custom view's (applied later)
                live = parent is not None and local_name(parent.tag) == "worksheet"
                if live and (area := active_filter(row)) is not None:
                    scan.filter_areas.append(area)
                continue
            if ended or row.getparent() is not read_in:
                if ended or not _in_sheet_data(row):  # calamine reads none of its cells
                    if ended and scan.unread is None and _in_sheet_data(row):
                        scan.unread = _first_content(row)  # LibreOffice shows it
                    _free(row, strays)
                    continue
                read_in = row.getparent()
            r = row.get("r")
            n = whole(r) if r else None
            row_no = n if n is not None else row_no + 1
            if n == BEYOND and r:  # said by its digits should it make the tab too large
                scan.row_digits = max(scan.row_digits, len(r.lstrip("0")))
            if row.get("hidden", "").lower() in _TRUE:
                scan.hidden_rows.add(row_no)
                if row.get("outlineLevel", "0").strip() not in ("", "0"):
                    scan.grouped_rows.add(row_no)
            refs, errors, made = _row_cells(row, row_no)
            named = scan.outside
            if refs:
                suffix = str(row_no)
                max_col = scan.max_col
                for ref in refs:  # the hot loop: string ops only, columns cached by letters
                    letters = ref.rstrip(_DIGITS)
                    col = columns.get(letters)
                    if col is None or ref[len(letters) :] != suffix:
                        place = _cell_ref(ref, source, tab, scan, row)
                        if place is None:
                            continue
                        cell_row, col = place
                        if cell_row != row_no and scan.misplaced is None:
                            scan.misplaced = (ref.strip(), row_no)
                        columns[letters] = col
                        scan.max_row = max(scan.max_row, cell_row)
                    if col > max_col:  # noqa: PLR1730 (a comparison, not a max() call a cell)
                        max_col = col
                scan.max_col = max_col
                scan.max_row = max(scan.max_row, row_no)
            for ref, code, held in errors:  # error and date cells: few, off the hot loop
                at = _cell_ref(ref, source, tab, scan, row)
                if at is None:
                    continue
                if code is None:  # an ISO 8601 date cell: calamine leaves some as text
                    scan.date_cells.add(at)
                    continue
                scan.errors[at] = code
                if held:
                    scan.formula_errors.add(at)
            if named is None and (row_no > LAST_ROW or scan.outside is not None):
                # the letters' memo placed some without _cell_ref, and a cell with no r in
                # a row past 18 digits is placed in a row not in the file (``made``)
                scan.outside = _first_outside(refs, made if row_no == BEYOND else ())
            _free(row, strays)
        if events.root is not None:
            strays(events.root)
    except etree.XMLSyntaxError as exc:
        damage = xml_damage(exc)
        raise WorkbookError(f"the file is damaged: {damage}", source=source, tab=tab) from exc
    return scan


def _free(row: etree._Element, strays: Callable[[etree._Element], None]) -> None:
    """Free a scanned row and what came before it in its parent, once ``strays`` has
    looked for cells in what is not a row."""
    row.clear(keep_tail=False)
    parent = row.getparent()
    while parent is not None and row.getprevious() is not None:
        if len(parent[0]):  # not a row scanned and cleared: look for cells
            strays(parent[0])
        del parent[0]


def _in_sheet_data(row: etree._Element) -> bool:
    """Whether a row stands in a ``sheetData`` (at any depth), the first one while it has
    not ended: calamine reads the cells of the first ``sheetData`` only and stops at its
    end tag (a row before it, after it, in an ``extLst`` or in a second one is not read:
    until 2026-12-08 a far cell there made the tab too large, though calamine ignores it)."""
    node = row.getparent()
    while node is not None and not _named(node, "sheetData"):
        node = node.getparent()
    return node is not None


def _first_content(row: etree._Element) -> str | None:
    """The reference of a row's first content cell ("" for one with no ``r``), or None."""
    cells = [c for c in row.iter(_ANY_C) if len(c)]
    return None if not cells else cells[0].get("r", "")


def refuse_unread(scan: Scan, source: str, tab: str) -> None:
    """Rows with content in a second ``sheetData``, or after an inner one's end tag:
    calamine reads none of them, LibreOffice 7.4 shows them (checked) and Excel repairs
    the file (no sheet holds two). Read as calamine reads them, those rows were lost
    without a word (until 2026-12-08; a far cell there refused the tab as too large)."""
    if scan.unread is None:
        return
    cell = scan.unread if calamine_reads(scan.unread) else None
    where = f"from {cell} on " if cell else ""
    raise WorkbookError(
        f"the worksheet is damaged: it holds more than one <sheetData>, and the cells "
        f"{where}are in a later one, which LibreOffice shows but this tool cannot read; "
        "open the file in LibreOffice and save it as .xlsx (it writes them in one), or "
        "restore an earlier copy",
        source=source,
        tab=tab,
        cell=cell,
    )


def refuse_misplaced(scan: Scan, source: str, tab: str) -> None:
    """``<row r="2"><c r="J5">``: calamine and LibreOffice show the cell at J5, by its
    reference, but the patch finds cells by their row: writing J2 replaced it (the team's
    J5 gone) and writing J5 added a second J5. No application writes it: refused here,
    where every cell of the tab is read (after the extent check, whose error says more),
    so the patch checks no cell's row on its hot path."""
    if scan.misplaced is not None:
        ref, row_no = scan.misplaced
        raise WorkbookError(
            f"the worksheet is damaged: cell {ref} is stored in row {row_no}",
            source=source,
            tab=tab,
            cell=ref,
        )


def filtered_rows(scan: Scan, areas: Sequence[CellRange]) -> set[int]:
    """The hidden rows below the header of an active filter: Excel writes no other mark
    for a row a filter hides (and re-applying the filter would re-show any hidden by hand
    there that match it, as LibreOffice reads them: ``visibility="filter"``)."""
    return {r for r in scan.hidden_rows if any(a.min_row < r <= a.max_row for a in areas)}


def active_filter(auto_filter: etree._Element) -> CellRange | None:
    """The area of an ``autoFilter`` (a sheet's or a Table's) that filters: one of its
    ``filterColumn`` elements holds criteria. Filter buttons alone hide nothing; an
    unreadable ``ref`` is no filter (its hidden rows stay hidden, as before)."""
    if not any(
        local_name(col.tag) == "filterColumn" and any(isinstance(c.tag, str) for c in col)
        for col in auto_filter
    ):
        return None
    try:
        return CellRange(*cell_range(auto_filter.get("ref", "").replace("$", "")))
    except (ValueError, WorkbookError):
        return None


#: (reference, code, holds a formula) of an error cell; code None: an ISO 8601 date cell
#: (``t="d"``), listed with them so the usual row costs no other list
ErrorCell = tuple[str, str | None, bool]


def _first_outside(refs: list[str], made: Sequence[int]) -> str | None:
    """The first of a row's content cells' references past Excel's grid, as calamine reads
    it, but those at the indexes ``made`` (built by position, not in the file). Until a
    second review on 2026-12-07 only the row's first cell was looked at, and any found in
    a row past 18 digits forgotten: whether the cell was named depended on the order of
    the row's cells (``B2`` then ``C1048577`` in row 1,048,577: none) and on what the
    scan had placed before (``C`` then 20 nines in a row of 20 nines: none)."""
    for i, ref in enumerate(refs):
        if i in made or (m := A1.fullmatch(ref)) is None or not calamine_reads(ref):
            continue
        row = whole(m[2])
        if row is not None and (row > LAST_ROW or capped_column(m[1]) > LAST_COLUMN):
            return ref
    return None


def _row_cells(row: etree._Element, row_no: int) -> tuple[list[str], list[ErrorCell], list[int]]:
    """References of a row's content cells, and (reference, code, holds a formula) of
    its error cells and (reference, None, False) of its ISO 8601 date cells, and the
    indexes of the references built by position (a cell with no ``r``).

    A Python pass is fastest for ordinary rows; for wide rows (Gnumeric styles all 16,384
    cells) compiled XPath selects the few content cells in C. Cells wrapped in another
    child of the row count too (calamine reads them; inside a cell it refuses them).
    """
    if len(row) > _WIDE_ROW and int(_UNREFERENCED(row)) == 0:
        wrapped = _WRAPPED_CELLS(row)
        errors: list[ErrorCell] = [(c.get("r", ""), *_error_of(c)) for c in _ERROR_CELLS(row)]
        errors += [(c.get("r", ""), *_error_of(c)) for c in wrapped if c.get("t") == "e"]
        dated = _DATE_CELLS(row) + [c.get("r", "") for c in wrapped if c.get("t") == "d"]
        errors += [(ref, None, False) for ref in dated]
        return _CONTENT_REFS(row) + [c.get("r", "") for c in wrapped], errors, []
    refs: list[str] = []
    errors = []
    made: list[int] = []
    col = 0
    last_ref: str | None = None
    # The usual row holds cells only: lxml picks them in C (no tag string a cell); a row
    # with other children too (an extLst, a wrapper, a comment) is read child by child,
    # as every row was read until 2026-12-07.
    cells = list(row.iterchildren(_ANY_C))
    mixed = len(cells) != len(row)
    for cell in row if mixed else cells:
        if mixed and not _is_cell(cell.tag):
            if len(cell):  # not a cell: an extLst, or a wrapper around cells
                for inner in _STRAY_CELLS(cell):
                    refs.append(inner.get("r", ""))
                    if (t := inner.get("t")) == "e":
                        errors.append((refs[-1], *_error_of(inner)))
                    elif t == "d":
                        errors.append((refs[-1], None, False))
            continue
        ref = cell.get("r")
        if ref is None:  # positional: one right of the previous cell
            if last_ref is not None:
                m = A1.fullmatch(last_ref)
                col = capped_column(m[1]) if m else col
                last_ref = None
            col += 1
            ref = a1(row_no, col)
            if len(cell):
                made.append(len(refs))
        else:
            last_ref = ref
        if len(cell):
            refs.append(ref)
            if (t := cell.get("t")) == "e":
                errors.append((ref, *_error_of(cell)))
            elif t == "d":
                errors.append((ref, None, False))
    return refs, errors, made


def _is_cell(tag: object) -> bool:
    """A child's tag is a cell's (``c`` in any namespace, or none); a comment's or a
    processing instruction's is no string."""
    return isinstance(tag, str) and (tag == "c" or tag.endswith("}c"))


def _error_of(cell: etree._Element) -> tuple[str, bool]:
    """An error cell's code, and whether it holds a formula (an ``<f>`` child)."""
    values = []
    held = False
    for child in cell:
        local = local_name(child.tag)
        if local == "v":
            values.append(child.text)
        elif local == "f":
            held = True
    return ((values[0] if values else None) or "#VALUE!").strip(), held
