"""The long tables' cells, rendered as sheet XML in bulk and spliced into xlsxwriter's file.

Measured (BENCHMARKS.md): xlsxwriter spends ~7 us a cell between the write call and the
XML it emits at close, and the long tables hold most of the rollup's cells (300,000 at
200 teams). Everything else in the workbook (tables, formats, conditional formats,
charts, sparklines, the header rows) is still xlsxwriter's; only the plain data rows of
the sheets that end with a long table are rendered here, a column at a time, and inserted
before ``</sheetData>`` of the sheet xlsxwriter wrote. Strings go inline (``inlineStr``),
which Excel, LibreOffice, openpyxl and calamine all read; numbers are ``repr`` of a float
(the shortest text that reads back as the same double).
"""

from __future__ import annotations

import math
import os
import re
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import pandas as pd
from xlsxwriter.format import Format
from xlsxwriter.utility import xl_col_to_name
from xlsxwriter.worksheet import Worksheet

_ESCAPE = re.compile(r"[&<>\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]|_x[0-9A-Fa-f]{4}_")
_ENTITIES = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}
_ROW_ATTR = re.compile(rb'<row r="(\d+)"')
_DIMENSION = re.compile(rb'<dimension ref="([A-Z]+)(\d+)(?::([A-Z]+)(\d+))?"/>')


def _escape_one(m: re.Match[str]) -> str:
    text = m.group(0)
    if text in _ENTITIES:
        return _ENTITIES[text]
    if len(text) > 1:  # a literal "_x0041_" would read back as "A": escape its underscore
        return "_x005F" + text
    return f"_x{ord(text):04X}_"  # control characters, as Excel itself writes them


def escape(text: str) -> str:
    return _ESCAPE.sub(_escape_one, text)


def xf_index(fmt: Format | None) -> int:
    """The cell style index xlsxwriter gives ``fmt`` (registering it, as a write would)."""
    return 0 if fmt is None else int(fmt._get_xf_index())


def _blank(v: Any) -> bool:
    if v is None:
        return True
    if isinstance(v, float):
        return math.isnan(v)
    if isinstance(v, str):
        return v == ""  # xlsxwriter writes an empty string as no value too
    return bool(pd.isna(v))


@dataclass(frozen=True)
class _Column:
    col: int
    letters: str
    first_row: int  # 1-based row of values[0]
    values: Sequence[Any]
    kind: str
    styles: Sequence[int] | int

    @property
    def last_row(self) -> int:
        return self.first_row + len(self.values) - 1

    def cell(self, r: int) -> str:
        i = r - self.first_row
        v = self.values[i]
        if _blank(v):
            return ""
        s = self.styles if isinstance(self.styles, int) else self.styles[i]
        style = f' s="{s}"' if s else ""
        kind = self.kind
        if kind == "auto":
            is_number = isinstance(v, int | float) and not isinstance(v, bool)
            kind = "bool" if isinstance(v, bool) else "number" if is_number else "text"
        ref = f"{self.letters}{r}"
        if kind == "text":
            text = escape(str(v))
            inline = f'<is><t xml:space="preserve">{text}</t></is>'
            return f'<c r="{ref}"{style} t="inlineStr">{inline}</c>'
        if kind == "bool":
            return f'<c r="{ref}"{style} t="b"><v>{int(bool(v))}</v></c>'
        number = float(v)
        return "" if math.isinf(number) else f'<c r="{ref}"{style}><v>{number!r}</v></c>'


