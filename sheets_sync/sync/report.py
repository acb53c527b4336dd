"""The run report: a JSON-ready dict of what a run did, team by team, its file in
``.sheets-sync/runs/``, and the pruning of that folder."""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import json
import os
import re
import shutil
import time
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from sheets_sync.atomic import atomic_write, is_temp_name, remove_stale
from sheets_sync.domain.models import Finding
from sheets_sync.domain.shown import shown_float, shown_or_none
from sheets_sync.loggers import get_logger
from sheets_sync.sync import stops
from sheets_sync.sync.engine import SyncResult
from sheets_sync.sync.outcome import SAME_WITHIN, TeamRun

REPORT_VERSION = 1
#: what ``report_name`` names a report: a UTC stamp, then its tag (-shard-1-of-4,
#: -stopped, -dry-run, -rollup: ``stopped.report_tag``), then -2 (a second report that
#: second) or a pid
_REPORT_NAME = re.compile(r"\d{8}T\d{6}Z(?:-[0-9A-Za-z-]+)?\.json")
#: the kinds of report pruned apart (``report_kind``): one never evicts another's
DRY_RUN, ROLLUP, STOPPED = "dry-run", "rollup", "stopped"
#: the kind is the tag's last word: a stopped dry run's (``-stopped-dry-run``) is a dry run's
_KIND = re.compile(r"-(dry-run|rollup|stopped)(?:-\d+)?\.json")

log = get_logger("sheets_sync.sync")


def finding_dict(f: Finding) -> dict[str, Any]:
    return {
        "severity": f.severity.value,
        "team": f.team,
        "file": f.source,
        "tab": f.tab,
        "cell": f.cell,
        "row_id": f.row_id,
        "message": f.message,
        "text": str(f),
    }


def _plain(value: object) -> object:
    """A cell's value as JSON: a number with the digits Excel shows (``shown_float``)."""
    if isinstance(value, float):
        return shown_float(value)
    return value if value is None or isinstance(value, str | int | bool) else str(value)


def team_dict(run: TeamRun, *, with_changes: bool = True) -> dict[str, Any]:
    findings = run.findings
    out: dict[str, Any] = {
        "team": run.team,
        "source": run.source,
        "outcome": run.outcome.value,
        "error": run.error,
        "errors": sum(f.is_error for f in findings),
        "warnings": sum(not f.is_error for f in findings),
        "cells_changed": len(run.changes),
        "cells_recoloured": run.recoloured,  # Status cells written for their colour alone
        "seconds": round(run.seconds, 4),
        "api_calls": run.api_calls,
        "drive_calls": run.drive_calls,  # Google Drive's (the version check), not in api_calls
        "findings": [finding_dict(f) for f in findings],
    }
    if with_changes:
        out["changes"] = _changes(run)
    return out


def _changes(run: TeamRun) -> list[dict[str, Any]]:
    """Each change; ``formula`` only for a cell that held one (``CellChange.formula``)."""
    out: list[dict[str, Any]] = []
    for c in run.changes:
        old, new = _plain(c.old), _plain(c.new)
        if (
            isinstance(c.old, float)
            and isinstance(c.new, float)
            and old == new
            and abs(c.old - c.new) > SAME_WITHIN
        ):
            old, new = c.old, c.new  # the digits Excel shows read the same: every digit
        elif c.cleaned():  # the noise the sync takes out of the cell, as a dry run says it
            old = c.old
        change = {"tab": c.tab, "cell": c.cell, "old": old, "new": new}
        if c.formula is not None:
            change["formula"] = c.formula
        out.append(change)
    return out


