"""What a tab's read does once that it did more than once (2026-12-07, a first night's
read CPU): each cut reads the same, and does the work once."""

from __future__ import annotations

import pytest

from sheets_sync.grid import CellValue, SheetGrid
from sheets_sync.mapping import extract as extract_module
from sheets_sync.mapping import header as header_module
from sheets_sync.mapping.extract import extract_tab
from sheets_sync.mapping.fields import OKR_OWNED
from sheets_sync.mapping.header import find_header, header_map
from sheets_sync.mapping.spec import load_mapping

HINT: tuple[CellValue, ...] = ("Objective ID (O1)", "KR ID (O1.1)", "Target (end of Q)", "Current")
REAL: tuple[CellValue, ...] = ("Objective ID", "KR ID", "Target (EUR)", "Current", "Score")
DATA: tuple[CellValue, ...] = ("O1", "KR1", 10.0, 5.0, None)


@pytest.mark.parametrize(
    "rows", [(REAL, DATA), (HINT, REAL, DATA), (("notes",), HINT, REAL, DATA, DATA)]
)
def test_find_header_gives_the_row_and_its_map(rows: tuple[tuple[CellValue, ...], ...]) -> None:
    okrs = load_mapping("standard").okrs
    grid = SheetGrid("OKRs", rows)
    row, found = find_header(grid, okrs, "sales.xlsx")
    assert row == rows.index(REAL) + 1
    assert found == header_map(grid, row, okrs)


def test_a_fixed_header_row_is_mapped_too() -> None:
    okrs = load_mapping("standard").okrs
    fixed = okrs.model_copy(update={"header": okrs.header.model_copy(update={"row": 2})})
    grid = SheetGrid("OKRs", (HINT, REAL, DATA))
    assert find_header(grid, fixed, "sales.xlsx") == (2, header_map(grid, 2, fixed))


def test_a_tabs_header_row_is_mapped_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """Rows 1 and 2 looked at (row 2 holds no header: the search stops), row 1 once: it
    was mapped again for the read, to the same map, until 2026-12-07."""
    rows: list[int] = []
    mapped = header_module.header_map

    def counting(grid: SheetGrid, row: int, spec: object) -> header_module.HeaderMap:
        rows.append(row)
        return mapped(grid, row, spec)  # type: ignore[arg-type]

    monkeypatch.setattr(header_module, "header_map", counting)
    monkeypatch.setattr(extract_module, "header_map", counting, raising=False)
    okrs = load_mapping("standard").okrs
    tab, _ = extract_tab(
        SheetGrid("OKRs", (REAL, DATA)), okrs, source="s.xlsx", owned=OKR_OWNED, kind="okrs"
    )
    assert tab.layout.header_row == 1 and len(tab.records) == 1
    assert rows == [1, 2]


def test_a_header_cells_loose_keys_are_cached_for_a_headers_length() -> None:
    """``header_map`` asks the loose keys of each cell no alias names ("Target (EUR)"),
    on each row it looks at, in every team: cached for a header's length (not a
    paragraph's); a header padded past that length is read by its note all the same."""
    okrs = load_mapping("standard").okrs
    header_module._cached_loose_keys.cache_clear()
    padded = "Current (latest)" + " " * (header_module.HEADER_CHARS + 50)
    grid = SheetGrid("OKRs", (("Objective ID", "KR ID", "Target (EUR)", padded), DATA))
    for _ in range(2):
        found = header_map(grid, 1, okrs)
        assert (found.found["target"], found.found["current"]) == (3, 4)
    info = header_module._cached_loose_keys.cache_info()
    assert (info.hits, info.currsize) == (1, 1)  # "Target (EUR)" once, then from the cache
