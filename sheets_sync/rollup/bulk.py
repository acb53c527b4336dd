"""The long tables' cells, rendered as sheet XML in bulk and spliced into xlsxwriter's file.

Measured (BENCHMARKS.md): xlsxwriter spends ~7 us a cell between the write call and the
XML it emits at close, and the long tables hold most of the rollup's cells (300,000 at
200 teams). Everything else in the workbook (tables, formats, conditional formats,
charts, sparklines, header and title rows) is still xlsxwriter's; only plain data rows
are rendered (``cellxml.py``) and inserted into ``<sheetData>`` of the sheet xlsxwriter
wrote, in row order between xlsxwriter's own rows (which must not share a row with them).
Strings go inline (``inlineStr``), which Excel, LibreOffice, openpyxl and calamine all
read.

Columns are kept as the caller's Series/arrays (no Python objects per cell) until
``splice``, which converts and renders a chunk of rows at a time, column by column, so at
most one chunk's cells live as Python objects at once.
"""

from __future__ import annotations

import functools
import os
import queue
import re
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import repeat
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import pandas as pd
from xlsxwriter.format import Format
from xlsxwriter.utility import xl_col_to_name
from xlsxwriter.worksheet import Worksheet

from sheets_sync.domain.values import EXCEL_EPOCH
from sheets_sync.rollup import bulkzip
from sheets_sync.rollup.cellxml import (
    RENDERERS,
    Values,
    float_numbers,
    python_values,
    style_attr,
)
from sheets_sync.sync.workers import available_cpus

_ROW_ATTR = re.compile(rb'<row r="(\d+)"')
_DIMENSION = re.compile(rb'<dimension ref="([A-Z]+)(\d+)(?::([A-Z]+)(\d+))?"/>')
CHUNK_ROWS = 2_000
#: Rows are rendered at most this many cells at a time (and at most ``CHUNK_ROWS`` rows):
#: 2,000 rows of the 26-column KeyResults tab took ~14 MB of text while joined, on top of
#: the steady night's peak (bench/notes.md, twelfth pass).
CHUNK_CELLS = 16_000
#: A sheet of this many bulk cells is deflated in a thread while its rows are rendered
#: (``_Background``), on a machine of more than one CPU. Measured (bench/notes.md, tenth
#: pass): the steady night at 2,000 teams, whose History tab holds 8.4 million cells,
#: gains ~1.1 s of 16.7; a full night at 500, whose largest sheet holds ~0.3 million and
#: whose writers keep both cores busy meanwhile, lost ~0.1 s of 3.8 to the hand-offs.
BACKGROUND_CELLS = 1_000_000


def xf_index(fmt: Format | None) -> int:
    """The cell style index xlsxwriter gives ``fmt`` (registering it, as a write would)."""
    return 0 if fmt is None else int(fmt._get_xf_index())


class _Span:
    """Cells of rows ``first_row..last_row`` (1-based), rendered a window of rows at a time."""

    first_row: int
    col: int

    @property
    def last_row(self) -> int:
        raise NotImplementedError

    @property
    def last_col(self) -> int:
        return self.col

    def render(self, start: int, stop: int, numbers: Sequence[str]) -> list[str]:
        """XML of rows ``start..stop-1`` (``numbers``: theirs, as text): "" for a blank or
        a row outside the span."""
        a, b = max(start, self.first_row), min(stop, self.last_row + 1)
        if a >= b:
            return [""] * (stop - start)
        cells = self._render(a - self.first_row, b - self.first_row, numbers[a - start : b - start])
        return [""] * (a - start) + cells + [""] * (stop - b)

    def _render(self, i: int, j: int, numbers: Sequence[str]) -> list[str]:
        """The span's rows ``i..j-1`` (0-based), which sit in the rows ``numbers``."""
        raise NotImplementedError


