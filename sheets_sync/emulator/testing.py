"""Direct state access for tests: seed spreadsheets and read back values and formats without
going through HTTP."""

from __future__ import annotations

import copy
from typing import Any

from sheets_sync.emulator.formulas import recalc
from sheets_sync.emulator.protected import protect
from sheets_sync.emulator.ranges import parse_range
from sheets_sync.emulator.state import Store
from sheets_sync.emulator.values import render_area, write_matrix
from sheets_sync.grid import quote_tab


def seed_spreadsheet(
    store: Store,
    title: str,
    sheets: dict[str, list[list[Any]]] | None,
    owner: str | None,
    shared_with: list[str] | None,
    value_input: str,
) -> str:
    sheets = sheets or {"Sheet1": []}
    with store.lock:
        book = store.create(title, owner=owner, sheet_titles=list(sheets))
        book.shared_with = list(shared_with) if shared_with is not None else None
        for sheet, rows in zip(book.sheets, sheets.values(), strict=True):
            height = len(rows)
            width = max((len(r) for r in rows), default=0)
            sheet.grid["rowCount"] = max(sheet.row_count, height)
            sheet.grid["columnCount"] = max(sheet.col_count, width)
            write_matrix(sheet, 0, 0, rows, value_input)
        recalc(book)
        return book.spreadsheet_id


def read_values(store: Store, key: str, range_text: str, render_option: str) -> list[list[Any]]:
    with store.lock:
        area = parse_range(store.get(key), range_text)
        values: list[list[Any]] = render_area(area, "ROWS", render_option, "SERIAL_NUMBER").get(
            "values", []
        )
        return values


def read_cell(store: Store, key: str, a1: str) -> dict[str, Any]:
    with store.lock:
        area = parse_range(store.get(key), a1)
        r0, _, c0, _ = area.bounds
        return copy.deepcopy(area.sheet.cells.get((r0, c0), {}))


def seed_protection(
    store: Store,
    key: str,
    tab: str,
    a1: str | None,
    editors: list[str],
    unprotected: list[str],
    warning_only: bool,
    description: str,
) -> int:
    """A protected range (``a1``) or sheet (``None``) made by someone else."""
    with store.lock:
        book = store.get(key)
        sheet = book.sheet_by_title(tab)
        if sheet is None:
            raise KeyError(tab)

        def rect(text: str) -> dict[str, int]:
            # F:F stays unbounded, as at Google; the tab as a formula quotes it ('Bob''s')
            area = parse_range(book, f"{quote_tab(tab)}!{text}")
            sides = {
                "startRowIndex": area.r0,
                "endRowIndex": area.r1,
                "startColumnIndex": area.c0,
                "endColumnIndex": area.c1,
            }
            return {k: v for k, v in sides.items() if v is not None}

        return protect(
            book,
            sheet,
            rect(a1) if a1 else None,
            editors=editors,
            unprotected=[rect(u) for u in unprotected],
            warning_only=warning_only,
            description=description,
        )
