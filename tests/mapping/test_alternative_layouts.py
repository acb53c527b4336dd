"""The objective-blocks and flat-tracker mappings read their sample workbooks end to end.

Scores are hand-computed from tests/data/make_samples.py; as of 2026-11-23 in 2026-Q4.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path

import pytest

from sheets_sync.backends.excel.reader import read_workbook
from sheets_sync.domain.models import KPIStatus, ObjectiveType, Period, TeamResult, Trend
from sheets_sync.domain.team import evaluate_team
from sheets_sync.grid import CellValue
from sheets_sync.mapping.blocks import block_columns, block_row
from sheets_sync.mapping.extract import Extract, extract
from sheets_sync.mapping.parse import build_team_input
from sheets_sync.mapping.spec import BlocksSpec, TabSpec, builtin_mappings, load_mapping

DATA = Path(__file__).resolve().parents[1] / "data"
PERIOD = Period("2026-Q4", dt.date(2026, 10, 1), dt.date(2026, 12, 31))
AS_OF = dt.date(2026, 11, 23)


def _run(sample: str, team: str) -> tuple[Extract, TeamResult]:
    mapping = load_mapping(sample)
    tabs = list(mapping.okrs.sheet) + (list(mapping.kpis.sheet) if mapping.kpis else [])
    ex = extract(read_workbook(DATA / f"{sample}.xlsx", tabs=tabs), mapping)
    result = evaluate_team(build_team_input(team, ex), period=PERIOD, as_of=AS_OF)
    return ex, result


def _scores(result: TeamResult) -> dict[str, float | None]:
    out: dict[str, float | None] = {}
    for o in result.objectives:
        out[o.objective.id] = o.score
        out.update({k.kr.id: k.score for k in o.key_results})
    return out


def test_mappings_are_builtin() -> None:
    assert {"standard", "objective-blocks", "flat-tracker"} <= set(builtin_mappings())


def test_objective_blocks_sample() -> None:
    ex, result = _run("objective-blocks", "Marketing")
    assert result.findings == ()
    assert ex.okrs.layout.header_row == 4  # two title rows and a blank row above
    kinds = [r.kind for r in ex.okrs.records]
    assert kinds == ["objective", "kr", "kr", "kr", "objective", "kr", "kr"]
    objectives = {o.objective.id: o.objective for o in result.objectives}
    assert objectives["O1"].title == "Build a brand people talk about"
    assert objectives["O1"].aligns_to == "C2"
    assert objectives["O2"].type is ObjectiveType.ASPIRATIONAL
    assert _scores(result) == pytest.approx(
        {
            "O1.1": 0.6,  # (22 - 10) / (30 - 10)
            "O1.2": 0.5,  # ("2.5%" - "2%") / ("3%" - "2%")
            "O1.3": 1.0,  # milestone "done"
            "O1": 0.65,  # (0.6 + 2 x 0.5 + 1.0) / 4
            "O2.1": 0.5,  # ($65 - $80) / ($50 - $80)
            "O2.2": 1.0,  # at least 5,000: M2 actual 5200
            "O2": 0.75,
        }
    )
    fed = result.key_results[-1]
    assert fed.current == 5200 and fed.current_from == "Marketing/M2"
    # Owned columns found under their own words; Expected is appended after the last one.
    assert ex.okrs.layout.columns["score"] == 15  # "Progress"
    assert ex.okrs.layout.missing_owned == ("expected",)
    kpis = {k.kpi.id: k for k in result.kpis}
    assert {i: (k.status, k.trend) for i, k in kpis.items()} == {
        "M1": (KPIStatus.AMBER, Trend.IMPROVING),  # $320 vs 300, amber up to 330; was $350
        "M2": (KPIStatus.GREEN, Trend.IMPROVING),
        "M3": (KPIStatus.GREEN, Trend.FLAT),  # 18% inside 15%..25%
    }
    assert kpis["M1"].variance == pytest.approx(20)


def test_objective_blocks_unchecked_checkboxes_over_actual() -> None:
    """Insert > Checkbox over the Actual column puts FALSE on every row: an objective row
    stays an objective (it became a key result, and the tab "objective ID is missing" on
    each row), while a milestone's FALSE is its answer, not done."""
    mapping = load_mapping("objective-blocks")
    data = read_workbook(DATA / "objective-blocks.xlsx", tabs=["Goals", "Metrics"])
    grid = data.sheets["Goals"]
    rows = [list(r) for r in grid.rows]
    for row in (5, 8, 9, 10):  # O1, O1.3 (a milestone, "done" before), a blank row, O2
        rows[row - 1] += [None] * (8 - len(rows[row - 1]))
        rows[row - 1][7] = False  # H: Actual
    boxed = replace(grid, rows=tuple(tuple(r) for r in rows))
    ex = extract(replace(data, sheets={**data.sheets, "Goals": boxed}), mapping)
    assert [(r.row, r.kind) for r in ex.okrs.records] == [
        (5, "objective"), (6, "kr"), (7, "kr"), (8, "kr"), (10, "objective"), (11, "kr"),
        (12, "kr")]  # fmt: skip
    result = evaluate_team(build_team_input("Marketing", ex), period=PERIOD, as_of=AS_OF)
    assert [f.message for f in result.findings] == []
    assert _scores(result)["O1.3"] == 0.0 and _scores(result)["O1"] == pytest.approx(0.4)


