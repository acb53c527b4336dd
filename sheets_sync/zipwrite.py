"""A zip written member by member to a seekable file: raw copies and streamed deflate.

``rollup/bulkzip.py`` rewrites the company workbook xlsxwriter wrote with the long tables'
rows spliced in. Through ``zipfile`` every member was inflated and deflated again, and
deflated by zlib (``zipfile`` has no other deflate). Here the members it leaves alone are
copied as their compressed bytes (found through their local headers in the source file)
and the spliced ones are deflated by ``sheets_sync.deflate`` (ISA-L, a required dependency) as
their chunks come. A streamed member's local header is written first with a zip64 extra
field (its sizes are not known yet, as ``zipfile``'s ``force_zip64``) and filled in by a
seek back once it is done. The central directory and end record (zip64 ones when the
archive needs them) follow APPNOTE 6.3.x as ``zipfile`` writes them. ``rezip`` writes
every team file here too, with ``raw``: each member's name and compressed bytes as it
found them.

Every member keeps its name, order, timestamp, attributes and comment; the copied ones
their method, their name's very bytes and UTF-8 flag and their local and central extra
fields byte for byte too, as ``rezip`` keeps them (``raw``'s ``extras``: all but a
zip64 field, which is the writer's; until 2026-12-08 extra fields were dropped). A
member to copy in a method other than stored or deflated, or encrypted, is refused
(``WorkbookError``, naming the workbook and the member); xlsxwriter writes none.
"""

from __future__ import annotations

import struct
import zipfile
import zlib
from typing import BinaryIO

from sheets_sync.deflate import compressobj
from sheets_sync.errors import WorkbookError
from sheets_sync.zipread import LOCAL, LOCAL_SIGNATURE, extra_fields, local_header

#: The records of APPNOTE 6.3.x as written here and by ``rezip`` (one set for both; the
#: local header's is ``zipread.LOCAL``, read there): a central directory entry and the
#: end record.
CENTRAL = struct.Struct("<4s6H3L5H2L")
END = struct.Struct("<4s4H2LH")
_END64 = struct.Struct("<4sQ2H2L4Q")
_LOCATOR64 = struct.Struct("<4sLQL")
_EXTRA64 = struct.Struct("<2H2Q")  # id 1, size 16, uncompressed size, compressed size
_MARK = 0xFFFFFFFF  # a field whose value is in the zip64 record
#: From this size or offset on a field needs zip64 (``rezip`` then writes through ``ZipWriter``).
LIMIT = _MARK
_UTF8 = 0x800
_UNICODE_PATH = 0x7075  # Info-ZIP's Unicode path extra field
#: what a message about a damaged team file's zip tells the team to do
AGAIN = "save the file again in Excel or LibreOffice"
ENCRYPTED = 0x1 | 0x40 | 0x2000  # traditional, strong, central directory encryption
#: What a copy (and ``rezip``) writes version needed 20 and no flag but UTF-8 for: bzip2
#: or LZMA need a higher version and their own flag bits, so they are refused (and a
#: workbook's member in any other method by ``safety.refuse_unsafe_member``).
METHODS = (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED)


