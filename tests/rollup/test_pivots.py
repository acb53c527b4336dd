"""Finance's morning: pivot the company workbook of several nights in pandas and get the
numbers its Summary and Trends tabs show."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from click.testing import CliRunner

from bench.generate import Shape, generate_workspace
from sheets_sync.cli import cli

pytestmark = pytest.mark.filterwarnings("ignore:Sparkline Group extension:UserWarning")
NIGHTS = ("2026-11-18", "2026-11-19", "2026-11-20")


@pytest.fixture(scope="module")
def workbook(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Three teams synced three nights; team-0001's KR weights changed on the last."""
    cfg = generate_workspace(tmp_path_factory.mktemp("ws"), 3, Shape(3, 3, 4))
    for night in NIGHTS:
        if night == NIGHTS[-1]:
            path = cfg.parent / "teams" / "team-0001.xlsx"
            book = openpyxl.load_workbook(path)
            for row in range(2, 11):  # Weight, column M: 1, 2, 3, ... (one objective 0, 0, 5)
                book["OKRs"].cell(row, 13).value = {2: 0, 3: 0, 4: 5}.get(row, row)
            book.save(path)
        result = CliRunner().invoke(cli, ["sync", "--config", str(cfg), "--as-of", night])
        assert result.exit_code == 0, result.output
    return cfg.parent / "company.xlsx"


def _tab(path: Path, name: str, **kw: object) -> pd.DataFrame:
    return pd.read_excel(path, sheet_name=name, engine="openpyxl", **kw)  # type: ignore[call-overload, no-any-return]


def _weighted(krs: pd.DataFrame) -> pd.Series:
    """Objective score as docs/scoring.md defines it, from KR rows with Score and Weight."""
    krs = krs.assign(product=krs["Score"] * krs["Weight"])
    sums = krs.groupby(["Team", "Objective ID"])[["product", "Weight"]].sum()
    return sums["product"] / sums["Weight"]


def test_history_pivots_to_the_objectives_scores(workbook: Path) -> None:
    """The History tab had no Weight: its KR rows could not be weighed into the objective
    scores the Objectives and Trends tabs show."""
    history = _tab(workbook, "History")
    krs = history[history["Kind"] == "KR"]
    assert sorted(krs["Date"].dt.strftime("%Y-%m-%d").unique()) == list(NIGHTS)
    tonight = krs[krs["Date"] == pd.Timestamp(NIGHTS[-1])]
    objectives = _tab(workbook, "Objectives").set_index(["Team", "Objective ID"])
    pivot = _weighted(tonight)
    assert pivot.index.equals(objectives.index)
    assert pivot.tolist() == pytest.approx(objectives["Score"].tolist(), abs=1e-12)
    weights = tonight.groupby(["Team", "Objective ID"])["Weight"].sum()
    by_kr = _tab(workbook, "Key results").groupby(["Team", "Objective ID"])["Weight"].sum()
    assert weights.tolist() == by_kr.tolist()
    assert weights[("team-0001", "O1")] == 5  # the night's own weights, not last night's


def test_history_expected_averages_to_the_burn_up(workbook: Path) -> None:
    history = _tab(workbook, "History")
    krs = history[history["Kind"] == "KR"]
    mean = krs.groupby("Date")[["Score", "Expected"]].mean()
    trends = _tab(workbook, "Trends", header=1, nrows=len(NIGHTS))
    assert trends["Date"].tolist() == mean.index.tolist()
    assert trends["Mean score"].tolist() == pytest.approx(mean["Score"].tolist(), abs=1e-12)
    assert trends["Mean expected"].tolist() == pytest.approx(mean["Expected"].tolist())


def test_summary_agrees_with_the_detail_tabs(workbook: Path) -> None:
    summary = _tab(workbook, "Summary", header=8, nrows=4).set_index("Team")
    teams, total = summary.drop(index="Company total"), summary.loc["Company total"]
    objectives, krs = _tab(workbook, "Objectives"), _tab(workbook, "Key results")
    kpis = _tab(workbook, "KPIs")
    assert teams["Objectives"].to_dict() == objectives.groupby("Team").size().to_dict()
    assert teams["Key results"].to_dict() == krs.groupby("Team").size().to_dict()
    mean = objectives.groupby("Team")["Score"].mean()
    assert teams["Average objective score"].to_dict() == pytest.approx(mean.to_dict())
    assert total["Average objective score"] == pytest.approx(objectives["Score"].mean())
    for prefix, frame in (("KRs", krs), ("KPIs", kpis)):
        counts = frame.groupby(["Team", "Status"]).size()
        for (team, status), count in zip(counts.index, counts.tolist(), strict=True):
            assert teams.loc[team, f"{prefix} {status}"] == count
    good = krs["Status"].isin(["On track", "Achieved"]).sum() - (krs["Status"] == "Off track").sum()
    assert total.to_dict()["Net confidence"] == pytest.approx(good / len(krs))
