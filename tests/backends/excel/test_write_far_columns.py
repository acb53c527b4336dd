"""A row holding a cell past Excel's last column, which the reader reads, is written
as any other, the far cell left alone: until a review on 2026-12-07 the write path read
a reference's letters by rules of its own (1-3), so ``AAAA3``, which the reader had
come to read (calamine does), refused the write as a malformed reference, while
``XFE3`` was left alone."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest

from sheets_sync.backends.excel import cellscan
from sheets_sync.backends.excel.backend import ExcelBackend
from sheets_sync.grid import CellWrite
from tests.backends.excel.test_reader_error_codes import SHEET, _team
from tests.support.workbooks import member_rewritten


def _with_last_cell(cell: bytes) -> bytes:
    """The team workbook, ``cell`` the last cell of its row 3 (no ``<dimension>``)."""

    def edit(body: bytes) -> bytes:
        body, n = re.subn(rb'(<row r="3"[^>]*>.*?)(</row>)', rb"\1" + cell + rb"\2", body)
        assert n == 1
        return re.sub(rb"<dimension [^>]*/>", b"", body)

    return member_rewritten(_team(), SHEET, edit)


@pytest.mark.parametrize(
    ("ref", "col"),
    [("XFE3", 16_385), ("AAAA3", 18_279), ("aaaa3", 18_279)],
)
def test_a_row_holding_a_far_cell_is_read_and_written(tmp_path: Path, ref: str, col: int) -> None:
    far = f'<c r="{ref}"><v>7</v></c>'.encode()
    (tmp_path / "team").mkdir()
    path = tmp_path / "team" / "sales.xlsx"
    path.write_bytes(_with_last_cell(far))
    backend = ExcelBackend(path, display_name="sales.xlsx", backup_dir=tmp_path / "bk")
    data = backend.read(["OKRs"])
    grid = data.sheets["OKRs"]
    assert grid.used_cols == col and grid.rows[2][col - 1] == 7
    backend.write(data, [CellWrite("OKRs", 3, 21, "noted")])
    xml = zipfile.ZipFile(path).read(SHEET)
    row = re.search(rb'<row r="3".*?</row>', xml)
    assert row is not None
    # the new cell in its place, before the far one, which is as it was
    assert row[0].endswith(
        b'<c r="M3" t="n"><v>1</v></c>'
        b'<c r="U3" t="inlineStr"><is><t xml:space="preserve">noted</t></is></c>' + far + b"</row>"
    )
    again = backend.read(["OKRs"]).sheets["OKRs"]
    assert again.rows[2][20] == "noted" and again.rows[2][col - 1] == 7


def _with_dimension(ref: bytes) -> bytes:
    """The team workbook, its OKRs tab's ``<dimension>`` set to ``ref``."""

    def edit(body: bytes) -> bytes:
        body, n = re.subn(rb'<dimension ref="[^"]*"', b'<dimension ref="' + ref + b'"', body)
        assert n == 1
        return body

    return member_rewritten(_team(), SHEET, edit)


@pytest.mark.parametrize(
    "far",
    [b"A1:" + b"A" * 20 + b"5", b"A1:C" + b"9" * 20, b"A1:" + b"Z" * 14 + b"1" + b"0" * 19],
)
def test_a_dimension_past_what_is_counted_is_left_alone(tmp_path: Path, far: bytes) -> None:
    """A ``<dimension>`` whose last row or column is counted as ``BEYOND`` (past 18 digits,
    13 letters) is left as it is by a write that grows the tab: until a review on
    2026-12-07 it was written back as the capped count, a made-up reference
    (``A1:JLKTWHMJDBNIN40`` for 20 A's, ``A1:U1000000000000000000`` for 20 nines)."""
    (tmp_path / "team").mkdir()
    path = tmp_path / "team" / "sales.xlsx"
    path.write_bytes(_with_dimension(far))
    backend = ExcelBackend(path, display_name="sales.xlsx", backup_dir=tmp_path / "bk")
    data = backend.read(["OKRs"])
    backend.write(data, [CellWrite("OKRs", 40, 21, "noted")])
    xml = zipfile.ZipFile(path).read(SHEET)
    assert b'<dimension ref="' + far + b'"/>' in xml
    assert backend.read(["OKRs"]).sheets["OKRs"].rows[39][20] == "noted"


@pytest.mark.parametrize(
    ("ref", "grown"),
    [(b"A1:AAAA5", b"A1:AAAA40"), (b"A1:XFE5", b"A1:XFE40"), (b"A1:C5", b"A1:U40")],
)
def test_a_dimension_within_what_is_counted_grows(tmp_path: Path, ref: bytes, grown: bytes) -> None:
    (tmp_path / "team").mkdir()
    path = tmp_path / "team" / "sales.xlsx"
    path.write_bytes(_with_dimension(ref))
    backend = ExcelBackend(path, display_name="sales.xlsx", backup_dir=tmp_path / "bk")
    backend.write(backend.read(["OKRs"]), [CellWrite("OKRs", 40, 21, "noted")])
    assert b'<dimension ref="' + grown + b'"/>' in zipfile.ZipFile(path).read(SHEET)


def test_only_short_references_are_kept_for_the_process(tmp_path: Path) -> None:
    """The column memos live as long as the process: a row of long references, which the
    reader reads (empty cells: no content, nothing past the grid), is written with each
    read again, not kept (5,000 such cells pinned 40 MB of keys until a second review
    on 2026-12-07); short ones are kept, their letters too."""
    cellscan.COLUMN_OF_REF.clear()
    cellscan._COLUMN_OF.clear()
    limit = cellscan._MEMO_KEPT_LEN
    long_letters = "Z" * 3_000 + "3"
    long_digits = "ZZ" + "0" * 3_000 + "3"
    longest = "ZZZ" + "0" * (limit - 4) + "3"
    cells = "".join(f'<c r="{r}"/>' for r in ("XFE3", longest, long_digits, long_letters))
    (tmp_path / "team").mkdir()
    path = tmp_path / "team" / "sales.xlsx"
    path.write_bytes(_with_last_cell(cells.encode()))
    backend = ExcelBackend(path, display_name="sales.xlsx", backup_dir=tmp_path / "bk")
    backend.write(backend.read(["OKRs"]), [CellWrite("OKRs", 3, 21, "noted")])
    assert zipfile.ZipFile(path).read(SHEET).count(cells.encode()) == 1  # left as they were
    assert all(len(k) <= limit for k in cellscan.COLUMN_OF_REF)
    assert all(len(k) <= limit for k in cellscan._COLUMN_OF)
    assert {b"XFE3", longest.encode()} <= set(cellscan.COLUMN_OF_REF)
    assert {b"XFE", b"ZZZ", b"ZZ"} <= set(cellscan._COLUMN_OF)
    for ref in (long_letters, long_digits):  # read again, the same
        assert cellscan.column_of(ref.encode()) == cellscan.parse_ref(ref)[1]
