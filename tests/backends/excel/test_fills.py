"""The cells of a worksheet in one of the fills the sync writes (``excel/fills.py``)."""

from __future__ import annotations

import io
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

from sheets_sync.backends.excel.fills import fill_cells, fill_styles
from tests.backends.excel.test_reader_error_codes import _team
from tests.support.scripts import HANG

STYLES = b"""<x:styleSheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main">
<x:fills count="6"><x:fill><x:patternFill patternType="none"/></x:fill>
<x:fill><x:patternFill patternType="gray125"/></x:fill>
<x:fill><x:patternFill patternType="solid"><x:fgColor rgb="FFC6EFCE"/></x:patternFill></x:fill>
<x:fill><x:patternFill patternType="solid"><x:fgColor theme="4"/></x:patternFill></x:fill>
<x:fill><x:patternFill patternType="darkGrid"><x:fgColor rgb="FFFFC7CE"/></x:patternFill></x:fill>
<x:fill><x:patternFill patternType="solid"><x:fgColor rgb="00b050"/></x:patternFill></x:fill>
<x:fill><x:patternFill patternType="solid"><x:fgColor rgb="ffffc7ce"/></x:patternFill></x:fill>
</x:fills>
<x:cellXfs count="7"><x:xf fillId="0"/><x:xf fillId="2" fontId="1"/><x:xf fillId="3"/>
<x:xf fillId="4"/><x:xf fillId="5"/><x:xf fillId="6" applyFill="1"></x:xf><x:xf fillId="99"/>
</x:cellXfs></x:styleSheet>"""


def test_only_the_solid_rgb_fills_the_sync_writes_are_looked_for() -> None:
    """A theme colour, a pattern that is not solid, a colour the sync never writes and a
    fill that is not there are no fill of the sync's: a cell in one is recoloured."""
    assert fill_styles(STYLES) == {1: "C6EFCE", 5: "FFC7CE"}
    assert fill_styles(None) == {} and fill_styles(b"<styleSheet/>") == {}


def test_the_cells_in_those_styles_are_found_with_their_fill() -> None:
    sheet = (
        b'<worksheet><sheetData><row r="2"><c r="A2" s="1" t="inlineStr"><is><t>On track'
        b'</t></is></c><c r="B2" s="5"><v>1</v></c><c r="C2" s="2" t="inlineStr"/>'
        b'<c r="D2" ss="1"/><c s="1"/></row></sheetData></worksheet>'
    )
    assert fill_cells(sheet, fill_styles(STYLES)) == {
        (2, 1): "C6EFCE",
        (2, 2): "FFC7CE",
        (2, 5): "C6EFCE",  # no ``r``: placed after the cell before it
    }


def test_the_owned_header_fill_is_read_in_header_rows_only() -> None:
    """The owned header's grey-blue (D9E1F2) tells the sync's Status column apart: read in
    the first ``HEADER_FILL_ROWS`` rows, not in the template's every owned cell below
    (2,000 of them made a fresh template's fill scan 18 ms, not 1.8)."""
    from sheets_sync.grid import HEADER_FILL_ROWS

    styles = STYLES.replace(b'rgb="00b050"', b'rgb="FFD9E1F2"')
    assert fill_styles(styles)[4] == "D9E1F2"
    far = HEADER_FILL_ROWS + 1
    sheet = (
        b'<worksheet><sheetData><row r="1"><c r="A1" s="4" t="inlineStr"><is><t>Status'
        b'</t></is></c></row><row><c r="A2" s="4"/></row>'
        b'<row r="%d"><c r="A%d" s="4"/><c r="B%d" s="1"/></row>'
        b"</sheetData></worksheet>" % (far, far, far)
    )
    assert fill_cells(sheet, fill_styles(styles)) == {
        (1, 1): "D9E1F2",
        (2, 1): "D9E1F2",  # a row with no ``r``: row 2
        (far, 2): "C6EFCE",  # the Status fills: in every row
    }


