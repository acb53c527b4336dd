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

import io
import re
import zipfile
import zlib
from collections.abc import Iterable

from lxml import etree

from sheets_sync.backends.excel.safety import Package, normalise_part_name
from sheets_sync.backends.excel.sheetscan import parser
from sheets_sync.errors import WorkbookError

#: The codes calamine reads (python-calamine 0.9); any other fails the tab.
CALAMINE_ERRORS = frozenset({"#DIV/0!", "#N/A", "#NAME?", "#NULL!", "#NUM!", "#REF!", "#VALUE!"})
STAND_IN = "#N/A"
_ERROR_CELL = re.compile(
    rb"""<(?:[\w.-]+:)?c\b[^>]*?\bt\s*=\s*["']e["'][^>]*>(.*?)</(?:[\w.-]+:)?c>""", re.S
)
_VALUE = re.compile(rb"<(?:[\w.-]+:)?v\b[^>]*>(.*?)</", re.S)
_KNOWN = frozenset(code.encode() for code in CALAMINE_ERRORS) | {b""}


def _may_hold_others(xml: bytes) -> bool:
    """Whether an error cell may hold a code calamine refuses: a quick look at the raw
    bytes, so a sheet of #N/A from lookups is not parsed again. Unsure (an entity, a
    CDATA section) is yes; the parse decides."""
    if b'"e"' not in xml and b"'e'" not in xml:  # no t="e" at all: the usual sheet
        return False
    for cell in _ERROR_CELL.finditer(xml):
        value = _VALUE.search(cell.group(1))
        if value is not None and value.group(1) not in _KNOWN:
            return True
    return False


def _local(tag: object) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _known_codes(xml: bytes, part: str, source: str) -> bytes | None:
    """The worksheet with each error code calamine refuses replaced by ``STAND_IN``, or
    None when it has none."""
    try:
        root = etree.fromstring(xml, parser())
    except etree.XMLSyntaxError as exc:
        raise WorkbookError(f"the file is damaged: {part}: {exc}", source=source) from exc
    changed = False
    for cell in root.iter("{*}c", "c"):
        if cell.get("t") != "e":
            continue
        for value in cell:
            if _local(value.tag) == "v" and value.text and value.text not in CALAMINE_ERRORS:
                value.text, changed = STAND_IN, True
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8") if changed else None


def for_calamine(data: bytes, package: Package, parts: Iterable[str], source: str) -> bytes:
    """``data``, or a copy whose worksheets ``parts`` hold only error codes calamine
    reads. A worksheet without an error cell is not parsed here."""
    changed: dict[str, bytes] = {}
    for part in parts:
        xml = package.part(part)
        if xml is None or not _may_hold_others(xml):
            continue
        fixed = _known_codes(xml, part, source)
        if fixed is not None:
            changed[normalise_part_name(part).lower()] = fixed
    if not changed:
        return data
    out = io.BytesIO()
    try:  # inspect_package checked the XML parts; an image may still be damaged
        with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as z:
            for info in src.infolist():
                body = changed.get(normalise_part_name(info.filename).lower())
                z.writestr(zipfile.ZipInfo(info.filename, info.date_time), body or src.read(info))
    except (zipfile.BadZipFile, zlib.error, EOFError, ValueError, OSError) as exc:
        raise WorkbookError(f"the file is damaged: {exc}", source=source) from exc
    except NotImplementedError as exc:
        raise WorkbookError(
            f"the file uses an unsupported zip compression: {exc}", source=source
        ) from exc
    return out.getvalue()
