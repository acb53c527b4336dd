"""The floor: a python-calamine read-only pass over the same files (no checks, no writes)."""

from __future__ import annotations

from pathlib import Path

import python_calamine as pc


def run_floor(folder: Path, tabs: tuple[str, ...] = ("OKRs", "KPIs")) -> dict[str, float]:
    cells = 0
    for path in sorted(folder.glob("*.xlsx")):
        with pc.CalamineWorkbook.from_path(str(path)) as book:
            for tab in tabs:
                rows = book.get_sheet_by_name(tab).to_python()
                cells += sum(len(r) for r in rows)
    return {"cells": float(cells)}
