"""Surgical edits of one worksheet part: set owned cells, leave every other byte alone.

Only the ``<c>`` elements of owned cells are rewritten (or inserted in column order, inside
a ``<row>`` inserted in row order when missing); a row's ``spans`` hint and ``<dimension>``
grow when needed. Everything else — other cells, row attributes, cols, merges, validations,
conditional formats, extLst, namespace declarations — is copied byte for byte.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from sheets_sync.backends.excel.xmlutil import (
    Tag,
    check_xml_bytes,
    escape_text,
    find_tag,
    has_invalid_xml_chars,
    render_tag,
    replace_spans,
    root_prefix,
    set_attr,
    tag_re,
)
from sheets_sync.errors import WorkbookError
from sheets_sync.grid import CellStyle, a1, column_index

_REF_RE = re.compile(r"^\$?([A-Za-z]{1,3})\$?(\d+)$")
#: The ``r`` attribute inside a start tag's attribute text (``r`` alone, not ``spans``).
_R_ATTR = re.compile(rb"""(?:^|\s)r\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_COLUMN_OF: dict[bytes, int] = {}  # "AB12" letters -> column, shared across sheets
_TRUE = (b"1", b"true")


@dataclass(frozen=True)
class CellEdit:
    """What one owned cell becomes."""

    value: str | float | None
    style: CellStyle | None


# (existing or inherited xf id, style) -> xf id to use
StyleResolver = Callable[[int, CellStyle], int]


@dataclass(frozen=True)
class SheetPatch:
    xml: bytes
    replaced_formulas: tuple[str, ...]  # refs whose formula was replaced (for calcChain)


def parse_ref(ref: str) -> tuple[int, int]:
    m = _REF_RE.match(ref.strip())
    if m is None:
        raise WorkbookError(f"malformed cell reference {ref!r}")
    return int(m.group(2)), column_index(m.group(1))


def _ref_column(raw: bytes) -> int:
    """Column of a cell from its start tag's attribute text; 0 when it has no ``r``.

    The hot path of a patch: every cell of every edited row passes here, so the letters'
    column is cached and the full attribute parse is skipped.
    """
    m = _R_ATTR.search(raw)
    if m is None:
        return 0
    ref = m.group(1) if m.group(1) is not None else m.group(2)
    letters = ref.rstrip(b"0123456789")
    col = _COLUMN_OF.get(letters)
    if col is None:
        col = parse_ref(ref.decode())[1]
        if len(_COLUMN_OF) < 20_000:
            _COLUMN_OF[letters] = col
    elif letters == ref:
        parse_ref(ref.decode())  # no row digits: malformed, raises like the full parse
    return col


def _range(ref: str) -> tuple[int, int, int, int]:
    first, _, last = ref.partition(":")
    r1, c1 = parse_ref(first)
    r2, c2 = parse_ref(last or first)
    return min(r1, r2), min(c1, c2), max(r1, r2), max(c1, c2)


@dataclass(frozen=True)
class _Cell:
    tag: Tag
    end: int  # past ``</c>`` (== tag.end when self-closing)
    col: int
    inner: bytes


