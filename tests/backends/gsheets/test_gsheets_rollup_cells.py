"""The Google rollup's table tabs hold one cell object for each (value, format)
(``rollup.Cells``), as the History tab does: a team's name, its period, a status, the
run's moment repeat down every row, and each was a ``CellData`` of its own, some 400
bytes (until 2026-12-07). The cells are the ones ``cell`` makes, value for value."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import numpy as np
import pandas as pd
import pytest

from sheets_sync.backends.gsheets.rollup import (
    HEADER_FORMAT,
    Cells,
    cell,
    table_rows,
    text_row,
)
from sheets_sync.domain.kind_formats import KIND_FORMATS
from sheets_sync.rollup.schema import TABLES, Kind, conform

SAMPLES: dict[Kind, list[Any]] = {
    Kind.TEXT: ["Sales", "Sales", None, "", "NA", "=1+1"],
    Kind.NUMBER: [0.5, 0.5, np.nan, 2.0, -0.0, float("inf")],
    Kind.COUNT: [1, 1, None, 0, 3, 1],
    Kind.DATE: [dt.date(2026, 11, 20), dt.date(2026, 11, 20), None, dt.date(2026, 1, 1)] * 2,
    Kind.DATETIME: [dt.datetime(2026, 11, 20, 6, 0), None, dt.datetime(2026, 11, 20, 6, 0)] * 2,
    Kind.FLAG: [True, False, None, True, True, False],
}


def test_table_rows_are_the_cells_cell_makes_each_value_held_once() -> None:
    spec = TABLES["key_results"]
    frame = conform(pd.DataFrame({c.name: SAMPLES[c.kind][:6] for c in spec}), "key_results")
    rows = table_rows(frame, spec)
    formats = [c.excel_format or KIND_FORMATS.get(c.kind.value) for c in spec]
    expected = [text_row(*(c.name for c in spec), look=HEADER_FORMAT)]
    for record in frame.reindex(columns=[c.name for c in spec]).itertuples(False, None):
        expected.append([cell(v, f) for v, f in zip(record, formats, strict=True)])
    assert rows == expected
    team = [c.name for c in spec].index("Team")
    assert rows[1][team] is rows[2][team]  # "Sales" twice: one object
    assert rows[1][team] == {"userEnteredValue": {"stringValue": "Sales"}}


def test_cells_tell_values_of_other_types_apart() -> None:
    typed = Cells()
    one, true, one_f = typed(1, None), typed(True, None), typed(1.0, "0.00")
    assert one == {"userEnteredValue": {"numberValue": 1.0}}
    assert true == {"userEnteredValue": {"boolValue": True}}
    assert one_f["userEnteredFormat"]["numberFormat"]["pattern"] == "0.00"
    assert typed(1.0, "0.00", bare=True) == {"userEnteredValue": {"numberValue": 1.0}}
    assert typed(1.0, "0.00") is one_f and typed(pd.NA, None) == {} == typed(pd.NaT, "0")
    assert typed(["not", "hashable"], None) == {
        "userEnteredValue": {"stringValue": "['not', 'hashable']"}
    }


def test_unit_formatted_cells_are_shared_only_within_a_format() -> None:
    """A value column (Start, Target, Current) takes its row's unit format: the key holds
    the format, so 0.5 in `%` and 0.5 in `$` are two cells, 0.5 in `%` twice is one."""
    from sheets_sync.rollup.styles import unit_format

    spec = TABLES["key_results"]
    units = ["%", "$", None, "%", "$", "h"]
    frame = pd.DataFrame({"Team": ["Sales"] * len(units), "Unit": units})
    frame["Unit"] = frame["Unit"].astype("string")
    for name in ("Start", "Target", "Current", "Score"):
        frame[name] = 0.5
    frame = conform(frame, "key_results")
    rows = table_rows(frame, spec)
    names = [c.name for c in spec]
    formats = [c.excel_format or KIND_FORMATS.get(c.kind.value) for c in spec]
    expected = [text_row(*names, look=HEADER_FORMAT)]
    records = frame.reindex(columns=names).itertuples(False, None)
    for unit, record in zip(units, records, strict=True):
        mine = [
            unit_format(unit) if c.unit == "Unit" else f for c, f in zip(spec, formats, strict=True)
        ]
        expected.append([cell(v, f) for v, f in zip(record, mine, strict=True)])
    assert rows == expected
    start, score = names.index("Start"), names.index("Score")
    pct, usd, none, pct2, usd2 = (rows[n][start] for n in range(1, 6))
    assert pct is pct2 and usd is usd2  # one object a (value, format)
    assert pct is not usd and pct != usd and pct != none
    assert pct["userEnteredFormat"]["numberFormat"]["pattern"] == "0.0%"
    assert "userEnteredFormat" not in none
    assert all(rows[n][score] is rows[1][score] for n in range(2, 7))  # 0.5 as 0.00


@pytest.mark.parametrize("first", [0.0, -0.0, np.float64(-0.0)])
def test_minus_zero_is_a_cell_of_its_own(first: float) -> None:
    """-0.0 equals 0.0 (and hashes alike): one key would send whichever came first for
    both, where ``cell`` sends each as it is (a KPI's variance of -(0.0), say)."""
    typed = Cells()
    for value in (first, 0.0, -0.0, np.float64(-0.0), np.float64(0.0)):
        assert json.dumps(typed(value, "0.00")) == json.dumps(cell(value, "0.00")), value
