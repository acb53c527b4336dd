"""Error values calamine cannot read, made readable for it.

calamine knows the seven classic codes (``#DIV/0!``, ``#N/A``, ...) and refuses a whole
tab for any other: ``Unsupported cell error value '#SPILL!'``. Excel 365 stores
``#SPILL!`` (a dynamic array with no room), ``#CALC!``, ``#FIELD!``, ``#BLOCKED!``,
``#CONNECT!``, ``#BUSY!``, ``#UNKNOWN!`` and ``#PYTHON!`` as cached values, so one such
formula anywhere on the OKRs tab failed the team ("cannot read the tab") instead of being
a finding on its cell, until 2026-12-06. calamine reads a copy of the workbook in which
those cells hold ``#N/A``; the reader's scan of the original XML (``sheetscan.py``) then
puts each cell's own code back, as it does for every error cell.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from lxml import etree

from sheets_sync.backends.excel.safety import Package, normalise_part_name, with_parts
from sheets_sync.backends.excel.xmlutil import local_name, parser, xml_text

#: The codes calamine reads (python-calamine 0.9); any other fails the tab.
CALAMINE_ERRORS = frozenset({"#DIV/0!", "#N/A", "#NAME?", "#NULL!", "#NUM!", "#REF!", "#VALUE!"})
_READ = CALAMINE_ERRORS | {""}
STAND_IN = "#N/A"
_P = rb"(?:[\w.-]+:)?"
_ATTR = rb"""\s+[\w:.-]+\s*=\s*(?:"[^"]*"|'[^']*')"""
#: An error cell, to its own end: its ``t`` found only as a whole unprefixed attribute
#: (not ``x14ac:t="e"``, not ``t="e"`` inside another attribute's value, which read a
#: number cell as #N/A until 2026-12-06). A self-closing one (no group 1) stops at its
#: ``/>``; a body stops at the next cell's tag, so no match attempt scans past one cell,
#: and group 2 is None when no ``</c>`` ends it there. ``(.*?)</c>`` scanned to the end
#: of the sheet for each ``<c t="e"/>`` with no ``</c>`` after it: 8,000 of them (a 45 KB
#: .xlsx) took 49 s to read, until 2026-12-06.
_ERROR_CELL = re.compile(
    rb"<" + _P + rb"""c(?:\s+(?!t\s*=)[\w:.-]+\s*=\s*(?:"[^"]*"|'[^']*'))*"""
    rb"""\s+t\s*=\s*(?:"e"|'e')(?:""" + _ATTR + rb")*\s*"
    rb"(?:/>|>((?:[^<]|<(?!/?" + _P + rb"c\b))*)(</" + _P + rb"c\s*>)?)"
)
#: The cell bodies whose codes can be swapped in the bytes: only ``<f>`` and ``<v>``
#: children holding text (no ``<is>``, no element inside a value).
_BODY = re.compile(
    rb"(?:[^<]|<" + _P + rb"[fv](?:" + _ATTR + rb")*\s*/>"
    rb"|<" + _P + rb"[fv](?:" + _ATTR + rb")*\s*>[^<]*</" + _P + rb"[fv]\s*>)*"
)
_VALUE = re.compile(rb"<" + _P + rb"v(?:" + _ATTR + rb")*\s*>([^<]*)</" + _P + rb"v\s*>")
_DECLARATION = re.compile(rb"(?:\xef\xbb\xbf)?<\?xml\s[^>]*>")
#: What a swap in the bytes could misread: ``<!`` or ``<?`` after the declaration (a
#: comment, CDATA section, processing instruction or DOCTYPE: ``<v>#SPILL!<!-- </v> --></v>``
#: made the swap write malformed XML, and the tab unreadable, until 2026-12-06), or a
#: reference in a ``t`` value (``t="&#101;"`` is an error cell the byte pattern cannot see).
_UNSAFE_T = re.compile(rb"""\st\s*=\s*(?:"[^"&]*&|'[^'&]*&)""")


def stand_ins(xml: bytes) -> bytes | None:
    """The worksheet with each error code calamine refuses replaced by ``STAND_IN``, or
    None when it has none. In its raw bytes when that is safe (nothing else of the part
    changes, and no tree is built: a 27 MB sheet with one ``#SPILL!`` took 749 MB to parse
    and reserialise); otherwise by a parse, for that part only. A sheet without ``t="e"``
    is not searched: the usual sheet."""
    if b'"e"' not in xml and b"'e'" not in xml:
        return None
    declaration = _DECLARATION.match(xml)
    start = declaration.end() if declaration else 0
    markup = xml.find(b"<!", start) >= 0 or xml.find(b"<?", start) >= 0  # fast scans
    if markup or (b"&" in xml and _UNSAFE_T.search(xml)):
        return _parsed_stand_ins(xml)
    pieces: list[bytes] = []
    done = 0
    for cell in _ERROR_CELL.finditer(xml):
        body = cell.group(1)
        if body is None:  # <c t="e"/>: no value
            continue
        if cell.group(2) is None or _BODY.fullmatch(body) is None:
            return _parsed_stand_ins(xml)
        for value in _VALUE.finditer(xml, cell.start(1), cell.end(1)):
            if xml_text(value.group(1)) not in _READ:  # &#35;N/A is #N/A, as a parser reads
                pieces += (xml[done : value.start(1)], STAND_IN.encode())
                done = value.end(1)
    return b"".join((*pieces, xml[done:])) if pieces else None


def _parsed_stand_ins(xml: bytes) -> bytes | None:
    """``stand_ins`` by a parse and reserialise, for a part the byte swap could misread.
    The part was parsed by its scan (well-formed). Every ``<v>`` child of a ``t="e"``
    cell whose text calamine refuses is replaced whole (comments and all); a ``t`` given
    by a reference is written plainly, as calamine does not read references there."""
    root = etree.fromstring(xml, parser())
    changed = False
    for cell in root.iter("{*}c", "c"):
        if cell.get("t") != "e":
            continue
        for value in cell:
            if local_name(value.tag) != "v":
                continue
            text = "".join(t for t in value.xpath("text()") if isinstance(t, str))
            if text not in _READ:
                for child in list(value):
                    value.remove(child)
                value.text, changed = STAND_IN, True
    if not changed and not _UNSAFE_T.search(xml):
        return None
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8"))


def for_calamine(data: bytes, package: Package, parts: Iterable[str], source: str) -> bytes:
    """``data``, or a copy whose worksheets ``parts`` hold only error codes calamine
    reads. Run after each part's extent check (its scan parsed it: well-formed)."""
    changed: dict[str, bytes] = {}
    for part in parts:
        xml = package.part(part)
        fixed = None if xml is None else stand_ins(xml)
        if fixed is not None:
            changed[normalise_part_name(part).lower()] = fixed
    return with_parts(data, changed, source) if changed else data
