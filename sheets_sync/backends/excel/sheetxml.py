"""Surgical edits of one worksheet part: set owned cells, leave every other byte alone.

Only the ``<c>`` elements of owned cells are rewritten (or inserted in column order, inside
a ``<row>`` inserted in row order when missing); a row's ``spans`` hint and ``<dimension>``
grow when needed. Everything else — other cells, row attributes, cols, merges, validations,
conditional formats, extLst, namespace declarations — is copied byte for byte.

The scans that find the rows and cells are ``sheetrows.py``'s; a cell's new XML is
``ownedcell.py``'s.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Protocol

from sheets_sync.backends.excel.cellscan import a1_memo, cell_range
from sheets_sync.backends.excel.formulas import FormulaGuard
from sheets_sync.backends.excel.ownedcell import OldCell, cell_xml
from sheets_sync.backends.excel.sheetrows import SheetRows
from sheets_sync.backends.excel.xmlutil import (
    BEYOND,
    Tag,
    find_tag,
    first_attr,
    parse_attrs,
    render_tag,
    replace_spans,
    set_attr,
    tag_re,
)
from sheets_sync.errors import WorkbookError
from sheets_sync.grid import CellStyle, a1

_TRUE = (b"1", b"true")
_COLUMN = operator.itemgetter(0)


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


class SheetEditor(SheetRows):
    """Patches one worksheet's bytes."""

    def _render_cell(
        self,
        ref: str,
        edit: Edit,
        *,
        base_xf: int,
        old: OldCell | None,
        resolve: StyleResolver,
    ) -> bytes:
        """The new ``<c>``; ``old`` is the replaced cell's (attributes, inner XML)."""
        xf = resolve(base_xf, edit.style) if edit.style is not None else base_xf
        return cell_xml(self.p, self._pat, self.sheet, ref, edit.value, xf, old)

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
            last_col: int | None = None  # the row's last column, looked up when needed
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
                        base_xf=self._number(first_attr(attrs, b"s") or b"0", "a style", ref),
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
                # None of a later column (a night's owned columns end most rows): the end.
                if last_col is None:
                    last_col = max(cells, key=_COLUMN)[0] if cells else 0
                if col >= last_col:
                    after = len(cells)
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
        """The row's attributes with ``spans`` widened to ``cols``; None when unchanged
        (also when ``spans`` cannot be read: a hint, left as it is)."""
        spans = tag.get(b"spans")
        if not spans or not cols:
            return None
        bounds = _span_bounds(spans)
        if bounds is None:
            return None
        low, high = min(cols), max(cols)
        if low < bounds[0] or high > bounds[1]:
            attrs = list(tag.attrs)
            set_attr(attrs, b"spans", f"{min(low, bounds[0])}:{max(high, bounds[1])}".encode())
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
        if BEYOND in (r2, c2):  # past what is counted: a1 would write a made-up reference
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


#: a row's ``spans`` -> its lowest and highest column (None: not numbers). Rows of one
#: template share a few: parsed once a process, not once a row written (17,500 a night)
_SPANS: dict[bytes, tuple[int, int] | None] = {}
#: only values at most this long are kept: the memo lives as long as the process, and 4,000 rows
#: of 4 KB spans (any length is valid) pinned 16 MB (until a review on 2026-12-07)
_SPANS_KEPT_LEN = 32


def _span_bounds(spans: bytes) -> tuple[int, int] | None:
    """(lowest, highest) column of a ``spans`` value (``"1:5 7:9"``); None when it has a
    part that is not a number, or none (``spans=" "``, a valid empty list: until
    2026-12-07 a ValueError from ``min`` of nothing, and the team's write failed)."""
    if spans in _SPANS:
        return _SPANS[spans]
    try:
        bounds = [int(x) for part in spans.split() for x in part.split(b":")]
    except ValueError:
        bounds = []
    found = (min(bounds), max(bounds)) if bounds else None
    if len(spans) <= _SPANS_KEPT_LEN and len(_SPANS) < 4096:
        _SPANS[spans] = found
    return found
