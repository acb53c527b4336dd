"""Promise 1 through the write-back's zip (``rezip``): team files zipped by odd tools.

After a write-back every member the write did not edit inflates to the same bytes, and
keeps its compressed bytes, its name's very bytes, method, date, attributes, comment
and extra fields but a zip64 one (``test_zip_extras.py``; data descriptors are dropped:
the sizes go in the headers); a second
write of the same cells is byte-identical (``ExcelBackend._holds``: a worker that died
after its rename is found done, not a conflict). A zip the write cannot copy faithfully is
refused with an error naming the file and the member, and the file is left as it was.
"""

from __future__ import annotations

import io
import shutil
import struct
import subprocess
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest

from sheets_sync.backends.excel.patch import patch_xlsx
from sheets_sync.backends.excel.reader import read_workbook_bytes
from sheets_sync.errors import WorkbookError
from sheets_sync.grid import CellWrite
from tests.backends.excel.zipcraft import (
    PICTURE,
    Member,
    build,
    every,
    records,
    team_file,
    team_members,
    write_back,
)

SHEET = "xl/worksheets/sheet1.xml"
NTFS = struct.pack("<2HL2H3Q", 0x000A, 32, 0, 1, 24, 1, 2, 3)  # mtime, atime, ctime


def unicode_path(name: bytes, unicode: str | None = None) -> bytes:
    """The Info-ZIP Unicode Path extra (0x7075): version 1, CRC of the header's name, the
    name in UTF-8 (``unicode``, else the header's bytes)."""
    text = name if unicode is None else unicode.encode()
    return struct.pack("<2HBL", 0x7075, 5 + len(text), 1, zlib.crc32(name)) + text


def _named(name: bytes, unicode: str) -> Member:
    """A picture named ``name`` in its headers and ``unicode`` in their 0x7075 extras."""
    extra = unicode_path(name, unicode)
    return Member(name, PNG, local_extra=extra, central_extra=extra)


def _with(member: Member) -> Callable[[list[Member]], list[Member]]:
    return lambda ms: [*ms, member]


PNG = bytes(range(256)) * 50
KEPT: dict[str, Callable[[list[Member]], list[Member]]] = {
    "data descriptors": lambda ms: every(ms, descriptor=True),
    "stored with data descriptors": lambda ms: every(ms, descriptor=True, method=0),
    "zip64 extras on small members (local)": lambda ms: every(ms, local_zip64=True),
    "NTFS times": lambda ms: every(ms, local_extra=NTFS, central_extra=NTFS),
    "Unicode path extras": lambda ms: [
        Member(
            **{
                **m.__dict__,
                "local_extra": unicode_path(m.name),
                "central_extra": unicode_path(m.name),
            }
        )
        for m in ms
    ],
    "a cp437 name and its Unicode path extra": _with(  # the same name: ä is 0x84
        _named("xl/media/bild-ä.png".encode("cp437"), "xl/media/bild-ä.png")
    ),
    "members in reverse order": lambda ms: ms[::-1],
    "directory entries": lambda ms: [
        ms[0],
        Member(b"xl/", b"", 0, external_attr=0x10),
        Member(b"xl/media/", b"", 0),
        *ms[1:],
    ],
    "a backslash name": _with(Member(b"xl\\media\\image2.png", PNG)),
    "a name in Latin-1 without the UTF-8 flag": _with(Member(b"xl/media/bild\xe4.png", PNG)),
    "a name in UTF-8 without the UTF-8 flag": _with(Member("xl/media/bild-ä.png".encode(), PNG)),
    "a name in UTF-8 with the flag": _with(
        Member("xl/media/bild-ü.png".encode(), PNG, flags=0x800)
    ),
    "stored members": lambda ms: every(ms, method=0),
    "a local header in another method": _with(Member(b"xl/media/image3.png", PNG, local_method=0)),
    "member comments": lambda ms: every(ms, comment=b"c\xe9"),
    "Unix attributes": lambda ms: every(ms, made_by=(3 << 8) | 20, external_attr=0o100644 << 16),
    "deflate option bits": lambda ms: every(ms, flags=0x6),
}


def _wrote(tmp_path: Path, members: list[Member], comment: bytes = b"") -> tuple[bytes, bytes]:
    src = build(members, comment=comment)
    path = team_file(tmp_path, src)
    write_back(path)
    return src, path.read_bytes()