class ZipWriter:
    """Members appended to ``out`` (seekable); ``close`` writes the directory. Offsets
    are ``out.tell()``'s, so bytes already in ``out`` are counted (``rezip``
    writes the package's prefix first: offsets from the file's start).
    ``source``: the workbook copied from, as its errors name it (``company.xlsx: zip
    member xl/media/a.png cannot be read: ...``; until 2026-12-07 only the member was
    named)."""

    def __init__(self, out: BinaryIO, source: str | None = None) -> None:
        self._out = out
        self._source = source
        self._central: list[bytes] = []

    def copy(self, source: BinaryIO, info: zipfile.ZipInfo) -> None:
        """Member ``info`` of the zip file ``source`` copied as its compressed bytes; one
        in a method other than stored or deflated, or encrypted, is a ``WorkbookError``."""
        self._refuse(info, info.compress_type)
        source.seek(info.header_offset)
        try:
            local_flags, name_end, body = local_header(source.read(LOCAL.size), 0)
        except zipfile.BadZipFile:
            raise WorkbookError(
                f"zip member {shown(info)} cannot be read: bad local header",
                source=self._source,
            ) from None
        local_name, extra = source.read(name_end - LOCAL.size), source.read(body - name_end)
        name, flags, extras = checked_name(info, local_name, local_flags, extra, self._source)
        raw = source.read(info.compress_size)
        if len(raw) != info.compress_size:
            raise WorkbookError(
                f"zip member {shown(info)} cannot be read: truncated", source=self._source
            )
        self.raw(
            info,
            name,
            flags,
            info.compress_type,
            info.CRC,
            raw,
            info.file_size,
            extras,
        )

    def raw(
        self,
        info: zipfile.ZipInfo,
        name: bytes,
        flags: int,
        method: int,
        crc: int,
        raw: bytes,
        size: int,
        extras: tuple[bytes, bytes] = (b"", b""),
    ) -> None:
        """A member written as ``raw``, its compressed bytes in ``method`` (``size`` and
        ``crc``: its inflated ones'), under ``name`` as these bytes with ``flags`` (the
        UTF-8 bit); its date, attributes and comment ``info``'s. ``extras``: its local
        and central extra fields as a copy keeps them, byte for byte but for a zip64
        field (``without_zip64``): its sizes and offset are this writer's. Sizes of 4 GiB
        or more go in zip64 extra fields, written first (as ``zipfile`` writes them).
        Stored or deflated only, and never encrypted (a ``WorkbookError``)."""
        if method not in METHODS or info.flag_bits & ENCRYPTED:
            self._refuse(info, method)
        local_extra, central_extra = extras
        if local_extra or central_extra:  # rare: most tools write none
            local_extra, central_extra = without_zip64(local_extra), without_zip64(central_extra)
        csize, out = len(raw), self._out
        at = out.tell()
        if size < LIMIT and csize < LIMIT and at < LIMIT:
            # the records _local and _entry write without zip64, in one step: a write-back
            # copies every member of a team file here (rezip), ~1 us a member less
            date, time = dos_date_time(info.date_time)
            header = (20, flags, method, time, date, crc, csize, size)
            out.write(LOCAL.pack(LOCAL_SIGNATURE, *header, len(name), len(local_extra)))
            out.write(name)
            if local_extra:
                out.write(local_extra)
            out.write(raw)
            entry = CENTRAL.pack(
                b"PK\x01\x02",
                (info.create_system << 8) | 20,
                *header,
                len(name),
                len(central_extra),
                len(info.comment),
                0,
                info.internal_attr,
                info.external_attr,
                at,
            )
            self._central.append(entry + name + central_extra + info.comment)
            return
        zip64 = max(size, csize) >= LIMIT
        at = self._local(info, name, flags, method, crc, csize, size, zip64, local_extra)
        out.write(raw)
        self._entry(info, name, flags, method, crc, csize, size, at, zip64, central_extra)

    def _refuse(self, info: zipfile.ZipInfo, method: int) -> None:
        if method not in METHODS or info.flag_bits & ENCRYPTED:
            how = "encrypted" if info.flag_bits & ENCRYPTED else f"method {method}"
            raise WorkbookError(
                f"zip member {shown(info)} cannot be copied: {how} (only stored or deflated)",
                source=self._source,
            )

    def deflating(self, info: zipfile.ZipInfo, zlib_level: int | None = None) -> DeflatingMember:
        """A writer of member ``info``'s body, deflated (``zlib_level``: as
        ``deflate.compressobj``); the member is done when it closes."""
        return DeflatingMember(self, info, zlib_level)

    def close(self, comment: bytes = b"") -> None:
        """The central directory and end record (zip64 ones from 65,535 members, or a
        directory at or past 4 GiB), then the archive's ``comment``."""
        out = self._out
        start = out.tell()
        directory = b"".join(self._central)
        out.write(directory)
        count, size = len(self._central), len(directory)
        if count >= 0xFFFF or start >= LIMIT or size >= LIMIT:
            at = out.tell()
            out.write(_END64.pack(b"PK\x06\x06", 44, 45, 45, 0, 0, count, count, size, start))
            out.write(_LOCATOR64.pack(b"PK\x06\x07", 0, at, 1))
            count = min(count, 0xFFFF)
            size, start = (_MARK if v >= LIMIT else v for v in (size, start))
        out.write(END.pack(b"PK\x05\x06", 0, 0, count, count, size, start, len(comment)))
        out.write(comment)

    def _local(
        self,
        info: zipfile.ZipInfo,
        name: bytes,
        flags: int,
        method: int,
        crc: int,
        csize: int,
        size: int,
        zip64: bool,
        kept: bytes = b"",
    ) -> int:
        date, time = dos_date_time(info.date_time)
        offset = self._out.tell()
        if zip64:
            header = (45, flags, method, time, date, crc, _MARK, _MARK)
            extra = _fits(info, _EXTRA64.pack(1, 16, size, csize) + kept, self._source)
        else:
            header, extra = (20, flags, method, time, date, crc, csize, size), kept
        self._out.write(LOCAL.pack(LOCAL_SIGNATURE, *header, len(name), len(extra)))
        self._out.write(name + extra)
        return offset

    def _entry(
        self,
        info: zipfile.ZipInfo,
        name: bytes,
        flags: int,
        method: int,
        crc: int,
        csize: int,
        size: int,
        offset: int,
        zip64: bool,
        kept: bytes = b"",
    ) -> None:
        """The central directory's record of a member (zip64 fields only where they must;
        ``kept``: the extra fields a copy keeps, after them)."""
        date, time = dos_date_time(info.date_time)
        big = [v for v in (size, csize, offset) if v >= LIMIT]
        extra = struct.pack(f"<2H{len(big)}Q", 1, 8 * len(big), *big) if big else b""
        extra = _fits(info, extra + kept, self._source)
        version = 45 if zip64 or big else 20
        entry = CENTRAL.pack(
            b"PK\x01\x02",
            (info.create_system << 8) | version,
            version,
            flags,
            method,
            time,
            date,
            crc,
            _MARK if csize >= LIMIT else csize,
            _MARK if size >= LIMIT else size,
            len(name),
            len(extra),
            len(info.comment),
            0,
            info.internal_attr,
            info.external_attr,
            _MARK if offset >= LIMIT else offset,
        )
        self._central.append(entry + name + extra + info.comment)


