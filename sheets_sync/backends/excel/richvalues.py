"""What an Excel 365 rich-value cell shows: a linked data type (Stocks, Geography, an
Organization's data) shows its name, a picture placed in a cell shows the picture.

Excel stores both as ``<c t="e" vm="1"><v>#VALUE!</v></c>``: the fallback older readers
get (calamine, LibreOffice), while ``vm`` leads, through ``xl/metadata.xml``, to the rich
value in ``xl/richData/rdrichvalue.xml``, whose structure (``rdrichvaluestructure.xml``)
names its keys. A linked entity's ``_DisplayString`` is the text in the cell. Read as the
fallback, a Country cell showing "France" was reported as "the cell shows the error
#VALUE!" (until 2026-12-06).

As MS-XLSX lays them out: ``vm`` is the 1-based index of a ``valueMetadata`` block; its
``rc`` names the metadata type (1-based, ``XLRICHVALUE``) and, 0-based, a
``futureMetadata`` block whose ``rvb i`` is the rich value's index.
Anything missing or odd reads as no rich value: the cell keeps its fallback.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from lxml import etree

from sheets_sync.backends.excel.cellscan import A1, Places, capped_column
from sheets_sync.backends.excel.xmlutil import local_name, whole
from sheets_sync.grid import CellError, CellValue

#: a cell start tag that carries ``vm``: its attributes
_VM_CELL = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?c\s([^<>]*?\bvm\s*=\s*[\"'][^<>]*)>")
_ATTR = re.compile(rb"""\b(r|vm)\s*=\s*(?:"([^"]*)"|'([^']*)')""")
#: ``vm`` as an attribute, however spaced (``vm ="1"``, after ``\r``), for the pre-check
_HAS_VM = re.compile(rb"\svm\s*=")
#: an index the reader follows: ASCII digits, few enough for ``int``
_INDEX = re.compile(r"[0-9]{1,9}")
#: shown as the cell's error detail: what the #VALUE! stands for
PICTURE = "a picture placed in the cell, not a value: type the value instead"


@dataclass(frozen=True)
class RichValue:
    """A linked entity's text (``text`` set) or a picture (``text`` None)."""

    text: str | None


#: part name -> its parsed root (None: absent or unreadable)
Loader = Callable[[str], "etree._Element | None"]


def _index(text: str | bytes | None) -> int | None:
    """An index as written (ASCII digits, at most 9), or None: ``str.isdigit`` passes
    "²", which ``int`` refuses, and 5,000 digits pass it but exceed Python's limit on
    int conversion; either failed the team with an internal error (until 2026-12-06)."""
    if isinstance(text, bytes):
        text = text.decode("ascii", "replace")
    return int(text) if text is not None and _INDEX.fullmatch(text) else None


def vm_cells(xml: bytes, places: Places | None = None) -> dict[tuple[int, int], int]:
    """(row, column) -> ``vm`` index of each cell carrying one (a byte scan: the common
    sheet has none and costs one ``in``; until 2026-12-06 the pre-check missed
    ``vm ="1"`` and ``\rvm=``, so such cells read as their fallback). A cell is placed
    by its ``r`` as the extent scan places it (``cellscan.A1``, its row by ``whole``, its
    column by ``capped_column``): until a review on 2026-12-07 a rule of its own (1-3
    capital letters, 1-7 digits, no leading zero), so ``C00000002`` and ``c2``, which
    calamine reads as C2, showed their fallback #VALUE! in place of the rich value."""
    found: dict[tuple[int, int], int] = {}
    if b"vm" not in xml or _HAS_VM.search(xml) is None:
        return found
    places = places or Places(xml)  # a cell with no ``r``: after the cell before it
    for m in _VM_CELL.finditer(xml):
        attrs = {k: a or b for k, a, b in _ATTR.findall(m[1])}  # one of them matched
        vm = _index(attrs.get(b"vm"))
        if b"r" not in attrs and vm is not None and (place := places(m.start())) is not None:
            found[place] = vm
            continue
        ref = A1.fullmatch(attrs.get(b"r", b"").decode("ascii", "replace"))
        row = None if ref is None else whole(ref[2])
        if ref is None or not row or vm is None:
            continue
        found[(row, capped_column(ref[1]))] = vm
    return found


def _kids(el: etree._Element | None, name: str) -> list[etree._Element]:
    return [c for c in el if local_name(c.tag) == name] if el is not None else []


def rich_values(
    metadata: str | None, values: str | None, structures: str | None, load: Loader
) -> dict[int, RichValue]:
    """``vm`` index -> what the cell shows, for the rich values a reader can tell."""
    meta = load(metadata) if metadata else None
    rv_root = load(values) if values else None
    st_root = load(structures) if structures else None
    if meta is None or rv_root is None or st_root is None:
        return {}
    types = [t.get("name") for m in _kids(meta, "metadataTypes") for t in _kids(m, "metadataType")]
    if "XLRICHVALUE" not in types:
        return {}
    rich_type = str(types.index("XLRICHVALUE") + 1)
    future = next(
        (f for f in _kids(meta, "futureMetadata") if f.get("name") == "XLRICHVALUE"), None
    )
    rvb: list[int | None] = []
    for bk in _kids(future, "bk"):
        rvb.append(
            _index(next((e.get("i") for e in bk.iter() if local_name(e.tag) == "rvb"), None))
        )
    structs = [
        (s.get("t", ""), [k.get("n", "") for k in _kids(s, "k")]) for s in _kids(st_root, "s")
    ]
    rvs = _kids(rv_root, "rv")
    out: dict[int, RichValue] = {}
    for vm, bk in enumerate(
        (b for m in _kids(meta, "valueMetadata") for b in _kids(m, "bk")), start=1
    ):
        rc = next(iter(_kids(bk, "rc")), None)
        v = _index(rc.get("v")) if rc is not None and rc.get("t") == rich_type else None
        index = rvb[v] if v is not None and v < len(rvb) else None
        if index is None or index >= len(rvs):
            continue
        found = _shown(rvs[index], structs)
        if found is not None:
            out[vm] = found
    return out


def _shown(rv: etree._Element, structs: list[tuple[str, list[str]]]) -> RichValue | None:
    s = _index(rv.get("s"))
    if s is None or s >= len(structs):
        return None
    kind, keys = structs[s]
    texts = [v.text or "" for v in _kids(rv, "v")]
    if "_DisplayString" in keys and keys.index("_DisplayString") < len(texts):
        return RichValue(texts[keys.index("_DisplayString")])
    if "image" in kind.lower():  # _localImage, _webimage
        return RichValue(None)
    return None


def shown_rich(
    rows: Sequence[Sequence[CellValue]], vms: dict[tuple[int, int], int], rich: dict[int, RichValue]
) -> list[list[CellValue]]:
    """``rows`` with each rich-value cell's #VALUE! fallback replaced by what Excel shows:
    a linked entity's text; a picture stays #VALUE! with words that say it is one
    (untrimmed: the reader trims)."""
    out = [list(row) for row in rows]
    fallback = CellError("#VALUE!")
    for (r, c), vm in vms.items():
        value = rich.get(vm)
        if value is None or r > len(out) or c > len(out[r - 1]) or out[r - 1][c - 1] != fallback:
            continue
        if value.text is None:
            out[r - 1][c - 1] = CellError("#VALUE!", PICTURE)
        else:
            out[r - 1][c - 1] = value.text or None
    return out