@dataclass(frozen=True)
class _Column(_Span):
    col: int
    letters: str
    first_row: int  # 1-based row of values[0]
    values: Values
    kind: str
    styles: Sequence[int] | int

    @property
    def last_row(self) -> int:
        return self.first_row + len(self.values) - 1

    def _render(self, i: int, j: int, numbers: Sequence[str]) -> list[str]:
        styles: Iterable[str]
        if isinstance(self.styles, int):
            styles = repeat(style_attr(self.styles))
        else:
            attrs = {s: style_attr(s) for s in set(self.styles[i:j])}
            styles = [attrs[s] for s in self.styles[i:j]]
        if self.kind == "number" and getattr(self.values, "dtype", None) == np.float64:
            column = np.asarray(self.values)  # a float64 Series' own array (not Int64's)
            return float_numbers(self.letters, numbers, column[i:j], styles)
        values = python_values(self.values, i, j)
        return RENDERERS[self.kind](self.letters, numbers, values, styles)


@dataclass(frozen=True)
class _Levels(_Span):
    """Outline levels of the rows from ``first_row``, as ``set_row`` writes them."""

    first_row: int
    values: Sequence[int]
    col: int = -1  # before every column: not a cell

    @property
    def last_row(self) -> int:
        return self.first_row + len(self.values) - 1

    def _render(self, i: int, j: int, numbers: Sequence[str]) -> list[str]:
        return [f' outlineLevel="{lv}"' if lv else "" for lv in self.values[i:j]]


@dataclass
class _Rows(_Span):
    """``count`` rows of ``len(kinds)`` cells from ``col``, read from ``chunks()`` (an
    iterator of lists of row tuples) while they are rendered: for a table too long to
    hold, such as the History tab, read from its store as it is written."""

    col: int
    first_row: int
    count: int
    kinds: Sequence[str]
    styles: Sequence[int]
    chunks: Callable[[], Iterator[Sequence[Sequence[Any]]]]
    _source: Iterator[Sequence[Sequence[Any]]] | None = None
    _pending: list[Sequence[Any]] = field(default_factory=list)
    _taken: int = 0  # rows of the span handed out so far

    @property
    def last_row(self) -> int:
        return self.first_row + self.count - 1

    @property
    def last_col(self) -> int:
        return self.col + len(self.kinds) - 1

    def _take(self, n: int) -> list[Sequence[Any]]:
        assert self._source is not None
        while len(self._pending) < n:
            chunk = next(self._source, None)
            if chunk is None:
                raise ValueError(f"bulk rows: {self.count} promised, the source ended early")
            self._pending.extend(chunk)
        rows, self._pending = self._pending[:n], self._pending[n:]
        self._taken += n
        if self._taken == self.count and (self._pending or any(self._source)):
            raise ValueError(f"bulk rows: {self.count} promised, the source had more")
        return rows

    def _render(self, i: int, j: int, numbers: Sequence[str]) -> list[str]:
        if self._source is None or i == 0 or i < self._taken:  # each splice reads anew
            self._source, self._pending, self._taken = iter(self.chunks()), [], 0
        if i > self._taken:
            self._take(i - self._taken)
        rows = self._take(j - i)
        columns = zip(*rows, strict=True) if rows else iter(())
        rendered = [
            RENDERERS[kind](xl_col_to_name(self.col + k), numbers, list(values), repeat(attr))
            for k, (kind, attr, values) in enumerate(
                zip(self.kinds, map(style_attr, self.styles), columns, strict=True)
            )
        ]
        return ["".join(cells) for cells in zip(*rendered, strict=True)]


