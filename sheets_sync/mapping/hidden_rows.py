"""Rows of goal data a tab hides, and so does not read: said once a tab, each night (a
dropped key result's row is deleted or moved to an archive tab, docs/mappings.md), so one
hidden by mistake is seen. Hidden by hand, or hidden inside a row group (collapsed, or
hidden by hand in an expanded group: the file does not tell which, so neither is said).
An Excel Table's totals row is no goal. Until 2026-12-07 both were skipped without a
word."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from sheets_sync.domain.models import Finding, Severity
from sheets_sync.grid import SheetGrid, column_spans
from sheets_sync.mapping.examples import is_example
from sheets_sync.mapping.header import repeats_header
from sheets_sync.mapping.spec import TabSpec

#: the spans of rows a warning names; the rest are counted (2,500 rows hidden one in two
#: made a warning of 14,538 characters until 2026-12-07)
SPANS_SHOWN = 20


def row_spans(rows: Sequence[int]) -> str:
    """``rows 7, 9-12`` for 7, 9, 10, 11, 12; ``row 7`` for 7; past ``SPANS_SHOWN`` spans,
    ``rows 3, 5, ... 41 and 2,480 more``."""
    spans = column_spans(rows)
    said = ", ".join(str(a) if a == b else f"{a}-{b}" for a, b in spans[:SPANS_SHOWN])
    if len(spans) > SPANS_SHOWN:
        said += f" and {sum(b - a + 1 for a, b in spans[SPANS_SHOWN:]):,} more"
    return f"{'row' if len(rows) == 1 else 'rows'} {said}"


def _advice(rows: Sequence[int]) -> tuple[str, str, str, str]:
    """``is``, ``it``, ``the row``, ``its goal is`` for one row; the plural for more."""
    if len(rows) == 1:
        return "is", "it", "the row", "its goal is"
    return "are", "them", "the rows", "their goals are"


def hidden_said(
    unread: Sequence[int],
    grid: SheetGrid,
    spec: TabSpec,
    columns: Mapping[str, int],
    header_row: int,
    source: str,
) -> list[Finding]:
    """The warnings for ``unread``, the hidden rows of the tab that hold data (not empty),
    but those an example or a repeat of the header row (skipped for that)."""
    head = grid.rows[header_row - 1]
    by_hand: list[int] = []
    grouped: list[int] = []
    for row in unread:
        line = grid.rows[row - 1]
        values = {n: line[c - 1] if c <= len(line) else None for n, c in columns.items()}
        if row in grid.total_rows:  # an Excel Table's totals row: no goal (p4, 2026-12-07)
            continue
        if is_example(values, spec.example_prefix) or repeats_header(values, spec, line, head):
            continue
        (grouped if row in grid.grouped_rows else by_hand).append(row)
    said = (
        (
            grouped,
            "hidden, inside a row group, and not read; expand the group (the + beside it) or",
        ),
        (by_hand, "hidden and not read (a hidden row of goal data is warned of each night);"),
    )
    return [_warning(rows, state, grid, source) for rows, state in said if rows]


def _warning(rows: Sequence[int], state: str, grid: SheetGrid, source: str) -> Finding:
    """``rows`` are ``state``, then what to do, worded for one row or several."""
    verb, it, the_rows, goals = _advice(rows)
    return Finding(
        Severity.WARNING,
        f"{row_spans(rows)} {verb} {state} unhide {it} to have {it} read, or delete "
        f"{the_rows} (or move {it} to an archive tab) if {goals} dropped",
        source,
        grid.name,
    )
