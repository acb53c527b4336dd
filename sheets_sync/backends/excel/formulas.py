"""Which owned cells may lose their formula without breaking another cell's.

A shared formula lives in its master cell (``<f t="shared" ref="R2:R6" si="0">``); the
other cells of the group hold only ``si`` and read the master's text. A multi-cell array
formula lives in its top-left cell; the others hold only cached values. Replacing the
master of either breaks the rest of the group, unless the rest is replaced too: a team
that typed a formula into the Score column and dragged it down gave Excel a shared
formula made only of owned cells, which the sync writes all of (before 2026-12-05 such a
team failed every night with "move the formula or the owned column"). The reader marks
the cells holding formulas (``formula_cells``), so the sync writes every owned one of
them, whether or not its value changes, and a group of owned cells goes whole.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from dataclasses import replace

from sheets_sync.backends.excel.cellscan import Places, cell_range, column_of, ref_attr
from sheets_sync.backends.excel.xmlutil import (
    find_tag,
    parse_attrs,
    whole,
    worksheet_prefix,
    xml_text,
)
from sheets_sync.errors import WorkbookError
from sheets_sync.grid import (
    BoxIndex,
    CellError,
    CellRange,
    CellValue,
    FormulaLookup,
    SheetGrid,
    a1,
)

Box = tuple[int, int, int, int]  # min row, min col, max row, max col
TAG_GOES_ON = (b" ", b"\t", b"\n", b"\r", b"/", b">")  # after a tag's name
#: (row, column, inner XML) of every cell that holds a formula, in document order
FormulaCells = Callable[[], Iterator[tuple[int, int, bytes]]]


#: what ``formula_cells`` finds: the text of each cell holding a formula, and the boxes of
#: the multi-cell array formulas
Formulas = tuple[dict[tuple[int, int], str], tuple[CellRange, ...]]


def formula_cells(sheet_xml: bytes, places: Places | None = None) -> Formulas:
    """Each cell that holds a formula, with its text (``=0.5+0.5``; "" for a cell of a
    shared formula whose text is its master's), and the range of each multi-cell array
    formula (its other cells hold only values), for the reader: an owned cell showing a
    formula is written even when its value is the sync's, and a dry run shows the formula
    it replaces. A team that dragged a formula down the Score column after a night had
    only the cells whose value differed written, so the master of the shared formula went
    without the rest of its group and the team failed every night ("Move the formula or
    the owned column", until 2026-12-06). An array's range is kept as a box, not cell by
    cell (``A1:KN300`` was 90,000 tuples). Byte searches for ``<f``, as ``percent.py``
    does (``<f>`` is a cell's first child, so the tag before it is the cell), not a
    parse: the reader runs this on every tab it reads."""
    p = worksheet_prefix(sheet_xml)
    if p is None:
        return {}, ()
    f_open, c_open, f_close = b"<" + p + b"f", b"<" + p + b"c", _f_close(p)
    places = places or Places(sheet_xml, p)  # the reader's: one pass for all the searches
    found: dict[tuple[int, int], str] = {}
    arrays: list[CellRange] = []
    at = sheet_xml.find(f_open)
    while at >= 0:
        after = at + len(f_open)
        if sheet_xml[after : after + 1] in TAG_GOES_ON:
            cell = _cell_before(sheet_xml, at, c_open, places)
            if cell is not None:
                close = sheet_xml.find(b">", after)
                found[cell] = _text(sheet_xml, close, f_close)
                f_attrs = sheet_xml[after:close]
                if b"array" in f_attrs and (box := _array_box(f_attrs)) is not None:
                    arrays.append(box)
        at = sheet_xml.find(f_open, after)
    return found, tuple(arrays)


#: a cell type whose empty value is a value: text (a formula showing ""; an inline string
#: holds its text in ``<is>``, not ``<v>``)
_TEXT_TYPES = (b"str", b"s", b"inlineStr")


def uncalculated_cells(
    sheet_xml: bytes, places: Places | None = None
) -> frozenset[tuple[int, int]]:
    """(row, column) of each cell holding a formula but no value: no ``<v>``, or an empty
    one in a cell of numbers (openpyxl writes ``<f>20+30</f><v></v>``), as a file saved by
    a program that does not calculate holds them. Such a cell reads as empty; the mapping
    says why (a Current of ``=20+30`` read as no data without a word until 2026-12-07).
    A formula showing "" (``t="str"`` and an empty value, as Excel saves
    ``=IF(A1>5,"x","")``) is calculated."""
    p = worksheet_prefix(sheet_xml)
    if p is None:
        return frozenset()
    if not any(m.search(sheet_xml) for m in _maybe_uncalculated(p)):  # Excel's files
        return frozenset()
    cells = formula_cell_bodies(sheet_xml, p, places or Places(sheet_xml, p))
    return frozenset(cell for cell, attrs, rest in cells if _no_value(rest, attrs, p))


def formula_cell_bodies(
    sheet_xml: bytes, p: bytes, places: Places
) -> Iterator[tuple[tuple[int, int], bytes, bytes]]:
    """Each formula cell of the sheet (``p``: its namespace prefix): its (row, column),
    its start tag's attributes and what follows its ``<f`` up to ``</c>`` (the formula,
    then the value, if any), found by byte search as ``formula_cells`` finds them."""
    f_open, c_open, c_close = b"<" + p + b"f", b"<" + p + b"c", b"</" + p + b"c>"
    at = sheet_xml.find(f_open)
    while at >= 0:
        after = at + len(f_open)
        if sheet_xml[after : after + 1] in TAG_GOES_ON:
            tag = cell_tag_before(sheet_xml, at, c_open, places)
            end = sheet_xml.find(c_close, after)
            if tag is not None and end >= 0:
                yield tag[0], tag[1], sheet_xml[after:end]
        at = sheet_xml.find(f_open, after)


def shared_masters(
    sheet_xml: bytes, cells: Collection[tuple[int, int]], places: Places | None = None
) -> dict[tuple[int, int], tuple[int, int]]:
    """The master cell of each of ``cells`` that is a shared formula's other cell (its
    ``<f t="shared" si="0"/>`` holds no text): its warning quotes the master's formula
    (until 2026-12-07 ``the formula holds no value``, no formula named). Run only on a
    tab with uncalculated cells."""
    p = worksheet_prefix(sheet_xml)
    if p is None:
        return {}
    f_open, c_open = b"<" + p + b"f", b"<" + p + b"c"
    places = places or Places(sheet_xml, p)
    masters: dict[bytes, tuple[int, int]] = {}  # by si
    found: dict[tuple[int, int], tuple[int, int]] = {}
    at = sheet_xml.find(f_open)
    while at >= 0:
        after = at + len(f_open)
        close = sheet_xml.find(b">", after)
        if sheet_xml[after : after + 1] in TAG_GOES_ON and b"shared" in sheet_xml[after:close]:
            attrs = dict(parse_attrs(sheet_xml[after:close].rstrip(b"/")))
            cell, si = _cell_before(sheet_xml, at, c_open, places), attrs.get(b"si")
            if cell is not None and si is not None and attrs.get(b"t") == b"shared":
                if attrs.get(b"ref"):
                    masters[si] = cell
                elif cell in cells and si in masters:
                    found[cell] = masters[si]
        at = sheet_xml.find(f_open, after)
    return found


@functools.lru_cache(maxsize=8)
def _maybe_uncalculated(p: bytes) -> tuple[re.Pattern[bytes], ...]:
    """What a cell with a formula and no value has somewhere: a formula (or a self-closed
    shared one) right before its cell's end, or an empty value. A tab with none of them
    (every file Excel saved) is not scanned cell by cell. Six patterns, each starting
    with its literal (one alternation was three times slower: 150 ms on 100,000 cells).
    ``</f >`` and ``<v xml:space="preserve"></v>`` passed it until 2026-12-07, and the
    scan that finds them was skipped."""
    q = re.escape(p)
    return tuple(
        re.compile(pattern)
        for pattern in (
            rb"</" + q + rb"f>\s*</" + q + rb"c>",
            rb"/>\s*</" + q + rb"c>",
            rb"<" + q + rb"v\s*/>",
            rb"<" + q + rb"v>\s*</" + q + rb"v>",
            rb"</" + q + rb"f\s",  # </f >: Excel writes no space there
            rb"<" + q + rb"v\s[^<>]*>\s*</" + q + rb"v>",  # <v xml:space="preserve"></v>
        )
    )


def _no_value(rest: bytes, attrs: bytes, p: bytes) -> bool:
    """The cell whose start tag has ``attrs`` and whose content after ``<f`` is ``rest``
    holds no value: no ``<v>`` (an inline string's text is in ``<is>``), or an empty one
    where a number goes. A ``t="str"`` with no ``<v>`` at all was taken for a formula
    showing "" until 2026-12-07."""
    kind = dict(parse_attrs(attrs)).get(b"t")
    v_open = b"<" + p + b"v"
    at = rest.find(v_open)
    while at >= 0 and rest[at + len(v_open) : at + len(v_open) + 1] not in TAG_GOES_ON:
        at = rest.find(v_open, at + 1)
    if at < 0:
        return kind != b"inlineStr" or b"<" + p + b"is" not in rest
    if kind in _TEXT_TYPES:  # an empty value is the "" it shows
        return False
    gt = rest.find(b">", at)
    if gt < 0:
        return False
    if rest[gt - 1 : gt] == b"/":
        return True
    shut = rest.find(b"</" + p + b"v>", gt)
    return shut >= 0 and not rest[gt + 1 : shut].strip()


@functools.lru_cache(maxsize=8)
def _f_close(prefix: bytes) -> re.Pattern[bytes]:
    """The end tag of a formula (``</x:f>``, ``</f >``: XML allows spaces before ``>``)."""
    return re.compile(b"</" + re.escape(prefix) + rb"f\s*>")


def _text(xml: bytes, close: int, f_close: re.Pattern[bytes]) -> str:
    """The formula whose ``<f ...>`` ends at ``close``, as Excel shows it; "" for none.
    An end tag ``</f >`` was not found until 2026-12-07: the text ran on to the next
    formula's ``</f>``, and a message quoted that raw XML as the formula."""
    if close < 0 or xml[close - 1 : close] == b"/":
        return ""
    end = f_close.search(xml, close)
    if end is None:
        return ""
    text = xml_text(xml[close + 1 : end.start()])
    return f"={_as_shown(text)}" if text else ""


#: left as written: a quoted string or sheet name, and a structured reference's brackets
#: (``T['#ID]``, ``T[[#This Row],[Score]]``; inside them ``'`` escapes the next character)
_SPAN = r"""("(?:[^"]|"")*"|'(?:[^']|'')*'|\[(?:[^\[\]']|'.|\[(?:[^\[\]']|'.)*\])*\])"""
#: a span, a function Excel shows as an operator, a prefix Excel hides, a parenthesis, or
#: the opening of a span that never closes (the rest is left as written: searched on, each
#: later opening would be tried to the text's end again, quadratic on a file's 1 MB formula)
_TOKEN = re.compile(
    rf"(?s){_SPAN}|(?<![\w.])_xlfn\.(SINGLE|ANCHORARRAY)\("
    r"|(?<![\w.])(?:_xl(?:fn|ws|pm)\.)+|([()])|([\"'\[])"
)
#: an operator: outside parentheses, the operand of ``@`` or ``#`` needs them
_OPERATOR = re.compile(r"[-+*/^&=<>%,\s]")


class _Call:
    """SINGLE's or ANCHORARRAY's argument while ``_as_shown`` reads it ("" at the top)."""

    def __init__(self, fn: str, slot: int) -> None:
        self.fn = fn
        self.slot = slot  # where in the output its opening goes, once known
        self.opened = 0  # parentheses open inside it
        self.compound = False  # an operator outside those parentheses

    def closed(self, out: list[str]) -> None:
        """``@arg`` or ``arg#``, in parentheses unless the argument is one operand."""
        bare = not self.compound and len(out) > self.slot + 1  # parts are never ""
        out[self.slot] = ("@" if self.fn == "SINGLE" else "") + ("" if bare else "(")
        if end := ("" if bare else ")") + ("" if self.fn == "SINGLE" else "#"):
            out.append(end)


def _as_shown(text: str) -> str:
    """The formula as Excel shows it: without the prefixes the file gives functions newer
    than Excel 2007 (``_xlfn.XLOOKUP``, ``_xlfn._xlws.SORT``) and LAMBDA's parameters
    (``_xlpm.x``), and with the operators the file writes as functions: ``@A1:A9`` for
    ``_xlfn.SINGLE(A1:A9)``, ``E2#`` for ``_xlfn.ANCHORARRAY(E2)``. A dry run showed
    ``=_xlfn._xlws.SORT(A2:A9)`` until 2026-12-06. Quoted text and structured references
    keep their words. One pass, each part written once (a file may nest deeply)."""
    if "_xl" not in text:
        return text
    out: list[str] = []
    stack = [_Call("", -1)]
    pos = 0
    while (m := _TOKEN.search(text, pos)) is not None:
        call = stack[-1]
        if plain := text[pos : m.start()]:
            out.append(plain)
            call.compound = call.compound or (not call.opened and bool(_OPERATOR.search(plain)))
        pos = m.end()
        if m[4] is not None:  # never closed: as written from here on
            pos = m.start()
            break
        if m[1] is not None:
            out.append(m[1])
        elif m[2] is not None:
            stack.append(_Call(m[2], len(out)))
            out.append("")
        elif m[3] == "(":
            call.opened += 1
            out.append("(")
        elif m[3] == ")" and call.fn and not call.opened:
            stack.pop().closed(out)
        elif m[3] == ")":
            call.opened = max(0, call.opened - 1)
            out.append(")")
    out.append(text[pos:])
    for call in stack[1:]:  # an argument never closed: as written, less the prefix
        out[call.slot] = f"{call.fn}("
    return "".join(out)


def _cell_before(xml: bytes, at: int, c_open: bytes, places: Places) -> tuple[int, int] | None:
    """(row, column) of the cell whose start tag ends (but for spaces) where ``at``
    begins; None when the tag there is no cell's or has no usable reference."""
    tag = cell_tag_before(xml, at, c_open, places)
    return None if tag is None else tag[0]


def cell_tag_before(
    xml: bytes, at: int, c_open: bytes, places: Places
) -> tuple[tuple[int, int], bytes] | None:
    """``_cell_before``, with the attribute text of the cell's start tag."""
    lt = xml.rfind(b"<", 0, at)
    gt = xml.find(b">", lt)
    if lt < 0 or not xml.startswith(c_open, lt) or xml[gt - 1 : gt] == b"/":
        return None
    after = xml[lt + len(c_open) : lt + len(c_open) + 1]
    if not (after.isspace() or after == b">") or xml[gt + 1 : at].strip():  # <c>: no r
        return None
    attrs = xml[lt + len(c_open) : gt]
    ref = ref_attr(attrs)
    if ref is None:
        place = places(lt)
        return None if place is None else (place, attrs)
    if not ref:
        return None
    # the row by ``whole``: ``int`` of a padded 5,000-digit one raised, and the cell
    # was silently no formula (until a review on 2026-12-07)
    row = whole(ref[len(ref.rstrip(b"0123456789")) :])
    try:
        return None if row is None else ((row, column_of(ref)), attrs)
    except WorkbookError:
        return None


def data_tables(sheet_xml: bytes) -> tuple[CellRange, ...]:
    """The range of each data table (Data > What-If Analysis > Data Table): only its
    top-left cell holds the ``<f t="dataTable" ref="B2:B4">``, the others hold the values
    Excel computes, which are the table's, not typed. A byte search, as ``formula_cells``:
    a sheet without one costs a single ``find``."""
    if b"dataTable" not in sheet_xml:
        return ()
    p = worksheet_prefix(sheet_xml)
    if p is None:
        return ()
    f_open = b"<" + p + b"f"
    boxes: list[CellRange] = []
    at = sheet_xml.find(b"dataTable")
    while at >= 0:
        lt, gt = sheet_xml.rfind(b"<", 0, at), sheet_xml.find(b">", at)
        after = lt + len(f_open)
        if (
            lt >= 0
            and gt > at
            and sheet_xml.startswith(f_open, lt)
            and sheet_xml[after : after + 1] in TAG_GOES_ON
            and (box := _array_box(sheet_xml[after:gt], b"dataTable")) is not None
        ):
            boxes.append(box)
        at = sheet_xml.find(b"dataTable", at + 9)
    return tuple(boxes)


def _array_box(f_attrs: bytes, kind: bytes = b"array") -> CellRange | None:
    attrs = dict(parse_attrs(f_attrs))
    ref = attrs.get(b"ref")
    if attrs.get(b"t") != kind or not ref:
        return None
    try:
        r1, c1, r2, c2 = cell_range(ref.decode("ascii", "replace"))
    except WorkbookError:
        return None
    return None if (r1, c1) == (r2, c2) else CellRange(r1, c1, r2, c2)


def _covered(box: Box, edits: Collection[tuple[int, int]]) -> bool:
    """Every cell of ``box`` is written: only then may its formula go (a part of a group
    replaced would leave Excel a shared or array formula with holes, a repair on open)."""
    r1, c1, r2, c2 = box
    return all((r, c) in edits for r in range(r1, r2 + 1) for c in range(c1, c2 + 1))


class FormulaGuard:
    """Refuses to replace part of a formula group, allows replacing all of one."""

    def __init__(
        self,
        f_pattern: re.Pattern[bytes],
        formula_cells: FormulaCells,
        edits: Collection[tuple[int, int]],
        error: Callable[[str, str], WorkbookError],
    ) -> None:
        self._f = f_pattern
        self._formula_cells = formula_cells
        self._edits = edits
        self._error = error
        self._shared: dict[bytes, set[tuple[int, int]]] | None = None

    def check_arrays(self, ranges: list[tuple[Box, bool]]) -> None:
        """No owned cell inside a multi-cell array (``True``) or data-table range, unless
        the edits cover the whole array. The message says whose range it is and what to
        do: an Excel 365 formula that spills (FILTER, SORT, UNIQUE in a team's column,
        spilling into an owned one) is stored as an array formula, and until 2026-12-06
        a team read only "owned cell lies inside an array formula range E2:F9" (a data
        table's range was called one too)."""
        for box, is_array in ranges:
            if is_array and _covered(box, self._edits):
                continue
            for row, col in self._edits:
                if box[0] <= row <= box[2] and box[1] <= col <= box[3]:
                    area, anchor = f"{a1(box[0], box[1])}:{a1(box[2], box[3])}", a1(box[0], box[1])
                    what = (
                        f"the array formula in {anchor} fills (a formula that spills, such as "
                        "FILTER or SORT, or one entered with Ctrl+Shift+Enter)"
                        if is_array
                        else f"the data table in {anchor} fills"
                    )
                    thing = "formula" if is_array else "data table"
                    raise self._error(
                        a1(row, col),
                        f"owned cell lies inside the range {area} that {what}; writing it "
                        f"would break that {thing}. Move the {thing} or the owned column.",
                    )

    def _shared_groups(self) -> dict[bytes, set[tuple[int, int]]]:
        """si -> the cells of that shared formula (scanned once, when a master is hit)."""
        if self._shared is None:
            groups: dict[bytes, set[tuple[int, int]]] = {}
            for row, col, inner in self._formula_cells():
                ftag = find_tag(self._f, inner)
                if ftag is not None and ftag.get(b"t") == b"shared":
                    si = ftag.get(b"si")
                    if si is not None:
                        groups.setdefault(si, set()).add((row, col))
            self._shared = groups
        return self._shared

    def replaceable(
        self, ref: str, kind: bytes | None, si: bytes | None, f_ref: bytes | None
    ) -> None:
        """Raise unless the formula of cell ``ref`` (its ``<f>``'s t, si, ref) may go."""
        if kind not in (b"shared", b"array", b"dataTable") or not f_ref:
            return
        box = cell_range(f_ref.decode())
        if box[0] == box[2] and box[1] == box[3]:
            return
        if kind == b"array" and _covered(box, self._edits):
            return
        if kind == b"shared":
            group = self._shared_groups().get(si, set()) if si is not None else set()
            if group and all(cell in self._edits for cell in group):
                return
        what = "the master of a shared formula" if kind == b"shared" else "part of an array formula"
        raise self._error(
            ref,
            f"owned cell holds {what} used by {f_ref.decode()}; replacing it would break "
            "those cells. Move the formula or the owned column.",
        )


def typed_errors(
    grid: SheetGrid,
    errors: Mapping[tuple[int, int], str],
    vms: Mapping[tuple[int, int], int],
    *,
    held: Collection[tuple[int, int]] = (),
    tables: Sequence[CellRange] = (),
) -> SheetGrid:
    """``grid`` with each error cell that holds no formula marked ``typed`` (a ``t="e"``
    cell with no ``<f>``: a typed ``#N/A``, or a lookup's result pasted as a value), whose
    message then says so. ``held``: the error cells the scan saw an ``<f>`` in (it places
    a cell with no ``r``, and sees ``<x:f>``, where ``formula_cells`` does not; until
    2026-12-07 such a formula's error read as typed). A cell of an array formula's range
    or of a data table's (``tables``) holds only its value and is the formula's; a rich
    value's ``#VALUE!`` (``vm``) is what Excel shows older readers."""
    formulas = FormulaLookup(grid)
    in_table = BoxIndex(tables).find if tables else None
    typed = [
        (r, c)
        for (r, c) in errors
        if (r, c) not in vms
        and (r, c) not in held
        and r <= len(grid.rows)
        and formulas.formula(r, c) is None
        and (in_table is None or in_table(r, c) is None)
    ]
    if not typed:
        return grid
    rows = list(grid.rows)
    by_row: dict[int, list[CellValue]] = {}  # each row copied once, however many it holds
    for r, c in typed:
        cells = by_row.get(r)
        if cells is None:
            cells = by_row[r] = list(rows[r - 1])
        value = cells[c - 1] if c <= len(cells) else None
        if isinstance(value, CellError):
            cells[c - 1] = CellError(value.code, value.detail, typed=True)
    for r, cells in by_row.items():
        rows[r - 1] = tuple(cells)
    return replace(grid, rows=tuple(rows))
