"""Trivial formula evaluation (arithmetic, cell references, SUM/AVERAGE/MIN/MAX/COUNT/ROUND/ABS,
a text literal, a bare reference to one cell, ``HYPERLINK`` (``links``) and ``NA()``).

Anything else keeps the formula text as its effective value, which is the documented gap: the
product writes values, not formulas, so this only has to make round trips believable. A
formula whose result is blank (``=""``, or ``=E2`` of an empty E2) has no effectiveValue and
no formattedValue, only its userEnteredValue, as Google answers it."""

from __future__ import annotations

import ast
import math
import operator
import re
from collections.abc import Callable
from typing import Any

from sheets_sync.emulator import spill
from sheets_sync.emulator.cellvalues import format_number, json_number, set_error
from sheets_sync.emulator.links import evaluate_hyperlink
from sheets_sync.emulator.numbers import format_text
from sheets_sync.emulator.state import Cell, Sheet, Spreadsheet

_REF = re.compile(
    r"(?<![A-Za-z0-9_\"])\$?([A-Z]{1,3})\$?([0-9]+)(?::\$?([A-Z]{1,3})\$?([0-9]+))?(?![A-Za-z0-9_(])"
)
#: A text literal: Sheets writes a quote inside one as two
_LITERAL = re.compile(r'("(?:[^"]|"")*")')
_MARK = "\x01"  # prefixes a cell reference's text, so that it is not taken for a text literal
_BIN: dict[type[ast.operator], Callable[[Any, Any], Any]] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
    ast.Pow: operator.pow,
}
_FUNCS: dict[str, Callable[[list[float]], float]] = {
    "SUM": math.fsum,
    "AVERAGE": lambda xs: math.fsum(xs) / len(xs),
    "MIN": lambda xs: min(xs) if xs else 0.0,
    "MAX": lambda xs: max(xs) if xs else 0.0,
    "COUNT": lambda xs: float(len(xs)),
    "ABS": lambda xs: abs(xs[0]),
    "ROUND": lambda xs: float(round(xs[0], int(xs[1]) if len(xs) > 1 else 0)),
}


class UnsupportedError(Exception):
    """The formula uses something this evaluator does not implement."""


def _col_index(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n - 1


class _Evaluator:
    def __init__(self, sheet: Sheet, depth: int) -> None:
        self.sheet = sheet
        self.depth = depth

    def cell_number(self, row: int, col: int) -> float | None:
        cell = self.sheet.cells.get((row, col))
        if not cell:
            return None
        if "formulaValue" in cell.get("userEnteredValue", {}) and self.depth < 8:
            evaluate_cell(self.sheet, cell, self.depth + 1)
        eff = cell.get("effectiveValue", {})
        if "numberValue" in eff:
            return float(eff["numberValue"])
        if "boolValue" in eff:
            return float(eff["boolValue"])
        return None

    def area(self, ref: str) -> list[float]:
        m = _REF.fullmatch(ref)
        if not m:
            raise UnsupportedError(ref)
        c0, r0 = _col_index(m.group(1)), int(m.group(2)) - 1
        c1 = _col_index(m.group(3)) if m.group(3) else c0
        r1 = int(m.group(4)) - 1 if m.group(4) else r0
        out = []
        for r in range(min(r0, r1), max(r0, r1) + 1):
            for c in range(min(c0, c1), max(c0, c1) + 1):
                v = self.cell_number(r, c)
                if v is not None:
                    out.append(v)
        return out

    def eval(self, node: ast.AST) -> Any:
        if isinstance(node, ast.Expression):
            return self.eval(node.body)
        if isinstance(node, ast.Constant) and isinstance(node.value, int | float | str):
            if isinstance(node.value, str):
                if not node.value.startswith(_MARK):
                    raise UnsupportedError("text in arithmetic")
                return self.area(node.value[1:])
            return float(node.value)
        if isinstance(node, ast.BinOp) and type(node.op) in _BIN:
            return _BIN[type(node.op)](self.scalar(node.left), self.scalar(node.right))
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub | ast.UAdd):
            value = self.scalar(node.operand)
            return -value if isinstance(node.op, ast.USub) else value
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            func = _FUNCS.get(node.func.id)
            if func is None or node.keywords:
                raise UnsupportedError(node.func.id)
            args: list[float] = []
            for arg in node.args:
                value = self.eval(arg)
                args.extend(value if isinstance(value, list) else [value])
            return func(args)
        raise UnsupportedError(type(node).__name__)

    def scalar(self, node: ast.AST) -> float:
        value = self.eval(node)
        if isinstance(value, list):
            if len(value) > 1:
                raise UnsupportedError("range in scalar context")
            return value[0] if value else 0.0
        return float(value)

    def referenced(self, ref: str) -> Cell | None:
        """The cell a bare ``=E2`` shows, evaluated; None when E2 is blank (empty, or a
        formula showing blank), which Google passes on as blank, not as 0."""
        m = _REF.fullmatch(ref)
        if not m or m.group(3):
            raise UnsupportedError(ref)
        cell = self.sheet.cells.get((int(m.group(2)) - 1, _col_index(m.group(1))))
        if not cell:
            return None
        if "formulaValue" in cell.get("userEnteredValue", {}):
            if self.depth >= 8:
                raise UnsupportedError("reference chain too deep")
            evaluate_cell(self.sheet, cell, self.depth + 1)
        return cell if cell.get("effectiveValue") else None