@pytest.mark.parametrize("case", KEPT, ids=str)
def test_every_member_not_edited_is_kept(case: str, tmp_path: Path) -> None:
    src, out = _wrote(tmp_path, KEPT[case](team_members()))
    before, after = records(src), records(out)
    assert list(after) == list(before)
    assert {n for n in before if before[n] != after[n]} == {SHEET}
    with zipfile.ZipFile(io.BytesIO(out)) as zf:
        assert zf.testzip() is None
        assert b"synced" in zf.read(SHEET)
    with zipfile.ZipFile(io.BytesIO(src)) as old, zipfile.ZipFile(io.BytesIO(out)) as new:
        for info in old.infolist():
            if info.filename != SHEET:
                assert new.read(info.filename) == old.read(info)
    writes = [CellWrite("Sheet", 3, 20, "synced"), CellWrite("Sheet", 4, 20, 0.5)]
    assert patch_xlsx(out, writes) == out  # the same write again: byte-identical


def test_zip64_end_records_on_a_small_file(tmp_path: Path) -> None:
    """Some tools write zip64 end records on any zip: read, and the written file (which
    does not need them) has plain ones, every member kept."""
    members = team_members()
    members[-1] = Member(PICTURE.encode(), PNG, declared={"size": len(PNG)})  # zip64 extra
    src = build(members, zip64_end=True)
    path = team_file(tmp_path, src)
    write_back(path)
    before, after = records(src), records(path.read_bytes())
    assert {n for n in before if before[n] != after[n]} == {SHEET}


def test_the_archive_comment_is_kept(tmp_path: Path) -> None:
    src, out = _wrote(tmp_path, team_members(), comment=b"team's note \xff")
    assert zipfile.ZipFile(io.BytesIO(out)).comment == b"team's note \xff"
    assert records(out)[PICTURE] == records(src)[PICTURE]


def _refused(tmp_path: Path, data: bytes) -> WorkbookError:
    path = team_file(tmp_path, data)
    with pytest.raises(WorkbookError) as info:
        write_back(path)
    assert path.read_bytes() == data  # untouched
    assert not list((path.parent / "backups").rglob("*.bak"))
    assert str(info.value).startswith("sales.xlsx: ")
    assert "Traceback" not in str(info.value)
    return info.value


def test_a_member_declaring_a_5_gib_compressed_size_is_refused(tmp_path: Path) -> None:
    """A zip64 central record declaring 5 GiB of compressed bytes for a picture whose
    deflate stream is 1 KB (the file is 6 KB): ``zipfile`` inflates it, since the stream
    ends first, so the read took it; the write-back took it for a package needing zip64
    and re-zipped every member through ``zipfile``: all re-deflated, attributes 0 written
    as 0o600 (every member's metadata changed), and the same write again no longer
    byte-identical. No such member fits in a file under 4 GiB: it is damage, refused."""
    members = [*team_members()[:-1], Member(PICTURE.encode(), PNG, declared={"csize": 5 << 30})]
    error = _refused(tmp_path, build(members))
    assert f"{PICTURE} cannot be read: truncated" in str(error)
    assert "(the zip is damaged; save the file again in Excel or LibreOffice)" in str(error)


def test_a_member_its_local_header_names_otherwise_is_refused(tmp_path: Path) -> None:
    """The central directory names the picture ``image1.png``, its local header
    ``OTHER1.png``: ``zipfile`` refuses to open it (and so did the write-back when it
    re-zipped through ``zipfile``); the raw copy wrote it under the central name in both
    headers, a member renamed for any reader that goes by local headers (a streaming
    unzip). Not read, not copied: refused, naming the member."""
    members = [
        *team_members()[:-1],
        Member(PICTURE.encode(), PNG, local_name=b"xl/media/OTHER1.png"),
    ]
    error = _refused(tmp_path, build(members))
    assert PICTURE in str(error) and "OTHER1.png" in str(error)


