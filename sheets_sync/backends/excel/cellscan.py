"""Regexes and A1 references for scanning worksheet XML (``sheetrows.py`` scans with them).

Every cell of every edited row is scanned, so the scan is one compiled regex per row
(``finditer``) whose match objects are the cells, and a cell's column comes from its
``r`` attribute (nearly always the first one, captured by the same regex) through a
memo: the hot path of a patch.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Protocol

from sheets_sync.backends.excel.xmlutil import BEYOND, root_prefix, tag_re, whole
from sheets_sync.errors import WorkbookError
from sheets_sync.grid import CellValue, column_index, column_letter

#: a reference as calamine reads a cell's: letters, then digits, any number of each
#: (``references.calamine_reads`` adds its 32-bit count)
A1 = re.compile(r"([A-Za-z]+)([0-9]+)")
#: a column of more letters is past ``BEYOND`` (26**13 is 2.5e18): counted as that, not
#: made a number of thousands of digits
MOST_LETTERS = 13
#: an A1 reference as the write path reads it: ``A1``'s rule, ``$`` signs allowed
_REF_RE = re.compile(r"\$?([A-Za-z]+)\$?([0-9]+)")
#: The ``r`` attribute inside a start tag's attribute text (``r`` alone, not ``spans``).
_R_ATTR = re.compile(rb"""(?:^|\s)r\s*=\s*(?:"([^"]*)"|'([^']*)')""")
#: A start tag's attributes (as ``tag_re`` matches them), the first captured when it is
#: ``r="..."``. No possessive quantifiers (``*+``), though the grammar never gives
#: characters back and they saved ~0.2 us a cell: Python 3.11.0-3.11.4 (Debian 12's is
#: 3.11.2) mis-match possessive group repeats (CPython gh-106052), and a cell the scan
#: missed was written a second time, out of order.
_ATTRS = rb"""((?:\s+r="([^"]*)")?(?:\s+[\w:.-]+\s*=\s*(?:"[^"]*"|'[^']*'))*)"""
_COLUMN_OF: dict[bytes, int] = {}  # "AB12" letters -> column, shared across sheets
COLUMN_OF_REF: dict[bytes, int] = {}  # whole "AB12" -> column, shared across sheets
_LETTERS: dict[int, str] = {}  # column -> "AB"
#: only references (and letters) at most this long are kept in the two memos above: they live
#: as long as the process, and 5,000 cells of 4,000-letter (or 4,000-digit) references, which
#: the reader reads, pinned 40 MB of keys (until a second review on 2026-12-07)
_MEMO_KEPT_LEN = 16

Cell = re.Match[bytes]  # groups: 1 attributes, 2 r when first, 3 "/", 4 inner, 5 close tag


@dataclass(frozen=True)
class Patterns:
    """The regexes and literals for one namespace prefix (compiled once per prefix)."""

    row: re.Pattern[bytes]  # groups: 1 attributes, 2 r when first, 3 "/"
    cell: re.Pattern[bytes]  # see ``Cell``
    f: re.Pattern[bytes]
    ext: re.Pattern[bytes]
    f_open: bytes
    v: tuple[bytes, bytes]
    inline: tuple[bytes, bytes]


@lru_cache(maxsize=8)
def patterns(p: bytes) -> Patterns:
    q = re.escape(p)
    return Patterns(
        row=re.compile(b"<" + q + b"row" + _ATTRS + rb"\s*(/?)>"),
        cell=re.compile(  # the content runs to the first close tag (or the end: unterminated)
            b"<" + q + b"c" + _ATTRS + rb"\s*(?:(/)>|>([^<]*(?:<(?!/" + q + rb"c>)[^<]*)*)"
            rb"(</" + q + rb"c>|\Z))"
        ),
        f=tag_re(p, b"f"),
        ext=re.compile(b"<" + q + rb"extLst[\s>]"),
        f_open=b"<" + p + b"f",
        v=(b"<" + p + b"v>", b"</" + p + b"v>"),
        inline=(
            b"<" + p + b"is><" + p + b't xml:space="preserve">',
            b"</" + p + b"t></" + p + b"is>",
        ),
    )


def parse_ref(ref: str) -> tuple[int, int]:
    """(row, column) of an A1 reference; its row read by ``whole`` (``xmlutil.BEYOND``
    past 18 digits, leading zeros none): ``int`` raised a ValueError on 5,000 digits and
    read another script's digits (``\\d``: ``A١``), until 2026-12-07. Its letters, any
    number, as the reader reads a cell's (``A1``; ``capped_column``): until a review on
    2026-12-07 only 1-3, so a row holding ``AAAA3``, which the reader reads, refused the
    write as a malformed reference (``XFE3`` was left alone)."""
    m = _REF_RE.fullmatch(ref.strip())
    row = None if m is None else whole(m[2])
    if m is None or row is None:
        raise WorkbookError(f"malformed cell reference {ref!r}")
    return row, capped_column(m[1])


def capped_column(letters: str) -> int:
    """The column of ``letters``, ``BEYOND`` past ``MOST_LETTERS`` of them."""
    return column_index(letters) if len(letters) <= MOST_LETTERS else BEYOND


