"""Rows of goal data a tab hides, and so does not read: said once a tab. Hidden by hand
(a row hidden is how a team drops a key result, docs/mappings.md: a note that names the
rows, so one hidden by mistake is seen), or inside a collapsed row group (a view folded
away, not a decision: expand it). Until 2026-12-07 both were skipped without a word."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from sheets_sync.domain.models import Finding, Severity
from sheets_sync.grid import SheetGrid, column_spans
from sheets_sync.mapping.examples import is_example
from sheets_sync.mapping.header import repeats_header
from sheets_sync.mapping.spec import TabSpec


def row_spans(rows: Sequence[int]) -> str:
    """``rows 7, 9-12`` for 7, 9, 10, 11, 12; ``row 7`` for 7."""
    spans = ", ".join(str(a) if a == b else f"{a}-{b}" for a, b in column_spans(rows))
    return f"{'row' if len(rows) == 1 else 'rows'} {spans}"


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
        if is_example(values, spec.example_prefix) or repeats_header(values, spec, line, head):
            continue
        (grouped if row in grid.grouped_rows else by_hand).append(row)
    findings = []
    if grouped:
        said = row_spans(grouped)
        findings.append(
            Finding(
                Severity.WARNING,
                f"{said} {'is' if len(grouped) == 1 else 'are'} in a collapsed row group and "
                "not read; expand the group (the + beside it) to have them read, or delete "
                "the rows if their goals are dropped",
                source,
                grid.name,
            )
        )
    if by_hand:
        said = row_spans(by_hand)
        findings.append(
            Finding(
                Severity.WARNING,
                f"{said} {'is' if len(by_hand) == 1 else 'are'} hidden and not read (a hidden "
                "row is a dropped goal); unhide any that should count",
                source,
                grid.name,
            )
        )
    return findings
