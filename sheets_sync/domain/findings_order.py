"""The order a team lead reads a team's findings in: a tab's from top to bottom."""

from __future__ import annotations

import re

from sheets_sync.domain.models import Finding

_CELL = re.compile(r"^([A-Z]{0,3})(\d+)")


def sheet_positions(findings: list[Finding]) -> list[int]:
    """The indices of ``findings`` by tab (in the order each first appears), then row,
    then column; stable, so a cell's findings keep the order their checks made them.
    Each check appended its own: a row's parse errors, then every row's validation, then
    lint, so ``G3``, ``H4`` came before ``G2`` in ``validate`` (until 2026-12-06). A
    finding with no cell (the tab's or the file's) goes first in its tab. A team keeps
    the indices (``TeamResult.check_order``) so a row's Sync notes cell keeps the order
    its checks made, as before the sort (else a cell read before that day changed for
    nothing)."""
    tabs: dict[tuple[str, str | None], int] = {}
    for f in findings:
        tabs.setdefault((f.source, f.tab), len(tabs))
    keys = [(tabs[(f.source, f.tab)], *_position(f)) for f in findings]
    return sorted(range(len(findings)), key=keys.__getitem__)


def _position(finding: Finding) -> tuple[int, int]:
    """(row, column) of a finding's cell: ``J7`` (7, 10), a whole row ``7:7`` (7, 0),
    none (0, 0)."""
    match = _CELL.match(finding.cell or "")
    row = finding.row if finding.row is not None else int(match.group(2)) if match else 0
    col = 0
    for ch in match.group(1) if match else "":
        col = col * 26 + ord(ch) - 64
    return row, col
