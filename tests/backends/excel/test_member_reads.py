"""The members a write-back reads are inflated by ISA-L (``zipread.read_member``) and
checked as ``zipfile`` checks them: the same bytes, and every member ``zipfile`` refuses
(a wrong CRC, a damaged or cut deflate stream, a local header that is not the
directory's) refused too, as the workbook's error naming the member."""

from __future__ import annotations

import io
import random
import struct
import zipfile
import zlib
from collections.abc import Callable

import pytest
from isal import isal_zlib

from sheets_sync import deflate as deflate_module
from sheets_sync import zipread
from sheets_sync.backends.excel.patch import patch_xlsx
from sheets_sync.errors import WorkbookError
from sheets_sync.grid import CellWrite
from sheets_sync.zipread import read_member
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
    """zipfile's read let zlib's error out: the team's internal error (until
    2026-12-07), where the workbook's error names the member."""
    data = _damaged_stream(_package())
    with pytest.raises(WorkbookError, match="deflate stream is damaged") as caught:
        patch_xlsx(data, [CellWrite("Data", 2, 2, 7.0)], name="sales.xlsx")
    assert "sheet1.xml" in str(caught.value)


_LOCAL, _CENTRAL, _END = "<4s2B4HL2L2H", "<4s4B4HL2L5H2L", "<4s4H2LH"  # zipfile's structs


def _raw_zip(members: list[tuple[str, bytes, int, int, int]]) -> bytes:
    """A zip of (name, compressed bytes, file_size, CRC, method) members, as given."""
    body, cen = b"", b""
    for text, stream, file_size, crc, method in members:
        name, at = text.encode(), len(body)
        fields = (0, method, 0, 0x21, crc, len(stream), file_size, len(name))
        body += struct.pack(_LOCAL, b"PK\x03\x04", 20, 0, *fields, 0) + name + stream
        cen += struct.pack(_CENTRAL, b"PK\x01\x02", 20, 0, 20, 0, *fields, 0, 0, 0, 0, 0, at)
        cen += name
    n = len(members)
    return body + cen + struct.pack(_END, b"PK\x05\x06", 0, 0, n, n, len(cen), len(body), 0)


def _zip_of(stream: bytes, file_size: int, crc: int, method: int = zipfile.ZIP_DEFLATED) -> bytes:
    """A zip of one member ``a.xml`` whose compressed bytes, size and CRC are as given."""
    return _raw_zip([("a.xml", stream, file_size, crc, method)])


def _deflated(body: bytes, flush: int = zlib.Z_FINISH) -> bytes:
    compressor = zlib.compressobj(6, zlib.DEFLATED, -15)
    return compressor.compress(body) + compressor.flush(flush)


BODY = b"<x>" + b"hello world " * 500 + b"</x>"
CRC = zlib.crc32(BODY)
LONGER = BODY + b"EXTRA"
#: members zipfile reads (or refuses) that a deflate stream, a size and a CRC can shape
SHAPES: dict[str, bytes] = {
    "no final block (a sync flush)": _zip_of(_deflated(BODY, zlib.Z_SYNC_FLUSH), len(BODY), CRC),
    "file_size over the output, its CRC": _zip_of(_deflated(BODY), len(BODY) + 10, CRC),
    "0 compressed bytes, file_size 0": _zip_of(b"", 0, 0),
    "0 compressed bytes, file_size 5": _zip_of(b"", 5, 0),
    "inflates past file_size, the kept bytes' CRC": _zip_of(_deflated(LONGER), len(BODY), CRC),
    "inflates past file_size, all its CRC": _zip_of(
        _deflated(LONGER), len(BODY), zlib.crc32(LONGER)
    ),
    "a stream cut short, its CRC": _zip_of(_deflated(BODY)[:-5], len(BODY), CRC),
    "bytes after the stream's end": _zip_of(_deflated(BODY) + b"GARBAGE!", len(BODY), CRC),
    "stored, file_size under its bytes": _zip_of(BODY, 10, zlib.crc32(BODY[:10]), 0),
    "stored, file_size over its bytes": _zip_of(BODY, len(BODY) + 3, CRC, 0),
    # ISA-L held the damaged partial block without an error (zlib: invalid block type)
    "no final block, a damaged one after file_size's bytes": _zip_of(
        _deflated(BODY, zlib.Z_SYNC_FLUSH) + bytes.fromhex("bd616eec10"), len(BODY), CRC
    ),
}


