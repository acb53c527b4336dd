"""The spliced company workbook's zip: other members copied raw, bulk sheets deflated by ISA-L."""

from __future__ import annotations

import datetime
import io
import struct
import zipfile
from pathlib import Path

import pytest
import xlsxwriter
from isal import isal_zlib

from sheets_sync import zipread, zipwrite
from sheets_sync.errors import WorkbookError
from sheets_sync.rollup import bulkzip
from sheets_sync.rollup.bulk import BulkCells
from sheets_sync.zipwrite import ZipWriter

NOON = (2019, 7, 1, 12, 0, 0)


def _raw(data: bytes, info: zipfile.ZipInfo) -> bytes:
    at = info.header_offset
    name_len, extra_len = (
        int.from_bytes(data[at + 26 : at + 28], "little"),
        int.from_bytes(data[at + 28 : at + 30], "little"),
    )
    start = at + 30 + name_len + extra_len
    return data[start : start + info.compress_size]


#: one creation time for every workbook a test compares: docProps/core.xml holds it, to the
#: second, so two books made a second apart differed there (a flake on a loaded box)
_CREATED = datetime.datetime(2026, 12, 7, 12, 0, 0)


def _book(path: Path) -> None:
    book = xlsxwriter.Workbook(str(path))
    book.set_properties({"created": _CREATED})
    ws = book.add_worksheet("Data")
    ws.write_row(0, 0, ["Name", "Value"])
    book.add_worksheet("Notes").write(0, 0, "left alone " * 200)
    bulk = BulkCells()
    bulk.column(ws, 0, 1, [f"team {i}" for i in range(3000)], "text", None)
    bulk.column(ws, 1, 1, [i * 0.5 for i in range(3000)], "number", None)
    book.close()
    bulk.splice(path)


def test_members_not_spliced_keep_their_compressed_bytes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    made: list[int | None] = []

    def spy(zlib_level: int | None = None) -> object:
        made.append(zlib_level)
        return isal_zlib.compressobj(2, isal_zlib.DEFLATED, -15)

    monkeypatch.setattr(zipwrite, "compressobj", spy)
    plain = tmp_path / "plain.xlsx"
    book = xlsxwriter.Workbook(str(plain))
    book.set_properties({"created": _CREATED})
    book.add_worksheet("Data").write_row(0, 0, ["Name", "Value"])
    book.add_worksheet("Notes").write(0, 0, "left alone " * 200)
    book.close()
    spliced = tmp_path / "spliced.xlsx"
    _book(spliced)
    before, after = plain.read_bytes(), spliced.read_bytes()
    with (
        zipfile.ZipFile(io.BytesIO(before)) as old,
        zipfile.ZipFile(io.BytesIO(after)) as new,
    ):
        assert new.testzip() is None
        assert [i.filename for i in new.infolist()] == [i.filename for i in old.infolist()]
        for info in new.infolist():
            was = old.getinfo(info.filename)
            assert (info.date_time, info.external_attr) == (was.date_time, was.external_attr)
            if info.filename == "xl/worksheets/sheet1.xml":
                assert b"team 2999" in new.read(info)
                continue
            assert _raw(after, info) == _raw(before, was), info.filename  # copied, not redone
    assert made == [3]  # one spliced sheet, through sheets_sync.deflate (zlib's level 3)


def _source() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        info = zipfile.ZipInfo("xl/media/bild-ä.png", date_time=NOON)
        info.compress_type = zipfile.ZIP_STORED
        info.comment = b"a comment"
        info.external_attr = 0o640 << 16
        zf.writestr(info, bytes(range(256)) * 4)
        zf.writestr("xl/worksheets/sheet1.xml", b"<old/>")
        zf.writestr("docProps/app.xml", b"<app/>" * 50)
    return buf.getvalue()


def _rewritten(src: bytes, body: list[bytes]) -> bytes:
    out = io.BytesIO()
    source = io.BytesIO(src)
    writer = ZipWriter(out)
    with zipfile.ZipFile(io.BytesIO(src)) as zf:
        for info in zf.infolist():
            if info.filename != "xl/worksheets/sheet1.xml":
                writer.copy(source, info)
                continue
            with writer.deflating(info) as member:
                for chunk in body:
                    member.write(memoryview(chunk) if len(chunk) % 2 else chunk)
    writer.close()
    return out.getvalue()


