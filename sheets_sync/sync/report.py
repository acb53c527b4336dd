"""The run report: a JSON-ready dict of what a sync did, team by team, and its file."""

from __future__ import annotations

import functools
import json
import os
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from sheets_sync.atomic import atomic_write
from sheets_sync.domain.models import Finding
from sheets_sync.sync.engine import SyncResult
from sheets_sync.sync.outcome import TeamRun

REPORT_VERSION = 1
#: what ``run._report_name`` names a report: a UTC stamp, then -2, -shard-1-of-4, a pid
_REPORT_NAME = re.compile(r"\d{8}T\d{6}Z(?:-[0-9A-Za-z-]+)?\.json")


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
    return value if value is None or isinstance(value, str | int | float | bool) else str(value)


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
        "seconds": round(run.seconds, 4),
        "api_calls": run.api_calls,
        "findings": [finding_dict(f) for f in findings],
    }
    if with_changes:
        out["changes"] = _changes(run)
    return out


def _changes(run: TeamRun) -> list[dict[str, Any]]:
    return [
        {"tab": c.tab, "cell": c.cell, "old": _plain(c.old), "new": _plain(c.new)}
        for c in run.changes
    ]


def run_report(
    result: SyncResult, *, dry_run: bool = False, with_changes: bool = True, write_back: bool = True
) -> dict[str, Any]:
    """The report; ``with_changes`` False leaves out each team's cell changes, which
    ``write_run_report`` adds back as it writes (they are most of a report's size)."""
    ctx = result.context
    outcomes = Counter(r.outcome.value for r in result.runs)
    return {
        "report_version": REPORT_VERSION,
        "company": ctx.company,
        "period": ctx.period.name,
        "as_of": ctx.as_of.isoformat(),
        "generated_at": ctx.generated_at.isoformat(),
        "dry_run": dry_run,
        "write_back": write_back and not dry_run,  # False: the changes are not in the files
        "seconds": round(result.seconds, 3),
        "rollup_output": result.rollup_output,
        "rollup_rewritten": result.rollup_rewritten,
        "rollup_error": result.rollup_error,
        "rollup_skipped": result.rollup_skipped,
        "history_skipped": result.history_skipped,
        "totals": {
            "teams": len(result.runs),
            "outcomes": dict(sorted(outcomes.items())),
            "errors": sum(sum(f.is_error for f in r.findings) for r in result.runs),
            "warnings": sum(sum(not f.is_error for f in r.findings) for r in result.runs),
            "cells_changed": sum(len(r.changes) for r in result.runs),
            "api_calls": sum(r.api_calls for r in result.runs),
        },
        "company_objectives": [
            {
                "id": c.objective.id,
                "title": c.objective.title,
                "score": c.score,
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


def prune_run_reports(folder: Path, keep: int | None, written: Path) -> str | None:
    """Delete all but the newest ``keep`` reports in ``folder``, ``written`` (tonight's)
    among them whatever its name sorts as; ``keep`` None keeps all. Only names a run
    gives its report are touched. Returns a problem instead of raising: the teams are
    synced, and a report that cannot be deleted must not fail their night."""
    if keep is None:
        return None
    try:
        with os.scandir(folder) as entries:
            names = sorted(
                e.name
                for e in entries
                if _REPORT_NAME.fullmatch(e.name)
                and e.name != written.name
                and e.is_file(follow_symlinks=False)
            )
    except OSError as exc:
        return f"{folder}: old run reports not pruned ({exc.strerror or exc})"
    failed: list[OSError] = []
    for name in names[: max(len(names) - (keep - 1), 0)]:
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
