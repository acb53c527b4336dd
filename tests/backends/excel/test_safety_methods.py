"""Zip members in a compression other than stored or deflate are refused before they open.

Python's zipfile bounds only deflate by the size asked for: a bzip2 or LZMA member
inflates whole in one read, whatever its header declares, so a 6.5 KB file holding 2 GiB
of zeros ended in a MemoryError (no ``WorkbookError``: a traceback, or the process
killed). Excel and LibreOffice write only stored and deflated members.
"""

from __future__ import annotations

import gc
import io
import struct
import tracemalloc
import zipfile

import pytest

from sheets_sync.backends.excel.patch import patch_xlsx
from sheets_sync.backends.excel.reader import read_workbook_bytes
from sheets_sync.backends.excel.safety import inspect_package, unzip_errors
from sheets_sync.errors import UnsafeWorkbookError, WorkbookTooLargeError
from sheets_sync.grid import CellWrite
from tests.backends.excel.test_safety import LIMIT, good_xlsx

SHEET = "xl/worksheets/sheet1.xml"
METHODS = [(zipfile.ZIP_BZIP2, "bzip2"), (zipfile.ZIP_LZMA, "LZMA")]


def recompressed(methods: dict[str, int], bodies: dict[str, bytes] | None = None) -> bytes:
    """The good workbook with each member in ``methods`` written in that compression
    (its body from ``bodies`` when given), every other member deflated."""
    src = zipfile.ZipFile(io.BytesIO(good_xlsx()))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as out:
        for info in src.infolist():
            body = (bodies or {}).get(info.filename, src.read(info))
            method = methods.get(info.filename, zipfile.ZIP_DEFLATED)
            out.writestr(zipfile.ZipInfo(info.filename, info.date_time), body, method)
        for name in set(methods) - set(src.namelist()):
            out.writestr(zipfile.ZipInfo(name), (bodies or {}).get(name, b""), methods[name])
    return buf.getvalue()


def central_record(data: bytes, name: str) -> int:
    """Where member ``name``'s central-directory record starts."""
    at = data.find(b"PK\x01\x02")
    while at != -1:
        length = struct.unpack_from("<H", data, at + 28)[0]
        if data[at + 46 : at + 46 + length] == name.encode():
            return at
        at = data.find(b"PK\x01\x02", at + 1)
    raise AssertionError(name)


def patched_header(data: bytes, name: str, fmt: str, local: int, central: int, value: int) -> bytes:
    """``data`` with one field of member ``name`` set to ``value`` in both its headers
    (``local``/``central``: the field's offset in each)."""
    out = bytearray(data)
    struct.pack_into(
        fmt, out, zipfile.ZipFile(io.BytesIO(data)).getinfo(name).header_offset + local, value
    )
    struct.pack_into(fmt, out, central_record(data, name) + central, value)
    return bytes(out)


def declared_size(data: bytes, name: str, size: int) -> bytes:
    """``data`` with member ``name``'s uncompressed size declared as ``size``: a header
    that lies, as a bomb's does."""
    return patched_header(data, name, "<L", 22, 24, size)


@pytest.mark.parametrize(("method", "label"), METHODS)
def test_a_bomb_in_another_compression_is_refused_before_it_inflates(
    method: int, label: str
) -> None:
    """16 MiB of zeros declared as 1,000 bytes: refused by its header, nothing inflated."""
    bomb = recompressed({SHEET: method}, {SHEET: bytes(16 * 2**20)})
    bomb = declared_size(bomb, SHEET, 1000)
    assert len(bomb) < 64 * 2**10
    tracemalloc.start()
    try:
        with pytest.raises(UnsafeWorkbookError) as caught:
            inspect_package(bomb, source="sales.xlsx", max_uncompressed_bytes=LIMIT)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert str(caught.value) == (
        f"sales.xlsx: part {SHEET!r} uses {label} compression, which Excel and "
        "LibreOffice never write: refused as unsafe"
    )
    assert peak < 4 * 2**20  # the 16 MiB were never inflated (before: all of them)


@pytest.mark.parametrize(("method", "label"), METHODS)
def test_the_reader_refuses_a_part_in_another_compression(method: int, label: str) -> None:
    data = recompressed({SHEET: method})
    with pytest.raises(UnsafeWorkbookError, match=f"uses {label} compression"):
        read_workbook_bytes(data, source="sales.xlsx", tabs=["Sheet"])


