"""Array formulas that fill a range from one cell, as Google serves them.

``=ARRAYFORMULA(B2:B6*2)`` (and ``SEQUENCE``, ``SORT``, ``UNIQUE``, ``FILTER``, which
spill on their own) is typed in one cell, the anchor, and Google fills the cells right of
and below it. A ``spreadsheets.get`` gives a filled cell an ``effectiveValue`` and
``formattedValue`` but no ``userEnteredValue``; a blank result is no value at all (probe of
real Google: cartularium/cartularium, ``packages/assay/docs/gsheets-celldata-probes.md``,
9.a-9.c). When a cell of the range holds content (a value someone typed, or the sync
wrote), the array is not expanded: the anchor shows ``#REF!`` ("Array result was not
expanded because it would overwrite data in R5.") and the whole column is gone, which is
what a test of the sync's refusal must be able to see.

What is evaluated: ``ARRAYFORMULA(expr)`` element by element (each range of ``expr``,
``B2:B`` open-ended to the last row included, replaced by its cell of that row and
column, and that formula evaluated as any other: an element the evaluator does not
understand, ``IF`` say, shows its own text, ``=IF(B3>0,...)``); ``SEQUENCE`` of number
literals; ``SORT(range)`` and ``UNIQUE(range)`` of one range (no further arguments);
``FILTER(range, condition)``, the condition a range (a row kept where its cell is TRUE
or a number other than 0) or a range compared with a number or text literal. Any other
form keeps the anchor's own text, as any formula the emulator does not evaluate, and
fills nothing.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from sheets_sync.emulator.cellvalues import ERROR_SHOWN, format_number, set_error
from sheets_sync.emulator.state import Cell, Sheet
from sheets_sync.grid import FORMULA_RANGE, TEXT_LITERAL, CellRange, array_shape, range_of

#: A range (``B2:C6``) or one open-ended to the last row (``B2:B``), not another tab's
#: (``Data!A2:B``): the Google backend's parser, so both judge an array's size alike
_RANGE = FORMULA_RANGE
_LITERAL = TEXT_LITERAL
_CALL = re.compile(r"^=\s*([A-Z]+)\s*\((.*)\)\s*$", re.S)
_COMPARE = re.compile(r'^(.+?)\s*(<>|<=|>=|=|<|>)\s*(-?[0-9.]+|"(?:[^"]|"")*")$')
SPILLERS = ("ARRAYFORMULA", "SEQUENCE", "SORT", "UNIQUE", "FILTER")

Value = dict[str, Any] | None  # an effectiveValue, None for blank
Box = tuple[int, int, int, int]  # zero-based first row, first col, last row, last col


def _letters(col: int) -> str:
    out = ""
    col += 1
    while col:
        col, rest = divmod(col - 1, 26)
        out = chr(65 + rest) + out
    return out


def _box(sheet: Sheet, m: re.Match[str]) -> Box:
    return _zero(range_of(m, sheet.row_count))


def _zero(box: CellRange) -> Box:
    return box.min_row - 1, box.min_col - 1, box.max_row - 1, box.max_col - 1


def _args(text: str) -> list[str]:
    """Top-level arguments of a call (commas inside brackets or text literals kept)."""
    out, depth, quoted, start = [], 0, False, 0
    for i, ch in enumerate(text):
        if ch == '"':
            quoted = not quoted
        elif not quoted and ch in "({":
            depth += 1
        elif not quoted and ch in ")}":
            depth -= 1
        elif not quoted and depth == 0 and ch == ",":
            out.append(text[start:i].strip())
            start = i + 1
    out.append(text[start:].strip())
    return [a for a in out if a] if out != [""] else []


class _Spill:
    """One anchor's result: a matrix of effective values (None: blank)."""

    def __init__(self, sheet: Sheet, evaluate: Callable[[Sheet, Cell], None]) -> None:
        self.sheet = sheet
        self.evaluate = evaluate

    def value(self, row: int, col: int) -> Value:
        cell = self.sheet.cells.get((row, col))
        value = cell.get("effectiveValue") if cell else None
        return dict(value) if value else None

    def area(self, box: Box) -> list[list[Value]]:
        r0, c0, r1, c1 = box
        return [[self.value(r, c) for c in range(c0, c1 + 1)] for r in range(r0, r1 + 1)]

    def element(self, formula: str, i: int, j: int) -> Value:
        """The formula with each range replaced by its cell at (i, j), evaluated."""
        parts = []
        for piece in _LITERAL.split(formula):
            if len(piece) > 1 and piece[0] == piece[-1] == '"':
                parts.append(piece)
                continue

            def one(m: re.Match[str]) -> str:
                r0, c0, r1, c1 = _box(self.sheet, m)
                row = r0 if r0 == r1 else r0 + i
                col = c0 if c0 == c1 else c0 + j
                return f"{_letters(col)}{row + 1}"

            parts.append(_RANGE.sub(one, piece))
        cell: Cell = {"userEnteredValue": {"formulaValue": "=" + "".join(parts)}}
        self.evaluate(self.sheet, cell)
        value = cell.get("effectiveValue")
        return dict(value) if value else None

    def shape(self, expr: str) -> tuple[int, int]:
        return array_shape(expr, self.sheet.row_count)

    def result(self, formula: str) -> list[list[Value]] | None:
        """The filled matrix, or None when this is no spilling formula we model."""
        call = _CALL.match(formula)
        if call is None or call.group(1) not in SPILLERS:
            return None
        name, args = call.group(1), _args(call.group(2))
        whole = [_RANGE.fullmatch(a) for a in args]
        if name == "ARRAYFORMULA" and len(args) == 1:
            rows, cols = self.shape(args[0])
            if rows * cols == 1:
                return None
            return [[self.element(args[0], i, j) for j in range(cols)] for i in range(rows)]
        if name == "SEQUENCE" and 1 <= len(args) <= 4:
            try:
                n, m, start, step = ([float(a) for a in args] + [1.0, 1.0, 1.0][len(args) - 1 :])[
                    :4
                ]
            except ValueError:
                return None
            return [
                [{"numberValue": start + step * (i * int(m) + j)} for j in range(int(m))]
                for i in range(int(n))
            ]
        if name in ("SORT", "UNIQUE") and len(args) == 1 and whole[0]:
            lines = self.area(_box(self.sheet, whole[0]))
            if name == "SORT":
                return sorted(lines, key=lambda r: _order(r[0]))
            unique: list[list[Value]] = []
            for line in lines:
                if line not in unique:
                    unique.append(line)
            return unique
        if name == "FILTER" and len(args) == 2 and whole[0]:
            lines = self.area(_box(self.sheet, whole[0]))
            keep = self.condition(args[1], len(lines))
            return None if keep is None else [r for r, k in zip(lines, keep, strict=True) if k]
        return None

    def condition(self, text: str, rows: int) -> list[bool] | None:
        compare = _COMPARE.match(text)
        ref = _RANGE.fullmatch(compare.group(1) if compare else text)
        if ref is None:
            return None
        box = _box(self.sheet, ref)
        if box[2] - box[0] + 1 != rows:
            return None
        cells = [self.value(r, box[1]) for r in range(box[0], box[2] + 1)]
        if compare is None:
            return [bool(c and (c.get("boolValue") or c.get("numberValue"))) for c in cells]
        op, literal = compare.group(2), compare.group(3)
        want: Any = literal[1:-1].replace('""', '"') if literal.startswith('"') else float(literal)
        return [_compare(_plain(c), op, want) for c in cells]