@pytest.mark.parametrize("backend", ["isal", "zlib"])
@pytest.mark.parametrize("shape", list(SHAPES))
def test_a_member_shaped_oddly_reads_as_zipfile_reads_it(
    monkeypatch: pytest.MonkeyPatch, shape: str, backend: str
) -> None:
    """read_member refused the first three (a size that was not file_size, a stream that
    did not end): zipfile keeps the first file_size bytes and lets the CRC-32 decide."""
    monkeypatch.setattr(deflate_module, "BACKEND", backend)
    data = SHAPES[shape]
    zf = zipfile.ZipFile(io.BytesIO(data))
    info = zf.getinfo("a.xml")
    try:
        expected: bytes | None = zf.read(info)
    except (zipfile.BadZipFile, EOFError, zlib.error) as exc:
        expected, error = None, exc
    if expected is not None:
        assert read_member(data, info) == expected
    else:  # zipfile lets zlib's error out: a BadZipFile here
        refused = zipfile.BadZipFile if isinstance(error, zlib.error) else type(error)
        with pytest.raises(refused) as caught:
            read_member(data, info)
        if isinstance(error, zipfile.BadZipFile):
            assert str(caught.value) == str(error)


#: a stream with a damaged block after 256 KiB past file_size (BODY's) bytes: ISA-L
#: inflates ahead of max_length, within a piece of its input
DAMAGED_PAST = _deflated(BODY + random.Random(0).randbytes(1 << 18), zlib.Z_SYNC_FLUSH)
DAMAGED_PAST += b"PK\x01\x02" + b"\x14" * 20


@pytest.mark.parametrize("backend", ["isal", "zlib"])
def test_a_stream_is_not_inflated_past_file_size(
    monkeypatch: pytest.MonkeyPatch, backend: str
) -> None:
    """As zipfile's streaming read (``open().read(n)``) stops at file_size: a member of
    file_size 10 whose stream inflates to gigabytes (a CPU bomb in a ~1 MB zip) was
    inflated to its end. ``ZipFile.read`` inflates up to 2 GiB in one call and finds the
    damage there (zlib.error): read_member keeps the bound, and the CRC-32 decides."""
    monkeypatch.setattr(deflate_module, "BACKEND", backend)
    inflated: list[int] = []
    target = isal_zlib if backend == "isal" else zlib
    real = target.decompressobj

    class Counting:
        def __init__(self, wbits: int) -> None:
            self.inner = real(wbits)

        def __getattr__(self, name: str) -> object:
            return getattr(self.inner, name)

        def decompress(self, data: bytes, max_length: int = 0) -> bytes:
            out: bytes = self.inner.decompress(data, max_length)
            inflated.append(len(out))
            return out

    monkeypatch.setattr(target, "decompressobj", Counting)
    zeros = zlib.compressobj(9, zlib.DEFLATED, -15)
    bomb = b"".join(zeros.compress(bytes(1 << 20)) for _ in range(16)) + zeros.flush()
    data = _zip_of(bomb, 10, zlib.crc32(bytes(10)))
    assert read_member(data, zipfile.ZipFile(io.BytesIO(data)).getinfo("a.xml")) == bytes(10)
    assert sum(inflated) <= 11
    data = _zip_of(DAMAGED_PAST, len(BODY), CRC)
    with pytest.raises(zlib.error):
        zipfile.ZipFile(io.BytesIO(data)).read("a.xml")
    inflated.clear()
    assert read_member(data, zipfile.ZipFile(io.BytesIO(data)).getinfo("a.xml")) == BODY
    assert sum(inflated) <= len(BODY) + 1


def test_a_sheet_without_a_final_deflate_block_is_written_back() -> None:
    """zipfile reads it (a sync-flushed stream), and so the write-back writes it."""
    members = []
    for name, text in PREFIXED.items():
        body = text.encode() if isinstance(text, str) else text
        flush = zlib.Z_SYNC_FLUSH if name == SHEET else zlib.Z_FINISH
        members.append((name, _deflated(body, flush), len(body), zlib.crc32(body), 8))
    patched = patch_xlsx(_raw_zip(members), [CellWrite("Data", 2, 2, 7.0)], name="sales.xlsx")
    assert zipfile.ZipFile(io.BytesIO(patched)).testzip() is None