@pytest.mark.parametrize("limit", [zipwrite.LIMIT, 100], ids=["plain", "zip64"])
def test_written_zip_reads_back(monkeypatch: pytest.MonkeyPatch, limit: int) -> None:
    monkeypatch.setattr(zipwrite, "LIMIT", limit)  # 100: as if past 4 GiB (zip64 records)
    src = _source()
    body = [b"<row>%d</row>" % i for i in range(5000)]
    out = _rewritten(src, body)
    with zipfile.ZipFile(io.BytesIO(src)) as old, zipfile.ZipFile(io.BytesIO(out)) as new:
        assert new.testzip() is None
        assert new.read("xl/worksheets/sheet1.xml") == b"".join(body)
        for was in old.infolist():
            info = new.getinfo(was.filename)
            assert (info.date_time, info.compress_type, info.comment, info.external_attr) == (
                was.date_time,
                was.compress_type,
                was.comment,
                was.external_attr,
            )
            if was.filename != "xl/worksheets/sheet1.xml":
                assert new.read(info) == old.read(was)


def test_an_empty_member_and_an_empty_zip() -> None:
    out = _rewritten(_source(), [])
    with zipfile.ZipFile(io.BytesIO(out)) as zf:
        assert zf.read("xl/worksheets/sheet1.xml") == b""
    empty = io.BytesIO()
    ZipWriter(empty).close()
    with zipfile.ZipFile(empty) as zf:
        assert zf.infolist() == []


def test_a_damaged_local_header_is_a_workbook_error() -> None:
    src = bytearray(_source())
    info = zipfile.ZipFile(io.BytesIO(bytes(src))).infolist()[0]
    src[info.header_offset : info.header_offset + 4] = b"XXXX"
    with pytest.raises(WorkbookError, match=r"bild-ä\.png cannot be read: bad local header"):
        ZipWriter(io.BytesIO()).copy(io.BytesIO(bytes(src)), info)


def _disagreements(data: bytes) -> list[str]:
    """Each central record against its member's local header, field by field (Excel
    refuses a package where they differ): version needed, flags, method, time, date, CRC,
    sizes (from the zip64 extra where the header marks them) and the name's bytes."""
    found: list[str] = []
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        at = zf.start_dir
        for info in zf.infolist():
            central = struct.unpack_from("<4s6H3L5H2L", data, at)
            assert central[0] == b"PK\x01\x02"
            name_len, extra_len, comment_len = central[10:13]
            name = data[at + 46 : at + 46 + name_len]
            at += 46 + name_len + extra_len + comment_len
            local = struct.unpack_from("<4s5H3L2H", data, info.header_offset)
            assert local[0] == b"PK\x03\x04"
            start = info.header_offset + 30
            local_name = data[start : start + local[9]]
            csize, size = local[7:9]
            if (csize, size) == (0xFFFFFFFF, 0xFFFFFFFF):
                tag, _, size, csize = struct.unpack_from("<2H2Q", data, start + local[9])
                assert tag == 1
            pairs = [
                ("version", local[1], central[2]),
                ("flags", local[2], central[3]),
                ("method", local[3], central[4]),
                ("time", local[4], central[5]),
                ("date", local[5], central[6]),
                ("crc", local[6], central[7]),
                ("compressed size", csize, info.compress_size),
                ("size", size, info.file_size),
                ("name", local_name, name),
            ]
            found += [f"{info.filename}: {w} {a!r} != {b!r}" for w, a, b in pairs if a != b]
    return found


@pytest.mark.parametrize("limit", [zipwrite.LIMIT, 100], ids=["plain", "zip64"])
def test_every_local_header_agrees_with_its_central_record(
    monkeypatch: pytest.MonkeyPatch, limit: int
) -> None:
    monkeypatch.setattr(zipwrite, "LIMIT", limit)
    out = _rewritten(_source(), [b"<row>%d</row>" % i for i in range(5000)])
    assert _disagreements(out) == []
    with zipfile.ZipFile(io.BytesIO(out)) as zf:
        assert [i.flag_bits & 0x800 for i in zf.infolist()] == [0x800, 0, 0]


