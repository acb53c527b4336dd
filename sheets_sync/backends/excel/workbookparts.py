"""Which part of an .xlsx package holds what the reader reads: the relationships
(``_rels``) of a part, the workbook part they name, each tab's worksheet part, the
styles part, and a worksheet's Excel Tables (their totals rows and active filters). Split
out of ``reader.py`` (2026-12-07); ``extent.py`` reads the tabs' parts through it too.
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
from dataclasses import dataclass
from urllib.parse import unquote

from lxml import etree

from sheets_sync.backends.excel.cellscan import cell_range
from sheets_sync.backends.excel.placeholders import placeholder_values
from sheets_sync.backends.excel.safety import Package, normalise_part_name
from sheets_sync.backends.excel.sheetscan import active_filter
from sheets_sync.backends.excel.xmlutil import (
    BEYOND,
    is_well_formed,
    local_name,
    parser,
    replace_spans,
    xml_damage,
    xsd_whole,
    xsd_whole_attr,
)
from sheets_sync.errors import WorkbookError
from sheets_sync.grid import CellRange


@dataclass(frozen=True)
class SheetPart:
    part: str | None  # None: nothing to scan (chart sheet, or an .ods table)
    is_chart: bool = False


def part_xml(package: Package, name: str, source: str) -> etree._Element | None:
    body = package.part(name)
    if body is None:
        return None
    try:
        return etree.fromstring(body, parser())
    except etree.XMLSyntaxError as exc:
        raise WorkbookError(
            f"the file is damaged: {name}: {xml_damage(exc)}", source=source
        ) from exc


def part_rels(package: Package, part: str, source: str) -> dict[str, tuple[str, str]]:
    """Relationship id -> (type, resolved part name) for ``part``; external targets dropped."""
    folder, base = posixpath.split(part)
    root = part_xml(package, posixpath.join(folder, "_rels", base + ".rels"), source)
    out: dict[str, tuple[str, str]] = {}
    for rel in root.iter() if root is not None else ():
        if local_name(rel.tag) != "Relationship" or rel.get("TargetMode") == "External":
            continue
        target = normalise_part_name(unquote(rel.get("Target", "")))
        raw_target = rel.get("Target", "").replace("\\", "/")
        if not raw_target.startswith("/"):
            target = posixpath.normpath(posixpath.join(folder, target))
        out[rel.get("Id", "")] = (rel.get("Type", ""), target)
    return out


def main_part(package: Package, source: str) -> str:
    """The workbook part, as ``_rels/.rels`` names it (``xl/workbook.xml`` where it names
    none)."""
    rels = part_rels(package, "", source).values()
    return next((t for typ, t in rels if typ.endswith("/officeDocument")), "xl/workbook.xml")


def locate_sheets(
    package: Package, source: str
) -> tuple[dict[str, SheetPart], str | None, bool, bool]:
    """Sheet name -> its part, following _rels/.rels like calamine (Strict URIs too); the
    styles part; whether day numbers count from 1904 (``workbookPr date1904``); and
    whether its formulas' values are a script's placeholders (``placeholders.py``). The
    styles part is the one the relationship names, as Excel shows the cells (percent
    formats, fills); calamine reads ``xl/styles.xml`` only (``_FIXED_NAMES``), and is
    given this one there where they differ (``styles_for_calamine``)."""
    main = main_part(package, source)
    if main.lower().endswith(".bin"):
        raise WorkbookError(
            "binary .xlsb workbooks are not supported; save it as .xlsx", source=source
        )
    root = part_xml(package, main, source)
    if root is None or local_name(root.tag) != "workbook":
        raise WorkbookError("not an Excel workbook (.xlsx)", source=source)
    rels = part_rels(package, main, source)
    found: dict[str, SheetPart] = {}
    for el in root.iter():
        if local_name(el.tag) != "sheet":
            continue
        rid = next((v for k, v in el.attrib.items() if local_name(k) == "id"), None)
        typ, target = rels.get(rid or "", ("", ""))
        found[el.get("name", "")] = SheetPart(
            part=target or None, is_chart=typ.endswith("/chartsheet")
        )
    styles = next((t for typ, t in rels.values() if typ.endswith("/styles")), None)
    date1904 = any(
        local_name(el.tag) == "workbookPr"
        and next((v for k, v in el.attrib.items() if local_name(k) == "date1904"), "")
        in ("1", "true", "on")
        for el in root.iter()
    )
    calc_pr = next(
        (
            {local_name(k): v for k, v in el.attrib.items()}
            for el in root
            if local_name(el.tag) == "calcPr"
        ),
        None,
    )
    return found, styles, date1904, placeholder_values(calc_pr)


_T_TABLE = "/table"  # relationship type suffix of a worksheet's Excel Table (ListObject)


def table_rows(
    package: Package, part: str, source: str, last_row: int
) -> tuple[frozenset[int], list[CellRange]]:
    """Rows that are an Excel Table's totals row (``totalsRowCount``: the last rows of
    its ``ref``), and the areas of the Tables' active filters. A damaged or odd table
    part reports neither, as before tables were read. A count past the ``ref``'s rows
    below its header (``headerRowCount``, 1 unless said) is none: it made every row of
    the ref a totals row, header included, all dropped from the read without a word
    (until 2026-12-07). Only rows to the tab's ``last_row`` are named (a set of each of
    a ref's 30,000,000 rows was a MemoryError)."""
    rows: set[int] = set()
    filters: list[CellRange] = []
    try:
        rels = part_rels(package, part, source)
    except WorkbookError:
        return frozenset(), []
    for typ, target in rels.values():
        if not typ.endswith(_T_TABLE):
            continue
        try:
            root = part_xml(package, target, source)
            if root is None or local_name(root.tag) != "table":
                continue
            first, _, last, _ = cell_range(root.get("ref", ""))
        except (ValueError, WorkbookError):
            continue
        count = _table_count(root, "totalsRowCount", 0)
        below_header = last - first + 1 - _table_count(root, "headerRowCount", 1)
        if 0 < count <= below_header:
            rows.update(range(last - count + 1, min(last, last_row) + 1))
        for el in root:
            if local_name(el.tag) == "autoFilter" and (area := active_filter(el)) is not None:
                filters.append(area)
    return frozenset(rows), filters


