"""Which cell a damaged worksheet's refusal is about, when calamine does not say.

calamine refuses a whole tab for one cell it cannot read (a shared string that does not
exist, a boolean of 2, a number of "abc", an unknown ``t``), and names no cell:
``sales.xlsx!OKRs: cannot read the tab: Cell string index not found in shared strings
table``. Excel does not write such a cell; a tool that writes .xlsx by hand may, and the
team lead must find the one cell among thousands to retype. Only after a refusal, the
worksheet is searched for the first cell that reason fits; none found, none is named.
"""

from __future__ import annotations

import re

from lxml import etree

from sheets_sync.backends.excel.cellscan import parse_ref
from sheets_sync.backends.excel.xmlutil import local_name, parser, whole
from sheets_sync.grid import a1

#: What calamine's refusal says -> the kind of cell it is about.
_REASONS = (
    ("shared strings", "s"),
    ("boolean", "b"),
    ("'t' attribute", "t"),
    ("float", "n"),
    ("alphanumeric", "r"),  # a ``$`` in a cell's ``r`` (``$C$2``): "got 24", its hex
)
_TYPES = frozenset({"s", "str", "inlineStr", "n", "b", "e", "d"})
_BOOLEANS = frozenset({"0", "1", "true", "false"})
#: What calamine parses as a float (Rust's ``f64::from_str``): no outer spaces, and
#: ``inf``/``infinity``/``nan`` as whole words (``nancy`` is refused).
#: ``\d+(?:\.\d*)?``, not ``\d+\.?\d*``, which split each run of digits each way: a value
#: of 32,767 digits and a letter took minutes (until a review on 2026-12-07).
_NUMBER = re.compile(
    r"[+-]?(?:(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?|inf|infinity|nan)", re.I | re.A
)
#: The cells calamine reads: ``c`` elements in ``sheetData`` (in a row or wrapped in
#: another element), by local name whatever their namespace, as calamine matches them.
_CELLS = etree.XPath(
    "*[local-name()='sheetData']/descendant::*[local-name()='c']", smart_strings=False
)


def _value(cell: etree._Element) -> str | None:
    return next((v.text or "" for v in cell if local_name(v.tag) == "v"), None)


def _fits(kind: str, cell: etree._Element, strings: int) -> bool:
    """Whether ``cell`` is one calamine refuses for a reason of ``kind``."""
    t, value = cell.get("t"), _value(cell)
    if kind == "r":
        return "$" in (cell.get("r") or "")
    if kind == "t":
        return t is not None and t not in _TYPES
    if value is None or (kind != "s" and not value.strip()):
        return False
    if kind == "s":
        return t == "s" and not _string_index_exists(value.strip(), strings)
    if kind == "b":
        return t == "b" and value.strip().lower() not in _BOOLEANS
    return t == "n" and _NUMBER.fullmatch(value) is None  # no t: calamine keeps the text


def damaged_reference(ref: str) -> tuple[str, str] | None:
    """The cell and the message for a blamed cell whose ``r`` holds ``$`` (``$C$2``), which
    calamine refuses as ``Expecting alphanumeric character, got 24`` and LibreOffice 7.4
    drops (checked: the cell is not there); None for another reference."""
    if "$" not in ref:
        return None
    return ref.replace("$", "").upper(), (  # r="$c$2": C2 (c2 until 2026-12-07)
        f"the worksheet is damaged: the cell's reference is written {ref}, with $ signs, "
        "which spreadsheets do not read (LibreOffice drops the cell); the program that "
        "wrote the file must write it without them, or retype the cell in Excel and save"
    )


def _string_index_exists(index: str, strings: int) -> bool:
    """``index`` is one of the ``strings`` shared strings: ASCII digits only (``'²'`` is a
    digit to ``str.isdigit``), read by ``whole`` (5,000 digits raise ``int``; leading
    zeros are none, as calamine reads them: until 2026-12-07 a padded index was blamed)."""
    number = whole(index)
    return number is not None and number < strings


def _count_strings(shared: bytes | None) -> int:
    if shared is None:
        return 0
    try:
        root = etree.fromstring(shared, parser())
    except etree.XMLSyntaxError:
        return 0
    return sum(1 for si in root if local_name(si.tag) == "si")


def blamed_cell(reason: str, xml: bytes, shared: bytes | None) -> str | None:
    """The reference of the first cell of worksheet ``xml`` that calamine's ``reason``
    fits, or None (a reason not known here, or no cell found). Never raises: a blame
    that fails leaves calamine's refusal of the whole tab as it is."""
    try:
        return _first_fitting(reason, xml, shared)
    except Exception:  # a hint for the message, never a new failure
        return None


def _first_fitting(reason: str, xml: bytes, shared: bytes | None) -> str | None:
    kind = next((k for words, k in _REASONS if words in reason), None)
    if kind is None:
        return None
    strings = _count_strings(shared) if kind == "s" else 0
    try:
        root = etree.fromstring(xml, parser())
    except etree.XMLSyntaxError:
        return None
    for cell in _CELLS(root):
        if _fits(kind, cell, strings):
            ref = cell.get("r")
            return ref if isinstance(ref, str) else _place(cell)
    return None


def _place(cell: etree._Element) -> str | None:
    """The reference of a cell with no ``r`` in a row: one right of the cell before it (the
    first at A), its row the one after the row before when the row has none either, as
    the reader's scan places it (until 2026-12-07 no cell was named)."""
    row = cell.getparent()
    sheet_data = row.getparent() if row is not None else None
    if row is None or sheet_data is None or local_name(row.tag) != "row":
        return None
    col = row_no = 0
    for c in row:
        if local_name(c.tag) == "c":
            ref = c.get("r")
            col = parse_ref(ref)[1] if ref else col + 1
            if c is cell:
                break
    for r in sheet_data:
        if local_name(r.tag) == "row":
            # by ``whole``: ``int`` of a padded 5,000-digit ``r`` raised, and no cell was
            # named (until 2026-12-07)
            number = whole(r.get("r", ""))
            row_no = number if number is not None else row_no + 1
            if r is row:
                break
    return a1(row_no, col)
