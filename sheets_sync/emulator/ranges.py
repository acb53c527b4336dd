"""A1 notation: parse request ranges onto a sheet's grid and format ranges the way Google echoes
them (quoted titles only when needed, single cells without ':', unbounded sides clamped)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from gspread.exceptions import GSpreadException
from gspread.utils import a1_range_to_grid_range, rowcol_to_a1

from sheets_sync.emulator.errors import ApiError, FieldError, bad_request
from sheets_sync.emulator.state import Sheet, Spreadsheet
from sheets_sync.grid import quote_tab

_A1_PART = re.compile(r"^\$?[A-Za-z]{0,3}\$?[0-9]*$")


@dataclass
class Area:
    """A half-open rectangle on one sheet; None marks an unbounded side before clamping."""

    sheet: Sheet
    r0: int | None = None
    r1: int | None = None
    c0: int | None = None
    c1: int | None = None

    def clamped(self) -> Area:
        s = self.sheet
        r0 = self.r0 or 0
        c0 = self.c0 or 0
        r1 = s.row_count if self.r1 is None else min(self.r1, s.row_count)
        c1 = s.col_count if self.c1 is None else min(self.c1, s.col_count)
        return Area(s, r0, max(r0, r1), c0, max(c0, c1))

    @property
    def bounds(self) -> tuple[int, int, int, int]:
        a = self.clamped()
        assert a.r0 is not None and a.r1 is not None and a.c0 is not None and a.c1 is not None
        return a.r0, a.r1, a.c0, a.c1

    def exceeds_grid(self) -> bool:
        s = self.sheet
        return bool(
            (self.r1 is not None and self.r1 > s.row_count)
            or (self.c1 is not None and self.c1 > s.col_count)
            or (self.r0 is not None and self.r0 >= s.row_count)
            or (self.c0 is not None and self.c0 >= s.col_count)
        )


def format_area(sheet: Sheet, r0: int, r1: int, c0: int, c1: int) -> str:
    """Render a bounded rectangle like Google: Sheet1!A1:B2, or Sheet1!B3 for one cell."""
    prefix = quote_tab(sheet.title) + "!"
    start = rowcol_to_a1(r0 + 1, c0 + 1)
    if r1 - r0 <= 1 and c1 - c0 <= 1:
        return prefix + start
    return prefix + start + ":" + rowcol_to_a1(max(r1, r0 + 1), max(c1, c0 + 1))


def describe(area: Area) -> str:
    """The unclamped range as the caller wrote it, for grid-limit error messages."""
    s = area.sheet
    r0, c0 = (area.r0 or 0), (area.c0 or 0)
    r1 = area.r1 if area.r1 is not None else s.row_count
    c1 = area.c1 if area.c1 is not None else s.col_count
    return format_area(s, r0, r1, c0, c1).replace(s.title + "!", quote_title_always(s.title) + "!")


def quote_title_always(title: str) -> str:
    return "'" + title.replace("'", "''") + "'"


def grid_limit_error(area: Area) -> ApiError:
    s = area.sheet
    return bad_request(
        f"Range ({describe(area)}) exceeds grid limits. "
        f"Max rows: {s.row_count}, max columns: {s.col_count}"
    )


def _split_sheet(text: str) -> tuple[str | None, str]:
    if text.startswith("'"):
        i, chars = 1, []
        while i < len(text):
            ch = text[i]
            if ch == "'" and text[i + 1 : i + 2] == "'":
                chars.append("'")
                i += 2
                continue
            if ch == "'":
                rest = text[i + 1 :]
                if rest and not rest.startswith("!"):
                    raise bad_request(f"Unable to parse range: {text}")
                return "".join(chars), rest[1:]
            chars.append(ch)
            i += 1
        raise bad_request(f"Unable to parse range: {text}")
    if "!" in text:
        title, _, rest = text.rpartition("!")
        return title, rest
    return None, text


def _cells_to_area(sheet: Sheet, a1: str, original: str) -> Area:
    if not a1:
        return Area(sheet)
    parts = a1.split(":")
    if len(parts) > 2 or not all(_A1_PART.match(p) and p for p in parts):
        raise bad_request(f"Unable to parse range: {original}")
    try:
        grid = a1_range_to_grid_range(a1.replace("$", ""))
    except (GSpreadException, ValueError, KeyError) as exc:
        raise bad_request(f"Unable to parse range: {original}") from exc
    return _grid_area(sheet, grid)


def _grid_area(sheet: Sheet, grid: Mapping[str, Any]) -> Area:
    """The rectangle a ``GridRange``'s indexes (or gspread's reading of an A1 range) give,
    a side it leaves out unbounded."""
    return Area(
        sheet,
        grid.get("startRowIndex"),
        grid.get("endRowIndex"),
        grid.get("startColumnIndex"),
        grid.get("endColumnIndex"),
    )


_INT32 = re.compile(r"-?[0-9]+")


def int32(value: Any, field: str) -> int:
    """A request's int32 field as Google's JSON parse takes it: a whole number, or a
    string of one (``"5"``); anything else (``"x"``, ``1.5``, ``true``, past 32 bits) its
    400, ``Invalid value at '<field>' (TYPE_INT32), "x"`` (until a review on 2026-12-07
    a sheetId of ``"x"`` was a ``ValueError`` from ``int``)."""
    if isinstance(value, float) and value.is_integer():
        number: int | None = int(value)
    elif isinstance(value, int) and not isinstance(value, bool):
        number = value
    elif isinstance(value, str) and _INT32.fullmatch(value):
        number = int(value)
    else:
        number = None
    if number is None or not -(2**31) <= number < 2**31:
        raise FieldError(field, value, "TYPE_INT32")
    return number


def sheet_number(value: Any, field: str) -> int:
    """A request's ``sheetId`` as a number: left out or JSON ``null`` is proto3's default,
    0; anything else as ``int32`` takes it (``""`` and ``false`` are its 400: until a
    review on 2026-12-07 both were 0, as ``sheet_id or 0`` took them, and a GridRange's
    ``null`` was a 400)."""
    return 0 if value is None else int32(value, field)


def grid_sheet(book: Spreadsheet, sheet_id: Any, field: str = "sheet_id") -> Sheet:
    """The sheet a request's ``sheetId`` names (none, or null: id 0; ``field`` its path in
    the request, for the 400 of one that is no number); Google's 400 "No grid with id"
    for an id the spreadsheet has no sheet of."""
    number = sheet_number(sheet_id, field)
    sheet = book.sheet_by_id(number)
    if sheet is None:
        raise bad_request(f"No grid with id: {number}")
    return sheet


def area_from_grid_range(book: Spreadsheet, grid: dict[str, Any], at: str = "range") -> Area:
    """The rectangle a request's GridRange names (``at``: its path in the request)."""
    return _grid_area(grid_sheet(book, grid.get("sheetId"), f"{at}.sheet_id"), grid)


def _named(book: Spreadsheet, name: str) -> Area | None:
    for named in book.named_ranges:
        if named.get("name") == name:
            return area_from_grid_range(book, named.get("range", {}))
    return None


def parse_range(book: Spreadsheet, text: str) -> Area:
    """Resolve a request range: 'Title'!A1:B2, a bare sheet title, a named range or plain A1
    (which Google applies to the first sheet)."""
    text = text.strip()
    title, a1 = _split_sheet(text)
    if title is not None:
        sheet = book.sheet_by_title(title)
        if sheet is None:
            raise bad_request(f"Unable to parse range: {text}")
        named = _named(book, a1) if a1 and not _A1_PART.match(a1.split(":")[0]) else None
        return named or _cells_to_area(sheet, a1, text)
    sheet = book.sheet_by_title(text)
    if sheet is not None:
        return Area(sheet)
    named_area = _named(book, text)
    if named_area is not None:
        return named_area
    if not book.sheets:
        raise bad_request(f"Unable to parse range: {text}")
    return _cells_to_area(book.sheets[0], a1, text)
