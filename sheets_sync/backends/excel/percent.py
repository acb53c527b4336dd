"""Which cells of an .xlsx worksheet hold the number 1 shown as a percentage (100%).

Confidence is typed on a 0-10 scale (7) or as a percentage (70%), and Excel stores a
typed 70% as the number 0.7 in a percent-formatted cell. Only 1 is ambiguous: typed as 1
it is 1 out of 10, typed as 100% it is certainty, and both are stored as ``<v>1</v>``. The
cell's number format tells them apart, and calamine gives values without formats, so
this finds those few cells in the worksheet XML (byte searches for ``>1</``, not a parse)
and the percent formats in ``styles.xml`` (built-in 9 and 10, or a custom code with a
``%`` outside quotes: ``numfmt.is_percent_code``, the Google read's rule too).
"""

from __future__ import annotations

import contextlib
import functools
import re

from sheets_sync.backends.excel.cellscan import Places, parse_ref
from sheets_sync.backends.excel.xmlutil import (
    BEYOND,
    TAG_ATTRS,
    attr_map,
    section,
    whole,
    xml_attr,
    xsd_whole,
    xsd_whole_attr,
)
from sheets_sync.backends.excel.xmlutil import PREFIX as _P
from sheets_sync.errors import WorkbookError
from sheets_sync.numfmt import is_percent_code

_V_OPEN = re.compile(rb"<" + _P + rb"v>")
_CELL_OPEN = re.compile(rb"<" + _P + rb"c\s([^<>]*)>")
#: a cell's style attribute, ``s="N"`` or ``s='N'``: a candidate only (no ``\s`` before
#: it, which made the search twice as slow), the tag's attributes read decide
#: XSD's white space as an attribute may write it (``" 1 "``, ``"&#9;1"``), about the
#: digits of a cell's ``s``, which ``xmlutil.xsd_whole`` reads (one leading ``+`` too)
_PAD = rb"(?:[ \t\r\n]|&#(?:0*(?:9|10|13|32)|[xX]0*(?:9|[aAdD]|20));)*"
_S_ATTR = re.compile(rb"""s\s*=\s*["']""" + _PAD + rb"\+?(\d+)" + _PAD + rb"""["']""")
_FORMULA_TAG = re.compile(rb"</?" + _P + rb"f\b")
#: ``cellXfs``'s start tag (not a self-closing one) and end tag, found once each:
#: ``<cellXfs[^>]*>(.*?)</cellXfs>`` scanned to the end of the part from each
#: ``<cellXfs/>`` when no end tag followed (10,000 of them, a 5 KB .xlsx, took 17 s).
_CELL_XFS_START = re.compile(rb"<" + _P + rb"cellXfs\b[^<>]*(?<!/)>")
_CELL_XFS_END = re.compile(rb"</" + _P + rb"cellXfs\s*>")
_XF = re.compile(rb"<" + _P + rb"xf\b([^<>]*)>")
#: A ``<numFmt>`` to its own end: a ``>`` is legal in a value (``formatCode="[>=1]0%"``),
#: where ``[^>]*`` stopped, so the code was not read and 100% read as 1 of 10 (until
#: 2026-12-06); the attributes matched as ``tag_re`` matches them
_NUM_FMT = re.compile(rb"<" + _P + rb"numFmt" + TAG_ATTRS + rb"\s*/?>")
BUILTIN_PERCENT = frozenset({9, 10})  # 0% and 0.00%


def percent_styles(styles_xml: bytes | None) -> frozenset[int]:
    """Indexes into ``cellXfs`` (a cell's ``s``) whose number format is a percentage."""
    if not styles_xml:
        return frozenset()
    percent = set(BUILTIN_PERCENT)
    for m in _NUM_FMT.finditer(styles_xml):
        attrs = attr_map(m[1])
        code = xml_attr(attrs.get(b"formatCode", b""))  # &quot;%&quot; is quoted text
        number = xsd_whole(xml_attr(attrs.get(b"numFmtId", b"")))
        if number is not None and number < BEYOND and is_percent_code(code):
            percent.add(number)
    ids = (xsd_whole(xml_attr(xf.get(b"numFmtId", b""))) for xf in cell_xfs(styles_xml))
    return frozenset(i for i, fmt in enumerate(ids) if fmt in percent)


def cell_xfs(styles_xml: bytes) -> list[dict[bytes, bytes]]:
    """The attributes of each ``<xf>`` of ``cellXfs``, which a cell's ``s`` indexes: of
    the first list with an end tag, none without one (``fills`` reads their ``fillId``)."""
    xfs = section(styles_xml, _CELL_XFS_START, _CELL_XFS_END)
    return [] if xfs is None else [attr_map(m[1]) for m in _XF.finditer(xfs)]


