"""The rows a sheet's basic filter hides, as Google reports them (``hiddenByFilter``).

Only ``hiddenValues`` criteria are evaluated (in ``criteria`` keyed by column index, or in
``filterSpecs``), against each cell's formatted value; conditions and colour criteria hide
nothing here. The filter is applied at read time, so an edit or a cleared filter shows at
once, as in the Sheets UI.
"""

from __future__ import annotations

from typing import Any

from sheets_sync.emulator.state import Sheet


def _hidden_values(spec: dict[str, Any]) -> list[tuple[int, set[str]]]:
    """(column index, hidden values) of each criterion of a basic filter."""
    out = [
        (int(col), set(crit.get("hiddenValues", [])))
        for col, crit in spec.get("criteria", {}).items()
    ]
    out += [
        (int(s.get("columnIndex", 0)), set(s.get("filterCriteria", {}).get("hiddenValues", [])))
        for s in spec.get("filterSpecs", [])
    ]
    return [(col, values) for col, values in out if values]


def filtered_rows(sheet: Sheet) -> set[int]:
    """0-based indexes of the rows the basic filter hides (its header row never)."""
    spec = sheet.extra.get("basicFilter")
    if not spec:
        return set()
    columns = _hidden_values(spec)
    rng = spec.get("range", {})
    first = int(rng.get("startRowIndex", 0)) + 1
    last = int(rng.get("endRowIndex", sheet.row_count))
    hidden = set()
    for row in range(first, last):
        for col, values in columns:
            cell = sheet.cells.get((row, col)) or {}
            if str(cell.get("formattedValue", "")) in values:
                hidden.add(row)
                break
    return hidden
