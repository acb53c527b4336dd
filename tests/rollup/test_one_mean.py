"""One mean everywhere (docs/rollup.md, "One mean"): ``fsum(values) / n`` and
``fsum(w*v) / fsum(w)`` over the 15-digit values the rows show. The Summary's team
averages (a ``groupby().mean()``), the totals and company objectives (``Series.mean()``,
pairwise), Trends' objective rows (a compensated ``groupby().sum()``) and the objective's
own score (an in-order ``sum``) each differed from another in the 15th digit (until
2026-12-07): for 3.5-5 % of random teams, up to 39 % of 2,000-objective totals."""

from __future__ import annotations

import math
import random

import pandas as pd

from sheets_sync.domain.scoring import mean, weighted_mean
from sheets_sync.domain.shown import shown_float
from sheets_sync.rollup import build_rollup, tables
from sheets_sync.rollup.nights import _mean, _objective_scores
from sheets_sync.rollup.summary import summary_table, totals_table
from sheets_sync.sync.outcome import TeamRun
from tests.rollup.fixtures import COMPANY, context, runs


def _model(scores: list[float]) -> float:
    """The one mean, shown: AVERAGE over a pivot of the shown rows (emulator's fsum)."""
    return shown_float(math.fsum(scores) / len(scores))


def _score(rng: random.Random) -> float:
    return shown_float(rng.randint(0, 10**6) / rng.randint(1, 10**6) % 1)


def _objectives(rng: random.Random, sizes: dict[str, int]) -> pd.DataFrame:
    """The fixture's Objectives rows, repeated to ``sizes`` a team, with random shown
    scores, aligned to the company objectives by turns."""
    base = build_rollup(runs(finance_fails=False), context()).objectives
    frames = []
    for team, n in sizes.items():
        rows = base[base["Team"] == team].sample(n, replace=True, random_state=rng.randint(0, 999))
        frames.append(rows)
    obj = pd.concat(frames, ignore_index=True)
    obj["Score"] = [_score(rng) for _ in range(len(obj))]
    obj["Aligns to"] = [COMPANY[i % len(COMPANY)].id for i in range(len(obj))]
    return obj


def test_summary_team_averages_are_the_one_mean_of_4_to_30_objectives() -> None:
    rng = random.Random(5)
    team_runs = runs(finance_fails=False)
    rollup = build_rollup(team_runs, context())
    teams = list(dict.fromkeys(r.team for r in team_runs))
    missed = []
    for _ in range(150):
        obj = _objectives(rng, {t: rng.randint(4, 30) for t in teams})
        summary = summary_table(
            team_runs, context(), obj=obj, krs=rollup.key_results, kpi=rollup.kpis,
            fnd=rollup.findings, used={},
        )  # fmt: skip
        for team, average in summary.set_index("Team")["Average objective score"].items():
            want = _model(obj.loc[obj["Team"] == team, "Score"].tolist())
            if shown_float(float(average)) != want:
                missed.append((team, average, want))
    assert not missed, missed[:3]


def test_totals_and_company_objectives_of_2000_objectives_are_the_one_mean() -> None:
    rng = random.Random(8)
    team_runs = runs(finance_fails=False)
    rollup = build_rollup(team_runs, context())
    missed: list[tuple[object, ...]] = []
    for _ in range(20):
        obj = _objectives(rng, {"Sales": 700, "Ops": 700, "Finance": 600})
        total = totals_table(context(), rollup.summary, obj, rollup.key_results)
        got = shown_float(float(total.iloc[0]["Average objective score"]))
        if got != _model(obj["Score"].tolist()):
            missed.append(("total", got))
        company = tables._company_objectives(context(), obj).set_index("Company objective ID")
        for c in COMPANY:
            want = _model(obj.loc[obj["Aligns to"] == c.id, "Score"].tolist())
            got = shown_float(float(company["Score"][c.id]))
            if got != want:
                missed.append((c.id, got, want))
    assert not missed, missed[:3]


def test_trends_objective_rows_are_the_objectives_own_score() -> None:
    """nights._objective_scores gives each objective ``weighted_mean`` itself."""
    rng = random.Random(11)
    rows, own = [], {}
    for o in range(3000):
        pairs = [(rng.random(), float(rng.choice([1, 1, 2, 3]))) for _ in range(rng.randint(2, 8))]
        rows += [("T", f"O{o}", s, w) for s, w in pairs]
        own[("T", f"O{o}")] = weighted_mean(pairs)
    kr = pd.DataFrame(rows, columns=["team", "objective_id", "score", "weight"])
    trends = _objective_scores(kr)
    assert len(trends) == len(own)
    assert [k for k, s in own.items() if trends[k] != s] == []


