"""One rule for a number that is not finite (NaN, inf, -inf) in a rollup's number column:
a blank cell, in the company workbook, the Google rollup
(``tests/backends/gsheets/test_gsheets_rollup_non_finite.py``) and the CSV and Parquet
export (``cellxml.blank``). Such a number reaches the tables from last night's rows
carried back (a cell typed ``inf`` or ``1e999`` there reads inf) and the means of them."""

from __future__ import annotations

import dataclasses
import math
from decimal import Decimal
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd
import pytest

from sheets_sync.rollup import Rollup, export_tables, write_rollup_xlsx
from sheets_sync.rollup.cellxml import blank
from tests.rollup.test_previous_split import odd_rollup

#: Current of the first three KRs, and the first team's Average objective score
ODD_NUMBERS = [math.inf, -math.inf, math.nan]
TEAM, SCORE = "Team", "Average objective score"


def non_finite_rollup() -> Rollup:
    rollup = odd_rollup()
    key_results = rollup.key_results.copy()
    key_results.loc[key_results.index[:3], "Current"] = ODD_NUMBERS
    key_results.loc[key_results.index[3], "Current"] = 2.5  # a number beside them
    summary = rollup.summary.copy()
    summary.loc[summary.index[0], SCORE] = -math.inf
    return dataclasses.replace(rollup, key_results=key_results, summary=summary)


def _currents(frame: pd.DataFrame) -> list[object]:
    return [None if pd.isna(v) else v for v in frame["Current"].head(4)]


def test_the_workbook_leaves_each_blank(tmp_path: Path) -> None:
    rollup = non_finite_rollup()
    path = tmp_path / "company.xlsx"
    write_rollup_xlsx(rollup, path)
    krs = pd.read_excel(path, sheet_name="Key results", engine="calamine")
    assert _currents(krs) == [None, None, None, 2.5]
    grid = pd.read_excel(path, sheet_name="Summary", header=None, engine="calamine")
    top = grid.index[grid[0] == TEAM][0]
    column = list(grid.loc[top]).index(SCORE)
    assert pd.isna(grid.loc[top + 1, column])  # the first team's (named "NA")
    assert grid.loc[top + 2, column] == rollup.summary[SCORE].iloc[1]  # the next one's
    charts = pd.read_excel(path, sheet_name="Charts", engine="calamine")
    assert pd.isna(charts[SCORE].iloc[0]) and charts[SCORE].iloc[1] == 0.25


def test_the_csv_export_leaves_each_blank(tmp_path: Path) -> None:
    """It said ``inf`` and ``-inf`` where the workbook's cell was blank (until 2026-12-08)."""
    export_tables(non_finite_rollup(), tmp_path, "csv")
    text = (tmp_path / "key_results.csv").read_text(encoding="utf-8-sig")
    assert "inf" not in text
    krs = pd.read_csv(tmp_path / "key_results.csv", encoding="utf-8-sig")
    assert _currents(krs) == [None, None, None, 2.5]
    summary = pd.read_csv(tmp_path / "summary.csv", encoding="utf-8-sig")
    assert pd.isna(summary[SCORE].iloc[0]) and not pd.isna(summary[SCORE].iloc[1])


def test_the_parquet_export_holds_a_null_for_each(tmp_path: Path) -> None:
    """It held inf and -inf (until 2026-12-08); NaN was null already."""
    export_tables(non_finite_rollup(), tmp_path, "parquet")
    krs = pd.read_parquet(tmp_path / "key_results.parquet")
    assert _currents(krs) == [None, None, None, 2.5]
    assert krs["Current"].head(3).isna().all()
    summary = pd.read_parquet(tmp_path / "summary.parquet")
    assert pd.isna(summary[SCORE].iloc[0]) and not pd.isna(summary[SCORE].iloc[1])


def test_a_rollup_without_them_is_exported_as_it_was(tmp_path: Path) -> None:
    """No infinite number: the frame goes out as it is (``finite_numbers`` copies none)."""
    from sheets_sync.rollup.export import finite_numbers

    rollup = odd_rollup()
    for name, frame in rollup.tables.items():
        assert finite_numbers(frame, name) is frame


