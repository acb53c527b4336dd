"""The neutral shape every backend reads into and writes from.

A backend (Excel, Google Sheets) turns a team's source into a ``WorkbookData`` of
``SheetGrid`` values and applies a list of ``CellWrite`` back. Nothing above the backends
knows about zip files or HTTP; nothing below them knows about OKRs.
Rows and columns are 1-based, as a spreadsheet user counts them.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import unicodedata
from bisect import bisect_right
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field

from sheets_sync.pickling import RefuseBuild, fast_pickle

#: a tab name a formula may write bare: letters, digits, ``_``, not one naming a cell
_PLAIN_TAB = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_CELL_LIKE = re.compile(r"[A-Za-z]{1,3}[0-9]+|[Rr][0-9]*[Cc][0-9]*|TRUE|FALSE", re.I)


def quote_tab(title: str) -> str:
    """``title`` as a formula (and Google's A1 notation) names the tab: ``'Q1 OKRs'``,
    ``'Bob''s'``, ``OKRs``; anything that could be misread is quoted, a name that starts
    with ``'`` too (xlsxwriter's ``quote_sheetname`` took it as quoted already)."""
    if _PLAIN_TAB.fullmatch(title) and not _CELL_LIKE.fullmatch(title):
        return title
    return "'" + title.replace("'", "''") + "'"


def as_typed(title: str) -> str:
    """A tab's name in words, as the team types it on the tab and finds it in the tab bar
    (``add a tab named "Bob's OKRs"``): bare when nothing can be misread (``OKRs``), else
    whole in double quotes (``"OKRs "``, ``"Data, 2026"``), or in single quotes when it
    holds a ``"`` (``'Say "hi"'``): in double quotes ``""OKRs""`` read as
    the name ``OKRs`` (until 2026-12-07). Between the outer quotes is what the team types,
    nothing doubled: until 2026-12-07 a name holding ``"`` had a formula's quoting, so
    ``Bob's "Q1"`` was ``'Bob''s "Q1"'``, a doubled quote no tab bar shows. An A1
    reference (``'Bob''s'!A1``) is ``quote_tab``'s; a location (``file!tab!cell``) holds
    the name raw. A name holding both ``"`` and ``'`` is in guillemets (``«Bob's "Q1"»``,
    ``«'x "y"'»``): in single quotes ``''x "y"''`` read as ``x "y"`` or ``'x "y"'``, and
    ``'Bob's "Q1"'`` seemed to end at ``'Bob'`` (until 2026-12-07)."""
    if quote_tab(title) == title:
        return title
    if '"' not in title:
        return f'"{title}"'
    return f"«{title}»" if "'" in title else f"'{title}'"


_NOT_IN_TAB_KEY = re.compile(r"[\W_]+")


#: the longest tab name whose key is kept (``tab_key``): a tab's name is not capped on
#: read (30,000 characters come through ``read_workbook``; 1,024 such held 29 MB)
_KEPT_NAME = 100


def tab_key(name: str) -> str:
    """How a tab is looked up, by the mapping and by the backends that read only the tabs
    it names: case, spaces and punctuation do not matter (``Key-Results`` is ``key
    results``); letters of any script do (``Ziele``, ``目标``); full width does not
    (``ＯＫＲｓ`` is ``OKRs``, NFKC-folded after the first strip as headers are).
    Cached for names of a tab name's usual length (``_KEPT_NAME``): a team's writes ask
    it of each cell's tab (``team_steps``), and a book has few."""
    return _kept_key(name) if len(name) <= _KEPT_NAME else _key_of(name)


def _key_of(name: str) -> str:
    key = _NOT_IN_TAB_KEY.sub("", name.casefold()) or name.strip().casefold()
    return _NOT_IN_TAB_KEY.sub("", unicodedata.normalize("NFKC", key).casefold()) or key


_kept_key = functools.lru_cache(maxsize=1024)(_key_of)


@fast_pickle
@dataclass(frozen=True, slots=True)
class CellError:
    """A spreadsheet error value such as ``#DIV/0!`` or ``#REF!`` (cached or typed).
    ``detail``: Google's words for it ("Did not find value 'x' in VLOOKUP evaluation."),
    which the cell shows on hover and a team lead needs to fix it; not part of its
    identity (Excel keeps none). ``typed``: the cell holds the error value itself, no
    formula behind it (typed ``#N/A``, or a column of lookups pasted as values), whose fix
    is a value typed in its place, not a formula mended; set by the backend that saw no
    formula (False, a formula's, when it cannot tell); not part of its identity either."""

    code: str
    detail: str = field(default="", compare=False)
    typed: bool = field(default=False, compare=False)

    def __str__(self) -> str:
        return self.code


