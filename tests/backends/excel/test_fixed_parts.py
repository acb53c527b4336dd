"""The styles and shared strings parts are checked where calamine reads them: at
``xl/styles.xml`` and ``xl/sharedStrings.xml``, whatever the relationships say, found as
calamine finds a zip entry (any case, a backslash for a slash; not ``./xl/...``). Until
2026-12-07 the styles were checked at the part the relationship named (calamine reads
no other: its dates were numbers), and an entry ``./xl/sharedStrings.xml`` was taken
for the part calamine reads. Each case is checked against python-calamine itself."""

from __future__ import annotations

import datetime
import io
import re
import zipfile
from collections.abc import Callable

import pytest
import python_calamine as pc
import xlsxwriter

from sheets_sync.backends.excel.reader import read_workbook_bytes
from sheets_sync.backends.excel.safety import inspect_package
from sheets_sync.backends.excel.workbookparts import calamine_part, shared_strings
from sheets_sync.errors import WorkbookError
from tests.backends.excel.test_damaged_shared_parts import TO_DO

Parts = dict[str, bytes]
RELS = "xl/_rels/workbook.xml.rels"
BROKEN = b"<styleSheet><numFmts></styleSheet>"  # no XML, which calamine refuses


def _book() -> Parts:
    """A workbook of one tab ``S``: A1 a date (yyyy-mm-dd), B1 and C1 shared strings."""
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out)
    sheet = book.add_worksheet("S")
    dated = book.add_format({"num_format": "yyyy-mm-dd"})
    sheet.write_datetime(0, 0, datetime.datetime(2026, 1, 5), dated)
    sheet.write_string(0, 1, "hello")
    sheet.write_string(0, 2, "world")
    book.close()
    z = zipfile.ZipFile(io.BytesIO(out.getvalue()))
    return {n: z.read(n) for n in z.namelist()}


def _zip(parts: Parts) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for name, body in parts.items():
            z.writestr(name, body)
    return out.getvalue()


def _styles_at(parts: Parts, target: bytes) -> None:
    """The workbook's relationship to its styles pointed at ``target``."""
    parts[RELS], n = re.subn(rb'Target="styles\.xml"', b'Target="' + target + b'"', parts[RELS])
    assert n == 1


def _bad_boolean(parts: Parts) -> None:
    """C1 a boolean of 2, which calamine refuses the tab for."""
    sheet = "xl/worksheets/sheet1.xml"
    parts[sheet], n = re.subn(
        rb'<c r="C1"[^>]*>.*?</c>', b'<c r="C1" t="b"><v>2</v></c>', parts[sheet]
    )
    assert n == 1


def _first_cell(data: bytes) -> object:
    return (
        pc.CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_name("S").to_python()[0][0]
    )


def test_calamine_reads_the_styles_at_their_fixed_name_only() -> None:
    """The probe the rule rests on: a styles part moved to ``xl/s2.xml`` with the
    relationship to it is not read (A1's date a number); ``xl/styles.xml`` is, with no
    relationship to it or one to another part."""
    parts = _book()
    assert _first_cell(_zip(parts)) == datetime.date(2026, 1, 5)
    moved = dict(parts)
    moved["xl/s2.xml"] = moved.pop("xl/styles.xml")
    _styles_at(moved, b"s2.xml")
    assert _first_cell(_zip(moved)) == 46027.0
    elsewhere = dict(parts)
    elsewhere["xl/s2.xml"] = b"<styleSheet/>"  # no date format there
    _styles_at(elsewhere, b"s2.xml")
    assert _first_cell(_zip(elsewhere)) == datetime.date(2026, 1, 5)


def test_damaged_styles_calamine_reads_are_named_though_the_relationship_names_others() -> None:
    parts = _book()
    parts["xl/s2.xml"] = parts["xl/styles.xml"]
    parts["xl/styles.xml"] = BROKEN
    _styles_at(parts, b"s2.xml")
    data = _zip(parts)
    with pytest.raises(pc.CalamineError, match="Cannot detect file format"):
        _first_cell(data)
    with pytest.raises(WorkbookError) as info:
        read_workbook_bytes(data, source="sales.xlsx", tabs=["S"])
    assert str(info.value).startswith("sales.xlsx: the file is damaged: xl/styles.xml: ")
    assert str(info.value).endswith(TO_DO)


def test_damaged_styles_calamine_does_not_read_are_not_blamed() -> None:
    """calamine reads ``xl/styles.xml`` and refuses the tab for C1's boolean of 2: the
    cell is named, not the damaged part the relationship names, which it never reads."""
    parts = _book()
    parts["xl/s2.xml"] = BROKEN
    _styles_at(parts, b"s2.xml")
    _bad_boolean(parts)
    data = _zip(parts)
    with pytest.raises(pc.CalamineError, match="boolean"):
        _first_cell(data)
    with pytest.raises(WorkbookError) as info:
        read_workbook_bytes(data, source="sales.xlsx", tabs=["S"])
    assert info.value.cell == "C1", str(info.value)
    assert "s2.xml" not in str(info.value)


@pytest.mark.parametrize(
    ("rename", "found"),
    [
        (lambda name: name, True),
        (lambda name: name.upper(), True),
        (lambda name: name.replace("/", "\\"), True),
        (lambda name: "./" + name, False),
        (lambda name: name.replace("/", "/./"), False),
    ],
    ids=["as-is", "upper", "backslash", "dot-slash", "dot-segment"],
)
def test_a_fixed_part_is_found_as_calamine_finds_it(
    rename: Callable[[str], str], found: bool
) -> None:
    parts = _book()
    for fixed in ("xl/styles.xml", "xl/sharedStrings.xml"):
        parts[rename(fixed)] = parts.pop(fixed)
    data = _zip(parts)
    try:
        calamine_found = _first_cell(data) == datetime.date(2026, 1, 5)
    except pc.CalamineError as exc:  # its strings not found: "Cell string index not found"
        assert "string index" in str(exc)
        calamine_found = False
    assert calamine_found == found
    package = inspect_package(data, source="sales.xlsx", max_uncompressed_bytes=2**24)
    assert (calamine_part(package, "xl/styles.xml") is not None) == found
    assert (shared_strings(package) is not None) == found


def test_shared_strings_calamine_does_not_find_leave_the_string_cell_named() -> None:
    """``./xl/sharedStrings.xml``: calamine finds no strings and refuses the tab; the
    first string cell is named, as for a workbook with none (until 2026-12-07 the
    strings were counted in that entry, every index found, and no cell named)."""
    parts = _book()
    parts["./xl/sharedStrings.xml"] = parts.pop("xl/sharedStrings.xml")
    with pytest.raises(WorkbookError) as info:
        read_workbook_bytes(_zip(parts), source="sales.xlsx", tabs=["S"])
    assert info.value.cell == "B1" and "string index not found" in str(info.value)


def test_a_member_with_a_leading_slash_is_refused_before_any_check() -> None:
    """``/xl/sharedStrings.xml`` (which calamine does not find either) never reaches the
    checks of the parts: the package is refused as unsafe first."""
    parts = _book()
    parts["/xl/sharedStrings.xml"] = parts.pop("xl/sharedStrings.xml")
    with pytest.raises(WorkbookError, match="unsafe path inside the workbook"):
        read_workbook_bytes(_zip(parts), source="sales.xlsx", tabs=["S"])
