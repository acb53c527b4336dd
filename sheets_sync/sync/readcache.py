"""Skip parsing a team workbook whose bytes the tool has seen before.

Most teams do not edit their sheet every day, yet every night the sync must know what is
in it. A parse (package checks, XML scan, mapping, domain objects) costs ~10 ms a team; a
sha256 of the file costs ~0.05 ms. So each parse is kept under a key made of the file's
sha256, the team's name, display name and mapping, and the code's own fingerprint, in
``.sheets-sync/cache/``. The key names exact bytes, so a hit is what a parse would give.

After a write-back the tool knows the new file too: the same inputs, and in each owned
cell the value it wrote. That entry is stored under the sha256 of the bytes written, so
the next night does not parse a file only the tool changed. (Not when the write added
owned columns' headers: the layout moved, and the next read parses again.) Teams that
share a workbook write it in turn: ``refile.py`` moves their entries to the bytes the
last write left.

Entries are pickles written by this tool into the workspace's own state folder (one
slot per team, its newest read: the key's pickle, the sha256 of the read's pickle, then
the read's, so a slot whose key does not match is not loaded further, and a damaged one
is not loaded at all); a corrupt, unreadable or outdated entry is a miss. Entries are
loaded with ``unpickle`` (the state folder may sit on a share others can write): one
naming anything but the tool's own data classes is refused, a miss too.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import os
import pickle
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from sheets_sync import unpickle
from sheets_sync.atomic import is_temp_name, remove_stale
from sheets_sync.code_version import code_digest
from sheets_sync.domain.models import Period, TeamInput
from sheets_sync.grid import OWNED_FILLS, CellValue, CellWrite, WorkbookData
from sheets_sync.loggers import get_logger
from sheets_sync.mapping.extract import Extract, TabExtract
from sheets_sync.pickling import RefuseBuild, fast_pickle
from sheets_sync.workspace_spec import TeamSpec

log = get_logger("sheets_sync.sync")
FORMAT = 209  # bump when Extract, TeamInput or WorkbookData change shape, a parse gives other
# values for the same bytes, or the slot format changes; every bump and why is recorded in
# tests/sync/test_read_cache_format.py (until 2026-12-07 a second list stood here, too).


@fast_pickle
@dataclass(frozen=True)
class CachedRead:
    """What phase 1 keeps of a read: no grids, no version (that comes from the file).
    Pickles as its arguments, and refuses BUILD (on the class or an entry, e.g. one
    pickled before it did: a miss), so ``unpickle`` need not fingerprint it each load."""

    data: WorkbookData
    extract: Extract
    team_input: TeamInput
    __setstate__ = RefuseBuild()


def cache_key(digest: str, spec: TeamSpec, size_limit: int, period: Period | None = None) -> str:
    """``digest``: the sha256 (hex) of the file's bytes. ``size_limit`` (the workspace's
    ``limits``) is part of it: a lower limit must see the file again; so is ``period``
    (the workspace's: a near tab of its year or quarter is said, ``mapping.near_tabs``)."""
    h = hashlib.sha256(f"{FORMAT}\x00{code_digest()}\x00{digest}\x00{size_limit}".encode())
    if period is not None:
        h.update(f"\x00{period.name}\x00{period.start}\x00{period.end}".encode())
    h.update(f"\x00{spec.name}\x00{spec.display_name}\x00".encode())
    h.update(spec.mapping.model_dump_json().encode())
    tabs = (spec.mapping.okrs, spec.mapping.kpis)  # ``required_columns: []`` dumps as unsaid
    said = [(t.said, t.named, t.mapping_file) for t in tabs if t is not None]  # nor named,
    h.update(repr(said).encode())  # nor the file a missing tab's error names
    return h.hexdigest()


def after_write(read: CachedRead, writes: Sequence[CellWrite]) -> CachedRead | None:
    """The read the written file would give, or None when the write moved the layout or
    touched a cell the extract does not hold as owned (then the next night parses)."""
    by_sheet: dict[str, dict[tuple[int, int], CellValue]] = {}
    filled: dict[str, dict[tuple[int, int], str]] = {}  # the fills the writes gave
    for w in writes:
        by_sheet.setdefault(w.sheet, {})[(w.row, w.col)] = w.value
        if w.style is not None and w.style.fill is not None:  # else the cell's fill stays
            fill = w.style.fill.upper()
            filled.setdefault(w.sheet, {})[(w.row, w.col)] = fill if fill in OWNED_FILLS else ""
    tabs: dict[str, TabExtract | None] = {"okrs": read.extract.okrs, "kpis": read.extract.kpis}
    for name, tab in tabs.items():
        if tab is None:
            continue
        if tab.layout.missing_owned:
            return None
        written = by_sheet.pop(tab.layout.tab, {})
        if not written.keys() <= tab.owned_values.keys():
            return None
        if written:  # a cell written holds a value now, no formula, and its fill
            fills = tab.owned_fills
            status = tab.layout.columns.get("status")  # the fills kept (``owned_fills``)
            given = {k: f for k, f in filled.get(tab.layout.tab, {}).items() if k[1] == status}
            tabs[name] = dataclasses.replace(
                tab,
                owned_values={**tab.owned_values, **written},
                owned_formulas={k: f for k, f in tab.owned_formulas.items() if k not in written},
                owned_fills=None if fills is None else {**fills, **given},
            )
    if by_sheet:
        return None
    okrs = tabs["okrs"]
    assert okrs is not None
    extract = dataclasses.replace(read.extract, okrs=okrs, kpis=tabs["kpis"])
    return dataclasses.replace(read, extract=extract)


@dataclass(frozen=True)
class ReadCache:
    """One entry per team (a slot named after the team), holding its newest read: the
    folder never grows past the number of teams, whatever the nights bring."""

    folder: Path

    def _slot(self, spec: TeamSpec) -> Path:
        name = hashlib.sha256(f"{spec.name}\x00{spec.display_name}".encode()).hexdigest()
        return self.folder / f"{name[:32]}.pickle"

    def get(self, spec: TeamSpec, key: str) -> CachedRead | None:
        found = self.entry(spec, key)
        return None if found is None else found[0]

    def entry(self, spec: TeamSpec, key: str) -> tuple[CachedRead, bytes] | None:
        """``get``, with the read's pickle as the slot holds it: a read kept for later
        need not be pickled again."""
        try:
            with open(self._slot(spec), "rb") as handle:
                if unpickle.load(handle) != key:
                    return None
                digest, value = handle.read(32), handle.read()
            if hashlib.sha256(value).digest() != digest:  # a flipped byte, not a parse
                log.debug("read cache entry for %s damaged", spec.name)
                return None
            read = unpickle.loads(value)
        except FileNotFoundError:
            return None
        except unpickle.RefusedPickle as exc:  # written by someone else: parse instead
            log.debug("read cache entry for %s refused: %s", spec.name, exc)
            return None
        except Exception as exc:  # torn or foreign file: parse instead
            log.debug("read cache entry for %s unusable: %s", spec.name, exc)
            return None
        return (read, value) if isinstance(read, CachedRead) else None

    def put(self, spec: TeamSpec, key: str, value: CachedRead) -> None:
        self.put_pickled(spec, key, pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))

    def put_pickled(self, spec: TeamSpec, key: str, value: bytes) -> None:
        """``put`` of a read pickled already (where it was planned, in a read worker).
        Atomic (temp file + rename); a full disk or a read-only folder is only a miss."""
        tmp = None
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=".", suffix=".tmp", dir=self.folder)
            with os.fdopen(fd, "wb") as handle:
                handle.write(pickle.dumps(key, protocol=pickle.HIGHEST_PROTOCOL))
                handle.write(hashlib.sha256(value).digest())  # ~0.1 ms a team: a damaged
                handle.write(value)  # entry was read as another parse (30 % of byte flips)
            os.replace(tmp, self._slot(spec))
        except OSError as exc:
            log.debug("read cache not written: %s", exc)
            if tmp is not None:  # a full disk: not one leftover a night
                with contextlib.suppress(OSError):
                    os.unlink(tmp)

    def refile(self, spec: TeamSpec, olds: Iterable[str], key: str) -> bool:
        """Hold the slot's read under ``key`` instead, when the slot holds it, intact, under
        one of ``olds`` (``refile.py`` says when that is the read ``key`` names). The read
        is moved as bytes, never unpickled; anything else leaves the slot as it is."""
        try:
            raw = self._slot(spec).read_bytes()
        except OSError:
            return False
        for old in olds:
            head = pickle.dumps(old, protocol=pickle.HIGHEST_PROTOCOL)  # as ``put`` wrote it
            if raw.startswith(head):
                digest, value = raw[len(head) : len(head) + 32], raw[len(head) + 32 :]
                if hashlib.sha256(value).digest() != digest:
                    return False
                self.put_pickled(spec, key, value)
                return True
        return False

    def prune(self, teams: Iterable[TeamSpec]) -> int:
        """Delete the slots of teams no longer in the workspace; returns how many. And
        the temp files of ``put_pickled`` a killed run left more than an hour ago (a
        read's size each, kept for good until 2026-12-06)."""
        wanted = {self._slot(t).name for t in teams}
        try:
            listed = list(self.folder.iterdir())
        except OSError:
            return 0
        remove_stale(e for e in listed if is_temp_name(e.name, ".", ".tmp"))
        entries = [e for e in listed if e.suffix == ".pickle"]
        stale = [e for e in entries if e.name not in wanted]
        for entry in stale:
            entry.unlink(missing_ok=True)
        return len(stale)
