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

import html
import io
import re
import zipfile
import zlib
from collections.abc import Iterable

from sheets_sync.backends.excel.safety import Package, normalise_part_name
from sheets_sync.errors import WorkbookError

#: The codes calamine reads (python-calamine 0.9); any other fails the tab.
CALAMINE_ERRORS = frozenset({"#DIV/0!", "#N/A", "#NAME?", "#NULL!", "#NUM!", "#REF!", "#VALUE!"})
_READ = CALAMINE_ERRORS | {""}
STAND_IN = "#N/A"
_P = rb"(?:[\w.-]+:)?"
#: An error cell, to its own end: a self-closing one (no group 1) stops at its ``/>``,
#: and a body stops at the next cell's tag, so no match attempt scans past one cell.
#: ``(.*?)</c>`` scanned to the end of the sheet for each ``<c t="e"/>`` with no ``</c>``
#: after it: 8,000 of them (a 45 KB .xlsx) took 49 s to read, until 2026-12-06.
_ERROR_CELL = re.compile(
    rb"<" + _P + rb"""c\b[^>]*?\bt\s*=\s*["']e["'][^>]*?"""
    rb"(?:/>|>((?:[^<]|<(?!/?" + _P + rb"c\b))*)</" + _P + rb"c\s*>)"
)
_VALUE = re.compile(rb"<" + _P + rb"v\b[^>]*(?<!/)>(.*?)</" + _P + rb"v\s*>", re.S)
_CDATA = re.compile(rb"<!\[CDATA\[(.*?)\]\]>", re.S)


def _text(raw: bytes) -> str:
    """The text of a ``<v>``'s raw content: CDATA sections and character references
    read as a parser would (``&#35;N/A`` is ``#N/A``)."""
    parts = _CDATA.split(raw)  # outside, inside, outside, ...
    return "".join(
        p.decode("utf-8", "replace") if i % 2 else html.unescape(p.decode("utf-8", "replace"))
        for i, p in enumerate(parts)
    )


def _stand_ins(xml: bytes) -> bytes | None:
    """The worksheet with each error code calamine refuses replaced by ``STAND_IN`` in
    its raw bytes (nothing else of the part changes, and no tree is built: a 27 MB sheet
    with one ``#SPILL!`` took 749 MB to parse and reserialise), or None when it has none.
    A sheet without ``t="e"`` is not searched: the usual sheet."""
    if b'"e"' not in xml and b"'e'" not in xml:
        return None
    pieces: list[bytes] = []
    done = 0
    for cell in _ERROR_CELL.finditer(xml):
        if cell.group(1) is None:  # <c t="e"/>: no value
            continue
        value = _VALUE.search(xml, cell.start(1), cell.end(1))
        if value is None or _text(value.group(1)) in _READ:
            continue
        pieces += (xml[done : value.start(1)], STAND_IN.encode())
        done = value.end(1)
    return b"".join((*pieces, xml[done:])) if pieces else None


def for_calamine(data: bytes, package: Package, parts: Iterable[str], source: str) -> bytes:
    """``data``, or a copy whose worksheets ``parts`` hold only error codes calamine
    reads. Run after each part's extent check (its scan parsed it: well-formed)."""
    changed: dict[str, bytes] = {}
    for part in parts:
        xml = package.part(part)
        fixed = None if xml is None else _stand_ins(xml)
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