def _with_compress_size(data: bytes, name: str, size: int) -> bytes:
    """``data`` with member ``name``'s compressed size in the central directory ``size``."""
    at = data.index(b"PK\x01\x02")
    while data[at + 46 : at + 46 + len(name)] != name.encode():
        at = data.index(b"PK\x01\x02", at + 1)
    return data[: at + 20] + struct.pack("<L", size) + data[at + 24 :]


def _overlapping() -> bytes:
    """Member a.xml's compressed size runs 10 bytes into b.xml's local header."""
    a, b = _deflated(BODY), _deflated(LONGER)
    data = _raw_zip([("a.xml", a, len(BODY), CRC, 8), ("b.xml", b, len(LONGER), 0, 8)])
    return _with_compress_size(data, "a.xml", len(a) + 10)


def test_overlapping_members_are_refused_as_zipfile_refuses_them() -> None:
    """CPython 3.11.8+ and 3.12.2+ refuse them (CVE-2024-0450); 3.11.7 read a.xml, its
    stream ending before the bytes it shares with b.xml."""
    data = _overlapping()
    zf = zipfile.ZipFile(io.BytesIO(data))
    ends = zipread.member_ends(zf)
    a, b = zf.getinfo("a.xml"), zf.getinfo("b.xml")
    assert ends == {a: b.header_offset, b: zf.start_dir}
    with pytest.raises(zipfile.BadZipFile, match=r"^Overlapped entries: 'a.xml' \(possible"):
        read_member(data, a, ends[a])


def _sharing_one_header(order: tuple[str, str]) -> bytes:
    """Two directory entries at one header offset (the local header is B.xml's), listed
    in ``order``."""
    body = b"<x/>"
    head = struct.pack(_LOCAL, b"PK\x03\x04", 20, 0, 0, 0, 0, 0, zlib.crc32(body), 4, 4, 5, 0)
    local = head + b"B.xml" + body
    cen = b""
    for text in order:
        fields = (0, 0, 0, 0, zlib.crc32(body), 4, 4, 5)
        cen += struct.pack(_CENTRAL, b"PK\x01\x02", 20, 0, 20, 0, *fields, 0, 0, 0, 0, 0, 0)
        cen += text.encode()
    end = struct.pack(_END, b"PK\x05\x06", 0, 0, 2, 2, len(cen), len(local), 0)
    return local + cen + end


@pytest.mark.parametrize("order", [("A.xml", "B.xml"), ("B.xml", "A.xml")])
def test_entries_sharing_one_header_end_as_zipfile_reckons_them(order: tuple[str, str]) -> None:
    """Members sorted by header offset, last first, the sort stable (CPython 3.11.8+'s
    ``_end_offset``): the entry listed second at an offset ends at that offset. Listed
    A, B: B.xml (whose header it is) is refused as an overlap (3.11.7 read it); listed
    B, A: B.xml is read. A.xml's local header names B.xml: refused either way."""
    data = _sharing_one_header(order)
    zf = zipfile.ZipFile(io.BytesIO(data))
    ends = zipread.member_ends(zf)
    first, second = zf.infolist()
    assert ends == {first: zf.start_dir, second: 0}
    attribute = "_end_offset"  # CPython 3.11.8+, 3.12.2+
    checked = hasattr(zipfile.ZipInfo, attribute)
    if checked:
        assert {i: getattr(i, attribute) for i in zf.infolist()} == ends
    if not checked or order[0] == "B.xml":
        assert zf.read("B.xml") == b"<x/>"  # 3.11.7: no overlap check
    b, a = zf.getinfo("B.xml"), zf.getinfo("A.xml")
    if order[0] == "B.xml":
        assert read_member(data, b, ends[b]) == b"<x/>"
    else:
        with pytest.raises(zipfile.BadZipFile, match=r"^Overlapped entries: 'B.xml'"):
            read_member(data, b, ends[b])
    with pytest.raises(zipfile.BadZipFile, match=r"^(File name in directory|Overlapped)"):
        read_member(data, a, ends[a])


def test_a_workbook_with_overlapping_members_is_not_written() -> None:
    members = []
    for name, text in PREFIXED.items():
        body = text.encode() if isinstance(text, str) else text
        members.append((name, _deflated(body), len(body), zlib.crc32(body), 8))
    data = _raw_zip(members)
    size = zipfile.ZipFile(io.BytesIO(data)).getinfo(SHEET).compress_size
    data = _with_compress_size(data, SHEET, size + 31)  # into the next member's name
    with pytest.raises(WorkbookError, match=f"zip member {SHEET} cannot be read: Overlapped"):
        patch_xlsx(data, [CellWrite("Data", 2, 2, 7.0)], name="sales.xlsx")