def _table_count(table: etree._Element, name: str, default: int) -> int:
    """A Table's row count attribute by ``xsd_whole`` (``int`` of a padded 5,000-digit
    one raised, and its totals row was read as a key result's, until 2026-12-07): XSD's
    spaces and ``+`` (``str.strip`` took a no-break space for one too, until 2026-12-07);
    ``default`` when absent or unreadable."""
    count = xsd_whole(table.get(name, str(default)))
    return default if count is None else count


#: the parts every tab's values are read through, besides the worksheet's own
_SHARED_PARTS = ("/styles", "/sharedStrings")
#: the shared strings part, which calamine may read damaged without a word
SHARED_STRINGS = ("/sharedStrings",)
#: the parts calamine reads at a fixed name, whatever the workbook's relationships say:
#: ``xl/sharedStrings.xml`` with none to it, or one to another part; ``xl/styles.xml``
#: likewise, a styles part elsewhere (``xl/s2.xml``, the relationship to it) not read
#: (probed with python-calamine 0.9.1, 2026-12-07: its dates were numbers)
_FIXED_NAMES = {"/sharedStrings": "xl/sharedStrings.xml", "/styles": "xl/styles.xml"}


def calamine_part(package: Package, name: str) -> bytes | None:
    """The part ``name`` (one of ``_FIXED_NAMES``) as calamine finds it: the zip entry of
    that name ignoring case, a backslash for a slash (``XL\\SharedStrings.xml``), or
    None. An entry the package's names make that part but calamine does not find
    (``./xl/sharedStrings.xml``: its strings missing to calamine) is none (probed,
    2026-12-07; a leading ``/`` is refused as unsafe before). A package made by hand,
    with no entry names, is taken at its part names."""
    body = package.part(name)
    member = package.members.get(normalise_part_name(name).lower())
    if body is None or member is None:
        return body
    return body if member.replace("\\", "/").lower() == name.lower() else None


def calamine_styles(package: Package, source: str) -> str:
    """The styles part calamine reads: ``styles.xml`` beside the workbook part, whatever
    the relationships say (``xl/styles.xml``; ``styles.xml`` for a workbook at the zip's
    root, as calamine's ``minimal_package.xlsx`` has it: probed with python-calamine
    0.9.1, 2026-12-08, its dates read only from there)."""
    return posixpath.join(posixpath.dirname(main_part(package, source)), "styles.xml")


def styles_for_calamine(
    package: Package, source: str, styles: str | None
) -> tuple[str, bytes] | None:
    """(the part calamine reads, the body to give it there) when the workbook's
    relationship names another styles part (``styles``) that the package holds: Excel
    (by relationship, as OPC says) and LibreOffice 7.4 (checked) show the cells in that
    part's formats, and the write-back edits it (``patch.py``), while calamine reads its
    own (``calamine_styles``): until 2026-12-08 a date there read as its day number,
    or a number as a date, from a part no one sees. Also when a format id calamine
    does not read is in it (``plain_format_ids``). None for the usual workbook (one
    part, bare ids) or none named or held (calamine's read is left as it is)."""
    if styles is None or (body := package.part(styles)) is None:
        return None
    name = calamine_styles(package, source)
    plain = plain_format_ids(body)
    if normalise_part_name(styles).lower() == name.lower() and calamine_part(package, name):
        return None if plain is None else (name, plain)
    return name, plain or body


#: a ``numFmtId`` written other than as bare digits with no leading zero (``" 14 "``,
#: ``"+14"``, ``"014"``): the raw value, between either quotes
_ODD_FORMAT_ID = re.compile(
    rb"""\snumFmtId\s*=\s*(?:"((?!(?:0|[1-9][0-9]*)")[^"]*)"|'((?!(?:0|[1-9][0-9]*)')[^']*)')"""
)


