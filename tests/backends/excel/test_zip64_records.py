"""``zipwrite.ZipWriter``'s zip64 records, as ``zipfile`` reads them.

``rezip`` writes a package that needs zip64 through ``ZipWriter`` (since 2026-12-07):
sizes and offsets of 4 GiB or more go in zip64 extra fields, a directory past 4 GiB or
65,535 members and more in zip64 end records. A 4 GiB member is too big for a test, so
the limit is lowered (every field past it written as zip64's), and a real offset past
4 GiB is made with a sparse file where the file system allows one.
"""

from __future__ import annotations

import io
import os
import struct
import zipfile
import zlib
from pathlib import Path
from typing import BinaryIO

import pytest

from sheets_sync import zipwrite
from sheets_sync.deflate import deflate
from sheets_sync.zipwrite import ZipWriter

BODIES = {
    "stored.bin": (zipfile.ZIP_STORED, bytes(range(256)) * 3),
    "deflated.xml": (zipfile.ZIP_DEFLATED, b"<row>cells</row>" * 100),
    "small.txt": (zipfile.ZIP_STORED, b"hi"),
}
FOUR_GIB = 1 << 32


def _write(out: BinaryIO) -> None:
    writer = ZipWriter(out)
    for name, (method, body) in BODIES.items():
        info = zipfile.ZipInfo(name, date_time=(2024, 2, 29, 23, 59, 58))
        info.external_attr = 0o644 << 16
        info.comment = b"about " + name.encode()
        raw = deflate(body) if method == zipfile.ZIP_DEFLATED else body
        writer.raw(info, name.encode(), 0, method, zlib.crc32(body), raw, len(body))
    with writer.deflating(zipfile.ZipInfo("streamed.xml", date_time=(2020, 1, 1, 0, 0, 0))) as m:
        m.write(b"<streamed/>" * 50)
    writer.close(b"the archive's comment")


def _check(zf: zipfile.ZipFile) -> None:
    assert zf.testzip() is None
    assert zf.comment == b"the archive's comment"
    assert zf.namelist() == [*BODIES, "streamed.xml"]
    for name, (method, body) in BODIES.items():
        info = zf.getinfo(name)
        assert (zf.read(name), info.compress_type, info.file_size) == (body, method, len(body))
        assert (info.comment, info.external_attr) == (b"about " + name.encode(), 0o644 << 16)
    assert zf.read("streamed.xml") == b"<streamed/>" * 50


def test_fields_past_the_limit_are_read_from_zip64_records(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Sizes, offsets and the directory's place past the (lowered) limit: 0xFFFFFFFF in
    the headers, the values in zip64 extras and end records, which ``zipfile`` reads."""
    monkeypatch.setattr(zipwrite, "LIMIT", 100)
    out = io.BytesIO()
    _write(out)
    data = out.getvalue()
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        _check(zf)
        offsets = [i.header_offset for i in zf.infolist()]
        assert offsets == sorted(offsets) and offsets[1] >= 100  # from the zip64 extras
    at = data.rindex(b"PK\x05\x06")
    assert data.rindex(b"PK\x06\x06") < data.rindex(b"PK\x06\x07") < at
    start = struct.unpack_from("<L", data, at + 16)[0]
    assert start == 0xFFFFFFFF  # the directory's offset is in the zip64 end record
    stored = data.index(b"PK\x03\x04")
    assert struct.unpack_from("<2L", data, stored + 18) == (0xFFFFFFFF, 0xFFFFFFFF)
    assert struct.unpack_from("<2H2Q", data, stored + 30 + len(b"stored.bin")) == (
        1,
        16,
        768,
        768,
    )


def test_offsets_past_4_gib_in_a_sparse_file(tmp_path: Path) -> None:
    """The members start past 4 GiB for real (a sparse file's hole before them). A 64 MiB
    hole is tried first: on a file system without sparse files the 4 GiB one would be
    written out in full."""
    probe = tmp_path / "hole"
    with probe.open("wb") as out:
        out.seek(64 << 20)
        out.write(b"x")
    allocated = probe.stat().st_blocks * 512
    os.remove(probe)
    if allocated > 32 << 20:
        pytest.skip("no sparse files on this file system")
    path = tmp_path / "big.zip"
    with path.open("wb") as out:
        out.seek(FOUR_GIB + 5)
        _write(out)
    try:
        if path.stat().st_blocks * 512 > 1 << 30:
            pytest.skip("no sparse files on this file system")
        with zipfile.ZipFile(path) as zf:
            _check(zf)
            assert min(i.header_offset for i in zf.infolist()) == FOUR_GIB + 5
            tail = path.stat().st_size - 200
        with path.open("rb") as f:
            f.seek(tail)
            assert b"PK\x06\x06" in f.read()
    finally:
        os.remove(path)
