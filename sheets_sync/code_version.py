"""Which code this is, for the caches that must not outlive it: ``__version__`` has not
been bumped for every fix, and a cache's own format number moves only by hand, so an
upgrade (or a local fix) that reads or builds differently would have kept last night's
parse of every file nobody edited, or last night's company workbook."""

from __future__ import annotations

import functools
import hashlib
import sys
from pathlib import Path

from sheets_sync import __version__


def source_digest(package: Path) -> str:
    """The sha256 of every ``.py`` file under ``package``, names included."""
    h = hashlib.sha256()
    for path in sorted(package.rglob("*.py")):
        h.update(f"{path.relative_to(package).as_posix()}\x00".encode())
        h.update(path.read_bytes())
    return h.hexdigest()


@functools.cache
def code_digest() -> str:
    """The package's fingerprint with the Python version, once a process (~6 ms). An
    install without ``.py`` files (a zipapp, bytecode only) hashes nothing: its caches then
    last as long as its version, as they all did before."""
    try:
        code = source_digest(Path(__file__).resolve().parent)
    except OSError:  # installed without sources: the version is all there is
        code = ""
    return f"{__version__}\x00{sys.version_info[:2]}\x00{code}"