def _blank(cell: Cell) -> None:
    """Google's answer for a formula showing blank: the formula, no value, no text (probe
    of real Google: cartularium/cartularium packages/assay/docs/gsheets-celldata-probes.md,
    ``=""``, ``=IF(,,)`` and a VLOOKUP of an empty cell)."""
    cell.pop("effectiveValue", None)
    cell.pop("formattedValue", None)


def _bare(sheet: Sheet, cell: Cell, node: ast.AST, depth: int) -> bool:
    """Fill a formula that is one text literal or one cell reference; False for others."""
    if not (isinstance(node, ast.Expression) and isinstance(node.body, ast.Constant)):
        return False
    text = node.body.value
    if not isinstance(text, str):
        return False
    # a text result is shown by this cell's text section, as a typed text is
    # (``0;0;0;"t: "@`` shows ="abc" as t: abc; until a review on 2026-12-08 abc, and a
    # reference to a text the other cell's shown text)
    pattern = cell.get("userEnteredFormat", {}).get("numberFormat", {}).get("pattern")
    if not text.startswith(_MARK):
        if text:
            cell["effectiveValue"] = {"stringValue": text}
            cell["formattedValue"] = format_text(text, pattern)
        else:
            _blank(cell)
        return True
    shown = _Evaluator(sheet, depth).referenced(text[1:])
    if shown is None:
        _blank(cell)
        return True
    value = dict(shown["effectiveValue"])
    cell["effectiveValue"] = value
    if "numberValue" in value:  # shown in this cell's own number format
        fmt = cell.get("userEnteredFormat", {}).get("numberFormat")
        cell["formattedValue"] = format_number(float(value["numberValue"]), fmt)
    elif "stringValue" in value:
        cell["formattedValue"] = format_text(str(value["stringValue"]), pattern)
    else:
        cell["formattedValue"] = str(shown.get("formattedValue", ""))
    return True


def _python(formula: str) -> str:
    """The formula as a Python expression: each text literal a Python string (Sheets
    writes a quote inside one as ``""``), each cell reference outside them a marked one.
    Text inside a literal is never taken for a reference (``="see B1"`` shows ``see B1``)."""
    parts = []
    for piece in _LITERAL.split(formula):
        if len(piece) > 1 and piece[0] == piece[-1] == '"':
            parts.append(repr(piece[1:-1].replace('""', '"')))
        else:
            code = _REF.sub(lambda m: repr(_MARK + m.group(0).replace("$", "")), piece)
            parts.append(code.replace("^", "**"))
    return "".join(parts)


def evaluate_cell(sheet: Sheet, cell: Cell, depth: int = 0) -> None:
    """Fill effectiveValue/formattedValue of a formula cell in place."""
    formula = str(cell["userEnteredValue"]["formulaValue"])
    expr = _python(formula[1:].strip())
    fmt = cell.get("userEnteredFormat", {}).get("numberFormat")
    if expr.replace(" ", "").upper() == "NA()":  # Google's N_A of =NA() has no message
        set_error(cell, "N_A")
        return
    try:
        tree = ast.parse(expr, mode="eval")
        if _bare(sheet, cell, tree, depth):
            return
        if evaluate_hyperlink(cell, tree, _Evaluator(sheet, depth).referenced):
            return
        value = _Evaluator(sheet, depth).scalar(tree)
    except ZeroDivisionError:
        set_error(cell, "DIVIDE_BY_ZERO", "Function DIVIDE parameter 2 cannot be zero.")
        return
    except (UnsupportedError, SyntaxError, ValueError, TypeError, OverflowError):
        cell["effectiveValue"] = {"stringValue": formula}
        cell["formattedValue"] = formula
        return
    cell["effectiveValue"] = {"numberValue": json_number(value)}
    cell["formattedValue"] = format_number(value, fmt)


def recalc(book: Spreadsheet) -> None:
    """Every formula again; a formula that fills a range (``spill``) fills it, and the
    others are evaluated once more when one did, so ``=C5`` shows a filled C5."""
    book.unsettled = False
    for sheet in book.sheets:
        spill.clear(sheet)
        _evaluate_all(sheet, set())
        anchors = spill.fill(sheet, evaluate_cell)
        if anchors:
            _evaluate_all(sheet, anchors)


def _evaluate_all(sheet: Sheet, skip: set[tuple[int, int]]) -> None:
    for pos, cell in sheet.cells.items():
        if pos not in skip and "formulaValue" in cell.get("userEnteredValue", {}):
            evaluate_cell(sheet, cell)
