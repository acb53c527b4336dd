"""The Google team template: same tabs and headers as the spec; the standard mapping reads it."""

from __future__ import annotations

from typing import Any

import pytest

from sheets_sync.backends.gsheets.backend import GoogleSheetsBackend
from sheets_sync.backends.gsheets.template import create_google_template
from sheets_sync.emulator import Emulator
from sheets_sync.mapping.extract import extract
from sheets_sync.mapping.spec import load_mapping
from sheets_sync.template.spec import DATA_ROWS, TEMPLATE

pytestmark = pytest.mark.emulator


def test_template_renders_the_spec_in_two_calls(
    emulator: Emulator, client: Any, api_requests: Any
) -> None:
    key = create_google_template(client, "Team template")
    assert [r.endpoint for r in api_requests()] == [
        "spreadsheets.create",
        "spreadsheets.batchUpdate",
    ]
    book = emulator.state.spreadsheets[key]
    assert [s.title for s in book.sheets] == list(TEMPLATE.tab_names)
    assert book.sheets[0].grid.get("frozenRowCount") == 1
    assert emulator.values(key, "OKRs!A1:U1") == [list(TEMPLATE.okrs.headers)]
    assert emulator.values(key, "KPIs!A1:S1") == [list(TEMPLATE.kpis.headers)]
    okr = TEMPLATE.okrs
    type_col = chr(65 + [c.field for c in okr.columns].index("objective_type"))
    rule = emulator.cell(key, f"OKRs!{type_col}5")["dataValidation"]
    last = DATA_ROWS + 1  # as far as the Excel template's dropdowns reach
    assert emulator.cell(key, f"OKRs!{type_col}{last}")["dataValidation"] == rule
    assert [v["userEnteredValue"] for v in rule["condition"]["values"]] == [
        "committed",
        "aspirational",
    ]
    score_col = chr(65 + [c.field for c in okr.columns].index("score"))
    fmt = emulator.cell_format(key, f"OKRs!{score_col}7")
    assert fmt["numberFormat"]["pattern"] == "0.00" and "backgroundColor" in fmt
    due_col = chr(65 + [c.field for c in okr.columns].index("due"))
    assert emulator.cell_format(key, f"OKRs!{due_col}2")["numberFormat"]["type"] == "DATE"


def test_standard_mapping_reads_the_google_template(emulator: Emulator, client: Any) -> None:
    key = create_google_template(client, "Team template")
    mapping = load_mapping("standard")
    data = GoogleSheetsBackend(client, key).read(["OKRs", "KPIs"])
    found = extract(data, mapping)
    assert found.okrs.layout.tab == "OKRs"
    assert found.kpis is not None and found.kpis.layout.tab == "KPIs"
