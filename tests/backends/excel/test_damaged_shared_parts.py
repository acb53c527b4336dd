"""A damaged ``xl/styles.xml`` or ``xl/sharedStrings.xml`` (every tab's values are read
through them) is named, with what to do: until 2026-12-07 the author saw calamine's
``the file is damaged: Cannot detect file format``, or a cell blamed that was fine
(``!A1: cannot read the tab: Cell string index not found in shared strings table``)."""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
import xlsxwriter
from click.testing import CliRunner

from sheets_sync.backends.excel import workbookparts
from sheets_sync.backends.excel.reader import read_workbook_bytes
from sheets_sync.backends.excel.safety import inspect_package
from sheets_sync.backends.excel.workbookparts import SHARED_STRINGS
from sheets_sync.cli import cli
from sheets_sync.errors import WorkbookError

TO_DO = "; open the file in Excel (it offers to repair it) and save it, or restore an earlier copy"


def _book(path: Path) -> bytes:
    """An XlsxWriter team tab: its text in shared strings, as Excel keeps it."""
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("OKRs")
    sheet.write_row(0, 0, ["Objective", "Score"])
    sheet.write_row(1, 0, ["Grow", 0.5])
    book.close()
    return path.read_bytes()


def _damaged(data: bytes, part: str, damage: Callable[[bytes], bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(buf, "w") as out:
        assert part in src.namelist()
        for name in src.namelist():
            body = src.read(name)
            out.writestr(name, damage(body) if name == part else body)
    return buf.getvalue()


def _cut(body: bytes) -> bytes:
    """Truncated before its root's end tag."""
    return body[: body.rindex(b"</")]


def _end_tag_renamed(body: bytes) -> bytes:
    return re.sub(rb"</(t|cellXfs)>", rb"</\1x>", body, count=1)


@pytest.mark.parametrize("part", ["xl/styles.xml", "xl/sharedStrings.xml"])
@pytest.mark.parametrize(
    ("damage", "said"),
    [
        (_cut, "Premature end of data in tag"),
        (lambda body: b"", "Document is empty, line 1, column 1"),
        (lambda body: b"\x01 not xml", "Start tag expected, '<' not found, line 1, column 1"),
        (_end_tag_renamed, "Opening and ending tag mismatch: "),
    ],
)
def test_a_damaged_shared_part_is_named(
    tmp_path: Path, part: str, damage: Callable[[bytes], bytes], said: str
) -> None:
    data = _damaged(_book(tmp_path / "t.xlsx"), part, damage)
    with pytest.raises(WorkbookError) as got:
        read_workbook_bytes(data, source="sales.xlsx", tabs=["OKRs"])
    message = str(got.value)
    assert message.startswith(f"sales.xlsx: the file is damaged: {part}: "), message
    assert said in message and message.endswith(TO_DO), message
    assert "Cannot detect file format" not in message and "<string>" not in message


def test_a_shared_part_calamine_reads_is_not_looked_at(tmp_path: Path) -> None:
    """Only calamine's failure sends the reader to the parts: a styles part it reads
    (an ``<xf>`` with no ``numFmtId``... any odd part) still reads."""
    data = _damaged(
        _book(tmp_path / "t.xlsx"), "xl/styles.xml", lambda b: b.replace(b"<cellXfs", b"<cellXfs <")
    )
    book = read_workbook_bytes(data, source="sales.xlsx", tabs=["OKRs"])
    assert book.sheets["OKRs"].rows == (("Objective", "Score"), ("Grow", 0.5))


def test_other_damage_keeps_its_own_message(tmp_path: Path) -> None:
    """A worksheet that is no XML is said as before: the shared parts are fine."""
    data = _damaged(_book(tmp_path / "t.xlsx"), "xl/worksheets/sheet1.xml", _cut)
    with pytest.raises(WorkbookError, match=r"^sales\.xlsx!OKRs: the file is damaged: "):
        read_workbook_bytes(data, source="sales.xlsx", tabs=["OKRs"])


def test_validate_names_the_part_without_a_traceback(workspace: Path) -> None:
    """Through ``sheets-sync validate``, the command a team lead runs on a file."""
    team = workspace.parent / "teams" / "sales.xlsx"
    team.write_bytes(_damaged(team.read_bytes(), "xl/styles.xml", _cut))
    done = CliRunner().invoke(cli, ["validate", "--config", str(workspace)])
    assert done.exit_code == 1, done.output
    assert "Traceback" not in done.output, done.output
    assert "sales.xlsx: the file is damaged: xl/styles.xml: " in done.output, done.output
    assert "Cannot detect file format" not in done.output


def test_the_damaged_part_is_named_as_the_zip_spells_it(tmp_path: Path) -> None:
    """The member ``xl/SharedStrings.xml`` (OPC names ignore case; the workbook's
    relationship says ``sharedStrings.xml``): the relationship's target was named, a
    name the author finds in no zip listing (until a review on 2026-12-07)."""
    data = _damaged(_book(tmp_path / "t.xlsx"), "xl/sharedStrings.xml", _cut)
    buf = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(buf, "w") as out:
        for name in src.namelist():
            renamed = "xl/SharedStrings.xml" if name == "xl/sharedStrings.xml" else name
            out.writestr(renamed, src.read(name))
    with pytest.raises(WorkbookError) as got:
        read_workbook_bytes(buf.getvalue(), source="sales.xlsx", tabs=["OKRs"])
    message = str(got.value)
    assert message.startswith("sales.xlsx: the file is damaged: xl/SharedStrings.xml: "), message


@pytest.mark.parametrize(
    ("damage", "said"),
    [
        (b"<si><<t>Objective</t></si>", "StartTag: invalid element name"),  # A1 read empty
        (b"<si><</si><si><t>Objective</t></si>", "StartTag: invalid element name"),
        (b"<si><t>Objective</t></si><si><<", "StartTag: invalid element name"),
    ],
)
def test_damaged_shared_strings_calamine_reads_are_named(
    tmp_path: Path, damage: bytes, said: str
) -> None:
    """calamine reads these without failing (the first as an empty A1, the objective
    gone without a word, until 2026-12-07): the damage is named all the same."""
    data = _damaged(
        _book(tmp_path / "t.xlsx"),
        "xl/sharedStrings.xml",
        lambda body: body.replace(b"<si><t>Objective</t></si>", damage, 1),
    )
    with pytest.raises(WorkbookError) as got:
        read_workbook_bytes(data, source="sales.xlsx", tabs=["OKRs"])
    message = str(got.value)
    assert message.startswith("sales.xlsx: the file is damaged: xl/sharedStrings.xml: "), message
    assert said in message and message.endswith(TO_DO), message


def test_damaged_shared_strings_are_not_looked_at_for_no_tab(tmp_path: Path) -> None:
    """Listing the tabs (no tab wanted) reads no values: the part is not checked."""
    data = _damaged(
        _book(tmp_path / "t.xlsx"),
        "xl/sharedStrings.xml",
        lambda body: body.replace(b"<t>Objective", b"<<t>Objective", 1),
    )
    assert read_workbook_bytes(data, source="sales.xlsx", tabs=[]).sheet_names == ("OKRs",)


RELS = "xl/_rels/workbook.xml.rels"
LT = b"<si><<t>Objective</t></si>"


def _strings_elsewhere(data: bytes, extra: bytes | None) -> bytes:
    """The workbook's shared strings relationship pointing at ``xl/strings2.xml``, a part
    holding ``extra`` (or no part)."""
    data = _damaged(data, RELS, lambda b: b.replace(b"sharedStrings.xml", b"strings2.xml"))
    if extra is None:
        return data
    buf = io.BytesIO(data)
    with zipfile.ZipFile(buf, "a") as out:
        out.writestr("xl/strings2.xml", extra)
    return buf.getvalue()


def _no_strings_relationship(data: bytes) -> bytes:
    return _damaged(
        data, RELS, lambda b: re.sub(rb"<Relationship [^>]*sharedStrings[^>]*/>", b"", b)
    )


def _damaged_strings(tmp_path: Path) -> bytes:
    data = _book(tmp_path / "t.xlsx")
    return _damaged(
        data, "xl/sharedStrings.xml", lambda b: b.replace(b"<si><t>Objective</t></si>", LT)
    )


@pytest.mark.parametrize(
    "moved",
    [
        _no_strings_relationship,
        lambda data: _strings_elsewhere(data, None),
        lambda data: _strings_elsewhere(
            data, b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"/>'
        ),
    ],
)
def test_damaged_shared_strings_are_found_where_calamine_reads_them(
    tmp_path: Path, moved: Callable[[bytes], bytes]
) -> None:
    """calamine reads ``xl/sharedStrings.xml`` whatever the workbook's relationships say
    (none, or one to another part): that part is checked (until a review on 2026-12-07
    the relationship's, so A1 read empty without a word)."""
    with pytest.raises(WorkbookError) as got:
        read_workbook_bytes(moved(_damaged_strings(tmp_path)), source="sales.xlsx", tabs=["OKRs"])
    message = str(got.value)
    assert message.startswith("sales.xlsx: the file is damaged: xl/sharedStrings.xml: "), message


def test_a_damaged_part_calamine_does_not_read_is_not_blamed(tmp_path: Path) -> None:
    """The relationship names a damaged ``xl/strings2.xml``; calamine reads the intact
    ``xl/sharedStrings.xml`` (probed): the tab reads."""
    data = _strings_elsewhere(_book(tmp_path / "t.xlsx"), b"<sst><si><<t>Objective</t></si>")
    book = read_workbook_bytes(data, source="sales.xlsx", tabs=["OKRs"])
    assert book.sheets["OKRs"].rows == (("Objective", "Score"), ("Grow", 0.5))


@pytest.mark.parametrize("tail", [b"\x00\x00", b" \r\n\t", b"\n\x00 \x00", b"<x/>", b"\x00junk"])
def test_what_follows_the_root_is_read_past(tmp_path: Path, tail: bytes) -> None:
    """calamine and LibreOffice 7.4 read every string of a part with NULs, white space,
    an element or text after its root, which the check refused (``Extra content at the
    end of the document``) until a review on 2026-12-07."""
    data = _damaged(_book(tmp_path / "t.xlsx"), "xl/sharedStrings.xml", lambda b: b + tail)
    book = read_workbook_bytes(data, source="sales.xlsx", tabs=["OKRs"])
    assert book.sheets["OKRs"].rows == (("Objective", "Score"), ("Grow", 0.5))


@pytest.mark.parametrize(
    ("damage", "said"),
    [
        (lambda b: b.replace(b"<t>Objective", b"<t>Obj\x0bective"), "PCDATA invalid Char"),
        (lambda b: b.replace(b"<sst ", b'<sst a="1" a="2" '), "Attribute a redefined"),
        (lambda b: b[: b.rindex(b"</sst>")] + b"<x/>", "Premature end of data"),
        (lambda b: b + b'<?xml version="1.0"?>', "XML declaration allowed only at the start"),
    ],
)
def test_other_damage_calamine_reads_is_still_named(
    tmp_path: Path, damage: Callable[[bytes], bytes], said: str
) -> None:
    """Listed in docs/reading.md: a raw control character, an attribute written twice
    (LibreOffice 7.4 loses every string of the part for each); a root never closed
    (calamine fails: ``Cannot detect file format``); an XML declaration after the root,
    which calamine reads past (a review on 2026-12-07: said, not changed)."""
    data = _damaged(_book(tmp_path / "t.xlsx"), "xl/sharedStrings.xml", damage)
    with pytest.raises(WorkbookError) as got:
        read_workbook_bytes(data, source="sales.xlsx", tabs=["OKRs"])
    assert said in str(got.value)


def _last_end_dropped(body: bytes) -> bytes:
    return body.rsplit(b"</sst>", 1)[0]


@pytest.mark.parametrize(
    "damage",
    [  # ``</sst>`` after the first string, after none, or ``<sst/>``; the strings after it
        lambda b: _last_end_dropped(b.replace(b"</t></si>", b"</t></si></sst>", 1)),
        lambda b: _last_end_dropped(re.sub(rb"(<sst[^>]*>)", rb"\1</sst>", b, count=1)),
        lambda b: _last_end_dropped(re.sub(rb"(<sst[^>]*)>", rb"\1/>", b, count=1)),
    ],
)
def test_strings_after_an_early_root_end_name_the_part(
    tmp_path: Path, damage: Callable[[bytes], bytes]
) -> None:
    """calamine reads no string after the root's end and fails (``Cell string index not
    found``): the part is named, not a cell that is fine (after 8863f8b9 read past what
    follows the root, A1 was blamed, a string calamine had; a review on 2026-12-07)."""
    data = _damaged(_book(tmp_path / "t.xlsx"), "xl/sharedStrings.xml", damage)
    with pytest.raises(WorkbookError) as got:
        read_workbook_bytes(data, source="sales.xlsx", tabs=["OKRs"])
    message = str(got.value)
    assert message.startswith(
        "sales.xlsx: the file is damaged: xl/sharedStrings.xml: "
        "Extra content at the end of the document"
    ), message
    assert message.endswith(TO_DO), message


@pytest.mark.parametrize(
    ("cell", "said"),
    [
        (b'<c r="1N"/>', "sales.xlsx!OKRs: the file is damaged: bad cell reference '1N'"),
        (b'<c r="C1" t="b"><v>7</v></c>', "sales.xlsx!OKRs!C1: cannot read the tab: "),
    ],
)
def test_harmless_content_after_the_root_blames_no_part_when_a_tab_fails(
    tmp_path: Path, cell: bytes, said: str
) -> None:
    """NULs after the root, which calamine reads past, and a tab calamine refuses for
    another reason (a bad reference, a bad boolean): that reason is said, not the part."""
    data = _damaged(_book(tmp_path / "t.xlsx"), "xl/sharedStrings.xml", lambda b: b + b"\0\0")
    data = _damaged(
        data, "xl/worksheets/sheet1.xml", lambda b: b.replace(b"</row>", cell + b"</row>", 1)
    )
    with pytest.raises(WorkbookError) as got:
        read_workbook_bytes(data, source="sales.xlsx", tabs=["OKRs"])
    assert str(got.value).startswith(said), str(got.value)


def test_a_missing_string_is_counted_where_calamine_reads_the_strings(tmp_path: Path) -> None:
    """The relationship names ``xl/strings2.xml`` of one string; calamine reads the three
    of ``xl/sharedStrings.xml``, and C2's string 9 is the one it misses: C2 is named
    (until a review on 2026-12-07 B1's string 1, past the relationship's part, was)."""
    data = _strings_elsewhere(
        _book(tmp_path / "t.xlsx"),
        b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        b"<si><t>x</t></si></sst>",
    )
    data = _damaged(
        data,
        "xl/worksheets/sheet1.xml",
        lambda b: b.replace(
            b"</row></sheetData>", b'<c r="C2" t="s"><v>9</v></c></row></sheetData>'
        ),
    )
    with pytest.raises(WorkbookError) as got:
        read_workbook_bytes(data, source="sales.xlsx", tabs=["OKRs"])
    assert str(got.value) == (
        "sales.xlsx!OKRs!C2: cannot read the tab: "
        "Cell string index not found in shared strings table"
    )


def test_the_relationships_are_not_read_for_the_shared_strings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The pre-check reads ``xl/sharedStrings.xml`` by its fixed name: the workbook's
    relationships, read again for each read, were half its cost (0.024 s of 0.049 s over
    500 teams, a review on 2026-12-07)."""
    data = _book(tmp_path / "t.xlsx")
    package = inspect_package(data, source="sales.xlsx", max_uncompressed_bytes=2**26)

    def unread(*args: object) -> None:
        raise AssertionError("the relationships were read")

    monkeypatch.setattr(workbookparts, "part_rels", unread)
    assert workbookparts.damaged_part(data, package, "sales.xlsx", SHARED_STRINGS) is None


def _local_name_not_utf8(data: bytes, part: str) -> bytes:
    """``part``'s local header flagged UTF-8, a byte of its name not UTF-8 (0xff)."""
    at = zipfile.ZipFile(io.BytesIO(data)).getinfo(part).header_offset
    flags = int.from_bytes(data[at + 6 : at + 8], "little") | 0x800
    name_at = at + 30 + len(part) - 1
    return (
        data[: at + 6]
        + flags.to_bytes(2, "little")
        + data[at + 8 : name_at]
        + b"\xff"
        + (data[name_at + 1 :])
    )


def test_a_member_whose_local_name_is_not_utf8_is_named(tmp_path: Path) -> None:
    """It was "the file is damaged: 'utf-8' codec can't decode byte 0xff ...", naming
    neither member nor part."""
    data = _local_name_not_utf8(_book(tmp_path / "t.xlsx"), "xl/workbook.xml")
    with pytest.raises(WorkbookError) as got:
        read_workbook_bytes(data, source="sales.xlsx", tabs=["OKRs"])
    message = str(got.value)
    assert message.startswith("sales.xlsx: the file is damaged: xl/workbook.xml: "), message
    assert "'utf-8' codec can't decode byte 0xff" in message, message


def test_a_styles_tail_is_not_blamed_for_a_missing_string(tmp_path: Path) -> None:
    """A cell's string index past the table (calamine: ``Cell string index not found``)
    in a workbook whose styles.xml ends in NULs, which calamine reads past: the cell is
    named, not styles.xml (the last read of 2026-12-07: the tail was read as damage in
    both parts once a string was missing)."""
    data = _damaged(_book(tmp_path / "t.xlsx"), "xl/styles.xml", lambda b: b + b"\0\0")
    data = _damaged(
        data,
        "xl/worksheets/sheet1.xml",
        lambda b: re.sub(rb'(<c r="A2"[^>]*t="s"[^>]*><v>)\d+', rb"\g<1>9", b),
    )
    with pytest.raises(WorkbookError) as got:
        read_workbook_bytes(data, source="sales.xlsx", tabs=["OKRs"])
    assert str(got.value).startswith(
        "sales.xlsx!OKRs!A2: cannot read the tab: Cell string index not found"
    ), str(got.value)
