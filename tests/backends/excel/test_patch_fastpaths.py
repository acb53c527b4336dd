"""The write path's shortcuts give exactly what the plain way gives: the one-regex cell and
row scans, the zip assembled without ``zipfile``, and the caches shared across workbooks."""

from __future__ import annotations

import dataclasses

from hypothesis import given, settings
from hypothesis import strategies as st

from sheets_sync.backends.excel import cellscan, ownedcell, patch, styles
from sheets_sync.backends.excel.cellscan import ref_column
from sheets_sync.backends.excel.patch import patch_xlsx
from sheets_sync.backends.excel.sheetxml import SheetEditor
from sheets_sync.backends.excel.xmlutil import find_tag, tag_re
from sheets_sync.errors import WorkbookError
from sheets_sync.grid import CellStyle, CellWrite
from tests.backends.excel.fixtures import status_writes

TOKENS = [
    '<c r="A1">',
    '<c r="B1" s="2" t="s">',
    '<c r="C1"/>',
    "<c>",
    "<c/>",
    "</c>",
    "<v>1</v>",
    "<f>A1</f>",
    "<c r='D1'>",
    '<c\nr="E1"\tt="n">',
    '<c r = "F1" >',
    '<c s="1" r="G1">',
    '<c r="$B$1">',
    "<c foo=\"x r='B1'\">",
    '<c r="A1"x="1">',
    "<is><t>hi</t></is>",
    "<cx>",
    '<c r="Q1"',
    ">",
    "/>",
    " ",
    '"',
]
ROWS = ['<row r="1">', '<row r="3" spans="1:3">', "<row>", '<row r="4"/>', '<row s="1" r="6">']


def _reference_rows(ed: SheetEditor) -> list[tuple[int, int, int, bool]]:
    """Rows as the write path found them before the one-regex scan: tag by tag."""
    out = []
    pos, prev = ed.sd.end, 0
    close = b"</" + ed.p + b"row>"
    while (tag := find_tag(tag_re(ed.p, b"row"), ed.xml, pos, ed.sd_end)) is not None:
        r = tag.get(b"r")
        num = int(r) if r is not None else prev + 1
        end = tag.end if tag.self_closing else ed.xml.find(close, tag.end)
        if end < 0:
            raise WorkbookError("unterminated <row>")
        if not tag.self_closing and find_tag(tag_re(ed.p, b"row"), ed.xml, tag.end, end):
            raise WorkbookError("a <row> inside a row: refused, not misread")
        end = end if tag.self_closing else end + len(close)
        out.append((tag.start, num, end, tag.self_closing))
        pos, prev = end, num
    return out


def _reference_cells(ed: SheetEditor, start: int, end: int) -> list[tuple[int, int, int, bytes]]:
    out = []
    pos, prev = start, 0
    close = b"</" + ed.p + b"c>"
    while (tag := find_tag(tag_re(ed.p, b"c"), ed.xml, pos, end)) is not None:
        col = ref_column(tag.raw) or prev + 1
        if tag.self_closing:
            cell_end, inner = tag.end, b""
        else:
            found = ed.xml.find(close, tag.end, end)
            if found < 0:
                raise WorkbookError("unterminated <c>")
            cell_end, inner = found + len(close), ed.xml[tag.end : found]
            if find_tag(tag_re(ed.p, b"c"), inner) is not None:
                raise WorkbookError("a <c> inside a cell: refused, not misread")
        out.append((col, tag.start, cell_end, inner))
        pos, prev = cell_end, col
    return out


def _outcome(fn: object) -> object:
    try:
        return fn()  # type: ignore[operator]
    except (WorkbookError, ValueError) as exc:
        return type(exc)


@settings(max_examples=400, deadline=None)
@given(
    st.lists(
        st.tuples(st.sampled_from(ROWS), st.lists(st.sampled_from(TOKENS), max_size=8)),
        max_size=4,
    ),
    st.booleans(),
    st.booleans(),
)
def test_row_and_cell_scans_match_tag_by_tag(
    rows: list[tuple[str, list[str]]], prefixed: bool, closed: bool
) -> None:
    body = "".join(r + "".join(cells) + ("</row>" if closed else "") for r, cells in rows)
    p = "x:" if prefixed else ""
    if p:
        for name in ("c", "row", "v", "f", "is", "t"):
            body = body.replace(f"<{name}", f"<{p}{name}").replace(f"</{name}>", f"</{p}{name}>")
    xml = (
        f'<{p}worksheet xmlns{":x" if p else ""}="urn:m"><{p}sheetData>{body}'
        f"</{p}sheetData></{p}worksheet>"
    ).encode()
    ed = SheetEditor(xml, "p", "S")

    def fast_rows() -> list[tuple[int, int, int, bool]]:
        return [(t.start, n, e, t.self_closing) for t, n, e in ed._rows()]

    assert _outcome(fast_rows) == _outcome(lambda: _reference_rows(ed))
    if isinstance(found := _outcome(fast_rows), list):
        for start, _, end, closing in found:
            if closing:
                continue
            tag_end = ed.xml.index(b">", start) + 1  # these row tags hold no quoted ">"
            inner_end = end - len(b"</" + ed.p + b"row>")

            def fast_cells(a: int = tag_end, b: int = inner_end) -> object:
                return [(c, m.start(), m.end(), m[4] or b"") for c, m in ed._cells(a, b)]

            reference = _outcome(lambda a=tag_end, b=inner_end: _reference_cells(ed, a, b))
            assert _outcome(fast_cells) == reference


def test_cold_and_warm_caches_give_the_same_bytes(team_openpyxl: bytes) -> None:
    writes = status_writes()
    warm = patch_xlsx(team_openpyxl, writes)
    for cache in (
        cellscan._COLUMN_OF,
        cellscan.COLUMN_OF_REF,
        ownedcell._ESCAPED,
        cellscan._LETTERS,
    ):
        cache.clear()
    for cached in (
        styles._parse_cached,
        styles._fill,
        styles._rendered,
        styles.StyleBook._font,
        patch._rels_cached,
        patch._sheets_cached,
    ):
        cached.cache_clear()
    assert patch_xlsx(team_openpyxl, writes) == warm
    assert patch_xlsx(team_openpyxl, writes) == warm


class _StyleOnEachAccess:
    """An ``Edit`` whose style is built each time it is read (``Edit.style`` is a property):
    nothing holds the style between reads, so its id can go to the next one built."""

    def __init__(self, write: CellWrite) -> None:
        self.sheet, self.row, self.col, self.value = write.sheet, write.row, write.col, write.value
        self._style = write.style

    ref = CellWrite.ref

    @property
    def style(self) -> CellStyle | None:
        s = self._style
        return None if s is None else dataclasses.replace(s)


def test_a_style_built_on_each_read_gets_its_own_xf(team_openpyxl: bytes) -> None:
    """The patch memoises a style's xf by the style's identity: an entry that let its style
    go would hand a freed id's xf to the next style built there (red cells turned green)."""
    writes = status_writes()
    lazy = [_StyleOnEachAccess(w) for w in writes]
    assert patch_xlsx(team_openpyxl, lazy) == patch_xlsx(team_openpyxl, writes)  # type: ignore[arg-type]
