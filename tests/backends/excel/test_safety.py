"""Package inspection: hostile zips are refused before any parser or calamine sees them."""

from __future__ import annotations

import io
import struct
import warnings
import zipfile
import zlib

import openpyxl
import pytest

from sheets_sync.backends.excel.patch import patch_xlsx
from sheets_sync.backends.excel.reader import read_workbook_bytes
from sheets_sync.backends.excel.safety import inspect_package, normalise_part_name
from sheets_sync.errors import (
    EncryptedWorkbookError,
    UnsafeWorkbookError,
    WorkbookError,
    WorkbookTooLargeError,
)
from sheets_sync.grid import CellWrite

LIMIT = 50 * 2**20


def good_xlsx() -> bytes:
    wb = openpyxl.Workbook()
    wb.active["A1"] = "hello"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def with_extra(name: str, body: bytes, compress_type: int = zipfile.ZIP_STORED) -> bytes:
    """A valid workbook plus one extra zip entry (stored, unless told otherwise)."""
    src = zipfile.ZipFile(io.BytesIO(good_xlsx()))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as out:
        for info in src.infolist():
            out.writestr(info, src.read(info))
        out.writestr(zipfile.ZipInfo(name), body, compress_type)
    return buf.getvalue()


def replace_part(name: str, body: bytes) -> bytes:
    src = zipfile.ZipFile(io.BytesIO(good_xlsx()))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as out:
        for info in src.infolist():
            out.writestr(info.filename, body if info.filename == name else src.read(info))
    return buf.getvalue()


def test_good_package_keeps_xml_parts_only() -> None:
    pkg = inspect_package(good_xlsx(), source="t", max_uncompressed_bytes=LIMIT)
    assert pkg.kind == "xlsx"
    assert pkg.part("xl/worksheets/sheet1.xml") is not None
    assert pkg.part("XL\\Worksheets\\Sheet1.xml") is not None  # case/backslash-insensitive


@pytest.mark.parametrize(
    "name", ["../evil.xml", "xl/../../evil.xml", "/etc/evil.xml", "..\\evil.xml", "C:\\evil.xml"]
)
def test_path_traversal_entries_are_refused(name: str) -> None:
    with pytest.raises(UnsafeWorkbookError, match="unsafe path"):
        inspect_package(with_extra(name, b"<x/>"), source="t", max_uncompressed_bytes=LIMIT)


def test_backslash_names_are_fine() -> None:
    assert normalise_part_name("xl\\worksheets\\sheet1.xml") == "xl/worksheets/sheet1.xml"
    inspect_package(
        with_extra("xl\\media\\a.xml", b"<x/>"), source="t", max_uncompressed_bytes=LIMIT
    )


BOMB = b"""<?xml version="1.0"?>
<!DOCTYPE sst [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>
<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>&b;</t></si></sst>"""


@pytest.mark.parametrize("encoding", ["utf-8", "utf-16-le"])
def test_dtd_in_any_xml_part_is_refused(encoding: str) -> None:
    body = BOMB.decode().encode(encoding)
    with pytest.raises(UnsafeWorkbookError, match="DTD or entities"):
        read_workbook_bytes(with_extra("xl/sharedStrings2.xml", body), source="t", tabs=["Sheet"])


def test_entity_split_across_chunks_is_found() -> None:
    body = b" " * (2**16 - 4) + b"<!ENTITY x 'y'>"
    with pytest.raises(UnsafeWorkbookError):
        inspect_package(with_extra("xl/x.xml", body), source="t", max_uncompressed_bytes=LIMIT)


def test_dtd_in_media_is_not_parsed_so_not_refused() -> None:
    svg = b'<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "x"><svg/>'
    inspect_package(
        with_extra("xl/media/image1.svg", svg), source="t", max_uncompressed_bytes=LIMIT
    )


def test_declared_size_over_limit() -> None:
    with pytest.raises(WorkbookTooLargeError, match=r"would inflate to 1\.0 MiB"):
        inspect_package(
            with_extra("xl/big.xml", b" " * 2**20), source="t", max_uncompressed_bytes=2**20
        )


def test_lying_declared_size_is_caught_not_inflated(monkeypatch: pytest.MonkeyPatch) -> None:
    """Header says 10 bytes, deflate stream holds 20 MB: zipfile stops at 10 and the CRC
    check fails, so the part never reaches calamine."""
    body = b"<a>" + b" " * 20_000_000 + b"</a>"
    data = bytearray(with_extra("xl/lie.xml", body, zipfile.ZIP_DEFLATED))
    # Patch the uncompressed size in the local header and in the central directory.
    zf = zipfile.ZipFile(io.BytesIO(bytes(data)))
    info = zf.getinfo("xl/lie.xml")
    # deflated: stored, zlib never saw the entry and the count below could not fail
    assert info.compress_type == zipfile.ZIP_DEFLATED
    struct.pack_into("<I", data, info.header_offset + 22, 10)
    cd = data.rfind(b"xl/lie.xml") - 46  # the central record comes last, name at +46
    assert data[cd : cd + 4] == b"PK\x01\x02"
    struct.pack_into("<I", data, cd + 24, 10)
    inflated: list[int] = []  # what zipfile's inflater handed out, call by call
    inflater = zlib.decompressobj

    class Counted:
        def __init__(self, wbits: int = zlib.MAX_WBITS) -> None:  # zipfile's: -15
            self._real = inflater(wbits)

        def decompress(self, chunk: bytes, max_length: int = 0) -> bytes:
            out = self._real.decompress(chunk, max_length)
            inflated.append(len(out))
            return out

        def __getattr__(self, name: str) -> object:
            return getattr(self._real, name)

    monkeypatch.setattr(zlib, "decompressobj", Counted)
    with pytest.raises(WorkbookError, match="damaged"):
        inspect_package(bytes(data), source="t", max_uncompressed_bytes=LIMIT)
    # counted, not timed (a 1 s bound timed the machine's load too): the other parts'
    # few kB, not the 20 MB the entry holds
    assert inflated and sum(inflated) < 2**20, sum(inflated)


