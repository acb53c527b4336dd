"""The workbook finance opens against docs/rollup.md, not against ``schema.py``: each
documented table's columns in that order on its tab, each cell of the documented type,
in the documented number format. (``test_dictionary_doc`` ties the doc to ``schema.py``,
and the other workbook tests tie the workbook to ``schema.py``; this one reads the
workbook as a person reads the doc.)"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from openpyxl.worksheet.worksheet import Worksheet

from sheets_sync.domain.units import is_percent_unit

DOC = (Path(__file__).parents[2] / "docs" / "rollup.md").read_text(encoding="utf-8")
SECTIONS = {
    name: (tab, body)
    for name, tab, body in re.findall(
        r"^### `(\w+)` \(tab: ([^)]*)\)\n\n(.*?)(?=\n\n|\Z)", DOC, re.M | re.S
    )
}
#: The doc's Formats rule, as the test reads it (the words are checked to be in the doc).
FORMATS_RULE = (
    "Formats: scores `0.00`, progress/confidence/net confidence/variance % `0%`, weights "
    "`0.00`, counts `0`, dates `yyyy-mm-dd`, date-times `yyyy-mm-dd hh:mm`; value columns "
    "(start, target, current, actual, ...) follow the row's unit"
)
PERCENT_COLUMNS = {"Progress", "Confidence", "Net confidence", "Variance %"}
PYTHON_TYPES: dict[str, tuple[type, ...]] = {
    "text": (str,),
    "number": (int, float),
    "count": (int, float),  # a whole float: xlsx has one number type
    "date": (dt.datetime,),
    "datetime": (dt.datetime,),
    "flag": (bool,),
}


def _documented(name: str) -> list[tuple[str, str, str]]:
    """(column, type, unit) of each row of the table's data dictionary."""
    rows = SECTIONS[name][1].splitlines()[2:]
    cells = [[c.strip() for c in re.split(r"(?<!\\)\|", r.strip().strip("|"))] for r in rows]
    return [(c[1], c[2], c[4]) for c in cells]


def _expected_format(column: str, kind: str, unit: str, row_unit: Any) -> str:
    if kind == "date":
        return "yyyy-mm-dd"
    if kind == "datetime":
        return "yyyy-mm-dd hh:mm"
    if kind == "count":
        return "0"
    if column in PERCENT_COLUMNS:
        return "0%"
    if unit == "0..1" or (unit == "relative" and column == "Weight"):
        return "0.00"
    if unit == "Unit":
        if is_percent_unit(row_unit):
            return "0.0%"
        return "General" if row_unit in (None, "", "h", "d") else "currency"
    return "General"


def _check_table(ws: Worksheet, name: str, header_row: int, last_row: int) -> int:
    """Header and cells of the table ``name`` at ``header_row`` (1-based); returns the
    number of cells checked."""
    documented = _documented(name)
    header = [ws.cell(header_row, c + 1).value for c in range(len(documented))]
    assert header == [column for column, _, _ in documented], name
    assert ws.cell(header_row, len(documented) + 1).value is None, name
    unit_col = header.index("Unit") + 1 if "Unit" in header else None
    checked = 0
    for r in range(header_row + 1, last_row + 1):
        row_unit = ws.cell(r, unit_col).value if unit_col else None
        for c, (column, kind, unit) in enumerate(documented, start=1):
            cell = ws.cell(r, c)
            if cell.value is None:
                continue
            where = f"{ws.title}!{cell.coordinate} ({column})"
            assert isinstance(cell.value, PYTHON_TYPES[kind]), where
            assert kind == "flag" or not isinstance(cell.value, bool), where
            assert kind != "count" or float(str(cell.value)).is_integer(), where
            if kind in ("text", "flag"):
                continue
            expected = _expected_format(column, kind, unit, row_unit)
            if expected == "currency":
                assert cell.number_format.endswith("#,##0.00"), where
            else:
                assert cell.number_format == expected, where
            checked += 1
    return checked


@pytest.fixture(scope="module")
def book(rollup_xlsx: Path) -> openpyxl.Workbook:
    return openpyxl.load_workbook(rollup_xlsx)


def test_the_formats_rule_is_the_docs() -> None:
    assert FORMATS_RULE in " ".join(DOC.split())


@pytest.mark.parametrize("name", ["objectives", "key_results", "kpis", "findings"])
def test_a_long_tab_is_its_documented_table(book: openpyxl.Workbook, name: str) -> None:
    ws = book[SECTIONS[name][0]]
    assert ws.max_row > 1
    checked = _check_table(ws, name, 1, ws.max_row)
    assert checked > 0 or name == "findings"


def test_the_summary_holds_its_two_documented_tables(book: openpyxl.Workbook) -> None:
    """The team table from row 9, the company total under it, the company objectives
    below (docs: "team table `Teams` (header row 9) ...; `CompanyObjectives` table below")."""
    ws = book["Summary"]
    assert SECTIONS["summary"][0] == SECTIONS["company_objectives"][0] == "Summary"
    assert "team table `Teams` (header row 9)" in DOC
    labels = [ws.cell(r, 1).value for r in range(1, ws.max_row + 1)]
    total = labels.index("Company total") + 1
    assert _check_table(ws, "summary", 9, total) > 0
    head = labels.index("Company objectives") + 2
    assert _check_table(ws, "company_objectives", head, ws.max_row) > 0


def test_the_alignment_tab_has_the_documented_columns(book: openpyxl.Workbook) -> None:
    (documented,) = re.findall(r"^\| Alignment \|.*?columns ([^.;]*?)\.", DOC, re.M)
    columns = documented.split(", ")
    ws = book["Alignment"]
    assert [ws.cell(1, c + 1).value for c in range(len(columns) + 1)] == [*columns, None]
    kinds = {column: kind for column, kind, _ in _documented("alignment")}
    for r in range(2, ws.max_row + 1):
        for c, column in enumerate(columns, start=1):
            value = ws.cell(r, c).value
            if value is not None:
                assert isinstance(value, PYTHON_TYPES[kinds[column]]), (r, column)