def test_weighted_mean_is_free_of_the_order() -> None:
    rng = random.Random(3)
    for _ in range(500):
        n = rng.randint(2, 30)
        pairs = [(_score(rng), float(rng.choice([1, 2, 3, 0.5]))) for _ in range(n)]
        turned = pairs[::-1]
        assert weighted_mean(pairs) == weighted_mean(turned)


def test_a_total_past_the_largest_float_is_inf_not_an_error() -> None:
    """``math.fsum`` raises OverflowError where ``sum`` gives inf: a hand-edited history
    score of 1e308 made the Trends means raise (found reading the whole change)."""
    kr = pd.DataFrame(
        {"team": ["A", "A"], "objective_id": ["O1", "O1"], "score": [1e308, 1e308]}
    ).assign(weight=1.0)
    assert _objective_scores(kr).tolist() == [math.inf]
    assert _mean(kr["score"]) == math.inf
    assert weighted_mean([(1e308, 1.0), (1e308, 1.0)]) == math.inf
    assert math.isnan(weighted_mean([(math.inf, 1.0), (-math.inf, 1.0)]) or 0.0)


def test_trends_rows_with_gaps_left_out_as_before() -> None:
    """The Trends objective rows leave out a row with a gap in its key (as groupby drops
    one) or no score: the same answers the per-row ``pd.isna`` gave (cut for CPU,
    2026-12-07)."""
    nan = math.nan
    kr = pd.DataFrame(
        {
            "team": ["A", "A", None, "B", "B", "C", "A"],
            "objective_id": ["O1", "O1", "O1", pd.NA, "O2", "O1", "O2"],
            "score": [0.25, 0.5, 0.9, 0.3, 0.7, nan, 0.1],
            "weight": [1.0, 3.0, 1.0, 1.0, nan, 2.0, 1.0],
        }
    ).astype({"team": "string", "objective_id": "string"})
    trends = _objective_scores(kr)
    assert list(trends.index) == [("A", "O1"), ("B", "O2"), ("A", "O2")]
    assert trends.tolist() == [weighted_mean([(0.25, 1.0), (0.5, 3.0)]), 0.7, 0.1]


def _summary_means(team_runs: list[TeamRun], obj: pd.DataFrame) -> pd.Series:
    rollup = build_rollup(team_runs, context())
    summary = summary_table(
        team_runs, context(), obj=obj, krs=rollup.key_results, kpi=rollup.kpis,
        fnd=rollup.findings, used={},
    )  # fmt: skip
    return summary.set_index("Team")["Average objective score"]


def test_summary_team_means_leave_out_a_blank_score() -> None:
    """A blank Score counts in no team's mean, and a team with none has no mean, as the
    ``dropna`` before the one mean gave (a one-pass loop replaced it, 2026-12-07; a loop
    keeping the NaN made Sales's mean NaN)."""
    team_runs = runs(finance_fails=False)
    obj = _objectives(random.Random(1), {"Sales": 3, "Ops": 2})
    obj["Score"] = [0.5, math.nan, 0.25, math.nan, math.nan]
    means = _summary_means(team_runs, obj)
    assert means["Sales"] == mean([0.5, 0.25]) == 0.375
    assert pd.isna(means["Ops"])
    assert pd.isna(means["Finance"])  # no objective rows at all


def test_summary_team_means_of_a_nullable_score_column() -> None:
    """A ``Float64`` Score with ``pd.NA`` gaps gives the float64 column's means: read as
    floats, NA as NaN (``np.isnan(pd.NA)`` is NA, whose truth raised TypeError)."""
    team_runs = runs(finance_fails=False)
    obj = _objectives(random.Random(1), {"Sales": 3, "Ops": 2})
    obj["Score"] = pd.array([0.5, pd.NA, 0.25, pd.NA, pd.NA], dtype="Float64")
    means = _summary_means(team_runs, obj)
    assert means["Sales"] == mean([0.5, 0.25])
    assert pd.isna(means["Ops"])
