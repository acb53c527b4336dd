"""A confidence of 100% (the number 1 in a percent cell) is told from 1 on the 0-10 scale."""

from __future__ import annotations

import datetime as dt
import io
import subprocess
import sys
import zipfile
from pathlib import Path

import openpyxl
import pytest

from sheets_sync.backends.excel.odsscan import PERCENT_CELLS_KEPT, scan_ods
from sheets_sync.backends.excel.percent import percent_cells, percent_ones, percent_styles
from sheets_sync.backends.excel.reader import read_workbook, read_workbook_bytes
from sheets_sync.domain.lint import lint_team
from sheets_sync.domain.models import Period
from sheets_sync.domain.team import evaluate_team
from sheets_sync.grid import SheetGrid
from sheets_sync.mapping.extract import extract
from sheets_sync.mapping.parse import build_team_input
from sheets_sync.mapping.spec import load_mapping
from sheets_sync.numfmt import is_percent_code
from tests.conftest import OKR_ROWS, write_team
from tests.support.libreoffice import convert, needs_libreoffice
from tests.support.scripts import HANG


@pytest.mark.parametrize(
    ("code", "percent"),
    [
        ("0%", True),
        ("0.0%", True),
        ("0%;[Red]-0%", True),
        ("#,##0.00", False),
        ('0"%"', False),  # a quoted % is text
        ("0\\%", False),  # an escaped one too
        ("[>=100]0;0", False),
        ("General", False),
        # by the section 1 (a typed 100%) is shown by: a % in another one made a percent
        # cell until 2026-12-07, its 1 read 100% where the cell shows 1
        ("0;0%", False),
        ("0;-0%", False),
        ('0;"neg";0%', False),
        ("[>=1]0;0%", False),
        ("[<1]0;0%", True),
        ("[Red][<=1]0%;0", True),
        ("[>=1]0%;0.0%", True),
        ('"a;b"0%', True),
        ("0\\;0%", True),
        # a lone section's condition counts too (LibreOffice shows 1 under [<1]0% as
        # General shows it, 1): until 2026-12-07 a code with no ; was a percent one
        ("[<1]0%", False),
        ("[>1]0%", False),
        ("[<=1]0%", True),
        ("[>=1]0.0%", True),
        ("[Red][<>1]0%", False),
        # a [ with another before its ] is one character (the emulator splits so too)
        ("[a[<1]0;0%", True),
        ("0[;0%[Red]", False),
        ("[>1]0[;0%[Red]", True),
    ],
)
def test_percent_codes(code: str, percent: bool) -> None:
    assert is_percent_code(code) is percent


STYLES = b"""<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">
<numFmts count="2"><numFmt numFmtId="164" formatCode="0.0%"/>
<numFmt formatCode="&quot;%&quot;0" numFmtId="165"/></numFmts>
<cellXfs count="5"><xf numFmtId="0"/><xf numFmtId="9" applyNumberFormat="1"/>
<xf numFmtId="164"><alignment horizontal="left"/></xf><xf numFmtId="165"/><xf numFmtId="10"/>
</cellXfs></styleSheet>"""


def test_percent_styles_builtin_and_custom() -> None:
    assert percent_styles(STYLES) == {1, 2, 4}
    assert percent_styles(None) == frozenset()
    assert percent_styles(b"<styleSheet/>") == frozenset()


def test_percent_ones_only_number_cells_holding_one() -> None:
    sheet = (
        b'<sheetData><row r="2">'
        b'<c r="A2" s="1"><v>1</v></c>'  # 100%
        b'<c r="B2" s="0"><v>1</v></c>'  # 1, general
        b'<c r="C2" s="1" t="b"><v>1</v></c>'  # TRUE
        b'<c r="D2" s="1" t="s"><v>1</v></c>'  # shared string #1
        b'<c r="E2" s="1"><f>2-1</f><v>1</v></c>'  # a formula giving 100%
        b'<c r="F2" s="1" t="inlineStr"><is><t>1</t></is></c>'
        b'<c r="G2" s="2"><v>0.5</v></c>'
        b'<c r="AA2" s="4" t="n"><v>1</v></c>'
        b"</row></sheetData>"
    )
    assert percent_ones(sheet, frozenset({1, 2, 4})) == {(2, 1), (2, 5), (2, 27)}
    assert percent_ones(sheet, frozenset()) == frozenset()
    prefixed = b'<x:row r="3"><x:c r="B3" s="1"><x:v>1</x:v></x:c></x:row>'
    assert percent_ones(prefixed, frozenset({1})) == {(3, 2)}


