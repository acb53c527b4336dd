"""Inspect a workbook package before any XML parser or calamine sees it.

calamine (Rust) decompresses and parses whatever it is given; it has no size limit of its
own and its allocation failures abort the whole process. So every check that protects the
nightly job happens here, in Python, on the raw bytes: container type, zip integrity,
entry names, declared and *actual* inflated size, and DTD/entity declarations. The XML
parts that pass are kept (inflated, CRC-checked) so the reader never inflates them twice.
"""

from __future__ import annotations

import contextlib
import posixpath
import zipfile
import zlib
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from io import BytesIO
from pathlib import Path
from types import TracebackType

from sheets_sync.errors import (
    EncryptedWorkbookError,
    UnsafeWorkbookError,
    WorkbookError,
    WorkbookOutOfMemoryError,
    WorkbookTooLargeError,
)
from sheets_sync.zipread import read_member
from sheets_sync.zipwrite import ENCRYPTED, METHODS, shown

OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")
#: a file that is no zip at all: a CSV or text renamed .xlsx, which a new name does not
#: make a workbook (until 2026-12-07 no hint what to do)
NOT_A_WORKBOOK = "not an Excel workbook (.xlsx); open it in Excel and save it as .xlsx"
ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"
#: an .ods is read (``open_package``), never patched: the night's failure, and the dry
#: run's (until 2026-12-07 `the package has no workbook part (is it an .xlsx/.xlsm?)`)
ODS_NOT_WRITTEN = (
    "an OpenDocument spreadsheet (.ods) is read, but its cells cannot be written back; "
    "save it as an Excel workbook (.xlsx: LibreOffice File > Save As, Excel 2007-365) and "
    "point the team's source at that file"
)
#: the same of an .ods under an Excel name (renamed, or saved so by hand): the name does
#: not make it a workbook, and a save as .xlsx under it needs no new source (until
#: 2026-12-07 ``Sales.xlsx: an OpenDocument spreadsheet (.ods) is read ...``)
ODS_NAMED_AS_EXCEL = (
    "is an OpenDocument spreadsheet (.ods), whatever its name: read, but its cells cannot "
    "be written back; save it as an Excel workbook under the same name (LibreOffice File > "
    "Save As, Excel 2007-365)"
)
#: the same under an .xlsm name: LibreOffice's type of that name (Excel 2007-365 alone
#: saves an .xlsx, whatever the name typed: until a review on 2026-12-07 the words above)
ODS_NAMED_AS_XLSM = ODS_NAMED_AS_EXCEL[:-1] + " (macro-enabled))"


#: each of the words above: a run that does not fail with them warns with them
#: (``TeamSteps.plan``), and its line says them (``console.outcome_line``)
ODS_ADVICE = frozenset({ODS_NOT_WRITTEN, ODS_NAMED_AS_EXCEL, ODS_NAMED_AS_XLSM})


def ods_not_written(name: str) -> str:
    """Why the .ods named ``name`` (its file's) is not written, and what to do."""
    lower = name.lower()
    if lower.endswith(".xlsm"):
        return ODS_NAMED_AS_XLSM
    return ODS_NAMED_AS_EXCEL if lower.endswith(".xlsx") else ODS_NOT_WRITTEN


#: Parts a parser reads (calamine or the reader's own scan); only these are inflated and
#: scanned. Media, printer settings and vbaProject.bin are counted by declared size only.
_PARSED_SUFFIXES = (".xml", ".rels")
_CHUNK = 1 << 16
#: "<!DOCTYPE" / "<!ENTITY" in UTF-8 and both UTF-16 byte orders.
_DTD_MARKERS = tuple(
    marker.encode(codec)
    for marker in ("<!DOCTYPE", "<!ENTITY")
    for codec in ("utf-8", "utf-16-le", "utf-16-be")
)
_MARKER_TAIL = max(len(m) for m in _DTD_MARKERS) - 1


@dataclass(frozen=True)
class Package:
    """A zip package that passed every check.

    ``parts`` maps each normalised, lower-cased part name (forward slashes, no leading
    slash) to its inflated bytes, for the XML parts only; ``kind`` is "xlsx" or "ods";
    ``members`` maps each of those keys to its zip entry's name as the zip spells it
    (``./xl/sharedStrings.xml``, which calamine does not find at ``xl/sharedStrings.xml``).
    """

    kind: str
    parts: Mapping[str, bytes]
    members: Mapping[str, str] = field(default_factory=dict)

    def part(self, name: str) -> bytes | None:
        return self.parts.get(normalise_part_name(name).lower())