@dataclass
class _Sheet:
    columns: list[_Column] = field(default_factory=list)

    @property
    def first_row(self) -> int:
        return min(c.first_row for c in self.columns)

    @property
    def last_row(self) -> int:
        return max(c.last_row for c in self.columns)

    @property
    def last_col(self) -> int:
        return max(c.col for c in self.columns)

    def rows(self, chunk: int = 2_000) -> Iterator[bytes]:
        """The ``<row>`` elements, a chunk of rows at a time: never the whole sheet at once."""
        columns = sorted(self.columns, key=lambda c: c.col)
        for start in range(self.first_row, self.last_row + 1, chunk):
            out = []
            for r in range(start, min(start + chunk, self.last_row + 1)):
                cells = "".join(c.cell(r) for c in columns if c.first_row <= r <= c.last_row)
                if cells:
                    out.append(f'<row r="{r}">{cells}</row>')
            yield "".join(out).encode()


@dataclass
class BulkCells:
    """Collects cell columns per worksheet; ``splice`` streams them into the written file."""

    _sheets: dict[int, _Sheet] = field(default_factory=dict)

    def column(
        self,
        ws: Worksheet,
        col: int,
        first_row: int,
        values: Sequence[Any],
        kind: str,
        formats: Format | Sequence[Format | None] | None,
    ) -> None:
        """``values`` down column ``col`` from 0-based ``first_row``; ``kind`` is ``text``,
        ``number`` (dates already Excel serials), ``bool``, or ``auto`` (by each value's
        type: a KR's current value may be a number or a milestone word); blanks stay empty.
        Styles are registered now, as a write would; the XML is made in ``splice``."""
        if not values:
            return
        styles: Sequence[int] | int
        if formats is None or isinstance(formats, Format):
            styles = xf_index(formats)
        else:
            cache: dict[int, int] = {}
            styles = [cache.setdefault(id(f), xf_index(f)) for f in formats]
        column = _Column(col, xl_col_to_name(col), first_row + 1, values, kind, styles)
        self._sheets.setdefault(ws.index, _Sheet()).columns.append(column)

    def _write_sheet(self, xml: bytes, sheet: _Sheet, out: IO[bytes]) -> None:
        written = [int(m) for m in _ROW_ATTR.findall(xml)]
        if written and max(written) >= sheet.first_row:
            raise AssertionError("bulk rows overlap rows xlsxwriter wrote")  # a bug, not input
        xml = _DIMENSION.sub(lambda m: _grown(m, sheet), xml, count=1)
        if b"<sheetData/>" in xml:
            xml = xml.replace(b"<sheetData/>", b"<sheetData></sheetData>", 1)
        head, tail = xml.split(b"</sheetData>", 1)
        out.write(head)
        for chunk in sheet.rows():
            out.write(chunk)
        out.write(b"</sheetData>" + tail)

    def splice(self, path: Path) -> None:
        """Rewrite the xlsx at ``path`` with the collected rows in their sheets."""
        if not self._sheets:
            return
        names = {f"xl/worksheets/sheet{i + 1}.xml": s for i, s in self._sheets.items()}
        tmp = path.with_name(path.name + ".bulk")
        with (
            zipfile.ZipFile(path) as src,
            zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as out,
        ):
            for info in src.infolist():
                data = src.read(info)
                if info.filename in names:
                    with out.open(info.filename, "w", force_zip64=True) as member:
                        self._write_sheet(data, names[info.filename], member)
                else:
                    out.writestr(info, data, compress_type=zipfile.ZIP_DEFLATED)
        os.replace(tmp, path)


def _grown(m: re.Match[bytes], sheet: _Sheet) -> bytes:
    first = m.group(1).decode() + m.group(2).decode()
    last_col = m.group(3) or m.group(1)
    last_row = int(m.group(4) or m.group(2))
    col = max(_col_number(last_col.decode()), sheet.last_col + 1)
    row = max(last_row, sheet.last_row)
    return f'<dimension ref="{first}:{xl_col_to_name(col - 1)}{row}"/>'.encode()


def _col_number(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n


def excel_serials(series: pd.Series) -> list[float]:
    """Datetimes as Excel serial days (vectorised; NaN stays blank), ~10x cheaper per cell."""
    days = (series - pd.Timestamp(1899, 12, 30)) / pd.Timedelta(days=1)
    return [float(v) for v in days.tolist()]
