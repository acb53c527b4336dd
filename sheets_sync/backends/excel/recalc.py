"""Ask Excel to recalculate a patched workbook when it is next opened.

A formula elsewhere in a team's file (an "overall progress" cell averaging our score
column) keeps the value Excel cached when the team last saved. Excel trusts those cached
values when a file carries its own calculation id, so after a sync it would show last
night's average beside tonight's scores. ``fullCalcOnLoad`` on ``<calcPr>`` is the flag
Excel defines for exactly this (Apache POI's ``setForceFormulaRecalculation`` sets it);
Excel clears it on its next save. The formulas and their cached values stay as they were:
readers of cached values (pandas, calamine) see what they saw before the sync.

The edit is a byte splice, not a re-serialisation, so the rest of ``workbook.xml`` is
byte-identical; the result is parsed before it is used, and dropped if it would not parse.
"""

from __future__ import annotations

import re

from sheets_sync.backends.excel.xmlutil import MAIN_NS, parse_xml
from sheets_sync.errors import WorkbookError

_CALC_PR = re.compile(rb"<((?:[A-Za-z_][\w.-]*:)?)calcPr\b([^>]*?)(/?)>")
_FLAG = re.compile(rb"""\sfullCalcOnLoad\s*=\s*(?:"[^"]*"|'[^']*')""")
_ON = re.compile(rb"""\sfullCalcOnLoad\s*=\s*["'](?:1|true)["']""")
# calcPr follows these in CT_Workbook's sequence (sheets is required; the rest optional)
_BEFORE = re.compile(
    rb"</((?:[A-Za-z_][\w.-]*:)?)(?:sheets|functionGroups|externalReferences|definedNames)>"
    rb"|<((?:[A-Za-z_][\w.-]*:)?)(?:functionGroups|externalReferences|definedNames)\b[^>]*/>"
)


def force_recalc_on_load(xml: bytes) -> bytes:
    """``workbook.xml`` with ``<calcPr fullCalcOnLoad="1">``; unchanged when already set or
    when no safe place for the element is found."""
    found = _CALC_PR.search(xml)
    if found is not None:
        attrs = found.group(2)
        if _ON.search(attrs):
            return xml
        tag = b"<" + found.group(1) + b"calcPr"
        new = tag + b' fullCalcOnLoad="1"' + _FLAG.sub(b"", attrs) + found.group(3) + b">"
        out = xml[: found.start()] + new + xml[found.end() :]
    else:
        ends = list(_BEFORE.finditer(xml))
        if not ends:
            return xml
        last = ends[-1]
        prefix = last.group(1) if last.group(1) is not None else last.group(2) or b""
        out = xml[: last.end()] + b"<" + prefix + b'calcPr fullCalcOnLoad="1"/>' + xml[last.end() :]
    return out if _well_formed(out) else xml


def _well_formed(xml: bytes) -> bool:
    try:
        root = parse_xml(xml, "workbook.xml")
    except WorkbookError:
        return False
    calc = root.findall(f"{{{MAIN_NS}}}calcPr")
    return len(calc) == 1 and calc[0].get("fullCalcOnLoad") in ("1", "true")


__all__ = ["force_recalc_on_load"]