def plain_format_ids(styles: bytes) -> bytes | None:
    """``styles`` with each ``numFmtId`` XSD reads as a number but calamine does not
    (``" 14 "``, ``"+14"``, ``"014"``) written as its bare digits, or None for none (the
    usual part: one search of its bytes). Excel's schema reads them as the number and
    LibreOffice 7.4 shows such a cell in its format (checked: 14, a date), calamine in
    none: until 2026-12-08 a date so formatted read as its day number (46027.0), said
    nowhere. One past 18 digits or no number is left as written (no format to all)."""
    edits: list[tuple[int, int, bytes]] = []
    for match in _ODD_FORMAT_ID.finditer(styles):
        group = 1 if match[1] is not None else 2
        number = xsd_whole_attr(match[group])
        if number is not None and number != BEYOND:
            edits.append((match.start(group), match.end(group), str(number).encode()))
    return replace_spans(styles, edits) if edits else None


def shared_strings(package: Package) -> bytes | None:
    """The shared strings part calamine reads (``_FIXED_NAMES``, ``calamine_part``), or
    None: the strings a cell's index is counted in (until a review on 2026-12-07 the
    part the relationship named, so an intact cell was blamed and the bad one not)."""
    return calamine_part(package, _FIXED_NAMES["/sharedStrings"])


#: libxml2's words for anything after a part's root (NULs, white space with them, an
#: element, text): calamine and LibreOffice 7.4 read every string of such a part, which
#: was refused until a review on 2026-12-07. calamine reads no further than the root's
#: end, though: ``<si>``s after an ``</sst>`` that comes too early are lost to it
#: (``Cell string index not found in shared strings table``)
_AFTER_THE_ROOT = "Extra content at the end of the document"
#: calamine's words for a cell whose shared string it does not have
STRING_MISSING = "Cell string index not found"


def damaged_part(
    data: bytes,
    package: Package,
    source: str,
    suffixes: tuple[str, ...] = _SHARED_PARTS,
    *,
    after_the_root: bool = False,
) -> WorkbookError | None:
    """The error naming the workbook's styles or shared strings part (of ``suffixes``)
    when it is no XML, and what to do; None when they parse (or the package has none).
    For a failure of calamine's, which of a damaged one says only ``Cannot detect file
    format`` (opening the file) or ``Cell string index not found in shared strings
    table`` (reading a tab, blaming a cell that is fine), until 2026-12-07; and before
    calamine reads shared strings (``SHARED_STRINGS``), which it may read damaged
    without failing: ``<si><<t>Objective</t></si>`` was an empty cell, said nowhere
    (until 2026-12-07). The shared strings are checked where calamine reads them,
    ``xl/sharedStrings.xml`` (``_FIXED_NAMES``): until a review on 2026-12-07 the part
    the relationships named, so a damaged one was read with its relationship gone, and
    an intact one blamed for a damaged part it does not read; the styles at
    ``xl/styles.xml`` too, since a later pass that day (a damaged styles part the
    relationship named elsewhere was blamed though calamine reads none of it, and a
    damaged ``xl/styles.xml`` it does read was not named), each as calamine finds its
    zip entry (``calamine_part``). What follows a part's root
    (``_AFTER_THE_ROOT``) is read past unless ``after_the_root``: when calamine found a
    string missing, the strings there are the ones it lost, and the part is named (a
    review on 2026-12-07: a cell that was fine was blamed)."""
    if package.kind != "xlsx":
        return None
    for suffix in suffixes:
        name = _FIXED_NAMES[suffix]
        body = calamine_part(package, name)
        if suffix == "/styles":  # calamine is given the part the relationship names
            name, body = _styles_read(package, source) or (name, body)
        if body is None or is_well_formed(body):
            continue
        try:
            etree.fromstring(body, parser())
        except etree.XMLSyntaxError as exc:
            if exc.msg.startswith(_AFTER_THE_ROOT) and not after_the_root:
                continue  # read whole: calamine and LibreOffice 7.4 read past it
            damage = xml_damage(exc)
        else:  # the checks differ (a target parser): the part is named all the same
            damage = "it is not well-formed XML"
        return WorkbookError(
            f"the file is damaged: {_member(data, name)}: {damage}; open the file in Excel "
            "(it offers to repair it) and save it, or restore an earlier copy",
            source=source,
        )
    return None


def _styles_read(package: Package, source: str) -> tuple[str, bytes | None] | None:
    """(name, body) of the styles part calamine is given (``styles_for_calamine``), or
    None when it reads its own: where a damage is named."""
    styles = locate_sheets(package, source)[1]
    if styles is None or styles_for_calamine(package, source, styles) is None:
        return None
    return styles, package.part(styles)


def _member(data: bytes, name: str) -> str:
    """The zip member of part ``name`` as the zip spells it (``xl/SharedStrings.xml``,
    where a relationship's target says ``sharedStrings.xml``: the target was named until
    a review on 2026-12-07), or ``name`` when none is found."""
    want = normalise_part_name(name).lower()
    with zipfile.ZipFile(io.BytesIO(data)) as book:
        found = (n for n in book.namelist() if normalise_part_name(n).lower() == want)
        return next(found, name)
