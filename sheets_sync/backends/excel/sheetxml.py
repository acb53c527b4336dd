"""Surgical edits of one worksheet part: set owned cells, leave every other byte alone.

Only the ``<c>`` elements of owned cells are rewritten (or inserted in column order, inside
a ``<row>`` inserted in row order when missing); a row's ``spans`` hint and ``<dimension>``
grow when needed. Everything else — other cells, row attributes, cols, merges, validations,
conditional formats, extLst, namespace declarations — is copied byte for byte.

Every cell of every edited row is scanned, so that scan is one compiled regex per row
(``finditer``) whose match objects are the cells; the ``r`` attribute, nearly always the
first one, is captured by the same regex.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Protocol

from sheets_sync.backends.excel.cellscan import (
    COLUMN_OF_REF,
    Cell,
    a1_memo,
    cell_range,
    column_of,
    patterns,
    ref_attr,
    ref_column,
    refuse_nested,
)
from sheets_sync.backends.excel.formulas import Box, FormulaGuard
from sheets_sync.backends.excel.xmlutil import (
    MAIN_NS,
    Tag,
    check_xml_bytes,
    escape_text,
    find_tag,
    has_invalid_xml_chars,
    parse_attrs,
    render_tag,
    replace_spans,
    root_prefix,
    set_attr,
    tag_re,
)
from sheets_sync.errors import WorkbookError
from sheets_sync.grid import CellStyle, a1

_SPACED_END_TAG = re.compile(rb"</[^\s>]+\s+>")  # ``</c >``: legal XML, unseen by the scans
_ESCAPED: dict[str, bytes] = {}  # cell text that passed the checks -> its escaped bytes
_TRUE = (b"1", b"true")
_NUMBER = (int, float)


class Edit(Protocol):
    """What an owned cell becomes (a ``CellWrite`` is one: no copy a cell)."""

    @property
    def value(self) -> str | float | None: ...

    @property
    def style(self) -> CellStyle | None: ...


# (existing or inherited xf id, style) -> xf id to use
StyleResolver = Callable[[int, CellStyle], int]


@dataclass(frozen=True)
class SheetPatch:
    xml: bytes
    replaced_formulas: tuple[str, ...]  # refs whose formula was replaced (for calcChain)


def _first(attrs: tuple[tuple[bytes, bytes], ...], name: bytes) -> bytes | None:
    for key, value in attrs:
        if key == name:
            return value
    return None


class SheetEditor:
    """Patches one worksheet's bytes."""

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
            raise WorkbookError(f"worksheet {sheet!r} ({part}) has no <sheetData>")
        self.sd = sd
        if sd.self_closing:
            self.sd_end = sd.end
        else:
            close = xml.find(b"</" + p + b"sheetData", sd.end)  # ``>`` or ``\s>`` next
            if close < 0:
                raise WorkbookError(f"worksheet {sheet!r} ({part}) is truncated")
            self.sd_end = close
        lo, hi = (sd.end, self.sd_end) if not sd.self_closing else (0, 0)
        if any(xml.find(m, lo, hi) >= 0 for m in (b"<!--", b"<![CDATA[", b"<?")):
            raise WorkbookError(
                f"worksheet {sheet!r} has XML comments or CDATA in its cell "
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
                f"worksheet {self.sheet!r} has end tags with spaces in its cell data "
                "(</c >), which this tool does not edit; save the file again in Excel "
                "or LibreOffice"
            )
        if self.xml.count(MAIN_NS.encode(), 0, hi) > 1:
            raise WorkbookError(
                f"worksheet {self.sheet!r} names the spreadsheet namespace twice "
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
                    raise WorkbookError(f"worksheet {self.sheet!r} has an unterminated <row>")
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
        c_open = b"<" + self.p + b"c"
        prev = 0
        for m in self._pat.cell.finditer(self.xml, start, end):
            ref = m[2]
            col = known(ref) if ref is not None else None
            if col is None:
                col = (column_of(ref) if ref is not None else ref_column(m[1])) or prev + 1
            if m[3] is None and not m[5]:
                raise WorkbookError(f"worksheet {self.sheet!r} has an unterminated <c>")
            if (inner := m[4]) and c_open in inner:  # rare: only then the regex
                at = (ref or ref_attr(m[1]) or b"").decode("utf-8", "replace")
                refuse_nested(self, c_open, self._pat.cell, m.start(4), m.end(4), f"cell {at}")
            cells.append((col, m))
            prev = col
        return cells

    def _col_styles(self) -> list[tuple[int, int, int]]:
        found: list[tuple[int, int, int]] = []
        for m in tag_re(self.p, b"col").finditer(self.xml, 0, self.sd.start):
            attrs = parse_attrs(m[1])
            style, lo, hi = _first(attrs, b"style"), _first(attrs, b"min"), _first(attrs, b"max")
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
            ref, kind = _first(attrs, b"ref"), _first(attrs, b"t")
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

    def _value_xml(self, ref: str, value: str | float | None) -> tuple[bytes | None, bytes]:
        """(t attribute, inner XML) for a value; strings are always literal inline strings."""
        if value is None:
            return None, b""
        v_open, v_close = self._pat.v
        if type(value) is float and math.isfinite(value):  # the common case, first
            return None, v_open + repr(value).encode() + v_close
        if isinstance(value, bool):
            return b"b", v_open + (b"1" if value else b"0") + v_close
        if isinstance(value, _NUMBER):
            if isinstance(value, float) and not math.isfinite(value):
                raise ValueError(f"{self.sheet}!{ref}: {value} cannot be stored in a cell")
            text = repr(value).encode() if isinstance(value, float) else str(value).encode()
            return None, v_open + text + v_close
        is_open, is_close = self._pat.inline
        plain = type(value) is str  # not a subclass, whose methods could differ
        known = _ESCAPED.get(value) if plain else None
        if known is not None:  # checked and escaped before
            return b"inlineStr", is_open + known + is_close
        if has_invalid_xml_chars(value):
            raise ValueError(
                f"{self.sheet}!{ref}: text holds control characters that a workbook cannot store"
            )
        if len(value) > 32767:
            raise ValueError(f"{self.sheet}!{ref}: text longer than Excel's 32,767 characters")
        text = escape_text(value)
        if plain and len(value) <= 200 and len(_ESCAPED) < 20_000:
            _ESCAPED[value] = text
        return b"inlineStr", is_open + text + is_close

    def _render_cell(
        self,
        ref: str,
        edit: Edit,
        *,
        base_xf: int,
        old: tuple[tuple[tuple[bytes, bytes], ...], bytes] | None,
        resolve: StyleResolver,
    ) -> bytes:
        """The new ``<c>``; ``old`` is the replaced cell's (attributes, inner XML)."""
        xf = resolve(base_xf, edit.style) if edit.style is not None else base_xf
        t, inner = self._value_xml(ref, edit.value)
        qname = self.p + b"c"
        if old is None:  # what the general path below gives for no old attributes
            head = (
                b"<"
                + qname
                + b' r="'
                + ref.encode()
                + (b'" s="' + str(xf).encode() if xf else b"")
                + (b'" t="' + t if t is not None else b"")
                + b'"'
            )
            return head + b"/>" if not inner else head + b">" + inner + b"</" + qname + b">"
        old_attrs, old_inner = old
        attrs = dict(old_attrs)
        if len(attrs) == len(old_attrs):  # attribute names are unique in well-formed XML
            attrs[b"r"] = ref.encode()
            if xf or attrs.get(b"s"):
                attrs[b"s"] = str(xf).encode()
            else:
                attrs.pop(b"s", None)
            if t is None:
                attrs.pop(b"t", None)
            else:
                attrs[b"t"] = t
            attrs.pop(b"cm", None)  # cell metadata belongs to the dropped formula/value
            attrs.pop(b"vm", None)
            items: list[tuple[bytes, bytes]] = list(attrs.items())
        else:
            items = list(old_attrs)
            s_old = _first(old_attrs, b"s")
            set_attr(items, b"r", ref.encode())
            set_attr(items, b"s", str(xf).encode() if xf or s_old else None)
            set_attr(items, b"t", t)
            set_attr(items, b"cm", None)
            set_attr(items, b"vm", None)
        if old_inner:
            m = self._pat.ext.search(old_inner)
            if m is not None:  # keep a cell-level extLst
                inner += old_inner[m.start() :]
        if not inner:
            return render_tag(qname, items, True)
        return render_tag(qname, items, False) + inner + b"</" + qname + b">"

    def _check_formula(self, ref: str, inner: bytes, guard: FormulaGuard) -> bool:
        """True when the cell holds a formula we may replace; raise when it would break
        other cells (``formulas.py``)."""
        if self._pat.f_open not in inner:
            return False
        ftag = find_tag(self._pat.f, inner)
        if ftag is None:
            return False
        guard.replaceable(ref, ftag.get(b"t"), ftag.get(b"si"), ftag.get(b"ref"))
        return True

    def apply(self, edits: Mapping[tuple[int, int], Edit], resolve: StyleResolver) -> SheetPatch:
        guard = FormulaGuard(self._pat.f, self._formula_cells, edits, self._error)
        guard.check_arrays(self._array_ranges())
        by_row: dict[int, dict[int, Edit]] = {}
        for (row, col), edit in edits.items():
            by_row.setdefault(row, {})[col] = edit
        col_styles = self._col_styles()

        def col_style(col: int) -> int:
            for lo, hi, style in col_styles:
                if lo <= col <= hi:
                    return style
            return 0

        out: list[tuple[int, int, bytes]] = []
        replaced: list[str] = []
        grown: list[tuple[int, int]] = []
        grown_in: dict[int, list[int]] = {}  # row -> its grown columns (rows may repeat)
        rows = self._rows()
        seen: set[int] = set()
        close_len = len(self._row_close)
        for tag, num, end in rows:
            row_edits = by_row.get(num)
            if row_edits is None:
                continue
            seen.add(num)
            cells = [] if tag.self_closing else self._cells(tag.end, end - close_len)
            by_col = dict(cells)
            pending: dict[int, list[bytes]] = {}
            row_grown = grown_in.setdefault(num, [])
            row_known, row_xf = False, None  # the row's own format, looked up when needed
            after = 0  # see the insertion point below
            for col, edit in sorted(row_edits.items()):
                old = by_col.get(col)
                ref = a1_memo(num, col)
                if old is not None:
                    inner = old[4] or b""
                    if self._check_formula(ref, inner, guard):
                        replaced.append(ref)
                    attrs = parse_attrs(old[1])
                    new = self._render_cell(
                        ref,
                        edit,
                        base_xf=self._number(_first(attrs, b"s") or b"0", "a style", ref),
                        old=(attrs, inner),
                        resolve=resolve,
                    )
                    out.append((old.start(), old.end(), new))
                    continue
                if edit.value is None and edit.style is None:
                    continue  # clearing a cell that does not exist
                if not row_known:  # a new cell takes its row's format, else its column's
                    row_known, custom = True, tag.get(b"customFormat") in _TRUE
                    row_xf = self._number(tag.get(b"s") or b"0", "a style") if custom else None
                base = row_xf if row_xf is not None else col_style(col)
                new = self._render_cell(ref, edit, base_xf=base, old=None, resolve=resolve)
                # Before the first cell (in document order) of a later column. Columns are
                # visited in ascending order, so that first cell never moves back: resume.
                while after < len(cells) and cells[after][0] <= col:
                    after += 1
                if after < len(cells):
                    at = cells[after][1].start()
                else:
                    at = cells[-1][1].end() if cells else tag.end
                pending.setdefault(at, []).append(new)
                grown.append((num, col))
                row_grown.append(col)
            if not pending:
                continue
            new_attrs = self._grow_spans(tag, row_grown)
            if tag.self_closing:
                body = b"".join(b"".join(v) for v in pending.values())
                qname = self.p + b"row"
                row_attrs = list(tag.attrs) if new_attrs is None else new_attrs
                out.append(
                    (
                        tag.start,
                        tag.end,
                        render_tag(qname, row_attrs, False) + body + b"</" + qname + b">",
                    )
                )
                continue
            if new_attrs is not None and new_attrs != list(tag.attrs):
                out.append((tag.start, tag.end, render_tag(self.p + b"row", new_attrs, False)))
            out.extend((at, at, b"".join(v)) for at, v in pending.items())
        out.extend(
            self._new_rows(
                rows, {r: c for r, c in by_row.items() if r not in seen}, col_style, resolve, grown
            )
        )
        out.extend(self._dimension(grown, rows))
        return SheetPatch(replace_spans(self.xml, out), tuple(replaced))

    def _grow_spans(self, tag: Tag, cols: list[int]) -> list[tuple[bytes, bytes]] | None:
        """The row's attributes with ``spans`` widened to ``cols``; None when unchanged."""
        spans = tag.get(b"spans")
        if not spans or not cols:
            return None
        try:
            bounds = [int(x) for part in spans.split() for x in part.split(b":")]
        except ValueError:
            return None
        lo, hi = min(bounds + cols), max(bounds + cols)
        if min(cols) < min(bounds) or max(cols) > max(bounds):
            attrs = list(tag.attrs)
            set_attr(attrs, b"spans", f"{lo}:{hi}".encode())
            return attrs
        return None

    def _new_rows(
        self,
        rows: list[tuple[Tag, int, int]],
        missing: dict[int, dict[int, Edit]],
        col_style: Callable[[int], int],
        resolve: StyleResolver,
        grown: list[tuple[int, int]],
    ) -> list[tuple[int, int, bytes]]:
        inserts: dict[int, list[bytes]] = {}
        qname = self.p + b"row"
        for num in sorted(missing):
            cells = []
            for col, edit in sorted(missing[num].items()):
                if edit.value is None and edit.style is None:
                    continue
                cells.append(
                    self._render_cell(
                        a1_memo(num, col), edit, base_xf=col_style(col), old=None, resolve=resolve
                    )
                )
                grown.append((num, col))
            if not cells:
                continue
            nxt = next((t.start for t, n, _ in rows if n > num), None)
            at = nxt if nxt is not None else (self.sd_end if not self.sd.self_closing else -1)
            row_xml = render_tag(qname, [(b"r", str(num).encode())], False) + b"".join(cells)
            inserts.setdefault(at, []).append(row_xml + b"</" + qname + b">")
        out: list[tuple[int, int, bytes]] = []
        for at, chunks in inserts.items():
            if at == -1:  # <sheetData/>: open it up
                sd_q = self.p + b"sheetData"
                body = render_tag(sd_q, list(self.sd.attrs), False) + b"".join(chunks)
                out.append((self.sd.start, self.sd.end, body + b"</" + sd_q + b">"))
            else:
                out.append((at, at, b"".join(chunks)))
        return out

    def _dimension(
        self, grown: list[tuple[int, int]], rows_before: list[tuple[Tag, int, int]]
    ) -> list[tuple[int, int, bytes]]:
        tag = find_tag(tag_re(self.p, b"dimension"), self.xml, 0, self.sd.start)
        if tag is None or not grown:
            return []
        ref = (tag.get(b"ref") or b"A1").decode()
        try:
            r1, c1, r2, c2 = cell_range(ref)
        except WorkbookError:
            return []
        empty = not rows_before  # an empty sheet's ref ("A1") is a placeholder
        rows = [r for r, _ in grown] + ([] if empty else [r1, r2])
        cols = [c for _, c in grown] + ([] if empty else [c1, c2])
        new = a1(min(rows), min(cols)) + ":" + a1(max(rows), max(cols))
        if (min(rows), min(cols), max(rows), max(cols)) == (r1, c1, r2, c2):
            return []
        attrs = list(tag.attrs)
        set_attr(attrs, b"ref", new.encode())
        return [(tag.start, tag.end, render_tag(self.p + b"dimension", attrs, tag.self_closing))]
