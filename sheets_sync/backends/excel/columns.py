"""A worksheet's hidden columns, as Excel draws them: the ``<col>`` elements of its
``<cols>``. Split out of ``sheetscan.py`` (2026-12-08), which reads them as it scans."""

from __future__ import annotations

from lxml import etree

from sheets_sync.backends.excel.xmlutil import local_name

_TRUE = ("1", "true")


def hidden_span(col: etree._Element) -> tuple[int, int] | None:
    """(first, last) column of a ``<col>`` of the sheet's ``<cols>`` that Excel does not
    show: ``hidden="1"`` (whatever its width: a bad ``width`` beside it dropped the span
    until 2026-12-06), or a width of 0 whatever ``hidden`` says (Excel draws such a
    column 0 wide; ``hidden="0" width="0"`` read as shown until 2026-12-06), or no
    ``width`` at all, whatever ``customWidth`` says (Windows Excel draws that 0 wide too:
    exceljs#204, SheetJS#1404, qrilka/xlsx#89, tealeg/xlsx#61; until 2026-12-06 only with
    ``customWidth="1"``). LibreOffice shows the last two at the default width; the sync
    places its columns for Excel's reader, the stricter eye. A ``min`` past XFD is
    skipped."""
    parent = col.getparent()
    grand = parent.getparent() if parent is not None else None
    if grand is None or local_name(grand.tag) != "worksheet":
        return None
    try:
        first, last = int(col.get("min", "")), int(col.get("max", ""))
    except ValueError:
        return None
    if not 1 <= first <= min(last, 16_384):
        return None
    if col.get("hidden", "").lower() not in _TRUE and not _zero_width(col):
        return None
    return first, min(last, 16_384)


def _zero_width(col: etree._Element) -> bool:
    """Excel draws the ``<col>`` 0 wide: ``width="0"``, or no ``width`` whatever
    ``customWidth`` says."""
    width = col.get("width")
    if width is None:
        return True
    try:
        return float(width or 1) == 0
    except ValueError:
        return False
