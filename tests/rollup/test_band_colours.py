"""Score colours in the company workbook agree with the Band column at the thresholds.

A score the domain puts in a band up to float noise (``rules.EPSILON``; 0% -> 10% at 4%
scores 0.39999999999999997, band yellow) was filled red by the score cells' conditional
formats and the Charts tab's column, which compared with the threshold exactly."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import openpyxl
import pytest

from sheets_sync.domain.models import KeyResult, KRType, Objective, Origin, TeamInput
from sheets_sync.domain.team import evaluate_team, kpi_index
from sheets_sync.rollup import build_rollup, write_rollup_xlsx
from sheets_sync.sync.outcome import Outcome, TeamRun
from tests.rollup.fixtures import AS_OF, PERIOD, context

FILLS = {"green": "C6EFCE", "yellow": "FFEB9C", "red": "FFC7CE"}


@pytest.fixture(scope="module")
def workbook(tmp_path_factory: pytest.TempPathFactory) -> Path:
    origin = Origin("ops.xlsx", "OKRs", 2)
    team = TeamInput(
        team="Ops",
        source="ops.xlsx",
        objectives=(Objective("O1", "Cut errors", aligns_to="C1", origin=origin),),
        key_results=(
            KeyResult(
                "O1",
                "KR1",
                "Coverage 0% to 10%",
                "Ann",
                KRType.NUMBER,
                0.0,
                0.1,
                0.04,
                "%",
                origin=origin,
            ),
        ),
    )
    ids = frozenset({"C1", "C2"})
    result = evaluate_team(
        team, period=PERIOD, as_of=AS_OF, index=kpi_index([team]), company_objective_ids=ids
    )
    assert result.objectives[0].key_results[0].score == 0.39999999999999997
    path = tmp_path_factory.mktemp("bands") / "company.xlsx"
    write_rollup_xlsx(
        build_rollup([TeamRun("Ops", "ops.xlsx", Outcome.OK, result)], context()), path
    )
    return path


def _score_fill(ws: openpyxl.worksheet.worksheet.Worksheet, cell: str) -> str | None:
    """The fill Excel gives ``cell`` from the score rules (formula CFs) that cover it."""
    value = ws[cell].value
    for cf in ws.conditional_formatting:
        if cell not in cf.sqref:
            continue
        first = str(cf.sqref).split(":")[0]
        for rule in cf.rules:
            if rule.type != "expression":
                continue
            formula = re.sub(rf"\b{first}\b", "x", rule.formula[0])
            env = {"AND": lambda *a: all(a), "ISNUMBER": lambda v: isinstance(v, float), "x": value}
            if eval(formula, env):  # the formula: AND, ISNUMBER and comparisons only
                return str(rule.dxf.fill.bgColor.rgb)[-6:].upper()
    return None


@pytest.mark.parametrize(("tab", "band"), [("Key results", "yellow"), ("Objectives", "yellow")])
def test_score_fill_is_the_band(workbook: Path, tab: str, band: str) -> None:
    ws = openpyxl.load_workbook(workbook)[tab]
    header = [c.value for c in ws[1]]
    score = ws.cell(2, header.index("Score") + 1)
    assert ws.cell(2, header.index("Band") + 1).value == band
    assert _score_fill(ws, score.coordinate) == FILLS[band]


def test_summary_and_company_objective_scores_fill_as_their_band(workbook: Path) -> None:
    ws = openpyxl.load_workbook(workbook)["Summary"]
    cells: dict[str, openpyxl.cell.cell.Cell] = {}
    for row in ws.iter_rows():
        for c in row:
            if isinstance(c.value, str):
                cells.setdefault(c.value, c)  # the first: "Ops" is in the Teams column too
    team_score = ws.cell(cells["Ops"].row, cells["Average objective score"].column)
    company = ws.cell(cells["C1"].row, cells["Score"].column)
    assert isinstance(team_score.value, float) and isinstance(company.value, float)
    assert ws.cell(cells["C1"].row, cells["Band"].column).value == "yellow"
    assert _score_fill(ws, team_score.coordinate) == FILLS["yellow"]
    assert _score_fill(ws, company.coordinate) == FILLS["yellow"]


def test_chart_column_is_the_band_colour(workbook: Path) -> None:
    with zipfile.ZipFile(workbook) as z:
        charts = [z.read(n).decode() for n in z.namelist() if n.startswith("xl/charts/chart")]
    score = next(c for c in charts if "Objective score by team" in c)
    point = re.search(r"<c:dPt>.*?</c:dPt>", score, re.S)
    assert point is not None and 'val="FFC000"' in point.group()  # yellow, not red FF0000
