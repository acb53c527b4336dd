"""Cell references by calamine's rules, and the reader's one error for a bad one.

calamine reads a cell's ``r``, the tab's ``<dimension>`` and a merged range's ``ref`` as
letters, then digits, any number of each, its row and column in 32 bits that wrap; it
refuses the tab for any other (``Expecting alphanumeric character, got 4E``), naming no
reference. The extent scan (``sheetscan.py``) reads content cells' references by this
rule and the reader's refusal after calamine's (``reader._bad_reference``) finds the
others by it; both say a bad one in the same words (``reference_error``). Split out of
``sheetscan.py`` (2026-12-07).
"""

from __future__ import annotations

import re

from lxml import etree

from sheets_sync.backends.excel.blame import damaged_reference
from sheets_sync.backends.excel.cellscan import A1
from sheets_sync.backends.excel.xmlutil import QUOTED, iterparse, local_name, quoted
from sheets_sync.errors import WorkbookError

#: calamine's words for a reference it cannot read (``Expecting alphanumeric character, got
#: 4E``, ``Range is missing the expected row component.``), which name no cell or part
REFERENCE_REASONS = (
    "alphanumeric character",
    "not allowed for column name",
    "Range dimension",
    "Range is missing",
    "number overflow",
)
#: the elements of a worksheet whose reference calamine reads: its attribute, and the
#: words that say which one it is
_REFERENCED = {
    "c": ("r", "of a cell"),
    "dimension": ("ref", "of the tab's <dimension>"),
    "mergeCell": ("ref", "of a merged range"),
}
#: the byte calamine names in ``Expecting alphanumeric character, got 4E``: in hex, with
#: no leading zero (``got 9``, a tab; until a review on 2026-12-07 two digits were wanted)
_GOT = re.compile(r"alphanumeric character, got ([0-9A-Fa-f]{1,2})\b")
#: a raw tab, LF or CR in an attribute, which calamine names, the XML parser reads as a
#: space (attribute-value normalisation)
_AS_A_SPACE = frozenset("\t\n\r")


def calamine_reads(cell: str) -> bool:
    """Whether calamine reads ``cell`` as a cell: letters, then digits, any number of
    each (``XFE1``, ``C01``, ``AAAA10000000``; a lowercase letter too), its row and its
    column counted in 32 bits that wrap, neither 0 (``C0``, ``C4294967296``: ``Range is
    missing the expected row component.``). Probed with python-calamine (2026-12-07)."""
    match = A1.fullmatch(cell)
    if match is None:
        return False
    row = column = 0
    for digit in match[2]:
        row = (row * 10 + ord(digit) - 48) & 0xFFFFFFFF
    for letter in match[1].upper():
        column = (column * 26 + ord(letter) - 64) & 0xFFFFFFFF
    return row != 0 and column != 0


def refused_byte(message: str) -> str | None:
    """The character calamine's ``Expecting alphanumeric character, got 24`` names ($),
    or None for another message (or a byte that is no ASCII character). A tab, LF or CR
    (``got 9``, ``got A``, ``got D``) is a space, as the reference reads (``_AS_A_SPACE``)."""
    got = _GOT.search(message)
    if got is None or int(got[1], 16) >= 0x80:
        return None
    char = chr(int(got[1], 16))
    return " " if char in _AS_A_SPACE else char


def bad_reference(xml: bytes, holding: str | None = None) -> tuple[str, str] | None:
    """(reference, which element holds it) of the first reference calamine reads in
    worksheet ``xml`` that it cannot read as a cell (a cell's, any, with content or not)
    or a range of one or two cells (the ``<dimension>``'s, a merged range's): the first
    holding the character ``holding`` (calamine's ``got 24``) if one does; None for
    none found before any damage to the XML. Only after calamine refused the tab for a
    reference (``REFERENCE_REASONS``): it said ``Expecting alphanumeric character, got
    4E``, of no cell (until 2026-12-07). Only where calamine reads them (``_read_here``):
    one it passes over was named in place of the bad one (until a review on 2026-12-07)."""
    first: tuple[str, str] | None = None
    within = {"sheetData": 0, "mergeCells": 0}  # 0 before the first, 1 in it, 2 after
    tags = ("{*}c", "{*}dimension", "{*}mergeCell", "{*}row", "{*}sheetData", "{*}mergeCells")
    events = iterparse(xml, ("start", "end"), tags)
    try:
        for event, el in events:
            name = local_name(el.tag)
            if name in within:
                if within[name] == (0 if event == "start" else 1):
                    within[name] += 1
                continue
            if event == "end":
                if name == "row":
                    el.clear(keep_tail=False)
                continue
            if name == "row" or not _read_here(name, within):
                continue
            attr, what = _REFERENCED[name]
            ref = el.get(attr)
            if ref is None:
                continue
            parts = ref.split(":") if name != "c" else [ref]
            if len(parts) > 2 or not all(map(calamine_reads, parts)):
                if holding is None or holding in ref:
                    return ref, what
                first = first or (ref, what)
    except etree.XMLSyntaxError:
        return first
    return first


