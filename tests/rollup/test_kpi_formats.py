"""``history.kpi_formats``: each KPI's number format on the Trends tab, from its unit, the
format of each unit made once (a night has a few units over thousands of KPIs)."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from sheets_sync.rollup import history
from sheets_sync.rollup.styles import unit_format

UNITS = ["%", " USD ", None, "h", "%", "eur", "", "percent", None, "k$", "h"]


def _kpis() -> pd.DataFrame:
    n = len(UNITS)
    return pd.DataFrame(
        {
            "Team": pd.array([f"T{i % 3}" for i in range(n)], dtype="string"),
            "KPI ID": pd.array([f"K{i}" for i in range(n)], dtype="string"),
            "Unit": pd.array(UNITS, dtype="string"),
        }
    )


def test_each_kpi_has_its_units_format() -> None:
    kpis = _kpis()
    expected = {
        (t, k): unit_format(u)
        for t, k, u in zip(kpis["Team"].tolist(), kpis["KPI ID"].tolist(),
                           kpis["Unit"].tolist(), strict=True)
    }  # fmt: skip
    got = history.kpi_formats(kpis)
    assert got == expected and list(got) == list(expected)
    assert got[("T0", "K0")] == "0.0%" and got[("T2", "K2")] == "General"


def test_a_units_format_is_made_once(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[object] = []

    def counted(unit: object) -> str:
        seen.append(unit)
        return unit_format(unit)

    monkeypatch.setattr(history, "unit_format", counted)
    history.kpi_formats(_kpis())
    blanks = sum(1 for u in seen if u is pd.NA or (isinstance(u, float) and math.isnan(u)))
    assert len(seen) == len(set(seen)) and blanks <= 1
    assert len(seen) == len({u for u in UNITS if u is not None}) + 1