def normalise_part_name(name: str) -> str:
    """Zip entry or relationship target -> ``xl/worksheets/sheet1.xml``.

    Some exporters write backslashes (``xl\\worksheets\\...``); OPC names are
    case-insensitive, which the lower-cased keys of ``Package.parts`` honour.
    """
    return name.replace("\\", "/").lstrip("/")


def _mib(n: int) -> str:
    return f"{n / 2**20:.1f} MiB"


def file_size_limit(max_uncompressed_bytes: int) -> int:
    """The most bytes a workbook file may have: a zip holds at most its inflated size plus
    headers (1 MiB covers thousands of entries)."""
    return max_uncompressed_bytes + 2**20


def refuse_oversized_file(size: int, max_uncompressed_bytes: int, source: str) -> None:
    """A file over ``file_size_limit`` is refused before it is read."""
    if size > file_size_limit(max_uncompressed_bytes):
        raise WorkbookTooLargeError(
            f"the file is {_mib(size)}, over the size limit ({_mib(max_uncompressed_bytes)})",
            source=source,
        )


def _refuse_non_zip(data: bytes, source: str) -> None:
    """Explain a file that is not a zip package; returns only if it is one."""
    if not data:
        raise WorkbookError("the file is empty (0 bytes)", source=source)
    if data.startswith(OLE2_MAGIC):
        raise EncryptedWorkbookError(_ole2_message(data), source=source)
    if not data.startswith(_ZIP_MAGICS):
        raise WorkbookError(NOT_A_WORKBOOK, source=source)


def head_problem(path: Path) -> str | None:
    """What a read will refuse ``path`` for by its first bytes (empty, a legacy .xls or a
    password, not a zip: ``Ops.csv``), in the words sync fails the team with; None when it
    may be a workbook or cannot be opened (the read says why). ``config check``'s
    prediction: a few bytes, a megabyte only of an OLE2 file (``_ole2_message``)."""
    try:
        with path.open("rb") as file:
            head = file.read(len(OLE2_MAGIC))
            if head.startswith(OLE2_MAGIC):
                head += file.read((1 << 20) - len(head))
    except OSError:
        return None
    try:
        _refuse_non_zip(head, path.name)
    except WorkbookError as exc:
        return exc.message
    return None


def _ole2_message(data: bytes) -> str:
    """Tell an encrypted .xlsx from a legacy .xls by their CFB stream names (UTF-16LE)."""
    head = data[: 1 << 20]
    if "EncryptedPackage".encode("utf-16-le") in head:
        return "password-protected workbook; save it as .xlsx without a password"
    if "Workbook".encode("utf-16-le") in head or "Book".encode("utf-16-le") in head:
        return (
            "legacy .xls (Excel 97-2003) workbook, possibly password-protected; "
            "save it as .xlsx without a password"
        )
    return "password-protected or legacy .xls; save it as .xlsx without a password"


def _check_name(info: zipfile.ZipInfo, source: str) -> str:
    """Refuse absolute paths and ``..`` (zip-slip), with either slash style, NUL, and an
    entry with no name (until 2026-12-07 an IndexError in ``ZipInfo.is_dir``). The name
    as its header has it (``orig_filename``) is checked too: ``ZipInfo`` cuts
    ``filename`` at the first NUL, so ``a.png\0../../evil`` passed as ``a.png`` (and a
    copy wrote its bytes out whole) and ``\0evil.png`` was an entry with no name."""
    name = info.filename
    for each in dict.fromkeys((info.orig_filename, name)):
        if "\x00" in each:
            raise UnsafeWorkbookError(f"unsafe path inside the workbook: {each!r}", source=source)
        if not each:
            raise UnsafeWorkbookError("the zip holds an entry with no name", source=source)
        norm = each.replace("\\", "/")
        segments = norm.split("/")
        if norm.startswith("/") or (len(norm) > 1 and norm[1] == ":") or ".." in segments:
            raise UnsafeWorkbookError(f"unsafe path inside the workbook: {each!r}", source=source)
    norm = name.replace("\\", "/")
    return normalise_part_name(posixpath.normpath(norm))


def refuse_twin(seen: dict[str, str], key: str, name: str, source: str | None = None) -> None:
    """Refuse a second zip entry for one part (OPC names are case-insensitive, and some
    exporters write backslashes): Excel and LibreOffice show the first, calamine read the
    last and the patch wrote the last, so a team saw values the rollup never did, and
    the scores went into a part nobody sees."""
    first = seen.get(key)
    if first is not None:
        raise UnsafeWorkbookError(
            f"the zip holds two members for one part ({first!r} and {name!r}); "
            "refused, since applications disagree on which one is the workbook",
            source=source,
        )
    seen[key] = name


