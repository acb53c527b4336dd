"""Members of a zip read from its bytes: local headers parsed, and members inflated and
checked as ``zipfile`` checks them, with a bound ``zipfile.ZipFile.read`` lacks.

The one parse of a local header (``local_header``) serves every reader here and the
writers that copy members raw (``zipwrite.ZipWriter.copy``, ``backends/excel/rezip.py``).
``read_member`` inflates by ``deflate.BACKEND``: ISA-L, zlib only if ``isal`` fails to
import. ``zipfile`` still reads the central directory.
"""

from __future__ import annotations

import mmap
import struct
import zipfile
import zlib
from collections.abc import Iterator
from typing import cast

from sheets_sync import deflate

try:
    from isal import isal_zlib as _lib
except ImportError:  # pragma: no cover - deflate.BACKEND is "zlib" then
    _INFLATE_ERRORS: tuple[type[Exception], ...] = (zlib.error,)
    _crc32 = zlib.crc32
else:
    _INFLATE_ERRORS = (zlib.error, cast("type[Exception]", _lib.error))  # typed as an instance
    _crc32 = _lib.crc32

#: A local file header of APPNOTE 6.3.x, as read here and written by ``zipwrite`` and
#: ``rezip``: signature, version needed, flags, method, time, date, CRC-32, compressed
#: size, size, name length, extra length; its name and extra field follow.
LOCAL = struct.Struct("<4s5H3L2H")
LOCAL_SIGNATURE = b"PK\x03\x04"
#: a zip's bytes as read here: held, viewed, or a map of its file (the rollup's splice)
Bytes = bytes | memoryview | mmap.mmap
_UTF8_NAME = 0x800
_ENCRYPTED = 0x1 | 0x40 | 0x2000  # as zipwrite.ENCRYPTED
_PATCHED = 0x20


def local_header(data: Bytes, at: int) -> tuple[int, int, int]:
    """The local header at offset ``at`` of the zip held in ``data``: its flags, where its
    name ends (it starts at ``at + LOCAL.size``, its extra field follows it) and where the
    member's compressed bytes start; offsets past the end of ``data`` where it is cut
    short. A ``zipfile.BadZipFile`` worded as ``zipfile`` words it where the bytes end
    before its fixed part does or are no local header, and one of its own where ``at`` is
    negative (``zipfile``'s seek raises ValueError; until 2026-12-07 it read the end).
    ``data`` may be that fixed part alone (``at`` 0: ``ZipWriter.copy`` reads the rest
    from its file). Offsets, not the name's bytes: one plain call a member read."""
    if at < 0:  # a central entry's offset less than the bytes before the zip: zipfile's
        raise zipfile.BadZipFile(f"Negative offset for file header: {at}")  # seek refuses it
    head = data[at : at + LOCAL.size]
    if len(head) < LOCAL.size:
        raise zipfile.BadZipFile("Truncated file header")
    fields = LOCAL.unpack(head)
    if fields[0] != LOCAL_SIGNATURE:
        raise zipfile.BadZipFile("Bad magic number for file header")
    name_end = at + LOCAL.size + fields[-2]
    return fields[2], name_end, name_end + fields[-1]


def extra_fields(extra: bytes) -> Iterator[tuple[int, bytes]]:
    """The fields of a header's extra field (APPNOTE 4.5.1): each one's id and body (cut
    short where ``extra`` ends); trailing bytes too few for a field's id and size end it."""
    at = 0
    while at + 4 <= len(extra):
        kind, size = struct.unpack_from("<2H", extra, at)
        yield kind, extra[at + 4 : at + 4 + size]
        at += 4 + size


def member_ends(zf: zipfile.ZipFile) -> dict[zipfile.ZipInfo, int]:
    """Where each member of ``zf`` must end: the next member's local header, or the
    central directory for the last; as ``zipfile`` reckons it since CPython 3.11.8 and
    3.12.2 (``ZipInfo._end_offset``: members sorted by header offset, last first). Two
    entries at one offset: the one listed first ends at the next offset, the other at
    their shared one (the sort is stable), so that one is refused as an overlap, as
    ``zipfile`` refuses it (``tests/backends/excel/test_member_reads.py``). Keyed by the
    entry itself (``ZipInfo`` hashes by identity), not its name: a zip may list two
    members of one name (two ``xl/`` folder entries), and a name's end was the last
    one's (until 2026-12-08 keyed so; no caller then met two)."""
    ends: dict[zipfile.ZipInfo, int] = {}
    end = zf.start_dir
    for info in sorted(zf.infolist(), key=lambda info: info.header_offset, reverse=True):
        ends[info] = end
        end = info.header_offset
    return ends