def test_encrypted_zip_entries() -> None:
    data = bytearray(good_xlsx())
    zf = zipfile.ZipFile(io.BytesIO(bytes(data)))
    offset = data.find(b"PK\x01\x02")
    while offset != -1:  # set the "encrypted" flag in every central-directory record
        flags = struct.unpack_from("<H", data, offset + 8)[0]
        struct.pack_into("<H", data, offset + 8, flags | 1)
        offset = data.find(b"PK\x01\x02", offset + 4)
    assert zf.infolist()
    with pytest.raises(EncryptedWorkbookError):
        inspect_package(bytes(data), source="t", max_uncompressed_bytes=LIMIT)


def test_zip_without_workbook_is_not_a_workbook() -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("readme.txt", "hi")
    with pytest.raises(WorkbookError, match=r"not an Excel workbook"):
        inspect_package(buf.getvalue(), source="t", max_uncompressed_bytes=LIMIT)


def test_damaged_worksheet_xml() -> None:
    data = replace_part("xl/worksheets/sheet1.xml", b"<worksheet><sheetData><row><c>")
    with pytest.raises(WorkbookError, match="damaged"):
        read_workbook_bytes(data, source="t", tabs=["Sheet"])


@pytest.mark.parametrize(
    "twin", ["xl/worksheets/Sheet1.xml", "xl\\worksheets\\sheet1.xml", "xl/worksheets/sheet1.xml"]
)
def test_two_members_for_one_part_are_refused_by_reader_and_writer(twin: str) -> None:
    """``sheet1.xml`` and ``Sheet1.xml`` name one OPC part. LibreOffice showed the first;
    calamine read the last (goals the team never saw reached the rollup) and the patch
    wrote its scores into the last, a part no application shows."""
    src = good_xlsx()
    decoy = b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    decoy += b'<sheetData><row r="1"><c r="A1"><v>999</v></c></row></sheetData></worksheet>'
    buf = io.BytesIO(src)
    with warnings.catch_warnings(), zipfile.ZipFile(buf, "a") as zf:
        warnings.simplefilter("ignore")  # zipfile warns of the very same name twice
        zf.writestr(twin, decoy)
    message = "two members for one part"
    with pytest.raises(UnsafeWorkbookError, match=message):
        read_workbook_bytes(buf.getvalue(), source="sales.xlsx", tabs=["Sheet"])
    with pytest.raises(UnsafeWorkbookError, match=message):
        patch_xlsx(buf.getvalue(), [CellWrite("Sheet", 1, 2, 1.0)])


def _ods_with(*extra: tuple[str, bytes]) -> bytes:
    from tests.backends.excel.test_reader_dates import _ods

    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(_ods(None))) as src, zipfile.ZipFile(out, "w") as z:
        for info in src.infolist():
            z.writestr(info, src.read(info))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # zipfile warns of the very same name twice
            for name, body in extra:
                z.writestr(name, body)
    return out.getvalue()


def test_an_ods_may_hold_two_parts_whose_names_differ_in_case() -> None:
    """ODF part names are case-sensitive (OPC's are not): Pictures/logo.png beside
    Pictures/Logo.png is two images, and the .ods was refused every night."""
    data = _ods_with(("Pictures/logo.png", b"\x89PNG one"), ("Pictures/Logo.png", b"\x89PNG 2"))
    assert read_workbook_bytes(data, source="t.ods", tabs=["Sheet"]).sheet_names == ("Sheet",)


@pytest.mark.parametrize(
    "twins",
    [
        ("Pictures/logo.png", "Pictures/logo.png"),  # one name twice
        ("Pictures/logo.png", "Pictures\\logo.png"),
        ("Content.xml", "CONTENT.XML"),  # parts read here are kept by lower-cased name
    ],
)
def test_an_ods_with_two_members_for_one_name_is_refused(twins: tuple[str, str]) -> None:
    data = _ods_with(*((name, b"<x/>") for name in twins))
    with pytest.raises(UnsafeWorkbookError, match="two members for one part"):
        read_workbook_bytes(data, source="t.ods", tabs=["Sheet"])


def test_a_part_inflates_into_about_its_own_size() -> None:
    """The inflated part is handed over as it was gathered: until 2026-12-07 a
    ``bytearray`` was copied into ``bytes`` at the end, so a part held twice its size at
    its peak (the previous company workbook's 12.5 MB Key results tab: 26 MiB)."""
    import tracemalloc

    from sheets_sync.backends.excel.safety import _inflate

    body = b"<row>" + bytes(range(48, 58)) * 400_000 + b"</row>"  # 4 MB, compresses well
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("xl/worksheets/sheet1.xml", body)
    with zipfile.ZipFile(io.BytesIO(buf.getvalue())) as zf:
        info = zf.getinfo("xl/worksheets/sheet1.xml")
        tracemalloc.start()
        try:
            got = _inflate(zf, info, LIMIT, LIMIT, "x.xlsx")
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    assert got == body
    assert peak < 1.5 * len(body), peak