#: ``METHODS`` (stored, deflated) are the only compressions Excel and LibreOffice write.
#: zipfile bounds only deflate by the size asked for: a bzip2 or LZMA member inflates whole
#: in one read (2 GiB of zeros in a 6.5 KB file was a MemoryError), so any other method is
#: refused before it is opened.
_METHOD_NAMES = {zipfile.ZIP_BZIP2: "bzip2", zipfile.ZIP_LZMA: "LZMA", 9: "Deflate64"}


#: APPNOTE 6.3.x 4.4.4's encryption bits of a member's flags, each refused by member:
#: bit 0 (encrypted), bit 6 (strong encryption, set with bit 0 by every tool that sets
#: it; ``zipfile`` raises "strong encryption (flag bit 6)" as an unsupported compression)
#: and bit 13 (the central directory encrypted, the local header's values masked; a copy
#: wrote the member without the bit, its bytes as they were). Until 2026-12-08 only bit
#: 0 was checked here, and none named the member.
_ENCRYPTION = (
    (0x40, "strong encryption, flag bit 6"),
    (0x2000, "central directory encryption, flag bit 13"),
    (0x1, "flag bit 0"),
)


def refuse_encryption(infos: Sequence[zipfile.ZipInfo], source: str | None = None) -> None:
    """Refuse the everyday password-protected zip (``zip -P``, 7-Zip's ZipCrypto: every
    member but folders with bit 0 alone) in one line about the workbook, as a person
    reads it: naming one member and a flag bit there was jargon about a part picked by
    chance (a first cut of 2026-12-08's change said ``zip member [Content_Types].xml is
    encrypted (flag bit 0)``). The odd cases (one member encrypted, bit 6 or 13) are
    left to ``refuse_unsafe_member``, which names the member."""
    bits = (i.flag_bits & ENCRYPTED for i in infos if not i.is_dir())
    if next(bits, 0) == 0x1 and all(b == 0x1 for b in bits):  # a plain zip stops at its first
        raise EncryptedWorkbookError(
            "the workbook's zip entries are encrypted; save it without a password",
            source=source,
        )


def refuse_unsafe_member(info: zipfile.ZipInfo, source: str | None = None) -> None:
    """Refuse an encrypted zip member, or one in a compression other than stored or
    deflate, before anything opens it (directory entries too: a copy reads them)."""
    for bit, how in _ENCRYPTION:
        if info.flag_bits & bit:
            raise EncryptedWorkbookError(
                f"zip member {shown(info)} is encrypted ({how}); save the workbook without "
                "a password",
                source=source,
            )
    if info.compress_type not in METHODS:
        method = _METHOD_NAMES.get(info.compress_type, f"method {info.compress_type}")
        raise UnsafeWorkbookError(
            f"part {info.filename!r} uses {method} compression, which Excel and "
            "LibreOffice never write: refused as unsafe",
            source=source,
        )


def _read_here(lower: str) -> bool:
    """Is the part (its lower-cased name) inflated and checked here?"""
    return lower.endswith(_PARSED_SUFFIXES) or lower == "mimetype"


def _refuse_case_twins(twins: list[tuple[str, str]], source: str) -> None:
    if twins:
        first, second = twins[0]
        refuse_twin({first: first}, first, second, source)


def _inflate(
    zf: zipfile.ZipFile, info: zipfile.ZipInfo, budget: int, limit: int, source: str
) -> bytes:
    """Stream-inflate one entry, stopping as soon as the running total passes ``budget``.

    zipfile also stops at the declared size and checks the CRC, so a part whose header
    lies about its size fails here, not inside calamine.
    """
    out = BytesIO()  # its bytes handed over as they are: a bytearray's copied (2x the part)
    tail = b""
    with zf.open(info) as fh:
        while chunk := fh.read(_CHUNK):
            out.write(chunk)
            if out.tell() > budget:
                raise WorkbookTooLargeError(
                    f"the workbook inflates past the size limit ({_mib(limit)})",
                    source=source,
                )
            window = tail + chunk
            if any(marker in window for marker in _DTD_MARKERS):
                raise UnsafeWorkbookError(
                    f"part {info.filename!r} declares a DTD or entities "
                    "(possible entity-expansion attack); refused",
                    source=source,
                )
            tail = window[-_MARKER_TAIL:]
    return out.getvalue()