def test_flat_tracker_sample() -> None:
    ex, result = _run("flat-tracker", "Engineering")
    assert result.findings == ()  # merged objective cells fill down without warnings
    assert ex.okrs.layout.header_row == 4
    assert ex.okrs.layout.missing_owned == ("score", "expected", "status", "sync_notes")
    assert ex.okrs.layout.column_of("score") == 14  # first column after "Notes"
    assert ex.okrs.layout.column_of("sync_notes") == 17
    assert [(o.objective.id, len(o.key_results)) for o in result.objectives] == [
        ("E1", 3),
        ("E2", 2),
    ]
    assert {kr.kr.objective_id for kr in result.key_results[:3]} == {"E1"}
    assert result.objectives[1].objective.title == "Make releases boring"
    assert _scores(result) == pytest.approx(
        {
            "E1.1": 0.75,  # (99.8% - 99.5%) / (99.9% - 99.5%)
            "E1.2": 0.6,  # (560 - 800) / (400 - 800): lower is better
            "E1.3": 0.3,  # (31 - 40) / (10 - 40)
            "E1": 0.6,  # (2 x 0.75 + 0.6 + 0.3) / 4
            "E2.1": 0.75,  # (4 - 1) / (5 - 1)
            "E2.2": 0.8,  # (12% - 20%) / (10% - 20%)
            "E2": 0.775,
        }
    )
    assert result.kpis == ()


@pytest.mark.parametrize(
    ("values", "kind"),
    [
        # an unticked milestone with no KR type: read as an objective header, its KR gone
        # and the KRs below it put under it (found by review)
        ({"objective_id": "O1", "key_result": "Launch beta", "current": False}, "kr"),
        ({"kr_id": "KR2", "target": None, "current": False}, "kr"),
        (
            {"objective_id": "O1", "objective": "Grow", "target": None, "current": False},
            "objective",
        ),
        ({"objective_id": "O1", "kr_id": " ", "key_result": None, "current": False}, "objective"),
    ],
)
def test_objective_blocks_false_is_blank_only_where_no_kr_cell_is_filled(
    values: dict[str, CellValue], kind: str
) -> None:
    """In a blocks layout with KR columns of their own, an unchecked checkbox counts as
    blank only on a row with no KR ID and no key result: a KR with its FALSE stays a key
    result, so what is wrong with it (no target, no milestone type) is said."""
    spec = TabSpec(sheet=("OKRs",), layout="objective_blocks", blocks=BlocksSpec())
    columns = {f: i for i, f in enumerate(("objective_id", "objective", "kr_id", "key_result"))}
    columns.update(target=4, current=5)
    carry: dict[str, CellValue] = {}
    found, read, _ = block_row(dict(values), 5, spec, carry, block_columns(columns, spec))
    assert found == kind
    assert read.get("key_result") == values.get("key_result")


def test_objective_blocks_shared_kr_columns_still_let_false_be_blank() -> None:
    """Where the objective rows rename the KR columns (one ``#`` column: O1 there, O1.1 on
    a KR), those cells are filled on objective rows too, and do not make a KR."""
    mapping = load_mapping("objective-blocks")
    spec = mapping.okrs
    columns = {"kr_id": 0, "key_result": 1, "kr_type": 2, "start": 3, "target": 4}
    columns["current"] = 5
    values: dict[str, CellValue] = {"kr_id": "O1", "key_result": "Grow", "current": False}
    found, read, _ = block_row(values, 5, spec, {}, block_columns(columns, spec))
    assert (found, read["objective_id"]) == ("objective", "O1")