def _team(path: Path) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "OKRs"
    ws.append(["Confidence", "Weight"])
    for value, fmt in ((1, "0%"), (1, "General"), (0.7, "0%"), (1, "0.0%"), (7, "General")):
        ws.append([value, 1])
        ws.cell(ws.max_row, 1).number_format = fmt
    wb.save(path)
    return path


def test_reader_marks_percent_ones(tmp_path: Path) -> None:
    grid = read_workbook(_team(tmp_path / "t.xlsx"), tabs=["OKRs"]).sheets["OKRs"]
    assert grid.percent_ones == {(2, 1), (5, 1)}
    assert grid.value(2, 1) == 1 and grid.value(3, 1) == 1


@needs_libreoffice
def test_reader_marks_percent_ones_in_libreoffice_files(tmp_path: Path) -> None:
    """LibreOffice numbers its styles its own way; the formats decide, not the indexes."""
    saved = convert(_team(tmp_path / "t.xlsx"), "xlsx", tmp_path / "lo")
    data = read_workbook_bytes(saved.read_bytes(), source="t.xlsx", tabs=["OKRs"])
    assert data.sheets["OKRs"].percent_ones == {(2, 1), (5, 1)}
    book = openpyxl.load_workbook(io.BytesIO(saved.read_bytes()))
    assert book["OKRs"]["A2"].number_format.endswith("%")


def test_a_team_typing_100_percent_is_confident(tmp_path: Path) -> None:
    """End to end through the mapping: 100% is certainty, 1 is 1 of 10."""
    path = write_team(tmp_path / "sales.xlsx", [r + [None] * (14 - len(r)) for r in OKR_ROWS])
    book = openpyxl.load_workbook(path)
    okrs = book["OKRs"]
    column = next(c.column for c in okrs[1] if c.value == "Confidence")
    okrs.cell(2, column, 1).number_format = "0%"  # typed as 100%
    okrs.cell(3, column, 1)  # typed as 1
    book.save(path)
    mapping = load_mapping("standard")
    data = read_workbook(path, tabs=["OKRs", "KPIs"])
    team = build_team_input("Sales", extract(data, mapping))
    assert [kr.confidence for kr in team.key_results[:2]] == [1.0, 0.1]


@needs_libreoffice
def test_reader_marks_percent_ones_in_ods_files(tmp_path: Path) -> None:
    ods = convert(_team(tmp_path / "t.xlsx"), "ods", tmp_path / "lo")
    data = read_workbook_bytes(ods.read_bytes(), source="t.ods", tabs=["OKRs"])
    assert data.sheets["OKRs"].percent_ones == {(2, 1), (5, 1)}
    assert data.sheets["OKRs"].value(2, 1) == 1


def test_percent_cells_are_every_non_text_cell_in_a_percent_style() -> None:
    sheet = (
        b'<sheetData><row r="2"><c r="A2" s="1"><v>0.45</v></c><c r="B2" s="1" t="s">'
        b'<v>0</v></c><c r="C2" s="2"><v>0.45</v></c><c r="D2" s="11"><v>3</v></c>'
        b'<c r="E2" s="1"/></row></sheetData>'
    )
    assert percent_cells(sheet, frozenset({1, 4})) == {(2, 1), (2, 5)}
    assert percent_cells(sheet, frozenset()) == frozenset()


