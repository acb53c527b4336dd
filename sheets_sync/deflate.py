"""Raw deflate (zip members' method 8) through ISA-L; zlib only if ``isal`` fails to import.
``BACKEND`` is that choice, for inflating too: ``zipread.read_member`` inflates by it.

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

import zlib
from typing import Protocol


class _Compressor(Protocol):
    def compress(self, data: bytes | memoryview, /) -> bytes: ...
    def flush(self, mode: int = ..., /) -> bytes: ...


try:
    from isal import isal_zlib as _lib
except ImportError:  # pragma: no cover - the fallback, tested by monkeypatching BACKEND
    BACKEND = "zlib"
    #: zlib's level for a member a write-back replaces (Z_DEFAULT_COMPRESSION, 6).
    LEVEL = zlib.Z_DEFAULT_COMPRESSION
else:
    BACKEND = "isal"
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