def run_report(
    result: SyncResult,
    *,
    dry_run: bool = False,
    with_changes: bool = True,
    write_back: bool | None = True,
    command: str = "sync",
) -> dict[str, Any]:
    """The report; ``with_changes`` False leaves out each team's cell changes, which
    ``write_run_report`` adds back as it writes (they are most of a report's size).
    ``write_back`` None: this run wrote no team, and cannot say whether the runs it
    reports did (a shard merge: the shards' own reports say). It lists runs: a team
    listed twice (a library caller's) is there once a listing (docs/operations.md)."""
    ctx = result.context
    outcomes = Counter(r.outcome.value for r in result.runs)
    return {
        "report_version": REPORT_VERSION,
        "command": command,
        "company": ctx.company,
        "period": ctx.period.name,
        "as_of": ctx.as_of.isoformat(),
        "generated_at": ctx.generated_at.isoformat(),
        "dry_run": dry_run,
        # False: the changes are not in the files
        "write_back": None if write_back is None else write_back and not dry_run,
        "seconds": round(result.seconds, 3),
        "rollup_output": result.rollup_output,
        "rollup_rewritten": result.rollup_rewritten,
        "rollup_error": result.rollup_error,
        "rollup_skipped": result.rollup_skipped,
        "results_error": result.results_error,  # a shard's results not saved (``run.py``)
        "history_skipped": result.history_skipped,
        # recorded, but the clean-up (``history.prune_after``) failed: why (``_prune``)
        "history_not_pruned": result.history_not_pruned,
        # of the night before (``_say_gone``); None: not looked for, or the look failed
        "teams_gone": None if result.teams_gone is None else list(result.teams_gone),
        "period_ended": ctx.period.ended(ctx.as_of),
        "period_not_started": ctx.period.not_started(ctx.as_of),
        "totals": {
            "teams": len(result.runs),
            "outcomes": dict(sorted(outcomes.items())),
            "errors": sum(sum(f.is_error for f in r.findings) for r in result.runs),
            "warnings": sum(sum(not f.is_error for f in r.findings) for r in result.runs),
            # written, or a dry run's that would be: a team left alone (open in Excel,
            # conflicted) counts none, as the summary line (until 2026-12-06 it did)
            "cells_changed": sum(len(r.changes) for r in result.runs if r.outcome.written),
            "cells_recoloured": sum(r.recoloured for r in result.runs if r.outcome.written),
            "api_calls": sum(r.api_calls for r in result.runs),
            "drive_calls": sum(r.drive_calls for r in result.runs),
        },
        "company_objectives": [
            {
                "id": c.objective.id,
                "title": c.objective.title,
                "score": shown_or_none(c.score),
                "aligned_team_objectives": len(c.aligned),
            }
            for c in result.company
        ],
        "teams": [team_dict(r, with_changes=with_changes) for r in result.runs],
    }


_json = functools.partial(json.dumps, default=str, separators=(",", ":"))


def write_run_report(path: Path, report: Mapping[str, Any], runs: Sequence[TeamRun]) -> None:
    """Write ``report`` (made ``with_changes=False``) with every team's changes, encoded a
    team at a time straight into the file: at 2,000 teams the changes as one dict were
    some 200,000 small dicts held at once. Unindented, so json uses its C encoder;
    ``python -m json.tool`` or ``jq`` indents a report for reading."""
    path.parent.mkdir(parents=True, exist_ok=True)

    def write(tmp: Path) -> None:
        with open(tmp, "w", encoding="utf-8") as fh:
            sep = "{"
            for key, value in report.items():
                fh.write(f"{sep}{_json(key)}:")
                sep = ","
                if key != "teams":
                    fh.write(_json(value))
                    continue
                fh.write("[")
                for i, (team, run) in enumerate(zip(value, runs, strict=True)):
                    fh.write(("," if i else "") + _json({**team, "changes": _changes(run)}))
                fh.write("]")
            fh.write("}\n")

    atomic_write(path, write)


def report_kind(name: str) -> str:
    """``dry-run``, ``rollup`` (``rollup`` and the shard merge), ``stopped`` (a night, or
    a shard's share, stopped by a signal: a night stopped again and again pushed the
    real nights' reports out) or ``sync`` (a night, or one shard's share of it): the
    reports ``prune_run_reports`` counts together."""
    found = _KIND.search(name)
    return found.group(1) if found else "sync"


