"""``ZipWriter.copy`` (the rollup's splice) keeps a member's name by ``rezip``'s rules.

Until 2026-12-07 ``copy`` had the older handling ``rezip`` dropped that day: a member
whose local header names it otherwise than the central directory was written under the
central name in both headers (renamed for a reader of local headers), and a Unicode path
extra that names it otherwise was dropped (renamed for 7-Zip, Windows, newer Pythons).
Both are refused now, by ``zipwrite.checked_name``, in the words ``rezip`` uses; the
names a copy and a write-back keep are the same bytes, member by member.
"""

from __future__ import annotations

import io
import zipfile

import pytest

from sheets_sync.backends.excel import rezip
from sheets_sync.errors import WorkbookError
from sheets_sync.zipwrite import ZipWriter
from tests.backends.excel.test_zip_attacks import unicode_path
from tests.backends.excel.zipcraft import Member, build, records

BILD = "xl/media/bild-ä.png"
LATIN = b"xl/media/bild\xe4.png"
MEMBERS = {
    "ASCII": Member(b"xl/media/image1.png", b"png"),
    "ASCII flagged": Member(b"xl/media/image1.png", b"png", flags=0x800),
    "UTF-8 flagged": Member(BILD.encode(), b"png", flags=0x800),
    "UTF-8 unflagged": Member(BILD.encode(), b"png"),
    "cp437 local, UTF-8 central": Member(
        BILD.encode(), b"png", flags=0x800, local_name=BILD.encode("cp437"), local_flags=0
    ),
    "local name another": Member(b"xl/media/image1.png", b"png", local_name=b"xl/media/X.png"),
    "Unicode extra agrees": Member(
        "xl/media/bild-ä.png".encode("cp437"),
        b"png",
        local_extra=unicode_path("xl/media/bild-ä.png".encode("cp437")),
    ),
    "Unicode extra another": Member(
        LATIN, b"png", local_extra=unicode_path(LATIN, "xl/media/bildä.png")
    ),
}


def _outcome(name: str, copy: bool) -> tuple[bytes, int] | str:
    """The name bytes and UTF-8 flag the member is written with, or the refusal."""
    data = build([MEMBERS[name]])
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        (info,) = zf.infolist()
    out = io.BytesIO()
    try:
        if copy:
            writer = ZipWriter(out)
            writer.copy(io.BytesIO(data), info)
            writer.close()
        else:
            out.write(rezip.rezip(data, [info], {}))
    except WorkbookError as refused:
        return str(refused)
    with zipfile.ZipFile(out) as zf:
        (copied,) = zf.infolist()
    return records(out.getvalue())[copied.filename][1], copied.flag_bits & 0x800  # type: ignore[return-value]


@pytest.mark.parametrize("name", MEMBERS)
def test_a_copy_keeps_names_as_a_write_back_does(name: str) -> None:
    assert _outcome(name, copy=True) == _outcome(name, copy=False)


def test_a_local_header_naming_it_otherwise_is_refused_naming_the_workbook() -> None:
    data = build([MEMBERS["local name another"]])
    (info,) = zipfile.ZipFile(io.BytesIO(data)).infolist()
    with pytest.raises(WorkbookError) as refused:
        ZipWriter(io.BytesIO(), "company.xlsx").copy(io.BytesIO(data), info)
    assert str(refused.value) == (
        "company.xlsx: zip member xl/media/image1.png cannot be copied: its local header "
        "names it 'xl/media/X.png' (the zip is damaged; save the file again in Excel or "
        "LibreOffice)"
    )


def test_a_unicode_extra_naming_it_otherwise_is_refused() -> None:
    data = build([MEMBERS["Unicode extra another"]])
    (info,) = zipfile.ZipFile(io.BytesIO(data)).infolist()
    with pytest.raises(WorkbookError, match=r"^company\.xlsx: zip member xl/media/bildΣ\.png "):
        ZipWriter(io.BytesIO(), "company.xlsx").copy(io.BytesIO(data), info)
