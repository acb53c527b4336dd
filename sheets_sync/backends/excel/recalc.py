"""Ask Excel to recalculate a patched workbook when it is next opened.

A formula elsewhere in a team's file (an "overall progress" cell averaging our score
column) keeps the value Excel cached when the team last saved. Excel trusts those cached
values when a file carries its own calculation id, so after a sync it would show last
night's average beside tonight's scores. ``fullCalcOnLoad`` on ``<calcPr>`` is the flag
Excel defines for exactly this (Apache POI's ``setForceFormulaRecalculation`` sets it);
Excel clears it on its next save. The formulas and their cached values stay as they were:
readers of cached values (pandas, calamine) see what they saw before the sync.

The flag beside ``calcId="124519"`` (Excel 2007's engine id, and the one XlsxWriter and
openpyxl write) is the pair that marks a script's placeholder 0s (``placeholders.py``):
there the id becomes ``0``, as Apache POI's ``setForceFormulaRecalculation`` set it when it
came (3.8) to have Excel recalculate (lower than any Excel's own id, so Excel recalculates
on load with or without the flag; LibreOffice 7.4 opens it, checked). Until 2026-12-07 an
Excel 2007 file the sync wrote read its real formula 0s as no value on the next night. A
file written before then keeps ``fullCalcOnLoad="1" calcId="124519"`` in that order, the
flag first, which no script writes (``placeholder_values`` reads the order).

The edit is a byte splice, not a re-serialisation, so the rest of ``workbook.xml`` is
byte-identical (but for that id); the result is parsed before it is used, and dropped if
it would not parse.
"""

from __future__ import annotations

import re
from functools import lru_cache

from sheets_sync.backends.excel.placeholders import SCRIPT_CALC_ID
from sheets_sync.backends.excel.xmlutil import MAIN_NS, parse_xml, root_prefix, tag_re
from sheets_sync.errors import WorkbookError

_FLAG = re.compile(rb"""\sfullCalcOnLoad\s*=\s*(?:"[^"]*"|'[^']*')""")
_ON = re.compile(rb"""\sfullCalcOnLoad\s*=\s*["'](?:1|true)["']""")
#: ``calcId="124519"``: Excel 2007's engine id, and the one XlsxWriter and openpyxl write
#: beside their own flag, which the reader takes for a script's placeholder 0s
_SCRIPT_ID = re.compile(rb"""(\scalcId\s*=\s*(["']))""" + SCRIPT_CALC_ID.encode() + rb"\2")


@lru_cache(maxsize=8)
def _patterns(p: bytes) -> tuple[re.Pattern[bytes], re.Pattern[bytes]]:
    """``<calcPr>``, and the elements calcPr follows in CT_Workbook's sequence (sheets is
    required, the rest optional), for the namespace prefix ``p``."""
    q = re.escape(p)
    before = re.compile(
        rb"</" + q + rb"(?:sheets|functionGroups|externalReferences|definedNames)>"
        rb"|<" + q + rb"(?:functionGroups|externalReferences|definedNames)\b[^<>]*/>"
    )
    return tag_re(p, b"calcPr"), before


def force_recalc_on_load(xml: bytes) -> bytes:
    """``workbook.xml`` with ``<calcPr fullCalcOnLoad="1">``; unchanged when already set or
    when no safe place for the element is found."""
    try:
        p = root_prefix(xml, b"workbook", "workbook.xml")
    except WorkbookError:
        return xml
    calc_pr, before = _patterns(p)
    found = calc_pr.search(xml)
    if found is not None:
        attrs = found.group(1)
        if _ON.search(attrs):
            return xml
        rest = _SCRIPT_ID.sub(rb"\g<1>0\2", _FLAG.sub(b"", attrs), count=1)
        new = b"<" + p + b'calcPr fullCalcOnLoad="1"' + rest
        out = xml[: found.start()] + new + found.group(2) + b">" + xml[found.end() :]
    else:
        ends = list(before.finditer(xml))
        if not ends:
            return xml
        at = ends[-1].end()
        out = xml[:at] + b"<" + p + b'calcPr fullCalcOnLoad="1"/>' + xml[at:]
    return out if _well_formed(out) else xml


def _well_formed(xml: bytes) -> bool:
    try:
        root = parse_xml(xml, "workbook.xml")
    except WorkbookError:
        return False
    calc = root.findall(f"{{{MAIN_NS}}}calcPr")
    return len(calc) == 1 and calc[0].get("fullCalcOnLoad") in ("1", "true")


__all__ = ["force_recalc_on_load"]