#: What a Google cell shows while its formula (IMPORTRANGE, GOOGLEFINANCE) fetches its
#: data: the API's error type ``LOADING``, "Corresponds to the `Loading...` state."
LOADING = "Loading..."
#: The fills (RGB) the sync gives its owned cells (``sync.styles``: Excel's Good, Neutral
#: and Bad, and grey): the ones a backend that reads fills looks for (``SheetGrid.fills``)
OWNED_FILLS = frozenset({"C6EFCE", "FFEB9C", "FFC7CE", "D9D9D9"})
#: The fill of an owned column's header, as the template and the sync style it
#: (``sync.styles.OWNED_HEADER``): read too, so an owned header typed twice is told apart by it
OWNED_HEADER_FILL = "D9E1F2"
#: The fills a backend that reads fills looks for (``SheetGrid.fills``)
READ_FILLS = OWNED_FILLS | {OWNED_HEADER_FILL}
#: The rows whose owned header fill is read, as far as a header is sought by default
#: (further when the mapping seeks it further: ``sync.reading.header_rows``): the template
#: paints its owned columns' cells too, and reading them all made a fresh template's
#: OKRs fill scan 1.3 to 18 ms (2,000 cells; 20 rows: 1.8 ms)
HEADER_FILL_ROWS = 20

CellValue = (
    None | bool | int | float | str | dt.datetime | dt.date | dt.time | dt.timedelta | CellError
)


def column_spans(cols: Iterable[int]) -> tuple[tuple[int, int], ...]:
    """Column numbers as (first, last) spans of consecutive ones: 10, 11, 13 -> (10, 11),
    (13, 13)."""
    spans: list[tuple[int, int]] = []
    for col in sorted(set(cols)):
        if spans and spans[-1][1] == col - 1:
            spans[-1] = (spans[-1][0], col)
        else:
            spans.append((col, col))
    return tuple(spans)


