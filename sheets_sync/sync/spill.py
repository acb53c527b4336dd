"""Packed reads and results parked on disk while a night runs, not in this process's memory.

A team parsed in a read worker is needed again only by the (forked) worker that writes it,
or here when its KPIs feed another team's KR. Held as bytes in the parent, those packed
reads stayed in memory through the whole rollup build (~11 KB a team); parked in a scratch
file in the state folder they cost a page-cache write and one read. Each process appends
to a file of its own, so no lock is needed. The folder goes when the run ends; one a
killed run left behind goes a day later.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import shutil
import tempfile
import threading
import time
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from sheets_sync import unpickle
from sheets_sync.errors import ScratchFileError

STALE_SECONDS = 24 * 3600  # a spill folder nothing touched for a day is a killed run's


@dataclass(frozen=True, slots=True)
class Parked:
    """Where one pickle was parked."""

    path: str
    offset: int
    size: int

    def read(self) -> bytes:
        with open(self.path, "rb") as handle:
            handle.seek(self.offset)
            return handle.read(self.size)


class Spill:
    """One run's scratch folder, ``<state>/spill/<pid>-<random>/``; ``close`` removes it."""

    def __init__(self, state_dir: Path) -> None:
        root = state_dir / "spill"
        root.mkdir(parents=True, exist_ok=True)
        _remove_stale(root)
        self.folder = Path(tempfile.mkdtemp(prefix=f"{os.getpid()}-", dir=root))
        self._files: dict[int, BinaryIO] = {}  # by pid: a forked child opens its own
        self._lock = threading.Lock()  # Google teams are settled in threads

    def park(self, data: bytes) -> Parked:
        pid = os.getpid()
        with self._lock:
            handle = self._files.get(pid)
            if handle is None:
                handle = self._files[pid] = open(self.folder / f"{pid}.bin", "ab")  # noqa: SIM115
            offset = handle.tell()
            handle.write(data)
            handle.flush()  # readable by the other processes at once
        return Parked(handle.name, offset, len(data))

    def close(self) -> None:
        handle = self._files.pop(os.getpid(), None)
        if handle is not None:
            # scratch going away: a full disk failing the last flush (the pickles it
            # held were kept in memory) ended a finished night with "error: No space
            # left on device", its summary and report lost
            with contextlib.suppress(OSError):
                handle.close()
        shutil.rmtree(self.folder, ignore_errors=True)


def pickled(obj: object, spill: Spill | None, *, deflate: bool = False) -> bytes | Parked:
    """``obj`` as one pickle, parked in ``spill`` when there is one (a full disk or no
    spill: kept in memory as bytes). ``deflate``: for what may be kept in memory after the
    run (zlib level 1 takes a scored team's result from ~8 to ~3 KB in ~40 us)."""
    blob = pickle.dumps(obj, pickle.HIGHEST_PROTOCOL)
    if deflate:
        blob = zlib.compress(blob, 1)
    return parked(blob, spill)


def parked(blob: bytes, spill: Spill | None) -> bytes | Parked:
    """A pickle made already, parked in ``spill`` when there is one (else kept)."""
    if spill is not None:
        with contextlib.suppress(OSError):
            return spill.park(blob)
    return blob


def blob(packed: bytes | Parked) -> bytes:
    """The pickle's bytes, wherever they are."""
    return packed.read() if isinstance(packed, Parked) else packed


def unpickled(packed: bytes | Parked, *, deflated: bool = False) -> Any:
    """The object back, loaded with ``unpickle`` (the bytes may have been parked in the
    state folder); raises ``ScratchFileError`` for one the tool did not write."""
    data = blob(packed)
    try:
        return unpickle.loads(zlib.decompress(data) if deflated else data, unpickle.SPILL)
    except unpickle.RefusedPickle as exc:
        raise ScratchFileError(exc.why) from None


def _remove_stale(root: Path) -> None:
    """Best effort: folders of runs killed more than a day ago (by their newest file)."""
    now = time.time()
    for folder in root.iterdir():
        try:
            newest = max((p.stat().st_mtime for p in folder.iterdir()), default=0.0)
            if now - max(newest, folder.stat().st_mtime) > STALE_SECONDS:
                shutil.rmtree(folder, ignore_errors=True)
        except OSError:
            continue
