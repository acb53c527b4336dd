"""Re-zipping a package: replaced members are deflated, the others copied as they are."""

from __future__ import annotations

import hashlib
import io
import zipfile
from pathlib import Path

import pytest

from sheets_sync import zipwrite
from sheets_sync.backends.excel import rezip as rezip_module
from sheets_sync.backends.excel import safety
from sheets_sync.backends.excel.reader import read_workbook
from sheets_sync.backends.excel.rezip import rezip
from sheets_sync.errors import WorkbookError
from sheets_sync.zipread import LOCAL, local_header
from tests.support.shared import REAL_WORLD, each_file, needs_real_world

LEAP_NIGHT = (2024, 2, 29, 23, 59, 58)
NOON = (2019, 7, 1, 12, 0, 0)


def package() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.comment = b"archive comment"
        members = [
            ("mimetype", b"application/x-test", zipfile.ZIP_STORED, (1980, 1, 1, 0, 0, 0)),
            ("xl/worksheets/sheet1.xml", b"<s/>" * 500, zipfile.ZIP_DEFLATED, LEAP_NIGHT),
            ("xl/media/bild-ä.png", bytes(range(256)) * 40, zipfile.ZIP_DEFLATED, NOON),
            ("docProps/app.xml", b"<app/>", zipfile.ZIP_STORED, (2001, 12, 31, 1, 2, 4)),
        ]
        for name, body, method, when in members:
            info = zipfile.ZipInfo(name, date_time=when)
            info.compress_type = method
            info.external_attr = 0o640 << 16
            info.comment = f"about {name}".encode()
            zf.writestr(info, body)
    return buf.getvalue()


def members(data: bytes) -> list[tuple[object, ...]]:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        assert zf.testzip() is None
        return [
            (i.filename, i.date_time, i.compress_type, i.external_attr, i.comment, zf.read(i))
            for i in zf.infolist()
        ]