@dataclass
class _Sheet:
    columns: list[_Column] = field(default_factory=list)
    blocks: list[_Rows] = field(default_factory=list)
    levels: list[_Levels] = field(default_factory=list)

    @property
    def cells(self) -> list[_Column | _Rows]:
        """The spans that hold cells, left to right."""
        return sorted([*self.columns, *self.blocks], key=lambda c: c.col)

    def spans(self) -> list[tuple[int, int]]:
        """(first, last) 1-based rows of each column, block and run of outline levels."""
        return [(c.first_row, c.last_row) for c in self.cells] + [
            (lv.first_row, lv.last_row) for lv in self.levels
        ]

    @property
    def last_row(self) -> int:
        return max(last for _, last in self.spans())

    @property
    def size(self) -> int:
        """How many cells the sheet's spans cover."""
        return sum((c.last_row - c.first_row + 1) * (c.last_col - c.col + 1) for c in self.cells)

    @property
    def last_col(self) -> int:
        return max(c.last_col for c in self.cells)

    @property
    def chunk_rows(self) -> int:
        """Rows a chunk of at most ``CHUNK_CELLS`` cells holds (``CHUNK_ROWS`` at most;
        tables stacked in the same columns count each one's width)."""
        width = sum(c.last_col - c.col + 1 for c in self.cells)
        return max(1, min(CHUNK_ROWS, CHUNK_CELLS // max(1, width)))

    def segments(self) -> list[tuple[int, int]]:
        """The runs of rows (1-based, inclusive) that bulk writes, in order."""
        merged: list[tuple[int, int]] = []
        for first, last in sorted(self.spans()):
            if merged and first <= merged[-1][1] + 1:
                merged[-1] = (merged[-1][0], max(merged[-1][1], last))
            else:
                merged.append((first, last))
        return merged

    def rows(self, first: int, last: int, chunk: int = CHUNK_ROWS) -> Iterator[bytes]:
        """The ``<row>`` elements of rows ``first..last``, a chunk of rows at a time: never
        the whole sheet at once, rendered column by column and joined into rows. Each row's
        number is made text once, for all its cells (a tenth of a number cell's cost)."""
        columns = self.cells
        for start in range(first, last + 1, chunk):
            stop = min(start + chunk, last + 1)
            numbers = list(map(str, range(start, stop)))
            rendered = [c.render(start, stop, numbers) for c in columns] or [[""] * (stop - start)]
            cells = ["".join(r) for r in zip(*rendered, strict=True)]
            if self.levels:
                levels = (lv.render(start, stop, numbers) for lv in self.levels)
                attrs = ["".join(a) for a in zip(*levels, strict=True)]
            else:
                attrs = [""] * (stop - start)
            xml = "".join(
                [
                    f'<row r="{r}"{attr}>{row}</row>'
                    for r, attr, row in zip(numbers, attrs, cells, strict=True)
                    if row or attr
                ]
            ).encode()
            del rendered, cells, attrs  # this chunk's lists go before the next is rendered
            yield xml


@dataclass
class BulkCells:
    """Collects cell columns per worksheet; ``splice`` streams them into the written file."""

    _sheets: dict[int, _Sheet] = field(default_factory=dict)
    _consumed: bool = False

    def column(
        self,
        ws: Worksheet,
        col: int,
        first_row: int,
        values: Values,
        kind: str,
        formats: Format | Sequence[Format | None] | None,
    ) -> None:
        """``values`` down column ``col`` from 0-based ``first_row``; ``kind`` is ``text``,
        ``number`` (dates already Excel serials), ``bool``, or ``auto`` (by each value's
        type: a KR's current value may be a number or a milestone word); blanks stay empty.
        ``values`` is kept as given (a Series or array stays one) and read at ``splice``:
        don't change it in between. Styles are registered now, as a write would."""
        if not len(values):
            return
        styles: Sequence[int] | int
        if formats is None or isinstance(formats, Format):
            styles = xf_index(formats)
        else:
            # registered in first-use order, as writing the cells one by one would
            distinct = {id(f): f for f in formats}
            index = {key: xf_index(f) for key, f in distinct.items()}
            styles = [index[id(f)] for f in formats]
        column = _Column(col, xl_col_to_name(col), first_row + 1, values, kind, styles)
        self._sheets.setdefault(ws.index, _Sheet()).columns.append(column)

    def rows(
        self,
        ws: Worksheet,
        first_row: int,
        first_col: int,
        count: int,
        columns: Sequence[tuple[str, Format | None]],
        chunks: Callable[[], Iterator[Sequence[Sequence[Any]]]],
    ) -> None:
        """``count`` rows from 0-based (``first_row``, ``first_col``), one cell a column
        of ``columns`` ((kind, format) as for ``column``), read from ``chunks()`` only at
        ``splice``, a chunk at a time: never all at once. The rows must number ``count``
        (the table around them was sized by it), or ``splice`` raises ``ValueError``."""
        if count <= 0:
            return
        kinds = [kind for kind, _ in columns]
        styles = [xf_index(fmt) for _, fmt in columns]
        block = _Rows(first_col, first_row + 1, count, kinds, styles, chunks)
        self._sheets.setdefault(ws.index, _Sheet()).blocks.append(block)

    def outline(self, ws: Worksheet, first_row: int, levels: Sequence[int]) -> None:
        """Outline levels (0..7) of the rows from 0-based ``first_row``: what
        ``ws.set_row(r, None, None, {"level": lv})`` writes, without xlsxwriter keeping a
        record per row (and writing rows of its own where bulk's go)."""
        if not len(levels):
            return
        levels = [min(max(int(lv), 0), 7) for lv in levels]
        # xlsxwriter writes <sheetFormatPr outlineLevelRow> from this (set_row raises it)
        ws.outline_row_level = max(ws.outline_row_level, *levels)
        self._sheets.setdefault(ws.index, _Sheet()).levels.append(_Levels(first_row + 1, levels))

    def _write_sheet(self, xml: bytes, sheet: _Sheet, out: _Sink) -> None:
        """``xml`` (a sheet xlsxwriter wrote) with the sheet's rows among its own, written
        from views of it: a sheet of its own rows may be megabytes, never copied whole."""
        opened = xml.index(b"<sheetData")
        if xml.startswith(b"<sheetData/>", opened):
            start = closed = opened
            after = opened + len(b"<sheetData/>")
        else:
            start = opened + len(b"<sheetData>")
            closed = xml.index(b"</sheetData>", start)
            after = closed + len(b"</sheetData>")
        view = memoryview(xml)
        body = view[start:closed]
        # xlsxwriter's rows, each from its "<row r=" to the next one's
        theirs = [(int(m.group(1)), m.start()) for m in _ROW_ATTR.finditer(body)]
        theirs.append((1 << 30, len(body)))
        head = _DIMENSION.sub(lambda m: _grown(m, sheet), xml[:opened], count=1)
        out.write(head + b"<sheetData>")
        done = 0
        for first, last in sheet.segments():
            upto = done
            while theirs[upto][0] < first:
                upto += 1
            if theirs[upto][0] <= last:
                raise AssertionError("bulk rows overlap rows xlsxwriter wrote")  # a bug
            out.write(body[theirs[done][1] : theirs[upto][1]])
            done = upto
            for chunk in sheet.rows(first, last, sheet.chunk_rows):
                out.write(chunk)
        out.write(body[theirs[done][1] :])
        out.write(b"</sheetData>")
        out.write(view[after:])

    def splice(self, path: Path, *, consume: bool = False) -> None:
        """Rewrite the xlsx at ``path`` with the collected rows in their sheets.

        ``consume`` lets go of each sheet's columns once it is written, so the sheets
        after it can reuse their memory when nothing else holds them; the cells are then
        gone, and a later splice (even after a failed one) raises ``RuntimeError``.
        """
        if self._consumed:
            raise RuntimeError("bulk cells already spliced with consume=True")
        self._consumed = consume
        if not self._sheets:
            return
        names = {f"xl/worksheets/sheet{i + 1}.xml": i for i in self._sheets}
        tmp = path.with_name(path.name + ".bulk")
        try:
            bulkzip.rewrite(path, tmp, names, functools.partial(self._fill, consume=consume))
        except BaseException:
            tmp.unlink(missing_ok=True)  # a source that failed while read (``rows``)
            raise
        os.replace(tmp, path)

    def _fill(self, index: int, xml: bytes, member: _Sink, consume: bool) -> None:
        """Sheet ``index``'s rows written among xlsxwriter's (``xml``) to its member: in a
        thread of its own (``_Background``) from ``BACKGROUND_CELLS`` cells on."""
        sheet = self._sheets.pop(index) if consume else self._sheets[index]
        if sheet.size < BACKGROUND_CELLS or available_cpus() < 2:
            self._write_sheet(xml, sheet, member)
        else:
            with _Background(member) as deflating:
                self._write_sheet(xml, sheet, deflating)


class _Sink(Protocol):
    """Where a sheet's XML goes: its zip member (deflating) or the thread that feeds it."""

    def write(self, chunk: bytes | memoryview, /) -> int: ...


class _Background:
    """A writer that hands its chunks to a thread of its own, which writes them to ``out``.

    A zip member's ``write`` is crc32 and deflate, and both release the GIL (crc32 for
    buffers over 5 KB, as every chunk of rows is): the thread deflates a chunk of a sheet
    while the next chunk is rendered. On a night with history the team files are written
    long before the company workbook, so the second core is idle then. At most ``depth``
    chunks wait. The thread's error is raised by the next ``write`` or on leaving; the
    chunks after it, and those of a block left by an error, are dropped unwritten.
    """

    def __init__(self, out: _Sink, depth: int = 2) -> None:
        self._out = out
        self._queue: queue.Queue[bytes | memoryview | None] = queue.Queue(maxsize=depth)
        self._error: BaseException | None = None
        self._dropping = False  # the block failed: the file is thrown away
        self._thread = threading.Thread(target=self._drain, name="bulk-deflate", daemon=True)
        self._thread.start()

    def _drain(self) -> None:
        while (chunk := self._queue.get()) is not None:
            if self._error is None and not self._dropping:  # else drained: no ``put`` waits
                try:
                    self._out.write(chunk)
                except BaseException as exc:  # raised in the caller's thread
                    self._error = exc

    def write(self, chunk: bytes | memoryview) -> int:
        if self._error is not None:
            raise self._error
        if chunk:
            self._queue.put(chunk)
        return len(chunk)

    def __enter__(self) -> _Background:
        return self

    def __exit__(self, kind: object, value: BaseException | None, tb: object) -> None:
        self._dropping = value is not None
        self._queue.put(None)
        self._thread.join()
        error, self._error = self._error, None  # no cycle through its traceback
        if error is None or error is value:
            return
        if value is None:
            raise error
        value.add_note(f"(the sheet's deflating thread had failed too: {error!r})")


def _grown(m: re.Match[bytes], sheet: _Sheet) -> bytes:
    first = m.group(1).decode() + m.group(2).decode()
    last_col = m.group(3) or m.group(1)
    last_row = int(m.group(4) or m.group(2))
    col = max(_col_number(last_col.decode()), sheet.last_col + 1 if sheet.cells else 0)
    row = max(last_row, sheet.last_row)
    return f'<dimension ref="{first}:{xl_col_to_name(col - 1)}{row}"/>'.encode()


def _col_number(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n


def excel_serials(series: pd.Series) -> np.ndarray:
    """Datetimes as Excel serial days (vectorised; NaN stays blank), ~10x cheaper per cell.

    Cut to the whole second, what a date-time's format shows: readers round a serial to
    the millisecond and LibreOffice rounds what it shows to the second, so 23:59:59.7
    showed as 00:00:00 of the next day (of the next quarter on a quarter's last night)
    until 2026-12-06 (23:59:59.9995 read back so, until 2026-12-06 too)."""
    moments = pd.to_datetime(series).dt.floor("s")
    days = (moments - pd.Timestamp(EXCEL_EPOCH)) / pd.Timedelta(days=1)
    return np.asarray(days.to_numpy(dtype="float64", na_value=np.nan))