def report_name(folder: Path, when: dt.datetime, tag: str = "") -> Path:
    """A name no other run's report has (runs of the same second, shards side by side,
    overwrote each other's), reserved by creating it empty. ``tag``: ``-shard-K-of-N``,
    ``-stopped``, ``-dry-run`` or ``-rollup`` (``stopped.report_tag``), before any
    ``-2``, so a name keeps its kind."""
    stamp = when.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ") + tag
    with contextlib.suppress(OSError):
        folder.mkdir(parents=True, exist_ok=True)
    for n in range(1, 1000):
        path = folder / (f"{stamp}.json" if n == 1 else f"{stamp}-{n}.json")
        try:
            os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644))
            return path  # reserved: the report replaces the empty file
        except FileExistsError:
            continue
        except OSError:
            return path  # the report's own write says why
    return folder / f"{stamp}-{os.getpid()}.json"


def keep_run_report(
    folder: Path,
    name: tuple[dt.datetime, str],
    report: Mapping[str, Any],
    runs: Sequence[TeamRun],
    keep: int | None,
    copy_to: Path | None = None,
    reserved: list[Path] | None = None,
    pruning: list[Path] | None = None,
) -> str | None:
    """Write the report under a ``report_name(folder, *name)`` and a copy to ``copy_to``,
    then prune ``folder`` (``prune_run_reports``). Returns why the report was not
    written, logged, instead of raising: the run's work is done whatever happens here.
    ``reserved`` gets the name as it is reserved (``stopped.after_run`` looks there).
    The name is reserved inside the ``try`` and noted with stops held: reserved before
    it, a stop landing between left the empty file in ``runs/`` (until 2026-12-06).
    ``pruning`` gets its name as the first older one is deleted for it
    (``prune_run_reports``)."""
    named = [] if reserved is None else reserved
    where, written, problem = folder, False, None
    try:
        with stops.held(block=False):  # reserved and noted as one
            named.append(report_name(folder, *name))
        kept = where = named[-1]
        write_run_report(kept, report, runs)
        written = True
        if copy_to is not None:  # the same bytes: encoded once (every team's changes)
            where = copy_to

            def copy(tmp: Path) -> None:
                shutil.copyfile(kept, tmp)

            atomic_write(copy_to, copy)
    except OSError as exc:
        problem = f"{where}: the run report was not written ({exc.strerror or exc})"
        log.error("%s", problem)
    finally:  # also for a stop (a second one, as a stopped night's report is written)
        if not written:  # whole: a stop in the ``except`` left the empty name (review)
            with stops.held(block=False):
                _unreserve(named)
    if written:  # ours is on disk: the older ones of its kind past ``keep`` go
        pruned = prune_run_reports(folder, keep, kept, pruning)
        if pruned:
            log.warning("run reports: %s", pruned)
    return problem


def _unreserve(named: Sequence[Path]) -> None:
    """The name ``report_name`` reserved, never written, goes: an empty file in ``runs/``
    (left by a stop as the report was written) is no report, and was pruned as one."""
    for kept in named:
        with contextlib.suppress(OSError):
            if kept.stat().st_size == 0:
                kept.unlink()


#: what ``atomic_write``'s temp name adds after a report's name: mkstemp's ``.<8>``, ``.tmp``
_TEMP_TAIL = len(".") + 8 + len(".tmp")


def _is_report_temp(name: str) -> bool:
    """``.<report name>.<mkstemp's 8>.tmp``: a report's ``atomic_write`` temp file."""
    report = name[1:-_TEMP_TAIL]
    return bool(_REPORT_NAME.fullmatch(report)) and is_temp_name(name, f".{report}.", ".tmp")


