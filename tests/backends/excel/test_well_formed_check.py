"""The write-back's well-formedness check (``xmlutil.is_well_formed``): a sheet the edit
left broken is never written, and the parser reused across calls (and threads) refuses
exactly what a parser made for each call refused."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from lxml import etree

from sheets_sync.backends.excel.patch import patch_xlsx
from sheets_sync.backends.excel.sheetxml import SheetEditor, SheetPatch
from sheets_sync.backends.excel.xmlutil import _NoTree, is_well_formed
from sheets_sync.errors import WorkbookError
from sheets_sync.grid import CellWrite
from tests.backends.excel.test_patch_hostile_xml import with_sheet

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
SHEET = (
    f'<worksheet xmlns="{MAIN}"><sheetData><row r="2"><c r="A2"><v>1</v></c></row>'
    "</sheetData></worksheet>"
)

REFUSED = {
    "unbalanced tags": b"<a><b></a>",
    "unclosed root": b"<a>",
    "undefined entity": b"<a>&nosuch;</a>",
    "bare ampersand": b"<a>x & y</a>",
    "control character": b"<a>\x01</a>",
    "control character reference": b"<a>&#1;</a>",
    "entity a DTD declared, without the DTD": b"<a>&x;</a>",
    "invalid UTF-8": b"<a>\xff</a>",
    "two roots": b"<a/><b/>",
    "empty": b"",
    "duplicate attribute": b'<a b="1" b="2"/>',
    "< in an attribute": b'<a b="<"/>',
    "declaration not first": b' <?xml version="1.0"?><a/>',
    "DTD after the root": b'<a/><!DOCTYPE a [<!ENTITY x "y">]>',
    "DTD of bad syntax": b"<!DOCTYPE a [<!ENTITY x>]><a/>",
}
ACCEPTED = {
    "plain": b"<a><b/></a>",
    "sheet": SHEET.encode(),
    "internal DTD and its entity": b'<!DOCTYPE a [<!ENTITY x "y">]><a>&x;</a>',
    "nested entities": b'<!DOCTYPE a [<!ENTITY x "xx"><!ENTITY y "&x;&x;">]><a>&y;</a>',
    "external DTD": b'<!DOCTYPE a SYSTEM "http://example.invalid/x.dtd"><a>&x;</a>',
    "undeclared prefix": b"<x:a/>",  # a namespace error: libxml2 reports, not fatal
}


def fresh_parser_check(data: bytes) -> bool:
    """The check as it was until 2026-12-07: a new parser each call."""
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, target=_NoTree()
    )
    try:
        etree.fromstring(data, parser)
    except etree.XMLSyntaxError:
        return False
    return True


ALL = {**REFUSED, **ACCEPTED}


@pytest.mark.parametrize("name", list(ALL))
def test_the_reused_parser_decides_as_a_fresh_one(name: str) -> None:
    assert is_well_formed(ALL[name]) is fresh_parser_check(ALL[name]) is (name in ACCEPTED)


def test_no_document_leaks_into_the_next() -> None:
    """Every case after every other (a DTD's entity, an error left half way), twice."""
    for first in ALL.values():
        for second, data in ALL.items():
            is_well_formed(first)
            assert is_well_formed(data) is (second in ACCEPTED), (first, second)


def test_each_thread_decides_the_same() -> None:
    wrong: list[str] = []

    def run() -> None:
        for _ in range(20):
            for name, data in ALL.items():
                if is_well_formed(data) is not (name in ACCEPTED):
                    wrong.append(name)

    threads = [threading.Thread(target=run) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not wrong


BREAKS: dict[str, Callable[[bytes], bytes]] = {
    "unbalanced tags": lambda x: x.replace(b"</row>", b"", 1),
    "undefined entity": lambda x: x.replace(b"<v>", b"<v>&nosuch;", 1),
    "control character": lambda x: x.replace(b"<v>", b"<v>\x01", 1),
    "DTD after the root": lambda x: x + b'<!DOCTYPE a [<!ENTITY x "y">]>',
    "truncated": lambda x: x[: len(x) // 2],
}


@pytest.mark.parametrize("how", list(BREAKS))
def test_an_edit_that_breaks_the_sheet_is_not_written(
    monkeypatch: pytest.MonkeyPatch, how: str
) -> None:
    """The scans misread a structure (as ``SheetEditor`` may): the result is refused."""
    apply = SheetEditor.apply

    def broken(self: SheetEditor, *args: object, **kw: object) -> SheetPatch:
        result = apply(self, *args, **kw)  # type: ignore[arg-type]
        return SheetPatch(BREAKS[how](result.xml), result.replaced_formulas)

    data = with_sheet(SHEET)
    writes = [CellWrite("Data", 2, 2, 7.0)]
    assert patch_xlsx(data, writes) != data  # the edit itself is fine
    monkeypatch.setattr(SheetEditor, "apply", broken)
    with pytest.raises(WorkbookError, match="would not be well-formed XML") as caught:
        patch_xlsx(data, writes)
    assert caught.value.tab == "Data"
