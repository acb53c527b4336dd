"""Where the parts of a worksheet that an edit touches are, found in its bytes: its
``<sheetData>``, rows, cells, column styles and multi-cell formula ranges (``sheetxml``'s
``SheetEditor`` edits with them). Read only; what the scans cannot prove they read right
(comments or CDATA among the cells, ``</c >``, a second prefix, nested rows) is refused.

Every cell of every edited row is scanned, so that scan is one compiled regex per row
(``finditer``) whose match objects are the cells; the ``r`` attribute, nearly always the
first one, is captured by the same regex.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from sheets_sync.backends.excel.cellscan import (
    COLUMN_OF_REF,
    Cell,
    cell_range,
    column_of,
    patterns,
    ref_attr,
    ref_column,
    refuse_nested,
)
from sheets_sync.backends.excel.formulas import Box
from sheets_sync.backends.excel.xmlutil import (
    MAIN_NS,
    Tag,
    check_xml_bytes,
    find_tag,
    first_attr,
    parse_attrs,
    root_prefix,
    tag_re,
)
from sheets_sync.errors import WorkbookError
from sheets_sync.grid import as_typed

#: ``</c >``: legal XML, unseen by the scans. Its name runs to the next ``<`` at most: from
#: each ``</`` of ``</</</...`` to the end of the part, 3 s for 32 KB (until a review on
#: 2026-12-07)
_SPACED_END_TAG = re.compile(rb"</[^\s<>]+\s+>")


class SheetRows:
    """One worksheet's bytes and the scans of its cell data."""

    def __init__(self, xml: bytes, part: str, sheet: str) -> None:
        check_xml_bytes(xml, part)
        self.xml = xml
        self.part = part
        self.sheet = sheet
        self.p = root_prefix(xml, b"worksheet", part)
        p = self.p
        self._pat = patterns(p)
        self._row_close = b"</" + p + b"row>"
        sd = find_tag(tag_re(p, b"sheetData"), xml)
        if sd is None:
            raise WorkbookError(f"worksheet {as_typed(sheet)} ({part}) has no <sheetData>")
        self.sd = sd
        if sd.self_closing:
            self.sd_end = sd.end
        else:
            close = xml.find(b"</" + p + b"sheetData", sd.end)  # ``>`` or ``\s>`` next
            if close < 0:
                raise WorkbookError(f"worksheet {as_typed(sheet)} ({part}) is truncated")
            self.sd_end = close
        lo, hi = (sd.end, self.sd_end) if not sd.self_closing else (0, 0)
        if any(xml.find(m, lo, hi) >= 0 for m in (b"<!--", b"<![CDATA[", b"<?")):
            raise WorkbookError(
                f"worksheet {as_typed(sheet)} has XML comments or CDATA in its cell "
                "data, which this tool does not edit"
            )
        self._refuse_unscannable(lo, hi)

    def _refuse_unscannable(self, lo: int, hi: int) -> None:
        """``</c >`` (legal XML) hid a cell's end from the scans, so writing the cell before
        it deleted the team's next cell; a cell under a second prefix of the namespace
        (``<x:c>`` in an unprefixed sheet) was unseen and written twice. No application
        writes either: refused, not guessed."""
        if _SPACED_END_TAG.search(self.xml, lo, hi) is not None:
            raise WorkbookError(
                f"worksheet {as_typed(self.sheet)} has end tags with spaces in its cell data "
                "(</c >), which this tool does not edit; save the file again in Excel "
                "or LibreOffice"
            )
        if self.xml.count(MAIN_NS.encode(), 0, hi) > 1:
            raise WorkbookError(
                f"worksheet {as_typed(self.sheet)} names the spreadsheet namespace twice "
                "(two prefixes for its cells), which this tool does not edit; save the "
                "file again in Excel or LibreOffice"
            )

    def _error(self, cell: str, message: str) -> WorkbookError:
        return WorkbookError(message, tab=self.sheet, cell=cell)

    def _number(self, text: bytes, what: str, cell: str | None = None) -> int:
        """An attribute that must be a whole number (a row's ``r``, a style index), or
        the error naming it: a damaged sheet whose reader tolerated it, not a traceback."""
        try:
            return int(text)
        except ValueError:
            shown = text[:40].decode("utf-8", "replace")
            raise WorkbookError(
                f"{shown!r} where {what} belongs; the worksheet is damaged",
                tab=self.sheet,
                cell=cell,
            ) from None

    def _rows(self) -> list[tuple[Tag, int, int]]:
        """(row tag, row number, end past ``</row>``) in document order."""
        rows: list[tuple[Tag, int, int]] = []
        if self.sd.self_closing:
            return rows
        xml, close, search = self.xml, self._row_close, self._pat.row.search
        row_open = b"<" + self.p + b"row"
        pos, prev = self.sd.end, 0
        while (m := search(xml, pos, self.sd_end)) is not None:
            tag = Tag(m.start(), m.end(), m[1], m[3] == b"/")
            r = m[2] if m[2] is not None else tag.get(b"r")
            num = self._number(r, "a row number") if r is not None else prev + 1
            if tag.self_closing:
                end = tag.end
            else:
                end = xml.find(close, tag.end)
                if end < 0:
                    raise WorkbookError(
                        f"worksheet {as_typed(self.sheet)} has an unterminated <row>"
                    )
                refuse_nested(self, row_open, self._pat.row, tag.end, end, f"row {num}")
                end += len(close)
            rows.append((tag, num, end))
            pos, prev = end, num
        return rows

    def _cells(self, start: int, end: int) -> list[tuple[int, Cell]]:
        """(column, cell match) of the cells between ``start`` and ``end``, in order. The
        hot path of a patch: a cell stored in another row's element (``<row r="2"><c
        r="J5">``) is refused by the reader (``sheetscan``), which reads every cell of the
        tab anyway, so no cell is checked for its row here."""
        cells: list[tuple[int, Cell]] = []
        known = COLUMN_OF_REF.get
        prev = 0
        for m in self._pat.cell.finditer(self.xml, start, end):
            ref = m[2]
            col = known(ref) if ref is not None else None
            if col is None:
                try:
                    col = (column_of(ref) if ref is not None else ref_column(m[1])) or prev + 1
                except WorkbookError:
                    if cells:  # an earlier cell's fault is said first, as it was
                        self._check_cells(cells, start, m.start())
                    raise
            cells.append((col, m))
            prev = col
        if cells:
            self._check_cells(cells, start, end)
        return cells

    def _check_cells(self, cells: list[tuple[int, Cell]], start: int, end: int) -> None:
        """Refuse an unterminated ``<c>`` or a cell inside a cell among ``_cells``' finds
        (the cells of ``start``..``end``), in the order a check of each cell in turn would,
        a cell's reference first: ``_cells`` reads every reference, then checks the cells
        found, all of them or, when a reference is malformed, those before it (their
        faults are said first). A row at a time, not a cell (``_cells`` is a patch's hot
        path): a cell that runs to the end of the range (``\\Z``) can only be the last one
        found, and a ``<c`` in a cell's content is one more ``<c`` in the range than the
        cells found (each starts with one): only a row with more is looked at cell by
        cell."""
        c_open = b"<" + self.p + b"c"
        if self.xml.count(c_open, start, end) != len(cells):
            for _, m in cells:
                if m[3] is None and not m[5]:
                    break  # the last: said below
                if (inner := m[4]) and c_open in inner:  # rare: only then the regex
                    at = (m[2] or ref_attr(m[1]) or b"").decode("utf-8", "replace")
                    refuse_nested(self, c_open, self._pat.cell, m.start(4), m.end(4), f"cell {at}")
        last = cells[-1][1]
        if last[3] is None and not last[5]:
            raise WorkbookError(f"worksheet {as_typed(self.sheet)} has an unterminated <c>")

    def _col_styles(self) -> list[tuple[int, int, int]]:
        found: list[tuple[int, int, int]] = []
        for m in tag_re(self.p, b"col").finditer(self.xml, 0, self.sd.start):
            attrs = parse_attrs(m[1])
            style, lo, hi = (
                first_attr(attrs, b"style"),
                first_attr(attrs, b"min"),
                first_attr(attrs, b"max"),
            )
            if style and lo and hi:
                number = self._number
                found.append(
                    (number(lo, "a column"), number(hi, "a column"), number(style, "a style"))
                )
        return found

    def _array_ranges(self) -> list[tuple[Box, bool]]:
        """Multi-cell array (True) / data-table (False) formula ranges."""
        ranges: list[tuple[Box, bool]] = []
        if self.xml.find(self._pat.f_open, self.sd.end, self.sd_end) < 0:
            return ranges  # no formula at all (every ``<f>`` tag starts so)
        for m in self._pat.f.finditer(self.xml, self.sd.end, self.sd_end):
            attrs = parse_attrs(m[1])
            ref, kind = first_attr(attrs, b"ref"), first_attr(attrs, b"t")
            if ref and kind in (b"array", b"dataTable"):
                box = cell_range(ref.decode())
                if box[0] != box[2] or box[1] != box[3]:
                    ranges.append((box, kind == b"array"))
        return ranges

    def _formula_cells(self) -> Iterator[tuple[int, int, bytes]]:
        """(row, column, inner XML) of each cell holding a formula."""
        close_len = len(self._row_close)
        for tag, num, end in self._rows():
            if not tag.self_closing:
                for col, m in self._cells(tag.end, end - close_len):
                    inner = m[4]
                    if inner and self._pat.f_open in inner:
                        yield num, col, inner