def test_reader_marks_percent_cells(tmp_path: Path) -> None:
    grid = read_workbook(_team(tmp_path / "t.xlsx"), tabs=["OKRs"]).sheets["OKRs"]
    assert grid.percent_cells == {(2, 1), (4, 1), (5, 1)}


@needs_libreoffice
def test_reader_marks_percent_cells_in_ods_files(tmp_path: Path) -> None:
    ods = convert(_team(tmp_path / "t.xlsx"), "ods", tmp_path / "lo")
    data = read_workbook_bytes(ods.read_bytes(), source="t.ods", tabs=["OKRs"])
    assert data.sheets["OKRs"].percent_cells == {(2, 1), (4, 1), (5, 1)}


def test_a_percentage_typed_in_a_count_key_result_is_a_warning(tmp_path: Path) -> None:
    """45% typed in a key result counted in k$ is stored 0.45: the count 45 was probably
    meant, and it scored as 0.45 (nothing said so)."""
    path = write_team(tmp_path / "sales.xlsx", [r + [None] * (14 - len(r)) for r in OKR_ROWS])
    book = openpyxl.load_workbook(path)
    okrs = book["OKRs"]
    column = next(c.column for c in okrs[1] if c.value == "Current")
    okrs.cell(2, column, 0.45).number_format = "0%"  # KR1, unit k$: typed as 45%
    book.save(path)
    data = read_workbook(path, tabs=["OKRs", "KPIs"])
    team = build_team_input("Sales", extract(data, load_mapping("standard")))
    period = Period("Q4", dt.date(2026, 10, 1), dt.date(2026, 12, 31))
    assert [str(f) for f in lint_team(team, period) if "percentage" in f.message] == [
        "sales.xlsx!OKRs!K2: 45% (stored 0.45) is a percentage, but key result KR1 is "
        "counted in 'k$'; type the number itself (45) in a plain cell, or set the unit to %"
    ]


def test_ods_percent_cells_of_repeated_rows_are_capped() -> None:
    """Each repeated % cell listed up to 1,000 rows x 100 columns: 300 such rows in a small
    content.xml built 30 million tuples (GBs) before the extent check could refuse it."""
    ns = (
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"'
    )
    row = (
        '<table:table-row table:number-rows-repeated="1000"><table:table-cell '
        'table:number-columns-repeated="100" office:value-type="percentage" '
        'office:value="0.45"/></table:table-row>'
    )
    xml = f'<r {ns}><table:table table:name="OKRs">{row * 300}</table:table></r>'.encode()
    scan = scan_ods(xml, "t.ods")["OKRs"]
    assert PERCENT_CELLS_KEPT <= len(scan.percent_cells) < PERCENT_CELLS_KEPT + 100_001


def test_a_blank_cell_in_a_percent_column_shows_no_percentage(tmp_path: Path) -> None:
    """Excel keeps the format of a blank cell in a column formatted 0%, Google only says a
    number is shown as one: a KPI's blank Lower and Upper in such a column made its plain
    actual 0.8 read as 80%, and a key result of 0 to 10 fed from it was told to type 0% and
    10% (2026-12-06). Only a cell with a number in it shows a percentage."""
    book = openpyxl.Workbook()
    okrs = book.active
    assert okrs is not None
    okrs.title = "OKRs"
    okrs.append(["Objective ID", "KR ID", "Start", "Target", "Current", "Unit", "KPI link",
                 "Owner"])  # fmt: skip
    okrs.append(["O1", "O1.1", 0, 10, None, "launches", "KPI-1", "Ann"])
    okrs.append(["O1", "O1.2", 0, 20, 5, "deals", None, "Ann"])
    okrs["E2"].number_format = "0%"  # a blank Current in a percent column: nothing typed
    kpis = book.create_sheet("KPIs")
    kpis.append(["KPI ID", "Direction", "Target", "Lower", "Upper", "Actual", "As of", "Owner"])
    kpis.append(["KPI-1", "higher", 0.9, None, None, 0.8, dt.datetime(2026, 11, 10), "Ann"])
    for cell in ("D2", "E2"):
        kpis[cell].number_format = "0%"
    book.save(tmp_path / "sales.xlsx")
    data = read_workbook(tmp_path / "sales.xlsx", tabs=["OKRs", "KPIs"])
    assert data.sheets["KPIs"].percent_cells == {(2, 4), (2, 5)}  # the backend keeps them
    assert data.sheets["OKRs"].percent_cells == {(2, 5)}
    team = build_team_input("Sales", extract(data, load_mapping("standard")))
    assert [k.shown_as_percent for k in team.kpis] == [frozenset()]
    assert [kr.shown_as_percent for kr in team.key_results] == [frozenset(), frozenset()]
    period = Period("Q4", dt.date(2026, 10, 1), dt.date(2026, 12, 31))
    result = evaluate_team(team, period=period, as_of=dt.date(2026, 11, 15))
    assert [str(f) for f in result.findings if f.row_id in ("O1.1", "O1.2", "KPI-1")] == []


