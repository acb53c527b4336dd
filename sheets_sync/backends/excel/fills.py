"""Which cells of an .xlsx worksheet have one of the fills the sync gives owned cells.

The sync owns the colour of its Status cells as well as their text: one recoloured by
hand is coloured again (``sync.plan.plan_changes``), so the plan must know each owned
cell's fill. calamine gives values without styles, so this reads ``styles.xml``'s solid
fills and the ``cellXfs`` that use one of ``grid.READ_FILLS`` (those and the owned
header's, which tells the sync's Status column from a team's own), then finds the cells in
those styles with one search of the sheet for ``s="N"`` (as ``percent.percent_cells`` does):
a handful of styles, not a parse of every cell.
"""

from __future__ import annotations

import re

from sheets_sync.backends.excel.cellscan import Places
from sheets_sync.backends.excel.percent import cell_xfs, cells_in_styles
from sheets_sync.backends.excel.xmlutil import PREFIX as _P
from sheets_sync.backends.excel.xmlutil import attr_map, section, whole, xsd_whole_attr
from sheets_sync.grid import HEADER_FILL_ROWS, OWNED_HEADER_FILL, READ_FILLS

_FILLS_START = re.compile(rb"<" + _P + rb"fills\b[^<>]*(?<!/)>")
_FILLS_END = re.compile(rb"</" + _P + rb"fills\s*>")
_FILL_START = re.compile(rb"<" + _P + rb"fill\b([^<>]*)>")
_FILL_END = re.compile(rb"</" + _P + rb"fill\s*>")
_PATTERN = re.compile(rb"<" + _P + rb"patternFill\b([^<>]*)>")
_FG = re.compile(rb"<" + _P + rb"fgColor\b([^<>]*)>")
_ROW = re.compile(rb"<" + _P + rb"row\b([^<>]*)>")
#: each of ``READ_FILLS`` as the bytes an ``rgb`` ending in it holds, upper-cased
_READ_FILL_BYTES = tuple(sorted(colour.encode("ascii") for colour in READ_FILLS))


def _solid(fill: bytes) -> str | None:
    """The RGB of a solid fill's foreground ("C6EFCE"), None for any other fill (none,
    a pattern, a theme or indexed colour: none of them is a fill the sync writes)."""
    pattern = _PATTERN.search(fill)
    if pattern is None or attr_map(pattern[1]).get(b"patternType") != b"solid":
        return None
    fg = _FG.search(fill)
    rgb = attr_map(fg[1]).get(b"rgb", b"") if fg else b""
    text = rgb.decode("ascii", "replace").upper()
    return text[-6:] if len(text) in (6, 8) else None


def fill_styles(styles_xml: bytes | None) -> dict[int, str]:
    """Indexes into ``cellXfs`` (a cell's ``s``) whose fill is one of ``READ_FILLS``,
    with that fill's RGB.

    A ``styles.xml`` in which none of those colours' six hex digits appears, in any case,
    has no such fill (``_solid`` reads the ``rgb`` as written, no character reference
    undone): that is one search of the upper-cased part, not a parse of its fills and
    ``cellXfs``. It pays only for a workbook not made from the sync's template
    (``templates/team.xlsx``, which ``init`` copies, holds all five colours) and not yet
    written with a sync fill: the bench's XlsxWriter files, a team's own workbook."""
    if not styles_xml:
        return {}
    upper = styles_xml.upper()
    if not any(colour in upper for colour in _READ_FILL_BYTES):
        return {}
    fills_part = section(styles_xml, _FILLS_START, _FILLS_END)
    if fills_part is None:
        return {}
    colours = [_solid(fill) for fill in _each_fill(fills_part)]
    found: dict[int, str] = {}
    for index, xf in enumerate(cell_xfs(styles_xml)):
        fill_id = xsd_whole_attr(xf.get(b"fillId", b"0"))
        if fill_id is not None and fill_id < len(colours):
            colour = colours[fill_id]
            if colour in READ_FILLS:
                found[index] = colour
    return found


def _each_fill(fills: bytes) -> list[bytes]:
    """What each ``<fill>`` holds (b"" for ``<fill/>``), as ``<fill[^>]*?(?:/>|>(.*?)
    </fill>)`` found them: a start tag with no end tag after it is no fill, and a fill
    holds all up to the first end tag. The end tag is looked for once, not from each start
    tag again (that regex scanned to the end from each such one: quadratic, 10,000 of
    them 10 s, until 2026-12-07)."""
    found: list[bytes] = []
    end: re.Match[bytes] | None = None
    ends = True  # whether an end tag may follow
    at = 0
    while (start := _FILL_START.search(fills, at)) is not None:
        at = start.end()
        if start[1].endswith(b"/"):
            found.append(b"")
            continue
        if ends and (end is None or end.start() < at):
            end = _FILL_END.search(fills, at)
            ends = end is not None
        if ends and end is not None:
            found.append(fills[at : end.start()])
            at = end.end()
    return found


def fill_cells(
    sheet_xml: bytes,
    styles: dict[int, str],
    places: Places | None = None,
    header_rows: int = HEADER_FILL_ROWS,
) -> dict[tuple[int, int], str]:
    """(row, column) -> RGB of every cell in one of ``styles`` (``fill_styles``); the
    owned header's in the first ``header_rows`` rows only (as far as a header is sought)."""
    by_colour: dict[str, set[int]] = {}
    for style, colour in styles.items():
        by_colour.setdefault(colour, set()).add(style)
    places = places or Places(sheet_xml)
    found: dict[tuple[int, int], str] = {}
    for colour, group in by_colour.items():
        xml = sheet_xml
        if colour == OWNED_HEADER_FILL:  # header rows only: not a template's every cell
            xml = sheet_xml[: _rows_end(sheet_xml, header_rows)]
        for place in cells_in_styles(xml, frozenset(group), places, any_kind=True):
            if colour != OWNED_HEADER_FILL or place[0] <= header_rows:
                found[place] = colour
    return found


def _rows_end(sheet_xml: bytes, last: int) -> int:
    """Where the first ``<row>`` past row ``last`` starts (the end when none is): a row
    with no ``r`` is the one after the row before it."""
    number = 0
    for row in _ROW.finditer(sheet_xml):
        ref = attr_map(row[1]).get(b"r", b"")
        number = n if (n := whole(ref)) is not None else number + 1
        if number > last:
            return row.start()
    return len(sheet_xml)
