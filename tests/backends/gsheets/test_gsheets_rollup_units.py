"""A Google rollup's value columns (a KR's Start, Target, Current; a KPI's Target, Lower,
Upper, Amber threshold, Actual, Previous, Variance) carry the number format of the row's
unit, as the workbook's do (docs/rollup.md, Formats; docs/google-sheets.md: "numbers as
numbers in the workbook's number formats"): `%` -> `0.0%`, a currency -> money, else
none. Until 2026-12-07 they had none: a KPI in `%` with target 0.08 showed `8.0%` in the
workbook and `0.08` in the Google rollup, beside a Unit of `%` (read as 0.08 %)."""

from __future__ import annotations

import pandas as pd
import pytest

from sheets_sync.backends.gsheets.rollup import table_rows
from sheets_sync.rollup.schema import TABLES
from sheets_sync.rollup.styles import unit_format

UNITS = ["%", "$", "EUR", "h", None, "percent"]


def _formats(table: str, frame: pd.DataFrame) -> dict[str, list[str | None]]:
    """Column -> each data row's numberFormat pattern (None: no format)."""
    spec = TABLES[table]
    rows = table_rows(frame, spec)
    out: dict[str, list[str | None]] = {}
    for at, col in enumerate(spec):
        out[col.name] = [
            r[at].get("userEnteredFormat", {}).get("numberFormat", {}).get("pattern")
            for r in rows[1:]
        ]
    return out


def _expected(unit: str | None) -> str | None:
    text = unit_format(unit)
    return None if text == "General" else text


@pytest.mark.parametrize(
    ("table", "columns"),
    [
        ("key_results", ["Start", "Target", "Current"]),
        ("kpis", ["Target", "Lower", "Upper", "Amber threshold", "Actual", "Previous", "Variance"]),
    ],
)
def test_value_columns_follow_the_rows_unit(table: str, columns: list[str]) -> None:
    frame = pd.DataFrame({"Team": ["A"] * len(UNITS), "Unit": UNITS})
    frame["Unit"] = frame["Unit"].astype("string")
    for c in columns:
        frame[c] = 0.08
    formats = _formats(table, frame)
    for c in columns:
        assert formats[c] == [_expected(u) for u in UNITS], c
    assert formats["Unit"] == [None] * len(UNITS)


def test_other_number_columns_keep_their_own_format() -> None:
    """A score or a ratio is not in the row's unit: `Variance %` stays `0%`, `Score` `0.00`."""
    frame = pd.DataFrame({"Team": ["A", "B"], "Unit": ["$", "%"], "Variance %": [0.1, 0.2]})
    frame["Score"] = 0.5
    assert _formats("kpis", frame)["Variance %"] == ["0%", "0%"]
    assert _formats("key_results", frame)["Score"] == ["0.00", "0.00"]


def test_a_tab_of_its_own_formats_a_value_column_once_only_when_every_row_agrees() -> None:
    """``by_column``: a column of one format on every row takes it once (a ``repeatCell``),
    its cells bare; a value column whose rows' units differ keeps a format in each cell."""
    from sheets_sync.backends.gsheets.staging import FormattedRows

    spec = TABLES["kpis"]
    names = [c.name for c in spec]
    target, actual, variance = (names.index(c) for c in ("Target", "Actual", "Variance %"))
    mixed = pd.DataFrame({"Team": ["A", "B", "C"], "Unit": ["%", "$", "pct"]})
    mixed["Target"], mixed["Actual"], mixed["Variance %"] = 0.08, 0.07, 0.1
    rows = table_rows(mixed, spec, by_column=True)
    assert isinstance(rows, FormattedRows)
    pattern = {n: look["numberFormat"]["pattern"] for n, look in rows.formats.items()}
    assert pattern[variance] == "0%" and target not in pattern and actual not in pattern
    assert [r[target]["userEnteredFormat"]["numberFormat"]["pattern"] for r in rows[1:]] == [
        "0.0%",
        '"$"#,##0.00',
        "0.0%",
    ]
    assert all("userEnteredFormat" not in r[variance] for r in rows[1:])
    alike = mixed.assign(Unit=["%", "percent", "pct"])  # one format: 0.0%
    rows = table_rows(alike, spec, by_column=True)
    assert isinstance(rows, FormattedRows)
    assert rows.formats[target]["numberFormat"]["pattern"] == "0.0%"
    assert all("userEnteredFormat" not in r[target] for r in rows[1:])
    none = mixed.assign(Unit=pd.Series([None, "h", ""], dtype="string"))  # no format: none once
    rows = table_rows(none, spec, by_column=True)
    assert isinstance(rows, FormattedRows)
    assert target not in rows.formats and all(r[target] == rows[1][target] for r in rows[1:])
    assert "userEnteredFormat" not in rows[1][target]
