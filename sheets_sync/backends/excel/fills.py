"""Which cells of an .xlsx worksheet have one of the fills the sync gives owned cells.

The sync owns the colour of its Status cells as well as their text: one recoloured by
hand is coloured again (``sync.plan.changed_writes``), so the plan must know each owned
cell's fill. calamine gives values without styles, so this reads ``styles.xml``'s solid
fills and the ``cellXfs`` that use one of ``grid.READ_FILLS`` (those and the owned
header's, which tells the sync's Status column from a team's own), then finds the cells in
those styles with byte searches for their ``s="N"`` (as ``percent.percent_cells`` does):
a handful of styles, not a parse of every cell.
"""

from __future__ import annotations

import re

from sheets_sync.backends.excel.cellscan import Places
from sheets_sync.backends.excel.percent import cells_in_styles
from sheets_sync.backends.excel.xmlutil import parse_attrs
from sheets_sync.grid import HEADER_FILL_ROWS, OWNED_HEADER_FILL, READ_FILLS

_P = rb"(?:[A-Za-z_][\w.-]*:)?"  # an element's namespace prefix, when it has one
_FILLS = re.compile(rb"<" + _P + rb"fills\b[^>]*(?<!/)>(.*?)</" + _P + rb"fills\s*>", re.S)
_FILL = re.compile(rb"<" + _P + rb"fill\b[^>]*?(?:/>|>(.*?)</" + _P + rb"fill\s*>)", re.S)
_PATTERN = re.compile(rb"<" + _P + rb"patternFill\b([^>]*)>")
_FG = re.compile(rb"<" + _P + rb"fgColor\b([^>]*)>")
_CELL_XFS = re.compile(rb"<" + _P + rb"cellXfs\b[^>]*(?<!/)>(.*?)</" + _P + rb"cellXfs\s*>", re.S)
_XF = re.compile(rb"<" + _P + rb"xf\b([^>]*)>")
_ROW = re.compile(rb"<" + _P + rb"row\b([^>]*)>")


def _attrs(raw: bytes) -> dict[bytes, bytes]:
    return dict(parse_attrs(raw))


def _solid(fill: bytes) -> str | None:
    """The RGB of a solid fill's foreground ("C6EFCE"), None for any other fill (none,
    a pattern, a theme or indexed colour: none of them is a fill the sync writes)."""
    pattern = _PATTERN.search(fill)
    if pattern is None or _attrs(pattern[1]).get(b"patternType") != b"solid":
        return None
    fg = _FG.search(fill)
    rgb = _attrs(fg[1]).get(b"rgb", b"") if fg else b""
    text = rgb.decode("ascii", "replace").upper()
    return text[-6:] if len(text) in (6, 8) else None


def fill_styles(styles_xml: bytes | None) -> dict[int, str]:
    """Indexes into ``cellXfs`` (a cell's ``s``) whose fill is one of ``READ_FILLS``,
    with that fill's RGB."""
    if not styles_xml:
        return {}
    fills_part = _FILLS.search(styles_xml)
    if fills_part is None:
        return {}
    colours = [_solid(m[1] or b"") for m in _FILL.finditer(fills_part[1])]
    xfs = _CELL_XFS.search(styles_xml)
    if xfs is None:
        return {}
    found: dict[int, str] = {}
    for index, xf in enumerate(_XF.finditer(xfs[1])):
        fill_id = _attrs(xf[1]).get(b"fillId", b"0")
        if fill_id.isdigit() and int(fill_id) < len(colours):
            colour = colours[int(fill_id)]
            if colour in READ_FILLS:
                found[index] = colour
    return found


def fill_cells(
    sheet_xml: bytes, styles: dict[int, str], places: Places | None = None
) -> dict[tuple[int, int], str]:
    """(row, column) -> RGB of every cell in one of ``styles`` (``fill_styles``)."""
    by_colour: dict[str, set[int]] = {}
    for style, colour in styles.items():
        by_colour.setdefault(colour, set()).add(style)
    places = places or Places(sheet_xml)
    found: dict[tuple[int, int], str] = {}
    for colour, group in by_colour.items():
        xml = sheet_xml
        if colour == OWNED_HEADER_FILL:  # header rows only: not a template's every cell
            xml = sheet_xml[: _rows_end(sheet_xml, HEADER_FILL_ROWS)]
        for place in cells_in_styles(xml, frozenset(group), places, any_kind=True):
            if colour != OWNED_HEADER_FILL or place[0] <= HEADER_FILL_ROWS:
                found[place] = colour
    return found


def _rows_end(sheet_xml: bytes, last: int) -> int:
    """Where the first ``<row>`` past row ``last`` starts (the end when none is): a row
    with no ``r`` is the one after the row before it."""
    number = 0
    for row in _ROW.finditer(sheet_xml):
        ref = _attrs(row[1]).get(b"r", b"")
        number = int(ref) if ref.isdigit() else number + 1
        if number > last:
            return row.start()
    return len(sheet_xml)
