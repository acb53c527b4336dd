"""The numbers written into a team sheet are the ones its status and colour were judged on.

A coach checks a Score cell against the Status beside it and the rules in docs/scoring.md
(Achieved at 1, green from 0.7, yellow from 0.4). A cell that holds 1 beside "On track",
or 0.7 filled yellow, breaks that check, and so does a cell that differs from the export.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
from openpyxl.utils import get_column_letter

from sheets_sync.config import load_workspace
from sheets_sync.mapping.fields import KPI_FIELDS, OKR_FIELDS
from sheets_sync.sync.engine import Sync, SyncOptions
from tests.conftest import CONFIG, write_team

END = dt.date(2026, 12, 31)  # the period's last day: expected is 1.0
MILLIONS: list[list[object]] = [
    ["O1", "Revenue", "committed", "CO-1", "KR1", "Almost", "Ann", "number", 0, 10_000_000,
     9_999_996, "$", 1],
    [None, None, None, None, "KR2", "Just under green", "Ann", "number", 0, 10_000_000,
     6_999_996, "$", 1],
    [None, None, None, None, "KR3", "Just under yellow", "Ann", "number", 0, 10_000_000,
     3_999_996, "$", 1],
]  # fmt: skip
KPIS: list[list[object]] = [
    ["KPI-1", "Error rate", "Ann", "lagging", "weekly", None, "lower", 0.000002, None, None,
     None, 0.0000025, None, END],
]  # fmt: skip
OKR = {field: i + 1 for i, (field, _) in enumerate(OKR_FIELDS)}
KPI = {field: i + 1 for i, (field, _) in enumerate(KPI_FIELDS)}
GREEN, YELLOW, RED = "FFC6EFCE", "FFFFEB9C", "FFFFC7CE"


def _band_fill(score: float) -> str:
    return GREEN if score >= 0.7 else YELLOW if score >= 0.4 else RED


def test_score_cells_hold_the_score_their_status_and_colour_were_judged_on(
    tmp_path: Path,
) -> None:
    team = write_team(tmp_path / "teams" / "sales.xlsx", MILLIONS, KPIS)
    cfg = tmp_path / "sheets-sync.yaml"
    cfg.write_text(CONFIG, encoding="utf-8")
    result = Sync(load_workspace(cfg)).run(SyncOptions(as_of=END, rollup=False))
    night = result.runs[0].result
    assert night is not None
    scored = {r.kr.id: r for r in night.key_results}
    okrs = openpyxl.load_workbook(team)["OKRs"]
    for row in range(2, 5):
        kr = scored[okrs.cell(row, OKR["kr_id"]).value]
        cell = okrs.cell(row, OKR["score"])
        status = okrs.cell(row, OKR["status"]).value
        assert cell.value == kr.score  # what the rollup and the export show
        assert (status == "Achieved") == (cell.value >= 1)  # 0.9999996 was written 1
        assert cell.fill.fgColor.rgb == _band_fill(cell.value)  # 0.6999996 was 0.7, yellow
        assert okrs.cell(row, OKR["expected"]).value == kr.expected
    kpis = openpyxl.load_workbook(team)["KPIs"]
    assert kpis.cell(2, KPI["status"]).value == "Red"
    # 5e-7 above its target: the variance was rounded to 1e-6 (or 0 beside "Red")
    assert kpis.cell(2, KPI["variance"]).value == night.kpis[0].variance


def test_an_objective_with_no_data_is_grey_as_its_key_results(tmp_path: Path) -> None:
    """docs/scoring.md: no current value is score 0.0, status No data (grey); an objective
    whose key results all have none was written 0.00 filled red beside its grey rows."""
    book = openpyxl.Workbook()
    goals = book.active
    assert goals is not None
    goals.title = "Goals"
    goals.append(["#", "Goal / Key result", "Type", "Baseline", "Goal", "Actual", "Progress",
                  "Status"])  # fmt: skip
    goals.append(["O1", "Brand", "committed"])
    goals.append(["O1.1", "Mentions", "number", 10, 30, None])
    goals.append(["O1.2", "Site", "milestone", None, 1, None])
    (tmp_path / "teams").mkdir()
    book.save(tmp_path / "teams" / "mkt.xlsx")
    cfg = tmp_path / "sheets-sync.yaml"
    cfg.write_text(
        "company: Acme\nperiod: {name: Q4, start: 2026-10-01, end: 2026-12-31}\n"
        "teams:\n  - {name: Mkt, source: teams/mkt.xlsx, mapping: objective-blocks}\n",
        encoding="utf-8",
    )
    Sync(load_workspace(cfg)).run(SyncOptions(as_of=END, rollup=False))
    sheet = openpyxl.load_workbook(tmp_path / "teams" / "mkt.xlsx")["Goals"]
    rows = [(r[6].value, r[7].value, r[6].fill.fgColor.rgb) for r in sheet.iter_rows(min_row=2)]
    assert rows == [(0.0, "No data", "FFD9D9D9")] * 3


def test_a_score_that_keeps_its_number_takes_its_new_status_colour(tmp_path: Path) -> None:
    """A key result at 0 of 30 is 0.0 Off track, filled red; its current cleared the next
    night, it is 0.0 No data, grey. The Score's number did not change, and a write was
    planned only for cells whose value changed, so the red stayed for good."""
    rows: list[list[object]] = [
        ["O1", "Brand", "committed", None, "KR1", "Mentions", "Ann", "number", 10, 30, 10,
         None, 1],
    ]  # fmt: skip
    team = write_team(tmp_path / "teams" / "sales.xlsx", rows, KPIS)
    cfg = tmp_path / "sheets-sync.yaml"
    cfg.write_text(CONFIG, encoding="utf-8")
    Sync(load_workspace(cfg)).run(SyncOptions(as_of=END, rollup=False))
    okrs = openpyxl.load_workbook(team)["OKRs"]
    score = okrs.cell(2, OKR["score"])
    assert (score.value, okrs.cell(2, OKR["status"]).value) == (0.0, "Off track")
    assert score.fill.fgColor.rgb == RED

    book = openpyxl.load_workbook(team)
    book["OKRs"].cell(2, OKR["current"]).value = None
    book.save(team)
    result = Sync(load_workspace(cfg)).run(SyncOptions(as_of=END, rollup=False))
    okrs = openpyxl.load_workbook(team)["OKRs"]
    score = okrs.cell(2, OKR["score"])
    assert (score.value, okrs.cell(2, OKR["status"]).value) == (0.0, "No data")
    assert score.fill.fgColor.rgb == "FFD9D9D9"
    changed = {c.cell for c in result.runs[0].changes}
    assert f"{get_column_letter(OKR['score'])}2" not in changed  # written, not counted


def _digits(number: float) -> int:
    return len(repr(abs(number)).split("e")[0].replace(".", "").strip("0"))


def test_score_cells_hold_the_number_a_person_sees_not_its_binary_noise(tmp_path: Path) -> None:
    """docs/scoring.md: a score is written with at most the 15 significant digits Excel
    shows. 40% from 10% to 60% is 0.6000000000000001 in floating point, and was written so: a
    General-format cell, a formula (``=R2=0.6`` in a report) and pandas saw the noise, and
    an Expected of 53/91 carried 16 digits. Status and colour are judged as before."""
    rows: list[list[object]] = [
        ["O1", "Revenue", "committed", "CO-1", "KR1", "Margin", "Ann", "number", 0.1, 0.6, 0.4,
         "%", 1],
    ]  # fmt: skip
    team = write_team(tmp_path / "teams" / "sales.xlsx", rows, KPIS)
    cfg = tmp_path / "sheets-sync.yaml"
    cfg.write_text(CONFIG, encoding="utf-8")
    as_of = dt.date(2026, 11, 23)  # 53 of 91 days: expected 0.5824175824175825 exactly
    Sync(load_workspace(cfg)).run(SyncOptions(as_of=as_of, rollup=False))
    okrs = openpyxl.load_workbook(team)["OKRs"]
    assert okrs.cell(2, OKR["score"]).value == 0.6  # not 0.6000000000000001
    expected = okrs.cell(2, OKR["expected"]).value
    assert expected == 0.582417582417582 and _digits(expected) <= 15
    assert okrs.cell(2, OKR["status"]).value == "On track"
