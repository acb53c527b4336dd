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
from tests.backends.excel.zipcraft import build, every, records, team_file, team_members, write_back
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
    before, after = records(src), records(out)
    assert list(after) == list(before)
    del before[SHEET], after[SHEET]
    assert after == before
    with zipfile.ZipFile(io.BytesIO(out)) as zf:
        assert zf.testzip() is None


@pytest.mark.parametrize("where", ["between", "after_last"])
@pytest.mark.parametrize("path", ["plain", "zip64"])
def test_an_orphan_between_or_after_the_members_is_kept(
    where: str, path: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    if path == "zip64":
        monkeypatch.setattr(rezip, "LIMIT", 1000)  # as a package of 65,535 members or more
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


@pytest.mark.parametrize("signed", [True, False])
def test_a_data_descriptor_is_no_gap(signed: bool) -> None:
    """A member's data descriptor (signature or none) is dropped, as its local header
    written holds the CRC-32 and sizes; nothing else is there to keep."""
    src = build(every(team_members(), descriptor=True))
    if not signed:
        src = _unsigned(src)
    with zipfile.ZipFile(io.BytesIO(src)) as zf:
        out = rezip.rezip(src, zf.infolist(), {}, ends=member_ends(zf))
        plain = rezip.rezip(src, zf.infolist(), {})  # no ends: no gaps kept
    assert out == plain
    assert b"PK\x07\x08" not in out


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


def test_a_removed_members_gap_is_kept() -> None:
    """The sync drops a member (``removed``): the bytes after it stay, before the first."""
    base = build(team_members())
    infos = zipfile.ZipFile(io.BytesIO(base)).infolist()
    blob = orphan()
    src = _insert(base, infos[2].header_offset, blob)
    with zipfile.ZipFile(io.BytesIO(src)) as zf:
        gone = zf.infolist()[1].filename
        out = rezip.rezip(src, zf.infolist(), {}, removed={gone}, ends=member_ends(zf))
    assert out.startswith(blob)
    with zipfile.ZipFile(io.BytesIO(out)) as zf:
        assert zf.testzip() is None and gone not in zf.namelist()


@needs_libreoffice
def test_libreoffice_opens_a_kept_orphan_between_members(tmp_path: Path) -> None:
    base = build(team_members())
    file = team_file(tmp_path, _insert(base, _offsets(base)[1], orphan()))
    write_back(file)
    csv = convert(file, "csv", tmp_path / "out").read_text()
    assert csv.splitlines()[0].startswith("hello") and "synced" in csv