class SheetEditor:
    """Patches one worksheet's bytes."""

    def __init__(self, xml: bytes, part: str, sheet: str) -> None:
        check_xml_bytes(xml, part)
        self.xml = xml
        self.part = part
        self.sheet = sheet
        self.p = root_prefix(xml, b"worksheet", part)
        p = self.p
        self._row_re = tag_re(p, b"row")
        self._c_re = tag_re(p, b"c")
        self._f_re = tag_re(p, b"f")
        self._ext_re = re.compile(b"<" + re.escape(p + b"extLst") + rb"[\s>]")
        self._row_close = b"</" + p + b"row>"
        self._c_close = b"</" + p + b"c>"
        sd = find_tag(tag_re(p, b"sheetData"), xml)
        if sd is None:
            raise WorkbookError(f"worksheet {sheet!r} ({part}) has no <sheetData>")
        self.sd = sd
        if sd.self_closing:
            self.sd_end = sd.end
        else:
            close = xml.find(b"</" + p + b"sheetData>", sd.end)
            if close < 0:
                raise WorkbookError(f"worksheet {sheet!r} ({part}) is truncated")
            self.sd_end = close
        body = xml[sd.end : self.sd_end] if not sd.self_closing else b""
        if b"<!--" in body or b"<![CDATA[" in body or b"<?" in body:
            raise WorkbookError(
                f"worksheet {sheet!r} has XML comments or CDATA in its cell "
                "data, which this tool does not edit"
            )

    def _error(self, cell: str, message: str) -> WorkbookError:
        return WorkbookError(message, tab=self.sheet, cell=cell)

    def _rows(self) -> list[tuple[Tag, int, int]]:
        """(row tag, row number, end past ``</row>``) in document order."""
        rows: list[tuple[Tag, int, int]] = []
        if self.sd.self_closing:
            return rows
        pos, prev = self.sd.end, 0
        while True:
            tag = find_tag(self._row_re, self.xml, pos, self.sd_end)
            if tag is None:
                return rows
            r = tag.get(b"r")
            num = int(r) if r is not None else prev + 1
            end = tag.end if tag.self_closing else self.xml.find(self._row_close, tag.end)
            if end < 0:
                raise WorkbookError(f"worksheet {self.sheet!r} has an unterminated <row>")
            end = end if tag.self_closing else end + len(self._row_close)
            rows.append((tag, num, end))
            pos, prev = end, num

    def _cells(self, start: int, end: int) -> list[_Cell]:
        cells: list[_Cell] = []
        pos, prev = start, 0
        while True:
            tag = find_tag(self._c_re, self.xml, pos, end)
            if tag is None:
                return cells
            col = _ref_column(tag.raw) or prev + 1
            if tag.self_closing:
                cell_end, inner = tag.end, b""
            else:
                close = self.xml.find(self._c_close, tag.end, end)
                if close < 0:
                    raise WorkbookError(f"worksheet {self.sheet!r} has an unterminated <c>")
                cell_end, inner = close + len(self._c_close), self.xml[tag.end : close]
            cells.append(_Cell(tag, cell_end, col, inner))
            pos, prev = cell_end, col

    def _col_styles(self) -> list[tuple[int, int, int]]:
        found: list[tuple[int, int, int]] = []
        pos = 0
        col_re = tag_re(self.p, b"col")
        while (tag := find_tag(col_re, self.xml, pos, self.sd.start)) is not None:
            pos = tag.end
            style = tag.get(b"style")
            if style and tag.get(b"min") and tag.get(b"max"):
                found.append((int(tag.get(b"min") or 0), int(tag.get(b"max") or 0), int(style)))
        return found

    def _array_ranges(self) -> list[tuple[int, int, int, int]]:
        """Multi-cell array / data-table formula ranges: no owned cell may sit inside one."""
        ranges = []
        pos = self.sd.end
        while (tag := find_tag(self._f_re, self.xml, pos, self.sd_end)) is not None:
            pos = tag.end
            ref = tag.get(b"ref")
            if ref and tag.get(b"t") in (b"array", b"dataTable"):
                box = _range(ref.decode())
                if box[0] != box[2] or box[1] != box[3]:
                    ranges.append(box)
        return ranges

    def _value_xml(self, ref: str, value: str | float | None) -> tuple[bytes | None, bytes]:
        """(t attribute, inner XML) for a value; strings are always literal inline strings."""
        p = self.p
        if value is None:
            return None, b""
        if isinstance(value, bool):
            return b"b", b"<" + p + b"v>" + (b"1" if value else b"0") + b"</" + p + b"v>"
        if isinstance(value, int | float):
            if isinstance(value, float) and not math.isfinite(value):
                raise ValueError(f"{self.sheet}!{ref}: {value} cannot be stored in a cell")
            text = repr(value).encode() if isinstance(value, float) else str(value).encode()
            return None, b"<" + p + b"v>" + text + b"</" + p + b"v>"
        if has_invalid_xml_chars(value):
            raise ValueError(
                f"{self.sheet}!{ref}: text holds control characters that a workbook cannot store"
            )
        if len(value) > 32767:
            raise ValueError(f"{self.sheet}!{ref}: text longer than Excel's 32,767 characters")
        inner = (
            b"<"
            + p
            + b"is><"
            + p
            + b't xml:space="preserve">'
            + escape_text(value)
            + b"</"
            + p
            + b"t></"
            + p
            + b"is>"
        )
        return b"inlineStr", inner

    def _render_cell(
        self,
        row: int,
        col: int,
        edit: CellEdit,
        *,
        base_xf: int,
        old: _Cell | None,
        resolve: StyleResolver,
    ) -> bytes:
        ref = a1(row, col)
        attrs = list(old.tag.attrs) if old else []
        set_attr(attrs, b"r", ref.encode())
        xf = resolve(base_xf, edit.style) if edit.style is not None else base_xf
        set_attr(attrs, b"s", str(xf).encode() if xf or (old and old.tag.get(b"s")) else None)
        t, inner = self._value_xml(ref, edit.value)
        set_attr(attrs, b"t", t)
        set_attr(attrs, b"cm", None)  # cell metadata belongs to the dropped formula/value
        set_attr(attrs, b"vm", None)
        if old is not None:
            m = self._ext_re.search(old.inner)
            if m is not None:  # keep a cell-level extLst
                inner += old.inner[m.start() :]
        qname = self.p + b"c"
        if not inner:
            return render_tag(qname, attrs, True)
        return render_tag(qname, attrs, False) + inner + b"</" + qname + b">"

    def _check_formula(self, ref: str, cell: _Cell) -> bool:
        """True when the cell holds a formula we may replace; raise for shared masters."""
        ftag = find_tag(self._f_re, cell.inner)
        if ftag is None:
            return False
        kind, fref = ftag.get(b"t"), ftag.get(b"ref")
        if kind in (b"shared", b"array", b"dataTable") and fref:
            box = _range(fref.decode())
            if box[0] != box[2] or box[1] != box[3]:
                what = (
                    "the master of a shared formula"
                    if kind == b"shared"
                    else ("part of an array formula")
                )
                raise self._error(
                    ref,
                    f"owned cell holds {what} used by {fref.decode()}; "
                    "replacing it would break those cells. Move the formula "
                    "or the owned column.",
                )
        return True

    def apply(
        self, edits: Mapping[tuple[int, int], CellEdit], resolve: StyleResolver
    ) -> SheetPatch:
        arrays = self._array_ranges()
        for row, col in edits:
            for box in arrays:
                if box[0] <= row <= box[2] and box[1] <= col <= box[3]:
                    raise self._error(
                        a1(row, col),
                        "owned cell lies inside an array formula "
                        f"range {a1(box[0], box[1])}:{a1(box[2], box[3])}",
                    )
        by_row: dict[int, dict[int, CellEdit]] = {}
        for (row, col), edit in edits.items():
            by_row.setdefault(row, {})[col] = edit
        col_styles = self._col_styles()

        def inherited(row_tag: Tag | None, col: int) -> int:
            if row_tag is not None and row_tag.get(b"customFormat") in _TRUE:
                return int(row_tag.get(b"s") or 0)
            for lo, hi, style in col_styles:
                if lo <= col <= hi:
                    return style
            return 0

        out: list[tuple[int, int, bytes]] = []
        replaced: list[str] = []
        grown: list[tuple[int, int]] = []
        rows = self._rows()
        seen: set[int] = set()
        for tag, num, end in rows:
            if num not in by_row:
                continue
            seen.add(num)
            content_end = end if tag.self_closing else end - len(self._row_close)
            cells = self._cells(tag.end, content_end) if not tag.self_closing else []
            by_col = {c.col: c for c in cells}
            pending: dict[int, list[bytes]] = {}
            for col, edit in sorted(by_row[num].items()):
                old = by_col.get(col)
                ref = a1(num, col)
                if old is not None:
                    if self._check_formula(ref, old):
                        replaced.append(ref)
                    base = int(old.tag.get(b"s") or 0)
                    new = self._render_cell(num, col, edit, base_xf=base, old=old, resolve=resolve)
                    out.append((old.tag.start, old.end, new))
                    continue
                if edit.value is None and edit.style is None:
                    continue  # clearing a cell that does not exist
                new = self._render_cell(
                    num, col, edit, base_xf=inherited(tag, col), old=None, resolve=resolve
                )
                nxt = next((c for c in cells if c.col > col), None)
                at = nxt.tag.start if nxt else (cells[-1].end if cells else tag.end)
                pending.setdefault(at, []).append(new)
                grown.append((num, col))
            if not pending:
                continue
            new_attrs = self._grow_spans(tag, [c for r, c in grown if r == num])
            if tag.self_closing:
                body = b"".join(b"".join(v) for v in pending.values())
                qname = self.p + b"row"
                out.append(
                    (
                        tag.start,
                        tag.end,
                        render_tag(qname, new_attrs, False) + body + b"</" + qname + b">",
                    )
                )
                continue
            if new_attrs != list(tag.attrs):
                out.append((tag.start, tag.end, render_tag(self.p + b"row", new_attrs, False)))
            out.extend((at, at, b"".join(v)) for at, v in pending.items())
        out.extend(
            self._new_rows(
                rows, {r: c for r, c in by_row.items() if r not in seen}, inherited, resolve, grown
            )
        )
        out.extend(self._dimension(grown, rows))
        return SheetPatch(replace_spans(self.xml, out), tuple(replaced))

    def _grow_spans(self, tag: Tag, cols: list[int]) -> list[tuple[bytes, bytes]]:
        attrs = list(tag.attrs)
        spans = tag.get(b"spans")
        if not spans or not cols:
            return attrs
        try:
            bounds = [int(x) for part in spans.split() for x in part.split(b":")]
        except ValueError:
            return attrs
        lo, hi = min(bounds + cols), max(bounds + cols)
        if min(cols) < min(bounds) or max(cols) > max(bounds):
            set_attr(attrs, b"spans", f"{lo}:{hi}".encode())
        return attrs

    def _new_rows(
        self,
        rows: list[tuple[Tag, int, int]],
        missing: dict[int, dict[int, CellEdit]],
        inherited: Callable[[Tag | None, int], int],
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
                        num, col, edit, base_xf=inherited(None, col), old=None, resolve=resolve
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
            r1, c1, r2, c2 = _range(ref)
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
