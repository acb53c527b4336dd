"""What the last run wrote as the company workbook, and whether this run can leave it alone.

Kept in ``.sheets-sync/rollup-state.json``: the workbook's path and sha256, the fingerprint
of its tables (``rollup/fingerprint.py``) and a digest of what those tables were built
from (``inputs_fingerprint``). Building the tables only to fingerprint them costs seconds
at hundreds of teams (and importing pandas about one more), so when a quiet night's inputs
match the saved digest and the workbook is still the file written, nothing is built at
all. The digest can only miss (then the tables' fingerprint decides), never match for
different content: equal digests mean equal inputs. New code (``code_version``) always
builds, and the tables' fingerprint carries the same stamp, so it also rewrites once.
No pandas here, on purpose.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from sheets_sync import code_version
from sheets_sync.atomic import atomic_write_text, remove_stale, temp_files_of
from sheets_sync.errors import SheetsSyncError
from sheets_sync.pickling import hash_by_value
from sheets_sync.sync.outcome import RunContext, TeamRun
from sheets_sync.sync.team_rows import rows_digest, rows_for

#: "ok" (cells written) and "unchanged" both mean the team synced: the night after a sync
#: that wrote cells is "unchanged" everywhere, and its tables are otherwise the same.
SYNCED = {"ok": "synced", "unchanged": "synced"}


def run_digest(run: TeamRun, context: RunContext) -> bytes:
    """``rows_digest`` of the run's rows: the one made with them when they are packed."""
    if run.packed is not None and run.packed.digest is not None:
        return run.packed.digest
    return rows_digest(rows_for(run, context))


def inputs_fingerprint(runs: Sequence[TeamRun], context: RunContext, history: object = None) -> str:
    """A digest of everything the tables are built from except the run's clock.

    ``history``: anything that changes when the History rows shown would (see
    ``HistoryStore.marks``); each result by the digest of its rows (``rows_digest``),
    the rest pickled by value, so a digest is only equal for equal values (a pickle that
    differs for equal values would only cost a table build).
    """
    # through the module, as ``rollup_fingerprint`` calls it: one stamp (one patch in tests)
    digest = hashlib.sha256(f"{code_version.code_digest()}\x00{context.company}".encode())
    facts = (context.as_of, context.period, tuple(context.company_objectives), context.rules)
    rows = [
        (run.team, run.source, SYNCED.get(run.outcome.value, run.outcome.value), run.error,
         run_digest(run, context))
        for run in runs
    ]  # fmt: skip
    hash_by_value(digest, (facts, history, rows))
    return digest.hexdigest()


def file_sha256(path: Path) -> str | None:
    try:
        with path.open("rb") as f:  # a chunk at a time: the workbook is 54 MB at 2,000 teams
            return hashlib.file_digest(f, "sha256").hexdigest()
    except OSError:
        return None


@dataclass(frozen=True)
class RollupState:
    """What the last run wrote, kept in ``.sheets-sync/rollup-state.json``."""

    path: Path

    def _load(self) -> dict[str, str]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        return data if isinstance(data, dict) else {}

    def unchanged(self, fingerprint: str, workbook: Path, key: str = "fingerprint") -> bool:
        """True when ``workbook`` is still the file written for ``fingerprint`` (or, with
        ``key="inputs"``, for that ``inputs_fingerprint``)."""
        saved = self._load()
        if saved.get(key) != fingerprint or saved.get("output") != str(workbook):
            return False
        return saved.get("sha256") is not None and saved.get("sha256") == file_sha256(workbook)

    def save(self, fingerprint: str, workbook: Path, inputs: str | None = None) -> None:
        """Record ``workbook`` as written for ``fingerprint``; ``SheetsSyncError`` naming
        the state file when it cannot be (``_unusable``)."""
        try:
            payload = {
                "fingerprint": fingerprint,
                "inputs": inputs,
                "output": str(workbook),
                "sha256": file_sha256(workbook),
            }
            self.path.parent.mkdir(parents=True, exist_ok=True)
            atomic_write_text(self.path, json.dumps(payload, indent=2))
        except OSError as exc:
            raise self._unusable(exc) from None
        # a run killed between writing the temp file and renaming it left it for good
        remove_stale(temp_files_of(self.path))

    def forget(self) -> None:
        try:
            self.path.unlink(missing_ok=True)
        except OSError as exc:
            raise self._unusable(exc) from None

    def _unusable(self, exc: OSError) -> SheetsSyncError:
        """The state file, not the workbook, named: a folder in its place (a ``mkdir`` in
        the wrong place, a restore) failed every night as ``company.xlsx: cannot write
        the company rollup (Is a directory)``, which sent people to the workbook."""
        if self.path.is_dir():
            why = (
                "is a folder, not the company rollup's state file; remove it (the next run "
                "writes the file again)"
            )
        else:
            why = f"the company rollup's state file cannot be written ({exc.strerror or exc})"
        return SheetsSyncError(why, source=str(self.path))
