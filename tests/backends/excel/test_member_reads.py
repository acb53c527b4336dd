"""The members a write-back reads are inflated by ISA-L (``deflate.read_member``) and
checked as ``zipfile`` checks them: the same bytes, and every member ``zipfile`` refuses
(a wrong CRC, a damaged or cut deflate stream, a local header that is not the
directory's) refused too, as the workbook's error naming the member."""

from __future__ import annotations

import io
import struct
import zipfile
from collections.abc import Callable

import pytest

from sheets_sync import deflate as deflate_module
from sheets_sync.backends.excel.patch import patch_xlsx
from sheets_sync.deflate import read_member
from sheets_sync.errors import WorkbookError
from sheets_sync.grid import CellWrite
from tests.backends.excel.test_patch_xlsx import PREFIXED

SHEET = "xl/worksheets/sheet1.xml"


def _package(method: int = zipfile.ZIP_DEFLATED, extra: dict[str, bytes] | None = None) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name, text in PREFIXED.items():
            zf.writestr(name, text, compress_type=method)
        for name, body in (extra or {}).items():
            zf.writestr(name, body, compress_type=method)
    return buf.getvalue()


def _data_span(data: bytes, name: str) -> tuple[int, int]:
    """Where member ``name``'s compressed bytes are in ``data``."""
    info = zipfile.ZipFile(io.BytesIO(data)).getinfo(name)
    head = struct.unpack("<4s2B4HL2L2H", data[info.header_offset : info.header_offset + 30])
    start = info.header_offset + 30 + head[-2] + head[-1]
    return start, start + info.compress_size


def _refusals(data: bytes, name: str) -> tuple[Exception, Exception]:
    """What zipfile and ``read_member`` raise for member ``name``."""
    zf = zipfile.ZipFile(io.BytesIO(data))
    with pytest.raises((zipfile.BadZipFile, EOFError, NotImplementedError)) as old:
        zf.read(name)
    with pytest.raises((zipfile.BadZipFile, EOFError, NotImplementedError)) as new:
        read_member(data, zf.getinfo(name))
    return old.value, new.value


@pytest.mark.parametrize("method", [zipfile.ZIP_DEFLATED, zipfile.ZIP_STORED])
@pytest.mark.parametrize("backend", ["isal", "zlib"])
def test_every_member_reads_as_zipfile_reads_it(
    monkeypatch: pytest.MonkeyPatch, method: int, backend: str
) -> None:
    monkeypatch.setattr(deflate_module, "BACKEND", backend)
    big = b"".join(b'<row r="%d"><c><v>%d</v></c></row>' % (i, i * 7) for i in range(20000))
    data = _package(method, {"xl/m\u00e9dia/x.xml": big, "empty.xml": b""})
    zf = zipfile.ZipFile(io.BytesIO(data))
    for info in zf.infolist():
        assert read_member(data, info) == zf.read(info)


def _flip(data: bytes, at: int) -> bytes:
    return data[:at] + bytes([data[at] ^ 0xFF]) + data[at + 1 :]


def _wrong_crc(data: bytes) -> bytes:
    start, end = _data_span(data, SHEET)
    return _flip(data, (start + end) // 2)  # stored: the bytes change, not their length


def _damaged_stream(data: bytes) -> bytes:
    start, _ = _data_span(data, SHEET)
    return data[:start] + b"\xff" * 8 + data[start + 8 :]  # a reserved block type


def _cut_stream(data: bytes) -> bytes:
    start, end = _data_span(data, SHEET)
    return data[:start] + data[start : start + 10] + b"\x00" * (end - start - 10) + data[end:]


def _first_bytes(data: bytes) -> bytes:
    start, _ = _data_span(data, SHEET)
    return _flip(data, start)


def _other_name(data: bytes) -> bytes:
    info = zipfile.ZipFile(io.BytesIO(data)).getinfo(SHEET)
    at = info.header_offset + 30 + len(b"xl/worksheets/")
    return data[:at] + b"S" + data[at + 1 :]  # sheet1.xml -> Sheet1.xml in the local header


def _bad_signature(data: bytes) -> bytes:
    info = zipfile.ZipFile(io.BytesIO(data)).getinfo(SHEET)
    return _flip(data, info.header_offset + 1)


DAMAGE: dict[str, tuple[int, Callable[[bytes], bytes]]] = {
    "wrong CRC": (zipfile.ZIP_STORED, _wrong_crc),
    "damaged deflate stream": (zipfile.ZIP_DEFLATED, _damaged_stream),
    "deflate stream cut short": (zipfile.ZIP_DEFLATED, _cut_stream),
    "the first bytes of a stored member": (zipfile.ZIP_STORED, _first_bytes),
    "local header names another member": (zipfile.ZIP_DEFLATED, _other_name),
    "local header signature": (zipfile.ZIP_DEFLATED, _bad_signature),
}


@pytest.mark.parametrize("how", list(DAMAGE))
def test_a_damaged_member_is_refused(how: str) -> None:
    method, damage = DAMAGE[how]
    data = damage(_package(method))
    if method == zipfile.ZIP_STORED or "header" in how:  # zipfile lets zlib's errors out
        old, new = _refusals(data, SHEET)
        assert (type(new), str(new)) == (type(old), str(old))
    with pytest.raises(WorkbookError, match=f"zip member {SHEET} cannot be read"):
        patch_xlsx(data, [CellWrite("Data", 2, 2, 7.0)], name="sales.xlsx")


def test_a_damaged_deflate_stream_is_the_workbook_error() -> None:
    """zipfile's read let zlib's error out: the team's internal error (until the
    thirty-fifth pass), where the workbook's error names the member."""
    data = _damaged_stream(_package())
    with pytest.raises(WorkbookError, match="deflate stream is damaged") as caught:
        patch_xlsx(data, [CellWrite("Data", 2, 2, 7.0)], name="sales.xlsx")
    assert "sheet1.xml" in str(caught.value)
