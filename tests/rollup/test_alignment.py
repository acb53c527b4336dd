"""The Alignment table, built column-wise, against the outline made row by row."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

import pandas as pd
import pytest

from sheets_sync.domain.models import CompanyObjective
from sheets_sync.rollup import Rollup, build_rollup, schema, tables
from sheets_sync.rollup.digits import shown
from sheets_sync.rollup.schema import Kind, conform
from sheets_sync.sync.outcome import RunContext
from tests.rollup.fixtures import COMPANY, context, runs

COMMON = ("Team", "Period", "As of", "Source", "Stale data", "Objective ID")


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    return [
        {str(k): (None if pd.isna(v) else v) for k, v in row.items()}
        for row in frame.astype(object).to_dict("records")
    ]


def _by_rows(ctx: RunContext, obj: pd.DataFrame, krs: pd.DataFrame) -> pd.DataFrame:
    """The outline made a row at a time, as until 2026-12-04: each company
    objective, its team objectives in table order, each with its team's KRs of that
    objective ID in table order; then the objectives aligned to none of them."""
    ids = [c.id for c in ctx.company_objectives]
    scores = tables._company_objectives(ctx, obj).set_index("Company objective ID")
    objectives, key_results = _records(obj), _records(krs)
    branches: list[tuple[str | None, str, dict[str, Any]]] = [
        (c.id, c.title, {"Score": scores.loc[c.id, "Score"], "Band": scores.loc[c.id, "Band"]})
        for c in ctx.company_objectives
    ]
    unaligned = [o for o in objectives if o["Aligns to"] not in ids]
    if unaligned:
        branches.append((None, tables.NOT_ALIGNED, {}))
    rows: list[dict[str, Any]] = []
    for company, title, extra in branches:
        head = {"Level": 0, "Company objective ID": company, "Item": title, **extra}
        head |= {"Stale data": False}  # no team's last good data: never blank
        rows.append(head | {"Period": ctx.period.name, "As of": ctx.as_of})
        mine = (
            unaligned if company is None else [o for o in objectives if o["Aligns to"] == company]
        )
        for o in mine:
            common = {k: o[k] for k in COMMON} | {"Company objective ID": company}
            common["Stale data"] = bool(o["Stale data"])  # a blank flag reads FALSE
            own = {
                "Item": o["Title"],
                "Score": o["Score"],
                "Status": o["Status"],
                "Band": o["Band"],
            }
            rows.append(common | own | {"Level": 1})
            for k in key_results:
                if (k["Team"], k["Objective ID"]) == (o["Team"], o["Objective ID"]):
                    own = {"Item": k["Description"], "KR ID": k["KR ID"]}
                    own |= {"Score": k["Score"], "Status": k["Status"], "Band": k["Band"]}
                    rows.append(common | own | {"Level": 2})
    return conform(pd.DataFrame(rows), "alignment")


def test_the_fixtures_outline_is_the_one_made_by_rows(rollup: Rollup) -> None:
    """Tonight's rollup: a failed team's stale rows, a KPI-fed KR, hostile text."""
    expected = _by_rows(rollup.context, rollup.objectives, rollup.key_results)
    pd.testing.assert_frame_equal(rollup.alignment, expected, check_exact=True)


def test_nothing_aligned_is_one_branch() -> None:
    ctx = dataclasses.replace(context(), company_objectives=())
    rollup = build_rollup(runs(finance_fails=False), ctx)
    expected = _by_rows(ctx, rollup.objectives, rollup.key_results)
    pd.testing.assert_frame_equal(rollup.alignment, expected, check_exact=True)
    assert list(rollup.alignment["Level"])[:2] == [0, 1]


def _objective(
    team: str | None, oid: str | None, aligns: str | None, score: float | None
) -> dict[str, Any]:
    return {"Team": team, "Period": "Q", "As of": dt.date(2026, 1, 5), "Source": f"{team}.xlsx",
            "Stale data": team == "Old", "Objective ID": oid, "Title": f"{team} {oid}",
            "Aligns to": aligns, "Score": score, "Status": "On track", "Band": "green"}  # fmt: skip


def _kr(team: str | None, oid: str | None, kr: str, score: float | None) -> dict[str, Any]:
    return {"Team": team, "Period": "Q", "As of": dt.date(2026, 1, 4), "Source": "kr.xlsx",
            "Objective ID": oid, "KR ID": kr, "Description": f"{kr} & <b>", "Score": score,
            "Status": "At risk", "Band": "yellow"}  # fmt: skip


@pytest.mark.parametrize("company", [COMPANY, (), (CompanyObjective("C9", "Unused"),)])
def test_edge_cases_outline_as_made_by_rows(company: tuple[CompanyObjective, ...]) -> None:
    """Objectives aligned to an unknown or no company objective, an objective ID twice in
    a team (its KRs sit under both), one in two teams, a KR whose objective is gone, a
    blank objective ID or team, blank scores, and a company objective nothing aligns to."""
    obj = conform(
        pd.DataFrame(
            [
                _objective("Sales", "O1", "C2", 0.5),
                _objective("Ops", "O1", "C1", None),
                _objective("Sales", "O2", None, 0.25),
                _objective("Sales", "O1", "C1", 0.75),  # Sales' O1 again
                _objective("Old", "O3", "C404", 1.0),
                _objective("Ops", None, "C2", 0.1),
                _objective(None, "O1", "C1", 0.4),  # a stale row without its team
            ]
        ),
        "objectives",
    )
    krs = conform(
        pd.DataFrame(
            [
                _kr("Sales", "O1", "K1", 0.5),
                _kr("Ops", "O1", "K2", None),
                _kr("Sales", "O9", "K3", 0.1),  # its objective is gone
                _kr("Sales", "O1", "K4", 0.9),
                _kr("Ops", None, "K5", 0.3),
                _kr("Sales", "O2", "K6", 0.2),
                _kr(None, "O1", "K7", 0.6),
            ]
        ),
        "key_results",
    )
    ctx = dataclasses.replace(context(), company_objectives=company)
    built = tables._alignment(ctx, obj, krs)
    pd.testing.assert_frame_equal(built, _by_rows(ctx, obj, krs), check_exact=True)
    empty = tables._alignment(ctx, obj.iloc[:0], krs.iloc[:0])
    pd.testing.assert_frame_equal(empty, _by_rows(ctx, obj.iloc[:0], krs.iloc[:0]))


MOMENTS = pd.Series([pd.Timestamp("2026-01-05 06:30"), pd.NaT, pd.Timestamp("2025-12-31")])
INPUTS = {
    "text": pd.Series(["Sales", None, "7"], dtype="string"),
    "text, python storage": pd.Series(["Sales", None, "7"], dtype="string[python]"),
    "text, str dtype": pd.Series(["Sales", None, "7"], dtype="str"),
    "text, objects": pd.Series(["Sales", None, 7], dtype=object),
    "float64": pd.Series([0.5, None, 1.0], dtype="float64"),
    "Float64": pd.Series([0.5, None, 1.0], dtype="Float64"),
    "int64": pd.Series([2, 0, 7], dtype="int64"),
    "uint8": pd.Series([2, 0, 7], dtype="uint8"),
    "Int64": pd.Series([2, None, 7], dtype="Int64"),
    "datetime64[ns]": MOMENTS.astype("datetime64[ns]"),
    "datetime64[s]": MOMENTS.astype("datetime64[s]"),
    "tz-aware": MOMENTS.dt.tz_localize("UTC"),
    "boolean": pd.Series([True, None, False], dtype="boolean"),
    "bool": pd.Series([True, False, False], dtype="bool"),
}


@pytest.mark.filterwarnings("ignore:Could not infer format")  # text cast as dates
@pytest.mark.parametrize("kind", list(Kind))
@pytest.mark.parametrize("given", list(INPUTS))
def test_typed_columns_cast_as_their_values_would(
    kind: Kind, given: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A column already of its kind's dtype skips the trip through Python objects, and
    ends up as it would have: same dtype, same values."""
    series = INPUTS[given].copy()
    try:
        fast = schema._cast(series, kind)
    except (TypeError, ValueError):
        fast = None
    monkeypatch.setattr(schema, "_typed", lambda series, kind: None)
    try:
        slow = schema._cast(series, kind)
    except (TypeError, ValueError):
        assert fast is None, "the fast path took what the slow one refuses"
        return
    assert fast is not None
    pd.testing.assert_series_equal(fast, slow, check_exact=True)
    pd.testing.assert_series_equal(series, INPUTS[given], check_exact=True)  # untouched


def test_the_company_objectives_are_scored_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """``build_tables`` scores the company objectives once, for their table and the
    Alignment's heads alike (until 2026-12-07 twice: ~9 ms at 500 teams); the Alignment
    is the one it makes when given none."""
    made: list[int] = []
    score = tables._company_objectives

    def counted(ctx: RunContext, obj: pd.DataFrame) -> pd.DataFrame:
        made.append(len(obj))
        return score(ctx, obj)

    monkeypatch.setattr(tables, "_company_objectives", counted)
    ctx = context()
    rollup = build_rollup(runs(finance_fails=False), ctx)
    assert len(made) == 1
    alone = shown(tables._alignment(ctx, rollup.objectives, rollup.key_results), "alignment")
    pd.testing.assert_frame_equal(rollup.alignment, alone)
