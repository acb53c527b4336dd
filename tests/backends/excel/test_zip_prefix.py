"""Bytes before a team file's first zip member are kept byte for byte by a write-back.

Which prefixes reach a write: ``safety`` reads a file only if it starts as a zip does
(``PK\\x03\\x04``, ``PK\\x05\\x06``, ``PK\\x07\\x08``), so a self-extractor's stub or junk is
refused at the read (``sales.xlsx: not an Excel workbook``; LibreOffice 7.4 opens no such
file either; calamine reads it). What is left: a spanning marker (``PK\\x07\\x08``, the
first four bytes of a split archive written in one piece; LibreOffice refuses to open
it) and members the directory no longer lists (a tool that dropped a member by writing
a new directory after the old data; LibreOffice opens it). Neither is the sync's: until
2026-12-07 the write dropped them silently, changing bytes it does not own. Offsets are
written from the file's start (APPNOTE's), whether the file's counted from the prefix's
end (``zipfile`` and calamine read both).
"""

from __future__ import annotations

import io
import struct
import zipfile
from pathlib import Path

import pytest
import python_calamine

from sheets_sync.errors import WorkbookError
from tests.backends.excel.zipcraft import (
    build,
    kept_but_the_sheet,
    team_file,
    team_members,
    write_back,
)
from tests.support.libreoffice import convert, needs_libreoffice

SHEET = "xl/worksheets/sheet1.xml"
SPANNING = b"PK\x07\x08"


def orphan() -> bytes:
    """A member's local entry that no directory lists (a deleted part's old bytes)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("xl/media/old.png", b"a picture deleted since " * 40)
    data = buf.getvalue()
    return data[: data.index(b"PK\x01\x02")]


def _check(src: bytes, prefix: bytes, out: bytes) -> None:
    assert out[: len(prefix)] == prefix
    kept_but_the_sheet(src, out, SHEET)
    with zipfile.ZipFile(io.BytesIO(out)) as zf:
        assert zf.infolist()[0].header_offset == len(prefix)
    directory = out.index(b"PK\x01\x02")
    assert struct.unpack_from("<L", out, directory + 42)[0] == len(prefix)  # from the start


@pytest.mark.parametrize("prefix", [SPANNING, orphan()], ids=["spanning", "orphan"])
def test_the_prefix_is_kept(prefix: bytes, zip_path: str, tmp_path: Path) -> None:
    src = prefix + build(team_members())  # offsets counted from the prefix's end
    file = team_file(tmp_path, src)
    write_back(file)
    out = file.read_bytes()
    _check(src, prefix, out)
    values = python_calamine.CalamineWorkbook.from_path(str(file)).get_sheet_by_index(0)
    assert values.to_python()[2][19] == "synced"
    write_back(file)  # the night after: the same prefix, offsets as written
    _check(src, prefix, file.read_bytes())


def test_a_stub_before_the_zip_is_refused_at_the_read(tmp_path: Path) -> None:
    """A self-extractor's stub (or any bytes not starting as a zip): refused as no
    workbook, naming the file, which is left as it was."""
    src = b"MZ\x90\x00" + bytes(500) + build(team_members())
    file = team_file(tmp_path, src)
    with pytest.raises(WorkbookError, match=r"^sales\.xlsx: not an Excel workbook"):
        write_back(file)
    assert file.read_bytes() == src


@needs_libreoffice
def test_libreoffice_opens_a_kept_orphan_prefix(tmp_path: Path) -> None:
    file = team_file(tmp_path, orphan() + build(team_members()))
    write_back(file)
    csv = convert(file, "csv", tmp_path / "out").read_text()
    assert csv.splitlines()[0].startswith("hello") and "synced" in csv
