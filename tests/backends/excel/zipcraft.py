"""Zips written record by record, as odd tools write them: for the write-back's zip attacks.

``zipfile`` writes one shape of zip; team files come from many tools (data descriptors,
zip64 extras on small members, NTFS or Unicode-path extras, stored members, names in any
encoding, headers that disagree). ``build`` writes the members of ``Member``s as told, and
``team_members`` are a plain openpyxl workbook's (sheet ``Sheet``, A1 ``hello``) plus a
picture, so the write-back has something it must copy and never read.
"""

from __future__ import annotations

import io
import os
import struct
import zipfile
import zlib
from dataclasses import dataclass, field, replace
from pathlib import Path

import openpyxl

from sheets_sync.backends.excel import ExcelBackend
from sheets_sync.grid import CellWrite

PICTURE = "xl/media/image1.png"
DOS_TIME, DOS_DATE = 0x6000, 0x5A21  # 12:00:00 on 2025-01-01
ZIP64_EXTRA = 1


@dataclass(frozen=True)
class Member:
    name: bytes
    body: bytes
    method: int = zipfile.ZIP_DEFLATED
    flags: int = 0
    descriptor: bool = False  # flag bit 3: crc and sizes after the data, zeros before
    local_extra: bytes = b""
    central_extra: bytes = b""
    local_zip64: bool = False  # the local sizes in a zip64 extra (0xFFFFFFFF in the header)
    local_name: bytes | None = None  # a local header naming it otherwise
    local_method: int | None = None
    local_flags: int | None = None  # a local header flagged otherwise (the UTF-8 bit)
    comment: bytes = b""
    made_by: int = 20
    external_attr: int = 0
    declared: dict[str, int] = field(default_factory=dict)  # zip64 size, csize, offset
    raw: bytes | None = None  # the compressed bytes as given (``body``: the CRC and size)
    level: int = 6  # zlib's; 0 (stored deflate blocks) is not what zipfile writes again


def team_members() -> list[Member]:
    wb = openpyxl.Workbook()
    wb.active["A1"] = "hello"
    buf = io.BytesIO()
    wb.save(buf)
    with zipfile.ZipFile(io.BytesIO(buf.getvalue())) as zf:
        members = [Member(i.filename.encode(), zf.read(i)) for i in zf.infolist()]
    return [*members, Member(PICTURE.encode(), bytes(range(256)) * 50)]


def every(members: list[Member], **changes: object) -> list[Member]:
    return [replace(m, **changes) for m in members]  # type: ignore[arg-type]


def build(members: list[Member], *, comment: bytes = b"", zip64_end: bool = False) -> bytes:
    """The zip of ``members``; ``zip64_end``: with zip64 end records (as some tools write
    on any zip), which 65,535 members or more get anyway."""
    out = io.BytesIO()
    central = []
    for m in members:
        raw = zlib.compress(m.body, m.level)[2:-4] if m.method == zipfile.ZIP_DEFLATED else m.body
        raw = raw if m.raw is None else m.raw
        crc, flags = zlib.crc32(m.body), m.flags | (0x8 if m.descriptor else 0)
        local_name = m.name if m.local_name is None else m.local_name
        sizes = (0, 0, 0) if m.descriptor else (crc, len(raw), len(m.body))
        local_extra = m.local_extra
        if m.local_zip64:
            sizes = (sizes[0], 0xFFFFFFFF, 0xFFFFFFFF)
            local_extra = struct.pack("<2H2Q", ZIP64_EXTRA, 16, len(m.body), len(raw)) + local_extra
        offset = out.tell()
        method = m.method if m.local_method is None else m.local_method
        local_flags = flags if m.local_flags is None else m.local_flags
        out.write(
            struct.pack(
                "<4s5H3L2H",
                b"PK\x03\x04",
                20,
                local_flags,
                method,
                DOS_TIME,
                DOS_DATE,
                *sizes,
                len(local_name),
                len(local_extra),
            )
        )
        out.write(local_name + local_extra + raw)
        if m.descriptor:  # sizes in 8 bytes after a local zip64 extra (APPNOTE 4.3.9.1)
            form = "<4sL2Q" if m.local_zip64 else "<4s3L"
            out.write(struct.pack(form, b"PK\x07\x08", crc, len(raw), len(m.body)))
        csize, size, central_extra = len(raw), len(m.body), m.central_extra
        at = offset
        if m.declared:  # all three in the zip64 extra, as the header says 0xFFFFFFFF
            size, csize = m.declared.get("size", size), m.declared.get("csize", csize)
            at = m.declared.get("offset", offset)
            central_extra = struct.pack("<2H3Q", ZIP64_EXTRA, 24, size, csize, at) + central_extra
            size = csize = at = 0xFFFFFFFF
        record = struct.pack(
            "<4s6H3L5H2L",
            b"PK\x01\x02",
            m.made_by,
            20,
            flags,
            m.method,
            DOS_TIME,
            DOS_DATE,
            crc,
            csize,
            size,
            len(m.name),
            len(central_extra),
            len(m.comment),
            0,
            0,
            m.external_attr,
            at,
        )
        central.append(record + m.name + central_extra + m.comment)
    start, directory = out.tell(), b"".join(central)
    out.write(directory)
    n = len(central)
    if zip64_end or n >= 0xFFFF:
        at = out.tell()
        out.write(
            struct.pack("<4sQ2H2L4Q", b"PK\x06\x06", 44, 45, 45, 0, 0, n, n, len(directory), start)
        )
        out.write(struct.pack("<4sLQL", b"PK\x06\x07", 0, at, 1))
        n = min(n, 0xFFFF)
    out.write(
        struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, n, n, len(directory), start, len(comment))
    )
    out.write(comment)
    return out.getvalue()


def write_back(path: Path, label: str = "sales.xlsx") -> ExcelBackend:
    """The night's write of two cells into the file's first tab (its backups beside it)."""
    backend = ExcelBackend(path, display_name=label, backup_dir=path.parent / "backups")
    tab = backend.read([]).sheet_names[0]
    data = backend.read([tab])
    backend.write(data, [CellWrite(tab, 3, 20, "synced"), CellWrite(tab, 4, 20, 0.5)])
    return backend


def records(data: bytes) -> dict[str, tuple[object, ...]]:
    """Each member's compressed bytes, local name bytes and kept metadata, by name."""
    out: dict[str, tuple[object, ...]] = {}
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        for i in zf.infolist():
            name_len, extra_len = struct.unpack_from("<2H", data, i.header_offset + 26)
            start = i.header_offset + 30 + name_len + extra_len
            out[i.filename] = (
                data[start : start + i.compress_size],
                data[i.header_offset + 30 : i.header_offset + 30 + name_len],
                i.compress_type,
                i.date_time,
                i.external_attr,
                i.comment,
            )
    return out


def kept_but_the_sheet(src: bytes, out: bytes, sheet: str = "xl/worksheets/sheet1.xml") -> None:
    """``out``, a write of ``src``: its members in their order, each but the written
    ``sheet`` as it was (``records``), and a zip ``zipfile`` reads whole."""
    before, after = records(src), records(out)
    assert list(after) == list(before)
    del before[sheet], after[sheet]
    assert after == before
    with zipfile.ZipFile(io.BytesIO(out)) as zf:
        assert zf.testzip() is None


def team_file(tmp: Path, data: bytes) -> Path:
    path = tmp / "team" / "sales.xlsx"
    os.makedirs(path.parent, exist_ok=True)
    path.write_bytes(data)
    return path