def test_unclosed_lists_and_fills_cost_one_scan_each() -> None:
    """Found taking out fills.py's copy of percent.py's ``cellXfs`` regex (2026-12-07):
    ``<fills>(.*?)</fills>``, ``<cellXfs>(.*?)</cellXfs>`` and ``<fill>(.*?)</fill>``
    each scanned to the end of the styles from every start tag with no end tag after it
    (10,000 of one: 7 to 11 s; 100,000, a 1 MB styles part, far more). So did a start
    tag with no ``>`` (``<fill ``, ``<patternFill ``, ``<xf ``: 10,000 of them 2.2, 4.1
    and 1.7 s) until the start-tag regexes stopped at the next ``<`` (``[^<>]*``, not
    ``[^>]*``). In a child bounded far above a linear scan's milliseconds. Each part
    names a sync colour (a comment will do), or ``fill_styles`` returns before it scans."""
    code = (
        "from sheets_sync.backends.excel.fills import fill_styles\n"
        f"fills = {STYLES.split(b'<x:cellXfs')[0]!r}\n"
        "n = 100_000\n"
        "print(fill_styles(fills + b'<x:cellXfs>' * n))\n"
        "print(fill_styles(b'<x:styleSheet><!--C6EFCE-->' + b'<x:fills>' * n))\n"
        "print(fill_styles(b'<!--C6EFCE--><x:fills>' + b'<x:fill>' * n + b'</x:fills><x:cellXfs>'\n"
        "      b'<x:xf fillId=\"0\"/></x:cellXfs>'))\n"
        # start tags with no '>' (review 2026-12-07): each ``[^>]*`` search ran to the end
        "xfs = b'<x:cellXfs><x:xf fillId=\"0\"/></x:cellXfs>'\n"
        "print(fill_styles(b'<!--C6EFCE--><x:fills>' + b'<x:fill ' * n + b'</x:fills>' + xfs))\n"
        "print(fill_styles(b'<!--C6EFCE--><x:fills><x:fill>' + b'<x:patternFill ' * n\n"
        "      + b'</x:fill></x:fills>' + xfs))\n"
        "print(fill_styles(b'<!--C6EFCE--><x:fills><x:fill/></x:fills><x:cellXfs>'\n"
        "      + b'<x:xf ' * n + b'</x:cellXfs>'))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=HANG, check=True
    )
    assert done.stdout == "{}\n" * 6


def test_a_workbook_whose_styles_hold_unclosed_fill_tags_is_read_in_linear_time(
    tmp_path: Path,
) -> None:
    """calamine reads a ``styles.xml`` whose ``<fills>`` holds ``<fill `` with no ``>``
    (review 2026-12-07): 20,000 of them, a 9 KB .xlsx, took 6.8 s of the read, 40,000
    took 27 s. The real reader, in a child bounded far above a linear read; the fill
    tags that are whole still read as before (none here is a sync colour's)."""
    team = zipfile.ZipFile(io.BytesIO(_team()))
    styles = team.read("xl/styles.xml")
    assert styles.count(b"</fills>") == 1
    hostile = styles.replace(b"</fills>", b"<!--C6EFCE-->" + b"<fill " * 200_000 + b"</fills>")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for info in team.infolist():
            z.writestr(info, hostile if info.filename == "xl/styles.xml" else team.read(info))
    book = tmp_path / "sales.xlsx"
    book.write_bytes(out.getvalue())
    assert book.stat().st_size < 20_000
    code = (
        "import sys\n"
        "from sheets_sync.backends.excel.reader import read_workbook_bytes\n"
        "data = open(sys.argv[1], 'rb').read()\n"
        "grid = read_workbook_bytes(data, source='sales.xlsx', tabs=['OKRs'])\n"
        "print(len(grid.sheets['OKRs'].rows))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, str(book)],
        capture_output=True,
        text=True,
        timeout=HANG,
        check=True,
    )
    assert done.stdout == "3\n"


def test_a_fill_is_read_as_the_regex_read_it() -> None:
    """A start tag with no end tag after it is no fill (the fills after it move up); a
    fill holds all up to the first end tag; a self-closing one is a fill, without colour."""
    solid = b'<x:patternFill patternType="solid"><x:fgColor rgb="FFC6EFCE"/></x:patternFill>'
    fills = b"<x:fills><x:fill/><x:fill>" + solid + b"<x:fill></x:fill><x:fill>"
    xfs = b'<x:cellXfs><x:xf fillId="0"/><x:xf fillId="1"/><x:xf fillId="2"/></x:cellXfs>'
    assert fill_styles(fills + b"</x:fills>" + xfs) == {1: "C6EFCE"}
    unclosed = b"<x:fills><x:fill><x:fill/><x:fill>" + solid + b"</x:fill></x:fills>"
    assert fill_styles(unclosed + xfs) == {0: "C6EFCE"}
    assert fill_styles(b"<x:fills><x:fill>" + solid + b"</x:fills>" + xfs) == {}