def column_letter(col: int) -> str:
    """1 -> A, 27 -> AA."""
    letters = ""
    while col > 0:
        col, rem = divmod(col - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def column_index(letters: str) -> int:
    """A -> 1, AA -> 27."""
    n = 0
    for ch in letters.upper():
        n = n * 26 + (ord(ch) - 64)
    return n


def a1(row: int, col: int) -> str:
    return f"{column_letter(col)}{row}"


#: A range in a formula (``B2:C6``, ``$B$2:$C$6``), or one open to the tab's last row
#: (``B2:B``); not one on another tab (``Data!$A$2:$C``), nor a whole column (``A:A``), nor
#: a row of more than 8 digits (``int`` refuses 4,300: a team failed every night so)
FORMULA_RANGE = re.compile(
    r"(?<![A-Za-z0-9_\"!$])\$?([A-Z]{1,3})\$?([0-9]{1,8}):\$?([A-Z]{1,3})\$?([0-9]{0,8})"
    r"(?![A-Za-z0-9_(])"
)
TEXT_LITERAL = re.compile(r'("(?:[^"]|"")*")')


def range_of(match: re.Match[str], last_row: int) -> CellRange:
    """The cells a ``FORMULA_RANGE`` match names; an open end goes to ``last_row``."""
    r0, c0, c1 = int(match.group(2)), column_index(match.group(1)), column_index(match.group(3))
    r1 = int(match.group(4)) if match.group(4) else max(last_row, r0)
    return CellRange(min(r0, r1), min(c0, c1), max(r0, r1), max(c0, c1))


def formula_ranges(text: str, last_row: int) -> list[CellRange]:
    """Every range of this tab a formula names, outside its text literals: what an
    ``ARRAYFORMULA`` is as big as (the Google emulator fills it so, the Google backend
    judges an array's range so: one parser for both)."""
    out: list[CellRange] = []
    for piece in TEXT_LITERAL.split(text):
        if not piece.startswith('"'):
            out.extend(range_of(m, last_row) for m in FORMULA_RANGE.finditer(piece))
    return out


def array_shape(expr: str, last_row: int) -> tuple[int, int]:
    """The rows and columns ``ARRAYFORMULA(expr)`` fills: those of its largest ranges,
    blank results too (1 x 1 for none)."""
    rows = cols = 1
    for box in formula_ranges(expr, last_row):
        rows = max(rows, box.max_row - box.min_row + 1)
        cols = max(cols, box.max_col - box.min_col + 1)
    return rows, cols


class RowCells(Mapping[str, str]):
    """Field -> A1 cell on one row, made on demand from the tab's shared field -> column
    map. Every key result and KPI keeps one (its ``Origin``) for error messages; a dict of
    fresh strings per row was a third of a read's memory."""

    __slots__ = ("columns", "row")
    __setstate__ = RefuseBuild()  # pickles as its arguments: a cache load need not check it

    def __init__(self, columns: Mapping[str, int], row: int) -> None:
        self.columns = columns
        self.row = row

    def __getitem__(self, name: str) -> str:
        return a1(self.row, self.columns[name])

    def __iter__(self) -> Iterator[str]:
        return iter(self.columns)

    def __len__(self) -> int:
        return len(self.columns)

    def __reduce__(self) -> tuple[type[RowCells], tuple[Mapping[str, int], int]]:
        return RowCells, (self.columns, self.row)

    def __repr__(self) -> str:
        return f"RowCells({dict(self)!r})"


@fast_pickle
@dataclass(frozen=True, slots=True)
class CellRange:
    """An inclusive rectangle, e.g. a merged range."""

    min_row: int
    min_col: int
    max_row: int
    max_col: int

    def __contains__(self, rc: object) -> bool:
        if not isinstance(rc, tuple) or len(rc) != 2:
            return False
        row, col = rc
        return bool(self.min_row <= row <= self.max_row and self.min_col <= col <= self.max_col)

    def __str__(self) -> str:
        return f"{a1(self.min_row, self.min_col)}:{a1(self.max_row, self.max_col)}"


@fast_pickle
@dataclass(frozen=True, slots=True)
class SheetGrid:
    """The values of one tab, anchored at A1 (``rows[0][0]`` is A1)."""

    name: str
    rows: tuple[tuple[CellValue, ...], ...]
    hidden_rows: frozenset[int] = frozenset()
    merged: tuple[CellRange, ...] = ()
    #: (row, col) of cells holding the number 1 shown as a percentage (100%): the one
    #: value whose meaning for a confidence (1 of 10, or 100%) only its format gives
    percent_ones: frozenset[tuple[int, int]] = frozenset()
    #: (row, col) of the cells in a percent format (a number shown as 45%), any value:
    #: lint warns of a typed 45% (stored 0.45) in a key result that counts something else
    percent_cells: frozenset[tuple[int, int]] = frozenset()
    #: rows that are an Excel Table's totals row: the team's formulas, never a data row
    total_rows: frozenset[int] = frozenset()
    #: the rightmost column with a cell of content, a formula that shows blank included
    #: (0: none known beyond the values): owned columns a layout lacks go right of it
    used_cols: int = 0
    #: (row, col) of the cells holding a formula (.xlsx, Google), with its text ("=A1*2"; "" when
    #: the text is another cell's, a shared formula's): an owned one is written even when
    #: its value is the sync's (``plan.plan_changes``), and a dry run shows the formula
    formula_cells: Mapping[tuple[int, int], str] = field(default_factory=dict)
    #: the ranges of multi-cell array formulas, whose other cells hold only values (kept
    #: as boxes: one over A1:KN300 is 90,000 cells); their text is the top-left cell's
    formula_arrays: tuple[CellRange, ...] = ()
    #: what the tab is when it holds no cells to read ("a chart sheet"; "" for a tab of
    #: cells): its layout error says so, where "the tab is empty" sent a team lead to a
    #: Google connected-data tab full of rows (before 2026-12-06)
    kind: str = ""
    #: (first, last) of the column spans hidden by hand (``<col hidden="1">`` or 0 wide;
    #: Google's ``hiddenByUser``): owned columns a layout lacks are not added
    #: there, where no one would see them
    hidden_cols: tuple[tuple[int, int], ...] = ()
    #: (row, col) of the cells holding a formula but no value (.xlsx saved by a program
    #: that does not calculate, as openpyxl): they read as empty, and the mapping says why
    uncalculated: frozenset[tuple[int, int]] = frozenset()
    #: the master cell of each uncalculated cell that is a shared formula's other cell
    #: (its text is the master's, ``formula_cells`` holds ""): its warning quotes it
    shared_from: Mapping[tuple[int, int], tuple[int, int]] = field(default_factory=dict)
    #: (row, col) -> RGB of the cells whose fill is one of ``READ_FILLS`` (the owned
    #: header's in the rows a header is sought in only, ``HEADER_FILL_ROWS`` by default;
    #: a cell not here has another fill, or none); None where the backend reads no fills
    #: (.ods): the sync recolours an owned Status cell whose fill is not its status's
    fills: Mapping[tuple[int, int], str] | None = None
    #: (row, col) of the cells whose formula value is a script's placeholder (XlsxWriter's
    #: 0, in a workbook with ``calcId="124519" fullCalcOnLoad="1"``; the padding 0s of an
    #: array formula's other cells): they read as empty, are in ``uncalculated`` too, and
    #: only Excel (or LibreOffice told to recalculate) replaces them, as their warning says
    placeholder_values: frozenset[tuple[int, int]] = frozenset()
    #: the ``hidden_rows`` inside a row group (.xlsx ``outlineLevel``: collapsed, or hidden
    #: by hand in an expanded group, which the file does not tell apart; or a Google row
    #: inside one of the tab's ``rowGroups``), told apart from rows hidden outside any in
    #: the warning that names them (``hidden_said``)
    grouped_rows: frozenset[int] = frozenset()

    def formula(self, row: int, col: int) -> str | None:
        """The formula cell (row, col) shows (``formula_cells``), None for a value. One
        look-up: for a tab's many, ``FormulaLookup`` (this scans every array)."""
        text = self.formula_cells.get((row, col))
        if text is None:
            box = next((b for b in self.formula_arrays if (row, col) in b), None)
            if box is not None:
                text = self.formula_cells.get((box.min_row, box.min_col), "")
        return text

    @property
    def max_row(self) -> int:
        return len(self.rows)

    @property
    def max_col(self) -> int:
        return max((len(r) for r in self.rows), default=0)

    def value(self, row: int, col: int) -> CellValue:
        if row < 1 or col < 1 or row > len(self.rows):
            return None
        cells = self.rows[row - 1]
        return cells[col - 1] if col <= len(cells) else None


class BoxIndex:
    """Which of many boxes (array formulas' ranges, merges) holds a cell, by bisection.
    Scanning them all for every cell made a read quadratic: a 2-cell array formula on
    each of 5,000 rows took 22 s, a merge on each of 2,000 rows 8 s (before 2026-12-06).
    A column's index is built when first
    asked, from one pass over the boxes, as the union of those crossing it: cut into
    disjoint row spans, each told by the box starting first (boxes overlap only in a file
    Excel would refuse; any of them holding the cell is then as right)."""

    __slots__ = ("_boxes", "_cols")

    def __init__(self, boxes: Sequence[CellRange]) -> None:
        self._boxes = boxes
        self._cols: dict[int, tuple[list[int], list[tuple[int, CellRange]]]] = {}

    def find(self, row: int, col: int) -> CellRange | None:
        spans = self._cols.get(col)
        if spans is None:
            spans = self._cols[col] = self._column(col)
        starts, ends = spans
        at = bisect_right(starts, row) - 1
        if at >= 0 and row <= ends[at][0]:
            return ends[at][1]
        return None

    def _column(self, col: int) -> tuple[list[int], list[tuple[int, CellRange]]]:
        crossing = sorted(
            (b for b in self._boxes if b.min_col <= col <= b.max_col), key=lambda b: b.min_row
        )
        starts: list[int] = []
        ends: list[tuple[int, CellRange]] = []
        end = 0  # the last row covered so far
        for box in crossing:
            if box.max_row > end:
                starts.append(max(box.min_row, end + 1))
                ends.append((box.max_row, box))
                end = box.max_row
        return starts, ends


class FormulaLookup:
    """``SheetGrid.formula`` for many cells of one grid: its arrays indexed once."""

    __slots__ = ("_arrays", "_cells")

    def __init__(self, grid: SheetGrid) -> None:
        self._cells = grid.formula_cells
        # None for a tab without arrays (most): no look-up for each of its value cells
        self._arrays = BoxIndex(grid.formula_arrays) if grid.formula_arrays else None

    def formula(self, row: int, col: int) -> str | None:
        text = self._cells.get((row, col))
        if text is None and self._arrays is not None and (box := self._arrays.find(row, col)):
            text = self._cells.get((box.min_row, box.min_col), "")
        return text


#: ``WorkbookData.meta`` key: day 0 of the workbook's plain-number dates, as an ISO date
#: ("1904-01-01" in Excel for Mac's 1904 date system, or an .ods file's null date); absent
#: when it is 1899-12-30 (Excel's 1900 system, and always on Google Sheets).
DATE_EPOCH = "date_epoch"


@fast_pickle
@dataclass(frozen=True, slots=True)
class WorkbookData:
    """What a backend read from one source.

    ``version`` is an opaque token (a file's size+mtime+hash, a Google revision) that the
    same backend checks before writing, so a source that changed meanwhile is not
    overwritten.
    """

    source: str
    sheet_names: tuple[str, ...]
    sheets: Mapping[str, SheetGrid]
    version: str = ""
    meta: Mapping[str, str] = field(default_factory=dict)


@fast_pickle
@dataclass(frozen=True, slots=True)
class CellStyle:
    """The look the sync gives a cell it owns. Colours are RGB hex without ``#``."""

    fill: str | None = None
    font_color: str | None = None
    bold: bool = False
    italic: bool = False
    number_format: str | None = None


@fast_pickle
@dataclass(frozen=True, slots=True)
class CellWrite:
    """One owned cell to set. ``value`` None clears the cell."""

    sheet: str
    row: int
    col: int
    value: str | float | None
    style: CellStyle | None = None

    @property
    def ref(self) -> str:
        return a1(self.row, self.col)
