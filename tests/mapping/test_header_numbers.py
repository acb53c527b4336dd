"""A header typed as a number: a KPI tab's year columns, headed 2025 and 2026."""

from __future__ import annotations

from sheets_sync.grid import SheetGrid
from sheets_sync.mapping.extract import extract_tab
from sheets_sync.mapping.fields import KPI_OWNED
from sheets_sync.mapping.spec import parse_mapping


def test_a_header_typed_as_a_number_matches_its_mapping_header() -> None:
    """A spreadsheet keeps the 2026 typed in a header cell as the number 2026.0, which
    read as "2026.0": ``actual: ["2026"]`` failed the team "missing column 2026 (looked
    for '2026') in header row 1" beside the column headed 2026 (until 2026-12-07)."""
    spec = parse_mapping(
        "name: years\nokrs:\n  sheet: [OKRs]\nkpis:\n  sheet: [KPIs]\n  columns:\n"
        '    previous: ["2025"]\n    actual: ["2026"]\n    target: ["Target 2026"]\n',
        source="years.yaml",
    )
    assert spec.kpis is not None
    grid = SheetGrid(
        "KPIs",
        (("KPI ID", "KPI", "Target 2026", 2025.0, 2026.0), ("K1", "Revenue", 100, 80, 90)),
    )
    tab, _ = extract_tab(grid, spec.kpis, source="y.xlsx", owned=KPI_OWNED, kind="kpis")
    columns = tab.layout.columns
    assert (columns["target"], columns["previous"], columns["actual"]) == (3, 4, 5)


def test_a_repeated_header_row_of_number_headers_is_skipped() -> None:
    """A second section pasted with its header row, its year headers typed as numbers:
    the repeat was read as a KPI, "expected a number, got 'Target'", and the sync wrote
    "Not scored" over its Status header and a note over its Sync notes header (until
    2026-12-07: the repeat was only known by text headers)."""
    spec = parse_mapping(
        "name: years\nokrs:\n  sheet: [OKRs]\nkpis:\n  sheet: [KPIs]\n  columns:\n"
        '    previous: ["2025"]\n    actual: ["2026"]\n',
        source="years.yaml",
    )
    assert spec.kpis is not None
    head = ("KPI ID", "KPI", "Target", 2025.0, 2026.0, "Status", "Sync notes")
    grid = SheetGrid(
        "KPIs",
        (head, ("K1", "Revenue", 100, 80, 90), head, ("K2", "Churn", 5, 6, 7)),
    )
    tab, _ = extract_tab(grid, spec.kpis, source="y.xlsx", owned=KPI_OWNED, kind="kpis")
    assert [r.row for r in tab.records] == [2, 4]


def test_a_data_row_whose_numbers_equal_number_headers_is_read() -> None:
    """Required cells holding 2025 and 2026 under columns headed 2025 and 2026 read as
    their headers, and the KPI was skipped without a word (until 2026-12-07): a row of
    numbers is a header only if it repeats the header row."""
    spec = parse_mapping(
        "name: years\nokrs:\n  sheet: [OKRs]\nkpis:\n  sheet: [KPIs]\n"
        "  required_columns: [previous, actual]\n  columns:\n"
        '    previous: ["2025"]\n    actual: ["2026"]\n',
        source="years.yaml",
    )
    assert spec.kpis is not None
    head = ("KPI ID", "KPI", "Target", 2025.0, 2026.0, "Status", "Sync notes")
    grid = SheetGrid(
        "KPIs",
        (
            head,
            ("K1", "Revenue", 100, 80, 90),
            ("K2", "Year", 2026, 2025, 2026),
            head,
            ("K3", "Churn", 5, 6, 7),
        ),
    )
    tab, _ = extract_tab(grid, spec.kpis, source="y.xlsx", owned=KPI_OWNED, kind="kpis")
    assert [r.row for r in tab.records] == [2, 3, 5]