def raw_members(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return {i.filename: rezip_module._raw(data, i) for i in zf.infolist()}


def test_unchanged_members_are_copied_raw_and_replaced_ones_deflated() -> None:
    src = package()
    infos = zipfile.ZipFile(io.BytesIO(src)).infolist()
    out = rezip(src, infos, {"xl/worksheets/sheet1.xml": b"<new/>"}, comment=b"archive comment")
    before, after = members(src), members(out)
    assert [m[:5] for m in after] == [m[:5] for m in before]  # names, order, metadata
    assert after[1][5] == b"<new/>"
    assert [m[5] for i, m in enumerate(after) if i != 1] == [
        m[5] for i, m in enumerate(before) if i != 1
    ]
    old, new = raw_members(src), raw_members(out)
    assert all(new[n] == old[n] for n in old if n != "xl/worksheets/sheet1.xml")
    assert zipfile.ZipFile(io.BytesIO(out)).comment == b"archive comment"
    with zipfile.ZipFile(io.BytesIO(out)) as zf:
        assert zf.getinfo("xl/media/bild-ä.png").flag_bits & 0x800  # UTF-8 name


def test_removed_members_are_left_out() -> None:
    src = package()
    infos = zipfile.ZipFile(io.BytesIO(src)).infolist()
    out = rezip(src, infos, {}, removed={"docProps/app.xml"})
    assert [m[0] for m in members(out)] == [m[0] for m in members(src)][:3]


def test_a_package_needing_zip64_keeps_its_members_raw(monkeypatch: pytest.MonkeyPatch) -> None:
    """The zip64 path (``ZipWriter``) copies the members it does not replace as their
    compressed bytes: until 2026-12-07 it went through ``zipfile`` (and needed ``read``),
    every member deflated again."""
    src = package()
    zf = zipfile.ZipFile(io.BytesIO(src))
    monkeypatch.setattr(zipwrite, "LIMIT", 1000)  # as if members passed 4 GiB
    out = rezip(src, zf.infolist(), {"docProps/app.xml": b"<x/>"})
    assert [m[:5] for m in members(out)] == [m[:5] for m in members(src)]
    assert members(out)[3][5] == b"<x/>"
    before, after = raw_members(src), raw_members(out)
    del before["docProps/app.xml"], after["docProps/app.xml"]
    assert after == before


def test_a_damaged_local_header_is_a_workbook_error() -> None:
    src = bytearray(package())
    infos = zipfile.ZipFile(io.BytesIO(bytes(src))).infolist()
    at = infos[2].header_offset
    src[at : at + 4] = b"XXXX"
    with pytest.raises(WorkbookError, match=r"bild-ä\.png cannot be read: bad local header"):
        rezip(bytes(src), infos, {})


CORPUS = each_file(
    REAL_WORLD, (p for p in REAL_WORLD.rglob("*.xls[xm]") if "hazards" not in str(p))
)


@needs_real_world
@pytest.mark.parametrize("path", CORPUS, ids=lambda p: p.name)
def test_every_real_world_package_rezips_to_the_same_members(path: Path) -> None:
    """Zips from Excel, LibreOffice, Gnumeric and odd exporters (data descriptors, extra
    fields, backslash names): each member reads back the same, its raw bytes copied."""
    src = path.read_bytes()
    try:
        zf = zipfile.ZipFile(io.BytesIO(src))
        intact = zf.testzip() is None
    except (zipfile.BadZipFile, RuntimeError, NotImplementedError):
        intact = False
    if not intact:  # encrypted or damaged: the reader refuses it, so it is never written
        with pytest.raises(WorkbookError):
            read_workbook(path, tabs=[])
        return
    before = members(src)
    out = rezip(src, zf.infolist(), {}, comment=zf.comment)
    assert members(out) == before
    assert raw_members(out) == raw_members(src)


def _clear_utf8_flags(data: bytes) -> bytes:
    """The package as zip tools that write UTF-8 names without the UTF-8 flag leave it
    (bit 11 cleared in every local and central header)."""
    out = bytearray(data)
    for signature, flags_at in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        at = out.find(signature)
        while at >= 0:
            flags = int.from_bytes(out[at + flags_at : at + flags_at + 2], "little")
            out[at + flags_at : at + flags_at + 2] = (flags & ~0x800).to_bytes(2, "little")
            at = out.find(signature, at + 4)
    return bytes(out)


def _names_as_written(data: bytes) -> list[tuple[bytes, int]]:
    """Each member's name bytes and UTF-8 flag as its local header has them."""
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        infos = zf.infolist()
    out = []
    for info in infos:
        flags, name_end, _ = local_header(data, info.header_offset)
        out.append((data[info.header_offset + LOCAL.size : name_end], flags & 0x800))
    return out


def test_member_names_keep_their_bytes_whatever_their_encoding() -> None:
    """A name in UTF-8 without the flag reads as cp437 (``bild-├ñ.png``): it was written
    back in UTF-8 *with* the flag, so every reader saw the mojibake name, and the image
    its relationship names (``media/bild-ä.png``) was gone from the package."""
    src = _clear_utf8_flags(package())
    names = [i.filename for i in zipfile.ZipFile(io.BytesIO(src)).infolist()]
    assert "xl/media/bild-├ñ.png" in names  # how zipfile (and so we) read it
    out = rezip(src, zipfile.ZipFile(io.BytesIO(src)).infolist(), {"docProps/app.xml": b"<a/>"})
    assert _names_as_written(out) == _names_as_written(src)
    assert (b"xl/media/bild-\xc3\xa4.png", 0) in _names_as_written(out)
    assert [m[0] for m in members(out)] == names
    flagged = package()  # a name with the flag keeps it
    out = rezip(flagged, zipfile.ZipFile(io.BytesIO(flagged)).infolist(), {})
    assert (b"xl/media/bild-\xc3\xa4.png", 0x800) in _names_as_written(out)


#: Whole re-zipped packages (every member kept raw, the last one removed) as the base of
#: the header move wrote them (587a3ca8, when ``rezip`` had its own copies of the zip
#: record structs): one set of structs now, in ``zipwrite``, and not a byte moved. The
#: two whose members carry extra fields (timestamps 0x5455 and 0x7875; Excel's padding
#: 0xa220) changed on 2026-12-08, when a copy began to keep them (``test_zip_extras.py``:
#: each member's extras, compressed bytes and name as they were); the two without, not.
PINNED = {
    "dimastbk__python-calamine/issue139.xlsx": (
        "879f5bb236828bf4d620c08d281c56418f15d00cdcefa4b67484ca742e250136"
    ),
    "theorchard__openpyxl/libreoffice_nrt.xlsx": (
        "ce2c7f95c8e9f1f4e78aa1c36e8d3b5343aec8825811018669ea819d3b2218a7"
    ),
    "jmcnamara__XlsxWriter/embed_image01.xlsx": (
        "ea8a177e5947d6977f00ee3a844cbbdc4c1f1e901122e9008caf084c4f085806"
    ),
    "tafia__calamine/strict_iso_paths.xlsx": (
        "d038f85edfe5067596be2532f7403abbfc53b5308813e94abc56a06ed3190773"
    ),
}


@needs_real_world
@pytest.mark.parametrize("name", sorted(PINNED))
def test_real_world_packages_rezip_to_the_very_bytes_they_did(name: str) -> None:
    src = (REAL_WORLD / name).read_bytes()
    zf = zipfile.ZipFile(io.BytesIO(src))
    infos = zf.infolist()
    out = rezip(src, infos, {}, removed={infos[-1].filename}, comment=zf.comment)
    assert hashlib.sha256(out).hexdigest() == PINNED[name]


def test_one_zip64_limit_and_one_set_of_methods() -> None:
    """rezip and the package check use zipwrite's zip64 limit and methods, not copies of
    them (until a review on 2026-12-07 rezip had its own limit and safety its own methods).
    rezip names neither: it writes through ``ZipWriter``, which reads ``zipwrite.LIMIT``
    (the name tests lower); until 2026-12-08 it re-exported both for this test alone."""
    assert not {"LIMIT", "METHODS"} & set(vars(rezip_module))
    assert vars(safety)["METHODS"] is zipwrite.METHODS