def test_a_local_name_in_cp437_for_a_central_one_in_utf8_is_written(tmp_path: Path) -> None:
    """The central directory names the picture ``bild-ä.png`` in UTF-8 (flagged), its
    local header in cp437 without the flag: one name, as ``zipfile`` reads it (each header
    decoded by its own flag). Written under the central name in both headers (until
    2026-12-07 refused, the local bytes decoded by the central flag: ``'bild-\ufffd.png'``)."""
    name = "xl/media/bild-ä.png"
    cp437 = name.encode("cp437")
    picture = Member(name.encode(), PNG, flags=0x800, local_name=cp437, local_flags=0)
    out = _wrote(tmp_path, [*team_members(), picture])[1]
    assert records(out)[name][1] == name.encode()
    assert zipfile.ZipFile(io.BytesIO(out)).getinfo(name).flag_bits & 0x800
    assert zipfile.ZipFile(io.BytesIO(out)).read(name) == PNG


def test_a_local_name_other_than_the_central_one_is_quoted_as_read(tmp_path: Path) -> None:
    """A local name in UTF-8 without the flag that is not the central one: refused,
    quoted as the local header spells it (the bytes read as UTF-8, as most tools write)."""
    members = [
        *team_members()[:-1],
        Member(PICTURE.encode(), PNG, local_name="xl/media/bild-ö.png".encode()),
    ]
    assert "'xl/media/bild-ö.png'" in str(_refused(tmp_path, build(members)))


@pytest.mark.parametrize("where", ["both", "central", "local"])
def test_a_unicode_path_extra_naming_the_member_otherwise_is_refused(
    where: str, tmp_path: Path
) -> None:
    """Headers in Latin-1 without the flag (``bild\\xe4.png``: ``bildΣ.png`` as cp437),
    the Unicode path extra (0x7075, its CRC the header name's) saying ``bildä.png``: the
    name a reader that honours the extra (7-Zip, Windows, a newer Python's ``zipfile``)
    sees. The copy keeps the header bytes and drops extras: renamed for that reader.
    Refused, naming both (parsed here, so the case holds on any Python)."""
    picture = _named(b"xl/media/bild\xe4.png", "xl/media/bildä.png")
    if where == "central":  # the extra in one header only
        picture = replace(picture, local_extra=b"")
    if where == "local":
        picture = replace(picture, central_extra=b"")
    error = str(_refused(tmp_path, build([*team_members(), picture])))
    assert "zip member xl/media/bildΣ.png cannot be copied" in error
    assert "Unicode path extra field names it 'xl/media/bildä.png'" in error