class DeflatingMember:
    """``write`` deflates a chunk of a member's body; ``close`` fills in its local header."""

    def __init__(
        self, zip_out: ZipWriter, info: zipfile.ZipInfo, zlib_level: int | None = None
    ) -> None:
        self._zip, self._info = zip_out, info
        self._name, self._flags = zip_name(info.filename)
        self._offset = zip_out._local(
            info, self._name, self._flags, zipfile.ZIP_DEFLATED, 0, 0, 0, zip64=True
        )
        self._start = zip_out._out.tell()
        self._deflate = compressobj(zlib_level)
        self._crc = 0
        self._size = 0
        self._closed = False

    def write(self, chunk: bytes | memoryview) -> int:
        self._crc = zlib.crc32(chunk, self._crc)
        self._size += len(chunk)
        self._zip._out.write(self._deflate.compress(chunk))
        return len(chunk)

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        out = self._zip._out
        out.write(self._deflate.flush())
        end = out.tell()
        csize = end - self._start
        out.seek(self._offset + 14)  # crc, sizes, then the name and the zip64 extra's sizes
        out.write(struct.pack("<L", self._crc))
        out.seek(self._offset + LOCAL.size + len(self._name) + 4)
        out.write(struct.pack("<2Q", self._size, csize))
        out.seek(end)
        info = self._info
        self._zip._entry(
            info,
            self._name,
            self._flags,
            zipfile.ZIP_DEFLATED,
            self._crc,
            csize,
            self._size,
            self._offset,
            zip64=True,
        )

    def __enter__(self) -> DeflatingMember:
        return self

    def __exit__(self, kind: object, value: BaseException | None, tb: object) -> None:
        if value is None:
            self.close()