_STYLES = b'<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'


def test_self_closing_cell_xfs_cost_one_scan_each() -> None:
    """Found by review 2026-12-06: ``(.*?)</cellXfs>`` scanned to the end of the styles
    from each ``<cellXfs/>`` with no end tag after it (10,000: 17 s, a 5 KB .xlsx). 40,000
    took minutes; in a child bounded far above a linear scan's milliseconds."""
    code = (
        "from sheets_sync.backends.excel.percent import percent_styles\n"
        f"head = {_STYLES!r}\n"
        "print(sorted(percent_styles(head + b'<cellXfs/>' * 40_000 + b'</styleSheet>')))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=HANG, check=True
    )
    assert done.stdout == "[]\n"


def test_a_style_repeated_in_one_cell_tag_is_read_once() -> None:
    """Found by review 2026-12-07: each ``s="N"`` in a tag read the whole tag again, so
    4,000 in one ``<c>`` (24 KB) took 15 s and 100,000 (600 KB) far longer than the hang
    guard; read once, milliseconds. In a child bounded far above that."""
    code = (
        "from sheets_sync.backends.excel.percent import percent_cells\n"
        "tag = b'<c r=\"B2\"' + b' s=\"1\"' * 100_000 + b'><v>0.5</v></c>'\n"
        'row = b\'<sheetData><row r="2">\' + tag + b\'<c r="C2" s="1"/></row></sheetData>\'\n'
        "print(sorted(percent_cells(row, frozenset({1}))))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=HANG, check=True
    )
    assert done.stdout == "[(2, 2), (2, 3)]\n"


def test_a_style_looked_for_in_text_and_other_tags_finds_only_cells() -> None:
    sheet = (
        b'<sheetData><row r="2" s="1" s="1"><c r="A2" s="1" t="inlineStr"><is><t> s="1"> s="1"'
        b'</t></is></c><c r="B2" xs="1" s="1"><v>2</v></c><c r="C2" t="s" s=\'1\'><v>0</v>'
        b"</c></row></sheetData>"
    )
    assert percent_cells(sheet, frozenset({1})) == {(2, 2)}


def test_the_cell_xfs_read_are_the_first_with_an_end_tag() -> None:
    real = b'<cellXfs count="2"><xf numFmtId="0"/><xf numFmtId="9"/></cellXfs>'
    assert percent_styles(_STYLES + b"<cellXfs/>" * 3 + real + b"</styleSheet>") == {1}
    assert percent_styles(_STYLES + b"<cellXfs >" + b"</styleSheet>") == frozenset()
    # (.*?)</cellXfs> read from the self-closing one, taking the 9 before the real list
    early = b'<cellXfs/><xf numFmtId="9"/><cellXfs><xf numFmtId="0"/></cellXfs>'
    assert percent_styles(_STYLES + early + b"</styleSheet>") == frozenset()


def _styles_with(code: bytes) -> bytes:
    """Styles whose cellXfs 1 has the custom format ``code``, as its raw attribute bytes."""
    return (
        _STYLES + b'<numFmts count="1"><numFmt numFmtId="164" formatCode="' + code + b'"/>'
        b'</numFmts><cellXfs count="2"><xf numFmtId="0"/><xf numFmtId="164"/></cellXfs>'
        b"</styleSheet>"
    )


