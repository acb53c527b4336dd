"""The styles and shared strings parts are checked where calamine reads them: at
``xl/styles.xml`` and ``xl/sharedStrings.xml``, whatever the relationships say, found as
calamine finds a zip entry (any case, a backslash for a slash; not ``./xl/...``). Until
2026-12-07 the styles were checked at the part the relationship named (calamine reads
no other: its dates were numbers), and an entry ``./xl/sharedStrings.xml`` was taken
for the part calamine reads. Each case is checked against python-calamine itself.

Since 2026-12-08 calamine is given the styles part the relationship names, where it is
another (``workbookparts.styles_for_calamine``): Excel and LibreOffice show the cells in
its formats and the write-back edits it; that part is the one checked then."""

from __future__ import annotations

import datetime
import io
import re
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
import python_calamine as pc
import xlsxwriter

from sheets_sync.backends.excel.reader import read_workbook_bytes
from sheets_sync.backends.excel.safety import inspect_package
from sheets_sync.backends.excel.workbookparts import calamine_part, shared_strings
from sheets_sync.errors import WorkbookError
from tests.backends.excel.test_damaged_shared_parts import TO_DO
from tests.support.libreoffice import convert_all, needs_libreoffice

Parts = dict[str, bytes]
RELS = "xl/_rels/workbook.xml.rels"
BROKEN = b"<styleSheet><numFmts></styleSheet>"  # no XML, which calamine refuses
NS = b"http://schemas.openxmlformats.org/spreadsheetml/2006/main"


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


def test_a_damaged_xl_styles_no_relationship_names_is_not_read() -> None:
    """The relationship names an intact ``xl/s2.xml``: calamine alone fails on the damaged
    ``xl/styles.xml`` (``Cannot detect file format``), which Excel and LibreOffice do not
    read; the read gives calamine the part they read, and A1 is the date they show.
    Until 2026-12-08 the file was refused, naming ``xl/styles.xml``."""
    parts = _book()
    parts["xl/s2.xml"] = parts["xl/styles.xml"]
    parts["xl/styles.xml"] = BROKEN
    _styles_at(parts, b"s2.xml")
    data = _zip(parts)
    with pytest.raises(pc.CalamineError, match="Cannot detect file format"):
        _first_cell(data)
    grid = read_workbook_bytes(data, source="sales.xlsx", tabs=["S"]).sheets["S"]
    assert grid.rows[0][0] == datetime.date(2026, 1, 5)


def test_damaged_styles_the_relationship_names_are_named() -> None:
    """The relationship names a damaged ``xl/s2.xml``, the part Excel would read: it is
    named, with what to do. Until 2026-12-08 calamine read the intact ``xl/styles.xml``
    and C1's boolean of 2 was named, the damaged part Excel reads said nowhere."""
    parts = _book()
    parts["xl/s2.xml"] = BROKEN
    _styles_at(parts, b"s2.xml")
    _bad_boolean(parts)
    data = _zip(parts)
    with pytest.raises(pc.CalamineError, match="boolean"):
        _first_cell(data)
    with pytest.raises(WorkbookError) as info:
        read_workbook_bytes(data, source="sales.xlsx", tabs=["S"])
    assert str(info.value).startswith("sales.xlsx: the file is damaged: xl/s2.xml: ")
    assert str(info.value).endswith(TO_DO)


@pytest.mark.parametrize("kept", [False, True], ids=["moved", "beside-another"])
def test_the_read_shows_the_styles_the_relationship_names(kept: bool) -> None:
    """Excel (by relationship, as OPC says) and LibreOffice 7.4 (``test_libreoffice_...``)
    show a cell in the formats of the styles part the relationship names, and the
    write-back edits that part (``patch.py``): A1's date is read from ``xl/s2.xml``,
    alone in the file or beside an ``xl/styles.xml`` with no date format, which calamine
    alone reads. Until 2026-12-08 the first read A1 as 46027.0, and in the second
    (reversed) a number read as a date no one saw."""
    parts = _book()
    parts["xl/s2.xml"] = parts.pop("xl/styles.xml")
    if kept:
        parts["xl/styles.xml"] = b'<styleSheet xmlns="' + NS + b'"/>'  # no date format
    _styles_at(parts, b"s2.xml")
    data = _zip(parts)
    assert _first_cell(data) == 46027.0  # calamine alone
    grid = read_workbook_bytes(data, source="sales.xlsx", tabs=["S"]).sheets["S"]
    assert grid.rows[0][0] == datetime.date(2026, 1, 5)
    reversed_ = _book()  # the date format in xl/styles.xml, none in the part named
    reversed_["xl/s2.xml"] = b'<styleSheet xmlns="' + NS + b'"/>'
    _styles_at(reversed_, b"s2.xml")
    grid = read_workbook_bytes(_zip(reversed_), source="s.xlsx", tabs=["S"]).sheets["S"]
    assert grid.rows[0][0] == 46027.0


@needs_libreoffice
def test_libreoffice_shows_the_styles_the_relationship_names(tmp_path: Path) -> None:
    """What the read follows: LibreOffice 7.4 shows A1 as a date from ``xl/s2.xml``, and
    as a number when the part named has no date format, whatever ``xl/styles.xml`` says."""
    moved = _book()
    moved["xl/s2.xml"] = moved.pop("xl/styles.xml")
    _styles_at(moved, b"s2.xml")
    plain = _book()
    plain["xl/s2.xml"] = b'<styleSheet xmlns="' + NS + b'"/>'
    _styles_at(plain, b"s2.xml")
    (tmp_path / "moved.xlsx").write_bytes(_zip(moved))
    (tmp_path / "plain.xlsx").write_bytes(_zip(plain))
    outs = convert_all([tmp_path / "moved.xlsx", tmp_path / "plain.xlsx"], "csv", tmp_path / "o")
    assert outs[0].read_text().split(",")[0] == "2026-01-05"
    assert outs[1].read_text().split(",")[0] == "46027"


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