def column_of(ref: bytes) -> int:
    """Column of an ``r`` value: the hot path of a patch, so memoised on the whole ref
    (one of at most ``_MEMO_KEPT_LEN`` bytes; its letters likewise)."""
    col = COLUMN_OF_REF.get(ref)
    if col is None:
        letters = ref.rstrip(b"0123456789")
        col = _COLUMN_OF.get(letters)
        if col is None:
            col = parse_ref(ref.decode())[1]
            if len(letters) <= _MEMO_KEPT_LEN and len(_COLUMN_OF) < 20_000:
                _COLUMN_OF[letters] = col
        elif letters == ref:
            parse_ref(ref.decode())  # no row digits: malformed, raises like the full parse
        if len(ref) <= _MEMO_KEPT_LEN and len(COLUMN_OF_REF) < 50_000:
            COLUMN_OF_REF[ref] = col
    return col


def ref_attr(raw: bytes) -> bytes | None:
    """A cell's ``r`` from its start tag's attribute text; None when it has none."""
    m = _R_ATTR.search(raw)
    if m is None:
        return None
    return m.group(1) if m.group(1) is not None else m.group(2)


def ref_column(raw: bytes) -> int:
    """Column of a cell from its start tag's attribute text; 0 when it has no ``r``."""
    ref = ref_attr(raw)
    return 0 if ref is None else column_of(ref)


def a1_memo(row: int, col: int) -> str:
    """``grid.a1`` with the column letters memoised."""
    letters = _LETTERS.get(col)
    if letters is None:
        letters = column_letter(col)
        if col <= 16_384:
            _LETTERS[col] = letters
    return letters + str(row)


def cell_range(ref: str) -> tuple[int, int, int, int]:
    first, _, last = ref.partition(":")
    r1, c1 = parse_ref(first)
    r2, c2 = parse_ref(last or first)
    return min(r1, r2), min(c1, c2), max(r1, r2), max(c1, c2)


class _Scanned(Protocol):
    xml: bytes
    sheet: str


def refuse_nested(
    ed: _Scanned, opener: bytes, pattern: re.Pattern[bytes], lo: int, hi: int, where: str
) -> None:
    """A ``<row>`` inside a row, or a ``<c>`` inside a cell (in its ``<is>``, say): the
    scans end the outer one at the inner one's end tag, so a write spliced cells into the
    wrong row or broke the XML. The reader skips what it does not expect there; the patch
    refuses what its scans cannot prove they understand (found by the mutation test)."""
    at = ed.xml.find(opener, lo, hi)
    while at >= 0:
        if pattern.match(ed.xml, at, hi) is not None:
            what = opener.decode().lstrip("<")
            raise WorkbookError(
                f"the worksheet is damaged: a <{what}> is stored inside {where}", tab=ed.sheet
            )
        at = ed.xml.find(opener, at + 1, hi)


def cell_places(xml: bytes, p: bytes) -> dict[int, tuple[int, int]]:
    """(row, column) of each cell of a worksheet, by the offset of its start tag: a cell
    with no ``r`` is one right of the cell before it (the first of its row at A), a row
    with no ``r`` the one after the row before, as OOXML and ``sheetscan`` have it. For
    the byte searches of formulas, which read a cell's place from its ``r`` and ask this
    (one pass over the sheet) only for a cell without one: only those are listed. A
    reference that is no reference is passed over (the reader refuses it)."""
    pat = patterns(p)
    close = b"</" + p + b"row>"
    places: dict[int, tuple[int, int]] = {}
    row_no = 0
    for row in pat.row.finditer(xml):
        r = row[2] if row[2] is not None else ref_attr(row[1])
        # by ``whole``: ``int`` of a padded 5,000-digit ``r`` (row 2, as the scan reads it)
        # was a ValueError traceback, until 2026-12-07
        number = whole(r) if r is not None else None
        row_no = number if number is not None else row_no + 1
        end = -1 if row[3] else xml.find(close, row.end())
        col = 0
        for cell in pat.cell.finditer(xml, row.end(), max(end, row.end())):
            ref = cell[2] if cell[2] is not None else ref_attr(cell[1])
            try:
                col = col + 1 if ref is None else column_of(ref)
            except WorkbookError:
                continue
            if ref is None:
                places[cell.start()] = (row_no, col)
    return places


class Places:
    """Where the cells with no ``r`` are (``cell_places``), found on the first one asked
    for: a sheet whose cells all have theirs costs nothing more. ``p``: the sheet's
    namespace prefix, found from its root when not given (none found: no places). Until
    2026-12-07 the byte searches passed over such a cell: a formula there was no formula
    cell (an owned one went unwritten, its error read as typed, its missing value not
    said), a percent cell unlisted (a typed 100% read as 1 of 10), a rich value unread."""

    def __init__(self, xml: bytes, p: bytes | None = None) -> None:
        self._xml, self._p = xml, p
        self._found: dict[int, tuple[int, int]] | None = None

    def __call__(self, lt: int) -> tuple[int, int] | None:
        """(row, column) of the cell whose start tag begins at ``lt``, if it has no ``r``."""
        if self._found is None:
            p = self._p
            if p is None:
                try:
                    p = root_prefix(self._xml, b"worksheet", "worksheet")
                except WorkbookError:
                    p = None
            self._found = {} if p is None else cell_places(self._xml, p)
        return self._found.get(lt)


def trimmed_rows(rows: list[list[CellValue]]) -> tuple[tuple[CellValue, ...], ...]:
    """The rows without their trailing blank cells and trailing empty rows."""
    out: list[tuple[CellValue, ...]] = []
    for row in rows:
        end = len(row)
        while end and row[end - 1] is None:
            end -= 1
        out.append(tuple(row[:end]))
    while out and not out[-1]:
        out.pop()
    return tuple(out)
