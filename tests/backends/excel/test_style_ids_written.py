"""A team's ``styles.xml`` ids read by the writer (``styles.StyleBook``) with
``xmlutil.whole``, not ``int``: a ``fontId`` padded to 5,000 zeros (font 0; calamine and
the reader read the file) was a ValueError on the night's write, the team's "internal
error"; a ``numFmtId`` of 5,000 digits the same where a format is looked up (until
2026-12-07, found sweeping ``int(`` over the Excel backend)."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from click.testing import CliRunner

from sheets_sync.backends.excel.styles import StyleBook
from sheets_sync.cli import cli
from sheets_sync.grid import CellStyle

NS = b'<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
REST = (
    b'<fonts count="1"><font><sz val="11"/></font></fonts><fills count="2"><fill>'
    b'<patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/>'
    b'</fill></fills><cellXfs count="1"><xf numFmtId="0" fontId="0" fillId="0"/></cellXfs>'
    b"</styleSheet>"
)


def _with_styles(path: Path, old: bytes, new: bytes) -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(buf, "w") as out:
        for name in src.namelist():
            data = src.read(name)
            if name == "xl/styles.xml":
                assert old in data
                data = data.replace(old, new)
            out.writestr(name, data)
    path.write_bytes(buf.getvalue())


def test_a_sync_writes_a_team_whose_font_id_is_padded(workspace: Path) -> None:
    team = workspace.parent / "teams" / "sales.xlsx"
    _with_styles(team, b'fontId="0"', b'fontId="' + b"0" * 5000 + b'"')
    done = CliRunner().invoke(cli, ["sync", "--config", str(workspace)])
    assert "internal error" not in done.output and "ValueError" not in done.output, done.output
    assert "Sales: ok" in done.output, done.output


def test_a_format_id_is_read_by_its_digits() -> None:
    """A padded id is its number, reused for its code; one of 5,000 digits (past every
    real one) is neither reused nor counted: the new format is 171, after 170."""
    formats = (
        b'<numFmts count="3"><numFmt numFmtId="' + b"0" * 5000 + b'170" formatCode="0.0"/>'
        b'<numFmt numFmtId="' + b"9" * 5000 + b'" formatCode="0.000"/>'
        b'<numFmt numFmtId="x" formatCode="0.00000"/></numFmts>'
    )
    book = StyleBook(NS + formats + REST)
    assert book._num_fmt("0.0") == 170
    assert book._num_fmt("0.000") == 171


def test_a_format_id_with_the_xsds_spaces_or_plus_is_counted() -> None:
    """``" 164 "`` and ``"+165"`` are 164 and 165 (XSD white space and sign; ``int`` read
    them): reused for their codes, and a new format is 166, not a second 164 (as from
    2026-12-07 until a review found it)."""
    formats = (
        b'<numFmts count="2"><numFmt numFmtId=" 164 " formatCode="0.000"/>'
        b'<numFmt numFmtId="\t+165\n" formatCode="0.0000"/></numFmts>'
    )
    book = StyleBook(NS + formats + REST)
    assert book._num_fmt("0.0%") == 166
    assert book._num_fmt("0.000") == 164
    assert book._num_fmt("0.0000") == 165
    rendered = book.render() or b""
    assert rendered.count(b'numFmtId="166"') == 1 and b'numFmtId="164"' not in rendered


def test_a_font_id_with_the_xsds_spaces_or_plus_is_restyled() -> None:
    """``fontId=" 1 "`` (the XSD allows the spaces; ``int`` read it) is font 1, restyled as
    ``fontId="1"`` is; an unreadable id is the first font's, and still restyled. The
    stand-in for an unreadable id was ``len(fonts)``, the very index the new font took,
    so the font change was dropped without a word (found reading the whole change)."""
    fonts = b'<fonts count="2"><font><sz val="11"/></font><font><sz val="14"/></font></fonts>'
    rest = REST.replace(b'<fonts count="1"><font><sz val="11"/></font></fonts>', fonts)
    for font_id, size in ((b'" 1 "', "14"), (b'"+1"', "14"), (b'"1"', "14"), (b'"x"', "11")):
        book = StyleBook(
            NS
            + rest.replace(b'<cellXfs count="1">', b'<cellXfs count="2">').replace(
                b"</cellXfs>", b'<xf numFmtId="0" fontId=' + font_id + b' fillId="0"/></cellXfs>'
            )
        )
        xf = book.lists["cellXfs"][book.xf_for(1, CellStyle(font_color="FF0000"))]
        font = book.lists["fonts"][int(xf.get("fontId") or "")]
        assert xf.get("applyFont") == "1", font_id
        assert any(k.tag == "color" for k in font.children), font_id
        assert [k.get("val") for k in font.children if k.tag == "sz"] == [size], font_id
