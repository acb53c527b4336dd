"""The Summary table (a row a team) and its Company total row, from the rollup's long
tables (``tables.build_tables``). Pure: no I/O, no clock, no Excel.

Counts, means and net confidence are those a pivot of the long tables gives, a failed
team's carried rows (``StaleData``) counting as fresh ones do.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from sheets_sync.domain.models import KPIStatus, Status
from sheets_sync.domain.scoring import mean
from sheets_sync.rollup.schema import conform
from sheets_sync.sync.outcome import RunContext, TeamRun
from sheets_sync.sync.team_rows import BASE, base_values, naive

if TYPE_CHECKING:  # tables imports this module
    from sheets_sync.rollup.tables import Row, StaleData

KR_STATUSES = [s.value for s in Status]
KPI_STATUSES = [s.value for s in KPIStatus]


def _base(run: TeamRun, context: RunContext) -> Row:
    return dict(zip(BASE, base_values(run.team, run.source, context), strict=True))


def _crosstab(frame: pd.DataFrame, column: str) -> pd.DataFrame:
    """Rows of ``frame`` by Team and ``column``: ``pd.crosstab``'s counts (its blank keys
    dropped too) from a grouped size, without the Python function a group it aggregates
    with (a third of the Summary table's CPU at 500 teams)."""
    if frame.empty:
        return pd.DataFrame()
    return frame.groupby(["Team", column]).size().unstack(fill_value=0)


def _counts(frame: pd.DataFrame, teams: list[str], values: list[str], prefix: str) -> pd.DataFrame:
    table = _crosstab(frame, "Status")
    table = table.reindex(index=teams, columns=values, fill_value=0).fillna(0)
    table.columns = [f"{prefix} {v}" for v in values]
    return table


def _net_confidence(counts: Mapping[str, int]) -> float | None:
    """As ``scoring.net_confidence``, from KR status counts (stale rows count too)."""
    total = sum(counts.values())
    if not total:
        return None
    good = counts.get(Status.ACHIEVED.value, 0) + counts.get(Status.ON_TRACK.value, 0)
    return (good - counts.get(Status.OFF_TRACK.value, 0)) / total


def summary_table(
    runs: Sequence[TeamRun],
    context: RunContext,
    *,
    obj: pd.DataFrame,
    krs: pd.DataFrame,
    kpi: pd.DataFrame,
    fnd: pd.DataFrame,
    used: Mapping[str, StaleData],
) -> pd.DataFrame:
    teams = list(dict.fromkeys(r.team for r in runs))
    by_team = {r.team: r for r in runs}  # one run a team (``first_listings``)
    kr_counts = _counts(krs, teams, KR_STATUSES, "KRs")
    kpi_counts = _counts(kpi, teams, KPI_STATUSES, "KPIs")
    severity = _crosstab(fnd, "Severity")
    severity = severity.reindex(index=teams, columns=["error", "warning"], fill_value=0)
    errors = {str(t): int(n) for t, n in severity["error"].items()}
    warnings = {str(t): int(n) for t, n in severity["warning"].items()}
    # per team as dicts, not a ``.loc`` a team (~40 us each, two a team)
    scores: dict[str, list[float]] = {}  # one pass: a groupby's Series a team was ~30 ms
    # as floats, a gap NaN: a nullable Float64 column's pd.NA has no truth for ``isnan``
    values = obj["Score"].to_numpy(dtype=float, na_value=np.nan).tolist()
    for team, score in zip(obj["Team"].tolist(), values, strict=True):
        scores.setdefault(team, []).extend(() if np.isnan(score) else (score,))
    mean_score = {t: mean(v) for t, v in scores.items()}  # the one mean: order-free (fsum)
    n_obj = obj.groupby("Team").size().to_dict() if not obj.empty else {}
    kr_by_team = {
        str(t): {s: int(n) for s, n in zip(KR_STATUSES, counts, strict=True)}
        for t, counts in zip(teams, kr_counts.to_numpy().tolist(), strict=True)
    }
    kr_columns = dict(zip(teams, kr_counts.to_dict("records"), strict=True))
    kpi_columns = dict(zip(teams, kpi_counts.to_dict("records"), strict=True))
    rows: list[Row] = []
    for team in teams:
        run = by_team[team]
        stale = used.get(team)
        has_data = run.scored or stale is not None
        row: Row = {
            **_base(run, context),
            "Outcome": run.outcome.status,
            "Error": run.error,
        }
        if not run.scored:
            row["Stale data"] = stale is not None
            row["Last successful read"] = stale.last_successful_read if stale else None
            if stale is not None:
                dates = pd.concat([stale.objectives["As of"], stale.kpis["As of"]]).dropna()
                row["As of"] = dates.max() if not dates.empty else None
        if has_data:
            statuses = kr_by_team[team]
            row |= {
                "Objectives": int(n_obj.get(team, 0)),
                "Key results": sum(statuses.values()),
                "Average objective score": mean_score.get(team),
                "Net confidence": _net_confidence(statuses),
                **{str(k): v for k, v in kr_columns[team].items()},
                **{str(k): v for k, v in kpi_columns[team].items()},
            }
        row["Errors"] = errors[team]
        row["Warnings"] = warnings[team]
        rows.append(row)
    return conform(pd.DataFrame(rows), "summary")


def totals_table(
    context: RunContext, summary: pd.DataFrame, obj: pd.DataFrame, krs: pd.DataFrame
) -> pd.DataFrame:
    """The company row: sums of counts; score and confidence over all rows, not team means."""
    row: Row = {
        "Team": "Company total",
        "Period": context.period.name,
        "As of": context.as_of,
        "Stale data": bool(summary["Stale data"].fillna(False).any()),
        "Last successful read": naive(context.generated_at),
        "Average objective score": mean(obj["Score"].dropna()),
        "Net confidence": _net_confidence(
            {str(k): int(v) for k, v in krs["Status"].value_counts().items()}
        ),
    }
    counted = [c for c in summary.columns if str(summary[c].dtype) == "Int64"]
    row |= {c: int(summary[c].fillna(0).sum()) for c in counted}
    return conform(pd.DataFrame([row]), "summary")
