"""Write owned cells into an .xlsx/.xlsm package without touching anything else.

``patch_xlsx`` is pure: bytes in, bytes out. It changes only the worksheet parts that hold
owned cells, ``xl/styles.xml`` (new formats appended), ``xl/calcChain.xml`` when an owned
cell held a formula, and, when the workbook has formulas Excel calculated, one flag in
``workbook.xml`` that has Excel recalculate them on open (``recalc.py``). Every other part
keeps its exact content, name, order, timestamp and compression method: its compressed
bytes are copied as they are (``rezip.py``; that took a patch from 4.7 to 3.3 ms a team).

Small parts that teams made from one template share (rels, workbook.xml, styles.xml) are
parsed once per process: a nightly sync patches hundreds.
"""

from __future__ import annotations

import functools
import io
import posixpath
import re
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import unquote

from lxml import etree

from sheets_sync.backends.excel.cellscan import parse_ref
from sheets_sync.backends.excel.recalc import force_recalc_on_load
from sheets_sync.backends.excel.rezip import rezip
from sheets_sync.backends.excel.safety import (
    ODS_MIMETYPE,
    ods_not_written,
    refuse_encryption,
    refuse_twin,
    refuse_unsafe_member,
)
from sheets_sync.backends.excel.sheetxml import Edit, SheetEditor
from sheets_sync.backends.excel.stylememo import SharedStyleBook
from sheets_sync.backends.excel.xmlutil import (
    MAIN_NS,
    PREFIX,
    STRICT_MAIN_NS,
    is_well_formed,
    parse_attrs,
    parse_xml,
    replace_spans,
)
from sheets_sync.errors import (
    EncryptedWorkbookError,
    WorkbookError,
    WorkbookTooLargeError,
)
from sheets_sync.grid import CellStyle, CellWrite, as_typed
from sheets_sync.zipread import member_ends, read_member, unnamed
from sheets_sync.zipwrite import shown

_OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_PKG_RELS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_STRICT_REL = "http://purl.oclc.org/ooxml/officeDocument/relationships/"
_T_DOC = _REL_NS + "/officeDocument"
_T_SHEET = _REL_NS + "/worksheet"
_T_STYLES = _REL_NS + "/styles"
_T_CALC = _REL_NS + "/calcChain"
MAX_ROW, MAX_COL = 1_048_576, 16_384


@dataclass(frozen=True)
class SheetInfo:
    name: str
    sheet_id: str
    part: str | None  # None: not a worksheet (chart sheet, dialog sheet) or dangling rel


@dataclass(frozen=True)
class Rel:
    rid: str
    rtype: str
    target: str  # resolved part name


class Package:
    """The zip members of a workbook, read once and CRC-checked."""

    def __init__(self, data: bytes, max_uncompressed_bytes: int) -> None:
        if data.startswith(_OLE2_MAGIC):
            raise EncryptedWorkbookError(
                "the workbook is password-protected (or a legacy .xls); it cannot be updated"
            )
        self.data = data
        try:
            self.zf = zipfile.ZipFile(io.BytesIO(data))
            self.infos = self.zf.infolist()
        except (zipfile.BadZipFile, OSError, ValueError) as exc:
            raise WorkbookError(f"not a valid .xlsx (zip) file: {exc}") from None
        names = [i.filename for i in self.infos]
        seen: dict[str, str] = {}
        # A folder entry (``xl/``) is no part: two of one name are copied as they are, as
        # the read skips them (until 2026-12-08 refused as two members for one part).
        for info in self.infos:
            if not info.is_dir():
                refuse_twin(seen, info.filename.replace("\\", "/").lower(), info.filename)
        refuse_encryption(self.infos)  # the bytes may be newer than those read (``_holds``)
        for info in self.infos:
            refuse_unsafe_member(info)
        total = sum(i.file_size for i in self.infos)
        if total > max_uncompressed_bytes:
            raise WorkbookTooLargeError(
                f"the workbook inflates to {total // 2**20} MiB, over "
                f"the {max_uncompressed_bytes // 2**20} MiB limit"
            )
        self.by_lower = {n.lower(): n for n in names}
        self.ends = member_ends(self.zf)  # a member's bytes overlapping the next's: refused
        self.comment = self.zf.comment
        self._read: dict[str, bytes] = {}  # small members, inflated once (parsed, rezipped)

    def read(self, name: str) -> bytes:
        data = self._read.get(name)
        if data is None:
            info = self.zf.getinfo(name)  # a name not in the zip: KeyError, as zf.read's
            try:  # inflated by ISA-L, checked as zipfile checks it (``read_member``)
                data = read_member(self.data, info, self.ends[info])
            except (zipfile.BadZipFile, NotImplementedError, OSError, EOFError) as exc:
                why = unnamed(exc, info)  # named once (until 2026-12-08 twice)
                raise WorkbookError(f"zip member {shown(info)} cannot be read: {why}") from None
            if len(data) <= 1 << 20:  # a big one is not held twice (read, then rezipped)
                self._read[name] = data
        return data

    def find(self, part: str) -> str | None:
        """OPC part names are case-insensitive."""
        return self.by_lower.get(part.lstrip("/").lower())

    def rels(self, source: str) -> list[Rel]:
        folder, base = posixpath.split(source)
        rels_name = self.find(posixpath.join(folder, "_rels", base + ".rels"))
        if rels_name is None:
            return []
        data = self.read(rels_name)
        parse = _rels_cached if len(data) <= _MAX_KEPT else _rels_of
        return list(parse(folder, data, rels_name))