@pytest.mark.parametrize(
    "name",
    [
        "xl/media/image1.png",  # not parsed, so not inflated by the check: a copy reads it
        "xl/media/",  # a directory entry: a copy reads it too
    ],
)
def test_any_member_in_another_compression_is_refused(name: str) -> None:
    data = recompressed({name: zipfile.ZIP_BZIP2}, {name: b"\x89PNG" if "." in name else b""})
    with pytest.raises(UnsafeWorkbookError, match=f"part {name!r} uses bzip2 compression"):
        inspect_package(data, source="sales.xlsx", max_uncompressed_bytes=LIMIT)


def test_an_unnamed_method_is_refused_by_its_number() -> None:
    data = patched_header(good_xlsx(), SHEET, "<H", 8, 10, 98)  # PPMd
    with pytest.raises(UnsafeWorkbookError, match=f"part {SHEET!r} uses method 98 compression"):
        inspect_package(data, source="sales.xlsx", max_uncompressed_bytes=LIMIT)


def test_stored_and_deflated_members_still_read() -> None:
    data = recompressed({SHEET: zipfile.ZIP_STORED})
    wb = read_workbook_bytes(data, source="sales.xlsx", tabs=["Sheet"])
    assert wb.sheet_names == ("Sheet",)


def test_the_patch_refuses_a_member_in_another_compression() -> None:
    """The patch may get bytes nobody read (a file changed since it was read: whether it
    already holds the writes is checked by patching it), so it checks them too."""
    data = declared_size(
        recompressed({SHEET: zipfile.ZIP_BZIP2}, {SHEET: bytes(16 * 2**20)}), SHEET, 1000
    )
    write = CellWrite(sheet="Sheet", row=1, col=2, value=1.0)
    with pytest.raises(UnsafeWorkbookError, match=f"part {SHEET!r} uses bzip2 compression"):
        patch_xlsx(data, [write])


def test_running_out_of_memory_while_inflating_is_the_files_error() -> None:
    """The team fails with a clear error, not the run with a traceback."""
    with pytest.raises(WorkbookTooLargeError) as caught, unzip_errors("sales.xlsx"):
        raise MemoryError
    assert str(caught.value) == (
        "sales.xlsx: the workbook is too large to read in the memory free on this machine (it "
        "ran out as a part inflated: other reads at once, or a size limit above what the "
        "machine holds); tried again next run"
    )


def _inflate_then_run_out() -> WorkbookTooLargeError:
    def inflate() -> bytes:
        out = bytearray(16 * 2**20)  # what the read had inflated when memory ran out
        raise MemoryError(len(out))

    try:
        with unzip_errors("sales.xlsx"):
            inflate()
    except WorkbookTooLargeError as exc:
        return exc
    raise AssertionError("not refused")


def test_the_error_of_a_read_out_of_memory_does_not_keep_its_memory() -> None:
    """The run keeps each team's error for its report: one that held the frames of the
    inflate that ran out (through its chained MemoryError, or the context manager's
    traceback) held what that inflate had read (16 MiB here). Only those frames: the
    error's own traceback still holds the frame around the ``with`` (here
    ``_inflate_then_run_out``'s, holding nothing; ``inspect_package``'s lets go of the
    parts it inflated before: the test below)."""
    tracemalloc.start()
    try:
        error = _inflate_then_run_out()
        gc.collect()
        held = tracemalloc.get_traced_memory()[0]
    finally:
        tracemalloc.stop()
    assert "too large to read in the memory free on this machine" in str(error)
    assert held < 2**20  # before: the 16 MiB


def test_the_error_keeps_none_of_the_parts_inflated_before(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The error's traceback holds the package check's frame: until 2026-12-07 with the
    parts it had inflated before memory ran out (16 MiB here), for as long as the error
    was kept (a report, a library caller)."""
    from sheets_sync.backends.excel import safety
    from sheets_sync.errors import WorkbookOutOfMemoryError

    data = good_xlsx()
    names = [i.filename for i in zipfile.ZipFile(io.BytesIO(data)).infolist()]
    last = [n for n in names if n.endswith(".xml")][-1]

    def inflating(zf: object, info: zipfile.ZipInfo, *_args: object) -> bytes:
        if info.filename == last:
            raise MemoryError
        return bytes(16 * 2**20) if info.filename == SHEET else b"<x/>"

    monkeypatch.setattr(safety, "_inflate", inflating)
    error: BaseException | None = None
    tracemalloc.start()
    try:
        try:
            inspect_package(data, source="sales.xlsx", max_uncompressed_bytes=2**30)
        except WorkbookOutOfMemoryError as exc:
            error = exc
        gc.collect()
        held = tracemalloc.get_traced_memory()[0]
    finally:
        tracemalloc.stop()
    assert error is not None and error.__traceback__ is not None
    assert SHEET in names and names.index(SHEET) < names.index(last)
    assert held < 2**20, held
