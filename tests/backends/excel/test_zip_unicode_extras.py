"""A copied member's Unicode path extras (0x7075) keep naming it as its headers do.

A reader that honours the extra (7-Zip, Windows, a newer Python's ``zipfile``) takes its
name where its CRC is that of the header's name bytes. Since extras are kept (2026-12-08)
a member whose name bytes are written otherwise than a header had them (a cp437 local
name for a flagged UTF-8 central one, written in UTF-8 in both) would keep an extra whose
CRC matched no name in the source (stale, ignored) but matches the bytes written: the
member renamed for those readers. Such a header's 0x7075 extras are left out
(``zipwrite.kept_extras``); one whose header keeps its bytes is kept with the name.
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from pathlib import Path

from sheets_sync.zipread import extra_fields, local_header
from sheets_sync.zipwrite import ZipWriter
from tests.backends.excel.test_zip_attacks import unicode_path
from tests.backends.excel.zipcraft import Member, build, team_file, team_members, write_back

BILD = "xl/media/bild-ä.png"
OTHER = "xl/media/other-ö.png"
PNG = b"png!" * 10


def _live(data: bytes, name: str) -> dict[str, list[str]]:
    """The names the 0x7075 extras of member ``name`` stand for, by header: those whose
    CRC is that of the header's name bytes (as those readers take them)."""
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        info = zf.getinfo(name)
    _, name_end, body = local_header(data, info.header_offset)
    local = data[info.header_offset + 30 : name_end]
    at = data.rfind(b"PK\x01\x02", 0, data.rfind(b"PK\x05\x06"))
    while struct.unpack_from("<L", data, at + 42)[0] != info.header_offset:
        at = data.rfind(b"PK\x01\x02", 0, at)
    size, extra_size = struct.unpack_from("<2H", data, at + 28)
    central = data[at + 46 : at + 46 + size]
    headers = {
        "local": (local, data[name_end:body]),
        "central": (central, data[at + 46 + size : at + 46 + size + extra_size]),
    }
    return {
        header: [
            field[5:].decode()
            for kind, field in extra_fields(extra)
            if kind == 0x7075 and struct.unpack_from("<L", field, 1)[0] == zlib.crc32(raw)
        ]
        for header, (raw, extra) in headers.items()
    }


def _written(tmp_path: Path, picture: Member) -> tuple[bytes, bytes]:
    """The team file with ``picture``, written back, and the picture copied alone by
    ``ZipWriter.copy`` (the rollup's splice)."""
    src = build([*team_members(), picture])
    file = team_file(tmp_path, src)
    write_back(file)
    with zipfile.ZipFile(io.BytesIO(src)) as zf:
        info = zf.infolist()[-1]
    out = io.BytesIO()
    writer = ZipWriter(out)
    writer.copy(io.BytesIO(src), info)
    writer.close()
    return file.read_bytes(), out.getvalue()


def test_a_stale_local_unicode_path_extra_does_not_come_to_life(tmp_path: Path) -> None:
    """Local name in cp437, central in flagged UTF-8 (one name, written in UTF-8 in both),
    the local 0x7075 with the UTF-8 name's CRC naming ``other-ö.png``: stale in the
    source, it stood for the written bytes and renamed the picture (until 2026-12-08)."""
    stale = unicode_path(BILD.encode(), OTHER)
    picture = Member(
        BILD.encode(),
        PNG,
        flags=0x800,
        local_flags=0,
        local_name=BILD.encode("cp437"),
        local_extra=stale,
    )
    assert _live(build([*team_members(), picture]), BILD) == {"local": [], "central": []}
    for out in _written(tmp_path, picture):
        assert _live(out, BILD) == {"local": [], "central": []}
        assert zipfile.ZipFile(io.BytesIO(out)).read(BILD) == PNG


def test_a_stale_central_unicode_path_extra_does_not_come_to_life(tmp_path: Path) -> None:
    """Central name in cp437 unflagged, local in flagged UTF-8: written in UTF-8, and the
    central 0x7075 whose CRC was the UTF-8 name's (stale there) no longer kept."""
    stale = unicode_path(BILD.encode(), OTHER)
    picture = Member(
        BILD.encode("cp437"),
        PNG,
        local_flags=0x800,
        local_name=BILD.encode(),
        central_extra=stale,
    )
    assert _live(build([*team_members(), picture]), BILD) == {"local": [], "central": []}
    for out in _written(tmp_path, picture):
        assert _live(out, BILD) == {"local": [], "central": []}


def test_a_unicode_path_extra_naming_the_member_as_its_header_is_kept(tmp_path: Path) -> None:
    """cp437 name bytes (``bild-\\x84.png``) and a 0x7075 saying ``bild-ä.png`` in both
    headers: the name bytes are kept, and so is the extra, byte for byte, still standing
    for the name (docs/write-safety.md; until 2026-12-08 dropped)."""
    cp437 = BILD.encode("cp437")
    extra = unicode_path(cp437, BILD)
    picture = Member(cp437, PNG, local_extra=extra, central_extra=extra)
    for out in _written(tmp_path, picture):
        assert _live(out, BILD) == {"local": [BILD], "central": [BILD]}
        with zipfile.ZipFile(io.BytesIO(out)) as zf:
            assert zf.getinfo(BILD).extra == extra