# Small parts parsed by content: teams made from one template share their rels and
# workbook.xml, so a sync parses each distinct one once (failures are not cached).
_MAX_KEPT = 64 << 10


def _rels_of(folder: str, data: bytes, name: str) -> tuple[Rel, ...]:
    root = parse_xml(data, name)
    out = []
    for el in root.iterfind(_PKG_RELS + "Relationship"):
        if el.get("TargetMode") == "External":
            continue
        target = unquote(el.get("Target", "")).replace("\\", "/")
        full = target[1:] if target.startswith("/") else posixpath.join(folder, target)
        out.append(Rel(el.get("Id", ""), el.get("Type", ""), posixpath.normpath(full)))
    return tuple(out)


_rels_cached = functools.lru_cache(maxsize=64)(_rels_of)


def _sheets_of(data: bytes, part: str) -> tuple[str, tuple[tuple[str, str, str], ...]]:
    """(root tag, (name, sheetId, relationship id) of each ``<sheet>``) of workbook.xml."""
    root = parse_xml(data, part)
    rid = f"{{{_REL_NS}}}id"
    sheets = tuple(
        (el.get("name", ""), el.get("sheetId", ""), el.get(rid, ""))
        for el in root.iterfind(f"{{{MAIN_NS}}}sheets/{{{MAIN_NS}}}sheet")
    )
    return str(root.tag), sheets


_sheets_cached = functools.lru_cache(maxsize=64)(_sheets_of)


def _sheet_list(data: bytes, part: str) -> tuple[str, tuple[tuple[str, str, str], ...]]:
    return (_sheets_cached if len(data) <= _MAX_KEPT else _sheets_of)(data, part)


def _workbook(pkg: Package, file: str = "") -> tuple[str, list[SheetInfo], list[Rel]]:
    """``file``: the file's name, for an .ods's error (``ods_not_written``: until a review on
    2026-12-07 the .ods words whatever the name, and no file named)."""
    doc = [r for r in pkg.rels("") if r.rtype.endswith("/officeDocument")]
    if any(r.rtype.startswith(_STRICT_REL) for r in doc):
        raise WorkbookError(
            "the workbook is Strict Open XML, which cannot be updated; save "
            "it as 'Excel Workbook (.xlsx)'"
        )
    part = pkg.find(doc[0].target) if doc else None
    if part is None:
        mimetype = pkg.find("mimetype")
        if mimetype is not None and pkg.read(mimetype).startswith(ODS_MIMETYPE):
            raise WorkbookError(ods_not_written(file), source=file or None)
        raise WorkbookError("the package has no workbook part (is it an .xlsx/.xlsm?)")
    if part.lower().endswith(".bin"):
        raise WorkbookError("binary workbooks (.xlsb) cannot be updated")
    tag, listed = _sheet_list(pkg.read(part), part)
    if tag == "{" + STRICT_MAIN_NS + "}workbook":
        raise WorkbookError(
            "the workbook is Strict Open XML, which cannot be updated; save "
            "it as 'Excel Workbook (.xlsx)'"
        )
    if tag != "{" + MAIN_NS + "}workbook":
        raise WorkbookError(f"{part} is not a SpreadsheetML workbook")
    rels = pkg.rels(part)
    by_id = {r.rid: r for r in rels}
    sheets = []
    for name, sheet_id, rid in listed:
        rel = by_id.get(rid)
        target = pkg.find(rel.target) if rel is not None and rel.rtype == _T_SHEET else None
        sheets.append(SheetInfo(name, sheet_id, target))
    return part, sheets, rels


