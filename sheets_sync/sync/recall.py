"""A cache hit's packed result from the last run, when nothing it is scored from changed.

A read-cache hit (``readcache.py``) is the exact parse of the file's bytes, owned cells
included. A team that reads no other team's KPI is scored from that parse, the period,
the as-of date, the rules and the company objectives' ids alone, so with all of them as
they were its result is the one the last run made, and its plan is empty whenever that
run left the owned cells holding the plan: its plan was empty, or its write landed
(the cache then holds the written file's read). Scoring, planning and packing such a
team again was most of a quiet re-run's CPU (1.6 ms a team). So the last run's packed
result (``PackedResult``: the deflated result, the rollup rows and their digest, what the
alerts and company scores read) is kept per team under a key made of the read's cache
key and those facts, in ``.sheets-sync/cache/results/``, and a hit takes it as it is.

A hand edit of an owned cell changes the file's bytes, so the read's key, so the key
here: that night scores and plans, and rewrites the cell, as before. Entries are loaded
with ``unpickle`` like the read cache's; a damaged, foreign or outdated one is a miss.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import logging
import os
import pickle
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from sheets_sync import __version__, unpickle
from sheets_sync.config import TeamSpec
from sheets_sync.domain.models import AlignedObjective, Finding, Period
from sheets_sync.domain.rules import ScoringRules
from sheets_sync.pickling import hash_by_value
from sheets_sync.sync.spill import blob
from sheets_sync.sync.team_rows import PackedResult

log = logging.getLogger("sheets_sync.sync")
FORMAT = 1  # bump when what an entry holds, or what a result is made from, changes
FOLDER = "results"  # under the read cache's folder


def night_facts(
    as_of: dt.date, period: Period, rules: ScoringRules, company_ids: frozenset[str]
) -> str:
    """What every team's result is made from besides its read and names: made once a run
    (hashing them for each team was 0.15 ms a team)."""
    digest = hashlib.sha256()
    hash_by_value(digest, (as_of, period, rules, sorted(company_ids)))
    return digest.hexdigest()


def recall_key(read_key: str, spec: TeamSpec, facts: str) -> str:
    """A standalone team's result and rows are made from its read (``read_key``), its
    name and source, and the run's ``night_facts``."""
    text = f"{FORMAT}\x00{__version__}\x00{read_key}\x00{facts}\x00{spec.name}\x00{spec.source}"
    return hashlib.sha256(text.encode()).hexdigest()


@dataclass(frozen=True)
class Recall:
    """One slot per team (named as the read cache names its slot), its newest result."""

    folder: Path

    def _slot(self, spec: TeamSpec) -> Path:
        name = hashlib.sha256(f"{spec.name}\x00{spec.display_name}".encode()).hexdigest()
        return self.folder / f"{name[:32]}.pickle"

    def get(self, spec: TeamSpec, key: str) -> PackedResult | None:
        """The packed result kept under ``key``, its rows as the run that made them
        stamped them (``PackedResult.restamp`` sets tonight's clock)."""
        try:
            with open(self._slot(spec), "rb") as handle:
                if unpickle.load(handle) != key:
                    return None
                digest, value = handle.read(32), handle.read()
            if hashlib.sha256(value).digest() != digest:
                log.debug("result cache entry for %s damaged", spec.name)
                return None
            result, rows, made, findings, aligned, off = unpickle.loads(value)
            return PackedResult(
                result,
                tuple(findings),
                tuple(AlignedObjective(*a) for a in aligned),
                rows,
                made,
                tuple(off),
            )
        except FileNotFoundError:
            return None
        except Exception as exc:  # torn, foreign or refused: score the team instead
            log.debug("result cache entry for %s unusable: %s", spec.name, exc)
            return None

    def put(self, spec: TeamSpec, key: str, packed: PackedResult) -> None:
        """Keep ``packed`` (with its rows) for the next run; atomic, and a full disk or a
        read-only folder is only a miss next time."""
        if packed.rows is None or packed.off_track is None:
            return
        findings: tuple[Finding, ...] = packed.findings
        aligned = tuple((a.team, a.objective_id, a.aligns_to, a.score) for a in packed.aligned)
        entry = (blob(packed.result), blob(packed.rows), packed.digest, findings, aligned,
                 packed.off_track)  # fmt: skip
        value = pickle.dumps(entry, protocol=pickle.HIGHEST_PROTOCOL)
        tmp = None
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=".", suffix=".tmp", dir=self.folder)
            with os.fdopen(fd, "wb") as handle:
                handle.write(pickle.dumps(key, protocol=pickle.HIGHEST_PROTOCOL))
                handle.write(hashlib.sha256(value).digest())
                handle.write(value)
            os.replace(tmp, self._slot(spec))
        except OSError as exc:
            log.debug("result cache not written: %s", exc)
            if tmp is not None:
                with contextlib.suppress(OSError):
                    os.unlink(tmp)

    def prune(self, teams: Iterable[TeamSpec]) -> int:
        """Delete the slots of teams no longer in the workspace; returns how many."""
        wanted = {self._slot(t).name for t in teams}
        try:
            entries = [e for e in self.folder.iterdir() if e.suffix == ".pickle"]
        except OSError:
            return 0
        stale = [e for e in entries if e.name not in wanted]
        for entry in stale:
            entry.unlink(missing_ok=True)
        return len(stale)
