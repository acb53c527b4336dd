"""A flag column (``Stale data``, ``Includes stale data``) goes to a Google rollup as a
boolean cell, as the workbook's: a frame's flags are numpy booleans, whose type numpy 2
names ``bool`` (not ``bool_``), and until 2026-12-07 they were written as the text
"True"/"False", which a pivot filtering on TRUE, or a reader of the flag, did not match."""

from __future__ import annotations

import numpy as np
import pandas as pd

from sheets_sync.backends.gsheets.rollup import cell, table_rows
from sheets_sync.rollup.schema import TABLES


def test_numpy_booleans_are_boolean_cells() -> None:
    assert cell(np.True_) == {"userEnteredValue": {"boolValue": True}}
    assert cell(np.False_) == {"userEnteredValue": {"boolValue": False}}


def test_a_tables_flag_column_is_boolean_cells() -> None:
    spec = TABLES["key_results"]
    frame = pd.DataFrame({"Team": ["A", "B", "C"], "Stale data": [True, False, None]})
    frame["Stale data"] = frame["Stale data"].astype("boolean")
    rows = table_rows(frame, spec)
    at = [c.name for c in spec].index("Stale data")
    assert [r[at] for r in rows[1:]] == [
        {"userEnteredValue": {"boolValue": True}},
        {"userEnteredValue": {"boolValue": False}},
        {},
    ]