def _read_here(name: str, within: dict[str, int]) -> bool:
    """Whether calamine reads a ``c``, ``mergeCell`` or ``dimension`` where it stands
    (``within``: before, in or after the first ``sheetData`` and ``mergeCells``, at any
    depth): a cell in the first ``sheetData``, in a row or not; a merged range in the
    first ``mergeCells``; a ``<dimension>`` before the first ``sheetData``, wherever.
    Elsewhere it passes them over (probed with python-calamine 0.9.1, 2026-12-07)."""
    if name == "c":
        return within["sheetData"] == 1
    if name == "mergeCell":
        return within["mergeCells"] == 1
    return within["sheetData"] == 0


#: what to do about a damaged reference, as the reader says of every damaged part
REPAIR = "open the file in Excel (it offers to repair it) and save it, or restore an earlier copy"
#: Excel's last row and column (XFD)
LAST_ROW, LAST_COLUMN = 1_048_576, 16_384


def outside_grid(ref: str, limit: int, source: str | None, tab: str | None) -> WorkbookError:
    """The reader's error for a content cell past Excel's grid (``ref`` as written, a
    row past 1,048,576 or a column past XFD) in a tab too large to read with it (past
    ``limit`` cells): named in the message (quoted when longer than ``QUOTED``: then not
    as ``cell``), the file damaged, what to do (``REPAIR``). Until a review on 2026-12-07 a
    short one was named only as ``cell``, "the cell is" in the message, which the previous
    workbook's check logs without its cell (``rollup.previous``): no cell was named."""
    short = len(ref) <= QUOTED
    which = f"cell {ref} is" if short else f"cell {quoted(ref)} is"
    return WorkbookError(
        f"the file is damaged: {which} outside Excel's grid (its last column is XFD, its "
        f"last row 1,048,576), and the tab too large to read with it (limit {limit:,} "
        f"cells); {REPAIR}",
        source=source,
        tab=tab,
        cell=ref if short else None,
    )


def reference_error(ref: str, what: str, source: str | None, tab: str | None) -> WorkbookError:
    """The reader's one error for a reference calamine refuses (``what``: which element
    holds it, ``of a cell``): a cell's written with ``$`` signs (``$C$2``) names the cell
    (``blame.damaged_reference``); any other is quoted with what to do (``REPAIR``)."""
    if what == _REFERENCED["c"][1] and (damaged := damaged_reference(ref)) is not None:
        cell, message = damaged
        if calamine_reads(cell):
            return WorkbookError(message, source=source, tab=tab, cell=cell)
    return WorkbookError(
        f"the file is damaged: bad cell reference {quoted(ref)} {what}; {REPAIR}",
        source=source,
        tab=tab,
    )


#: an ``r`` or ``ref`` attribute holding a character or entity reference, raw: the XML
#: parser gives its value resolved (``A&#50;`` is A2), calamine reads the bytes as written
_ENTITY_REF = re.compile(
    rb"<(?:[\w.-]+:)?(c|dimension|mergeCell)\s[^>]*?(?<![\w:.-])(r|ref)\s*=\s*"
    rb"(?:\"([^\"<>]*&[^\"<>]*)\"|'([^'<>]*&[^'<>]*)')"
)
_SHEET_DATA = re.compile(rb"<(?:[\w.-]+:)?sheetData[\s/>]")
_SHEET_DATA_END = re.compile(rb"</(?:[\w.-]+:)?sheetData\s*>")


def entity_reference(xml: bytes) -> tuple[str, str, str] | None:
    """(as written, as read, which element holds it) of the first reference calamine
    reads written with a character reference (``r="A&#50;"``), which Excel and
    LibreOffice read as the cell it stands for (checked with LibreOffice 7.4: A2) and
    calamine refuses the tab for (``Expecting alphanumeric character, got 26``, of no
    cell, until 2026-12-08); None for none. Where calamine reads it, as ``_read_here``:
    a cell's between the first ``<sheetData>`` and its end tag, a ``<dimension>``'s
    before it, a merged range's after it. Only after that refusal: a byte search."""
    start = _SHEET_DATA.search(xml)
    first = start.start() if start else len(xml)
    end = _SHEET_DATA_END.search(xml, first)
    last = end.start() if end else len(xml)
    for match in _ENTITY_REF.finditer(xml):
        name, attr = match[1].decode(), match[2].decode()
        at = match.start()
        where = "dimension" if at < first else "c" if at < last else "mergeCell"
        if name != where or _REFERENCED[name][0] != attr:
            continue
        written = (match[3] if match[3] is not None else match[4]).decode("utf-8", "replace")
        try:
            read = etree.fromstring(f"<x a='{written}'/>".encode()).get("a", "")
        except etree.XMLSyntaxError:
            continue
        parts = read.split(":") if name != "c" else [read]
        if len(parts) <= 2 and all(map(calamine_reads, parts)):
            return written, read, _REFERENCED[name][1]
    return None


def entity_error(
    written: str, read: str, what: str, source: str | None, tab: str | None
) -> WorkbookError:
    """The reader's error for a reference written with a character reference
    (``entity_reference``): a cell's names the cell; with what to do."""
    return WorkbookError(
        f"the reference {quoted(written)} {what} is written with a character reference "
        f"(for {read}), which Excel and LibreOffice read but this tool cannot; open the "
        "file in Excel or LibreOffice and save it (they write it plainly), or have the "
        f"program that wrote the file write {read}",
        source=source,
        tab=tab,
        cell=read.upper() if what == _REFERENCED["c"][1] else None,
    )