def _plain(value: Value) -> Any:
    if not value:
        return None
    return value.get("numberValue", value.get("stringValue", value.get("boolValue")))


def _compare(have: Any, op: str, want: Any) -> bool:
    if isinstance(want, float):
        have = 0.0 if have is None else have
        if not isinstance(have, int | float) or isinstance(have, bool):
            return op == "<>"
    else:
        have = "" if have is None else str(have)
        have, want = have.lower(), want.lower()
    return bool(
        {
            "=": have == want,
            "<>": have != want,
            "<": have < want,
            "<=": have <= want,
            ">": have > want,
            ">=": have >= want,
        }[op]
    )


def _order(value: Value) -> tuple[int, Any]:
    """Google's ascending order: numbers, then text, then booleans, blanks last."""
    if not value:
        return (3, 0)
    if "numberValue" in value:
        return (0, float(value["numberValue"]))
    if "stringValue" in value:
        return (1, str(value["stringValue"]).lower())
    if "boolValue" in value:
        return (2, bool(value["boolValue"]))
    return (3, 0)


def clear(sheet: Sheet) -> None:
    """Take away what the last recalculation filled (cells with a value but none entered),
    keeping their formats: the next one fills again, or shows #REF!."""
    sheet.filled_by.clear()
    for pos, cell in list(sheet.cells.items()):
        if "userEnteredValue" not in cell and "effectiveValue" in cell:
            cell.pop("effectiveValue", None)
            cell.pop("formattedValue", None)
            if not cell:
                del sheet.cells[pos]