@pytest.mark.parametrize("method", [zipfile.ZIP_DEFLATED, zipfile.ZIP_STORED])
def test_members_zipfile_writes_do_not_overlap(method: int) -> None:
    data = _package(method, {"empty.xml": b""})
    streamed = io.BytesIO()  # members written through a file object: a data descriptor each
    with zipfile.ZipFile(streamed, "w", compression=method) as zf:
        for name, text in PREFIXED.items():
            with zf.open(name, "w") as out:
                out.write(text.encode() if isinstance(text, str) else text)
    for package in (data, streamed.getvalue()):
        zf = zipfile.ZipFile(io.BytesIO(package))
        ends = zipread.member_ends(zf)
        for info in zf.infolist():
            assert read_member(package, info, ends[info]) == zf.read(info)


def test_a_local_name_flagged_utf8_that_is_not_is_refused_by_member() -> None:
    """zipfile lets the UnicodeDecodeError out; read_member let it out too, and the
    write-back's member read did not catch it: the team's internal error."""
    data = _package()
    at = zipfile.ZipFile(io.BytesIO(data)).getinfo(SHEET).header_offset
    flags = int.from_bytes(data[at + 6 : at + 8], "little") | 0x800
    data = (
        data[: at + 6]
        + flags.to_bytes(2, "little")
        + data[at + 8 : at + 30]
        + b"\xff"
        + (data[at + 31 :])
    )
    info = zipfile.ZipFile(io.BytesIO(data)).getinfo(SHEET)
    with pytest.raises(zipfile.BadZipFile, match=f"^File name in the local header of {SHEET!r}"):
        read_member(data, info)
    with pytest.raises(WorkbookError, match=f"zip member {SHEET} cannot be read: File name"):
        patch_xlsx(data, [CellWrite("Data", 2, 2, 7.0)], name="sales.xlsx")


def test_two_members_of_one_name_each_end_where_the_next_begins() -> None:
    """A zip may list two members of one name (two ``xl/`` folder entries): each has its
    own end. Keyed by name (until 2026-12-08), the first one's end was the second's."""
    members = [("xl/", b"", 0, 0, 0), ("a.xml", b"<a/>", 4, zlib.crc32(b"<a/>"), 0)]
    members += [("xl/", b"", 0, 0, 0)]
    data = _raw_zip(members)
    zf = zipfile.ZipFile(io.BytesIO(data))
    first, a, second = zf.infolist()
    ends = zipread.member_ends(zf)
    assert (ends[first], ends[a], ends[second]) == (
        a.header_offset,
        second.header_offset,
        zf.start_dir,
    )
    for info in zf.infolist():
        assert read_member(data, info, ends[info]) == zf.read(info)


@pytest.mark.parametrize(
    ("how", "reason"),
    [
        ("wrong CRC", "Bad CRC-32"),
        ("local header names another member", "File name in directory and header "),
        ("local header signature", "Bad magic number for file header"),
        ("damaged deflate stream", "the member's deflate stream is damaged: "),
    ],
)
def test_a_damaged_member_s_line_names_it_once(how: str, reason: str) -> None:
    """As the rollup's splice words it (``zipread.unnamed``): until 2026-12-08 the
    write-back's line named the member twice (``zip member xl/worksheets/sheet1.xml cannot
    be read: Bad CRC-32 for file 'xl/worksheets/sheet1.xml'``)."""
    method, damage = DAMAGE[how]
    with pytest.raises(WorkbookError) as caught:
        patch_xlsx(damage(_package(method)), [CellWrite("Data", 2, 2, 7.0)], name="sales.xlsx")
    line = str(caught.value)
    assert line.startswith(f"Data: zip member {SHEET} cannot be read: {reason}")
    assert line.count("sheet1.xml") == 1
    if how == "wrong CRC":
        assert line == f"Data: zip member {SHEET} cannot be read: Bad CRC-32"
    if how == "local header names another member":
        assert line == (
            f"Data: zip member {SHEET} cannot be read: File name in directory and header "
            "b'xl/worksheets/Sheet1.xml' differ."
        )