def percent_ones(
    sheet_xml: bytes, styles: frozenset[int], places: Places | None = None
) -> frozenset[tuple[int, int]]:
    """(row, column) of every number cell holding exactly 1 in a percent style."""
    if not styles:
        return frozenset()
    found: set[tuple[int, int]] = set()
    places = places or Places(sheet_xml)
    at = sheet_xml.find(b">1</")
    while at >= 0:
        cell = _cell_of(sheet_xml, at)
        if cell is not None:
            attrs = attr_map(cell[1])
            style, kind = attrs.get(b"s", b""), attrs.get(b"t", b"n")
            if kind == b"n" and xsd_whole_attr(style) in styles:
                _add(found, attrs, cell[0], places)
        at = sheet_xml.find(b">1</", at + 4)
    return frozenset(found)


def percent_cells(
    sheet_xml: bytes, styles: frozenset[int], places: Places | None = None
) -> frozenset[tuple[int, int]]:
    """(row, column) of every cell in a percent style that is not text (blank ones too:
    a value is looked for in them only by the cells the mapping reads)."""
    return cells_in_styles(sheet_xml, styles, places)


@functools.lru_cache(maxsize=64)
def _style_attr(written: frozenset[bytes]) -> re.Pattern[bytes]:
    """The ``s="N"`` of a few styles sought by one regex naming them, so the other styles'
    cells are passed over inside the regex, not one by one in Python (a first night's
    sheets hold one or two percent styles among many: the one search over every ``s=``
    cost a 7.5 MB sheet 186-255 -> 307 ms); past 16 styles, every ``s=`` once."""
    if len(written) > 16:
        return _S_ATTR
    names = b"|".join(written)  # any order: the closing quote makes the regex try each
    return re.compile(
        rb"""s\s*=\s*["']""" + _PAD + rb"\+?0*(" + names + rb")" + _PAD + rb"""["']"""
    )


def cells_in_styles(
    sheet_xml: bytes,
    styles: frozenset[int],
    places: Places | None = None,
    *,
    any_kind: bool = False,
) -> frozenset[tuple[int, int]]:
    """(row, column) of every cell in one of ``styles`` that is a number or an error (of
    any kind, text too, with ``any_kind``). One regex search over the part for each
    ``s="N"``, its number looked up in ``styles``, then the tag around it read (a regex
    over every ``<c>`` was 14 % of a 1,200-row tab's read). Until 2026-12-07 the part was
    searched once a style: 3,000 percent styles and a 760 KB sheet took 94 s; and a
    padded ``s="01"`` was not found."""
    found: set[tuple[int, int]] = set()
    if not styles:
        return frozenset()
    places = places or Places(sheet_xml)
    xml = sheet_xml
    since, start, read = 0, -1, False
    cell: re.Match[bytes] | None = None
    written = frozenset(b"%d" % style for style in styles)  # as Excel writes them
    for m in _style_attr(written).finditer(xml):
        if m[1] not in written and (m[1][:1] != b"0" or whole(m[1]) not in styles):
            continue
        at = m.start()
        # the tag around it is looked back for only as far as the ``s="N"`` before it,
        # and matched and read once however often one stands in it: each one read the
        # whole tag again, so 4,000 in one ``<c>`` (24 KB) took 15 s (until 2026-12-07)
        if (begun := xml.rfind(b"<", since, at)) >= 0 or not since:
            start, read = begun, False  # a tag of its own, not the one before
            cell = _CELL_OPEN.match(xml, start) if start >= 0 else None
        since = at
        if cell is not None and not read and cell.end() > at:
            read, attrs = True, attr_map(cell[1])
            kind = any_kind or attrs.get(b"t", b"n") in (b"n", b"e")
            if kind and xsd_whole_attr(attrs.get(b"s", b"")) in styles:
                _add(found, attrs, start, places)
    return frozenset(found)


def _add(
    found: set[tuple[int, int]], attrs: dict[bytes, bytes], start: int, places: Places
) -> None:
    """The place of the cell whose start tag at ``start`` has ``attrs``: its ``r``, or where
    it follows the cell before it when it has none; a bad ``r`` places nothing."""
    ref = attrs.get(b"r")
    if ref is None:
        if (place := places(start)) is not None:
            found.add(place)
        return
    with contextlib.suppress(WorkbookError):
        found.add(parse_ref(ref.decode("ascii", "replace")))


def _cell_of(xml: bytes, at: int) -> tuple[int, bytes] | None:
    """(start, attributes) of the ``<c>`` whose ``<v>`` ends at ``at`` (``<v>1</v>``), else
    None (the ``1`` is an inline string, a formula's text, anything but a cell value)."""
    start = xml.rfind(b"<", 0, at)
    if start < 0 or not _V_OPEN.fullmatch(xml, start, at + 1):
        return None
    for _ in range(3):  # back over a formula: <f>..</f> or <f .../>
        start = xml.rfind(b"<", 0, start)
        if start < 0:
            return None
        if cell := _CELL_OPEN.match(xml, start):
            return start, bytes(cell[1])
        if not _FORMULA_TAG.match(xml, start):
            return None
    return None


__all__ = [
    "cell_xfs",
    "cells_in_styles",
    "percent_cells",
    "percent_ones",
    "percent_styles",
]