def test_a_styles_part_without_those_colours_is_not_parsed(monkeypatch: Any) -> None:
    """A workbook holding no fill of the sync's (not made from the template, never
    written: the bench's XlsxWriter files): its ``styles.xml`` is searched once for the
    colours' hex digits, its fills and ``cellXfs`` not parsed."""
    from sheets_sync.backends.excel import fills

    def unparsed(*_: object) -> None:
        raise AssertionError("styles.xml parsed")

    none_of_ours = STYLES.replace(b"C6EFCE", b"C6EFCF").replace(b"c7ce", b"c7cf")
    none_of_ours = none_of_ours.replace(b"C7CE", b"C7CF")
    full = fill_styles(none_of_ours)
    monkeypatch.setattr(fills, "section", unparsed)
    assert fill_styles(none_of_ours) == full == {}


def test_the_search_finds_what_the_parse_finds_in_any_case() -> None:
    """Each colour, in upper or lower case, with or without its alpha: the shortcut never
    hides a fill the parse would find (a colour in a font or elsewhere is parsed, and is
    no fill of the sync's)."""
    from sheets_sync.grid import READ_FILLS

    for colour in sorted(READ_FILLS):
        for rgb in (colour, "FF" + colour, colour.lower(), "ff" + colour.lower()):
            styles = STYLES.replace(b'rgb="00b050"', b'rgb="%s"' % rgb.encode())
            assert fill_styles(styles)[4] == colour
        in_a_font = b'<x:fonts><x:font><x:color rgb="FF%s"/></x:font></x:fonts>' % (colour.encode())
        plain = STYLES.replace(b"C6EFCE", b"000000").replace(b"ffffc7ce", b"00000000")
        assert fill_styles(plain.replace(b"<x:fills", in_a_font + b"<x:fills")) == {}


def test_each_colour_alone_is_found_in_any_case() -> None:
    """Each colour as the styles part's only sync colour, in each case and with or
    without its alpha: the shortcut's search (of the part upper-cased) finds it, so the
    parse runs. With ``STYLES`` around it, which already holds ``FFC6EFCE``, the shortcut
    never fires, and a search of the part as written passed the test above."""
    from sheets_sync.grid import READ_FILLS

    for colour in sorted(READ_FILLS):
        mixed = "".join(c.lower() if i % 2 else c for i, c in enumerate(colour))
        for rgb in (colour, "FF" + colour, colour.lower(), "ff" + colour.lower(), "Ff" + mixed):
            alone = (
                b'<styleSheet><fills count="2"><fill><patternFill patternType="none"/></fill>'
                b'<fill><patternFill patternType="solid"><fgColor rgb="%s"/></patternFill>'
                b'</fill></fills><cellXfs count="2"><xf fillId="0"/><xf fillId="1"/>'
                b"</cellXfs></styleSheet>" % rgb.encode()
            )
            assert fill_styles(alone) == {1: colour}, rgb


def test_the_owned_header_fill_is_read_as_far_as_a_header_is_sought() -> None:
    """A mapping seeking its header in 30 rows (or fixed at row 25) has it read there
    (``sync.reading.header_rows``); until 2026-12-07 in the first 20 rows alone."""
    styles = STYLES.replace(b'rgb="00b050"', b'rgb="FFD9E1F2"')
    sheet = (
        b'<worksheet><sheetData><row r="25"><c r="A25" s="4" t="inlineStr"><is><t>Score'
        b'</t></is></c></row><row r="31"><c r="A31" s="4"/></row></sheetData></worksheet>'
    )
    assert fill_cells(sheet, fill_styles(styles)) == {}
    assert fill_cells(sheet, fill_styles(styles), header_rows=30) == {(25, 1): "D9E1F2"}


def test_a_teams_read_seeks_the_grey_blue_as_far_as_its_mapping_seeks_a_header() -> None:
    from sheets_sync.mapping.spec import HeaderSpec, load_mapping
    from sheets_sync.sync.reading import header_rows
    from sheets_sync.workspace_spec import TeamSpec

    standard = load_mapping("standard")
    kpi_tab = standard.kpis
    assert kpi_tab is not None

    def rows(okrs: HeaderSpec, kpis: HeaderSpec) -> int:
        mapping = standard.model_copy(
            update={
                "okrs": standard.okrs.model_copy(update={"header": okrs}),
                "kpis": kpi_tab.model_copy(update={"header": kpis}),
            }
        )
        return header_rows(TeamSpec("Sales", "s.xlsx", "standard", mapping))

    assert rows(HeaderSpec(search=20), HeaderSpec(row=1)) == 20
    assert rows(HeaderSpec(search=30), HeaderSpec(row=1)) == 30
    assert rows(HeaderSpec(search=5), HeaderSpec(row=40)) == 40