def test_a_burn_up_past_the_largest_float_is_blank_on_the_trends_tab(tmp_path: Path) -> None:
    """A history whose scores someone edited to 1e308 makes the company burn-up's mean inf
    (``test_one_mean``): xlsxwriter refused it with a TypeError, and the night had no
    rollup (until 2026-12-08). The other night's mean is there."""
    from sheets_sync.rollup import FrameNights, load_history

    dates = pd.to_datetime(["2025-08-14", "2025-08-15"])
    kr = pd.DataFrame(
        {
            "date": dates.repeat(2),
            "team": ["Sales", "Ops"] * 2,
            "objective_id": ["S-O1", "O-O1"] * 2,
            "kr_id": ["S-KR1", "O-KR1"] * 2,
            "description": ["a", "b"] * 2,
            "current": [1.0] * 4,
            "target": [10.0] * 4,
            "score": [0.5, 0.25, 1e308, 1e308],
            "progress": [0.1] * 4,
            "expected": [0.5] * 4,
            "status": ["On track"] * 4,
        }
    )
    kpi = pd.DataFrame({"date": pd.to_datetime([]), "team": [], "kpi_id": [], "name": [],
                        "actual": [], "target": [], "status": [], "variance": []})  # fmt: skip
    nights = FrameNights(kr, kpi)
    history = load_history(nights, 12, nights.identity())
    rollup = dataclasses.replace(odd_rollup(), history=history)
    path = tmp_path / "company.xlsx"
    write_rollup_xlsx(rollup, path)
    grid = pd.read_excel(path, sheet_name="Trends", header=None, engine="calamine")
    assert grid.iloc[2, 1] == 0.375 and grid.isna().iloc[3, 1]
    assert grid.iloc[3, 2] == 0.5  # its expected score is there


ODD_TYPES = [np.float32("inf"), np.float16("-inf"), np.float32("nan"), Decimal("Infinity")]


@pytest.mark.parametrize("value", [*ODD_TYPES, Decimal("-Infinity"), Decimal("sNaN")], ids=repr)
def test_a_number_not_finite_is_blank_whatever_its_type(value: object) -> None:
    """Only a Python float was asked whether it is finite: a numpy float32's or a
    Decimal's infinity reached xlsxwriter, which refused it (until 2026-12-08)."""
    assert blank(value)


@pytest.mark.parametrize(
    "value", [np.float32(1.5), Decimal("2.5"), np.int64(3), 10**400, 0], ids=repr
)
def test_a_finite_number_of_any_type_is_not_blank(value: object) -> None:
    assert not blank(value)


def test_the_workbook_leaves_a_numpy_or_decimal_infinity_blank(tmp_path: Path) -> None:
    """An object column (a frame built by hand, a library caller's) holding a float32's
    or a Decimal's infinity: a TypeError from xlsxwriter, and no rollup (until
    2026-12-08)."""
    rollup = odd_rollup()
    key_results = rollup.key_results.copy()
    current = [*ODD_TYPES[:2], ODD_TYPES[3], 2.5, *key_results["Current"].iloc[4:]]
    key_results["Current"] = pd.Series(current, index=key_results.index, dtype=object)
    summary = rollup.summary.copy()
    scores = [Decimal("Infinity"), *summary[SCORE].iloc[1:]]
    summary[SCORE] = pd.Series(scores, index=summary.index, dtype=object)
    rollup = dataclasses.replace(rollup, key_results=key_results, summary=summary)
    path = tmp_path / "company.xlsx"
    write_rollup_xlsx(rollup, path)
    krs = pd.read_excel(path, sheet_name="Key results", engine="calamine")
    assert _currents(krs) == [None, None, None, 2.5]
    charts = pd.read_excel(path, sheet_name="Charts", engine="calamine")
    assert pd.isna(charts[SCORE].iloc[0]) and charts[SCORE].iloc[1] == 0.25


def _odd_typed_rollup() -> Rollup:
    rollup = odd_rollup()
    key_results = rollup.key_results.copy()
    current = [*ODD_TYPES[:2], Decimal("-Infinity"), 2.5, *key_results["Current"].iloc[4:]]
    key_results["Current"] = pd.Series(current, index=key_results.index, dtype=object)
    return dataclasses.replace(rollup, key_results=key_results)


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_the_export_leaves_a_numpy_or_decimal_infinity_blank(
    tmp_path: Path, fmt: Literal["csv", "parquet"]
) -> None:
    """``np.isinf`` of an object column holding a Decimal is a TypeError: no export
    (until 2026-12-08). The rule is ``blank``'s, a column at a time."""
    export_tables(_odd_typed_rollup(), tmp_path, fmt)
    path = tmp_path / f"key_results.{fmt}"
    krs = pd.read_csv(path, encoding="utf-8-sig") if fmt == "csv" else pd.read_parquet(path)
    assert _currents(krs) == [None, None, None, 2.5]


@pytest.mark.parametrize("value", [*ODD_TYPES, Decimal("sNaN")], ids=repr)
def test_the_google_rollup_leaves_them_blank_too(value: object) -> None:
    """Its cells ask ``blank`` (``gsheets.rollup.cell``): a Decimal's infinity was the
    text ``Infinity`` there (until 2026-12-08), a blank in the workbook."""
    from sheets_sync.backends.gsheets.rollup import Cells, cell

    assert cell(value, "0.00") == {} and Cells()(value, "0.00") == {}


def test_the_google_rollup_sends_a_finite_decimal_as_a_number() -> None:
    """As the workbook writes it (``write_number``): it was the text ``2.5`` (until
    2026-12-08), the Decimal's branch being the one its infinity now shares."""
    from sheets_sync.backends.gsheets.rollup import cell

    assert cell(Decimal("2.5"), "0.00")["userEnteredValue"] == {"numberValue": 2.5}