def fill(sheet: Sheet, evaluate: Callable[[Sheet, Cell], None]) -> set[tuple[int, int]]:
    """Fill the ranges of the sheet's spilling formulas (after ``clear`` and one
    evaluation of every formula); the anchors found, which show what this made of them."""
    spill = _Spill(sheet, evaluate)
    found: set[tuple[int, int]] = set()
    for (row, col), anchor in sorted(sheet.cells.items()):
        formula = anchor.get("userEnteredValue", {}).get("formulaValue")
        if not isinstance(formula, str):
            continue
        matrix = spill.result(formula.strip())
        if matrix is None:
            continue
        found.add((row, col))
        height, width = len(matrix), max((len(r) for r in matrix), default=0)
        if not height or not width:
            set_error(anchor, "N_A", "No matches are found in FILTER evaluation.")
            continue
        if row + height > sheet.row_count or col + width > sheet.col_count:
            more = row + height - sheet.row_count
            what = "rows" if more > 0 else "columns"
            need = more if more > 0 else col + width - sheet.col_count
            set_error(
                anchor,
                "REF",
                f"Result was not automatically expanded, please insert more {what} ({need}).",
            )
            continue
        blocked = next(
            (
                (r, c)
                for r in range(row, row + height)
                for c in range(col, col + width)
                if (r, c) != (row, col)
                and (r, c) in sheet.cells
                and (
                    "userEnteredValue" in sheet.cells[(r, c)]
                    or "effectiveValue" in sheet.cells[(r, c)]  # another array's
                )
            ),
            None,
        )
        if blocked is not None:
            where = f"{_letters(blocked[1])}{blocked[0] + 1}"
            set_error(
                anchor,
                "REF",
                f"Array result was not expanded because it would overwrite data in {where}.",
            )
            continue
        for i, line in enumerate(matrix):
            for j, value in enumerate(line):
                cell = anchor if (i, j) == (0, 0) else sheet.cells.get((row + i, col + j), {})
                cell.pop("effectiveValue", None)
                cell.pop("formattedValue", None)
                if value is not None:
                    cell["effectiveValue"] = value
                    cell["formattedValue"] = _shown(value, cell, anchor)
                if cell and (i, j) != (0, 0):
                    sheet.cells[(row + i, col + j)] = cell
                    sheet.filled_by[(row + i, col + j)] = (row, col)
    return found


def number_format(cell: Cell, anchor: Cell) -> dict[str, Any] | None:
    """A filled cell's number format: its own, else its anchor's, as Google shows an
    array in the format of the cell holding its formula (before 2026-12-06 a filled
    cell had none: a date or percent array read as plain numbers past its first cell)."""
    fmt: dict[str, Any] | None = cell.get("userEnteredFormat", {}).get("numberFormat")
    if fmt is None:
        fmt = anchor.get("userEnteredFormat", {}).get("numberFormat")
    return fmt


def _shown(value: dict[str, Any], cell: Cell, anchor: Cell) -> str:
    if "numberValue" in value:
        fmt = number_format(cell, anchor)
        return format_number(float(value["numberValue"]), fmt)
    if "boolValue" in value:
        return "TRUE" if value["boolValue"] else "FALSE"
    if "errorValue" in value:
        return ERROR_SHOWN.get(str(value["errorValue"].get("type")), "#ERROR!")
    return str(value.get("stringValue", ""))