def unzip_errors(source: str, member: str | None = None) -> _UnzipErrors:
    """What inflating a part can raise, as the file's own error: a damaged member (its
    CRC, a truncated stream) or a compression zipfile cannot undo; and running out of
    memory (``WorkbookOutOfMemoryError``: the team fails, not the run; the machine's
    memory, not the file's size, may be at fault, as when other workers read at once, so
    the next run tries it again). The damage names ``member`` when given and its error does
    not (zlib's errors, a local header's name that is not UTF-8).

    The ``MemoryError`` is not chained and its traceback is dropped: its frames (the
    inflate that ran out) held what that inflate had read. The new error's own traceback
    still holds the frame around the ``with`` for as long as the error is kept with its
    traceback: ``inspect_package`` lets go of the parts it inflated before and of those
    an earlier call handed it (``_inflated``), and ``extent.check_package`` of its earlier
    steps' package (until 2026-12-07 they were kept with it)."""
    return _UnzipErrors(source, member)


class _UnzipErrors(contextlib.AbstractContextManager[None]):
    def __init__(self, source: str, member: str | None) -> None:
        self.source = source
        self.member = member

    def __exit__(
        self, typ: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        del tb  # a frame of the failed read holds what it inflated: not kept here
        if exc is None:
            return
        source = self.source
        if isinstance(exc, MemoryError):
            exc.__traceback__ = None
            raise WorkbookOutOfMemoryError(
                "the workbook is too large to read in the memory free on this machine (it ran "
                "out as a part inflated: other reads at once, or a size limit above what the "
                "machine holds); tried again next run",
                source=source,
            ) from None
        if isinstance(exc, (zipfile.BadZipFile, zlib.error, EOFError, ValueError, OSError)):
            named = self.member is None or self.member in str(exc)  # zipfile's CRC error
            where = "" if named else f"{self.member}: "
            raise WorkbookError(f"the file is damaged: {where}{exc}", source=source) from exc
        if isinstance(exc, NotImplementedError):
            raise WorkbookError(
                f"the file uses an unsupported zip compression: {exc}", source=source
            ) from exc


def open_zip(data: bytes, source: str) -> zipfile.ZipFile:
    """``data`` opened as a zip, its entries listed (the central directory read); a
    ``WorkbookError`` naming ``source`` when it is no zip or a damaged one."""
    _refuse_non_zip(data, source)
    try:
        return zipfile.ZipFile(BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError) as exc:
        raise WorkbookError(f"the file is damaged: {exc}", source=source) from exc


def refuse_declared(
    infos: Iterable[zipfile.ZipInfo], chosen: Callable[[str], bool], max_bytes: int, source: str
) -> None:
    """Raise a ``WorkbookTooLargeError`` when the entries ``chosen`` picks (by
    lower-cased part name) declare more than ``max_bytes`` inflated, together: before any
    is inflated. ``inspect_package``'s check, and ``extent.check_package``'s over the
    tabs it then inflates one call at a time."""
    declared = sum(
        info.file_size for info in infos if chosen(normalise_part_name(info.filename).lower())
    )
    if declared > max_bytes:
        raise WorkbookTooLargeError(
            f"the workbook would inflate to {_mib(declared)}, "
            f"over the size limit ({_mib(max_bytes)})",
            source=source,
        )


def inspect_package(
    data: bytes,
    *,
    source: str,
    max_uncompressed_bytes: int,
    read: Callable[[str], bool] | None = None,
    _inflated: Mapping[str, bytes] | None = None,
    _zip: zipfile.ZipFile | None = None,
) -> Package:
    """Check a candidate workbook and return its inflated XML parts.

    Raises a ``WorkbookError`` subclass for anything that is not a safe, intact
    .xlsx/.xlsm/.ods package; never hands a doubtful byte to a parser. With ``read`` (a
    lower-cased part name -> whether to inflate it), only those parts are inflated and
    count towards ``max_uncompressed_bytes`` (every entry's name is still checked): the
    previous company workbook's few tabs, not its History (``extent.check_package``).
    ``_inflated`` (private: ``extent.check_package``'s steps alone): the parts an earlier
    call on the same ``data`` returned, kept (and counted) as they are, neither inflated
    nor scanned for a DTD again: nothing here proves they came from ``data`` (another
    workbook's parts would pass unscanned), so a caller passes only what it was handed
    for these very bytes. ``_zip`` (private, the same steps): ``open_zip`` of these very
    ``data``, its entries listed once for every step, not read again from the zip's
    central directory a call (every entry's name is still checked each call).
    """
    zf = open_zip(data, source) if _zip is None else _zip
    infos = zf.infolist()
    chosen = read or (lambda _name: True)
    refuse_declared(infos, chosen, max_uncompressed_bytes, source)
    parts: dict[str, bytes] = {}
    members: dict[str, str] = {}
    mimetype = b""
    used = 0
    seen: dict[str, str] = {}  # part name -> the entry's name
    folded: dict[str, str] = {}  # part name, lower-cased -> the entry's name
    case_twins: list[tuple[str, str]] = []  # (first, second) names that differ in case only
    refuse_encryption(infos, source)
    for info in infos:
        name = _check_name(info, source)
        refuse_unsafe_member(info, source)
        if info.is_dir():
            continue
        refuse_twin(seen, name, info.filename, source)
        first = folded.setdefault(name.lower(), info.filename)
        if first != info.filename:
            case_twins.append((first, info.filename))
        lower = name.lower()
        if not _read_here(lower) or not chosen(lower):
            continue
        body = None if _inflated is None else _inflated.get(lower)
        if body is None:
            try:
                with unzip_errors(source, info.filename):
                    body = _inflate(
                        zf, info, max_uncompressed_bytes - used, max_uncompressed_bytes, source
                    )
            except WorkbookError:  # its traceback keeps this frame: not what it inflated,
                parts.clear()  # nor the earlier call's parts (the caller drops its own)
                _inflated = None
                raise
        elif len(body) > max_uncompressed_bytes - used:  # as its inflating stopped
            raise WorkbookTooLargeError(
                f"the workbook inflates past the size limit ({_mib(max_uncompressed_bytes)})",
                source=source,
            )
        used += len(body)
        if lower == "mimetype":
            mimetype = body.strip()
        else:
            parts[lower] = body
            members[lower] = info.filename
    if mimetype.startswith(ODS_MIMETYPE) and "content.xml" in parts:
        # ODF part names are case-sensitive: Pictures/logo.png and Pictures/Logo.png are
        # two images. Only twins among the parts read here (kept by lower-cased name,
        # so one would stand for the other) are refused.
        _refuse_case_twins([t for t in case_twins if _read_here(t[0].lower())], source)
        return Package(kind="ods", parts=parts, members=members)
    if "[content_types].xml" in parts:
        _refuse_case_twins(case_twins, source)  # one OPC part: names ignore case
        return Package(kind="xlsx", parts=parts, members=members)
    raise WorkbookError("not an Excel workbook (.xlsx)", source=source)


def with_parts(data: bytes, bodies: Mapping[str, bytes], source: str) -> bytes:
    """The zip ``data`` with each member named in ``bodies`` (keys as
    ``normalise_part_name(...).lower()``, as the reader matches part names) holding its
    body, every other member as it was: a copy for calamine to read where a part needed
    mending (error codes, padded numbers). ``inspect_package`` checked the XML parts; an
    image may still be damaged: the file's error naming it (``unzip_errors``). Each member
    is read by ``zipread.read_member``, inflated no further than its ``file_size`` + 1
    bytes, which ``inspect_package`` bounded together: ``ZipFile.read`` inflated up to
    2 GiB past it (a 10-byte image inflating to 256 MB of zeros from a 260 KB file: 558
    MiB traced, 0.9 MiB now), and a damaged image's error named no member, until
    2026-12-07. A member whose bytes run into the next one's is read (no ``end``), as the
    read read it before and as the write-back, which refuses that in the XML parts it
    reads alone, copies a picture raw and unread. A part of ``bodies`` the zip lacks is
    added (the styles calamine is to read, ``workbookparts.styles_for_calamine``)."""
    out = BytesIO()
    left = dict(bodies)
    with (
        unzip_errors(source),
        zipfile.ZipFile(BytesIO(data)) as src,
        zipfile.ZipFile(out, "w") as z,
    ):
        for info in src.infolist():
            if info.is_dir():  # nothing to calamine; two ``xl/`` had zipfile warn on stderr
                continue  # (``Duplicate name``) until 2026-12-08
            body = left.pop(normalise_part_name(info.filename).lower(), None)
            if body is None:
                with unzip_errors(source, info.filename):
                    body = read_member(data, info)
            z.writestr(zipfile.ZipInfo(info.filename, info.date_time), body)
        for name, body in left.items():
            z.writestr(name, body)
    return out.getvalue()
