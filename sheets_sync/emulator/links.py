"""Links and rich text in cells, as the Sheets API v4 documents ``CellData``.

- ``=HYPERLINK(url, [label])`` shows its label (the url when there is none) and the cell's
  read-only ``hyperlink`` is the url; a label of ``""`` shows blank, as ``=""`` does.
- ``hyperlink`` is also the link of a cell-level ``userEnteredFormat.textFormat.link``, or
  of a ``textFormatRuns`` link that spans the whole text; several links leave it out.
- ``textFormatRuns`` apply to a typed string only, and a new ``userEnteredValue`` erases
  them ("When writing a new user_entered_value, previous runs are erased"), as it erases
  ``chipRuns``.

A probe of real Google (``cartularium/cartularium``,
``packages/assay/docs/gsheets-celldata-probes.md``, probes 3 and 7) shows both.
Before 2026-12-06 the emulator kept the formula text as a HYPERLINK cell's value, never
served ``textFormatRuns`` or ``hyperlink``, and kept stale runs over a new value.
"""

from __future__ import annotations

import ast
from typing import Any

from sheets_sync.emulator.cellvalues import format_number
from sheets_sync.emulator.numbers import general_format
from sheets_sync.emulator.state import Cell

RUNS = "textFormatRuns"
_MARK = "\x01"  # formulas._MARK: a cell reference's text


def drop_stale_runs(cell: Cell, written: dict[str, Any]) -> None:
    """After an update of mask ``written``: a new value erases runs not written with it,
    and runs stay only on a typed string."""
    if "userEnteredValue" in written and RUNS not in written:
        cell.pop(RUNS, None)
    if "stringValue" not in cell.get("userEnteredValue", {}):
        cell.pop(RUNS, None)


def _is_hyperlink(node: ast.AST) -> bool:
    return (
        isinstance(node, ast.Expression)
        and isinstance(node.body, ast.Call)
        and isinstance(node.body.func, ast.Name)
        and node.body.func.id.upper() == "HYPERLINK"  # Sheets takes =hyperlink(...) too
        and 1 <= len(node.body.args) <= 2
        and not node.body.keywords
        and all(isinstance(a, ast.Constant) for a in node.body.args)
    )


def _shown(arg: ast.AST, referenced: Any) -> dict[str, Any] | None:
    """An argument's value: a literal, or the effectiveValue of the cell it names."""
    assert isinstance(arg, ast.Constant)
    value = arg.value
    if isinstance(value, str) and value.startswith(_MARK):
        cell = referenced(value[1:])
        return dict(cell["effectiveValue"]) if cell else None
    if isinstance(value, str):
        return {"stringValue": value}
    if isinstance(value, bool):
        return {"boolValue": value}
    if isinstance(value, int | float):
        return {"numberValue": float(value)}
    return None


def evaluate_hyperlink(cell: Cell, tree: ast.AST, referenced: Any) -> bool:
    """Fill a ``=HYPERLINK(...)`` cell's value; False for any other formula."""
    if not _is_hyperlink(tree):
        return False
    assert isinstance(tree, ast.Expression) and isinstance(tree.body, ast.Call)
    args = tree.body.args
    url = _shown(args[0], referenced)
    label = _shown(args[1], referenced) if len(args) > 1 else url
    if label is None:  # a label naming an empty cell shows the url
        label = url
    cell.pop("effectiveValue", None)
    cell.pop("formattedValue", None)
    if not label or label == {"stringValue": ""}:
        return True
    cell["effectiveValue"] = label
    if "numberValue" in label:
        fmt = cell.get("userEnteredFormat", {}).get("numberFormat")
        cell["formattedValue"] = format_number(float(label["numberValue"]), fmt)
    elif "boolValue" in label:
        cell["formattedValue"] = general_format(bool(label["boolValue"]))
    else:  # an error of a label naming a cell in error shows as refresh_cell shows one
        cell["formattedValue"] = str(label.get("stringValue", "#ERROR!"))
    return True


def _formula_url(formula: str) -> str | None:
    """The url of a ``=HYPERLINK("url", ...)`` whose url is a text literal."""
    text = formula[1:].strip()
    if not text.upper().startswith("HYPERLINK("):
        return None
    rest = text[len("HYPERLINK(") :].lstrip()
    if not rest.startswith('"'):
        return None
    out, i = [], 1
    while i < len(rest):
        if rest[i] == '"':
            if rest[i + 1 : i + 2] == '"':
                out.append('"')
                i += 2
                continue
            return "".join(out)
        out.append(rest[i])
        i += 1
    return None


def hyperlink(cell: Cell) -> str | None:
    """The read-only ``hyperlink`` of a cell, None when it has none (or several)."""
    formula = cell.get("userEnteredValue", {}).get("formulaValue")
    if isinstance(formula, str):
        return _formula_url(formula)
    runs = cell.get(RUNS) or []
    links = {str(r.get("format", {}).get("link", {}).get("uri", "")) for r in runs}
    whole = runs and not int(runs[0].get("startIndex", 0))
    if whole and "" not in links and len(links) == 1:  # one link over the whole text
        return links.pop()
    if any(links - {""}):
        return None
    uri = cell.get("userEnteredFormat", {}).get("textFormat", {}).get("link", {}).get("uri")
    return str(uri) if uri else None


def linked(effective: dict[str, Any], link: str, cell: Cell) -> None:
    """A linked cell's ``effectiveFormat``, as Google's for ``=HYPERLINK``: the link in its
    text format and ``hyperlinkDisplayType`` LINKED (the blue underline is not modelled)."""
    effective["hyperlinkDisplayType"] = "LINKED"
    if "formulaValue" in cell.get("userEnteredValue", {}):
        effective.setdefault("textFormat", {})["link"] = {"uri": link}
