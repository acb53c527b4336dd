"""A company of one team, Flat, whose goals are a flat tracker (the ``flat-tracker``
mapping) in ``teams/Flat.xlsx``: its workspace file, and the tracker's tab as a test
types it."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import openpyxl
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.worksheet import Worksheet

HEADERS = ["Obj", "Objective", "Ref", "Key Result", "Lead", "From", "To", "Now", "Notes"]


def flat_workspace(root: Path) -> tuple[Path, Path]:
    """The workspace file written in ``root``, and where the team's tracker goes (its
    folder made, the file left to the test)."""
    path = root / "teams" / "Flat.xlsx"
    path.parent.mkdir()
    cfg = root / "sheets-sync.yaml"
    cfg.write_text(
        "company: Acme\nperiod: {name: Q4, start: 2026-10-01, end: 2026-12-31}\n"
        "teams:\n  - {name: Flat, source: teams/Flat.xlsx, mapping: flat-tracker}\n",
        encoding="utf-8",
    )
    return cfg, path


def flat_book(*rows: Sequence[object]) -> tuple[Workbook, Worksheet]:
    """A workbook whose one tab, Tracker, holds ``rows`` from row 1 (``HEADERS`` among
    them, where the test has them), for the test to add to and save."""
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "Tracker"
    for row in rows:
        ws.append(row)
    return wb, ws