def without_zip64(extra: bytes) -> bytes:
    """A header's extra field as a copy keeps it: byte for byte (its order, unknown ids,
    trailing bytes too few for a field) but for its zip64 fields (id 0x0001), whose sizes
    and offset were the source's and are the writer's to set. ``extra`` itself when it
    holds none (the rule): no copy."""
    return _without(extra, 0x0001)


def _without(extra: bytes, dropped: int) -> bytes:
    """``extra`` but for its fields of id ``dropped``, every other byte kept in order;
    ``extra`` itself when it holds none."""
    at, kept, pieces = 0, 0, []
    while at + 4 <= len(extra):
        kind, size = struct.unpack_from("<2H", extra, at)
        if kind == dropped:
            pieces.append(extra[kept:at])
            kept = min(at + 4 + size, len(extra))
        at += 4 + size
    if not pieces:
        return extra
    pieces.append(extra[kept:])
    return b"".join(pieces)


def _fits(info: zipfile.ZipInfo, extra: bytes, source: str | None) -> bytes:
    """``extra`` as a header's 16-bit length holds it: a kept extra field of 65,5xx bytes
    and the zip64 field a member of 4 GiB needs do not fit (a ``WorkbookError``)."""
    if len(extra) > 0xFFFF:
        raise WorkbookError(
            f"zip member {shown(info)} cannot be copied: its extra fields and the zip64 "
            f"field its size needs pass 65,535 bytes ({AGAIN})",
            source=source,
        )
    return extra


def zip_name(filename: str) -> tuple[bytes, int]:
    """As ``zipfile`` encodes a name: ASCII as it is, else UTF-8 with flag bit 11."""
    try:
        return filename.encode("ascii"), 0
    except UnicodeEncodeError:
        return filename.encode("utf-8"), _UTF8


def name_as_written(raw: bytes, info: zipfile.ZipInfo) -> tuple[bytes, int]:
    """A member's name bytes and UTF-8 flag as its local header has them (``raw``; a
    copy here, a kept member in ``rezip``): a UTF-8 name without the flag, which ``zipfile`` decoded
    as cp437, re-encoded from that string came out as mojibake flagged UTF-8 and the part
    its relationship names was gone."""
    utf8 = info.flag_bits & _UTF8
    try:
        same = raw.decode("utf-8" if utf8 else "cp437") == info.orig_filename
    except UnicodeDecodeError:
        same = False
    return (raw, utf8) if same else zip_name(info.filename)


def checked_name(
    info: zipfile.ZipInfo, raw: bytes, local_flags: int, extra: bytes, source: str | None = None
) -> tuple[bytes, int, tuple[bytes, bytes]]:
    """The name bytes and UTF-8 flag a copy of member ``info`` writes, by ``rezip``'s rules
    (``raw``, ``local_flags``, ``extra``: its local header's name bytes, flags and extra
    field): a local name that is not the central directory's (each decoded by its own
    header's flag, as ``zipfile`` reads them) is refused, as is a Unicode path extra that
    names it otherwise (``refuse_unicode_path``); else ``name_as_written``. ``ZipWriter.copy``
    keeps these rules since 2026-12-07 (before it wrote such a member under its central
    name in both headers, as ``rezip`` did until that day); ``rezip._header``
    calls this too (until 2026-12-07 it kept its own copy of the first check). With them
    the local and central extra fields the copy keeps (``kept_extras``)."""
    local = raw.decode("utf-8" if local_flags & _UTF8 else "cp437", "replace")
    if local != info.orig_filename:
        raise WorkbookError(
            f"zip member {shown(info)} cannot be copied: its local header names it "
            f"{decoded(raw)!r} (the zip is damaged; {AGAIN})",
            source=source,
        )
    refuse_unicode_path(info, local, raw, extra, source)
    name, flags = name_as_written(raw, info)
    return name, flags, kept_extras(info, name, raw, extra)