def _cut_in_the_middle() -> bytes:
    """Half the members gone, the central directory's end kept."""
    data = build(team_members())
    return data[: len(data) // 2] + data[-200:]


def _spanned() -> bytes:
    """The end record saying the directory starts on disk 1 of a spanned zip."""
    data = bytearray(build(team_members()))
    struct.pack_into("<H", data, len(data) - 22 + 6, 1)
    return bytes(data)


REFUSED: dict[str, tuple[Callable[[], bytes], str]] = {
    "duplicate names": (lambda: build([*team_members(), team_members()[-1]]), "two members"),
    "truncated end record": (lambda: build(team_members())[:-40], "damaged"),
    "a cut in the middle": (
        _cut_in_the_middle,
        "damaged",
    ),
    "a 5 GiB declared size": (
        lambda: build(
            [*team_members()[:-1], Member(PICTURE.encode(), PNG, declared={"size": 5 << 30})]
        ),
        "inflate to 5120.0 MiB",
    ),
    "an absolute name": (lambda: build([*team_members(), Member(b"/x.png", PNG)]), "/x.png"),
    "a name out of the package": (
        lambda: build([*team_members(), Member(b"../x.png", PNG)]),
        "../x.png",
    ),
    "an offset past 4 GiB": (
        lambda: build(
            [*team_members()[:-1], Member(PICTURE.encode(), PNG, declared={"offset": 5 << 30})]
        ),
        f"{PICTURE} cannot be read: bad local header (the zip is damaged; save the file again",
    ),
    "a member encrypted (traditional)": (
        lambda: build([*team_members()[:-1], Member(PICTURE.encode(), PNG, flags=0x1)]),
        "encrypted",
    ),
    "a zip spanning disks": (_spanned, "damaged"),
    "a self-extractor's stub": (lambda: b"MZ" + bytes(5000) + build(team_members()), "not an"),
    "a member with no name": (  # an IndexError in the read (``ZipInfo.is_dir``)
        lambda: build([*team_members(), Member(b"", b"zz", 0)]),
        "no name",
    ),
    "a NUL then a name out of the package": (  # ZipInfo cuts the name at the NUL
        lambda: build([*team_members(), Member(b"xl/media/a.png\x00../../evil", PNG)]),
        "unsafe path inside the workbook: 'xl/media/a.png\\x00../../evil'",
    ),
    "a name starting with NUL": (  # not an entry with no name
        lambda: build([*team_members(), Member(b"\x00evil.png", PNG)]),
        "unsafe path inside the workbook: '\\x00evil.png'",
    ),
    "strong encryption": (
        lambda: build([*team_members()[:-1], Member(PICTURE.encode(), PNG, flags=0x40)]),
        PICTURE,
    ),
}


@pytest.mark.parametrize("case", REFUSED, ids=str)
def test_a_zip_that_cannot_be_kept_is_refused_untouched(case: str, tmp_path: Path) -> None:
    make, phrase = REFUSED[case]
    assert phrase in str(_refused(tmp_path, make()))


@pytest.mark.parametrize(
    ("bits", "how"),
    [
        (0x40, "strong encryption, flag bit 6"),  # alone: zipfile's "unsupported compression"
        (0x41, "strong encryption, flag bit 6"),  # as APPNOTE has it: with bit 0
        (0x2000, "central directory encryption, flag bit 13"),  # copied, the bit dropped
        (0x1, "flag bit 0"),
    ],
)
@pytest.mark.parametrize("name", [SHEET, PICTURE])
def test_each_encryption_bit_is_refused_by_member(
    bits: int, how: str, name: str, tmp_path: Path
) -> None:
    """APPNOTE 4.4.4: bit 0 encrypted, bit 6 strong encryption, bit 13 the central
    directory encrypted (the local header's values masked). Until 2026-12-08 only bit 0
    was checked, by no member: a sheet with bit 6 was "an unsupported zip compression",
    a picture with bit 13 written without the bit."""
    members = [replace(m, flags=bits) if m.name == name.encode() else m for m in team_members()]
    data = build(members)
    line = f"sales.xlsx: zip member {name} is encrypted ({how}); save the workbook without a"
    assert str(_refused(tmp_path, data)).startswith(line)
    with pytest.raises(WorkbookError) as read:
        read_workbook_bytes(data, source="sales.xlsx", tabs=["Sheet"])
    assert str(read.value).startswith(line)


@pytest.mark.parametrize("made_by", ["crafted", "zip -P"])
def test_a_password_protected_zip_is_refused_in_one_plain_line(
    made_by: str, tmp_path: Path
) -> None:
    """Every member with bit 0 alone, as ``zip -P`` or 7-Zip's ZipCrypto writes it: one
    line about the workbook, by the read, the write-back and the patch (which reads the
    bytes again), where a first cut of 2026-12-08 named a member picked by chance and a
    flag bit (``zip member [Content_Types].xml is encrypted (flag bit 0)``). One member
    alone with bit 0 is still named (``test_each_encryption_bit_is_refused_by_member``)."""
    data = build(every(team_members(), flags=0x1))
    if made_by == "zip -P":
        if shutil.which("zip") is None:
            pytest.skip("no zip command")
        plain = tmp_path / "plain"
        with zipfile.ZipFile(io.BytesIO(build(team_members()))) as zf:
            zf.extractall(plain)
            names = zf.namelist()
        zipped = tmp_path / "zipped.xlsx"
        subprocess.run(["zip", "-q", "-X", "-P", "pw", str(zipped), *names], cwd=plain, check=True)
        data = zipped.read_bytes()
        assert {i.flag_bits & 0x1 for i in zipfile.ZipFile(zipped).infolist()} == {0x1}
    line = "the workbook's zip entries are encrypted; save it without a password"
    assert str(_refused(tmp_path, data)) == f"sales.xlsx: {line}"
    with pytest.raises(WorkbookError) as read:
        read_workbook_bytes(data, source="sales.xlsx", tabs=["Sheet"])
    assert str(read.value) == f"sales.xlsx: {line}"
    with pytest.raises(WorkbookError) as patched:
        patch_xlsx(data, [CellWrite("Sheet", 3, 20, "synced")])
    assert str(patched.value) == line