@pytest.mark.parametrize(
    ("code", "percent"),
    [
        # a > is legal in an attribute: [^>]* stopped at it, the code unread (until 2026-12-06)
        (b"[>=1]0%;0.0%", True),
        (b"[&gt;=1]0%;0.0%", True),
        (b"0&#37;", True),  # references decoded as a parser does, before the % is looked for
        (b"0&#x25;", True),
        (b"&quot;%&quot;0", False),  # a quoted %: text
        # decoded once: 0&quot;% is no quote (decoded twice, 0"% shows a %), and its ; ends
        # the positive section, so the % is the negative one's (True until 2026-12-07,
        # when a % in any section counted)
        (b"0&amp;quot;%", False),
        # decoded once: 0;0&#37; has its ; and a % in the negative section only (True
        # until 2026-12-07, when a % in any section counted; decoded twice it is 0;0%)
        (b"0;0&#37;", False),
        (b"0\\&#37;", False),  # an escaped one
        # leading zeros keep a reference valid (calamine reads this %): int() refused a
        # decimal one past 4,300 digits, a ValueError (until 2026-12-06)
        (b"0&#" + b"0" * 5000 + b"37;", True),
        (b"0&#x" + b"0" * 5000 + b"25;", True),
        (b"0&#" + b"3" * 5000 + b";", False),  # out of range: as written, no %
    ],
)
def test_a_format_code_is_read_as_a_parser_reads_it(code: bytes, percent: bool) -> None:
    assert percent_styles(_styles_with(code)) == ({1} if percent else frozenset())


def test_a_num_fmt_tag_is_matched_by_the_shared_attribute_pattern() -> None:
    """``<numFmt>``'s matcher held a copy of ``tag_re``'s attribute pattern: one constant,
    so a fix to one (a ``>`` in a value) cannot miss the other."""
    from sheets_sync.backends.excel import percent
    from sheets_sync.backends.excel.xmlutil import TAG_ATTRS, tag_re

    assert TAG_ATTRS in tag_re(b"", b"numFmt").pattern
    assert TAG_ATTRS in percent._NUM_FMT.pattern


def test_a_confidence_of_100_percent_in_a_conditional_format_is_read(tmp_path: Path) -> None:
    """A writer may leave > unescaped in ``formatCode="[>=1]0%;0.0%"``: the 1 in it was
    read as 1 of 10 (a confidence of 10%) until 2026-12-06."""
    grid = _read_with_code(tmp_path / "t.xlsx", b"[>=1]0.0%;0%")
    assert grid.percent_ones == {(2, 1), (5, 1)}


def test_a_format_code_with_a_long_character_reference_is_read(tmp_path: Path) -> None:
    """``&#000…037;`` with 5,000 zeros is ``%`` (calamine reads the file): the reader
    raised ValueError (int's 4,300-digit limit), the team's "internal error", until
    2026-12-06."""
    grid = _read_with_code(tmp_path / "t.xlsx", b"0.0&#" + b"0" * 5000 + b"37;")
    assert grid.percent_ones == {(2, 1), (5, 1)}


def _read_with_code(path: Path, code: bytes) -> SheetGrid:
    """``_team``'s tab read after its ``0.0%`` format code is replaced by raw ``code``."""
    _team(path)
    with zipfile.ZipFile(path) as book:
        parts = {i.filename: book.read(i.filename) for i in book.infolist()}
    styles = parts["xl/styles.xml"]
    assert styles.count(b'formatCode="0.0%"') == 1
    parts["xl/styles.xml"] = styles.replace(b'formatCode="0.0%"', b'formatCode="' + code + b'"')
    with zipfile.ZipFile(path, "w") as book:
        for name, data in parts.items():
            book.writestr(name, data)
    return read_workbook(path, tabs=["OKRs"]).sheets["OKRs"]