def kept_extras(
    info: zipfile.ZipInfo, name: bytes, raw: bytes, extra: bytes
) -> tuple[bytes, bytes]:
    """The local (``extra``, of the local name ``raw``) and central extra fields a copy
    written under the name bytes ``name`` keeps: byte for byte, but a header whose name
    bytes are written otherwise (a cp437 local name for a flagged UTF-8 central one,
    written in UTF-8) loses its Unicode path extras (0x7075). Their CRC is of the old
    bytes: one that stood for no name there (stale, ignored by every reader) may stand
    for the new bytes and rename the member for 7-Zip, Windows and newer Pythons'
    ``zipfile``; one that stood for the old bytes named the member as the header did
    (``refuse_unicode_path``) and stands for nothing any more. Until 2026-12-08 such a
    stale extra was kept and came to life."""
    central = info.extra
    if extra and name != raw:
        extra = _without(extra, _UNICODE_PATH)
    if central and name != _central_bytes(info):
        central = _without(central, _UNICODE_PATH)
    return extra, central


def refuse_unicode_path(
    info: zipfile.ZipInfo, local: str, raw: bytes, extra: bytes, source: str | None = None
) -> None:
    """Refuse a member whose Info-ZIP Unicode path extra (0x7075, in either header, its
    CRC that header's name bytes') names it otherwise than that header does (``local``:
    the local name as its flag decodes it). The zip gives the member two names: the
    extra's to 7-Zip, Windows or a newer Python's ``zipfile``, the header's to Excel,
    LibreOffice and older readers. A copy keeps both as they are (since 2026-12-08 the
    extra too), so no copy writes one name for all; which one the team means is theirs to
    say, by saving the file again. Until 2026-12-07, when copies dropped extras, such a
    member was written under the header's name alone: renamed for the first readers."""
    headers = [(local, raw, extra)] if extra else []
    if info.extra:  # most members have none: their central name is not encoded again
        headers.append((info.orig_filename, _central_bytes(info), info.extra))
    for header, name, fields in headers:
        for unicode in _unicode_paths(fields, name):
            if unicode != header:
                raise WorkbookError(
                    f"zip member {shown(info)} cannot be copied: its Unicode path extra "
                    f"field names it {unicode!r} (the zip's names disagree; {AGAIN})",
                    source=source,
                )


def _unicode_paths(extra: bytes, name: bytes) -> list[str]:
    """The names in ``extra``'s 0x7075 fields that stand for ``name`` (version 1, its
    CRC): readers ignore one whose CRC is another's (the header renamed since)."""
    found = []
    for kind, body in extra_fields(extra):
        version_1 = kind == 0x7075 and len(body) >= 5 and body[0] == 1
        if version_1 and struct.unpack_from("<L", body, 1)[0] == zlib.crc32(name):
            found.append(body[5:].decode("utf-8", "replace"))
    return found


def decoded(raw: bytes) -> str:
    """Name bytes as a person reads them: UTF-8 when they are (as most tools write, flag
    or not), else cp437 (``zipfile``'s reading of an unflagged name)."""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("cp437")


def _central_bytes(info: zipfile.ZipInfo) -> bytes:
    """The central directory's name bytes, as ``zipfile`` decoded them."""
    try:
        return info.orig_filename.encode("utf-8" if info.flag_bits & _UTF8 else "cp437")
    except UnicodeEncodeError:  # a reader told another metadata encoding
        return info.orig_filename.encode("utf-8")


def shown(info: zipfile.ZipInfo) -> str:
    """A member's name for a message: its central bytes as ``decoded`` reads them (not
    ``zipfile``'s cp437 reading of UTF-8 bytes: ``bild-├ñ.png`` for ``bild-ä.png``)."""
    return decoded(_central_bytes(info))


def dos_date_time(date_time: tuple[int, int, int, int, int, int]) -> tuple[int, int]:
    year, month, day, hour, minute, second = date_time
    year = min(max(year, 1980), 2107)
    return (year - 1980) << 9 | month << 5 | day, hour << 11 | minute << 5 | second // 2
