"""The copy calamine reads where a tab needs mending (``safety.with_parts``: error codes it
does not know, padded numbers) reads each member as the write-back does
(``zipread.read_member``): inflated no further than its ``file_size`` + 1 bytes. Until
2026-12-07 it copied them by ``ZipFile.read``, which inflates up to 2 GiB past that size
(a picture of 10 bytes inflating to 256 MB of zeros: 558 MiB traced at the read's peak,
0.9 MiB now), and a damaged picture's error named no member."""

from __future__ import annotations

import functools
import io
import struct
import tracemalloc
import zipfile
import zlib
from pathlib import Path

import pytest

from sheets_sync.backends.excel import ExcelBackend
from sheets_sync.backends.excel.patch import patch_xlsx
from sheets_sync.errors import WorkbookError
from sheets_sync.grid import CellError, CellWrite
from tests.backends.excel.test_reader_error_codes import _team, _with_cell, night_beside_ops
from tests.backends.excel.zipcraft import PICTURE, Member, build

BOMB_SIZE = 256 << 20
#: what each tab needs mended: a code calamine does not know, a number with spaces
MENDS = {
    "error code": '<c r="J2" t="e"><f>FILTER(Z:Z,Z:Z)</f><v>#SPILL!</v></c>',
    "padded number": '<c r="J2" t="n"><v> 50 </v></c>',
}
SIZE = 10  # the picture's declared size


@functools.cache
def _bomb() -> bytes:
    """``BOMB_SIZE`` zeros, deflated (~250 KB)."""
    deflating = zlib.compressobj(9, zlib.DEFLATED, -15)
    chunk = bytes(1 << 20)
    return b"".join(deflating.compress(chunk) for _ in range(BOMB_SIZE >> 20)) + (deflating.flush())


def _workbook(mend: str, picture_raw: bytes, picture_body: bytes) -> bytes:
    """The team's workbook, its OKRs tab needing ``mend``, and a picture whose compressed
    bytes are ``picture_raw`` (its CRC-32 and size ``picture_body``'s)."""
    data = _with_cell(_team(), "J2", MENDS[mend])
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        members = [Member(i.filename.encode(), zf.read(i)) for i in zf.infolist()]
    return build([*members, Member(PICTURE.encode(), picture_body, raw=picture_raw)])


def _read(path: Path) -> tuple[object, int]:
    """The OKRs tab's J2 as the backend reads it (or the error), and the read's peak of
    traced memory."""
    backend = ExcelBackend(path, display_name="sales.xlsx")
    tracemalloc.start()
    try:
        try:
            got: object = backend.read(["OKRs"]).sheets["OKRs"].rows[1][9]
        except WorkbookError as exc:
            got = exc
        return got, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


@pytest.mark.parametrize("mend", MENDS)
def test_a_bomb_picture_is_inflated_no_further_than_its_size(tmp_path: Path, mend: str) -> None:
    """Its CRC-32 is its first 10 bytes': ``zipfile`` reads it, and so does the copy."""
    path = tmp_path / "sales.xlsx"
    path.write_bytes(_workbook(mend, _bomb(), bytes(SIZE)))
    got, peak = _read(path)
    assert got == (CellError("#SPILL!") if mend == "error code" else 50)
    assert peak < BOMB_SIZE // 8, f"{peak / 2**20:.0f} MiB traced"


def test_a_bomb_picture_with_a_wrong_crc_is_the_files_error(tmp_path: Path) -> None:
    path = tmp_path / "sales.xlsx"
    data = _workbook("error code", _bomb(), b"x" * SIZE)
    path.write_bytes(data)
    got, peak = _read(path)
    assert isinstance(got, WorkbookError)
    assert str(got) == f"sales.xlsx: the file is damaged: Bad CRC-32 for file '{PICTURE}'"
    assert peak < BOMB_SIZE // 8, f"{peak / 2**20:.0f} MiB traced"
    assert path.read_bytes() == data


@pytest.mark.parametrize("mend", MENDS)
def test_a_damaged_picture_is_named(tmp_path: Path, mend: str) -> None:
    path = tmp_path / "sales.xlsx"
    path.write_bytes(_workbook(mend, b"\xff" * 40, bytes(SIZE)))
    got, _ = _read(path)
    assert isinstance(got, WorkbookError)
    assert str(got).startswith(
        f"sales.xlsx: the file is damaged: {PICTURE}: the member's deflate stream is damaged: "
    )


def test_a_night_fails_that_team_alone_and_leaves_its_file(tmp_path: Path) -> None:
    data = _workbook("error code", b"\xff" * 40, bytes(SIZE))
    failed, ops = night_beside_ops(tmp_path, data).runs
    sales = tmp_path / "teams" / "sales.xlsx"
    assert ops.error is None and ops.result is not None
    assert failed.error is not None
    assert f"the file is damaged: {PICTURE}: the member's deflate stream" in str(failed.error)
    assert sales.read_bytes() == data


@pytest.mark.parametrize("mend", MENDS)
def test_a_picture_running_into_the_central_directory_is_read(tmp_path: Path, mend: str) -> None:
    """Its bytes run into the central directory: read as the read before 2026-12-07 read it
    and as the write-back, which copies a picture raw, unread, writes it (only the XML
    parts a patch reads are refused as ``Overlapped entries``). Until the fix round of
    2026-12-07 the copy refused it (``member_ends``), a read the night had made refused."""
    picture = Member(PICTURE.encode(), bytes(range(64)), method=zipfile.ZIP_STORED)
    with zipfile.ZipFile(io.BytesIO(_with_cell(_team(), "J2", MENDS[mend]))) as zf:
        data = bytearray(
            build([*(Member(i.filename.encode(), zf.read(i)) for i in zf.infolist()), picture])
        )
    start = zipfile.ZipFile(io.BytesIO(data)).start_dir
    body = picture.body + data[start : start + 20]  # into the first member's record
    at = data.rindex(PICTURE.encode()) - 46  # the picture's record, the directory's last
    assert data[at : at + 4] == b"PK\x01\x02"
    struct.pack_into("<3L", data, at + 16, zlib.crc32(body), len(body), len(body))
    path = tmp_path / "sales.xlsx"
    path.write_bytes(data)
    got, _ = _read(path)
    assert got == (CellError("#SPILL!") if mend == "error code" else 50)
    written = patch_xlsx(bytes(data), [CellWrite("OKRs", 3, 20, "synced")], name="sales.xlsx")
    with zipfile.ZipFile(io.BytesIO(written)) as zf:
        assert zf.read(PICTURE) == body


@pytest.mark.filterwarnings("ignore:Duplicate name")  # the copy keeps both, as it did
def test_two_entries_of_one_folder_are_read(tmp_path: Path) -> None:
    """Two entries ``xl/`` (no bytes, one at the zip's start, one at its end): each read
    at its own offset. Until the fix round of 2026-12-07 their ends were kept by name, the
    first entry's end taken as the second's offset, and the copy refused the file as
    ``Overlapped entries: 'xl/'``, where the read before and the write-back read it."""
    with zipfile.ZipFile(io.BytesIO(_with_cell(_team(), "J2", MENDS["error code"]))) as zf:
        members = [Member(i.filename.encode(), zf.read(i)) for i in zf.infolist()]
    folder = Member(b"xl/", b"", method=zipfile.ZIP_STORED)
    path = tmp_path / "sales.xlsx"
    path.write_bytes(build([folder, *members, folder]))
    got, _ = _read(path)
    assert got == CellError("#SPILL!")
