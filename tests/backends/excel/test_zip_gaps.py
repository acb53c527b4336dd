"""Bytes between a team file's zip members, or after the last, are kept by a write-back.

A member the directory no longer lists (a tool that dropped a part by writing a new
directory, leaving the old bytes) may lie anywhere between the members, not only before
the first (``test_zip_prefix.py``). Each member's trailing bytes, to the next local
header or the central directory, are written after it, byte for byte; until 2026-12-07
only those before the first member were kept (the review's probe: between members,
dropped). A data descriptor after a member's bytes is not such a gap: the local header
written holds its CRC-32 and sizes.
"""

from __future__ import annotations

import io
import struct
import zipfile
from pathlib import Path

import pytest
import python_calamine

from sheets_sync.backends.excel import rezip
from sheets_sync.zipread import member_ends
from tests.backends.excel.test_zip_prefix import orphan
from tests.backends.excel.zipcraft import (
    Member,
    build,
    every,
    kept_but_the_sheet,
    team_file,
    team_members,
    write_back,
)
from tests.support.libreoffice import convert, needs_libreoffice

SHEET = "xl/worksheets/sheet1.xml"


def _insert(data: bytes, at: int, blob: bytes) -> bytes:
    """``data`` with ``blob`` at ``at`` (before a member's local header or the central
    directory), the directory's offsets past it moved."""
    out = bytearray(data[:at] + blob + data[at:])
    end = out.rindex(b"PK\x05\x06")
    start = struct.unpack_from("<L", out, end + 16)[0]
    start += len(blob) if start >= at else 0
    struct.pack_into("<L", out, end + 16, start)
    pos = start
    while out[pos : pos + 4] == b"PK\x01\x02":
        offset = struct.unpack_from("<L", out, pos + 42)[0]
        if offset >= at:
            struct.pack_into("<L", out, pos + 42, offset + len(blob))
        n, e, c = struct.unpack_from("<3H", out, pos + 28)
        pos += 46 + n + e + c
    return bytes(out)


def _offsets(data: bytes) -> list[int]:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return [i.header_offset for i in zf.infolist()]


def _check(src: bytes, out: bytes, blob: bytes) -> None:
    assert out.count(blob) == src.count(blob) == 1
    kept_but_the_sheet(src, out, SHEET)


@pytest.mark.parametrize("where", ["between", "after_last"])
def test_an_orphan_between_or_after_the_members_is_kept(
    where: str, zip_path: str, tmp_path: Path
) -> None:
    base = build(team_members())
    at = _offsets(base)[1] if where == "between" else base.index(b"PK\x01\x02")
    blob = orphan()
    src = _insert(base, at, blob)
    file = team_file(tmp_path, src)
    write_back(file)
    out = file.read_bytes()
    _check(src, out, blob)
    if where == "between":  # right after the member it followed
        assert out.index(blob) == _offsets(out)[1] - len(blob)
    values = python_calamine.CalamineWorkbook.from_path(str(file)).get_sheet_by_index(0)
    assert values.to_python()[2][19] == "synced"
    write_back(file)  # the night after: kept where it was
    _check(src, file.read_bytes(), blob)


@pytest.mark.parametrize("zip64", [False, True], ids=["4-byte", "8-byte"])
@pytest.mark.parametrize("signed", [True, False])
def test_a_data_descriptor_is_no_gap(signed: bool, zip64: bool) -> None:
    """A member's data descriptor (signature or none; sizes in 8 bytes after a local zip64
    extra) is dropped, as its local header written holds the CRC-32 and sizes; nothing
    else is there to keep."""
    src = build(every(team_members(), descriptor=True, local_zip64=zip64))
    if not signed:
        src = _unsigned(src)
    with zipfile.ZipFile(io.BytesIO(src)) as zf:
        out = rezip.rezip(src, zf.infolist(), {}, ends=member_ends(zf))
        plain = rezip.rezip(src, zf.infolist(), {})  # no ends: no gaps kept
    assert out == plain
    assert b"PK\x07\x08" not in out


@pytest.mark.parametrize("zip64", [False, True], ids=["4-byte", "8-byte"])
@pytest.mark.parametrize("method", [zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED])
def test_an_empty_members_descriptor_keeps_the_zeros_after_it(method: int, zip64: bool) -> None:
    """An empty member's 4-byte descriptor (CRC 0, sizes 0) followed by a gap that starts
    with 8 zero bytes: they read as 8-byte sizes too, and until 2026-12-07 were taken as
    the descriptor's (lost). 8-byte sizes are a descriptor's only after a local zip64
    extra; there the gap after them is kept too."""
    members = team_members()
    members.insert(1, Member(b"xl/empty.bin", b"", method, descriptor=True, local_zip64=zip64))
    base = build(members)
    blob = b"\0" * 8 + orphan()
    src = _insert(base, _offsets(base)[2], blob)
    with zipfile.ZipFile(io.BytesIO(src)) as zf:
        out = rezip.rezip(src, zf.infolist(), {}, ends=member_ends(zf))
    assert out.count(blob) == 1
    assert out.index(blob) == _offsets(out)[2] - len(blob)
    with zipfile.ZipFile(io.BytesIO(out)) as zf:
        assert zf.testzip() is None and zf.read("xl/empty.bin") == b""


