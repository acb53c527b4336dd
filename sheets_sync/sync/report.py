"""The run report: a JSON-ready dict of what a sync did, team by team."""

from __future__ import annotations

from collections import Counter
from typing import Any

from sheets_sync.domain.models import Finding
from sheets_sync.sync.engine import SyncResult
from sheets_sync.sync.outcome import TeamRun

REPORT_VERSION = 1


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
        out["changes"] = [
            {"tab": c.tab, "cell": c.cell, "old": _plain(c.old), "new": _plain(c.new)}
            for c in run.changes
        ]
    return out


def run_report(result: SyncResult, *, dry_run: bool = False) -> dict[str, Any]:
    ctx = result.context
    outcomes = Counter(r.outcome.value for r in result.runs)
    return {
        "report_version": REPORT_VERSION,
        "company": ctx.company,
        "period": ctx.period.name,
        "as_of": ctx.as_of.isoformat(),
        "generated_at": ctx.generated_at.isoformat(),
        "dry_run": dry_run,
        "seconds": round(result.seconds, 3),
        "rollup_output": result.rollup_output,
        "rollup_rewritten": result.rollup_rewritten,
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
        "teams": [team_dict(r) for r in result.runs],
    }
