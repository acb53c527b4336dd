"""The nightly sync on team workbooks as Excel power users keep them: Tables with totals
rows, filters and groups, protection, macros, templates, odd zips.

Each test starts from a demo team's workbook, alters its XML parts as Excel would have
written them, runs ``sheets-sync validate`` and ``sync`` and checks that only the owned
cells changed (every other zip member byte for byte) and that the scores read back.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable
from pathlib import Path

from click.testing import CliRunner

from sheets_sync.cli import cli
from sheets_sync.template.spec import TEMPLATE
from sheets_sync.workspace.demo import create_demo, demo_teams

AS_OF = ("--as-of", "2026-11-20")
OKRS = "xl/worksheets/sheet1.xml"
WORKBOOK = "xl/workbook.xml"
CONTENT_TYPES = "[Content_Types].xml"
WB_RELS = "xl/_rels/workbook.xml.rels"
#: what a sync may change in the demo's Sales workbook: its two data tabs and the styles
WRITTEN = {OKRS, "xl/worksheets/sheet2.xml", "xl/styles.xml"}

Parts = dict[str, bytes]


def cli_run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.output


def parts_of(data: bytes) -> Parts:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return {i.filename: z.read(i) for i in z.infolist()}


def zipped(parts: Parts) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, body in parts.items():
            z.writestr(zipfile.ZipInfo(name, (2026, 11, 2, 9, 30, 0)), body, zipfile.ZIP_DEFLATED)
    return out.getvalue()


def edit(parts: Parts, name: str, old: str, new: str) -> None:
    assert old.encode() in parts[name], (name, old)
    parts[name] = parts[name].replace(old.encode(), new.encode(), 1)


def sales_workspace(tmp_path: Path, alter: Callable[[Parts], None], ext: str = ".xlsx") -> Path:
    """The demo workspace with only Sales, its workbook altered by ``alter``."""
    sales = [t for t in demo_teams() if t.name == "Sales"]
    config = create_demo(tmp_path / "ws", sales)
    book = config.parent / "teams" / "Sales.xlsx"
    parts = parts_of(book.read_bytes())
    alter(parts)
    book.unlink()
    book.with_suffix(ext).write_bytes(zipped(parts))
    if ext != ".xlsx":
        text = config.read_text(encoding="utf-8")
        config.write_text(text.replace("teams/Sales.xlsx", f"teams/Sales{ext}"), "utf-8")
    return config


def sync(config: Path, ext: str = ".xlsx") -> tuple[Parts, Parts, str]:
    """(parts before, parts after, validate's output) of one sync of Sales."""
    book = config.parent / "teams" / f"Sales{ext}"
    before = parts_of(book.read_bytes())
    code, validated = cli_run("validate", "--config", str(config), *AS_OF)
    assert code in (0, 1), validated
    code, out = cli_run("sync", "--config", str(config), *AS_OF)
    assert code == 0, out
    after = parts_of(book.read_bytes())
    assert list(after) == list(before)
    assert {n for n in before if before[n] != after[n]} == WRITTEN
    return before, after, validated


def cell(sheet: bytes, ref: str) -> str:
    m = re.search(rb'<c r="' + ref.encode() + rb'"(?:/>|.*?</c>)', sheet)
    assert m is not None, ref
    return m[0].decode()


# --- Excel Tables ---------------------------------------------------------------------

HEADERS = [c.header for c in TEMPLATE.okrs.columns]
TOTAL_SCORE = '<c r="R7"><f>SUBTOTAL(101,Goals[Score])</f><v>0.5</v></c>'


def with_table(parts: Parts) -> None:
    """An Excel Table over the key results (A1:U6) with a totals row (row 7) that
    averages the Score column."""
    edit(
        parts,
        OKRS,
        "</sheetData>",
        '<row r="7"><c r="A7" t="inlineStr"><is><t>Total</t></is></c>'
        + TOTAL_SCORE
        + "</row></sheetData>",
    )
    edit(parts, OKRS, '<dimension ref="A1:U6"/>', '<dimension ref="A1:U7"/>')
    edit(
        parts,
        OKRS,
        "</worksheet>",
        '<tableParts count="1"><tablePart r:id="rIdT1"/></tableParts></worksheet>',
    )
    columns = "".join(
        f'<tableColumn id="{i}" name="{h}"'
        + (' totalsRowLabel="Total"' if i == 1 else "")
        + (' totalsRowFunction="average"' if h == "Score" else "")
        + "/>"
        for i, h in enumerate(HEADERS, 1)
    )
    parts["xl/tables/table1.xml"] = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<table xmlns='
        '"http://schemas.openxmlformats.org/spreadsheetml/2006/main" id="1" name="Goals" '
        'displayName="Goals" ref="A1:U7" totalsRowCount="1"><autoFilter ref="A1:U6"/>'
        f'<tableColumns count="{len(HEADERS)}">{columns}</tableColumns>'
        '<tableStyleInfo name="TableStyleMedium2" showRowStripes="1"/></table>'
    ).encode()
    parts["xl/worksheets/_rels/sheet1.xml.rels"] = (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns='
        b'"http://schemas.openxmlformats.org/package/2006/relationships"><Relationship '
        b'Id="rIdT1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        b'relationships/table" Target="../tables/table1.xml"/></Relationships>'
    )
    edit(
        parts,
        CONTENT_TYPES,
        "</Types>",
        '<Override PartName="/xl/tables/table1.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.table+xml"/></Types>',
    )


def test_a_tables_totals_row_is_not_a_key_result_and_keeps_its_formula(tmp_path: Path) -> None:
    before, after, validated = sync(sales_workspace(tmp_path, with_table))
    assert "OKRs!E7" not in validated and "OKRs!A7" not in validated
    assert cell(after[OKRS], "R7") == TOTAL_SCORE
    row7 = re.compile(rb'<row r="7">.*?</row>')
    assert row7.findall(after[OKRS]) == row7.findall(before[OKRS])
    assert "<v>0.65</v>" in cell(after[OKRS], "R2")  # the key results above were scored


# --- formulas the team put in owned cells ------------------------------------------------


def with_dragged_score_formula(parts: Parts) -> None:
    """A formula typed into R2 and dragged down to R6: Excel saves one shared formula."""
    edit(
        parts,
        OKRS,
        '<c r="R2" s="3"/>',
        '<c r="R2" s="3"><f t="shared" ref="R2:R6" si="0">IF(J2="","",0.5)</f><v>0.5</v></c>',
    )
    for row in range(3, 7):
        edit(
            parts,
            OKRS,
            f'<c r="R{row}" s="3"/>',
            f'<c r="R{row}" s="3"><f t="shared" si="0"/><v>0.5</v></c>',
        )


def test_a_formula_dragged_down_the_score_column_is_replaced(tmp_path: Path) -> None:
    _, after, _ = sync(sales_workspace(tmp_path, with_dragged_score_formula))
    assert "<v>0.65</v>" in cell(after[OKRS], "R2")
    assert not re.search(rb'<c r="R\d+"[^>]*>(?:(?!</c>).)*<f', after[OKRS])
