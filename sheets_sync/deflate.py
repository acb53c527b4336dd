"""Raw deflate (zip members' method 8) through ISA-L, and the members a write-back reads
inflated by it; zlib only if ``isal`` fails to import.

``isal`` (python-isal) is a required dependency (pyproject.toml, checked by ``cli.py``
before a command runs): its wheels exist for every platform sheets-sync runs on. It
deflates the members a write-back replaces ~5x faster than zlib's default level for ~14 %
more compressed bytes (bench/notes.md, thirty-fourth pass: the 1,500 members a 500-team
first night rewrites, 147 ms of CPU at zlib level 6 and 28 ms at ISA-L's level 2, 2.32 vs
2.65 MB). Its output is plain deflate, which every zip reader inflates. The ``zlib``
fallback covers only an import failure (a broken install, a Python started without the
dependencies): slower, same members once inflated.
"""

from __future__ import annotations

import struct
import zipfile
import zlib
from typing import Protocol, cast


class _Compressor(Protocol):
    def compress(self, data: bytes | memoryview, /) -> bytes: ...
    def flush(self, mode: int = ..., /) -> bytes: ...


try:
    from isal import isal_zlib as _lib
except ImportError:  # pragma: no cover - the fallback, tested by monkeypatching BACKEND
    BACKEND = "zlib"
    _INFLATE_ERRORS: tuple[type[Exception], ...] = (zlib.error,)
    _crc32 = zlib.crc32
    #: zlib's level for a member a write-back replaces (Z_DEFAULT_COMPRESSION, 6).
    LEVEL = zlib.Z_DEFAULT_COMPRESSION
else:
    BACKEND = "isal"
    _INFLATE_ERRORS = (zlib.error, cast("type[Exception]", _lib.error))  # typed as an instance
    _crc32 = _lib.crc32
    #: ISA-L's default (2 of 0-3): level 1 is as fast on team members and as large, 3 is
    #: ~1.7x slower for 3 % fewer bytes.
    LEVEL = _lib.Z_DEFAULT_COMPRESSION


def compressobj(zlib_level: int | None = None) -> _Compressor:
    """A raw-deflate (no zlib header, wbits -15) compressor at ``LEVEL``, or at
    ``zlib_level`` where the zlib fallback runs (ISA-L's levels are not zlib's)."""
    if BACKEND == "isal":
        return _lib.compressobj(LEVEL, _lib.DEFLATED, -15)
    level = LEVEL if zlib_level is None else zlib_level
    return zlib.compressobj(level, zlib.DEFLATED, -15)


def deflate(data: bytes) -> bytes:
    """``data`` as raw deflate (a zip member's compressed bytes), in one call: ~7 % less
    CPU than through ``compressobj`` on the members a write-back replaces (~10 KB each)."""
    if BACKEND == "isal":
        return _lib.compress(data, LEVEL, -15)
    return zlib.compress(data, LEVEL, -15)


_LOCAL = struct.Struct("<4s2B4HL2L2H")  # zipfile's structFileHeader
_UTF8_NAME = 0x800
_ENCRYPTED = 0x1 | 0x40
_PATCHED = 0x20


def member_ends(zf: zipfile.ZipFile) -> dict[str, int]:
    """Where each member of ``zf`` must end: the next member's local header, or the
    central directory for the last; as ``zipfile`` reckons it since CPython 3.11.8 and
    3.12.2 (``ZipInfo._end_offset``: members sorted by header offset, last first). Two
    entries at one offset: the one listed first ends at the next offset, the other at
    their shared one (the sort is stable), so that one is refused as an overlap, as
    ``zipfile`` refuses it (``tests/backends/excel/test_member_reads.py``)."""
    ends: dict[str, int] = {}
    end = zf.start_dir
    for info in sorted(zf.infolist(), key=lambda info: info.header_offset, reverse=True):
        ends[info.filename] = end
        end = info.header_offset
    return ends


def read_member(data: bytes | memoryview, info: zipfile.ZipInfo, end: int | None = None) -> bytes:
    """Member ``info`` of the zip held in ``data``, inflated (by ISA-L when it is there)
    and checked as ``zipfile.ZipFile.read`` checks it: its local header's signature and
    name, and the CRC-32 of what it reads (``zipfile.BadZipFile`` as ``zipfile`` words
    it). As ``zipfile``, it keeps the first ``file_size`` bytes the member's compressed
    bytes give (a deflate stream may end early, run past that size or lack its final
    block: the CRC-32 decides), and raises ``EOFError`` only where the zip's bytes end
    before the member's do and before ``file_size`` bytes came out (a local header's name
    flagged UTF-8 that is not: a ``BadZipFile`` naming the member, where ``zipfile`` lets
    the ``UnicodeDecodeError`` out). A member neither
    stored nor deflated, or encrypted, raises ``NotImplementedError``: the caller refuses
    those before it reads. A member whose compressed bytes run past ``end`` (``member_ends``:
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
    head = bytes(data[at : at + _LOCAL.size])
    if len(head) != _LOCAL.size:
        raise zipfile.BadZipFile("Truncated file header")
    fields = _LOCAL.unpack(head)
    if fields[0] != b"PK\x03\x04":
        raise zipfile.BadZipFile("Bad magic number for file header")
    if info.flag_bits & _ENCRYPTED or info.flag_bits & _PATCHED:
        raise NotImplementedError(f"zip member {info.filename!r} is encrypted or patched")
    start = at + _LOCAL.size
    name = bytes(data[start : start + fields[-2]])
    try:
        fname = name.decode("utf-8" if fields[3] & _UTF8_NAME else "cp437")
    except UnicodeDecodeError as exc:  # zipfile lets it out
        raise zipfile.BadZipFile(
            f"File name in the local header of {info.orig_filename!r} is flagged UTF-8 and "
            f"is not: {exc}"
        ) from None
    if fname != info.orig_filename:
        raise zipfile.BadZipFile(
            f"File name in directory {info.orig_filename!r} and header {name!r} differ."
        )
    start += fields[-2] + fields[-1]
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


def _inflate(raw: bytes | memoryview, size: int, by_zlib: bool = False) -> tuple[bytes, bool]:
    """The first ``size`` bytes ``raw`` inflates to, and whether its stream ended: never
    more than ``size`` + 1 bytes inflated (a max_length of 0 would be no bound). A stream
    ISA-L did not see end is inflated again by zlib: ISA-L holds a damaged partial block
    after the last whole one without an error, where zlib (and ``zipfile``) refuse it."""
    isal = BACKEND == "isal" and not by_zlib
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