def _sheet_for(name: str, sheets: list[SheetInfo]) -> SheetInfo:
    exact = [s for s in sheets if s.name == name]
    found = exact or [s for s in sheets if s.name.casefold() == name.casefold()]
    if not found:
        raise WorkbookError(f"the workbook has no tab named {as_typed(name)}", tab=name)
    if found[0].part is None:
        raise WorkbookError("tab is not a worksheet (chart or dialog sheet)", tab=name)
    return found[0]


def _drop_calc_cells(xml: bytes, drop: set[tuple[str, str]], part: str) -> bytes | None:
    """calcChain without the given (sheetId, ref) cells; None when nothing remains."""
    root = parse_xml(xml, part)
    current = ""
    remove = []
    cells = list(root.iterfind(f"{{{MAIN_NS}}}c"))
    for i, el in enumerate(cells):
        current = el.get("i", current)
        if (current, el.get("r", "")) in drop:
            remove.append(el)
            nxt = cells[i + 1] if i + 1 < len(cells) else None
            if nxt is not None and nxt.get("i") is None:
                nxt.set("i", current)  # the next entry inherited our sheet id
    if not remove:
        return xml
    for el in remove:
        root.remove(el)
    if len(root) == 0:
        return None
    out: bytes = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    return out


_ATTR_TEXT = rb"""((?:[^>"'<]|"[^"<]*"|'[^'<]*')*?)"""  # values hold no ``<``: linear


@functools.lru_cache(maxsize=4)
def _element(local: bytes) -> re.Pattern[bytes]:
    """An empty element, self-closed or not, with attributes in either quote style."""
    end = rb"(?:/>|>\s*</" + PREFIX + local + rb"\s*>)"
    return re.compile(rb"<" + PREFIX + local + rb"(?=[\s/>])" + _ATTR_TEXT + end)


def _without(data: bytes, name: str, local: bytes, attr: bytes, value: str, fold: bool) -> bytes:
    """``data`` without its ``local`` elements whose ``attr`` is ``value`` (ignoring case
    when ``fold``), cut out as bytes; when a cut misses one (a prefixed or odd form), the
    part is written again by lxml: no relationship may be left naming a removed part
    (Open Packaging Conventions)."""

    def same(found: str) -> bool:
        return found.lower() == value.lower() if fold else found == value

    spans = [
        (m.start(), m.end(), b"")
        for m in _element(local).finditer(data)
        if same(dict(parse_attrs(m[1])).get(attr, b"").decode("utf-8", "replace"))
    ]
    out = replace_spans(data, spans)
    root = parse_xml(out, name)
    left = [el for el in root if isinstance(el.tag, str) and same(el.get(attr.decode(), ""))]
    if not left:
        return out
    for el in left:
        root.remove(el)
    tree: bytes = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    return tree


def _without_calc_chain(
    pkg: Package, wb_part: str, calc: Rel, part: str, changed: dict[str, bytes]
) -> None:
    """Remove an emptied calcChain's relationship and content-type override (surgically:
    before 2026-12-06 only ``Type="..."`` in double quotes of a self-closed element was
    found, so a single-quoted or ``<Relationship ...></Relationship>`` one stayed,
    naming the part that was removed)."""
    folder, base = posixpath.split(wb_part)
    rels_name = pkg.find(posixpath.join(folder, "_rels", base + ".rels"))
    ct_name = pkg.find("[Content_Types].xml")
    for name, local, attr, value, fold in (
        (rels_name, b"Relationship", b"Id", calc.rid, False),
        (ct_name, b"Override", b"PartName", "/" + part, True),  # part names ignore case
    ):
        if name is not None:
            data = changed.get(name, pkg.read(name))
            changed[name] = _without(data, name, local, attr, value, fold)