def _unflagged_utf8_name() -> bytes:
    """A member named in UTF-8 without flag bit 11 (as many zip tools write it)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr(zipfile.ZipInfo("xl/media/bild-ä.png", date_time=NOON), b"png")
    raw = bytearray(buf.getvalue())
    for signature, at in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        start = raw.find(signature) + at
        flags = struct.unpack_from("<H", raw, start)[0]
        struct.pack_into("<H", raw, start, flags & ~0x800)
    return bytes(raw)


def test_a_copied_member_keeps_its_name_bytes_and_utf8_flag() -> None:
    """Its name was re-encoded from the string zipfile decoded as cp437: `bild-Ã¤.png`
    in UTF-8 with the flag, and the image its relationship names was gone."""
    src = _unflagged_utf8_name()
    out = io.BytesIO()
    writer = ZipWriter(out)
    with zipfile.ZipFile(io.BytesIO(src)) as zf:
        (info,) = zf.infolist()
        writer.copy(io.BytesIO(src), info)
    writer.close()
    assert _disagreements(out.getvalue()) == []
    with zipfile.ZipFile(out) as zf:
        (copied,) = zf.infolist()
    assert (copied.filename, copied.flag_bits & 0x800) == (info.filename, 0)
    assert "xl/media/bild-ä.png".encode() in out.getvalue()


@pytest.mark.parametrize("method", [zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA], ids=["bzip2", "lzma"])
def test_a_member_in_another_method_is_refused(method: int) -> None:
    """It was copied with version needed 20 and its method's flag bits lost."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        info = zipfile.ZipInfo("xl/media/packed.bin", date_time=NOON)
        info.compress_type = method
        zf.writestr(info, b"packed" * 100)
    with zipfile.ZipFile(io.BytesIO(buf.getvalue())) as zf:
        (info,) = zf.infolist()
    with pytest.raises(WorkbookError, match=rf"packed\.bin cannot be copied: method {method} "):
        ZipWriter(io.BytesIO()).copy(io.BytesIO(buf.getvalue()), info)


def test_an_encrypted_member_is_refused() -> None:
    src = bytearray(_source())
    info = zipfile.ZipFile(io.BytesIO(bytes(src))).infolist()[0]
    info.flag_bits |= 0x1
    with pytest.raises(WorkbookError, match=r"bild-ä\.png cannot be copied: encrypted"):
        ZipWriter(io.BytesIO()).copy(io.BytesIO(bytes(src)), info)


def test_a_member_that_cannot_be_copied_names_the_workbook(tmp_path: Path) -> None:
    """The splice's error names the company workbook and the member (until
    2026-12-07 only the member: ``zip member docProps/app.xml cannot be read``)."""
    path = tmp_path / "company.xlsx"
    bulk = _unspliced(path, [f"team {i}" for i in range(300)])
    data = bytearray(path.read_bytes())
    info = zipfile.ZipFile(io.BytesIO(bytes(data))).getinfo("docProps/app.xml")
    data[info.header_offset : info.header_offset + 4] = b"XXXX"
    path.write_bytes(bytes(data))
    with pytest.raises(WorkbookError) as caught:
        bulk.splice(path)
    assert caught.value.source == str(path)
    assert str(caught.value) == (
        f"{path}: zip member docProps/app.xml cannot be read: bad local header"
    )


def test_a_damaged_spliced_sheet_names_the_workbook_and_member(tmp_path: Path) -> None:
    """A sheet the splice reads (``zipread.read_member``) with a damaged deflate stream:
    until later on 2026-12-07 a bare ``BadZipFile`` naming neither the company
    workbook nor the member; the file is left as it was, no ``.bulk`` copy beside it."""
    path = tmp_path / "company.xlsx"
    bulk = _unspliced(path, [f"team {i}" for i in range(300)])
    data = bytearray(path.read_bytes())
    info = zipfile.ZipFile(io.BytesIO(bytes(data))).getinfo("xl/worksheets/sheet1.xml")
    start = zipread.local_header(bytes(data), info.header_offset)[2]
    data[start : start + 8] = b"\xff" * 8
    path.write_bytes(bytes(data))
    with pytest.raises(WorkbookError) as caught:
        bulk.splice(path)
    assert caught.value.source == str(path)
    assert str(caught.value).startswith(
        f"{path}: zip member xl/worksheets/sheet1.xml cannot be read: the member's deflate "
        "stream is damaged: "
    )
    assert path.read_bytes() == bytes(data)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["company.xlsx"]


def test_a_spliced_sheet_failing_its_crc_names_the_member_once(tmp_path: Path) -> None:
    """zipfile's wording names the member (``Bad CRC-32 for file '...'``): until
    2026-12-07 the message named it twice (``zip member X cannot be read: Bad CRC-32 for
    file 'X'``)."""
    path = tmp_path / "company.xlsx"
    bulk = _unspliced(path, ["a", "b"])
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as zf:
        info = zf.getinfo("xl/worksheets/sheet1.xml")
    at = _central_at(data, info.filename)  # the sheet's central entry: its CRC at +16
    data[at + 16 : at + 20] = struct.pack("<L", info.CRC ^ 1)
    path.write_bytes(bytes(data))
    with pytest.raises(WorkbookError) as caught:
        bulk.splice(path)
    assert str(caught.value) == (
        f"{path}: zip member xl/worksheets/sheet1.xml cannot be read: Bad CRC-32"
    )


