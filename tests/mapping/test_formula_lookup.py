"""Owned cells' formulas and merges are found with the tab's boxes indexed once."""

from __future__ import annotations

from collections.abc import Iterator

from sheets_sync.grid import CellRange, CellValue, FormulaLookup, SheetGrid
from sheets_sync.mapping.extract import extract_tab
from sheets_sync.mapping.fields import OKR_OWNED
from sheets_sync.mapping.spec import load_mapping

HEAD = ("Objective ID", "KR ID", "Target", "Current", "Score", "Expected", "Status", "Sync notes")


class CountedBoxes(tuple[CellRange, ...]):
    """The grid's arrays, counting every box anything looks at."""

    seen = 0

    def __iter__(self) -> Iterator[CellRange]:
        for box in super().__iter__():
            CountedBoxes.seen += 1
            yield box


def test_owned_formulas_take_linear_work_in_the_arrays() -> None:
    """Every owned cell of every row scanned all the array formulas: a 2-cell array on
    each of 5,000 rows took 22 s (before 2026-12-06), rows x owned cells x arrays."""
    n = 3_000
    rows: list[tuple[CellValue, ...]] = [HEAD]
    rows += [("O1", f"O1.{r}", 10, 5, None, None, None, None, 1, 1) for r in range(n)]
    # rows 2..n+1: an array formula in I:J (not owned); row 3's also covers Score..Status
    arrays = [CellRange(r, 9, r, 10) for r in range(2, n + 2)] + [CellRange(3, 5, 3, 7)]
    texts = {(b.min_row, b.min_col): f"=TRANSPOSE(A{b.min_row}:B{b.min_row})" for b in arrays}
    grid = SheetGrid("OKRs", tuple(rows), formula_cells=texts, formula_arrays=CountedBoxes(arrays))
    CountedBoxes.seen = 0
    tab, _ = extract_tab(
        grid, load_mapping("standard").okrs, source="s.xlsx", owned=OKR_OWNED, kind="okrs"
    )
    assert len(tab.records) == n
    assert tab.owned_formulas == {(3, c): "=TRANSPOSE(A3:B3)" for c in (5, 6, 7)}
    assert CountedBoxes.seen <= len(OKR_OWNED) * len(arrays)  # was 36 million


def test_the_lookup_agrees_with_the_grid() -> None:
    """Boxes nested, overlapping, tall, side by side: found the same, cell by cell."""
    arrays = (
        CellRange(2, 2, 9, 3),
        CellRange(4, 3, 5, 4),  # overlaps the first (a file Excel would refuse)
        CellRange(11, 1, 1_048_576, 1),
        CellRange(12, 2, 12, 2),
        CellRange(3, 3, 3, 3),  # inside the first
    )
    texts = {(2, 2): "=A", (4, 3): "=B", (11, 1): "=C", (12, 2): "=D", (6, 6): "=E"}
    grid = SheetGrid("T", (), formula_cells=texts, formula_arrays=arrays)
    lookup = FormulaLookup(grid)
    for row in (*range(1, 15), 500_000, 1_048_576, 1_048_577):
        for col in range(1, 8):
            got = lookup.formula(row, col)
            assert (got is None) == (grid.formula(row, col) is None), (row, col)
            if (row, col) != (4, 3) and not (4 <= row <= 5 and col == 3):
                assert got == grid.formula(row, col), (row, col)


def test_merges_take_linear_work() -> None:
    """Every input and owned cell of every row scanned all the merges: a merge on each of
    2,000 rows took 8 s (before 2026-12-06). Their warnings are unchanged."""
    n = 3_000
    rows: list[tuple[CellValue, ...]] = [(*HEAD, "Note")]
    rows += [("O1", f"O1.{r}", 10, 5, None, None, None, None, "x", None) for r in range(n)]
    merges = [CellRange(r, 9, r, 10) for r in range(2, n + 2)]
    merges += [CellRange(3, 3, 4, 3), CellRange(5, 4, 5, 6)]  # Target down, Current..Expected
    grid = SheetGrid("OKRs", tuple(rows), merged=CountedBoxes(merges))
    CountedBoxes.seen = 0
    tab, findings = extract_tab(
        grid, load_mapping("standard").okrs, source="s.xlsx", owned=OKR_OWNED, kind="okrs"
    )
    assert [str(f) for f in findings] == [
        "s.xlsx!OKRs!C4: C4 is inside merged cells C3:C4; only the first row's value is "
        "read, unmerge to give each row its own",
        "s.xlsx!OKRs!E5: E5, F5 are inside merged cells, so the sync cannot write this "
        "row's results there; unmerge them",
    ]
    assert tab.layout.merged_owned == {(5, 5), (5, 6)}
    assert CountedBoxes.seen <= 20 * len(merges)  # was 36 million


def test_short_rows_and_a_tab_without_boxes_read_as_through_the_grid() -> None:
    """A row's cells are taken from its tuple (no ``grid.value`` a cell) and a tab with
    no merges or arrays looks none up: a row shorter than the header reads None past
    its end, as ``grid.value`` gives, in input and owned columns alike."""
    rows: tuple[tuple[CellValue, ...], ...] = (
        HEAD,
        ("O1", "O1.1", 10, 5, 0.5, None, "On track", "note"),
        ("O1", "O1.2", 10),  # ends before Current and every owned column
        ("O1", "O1.3", 10, 4, 0.4),  # ends at Score
    )
    grid = SheetGrid("OKRs", rows, formula_cells={(4, 5): "=D4/C4"})
    tab, _ = extract_tab(
        grid, load_mapping("standard").okrs, source="s.xlsx", owned=OKR_OWNED, kind="okrs"
    )
    columns = tab.layout.columns
    owned_cols = [columns[n] for n in OKR_OWNED if n in columns]
    assert len(owned_cols) == 4 and len(tab.records) == 3
    for record in tab.records:
        for name, col in columns.items():
            if name not in OKR_OWNED:
                assert record.values[name] == grid.value(record.row, col), (record.row, name)
        for col in owned_cols:
            assert tab.owned_values[(record.row, col)] == grid.value(record.row, col)
    assert tab.owned_formulas == {(4, 5): "=D4/C4"}
    assert tab.layout.merged_owned == frozenset()