def patch_xlsx(
    data: bytes,
    writes: Sequence[CellWrite],
    *,
    max_uncompressed_bytes: int = 50 * 2**20,
    name: str = "",
) -> bytes:
    """Return ``data`` with ``writes`` applied; raise ``WorkbookError`` when we cannot.

    Strings are written as literal inline strings (never formulas, sharedStrings.xml is
    not touched), numbers as numbers, None clears the value and keeps the format. A
    later write to the same cell wins. ``name``: the file's, which its errors name.
    """
    if not writes:
        return data
    pkg = Package(data, max_uncompressed_bytes)
    wb_part, sheets, rels = _workbook(pkg, name)
    per_part: dict[str, tuple[SheetInfo, dict[tuple[int, int], Edit]]] = {}
    by_tab: dict[str, dict[tuple[int, int], Edit]] = {}  # tab name as written -> its edits
    for w in writes:
        if not (1 <= w.row <= MAX_ROW and 1 <= w.col <= MAX_COL):
            # a bare ValueError (until 2026-12-07)
            raise WorkbookError("outside the worksheet grid", tab=w.sheet, cell=w.ref)
        edits = by_tab.get(w.sheet)
        if edits is None:
            info = _sheet_for(w.sheet, sheets)
            assert info.part is not None
            edits = by_tab[w.sheet] = per_part.setdefault(info.part, (info, {}))[1]
        edits[(w.row, w.col)] = w  # a CellWrite is an Edit: no copy per cell

    book: SharedStyleBook | None = None
    styles_rel = next((r for r in rels if r.rtype == _T_STYLES), None)
    styles_part = pkg.find(styles_rel.target) if styles_rel else None
    if any(e.style is not None for _, edits in per_part.values() for e in edits.values()):
        if styles_part is None:
            raise WorkbookError(
                "the workbook has no styles part, so status colours cannot be applied"
            )
        book = SharedStyleBook(pkg.read(styles_part), styles_part)

    # keyed by the style's identity: a dataclass's __hash__ hashes a tuple of its fields on
    # every call. Each entry keeps its style alive, so no id is reused within the call even
    # for an edit that builds its style on each access (``Edit.style`` is a property); an
    # equal style of another identity gets the same xf from ``xf_for``'s own memo.
    resolved: dict[tuple[int, int], tuple[int, CellStyle]] = {}

    def resolve(base_xf: int, style: CellStyle) -> int:
        assert book is not None
        key = (base_xf, id(style))
        hit = resolved.get(key)
        if hit is None:  # a few distinct (format, status colour) pairs cover a whole team
            hit = resolved[key] = (book.xf_for(base_xf, style), style)
        return hit[0]

    changed: dict[str, bytes] = {}
    dropped_formulas: set[tuple[str, str]] = set()
    for part, (info, edits) in per_part.items():
        try:
            result = SheetEditor(pkg.read(part), part, info.name).apply(edits, resolve)
        except WorkbookError as exc:
            exc.tab = exc.tab or info.name
            raise
        if not is_well_formed(result.xml):
            # the scans met a structure they misread (see SheetEditor): the file is kept
            raise WorkbookError(
                "the worksheet is damaged in a way this tool cannot edit safely (the "
                "update would not be well-formed XML); not written. Save the file again "
                "in Excel or LibreOffice",
                tab=info.name,
            )
        changed[part] = result.xml
        dropped_formulas.update((info.sheet_id, ref) for ref in result.replaced_formulas)
        for ref in result.replaced_formulas:
            parse_ref(ref)
    if book is not None and styles_part is not None:
        rendered = book.render()
        if rendered is not None:
            changed[styles_part] = rendered
    removed: set[str] = set()
    calc_rel = next((r for r in rels if r.rtype == _T_CALC), None)
    calc_part = pkg.find(calc_rel.target) if calc_rel else None
    if dropped_formulas and calc_part is not None:
        new_calc = _drop_calc_cells(pkg.read(calc_part), dropped_formulas, calc_part)
        if new_calc is None:
            removed.add(calc_part)
            assert calc_rel is not None
            _without_calc_chain(pkg, wb_part, calc_rel, calc_part, changed)
        elif new_calc is not pkg.read(calc_part):
            changed[calc_part] = new_calc
    if calc_part is not None and calc_part not in removed:
        # formulas remain, and Excel would show their cached values, some of them computed
        # from the cells just written: have it recalculate when the file is next opened
        workbook_xml = pkg.read(wb_part)
        if (flagged := force_recalc_on_load(workbook_xml)) is not workbook_xml:
            changed[wb_part] = flagged
    return rezip(pkg.data, pkg.infos, changed, removed, pkg.comment, pkg.ends)
