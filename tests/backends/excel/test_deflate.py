"""Replaced members are deflated by ISA-L (``sheets_sync.deflate``), zlib when it is missing."""

from __future__ import annotations

import io
import zipfile
import zlib

import pytest
from isal import isal_zlib

from sheets_sync import deflate as deflate_module
from sheets_sync.backends.excel import rezip as rezip_module
from sheets_sync.backends.excel.rezip import rezip
from sheets_sync.deflate import deflate

# A worksheet-like body: repetitive XML with varying numbers, ~200 KB.
BODY = b"".join(
    b'<row r="%d"><c r="A%d" t="s"><v>%d</v></c><c r="B%d"><v>%d.%d</v></c></row>'
    % (i, i, i % 97, i, i * 7919 % 10007, i % 13)
    for i in range(1, 3001)
)
BODIES = [b"", b"x", BODY, bytes(range(256)) * 400]


def _inflate(raw: bytes) -> bytes:
    return zlib.decompress(raw, -15)


def test_isal_is_the_backend_when_installed() -> None:
    assert deflate_module.BACKEND == "isal"
    assert deflate_module.LEVEL == 2


@pytest.mark.parametrize("body", BODIES, ids=["empty", "one", "xml", "binary"])
def test_deflated_bytes_inflate_to_the_body(body: bytes) -> None:
    raw = deflate(body)
    assert _inflate(raw) == body
    assert raw == isal_zlib.compress(body, 2, -15)


@pytest.mark.parametrize("body", BODIES, ids=["empty", "one", "xml", "binary"])
def test_without_isal_zlib_deflates_at_its_default_level(
    monkeypatch: pytest.MonkeyPatch, body: bytes
) -> None:
    monkeypatch.setattr(deflate_module, "BACKEND", "zlib")
    monkeypatch.setattr(deflate_module, "LEVEL", zlib.Z_DEFAULT_COMPRESSION)
    raw = deflate(body)
    assert raw == zlib.compress(body, 6, -15)
    assert _inflate(raw) == body


def test_rezip_deflates_a_replaced_member_with_isal() -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("xl/worksheets/sheet1.xml", b"<old/>")
        zf.writestr("xl/styles.xml", b"<styles/>" * 100)
    src = buf.getvalue()
    infos = zipfile.ZipFile(io.BytesIO(src)).infolist()
    out = rezip(src, infos, {"xl/worksheets/sheet1.xml": BODY})
    with zipfile.ZipFile(io.BytesIO(out)) as zf:
        assert zf.testzip() is None
        assert zf.read("xl/worksheets/sheet1.xml") == BODY
        raw = rezip_module._raw(out, zf.getinfo("xl/worksheets/sheet1.xml"))
    assert raw == isal_zlib.compress(BODY, 2, -15)
    assert raw != zlib.compress(BODY, 6, -15)


def test_without_isal_the_streaming_compressor_takes_zlib_level(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The rollup's splice deflated at zlib's level 3 before ISA-L; the fallback used 6."""
    monkeypatch.setattr(deflate_module, "BACKEND", "zlib")
    monkeypatch.setattr(deflate_module, "LEVEL", zlib.Z_DEFAULT_COMPRESSION)
    for level, wanted in ((None, 6), (3, 3)):
        made = deflate_module.compressobj(level)
        raw = made.compress(BODY) + made.flush()
        assert raw == zlib.compress(BODY, wanted, -15)
        assert _inflate(raw) == BODY
    monkeypatch.undo()  # with ISA-L a zlib level is not used: ISA-L's own LEVEL is
    made = deflate_module.compressobj(3)
    assert made.compress(BODY) + made.flush() == isal_zlib.compress(BODY, 2, -15)