@pytest.mark.parametrize(
    ("zip64", "form", "after", "length"),
    [
        (True, "<4s3L", b"PK\x03\x04", 16),  # 4-byte sizes after a zip64 extra: ends the room
        (True, "<4s3L", b"", 16),  # ... at the directory (``end``)
        (True, "<4s3L", b"junk", 0),  # ... else not taken (kept as a gap)
        (False, "<4sL2Q", b"PK\x01\x02", 24),  # 8-byte sizes with no zip64 extra: ends it
        (False, "<4sL2Q", b"junk", 0),  # ... else not taken
        (False, "<4s3L", b"junk", 16),  # the header's width: taken wherever it ends
    ],
)
def test_a_descriptor_of_the_other_width_only_where_it_ends_the_room(
    zip64: bool, form: str, after: bytes, length: int
) -> None:
    info = zipfile.ZipInfo("xl/a.bin")
    info.CRC, info.compress_size, info.file_size = 0x1234, 5, 7
    desc = struct.pack(form, b"PK\x07\x08", 0x1234, 5, 7)
    data = desc + after
    end = len(desc) if not after else len(data)
    assert rezip._descriptor(data, 0, end, info, zip64) == length


def _unsigned(src: bytes) -> bytes:
    """``src`` with its descriptors' signatures cut out, the offsets past each moved."""
    at = src.find(b"PK\x07\x08")
    while at >= 0:
        src = _cut(src, at, 4)
        at = src.find(b"PK\x07\x08")
    return src


def _cut(data: bytes, at: int, n: int) -> bytes:
    out = bytearray(data[:at] + data[at + n :])
    end = out.rindex(b"PK\x05\x06")
    start = struct.unpack_from("<L", out, end + 16)[0] - n
    struct.pack_into("<L", out, end + 16, start)
    pos = start
    while out[pos : pos + 4] == b"PK\x01\x02":
        offset = struct.unpack_from("<L", out, pos + 42)[0]
        if offset > at:
            struct.pack_into("<L", out, pos + 42, offset - n)
        name, extra, comment = struct.unpack_from("<3H", out, pos + 28)
        pos += 46 + name + extra + comment
    return bytes(out)


@pytest.mark.parametrize("gone", [0, 1, 2])
def test_a_removed_members_gap_is_kept(gone: int, zip_path: str) -> None:
    """The sync drops a member (``removed``): the bytes after it stay where they were,
    after the kept member before it (before the first member where the first is
    removed); until 2026-12-07 always before the first."""
    base = build(team_members())
    blob = orphan()
    src = _insert(base, _offsets(base)[gone + 1], blob)
    with zipfile.ZipFile(io.BytesIO(src)) as zf:
        name = zf.infolist()[gone].filename
        out = rezip.rezip(src, zf.infolist(), {}, removed={name}, ends=member_ends(zf))
    assert out.count(blob) == 1
    assert out.index(blob) == (_offsets(out)[gone] - len(blob) if gone else 0)
    with zipfile.ZipFile(io.BytesIO(out)) as zf:
        assert zf.testzip() is None and name not in zf.namelist()


def test_a_stale_copy_after_a_removed_member_stays_after_the_live_one() -> None:
    """The live sheet, then calcChain.xml (the sync removes it), then a stale copy of the
    sheet the directory no longer lists: the stale copy stays after the live sheet, where
    a streaming reader (local headers in order, first copy kept) still finds the live
    one first. Until 2026-12-07 it went before the first member."""
    members = team_members()
    at = [m.name for m in members].index(SHEET.encode()) + 1
    chain = b'<calcChain xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"/>'
    members.insert(at, Member(b"xl/calcChain.xml", chain))
    base = build(members)
    stale = build([Member(SHEET.encode(), b"<stale/>")])
    stale = stale[: stale.index(b"PK\x01\x02")]
    src = _insert(base, _offsets(base)[at + 1], stale)
    with zipfile.ZipFile(io.BytesIO(src)) as zf:
        removed = {"xl/calcChain.xml"}
        out = rezip.rezip(src, zf.infolist(), {}, removed=removed, ends=member_ends(zf))
    live = _offsets(out)[at - 1]  # the first local header naming the sheet: the live one
    assert out.index(SHEET.encode()) == live + 30 < out.index(stale)
    assert out.index(stale) == _offsets(out)[at] - len(stale)


@needs_libreoffice
def test_libreoffice_opens_a_kept_orphan_between_members(tmp_path: Path) -> None:
    base = build(team_members())
    file = team_file(tmp_path, _insert(base, _offsets(base)[1], orphan()))
    write_back(file)
    csv = convert(file, "csv", tmp_path / "out").read_text()
    assert csv.splitlines()[0].startswith("hello") and "synced" in csv