def _unspliced(path: Path, texts: list[str]) -> BulkCells:
    """A company workbook at ``path`` whose Data tab's column A waits for the splice."""
    book = xlsxwriter.Workbook(str(path))
    bulk = BulkCells()
    bulk.column(book.add_worksheet("Data"), 0, 1, texts, "text", None)
    book.close()
    return bulk


def _central_at(data: bytearray, name: str) -> int:
    at = data.index(b"PK\x01\x02")
    while data[at + 46 : at + 46 + len(name)] != name.encode():
        at = data.index(b"PK\x01\x02", at + 4)
    return at


def _flagged_utf8(data: bytearray, info: zipfile.ZipInfo) -> None:
    at = info.header_offset
    data[at + 7] |= 0x08  # general purpose flags, bit 11 (0x800): the name is UTF-8
    data[at + 30 + len(info.filename) - 5] = 0xFF  # sheet1.xml's "1": no UTF-8


def _renamed(data: bytearray, info: zipfile.ZipInfo) -> None:
    at = info.header_offset + 30 + len(info.filename) - 5
    data[at] = ord("9")  # the local header's name: xl/worksheets/sheet9.xml


def _overlapping(data: bytearray, info: zipfile.ZipInfo) -> None:
    at = _central_at(data, info.filename) + 20  # the compressed size: into the next member
    data[at : at + 4] = struct.pack("<L", info.compress_size + 40)


@pytest.mark.parametrize(
    ("damage", "reason"),
    [
        (
            _flagged_utf8,
            "File name in the local header is flagged UTF-8 and is not: 'utf-8' codec "
            "can't decode byte 0xff in position 19: invalid start byte",
        ),
        (
            _renamed,
            "File name in directory and header b'xl/worksheets/sheet9.xml' differ.",
        ),
        (_overlapping, "Overlapped entries (possible zip bomb)"),
    ],
)
def test_every_member_read_error_names_the_spliced_sheet_once(
    tmp_path: Path, damage: object, reason: str
) -> None:
    """``read_member``'s texts other than the CRC's (a local header's name flagged UTF-8
    and not, a name that differs from the directory's, an overlap) name the member, as
    ``zipfile``'s do: until 2026-12-07 the splice's message named it twice (``zip member X
    cannot be read: Overlapped entries: 'X' (possible zip bomb)``)."""
    path = tmp_path / "company.xlsx"
    bulk = _unspliced(path, ["a", "b"])
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as zf:
        info = zf.getinfo("xl/worksheets/sheet1.xml")
    assert callable(damage)
    damage(data, info)
    path.write_bytes(bytes(data))
    with pytest.raises(WorkbookError) as caught:
        bulk.splice(path)
    assert str(caught.value) == (
        f"{path}: zip member xl/worksheets/sheet1.xml cannot be read: {reason}"
    )
    assert path.read_bytes() == bytes(data)


@pytest.mark.parametrize("source", [None, "company.xlsx"])
def test_the_writer_s_errors_name_its_source(source: str | None) -> None:
    src = bytearray(_source())
    info = zipfile.ZipFile(io.BytesIO(bytes(src))).infolist()[0]
    info.flag_bits |= 0x1
    with pytest.raises(WorkbookError) as caught:
        ZipWriter(io.BytesIO(), source).copy(io.BytesIO(bytes(src)), info)
    assert caught.value.source == source
    assert str(caught.value).startswith(f"{source}: zip member" if source else "zip member")


def test_the_sheets_spliced_are_inflated_by_zipread(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """By ISA-L, bounded at their size (``read_member``), as the write-back reads team
    members: ``ZipFile.read``'s zlib took 11 ms of CPU a 2,000-team rollup, it takes 2."""
    read: list[str] = []

    def spy(data: bytes, info: zipfile.ZipInfo, end: int | None = None) -> bytes:
        read.append(info.filename)
        return zipread.read_member(data, info, end)

    monkeypatch.setattr(bulkzip, "read_member", spy)
    path = tmp_path / "company.xlsx"
    _book(path)
    assert read == ["xl/worksheets/sheet1.xml"]
    with zipfile.ZipFile(path) as zf:
        assert zf.testzip() is None
        sheet = zf.read("xl/worksheets/sheet1.xml")
    assert b'<row r="1"' in sheet  # xlsxwriter's header row, read and kept
    assert b"team 2999" in sheet