def prune_run_reports(
    folder: Path, keep: int | None, written: Path, pruning: list[Path] | None = None
) -> str | None:
    """Delete all but the newest ``keep`` reports in ``folder`` of ``written``'s kind
    (``report_kind``: a dozen dry runs a day pushed real nights out), ``written`` among
    them whatever its name sorts as; ``keep`` None keeps all. Only names a run gives its
    report are touched. Returns a problem instead of raising: the teams are synced, and
    a report that cannot be deleted must not fail their night. The same listing finds
    the temp files of a report a killed run was writing (``atomic.staging``'s names of a
    report's name), deleted an hour on: kept for good until 2026-12-06. ``pruning`` gets
    ``written`` before the first report is deleted for it: a stop from then on finds one
    may be gone, and keeps ``written`` (``stopped.after_run``)."""
    kind = report_kind(written.name)
    try:
        with os.scandir(folder) as entries:
            every = list(entries)
    except OSError as exc:
        return f"{folder}: old run reports not pruned ({exc.strerror or exc})"
    listed = [e for e in every if _is_file(e)]
    _say_folders(e for e in every if _REPORT_NAME.fullmatch(e.name))
    remove_stale(Path(e.path) for e in listed if _is_report_temp(e.name))
    empty = _sweep_empty(e for e in listed if _REPORT_NAME.fullmatch(e.name))
    if keep is None:
        return None
    names = sorted(
        e.name
        for e in listed
        if _REPORT_NAME.fullmatch(e.name)
        and report_kind(e.name) == kind
        and e.name != written.name
        and e.name not in empty
    )
    failed: list[OSError] = []
    for name in names[: max(len(names) - (keep - 1), 0)]:
        if pruning is not None and not pruning:  # noted first: a stop after it sees it
            pruning.append(written)
        try:
            os.unlink(folder / name)
        except FileNotFoundError:  # another run pruned it first
            continue
        except OSError as exc:
            failed.append(exc)
    if not failed:
        return None
    why = failed[0].strerror or str(failed[0])
    return f"{folder}: {len(failed)} old run report(s) could not be deleted ({why})"


def _is_file(entry: os.DirEntry[str], folder: bool = False) -> bool:
    """``entry`` is a file (``folder``: a folder), links not followed; False if gone."""
    try:
        return (
            entry.is_dir(follow_symlinks=False) if folder else entry.is_file(follow_symlinks=False)
        )
    except OSError:  # gone meanwhile
        return False


def _say_folders(entries: Iterable[os.DirEntry[str]]) -> None:
    """A folder named as a report (a ``mkdir`` by hand, a restore) is no report: it was
    skipped without a word, never pruned and never counted. Said once a run, all named."""
    folders = [e.path for e in entries if _is_file(e, folder=True)]
    if folders:
        log.warning(
            "run reports: %s: a folder named as a run report, left alone and not counted as "
            "one (remove or rename it)",
            ", ".join(folders),
        )


#: an empty report younger than this may be another run's, reserved as it writes its own
EMPTY_REPORT_AGE = 3600.0


def _sweep_empty(entries: Iterable[os.DirEntry[str]]) -> set[str]:
    """The names of the empty reports among ``entries``, which are no reports and are not
    counted: a run killed (``kill -9``, a power cut) between reserving its report's name
    (``report_name``) and writing it leaves one, and it kept a real report out of ``keep``.
    One older than ``EMPTY_REPORT_AGE`` is deleted, named in a warning; a younger one may
    be another run's, still writing."""
    empty: set[str] = set()
    now, swept = time.time(), []
    for entry in entries:
        try:
            st = entry.stat(follow_symlinks=False)
            if st.st_size:
                continue
            empty.add(entry.name)
            if now - st.st_mtime > EMPTY_REPORT_AGE:
                os.unlink(entry.path)
                swept.append(entry.path)
        except OSError:  # gone meanwhile, or not ours to delete: left as it is
            continue
    if swept:
        log.warning(
            "run reports: %s: empty, left by a run stopped before it wrote its report; deleted",
            ", ".join(swept),
        )
    return empty
