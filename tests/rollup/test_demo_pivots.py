"""Finance's pivots of the demo's company workbook give the numbers its own tabs show.

The rollup's computed numbers hold the 15 significant digits Excel shows (digits.py). Its
Summary, company objectives and Alignment were computed from the exact objective scores,
then rounded, while the Objectives tab holds each score rounded: a pivot of that tab
showed Engineering's average 0.508333333333334 where the Summary read 0.508333333333333
(until 2026-12-07). The history recorded rounded KR scores, so the Trends tab's last
night missed Objectives.Score too."""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path
from typing import Any

import openpyxl
import pandas as pd
import pytest

from sheets_sync.config import load_workspace
from sheets_sync.domain.shown import shown_float
from sheets_sync.ops.history import HistoryStore, default_history_path
from sheets_sync.sync.engine import Sync, SyncOptions
from sheets_sync.workspace.demo import create_demo
from sheets_sync.workspace.demo_data import DESIGN_DAY

pytestmark = pytest.mark.filterwarnings("ignore:Sparkline Group extension:UserWarning")
NIGHTS = (DESIGN_DAY - dt.timedelta(days=7), DESIGN_DAY)


@pytest.fixture(scope="module")
def book(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo synced two nights (a history: the Trends tab), without write-back."""
    folder = tmp_path_factory.mktemp("demo")
    workspace = load_workspace(create_demo(folder / "ws", as_of=DESIGN_DAY))
    for night in NIGHTS:
        history = HistoryStore(default_history_path(workspace.state_dir))
        Sync(workspace, history=history).run(SyncOptions(as_of=night, write_back=False))
    assert workspace.rollup_path.is_file()
    return workspace.rollup_path


def _pivot_mean(scores: list[float]) -> float:
    """AVERAGE as the one mean models it (docs/rollup.md, "One mean"; the emulator's
    AVERAGE, emulator/formulas.py): the cells summed correctly rounded (``math.fsum``, no
    order to differ by), divided, and the result shown with 15 significant digits."""
    return shown_float(math.fsum(scores) / len(scores))


def _table(ws: Any, name: str) -> pd.DataFrame:
    rows = [[c.value for c in row] for row in ws[ws.tables[name].ref]]
    return pd.DataFrame(rows[1:], columns=rows[0])


def test_the_summary_average_is_the_pivot_of_objectives_scores(book: Path) -> None:
    objectives = pd.read_excel(book, "Objectives", engine="openpyxl")
    teams = _table(openpyxl.load_workbook(book)["Summary"], "Teams")
    shown = teams.set_index("Team")["Average objective score"].dropna()
    assert len(shown) >= 5
    for team, average in shown.items():
        scores = objectives.loc[objectives["Team"] == team, "Score"].dropna().tolist()
        assert shown_float(average) == _pivot_mean(scores), team
    ws = openpyxl.load_workbook(book)["Summary"]
    total = next(r for r in ws.iter_rows(values_only=True) if r[0] == "Company total")
    at = list(teams.columns).index("Average objective score")
    assert shown_float(total[at]) == _pivot_mean(objectives["Score"].dropna().tolist())


def test_company_objectives_and_alignment_are_means_of_their_objectives(book: Path) -> None:
    objectives = pd.read_excel(book, "Objectives", engine="openpyxl")
    companies = _table(openpyxl.load_workbook(book)["Summary"], "CompanyObjectives")
    scored = companies.dropna(subset=["Score"])
    assert len(scored) >= 2
    for company, score in scored.set_index("Company objective ID")["Score"].items():
        aligned = objectives.loc[objectives["Aligns to"] == company, "Score"].dropna()
        assert shown_float(score) == _pivot_mean(aligned.tolist()), company
    ws = openpyxl.load_workbook(book)["Alignment"]
    heads: list[tuple[float, list[float]]] = []
    for i, (_, score, *_) in enumerate(ws.iter_rows(min_row=2, values_only=True), start=2):
        level = ws.row_dimensions[i].outlineLevel
        if level == 0:
            heads.append((score, []))
        elif level == 1 and score is not None and heads:
            heads[-1][1].append(score)
    checked = [(s, below) for s, below in heads if s is not None and below]
    assert len(checked) >= 2
    for score, below in checked:
        assert shown_float(score) == _pivot_mean(below)


def test_trends_last_night_is_objectives_score(book: Path) -> None:
    objectives = pd.read_excel(book, "Objectives", engine="openpyxl")
    scores = {
        (t, o): s for t, o, s in objectives[["Team", "Objective ID", "Score"]].to_numpy().tolist()
    }
    rows = list(openpyxl.load_workbook(book)["Trends"].iter_rows(values_only=True))
    header = next(i for i, r in enumerate(rows) if r[:2] == ("Team", "Objective ID"))
    last = rows[header].index(DESIGN_DAY.isoformat())
    compared = 0
    for row in rows[header + 1 :]:
        if row[0] is None:
            break
        if row[last] is not None:
            assert row[last] == scores[(row[0], row[1])], row[:2]
            compared += 1
    assert compared >= 10