def read_member(data: Bytes, info: zipfile.ZipInfo, end: int | None = None) -> bytes:
    """Member ``info`` of the zip held in ``data``, inflated (by ISA-L when it is there)
    and checked as ``zipfile.ZipFile.read`` checks it: its local header's signature and
    name, and the CRC-32 of what it reads (``zipfile.BadZipFile`` as ``zipfile`` words
    it). As ``zipfile``, it keeps the first ``file_size`` bytes the member's compressed
    bytes give (a deflate stream may end early, run past that size or lack its final
    block: the CRC-32 decides), and raises ``EOFError`` only where the zip's bytes end
    before the member's do and before ``file_size`` bytes came out (a local header's name
    flagged UTF-8 that is not: a ``BadZipFile`` naming the member, where ``zipfile`` lets
    the ``UnicodeDecodeError`` out). A member neither stored nor deflated, encrypted, or
    patched data (flag 0x20), raises ``NotImplementedError``: the caller refuses those
    before it reads. A member whose compressed bytes run past ``end`` (``member_ends``:
    into the next member or the central directory) is refused as an overlap, as
    ``zipfile`` refuses it since CPython 3.11.8 and 3.12.2 (CVE-2024-0450, a zip bomb of
    members sharing their bytes); an older Python's (3.11.7 here) does not.

    ``zipfile``'s read inflates by zlib through a file object: ISA-L's inflate of the
    members a write-back reads (6 a team) costs less than half of it (the 3,000 of a
    500-team first night: 57 -> 25 ms of CPU). A stream zlib finds damaged is a
    ``BadZipFile`` here (``zipfile`` let ``zlib.error`` out). Inflating stops after
    ``file_size`` bytes, as ``zipfile``'s streaming read (``open().read(n)``) stops:
    ``ZipFile.read`` inflates up to 2 GiB past it in one call (a member of file_size 10
    inflating to 1 GB of zeros from a 1 MB zip: 2.5 s of CPU and 2 GB held), and refuses
    damage there that read_member, not inflating it, does not see (the CRC-32 of the
    kept bytes decides). ISA-L inflates ahead of its bound, so it may refuse damage just
    past ``file_size`` that zlib does not reach (as ``ZipFile.read`` refuses it); a stream
    it did not see end is inflated again by zlib (``_inflate``)."""
    at = info.header_offset
    flags, name_end, start = local_header(data, at)
    if info.flag_bits & _ENCRYPTED:  # the reasons bare, as ``unnamed`` leaves them
        raise NotImplementedError("it is encrypted; save the workbook without a password")
    if info.flag_bits & _PATCHED:
        raise NotImplementedError("it holds patched data (flag bit 5), which no spreadsheet writes")
    name = bytes(data[at + LOCAL.size : name_end])
    try:
        fname = name.decode("utf-8" if flags & _UTF8_NAME else "cp437")
    except UnicodeDecodeError as exc:  # zipfile lets it out
        raise zipfile.BadZipFile(
            f"File name in the local header of {info.orig_filename!r} is flagged UTF-8 and "
            f"is not: {exc}"
        ) from None
    if fname != info.orig_filename:
        raise zipfile.BadZipFile(
            f"File name in directory {info.orig_filename!r} and header {name!r} differ."
        )
    if end is not None and start + info.compress_size > end:
        raise zipfile.BadZipFile(f"Overlapped entries: {info.orig_filename!r} (possible zip bomb)")
    raw = data[start : start + info.compress_size]
    cut = len(raw) < info.compress_size  # the zip's bytes end before the member's
    size = info.file_size
    if info.compress_type == zipfile.ZIP_STORED:
        out, ended = bytes(raw[:size]), False
    elif info.compress_type == zipfile.ZIP_DEFLATED:
        out, ended = _inflate(raw, size)
    else:
        raise NotImplementedError(f"compression method {info.compress_type}")
    if cut and not ended and len(out) < size:
        raise EOFError("the member's compressed bytes are cut short")
    if _crc32(out) != info.CRC:
        raise zipfile.BadZipFile(f"Bad CRC-32 for file {info.filename!r}")
    return out


def unnamed(exc: Exception, info: zipfile.ZipInfo) -> str:
    """``read_member``'s error without the member's name, which the message of the
    rollup's splice (``rollup/bulkzip.py``) and of the write-back's read
    (``backends/excel/patch.py``, until 2026-12-08 naming it twice) names once (the
    splice's until 2026-12-07 twice: ``... sheet1.xml cannot be read: Bad CRC-32 for file
    '...sheet1.xml'``; the other texts, a local header's name that differs or is not the
    UTF-8 it is flagged, and an overlap, named it again until later that day):
    ``Bad CRC-32``, ``File name in the local header is flagged UTF-8 and is not: ...``,
    ``File name in directory and header b'...' differ.``, ``Overlapped entries (possible
    zip bomb)``."""
    reason = str(exc).replace(f" for file {info.filename!r}", "")
    for name in {info.filename, info.orig_filename}:
        for named, bare in ((f": {name!r} ", " "), (f" of {name!r}", ""), (f" {name!r}", "")):
            reason = reason.replace(named, bare)
    return reason


def _inflate(raw: bytes | memoryview, size: int, by_zlib: bool = False) -> tuple[bytes, bool]:
    """The first ``size`` bytes ``raw`` inflates to, and whether its stream ended: never
    more than ``size`` + 1 bytes inflated (a max_length of 0 would be no bound). A stream
    ISA-L did not see end is inflated again by zlib: ISA-L holds a damaged partial block
    after the last whole one without an error, where zlib (and ``zipfile``) refuse it."""
    isal = deflate.BACKEND == "isal" and not by_zlib
    inflater = _lib.decompressobj(-15) if isal else zlib.decompressobj(-15)
    try:
        out: bytes = inflater.decompress(raw, size + 1)
        if len(out) <= size and not inflater.eof:
            if isal:  # a stream without its final block: rare (a sync flush), zlib decides
                return _inflate(raw, size, by_zlib=True)
            out += inflater.flush()  # as zipfile, once its compressed bytes are all read
    except _INFLATE_ERRORS as exc:
        raise zipfile.BadZipFile(f"the member's deflate stream is damaged: {exc}") from None
    return out[:size], bool(inflater.eof)
