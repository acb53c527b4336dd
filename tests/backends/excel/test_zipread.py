"""A zip's local headers are parsed in one place (``sheets_sync/zipread.py``): by the
write-back's member reads, ``rezip``'s raw copies and names, and ``ZipWriter.copy``. Until
2026-12-07 four sites each unpacked the header (two structs of it, one spelling its
version as two bytes), each with its own signature check."""

from __future__ import annotations

import io
import re
import struct
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path

import pytest

from sheets_sync.zipread import LOCAL, local_header, read_member, unnamed

PACKAGE = Path(__file__).parents[3] / "sheets_sync"
#: what parsing a local header by hand looks like: its struct unpacked, its signature
#: compared, its name length read at offset 26 (extra at 28) or its body found at 30 past
#: the offset; and any struct of 30 bytes opening with a 4-byte signature (``_STRUCTS``),
#: however spelled ("<4sHHHHHLLLHH", "<4s2B4HL2L2H")
_BY_HAND = re.compile(
    r"LOCAL\.unpack|header_offset\s*\+|head\[0?:4\]|\+ 2[68]\b|\+ 30\b"
    r"|[!=]=\s*(LOCAL_SIGNATURE|b\"PK\\x03\\x04\")|(LOCAL_SIGNATURE|b\"PK\\x03\\x04\")\s*[!=]="
)
_STRUCTS = re.compile(r"[\"'](<4s[0-9xcbBhHiIlLqQs]*)[\"']")


def _by_hand(line: str) -> bool:
    return bool(_BY_HAND.search(line)) or any(
        struct.calcsize(fmt) == LOCAL.size for fmt in _STRUCTS.findall(line)
    )


def _zip() -> tuple[bytes, zipfile.ZipInfo]:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("xl/m\u00e9dia/a.xml", b"<a/>" * 50, compress_type=zipfile.ZIP_DEFLATED)
    data = buf.getvalue()
    return data, zipfile.ZipFile(io.BytesIO(data)).infolist()[0]


def test_no_module_but_zipread_parses_a_local_header() -> None:
    found = [
        f"{path.relative_to(PACKAGE).as_posix()}:{n}: {line.strip()}"
        for path in sorted(PACKAGE.rglob("*.py"))
        if path.name != "zipread.py" or path.parent != PACKAGE
        for n, line in enumerate(path.read_text().splitlines(), 1)
        if _by_hand(line)
    ]
    assert found == []


@pytest.mark.parametrize(
    "line",
    [
        'if data[at:at+4] != b"PK\\x03\\x04":',
        'nlen, elen = struct.unpack_from("<2H", data, at + 26)',
        'fields = struct.unpack("<4sHHHHHLLLHH", head)',
        'head = struct.unpack("<4s2B4HL2L2H", chunk)',
        "start = at + 30 + nlen + elen",
        "if head[0:4] != LOCAL_SIGNATURE:",
        "if LOCAL_SIGNATURE == head[:4]:",
        "sig, *rest = LOCAL.unpack(chunk)",
    ],
)
def test_a_hand_parse_is_seen(line: str) -> None:
    """The review's spellings the pattern missed until the fix round of 2026-12-07 (a
    body found at ``at + LOCAL.size`` is no pattern: rezip reads a name there; the
    behaviour test below sees it)."""
    assert _by_hand(line)


@pytest.mark.parametrize(
    "line",
    [
        '_ZIP_MAGICS = (b"PK\\x03\\x04", b"PK\\x05\\x06", b"PK\\x07\\x08")',
        'CENTRAL = struct.Struct("<4s6H3L5H2L")',
        'END = struct.Struct("<4s4H2LH")',
    ],
)
def test_no_other_record_is_taken_for_one(line: str) -> None:
    assert not _by_hand(line)


class _ParsedError(Exception):
    """Raised by the patched ``local_header``: the site parsed through it."""


