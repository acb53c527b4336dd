"""docs/reading.md says what the Excel reader's calls take and read: their signatures are
the code's, and ``header_rows`` limits the owned header's fill only (until a review on
2026-12-07 the page said every fill)."""

from __future__ import annotations

import inspect
import io
import re
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import PatternFill

from sheets_sync.backends.excel import reader
from sheets_sync.backends.excel.reader import read_workbook_bytes
from sheets_sync.grid import OWNED_FILLS, OWNED_HEADER_FILL

READING = (Path(__file__).parents[2] / "docs" / "reading.md").read_text(encoding="utf-8")


def _shown(call: str) -> inspect.Signature:
    """The signature of a call the page shows, made a function as Python reads it, its
    annotations kept as written (as the reader's module keeps its own)."""
    source = f"from __future__ import annotations\ndef {call}: pass"
    space: dict[str, object] = {}
    exec(compile(source, "reading.md", "exec", dont_inherit=True), space)
    name = call.split("(", 1)[0]
    return inspect.signature(space[name])  # type: ignore[arg-type]


def test_reading_signatures_are_the_readers() -> None:
    """reading.md's two calls are the readers' signatures: parameters, their kinds (the `*`),
    annotations, defaults and what they return (until 2026-12-07 it lacked ``header_rows``;
    until a review that day the test saw names and defaults only)."""
    (block,) = re.findall(r"^```python\n(.*?)^```", READING, flags=re.M | re.S)
    calls = re.split(r"\n(?=\w)", block.strip())
    assert [c.split("(", 1)[0] for c in calls] == ["read_workbook_bytes", "read_workbook"]
    for call in calls:
        name = call.split("(", 1)[0]
        assert _shown(call) == inspect.signature(getattr(reader, name)), name


def test_header_rows_limits_the_owned_header_fill_only() -> None:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "OKRs"
    colours = [OWNED_HEADER_FILL, *sorted(OWNED_FILLS)]
    for column, colour in enumerate(colours, start=1):
        for row in (2, 30):  # in the header rows, and below them
            cell = ws.cell(row=row, column=column, value="x")
            cell.fill = PatternFill("solid", fgColor=colour)
    data = io.BytesIO()
    wb.save(data)
    read = read_workbook_bytes(data.getvalue(), source="t.xlsx", tabs=["OKRs"], header_rows=20)
    fills = read.sheets["OKRs"].fills
    assert fills is not None
    assert {(r, c) for (r, c), colour in fills.items() if colour == OWNED_HEADER_FILL} == {(2, 1)}
    assert {colour for (r, _), colour in fills.items() if r == 30} == OWNED_FILLS

    paragraph = next(p for p in READING.split("\n\n") if "`grid.HEADER_FILL_ROWS`" in p)
    told = " ".join(paragraph.split())
    assert f"limits one of them only: the grey-blue `{OWNED_HEADER_FILL}`" in told
    owned = told.split("The fills of its owned cells", 1)[1].split("read on every row", 1)[0]
    assert [c for c in sorted(OWNED_FILLS) if f"`{c}`" not in owned] == []
