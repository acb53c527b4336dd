"""Write a workbook's zip package again with some members replaced.

A write-back changes one or two worksheets and maybe the styles; the other members
(theme, shared strings, drawings, media, vbaProject.bin...) are copied as the compressed
bytes they are, not inflated and deflated again: that was two thirds of a re-zip's time.
Python's ``zipfile`` cannot copy a member raw, so the package is written by
``zipwrite.ZipWriter`` (APPNOTE 6.3.x), zip64 records only where it needs them (65,535
members or more, 4 GiB). Until 2026-12-07 a package under those limits was written by
records of its own here (the same bytes) and only the others by ``ZipWriter``; before
that, those went through ``zipfile``, every member deflated again. An encrypted member,
or one in a method other than stored or deflated (edited or not: an unchanged bzip2 or
LZMA one, which the records of its own copied, too), is a ``WorkbookError``; the patch's
package check (``safety.refuse_unsafe_member``, from ``patch.Package``) refuses them all
first, so that refusal is only defensive. Bytes before the first member are kept, and
those between members or after the last (``_gaps``).

Every member keeps its name (its very bytes), order, method, timestamp, attributes and
comment; a copied one its local and central extra fields (timestamps, Excel's padding
0xa220, ids no one knows) byte for byte, but for a zip64 field, whose values are the
writer's (``zipwrite.without_zip64``; until 2026-12-08 every extra field was dropped);
a replaced one none. A member whose Unicode path extra (0x7075) names it otherwise than
its header is refused. Replaced members are
deflated by ``sheets_sync.deflate`` (ISA-L; zlib only if ``isal`` fails to import).
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from collections.abc import Collection, Mapping, Sequence

from sheets_sync.deflate import deflate
from sheets_sync.errors import WorkbookError
from sheets_sync.zipread import LOCAL, LOCAL_SIGNATURE, extra_fields, local_header
from sheets_sync.zipwrite import AGAIN as _AGAIN
from sheets_sync.zipwrite import ZipWriter, checked_name, zip_name
from sheets_sync.zipwrite import shown as _shown


def rezip(
    data: bytes,
    infos: Sequence[zipfile.ZipInfo],
    changed: Mapping[str, bytes],
    removed: Collection[str] = (),
    comment: bytes = b"",
    ends: Mapping[zipfile.ZipInfo, int] | None = None,
) -> bytes:
    """``data`` (the package ``infos`` were read from) with ``changed`` members replaced
    and ``removed`` ones left out. ``ends`` (``zipread.member_ends``: where each member's
    room ends, the next local header or the central directory): the bytes between a
    member's and that end (a member the directory no longer lists) are written after it;
    without ``ends`` they are dropped. Both keyed by the entry, not its name (a zip may
    list two members of one name: until 2026-12-08 they shared one gap)."""
    gaps = _gaps(data, infos, ends or {})
    _move_removed(gaps, infos, removed)
    out = io.BytesIO()
    out.write(_prefix(data, infos))  # the offsets written count it: from the file's start
    out.write(gaps.get(_BEFORE, b""))
    writer = ZipWriter(out)
    for info in infos:
        if info.filename in removed:
            continue
        name, flags, kept, start = _header(data, info)
        body = changed.get(info.filename)
        if body is None:  # its extra fields kept (until 2026-12-08 dropped)
            raw, crc, size = _raw(data, info, start), info.CRC, info.file_size
            extras = kept
        else:
            raw, crc, size = _compress(body, info.compress_type), zlib.crc32(body), len(body)
            extras = _NONE
        writer.raw(info, name, flags, info.compress_type, crc, raw, size, extras)
        out.write(gaps.get(info, b""))
    writer.close(comment)
    return out.getvalue()


def _prefix(data: bytes, infos: Sequence[zipfile.ZipInfo]) -> bytes:
    """The bytes before the package's first member (by where its local header is), kept
    byte for byte: a spanning marker (``PK\\x07\\x08``, which LibreOffice refuses to open)
    or a member the directory no longer lists (``zipfile``, calamine and LibreOffice read
    past it) are the team's, as any member the write does not own. Until 2026-12-07 they
    were dropped. A prefix a reader would not take for a zip (a self-extractor's stub) is
    refused before: ``safety`` reads a file only if it starts as a zip does."""
    first = min((i.header_offset for i in infos), default=0)
    return data[: max(first, 0)]


_BEFORE = None  # the gaps key of the removed members' gaps before any kept member


def _gaps(
    data: bytes, infos: Sequence[zipfile.ZipInfo], ends: Mapping[zipfile.ZipInfo, int]
) -> dict[zipfile.ZipInfo | None, bytes]:
    """Each member's trailing bytes: from its compressed bytes' end (past a data
    descriptor, which the local header written holds) to ``ends``'s, where the next
    member or the directory starts. A member the directory no longer lists lies there
    (a deleted part's old bytes): the team's, as the prefix is (until 2026-12-07
    dropped). A removed member's gap goes with the kept member before it
    (``_move_removed``). Members overlapping the next (refused where read) have none."""
    gaps: dict[zipfile.ZipInfo | None, bytes] = {}
    for info in infos:
        end = ends.get(info)
        if end is None:
            continue
        try:
            _, name_end, body = local_header(data, info.header_offset)
        except zipfile.BadZipFile:
            continue
        start = body + info.compress_size
        if info.flag_bits & 0x8:
            zip64 = _has_zip64(data[name_end:body])
            start += _descriptor(data, start, end, info, zip64)
        if start < end:
            gaps[info] = data[start:end]
    return gaps


def _move_removed(
    gaps: dict[zipfile.ZipInfo | None, bytes],
    infos: Sequence[zipfile.ZipInfo],
    removed: Collection[str],
) -> None:
    """A removed member's gap appended to that of the kept member before it by offset
    (``_BEFORE``, after the prefix, where none is), so the bytes keep their order: until
    2026-12-07 every such gap went before the first member, and a stale copy of a part
    that followed the live one (after a removed calcChain.xml) came first in the file,
    the copy a streaming reader keeps."""
    host: zipfile.ZipInfo | None = _BEFORE
    moved: dict[zipfile.ZipInfo | None, list[bytes]] = {}
    for info in sorted(infos, key=lambda i: i.header_offset):
        if info.filename not in removed:
            host = info
        elif gap := gaps.pop(info, b""):
            moved.setdefault(host, []).append(gap)
    for name, parts in moved.items():
        gaps[name] = gaps.get(name, b"") + b"".join(parts)


def _has_zip64(extra: bytes) -> bool:
    """Whether a local header's extra field holds a zip64 extra (0x0001)."""
    return any(kind == 0x0001 for kind, _ in extra_fields(extra))


_NEXT = (LOCAL_SIGNATURE, b"PK\x01\x02")  # what may follow a descriptor: a member, the directory


def _descriptor(data: bytes, start: int, end: int, info: zipfile.ZipInfo, zip64: bool) -> int:
    """The length of the data descriptor at ``start`` (0 if it holds none of ``info``'s):
    an optional signature, the CRC-32, sizes in 8 bytes where the local header has a
    zip64 extra (``zip64``), else in 4 (APPNOTE 4.3.9.1). The other width only where it
    ends the member's room (at ``end``, or a local header or the directory follows): until
    2026-12-07 8-byte sizes were tried first, and an empty member's 4-byte descriptor
    followed by 8 zero bytes (a gap's) lost those 8 bytes."""
    skip = 4 if data[start : start + 4] == b"PK\x07\x08" else 0
    at = start + skip + 4
    if data[at - 4 : at] != struct.pack("<L", info.CRC):
        return 0
    sizes = (info.compress_size, info.file_size)
    forms = ("<2Q", "<2L") if zip64 else ("<2L", "<2Q")
    for n, form in enumerate(forms):
        stop = at + struct.calcsize(form)
        if form == "<2L" and max(sizes) > 0xFFFFFFFF:
            continue
        if data[at:stop] != struct.pack(form, *sizes):
            continue
        if n == 0 or stop == end or data[stop : stop + 4] in _NEXT:
            return stop - start
    return 0


_NONE = (b"", b"")  # an edited member's extra fields


def _header(
    data: bytes, info: zipfile.ZipInfo
) -> tuple[bytes, int, tuple[bytes, bytes], int | None]:
    """A member's name bytes and UTF-8 flag exactly as its local header has them, its
    local and central extra fields as a copy keeps them (``zipwrite.kept_extras``) and
    where its compressed bytes start (None: the
    header cannot be read; one parse a member, where ``_raw`` parsed it again), by
    ``zipwrite.checked_name``'s rules (the ones ``ZipWriter.copy`` keeps): a local name
    that is not the central directory's, or a Unicode path extra naming it otherwise, is
    refused. Names ``zipfile`` decoded as cp437 (no UTF-8 flag) were UTF-8 re-encoded: a
    name written in UTF-8 without the flag (``media/bild_ä.png``, as many zip tools
    write) came back as ``bild_├ñ.png`` and the part its relationship names was gone (an
    image lost). A local header that cannot be read: the name as ``zipfile`` would write
    it (``_raw`` refuses the member)."""
    at = info.header_offset
    try:
        flags, name_end, body = local_header(data, at)
    except zipfile.BadZipFile:
        name, flags = zip_name(info.filename)
        return name, flags, _NONE, None
    extra = data[name_end:body]
    name, flags, extras = checked_name(info, data[at + LOCAL.size : name_end], flags, extra)
    return name, flags, extras, body


def _raw(data: bytes, info: zipfile.ZipInfo, start: int | None = None) -> bytes:
    """A member's compressed bytes, from ``start`` (``_header``'s) or found through its
    local header."""
    try:
        if start is None:
            start = local_header(data, info.header_offset)[2]
    except zipfile.BadZipFile:
        raise WorkbookError(
            f"zip member {_shown(info)} cannot be read: bad local header (the zip is "
            f"damaged; {_AGAIN})"
        ) from None
    raw = data[start : start + info.compress_size]
    if len(raw) != info.compress_size:
        raise WorkbookError(
            f"zip member {_shown(info)} cannot be read: truncated (the zip is damaged; {_AGAIN})"
        )
    return raw


def _compress(body: bytes, method: int) -> bytes:
    if method == zipfile.ZIP_STORED:
        return body
    return deflate(body)  # ISA-L (required): ~5x zlib's level 6 (sheets_sync/deflate.py)