def test_every_site_parses_through_local_header(monkeypatch: pytest.MonkeyPatch) -> None:
    """A behaviour check the pattern cannot be: with ``local_header`` raising, every site
    that reads a local header fails through it (one parsing by hand would not)."""
    from sheets_sync import zipread, zipwrite
    from sheets_sync.backends.excel import rezip

    def parsed(data: object, at: int) -> tuple[int, int, int]:
        raise _ParsedError(at)

    for module in (zipread, zipwrite, rezip):
        monkeypatch.setattr(module, "local_header", parsed)
    data, info = _zip()
    sites: dict[str, Callable[[], object]] = {
        "zipread.read_member": lambda: zipread.read_member(data, info),
        "ZipWriter.copy": lambda: zipwrite.ZipWriter(io.BytesIO()).copy(io.BytesIO(data), info),
        "rezip._raw": lambda: rezip._raw(data, info),
        "rezip.rezip": lambda: rezip.rezip(data, [info], {}),
    }
    for site, call in sites.items():
        with pytest.raises(_ParsedError):
            call()
            pytest.fail(f"{site} read a local header without local_header")


def test_a_local_header_as_zipfile_reads_it() -> None:
    data, info = _zip()
    at = info.header_offset
    flags, name_end, start = local_header(data, at)
    assert data[at + LOCAL.size : name_end] == info.orig_filename.encode()
    assert flags == info.flag_bits  # zipfile flags a non-ASCII name UTF-8 (0x800)
    assert start == name_end  # no extra field
    body = data[start : start + info.compress_size]
    assert zipfile.ZipFile(io.BytesIO(data)).read(info) == zlib.decompress(body, -15)
    assert local_header(memoryview(data), at) == (flags, name_end, start)
    assert local_header(data[at : at + LOCAL.size], 0) == (flags, name_end - at, start - at)


@pytest.mark.parametrize(
    ("head", "message"),
    [
        (b"", "Truncated file header"),
        (b"PK\x03\x04" + bytes(LOCAL.size - 5), "Truncated file header"),
        (b"PK\x01\x02" + bytes(LOCAL.size - 4), "Bad magic number for file header"),
    ],
)
def test_no_local_header_is_zipfiles_error(head: bytes, message: str) -> None:
    with pytest.raises(zipfile.BadZipFile, match=f"^{message}$"):
        local_header(b"junk" + head, 4)


def test_a_name_and_extra_past_the_bytes() -> None:
    head = struct.pack("<4s5H3L2H", b"PK\x03\x04", 20, 0x800, 0, 0, 0, 0, 0, 0, 10, 4)
    assert local_header(head + b"abc", 0) == (0x800, LOCAL.size + 10, LOCAL.size + 14)


def test_a_negative_offset_is_no_local_header() -> None:
    """A central entry's offset made negative (the end record's directory offset raised
    past it): ``zipfile`` refuses it (a negative seek); until the fix round of 2026-12-07
    ``local_header`` read a header from the end of the bytes (a zip's comment)."""
    head = struct.pack("<4s5H3L2H", b"PK\x03\x04", 20, 0, 0, 0, 0, 0, 0, 0, 1, 0)
    data = b"junk" + head + b"a"
    with pytest.raises(zipfile.BadZipFile, match=r"^Negative offset for file header: -31$"):
        local_header(data, -31)


@pytest.mark.parametrize(
    ("bits", "reason"),
    [
        (0x1, "it is encrypted; save the workbook without a password"),
        (0x20, "it holds patched data (flag bit 5), which no spreadsheet writes"),
    ],
)
def test_a_member_read_member_does_not_read_says_why_once(bits: int, reason: str) -> None:
    """The reason as the write-back's and the splice's line carries it after the member's
    name (``zip member xl/a.xml cannot be read: ...``); until 2026-12-08 it read
    ``... cannot be read: zip member is encrypted or patched`` (its name cut out by
    ``unnamed``, "zip member" left). Both are refused before a read (``safety``)."""
    data, info = _zip()
    info.flag_bits |= bits
    with pytest.raises(NotImplementedError) as refused:
        read_member(data, info)
    assert unnamed(refused.value, info) == reason
