"""The rollup's DataFrames: schema, hand-computed numbers, failed teams, empty runs."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest

from sheets_sync.domain.company import company_net_confidence, score_company_objectives
from sheets_sync.rollup import TABLES, Rollup, build_rollup, tables
from sheets_sync.rollup.schema import columns, dtypes
from tests.rollup.fixtures import COMPANY, GENERATED, HOSTILE, context, runs

ELAPSED = 45 / 91


def _row(frame: pd.DataFrame, **match: str) -> pd.Series:
    mask = pd.Series(True, index=frame.index)
    for col, value in match.items():
        mask &= frame[col.replace("_", " ")] == value
    rows = frame[mask]
    assert len(rows) == 1, rows
    return rows.iloc[0]


@pytest.mark.parametrize("table", list(TABLES))
def test_schema_names_order_dtypes(rollup: Rollup, table: str) -> None:
    frame = rollup.tables[table]
    assert list(frame.columns) == columns(table)
    assert {c: str(t) for c, t in frame.dtypes.items()} == dtypes(table)


@pytest.mark.parametrize("table", list(TABLES))
def test_empty_run_has_full_schema(table: str) -> None:
    empty = build_rollup([], context())
    frame = empty.tables[table]
    # company objectives are listed (score blank) even when no team reported
    assert len(frame) == (2 if table in ("company_objectives", "alignment") else 0)
    assert list(frame.columns) == columns(table)
    assert {c: str(t) for c, t in frame.dtypes.items()} == dtypes(table)


def test_long_tables_carry_team_period_as_of_source(rollup: Rollup) -> None:
    for name in ("objectives", "key_results", "kpis", "findings"):
        assert columns(name)[:4] == ["Team", "Period", "As of", "Source"]
    assert set(rollup.key_results["Period"]) == {"2025-Q3"}


def test_key_result_numbers_by_hand(rollup: Rollup) -> None:
    krs = rollup.key_results
    kr1 = _row(krs, KR_ID="S-KR1")
    assert kr1["Description"] == HOSTILE[0]
    assert kr1["Progress"] == pytest.approx(0.5)
    assert kr1["Expected"] == pytest.approx(ELAPSED)
    assert (kr1["Status"], kr1["Band"], kr1["Unit"]) == ("On track", "yellow", "$")
    fed = _row(krs, KR_ID="S-KR2")  # current from the NPS KPI: (42 - 30) / (45 - 30)
    assert fed["Current"] == 42 and fed["Current from KPI"] == "Sales/NPS"
    assert fed["Score"] == pytest.approx(0.8)
    decreasing = _row(krs, KR_ID="O-KR1")  # 40 h -> 20 h, now 30 h
    assert decreasing["Progress"] == pytest.approx(0.5)
    assert decreasing["Description"] == "-5"
    assert _row(krs, KR_ID="O-KR2")["Due date"] == pd.Timestamp("2025-09-30")
    assert "S-KR5" not in set(krs["KR ID"])  # invalid: reported in findings, not scored


def test_objectives_and_summary_by_hand(rollup: Rollup) -> None:
    obj = rollup.objectives
    assert _row(obj, Objective_ID="S-O1")["Score"] == pytest.approx(0.65)
    s_o2 = _row(obj, Objective_ID="S-O2")
    assert s_o2["Expected"] == pytest.approx(ELAPSED * 0.7)
    assert (s_o2["Score"], s_o2["KR count"], s_o2["Aligns to"]) == (0.5, 2, "C2")
    sales = _row(rollup.summary, Team="Sales")
    assert sales["Average objective score"] == pytest.approx((0.65 + 0.5) / 2)
    counts = [sales[f"KRs {s}"] for s in ("Achieved", "On track", "At risk", "Off track")]
    assert counts == [1, 2, 0, 1]
    assert sales["Net confidence"] == pytest.approx((3 - 1) / 4)
    assert (sales["KPIs Amber"], sales["KPIs Stale"], sales["KPIs Green"]) == (1, 1, 0)
    assert (sales["Errors"], sales["Warnings"]) == (1, 1)
    assert sales["Last successful read"] == pd.Timestamp(GENERATED)


def test_stale_kpi(rollup: Rollup) -> None:
    churn = _row(rollup.kpis, KPI_ID="Churn")
    assert (churn["Status"], churn["Last status"]) == ("Stale", "Red")
    assert churn["Variance"] == pytest.approx(0.03)
    nps = _row(rollup.kpis, KPI_ID="NPS")
    assert (nps["Status"], nps["Trend"]) == ("Amber", "Improving")
    assert nps["Variance %"] == pytest.approx(-3 / 45)


def test_failed_team_keeps_last_good_rows_marked_stale(rollup: Rollup) -> None:
    fin = _row(rollup.summary, Team="Finance")
    assert (fin["Outcome"], fin["Error"], bool(fin["Stale data"])) == (
        "failed",
        "file is encrypted",
        True,
    )
    assert fin["Last successful read"] == pd.Timestamp("2025-08-14 06:30")
    assert fin["Objectives"] == 1 and fin["Key results"] == 2
    stale = rollup.key_results[rollup.key_results["Team"] == "Finance"]
    assert len(stale) == 2 and stale["Stale data"].all()
    assert set(stale["As of"]) == {pd.Timestamp("2025-08-14")}
    fresh = rollup.key_results[rollup.key_results["Team"] != "Finance"]
    assert not fresh["Stale data"].any()
    error = _row(rollup.findings, Team="Finance")
    assert (error["Severity"], error["Message"]) == ("error", "file is encrypted")


def test_failed_team_without_previous_is_listed_not_dropped() -> None:
    rollup = build_rollup(runs(finance_fails=True), context())
    fin = _row(rollup.summary, Team="Finance")
    assert fin["Outcome"] == "failed" and not fin["Stale data"]
    assert pd.isna(fin["Objectives"]) and pd.isna(fin["Last successful read"])
    assert "Finance" not in set(rollup.key_results["Team"])


def test_company_objectives_match_domain_when_all_fresh() -> None:
    team_runs = runs(finance_fails=False)
    rollup = build_rollup(team_runs, context())
    results = [r.result for r in team_runs if r.result]
    expected = score_company_objectives(COMPANY, results)
    got = rollup.company_objectives.set_index("Company objective ID")
    for res in expected:
        assert got.at[res.objective.id, "Score"] == pytest.approx(res.score)
        assert got.at[res.objective.id, "Band"] == res.band
    total = rollup.totals.iloc[0]
    assert total["Net confidence"] == pytest.approx(company_net_confidence(results))


def test_company_objective_includes_stale_team(rollup: Rollup) -> None:
    c1 = _row(rollup.company_objectives, Company_objective_ID="C1")
    assert c1["Score"] == pytest.approx((0.65 + 0.25 + 0.9) / 3)
    assert c1["Teams"] == "Sales, Ops, Finance" and c1["Includes stale data"]


def test_totals_row(rollup: Rollup) -> None:
    total = rollup.totals.iloc[0]
    assert total["Team"] == "Company total"
    assert total["Key results"] == 8 and total["Errors"] == 2
    assert total["Average objective score"] == pytest.approx((0.65 + 0.5 + 0.25 + 0.9) / 4)


def test_alignment_outline(rollup: Rollup) -> None:
    al = rollup.alignment
    assert list(al["Level"][:4]) == [0, 1, 2, 2]
    assert al["Item"].iloc[0] == "Grow profitably"
    assert al["Score"].iloc[0] == pytest.approx((0.65 + 0.25 + 0.9) / 3)
    assert list(al[al["Level"] == 0]["Company objective ID"]) == ["C1", "C2"]
    assert len(al[al["Level"] == 2]) == len(rollup.key_results)


def test_alignment_stale_flag_is_never_blank(rollup: Rollup) -> None:
    """Every row says TRUE or FALSE: company rows are FALSE (not a team's last good data),
    so the column is a clean flag wherever it is read (schema: ``boolean``)."""
    al = rollup.alignment
    assert al["Stale data"].notna().all()
    assert not al.loc[al["Level"] == 0, "Stale data"].any()
    stale_teams = set(al.loc[al["Stale data"].astype(bool), "Team"])
    assert stale_teams == {"Finance"}
    empty = build_rollup([], context()).alignment
    assert empty["Stale data"].tolist() == [False, False]


def test_unaligned_objectives_get_their_own_branch() -> None:
    ctx = context()
    bare = type(ctx)(ctx.company, ctx.period, ctx.as_of, ctx.generated_at)
    al = build_rollup(runs(finance_fails=False), bare).alignment
    assert al["Item"].iloc[0] == "Not aligned to a company objective"
    assert pd.isna(al["Company objective ID"].iloc[0])


def test_tz_aware_generated_at_keeps_wall_clock() -> None:
    aware = dt.datetime(2025, 8, 15, 6, 30, tzinfo=dt.timezone(dt.timedelta(hours=2)))
    rollup = build_rollup(runs(finance_fails=False), context(generated=aware))
    assert rollup.summary["Last successful read"].iloc[0] == pd.Timestamp("2025-08-15 06:30")


def test_tables_made_a_chunk_of_rows_at_a_time_equal_one_chunk(
    rollup: Rollup, previous_xlsx: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Rows become typed frames a few thousand at a time; the seams do not show."""
    monkeypatch.setattr(tables._Rows, "CHUNK", 2)
    chunked = build_rollup(runs(finance_fails=True), context(), previous=previous_xlsx)
    for name, frame in rollup.tables.items():
        pd.testing.assert_frame_equal(chunked.tables[name], frame, check_exact=True)


@pytest.mark.parametrize("dtype", ["str", "string", "object"])
def test_summary_counts_are_crosstabs(dtype: str) -> None:
    """``_crosstab`` (a grouped size, bench/notes.md twenty-ninth pass) counts as
    ``pd.crosstab`` did: blank keys dropped, a team or status with no row absent."""
    from sheets_sync.rollup.summary import _crosstab

    frame = pd.DataFrame(
        {
            "Team": ["b", "a", "b", None, "a", "c", "b"],
            "Status": ["On track", "Off track", "On track", "On track", None, "At risk", "At risk"],
        },
        dtype=dtype,
    )
    expected = pd.crosstab(frame["Team"], frame["Status"])
    got = _crosstab(frame, "Status")
    pd.testing.assert_frame_equal(got, expected)
    teams, statuses = ["c", "a", "z", "b"], ["On track", "At risk", "Off track", "Done"]
    pd.testing.assert_frame_equal(
        got.reindex(index=teams, columns=statuses, fill_value=0),
        expected.reindex(index=teams, columns=statuses, fill_value=0),
        check_names=False,
    )
    assert _crosstab(frame.iloc[:0], "Status").empty
