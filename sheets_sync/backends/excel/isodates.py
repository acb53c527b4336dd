"""ISO 8601 date cells (``<c t="d"><v>2026-01-05T10:30:00.000Z</v></c>``) read as dates.

Some writers store a date as its ISO 8601 text (SheetJS with ``cellDates``, which writes
JavaScript's ``toISOString()``: UTC, milliseconds and ``Z``; openpyxl with ``iso_dates``).
calamine reads ``2026-01-05`` as a date and ``2026-01-05T10:30:00`` as a datetime, but
leaves one with a zone (``Z``, ``+02:00``) as text, which until 2026-12-07 a Due date
column refused as no date. Read here as LibreOffice 7.4 reads them (checked): a zone is
converted to UTC (``10:30:00+02:00`` is 08:30, ``Z`` stays as written) and dropped; a date
with a zone and no time is its midnight there (``2026-01-05+02:00`` is 2026-01-04 22:00,
``+00:00`` the date, as ``Z``; text until a review on 2026-12-07). Text no date
(``20260105``, ``soon``, ``2026-01-05-0530``) stays the text calamine read, as LibreOffice
keeps it.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Collection, Sequence

from sheets_sync.grid import CellValue

_EXTENDED = re.compile(r"\d{4}-\d{2}-\d{2}(?:[Tt ]|[Zz]?$)", re.A)
#: a date with a zone and no time (``2026-01-05+02:00``): its midnight there, which
#: Python's ``fromisoformat`` reads as 02:00 with no zone
_DATE_ZONED = re.compile(r"(\d{4}-\d{2}-\d{2})([+-]\d{2}:\d{2})", re.A)


def _parsed(text: str) -> dt.date | dt.datetime | None:
    """``text`` as a date (no time part) or a naive UTC datetime; None for no date."""
    bare = text.strip()
    if zoned := _DATE_ZONED.fullmatch(bare):  # 2026-01-05+02:00: 2026-01-04 22:00 UTC
        bare = f"{zoned[1]}T00:00:00{zoned[2]}"
    if not _EXTENDED.match(bare):  # 20260105: Python reads it, LibreOffice keeps the text
        return None
    if bare[-1:] in ("Z", "z") and "T" not in bare.upper():  # a date with a zone: 2026-01-05Z
        bare = bare[:-1]
    try:
        if len(bare) == 10:
            return dt.date.fromisoformat(bare)
        value = dt.datetime.fromisoformat(bare)
    except ValueError:
        return None
    if value.tzinfo is not None:
        value = value.astimezone(dt.UTC).replace(tzinfo=None)
        if zoned and value.time() == dt.time():  # 2026-01-05+00:00: the date, as ...Z
            return value.date()
    return value


def iso_dates(
    rows: Sequence[Sequence[CellValue]], cells: Collection[tuple[int, int]]
) -> list[list[CellValue]] | None:
    """``rows`` with each of ``cells`` (the ``t="d"`` cells) that calamine left as ISO 8601
    text read as its date or datetime; None when none was."""
    out: list[list[CellValue]] | None = None
    for r, c in cells:
        if r > len(rows) or c > len(rows[r - 1]):
            continue
        value = rows[r - 1][c - 1]
        if isinstance(value, str) and (parsed := _parsed(value)) is not None:
            if out is None:
                out = [list(row) for row in rows]
            out[r - 1][c - 1] = parsed
    return out
