"""Replies that are valid JSON but not the shape the Sheets API documents.

A proxy, an API change or a truncated field mask can hand us a list where an object was
expected, or an object without ``sheets``; indexing it would surface as a KeyError or an
AttributeError with no team attached. Parsers check the skeleton with ``obj``/``arr`` and
run inside ``reply_shape``, which turns any such slip into one ``RemoteError`` naming the
team, the request and what was unexpected.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from sheets_sync.errors import RemoteError
from sheets_sync.grid import tab_key

UNEXPECTED = "Google Sheets answered in an unexpected shape"


class ShapeError(ValueError):
    """A reply's part is not what the API documents; the message says which part."""


def describe(value: Any) -> str:
    """``a list``, ``a string``, ``null``: what came instead, never the content itself."""
    if value is None:
        return "null"
    kinds = {dict: "an object", list: "a list", str: "a string", bool: "a boolean"}
    return kinds.get(type(value), "a number" if isinstance(value, int | float) else "a value")


def obj(value: Any, where: str) -> Mapping[str, Any]:
    if not isinstance(value, dict):
        raise ShapeError(f"{where} is {describe(value)}, not an object")
    return value


def arr(value: Any, where: str) -> list[Any]:
    if not isinstance(value, list):
        raise ShapeError(f"{where} is {describe(value)}, not a list")
    return value


def need(body: Mapping[str, Any], field: str, where: str = "the reply") -> Any:
    if field not in body:
        raise ShapeError(f"{where} has no {field!r}")
    return body[field]


def sheet_tabs(body: Mapping[str, Any]) -> list[tuple[Mapping[str, Any], Mapping[str, Any]]]:
    """Each tab of a ``spreadsheets.get`` reply, with its ``properties``: a spreadsheet
    has at least one tab, so ``sheets`` is never left out."""
    tabs = []
    for i, sheet in enumerate(arr(need(body, "sheets"), "sheets")):
        tab = obj(sheet, f"sheets[{i}]")
        props = need(tab, "properties", f"sheets[{i}]")
        tabs.append((tab, obj(props, f"sheets[{i}].properties")))
    return tabs


def tab_size(props: Mapping[str, Any], title: str, *, empty_ok: bool = False) -> tuple[int, int]:
    """A tab's (rows, columns) from its ``properties`` in a ``spreadsheets.get`` reply;
    0 for a count the reply leaves out. The team read, its grid and the Google rollup
    each worked it out (until 2026-12-07).

    ``empty_ok``: a ``gridProperties`` that is null or empty (``null``, ``[]``, ``""``,
    ``0``) is 0 by 0, as the rollup always read it (``props.get(...) or {}``): the
    rollup rewrites its tabs whole and only shrinks by the size, so it publishes on;
    from 2026-12-07 until this flag it refused the whole publish instead."""
    grid = props.get("gridProperties", {})
    grid = obj({} if empty_ok and not grid else grid, f"{title} gridProperties")
    return int(grid.get("rowCount", 0)), int(grid.get("columnCount", 0))


@contextmanager
def reply_shape(source: str, what: str, key: str = "") -> Iterator[None]:
    """Parse a reply; a wrong shape becomes a ``RemoteError`` for ``source``."""
    try:
        yield
    except ShapeError as exc:
        detail = str(exc)
    except (KeyError, IndexError, TypeError, AttributeError, ValueError, ArithmeticError) as exc:
        detail = f"{type(exc).__name__}: {exc}"[:200]
    else:
        return
    where = f" (key {key})" if key and key not in source else ""
    raise RemoteError(f"{what}: {UNEXPECTED}{where}: {detail}", source=source)


def tabs_as_read(body: Mapping[str, Any], wanted: frozenset[str]) -> dict[str, str]:
    """Each tab of ``wanted`` (``tab_key``s) in a ``spreadsheets.get`` reply, as a digest
    of all of it (cells, formats, protections, size), by its title: a team's tabs as its
    read had them (``GoogleSheetsBackend._moved``). A formula's cell counts by its formula
    (a person editing it edits the tab), not its computed ``effectiveValue``: Google
    recalculates ``NOW()``, ``RAND()``, ``IMPORTRANGE``, ``GOOGLEFINANCE`` and a formula
    reading a sheet-mate's tab on every edit, the sync's own write to a sheet-mate too, and
    the write never overwrites a formula's result (until 2026-12-07 such a cell made a team
    written out of its sheet's turn CONFLICTED every night, said edited by someone)."""
    return {
        str(props.get("title", "")): hashlib.sha256(
            json.dumps(_as_entered(sheet), sort_keys=True).encode("utf-8")
        ).hexdigest()
        for sheet, props in sheet_tabs(body)
        if tab_key(str(props.get("title", ""))) in wanted
    }


def _as_entered(sheet: Mapping[str, Any]) -> Any:
    """A tab of a reply, its formula cells without their computed ``effectiveValue``;
    parts of another shape as they are (still digested, never an error here)."""
    data = sheet.get("data")
    if not isinstance(data, list):
        return sheet
    return {**sheet, "data": [_block(block) for block in data]}


def _block(block: Any) -> Any:
    rows = block.get("rowData") if isinstance(block, dict) else None
    if not isinstance(rows, list):
        return block
    return {**block, "rowData": [_row(row) for row in rows]}


def _row(row: Any) -> Any:
    values = row.get("values") if isinstance(row, dict) else None
    if not isinstance(values, list):
        return row
    return {**row, "values": [_cell(cell) for cell in values]}


def _cell(cell: Any) -> Any:
    entered = cell.get("userEnteredValue") if isinstance(cell, dict) else None
    if not isinstance(entered, dict) or "formulaValue" not in entered:
        return cell
    # its number format too: a formula in Automatic takes the format of what it reads, so
    # a sheet-mate's first night restyling a Score made this tab "edited" (a read found)
    return {k: v for k, v in cell.items() if k not in ("effectiveValue", "effectiveFormat")}
