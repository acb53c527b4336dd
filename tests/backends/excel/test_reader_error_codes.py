"""Error values Excel 365 writes that calamine does not know: a finding on their cell.

Found 2026-12-06 by fuzzing the cell forms of a team sheet's input cells: a cached
``#SPILL!`` (a dynamic array with no room to spill), ``#CALC!`` or any code other than
calamine's seven made it refuse the tab, so the whole team failed with
``sales.xlsx!OKRs: cannot read the tab: Unsupported cell error value '#SPILL!'``
instead of a finding on the cell, as docs/reading.md promises.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from pathlib import Path

import openpyxl
import pytest

from sheets_sync.backends.excel.errorcodes import for_calamine
from sheets_sync.backends.excel.reader import read_workbook_bytes
from sheets_sync.backends.excel.safety import inspect_package
from sheets_sync.config import load_workspace
from sheets_sync.grid import CellError
from sheets_sync.mapping.fields import OKR_FIELDS
from sheets_sync.sync.engine import Sync, SyncOptions, SyncResult
from tests.support.workbooks import member_rewritten

NEW_CODES = ["#SPILL!", "#CALC!", "#FIELD!", "#BLOCKED!", "#CONNECT!", "#BUSY!", "#UNKNOWN!"]
SHEET = "xl/worksheets/sheet1.xml"


def _team() -> bytes:
    book = openpyxl.Workbook()
    okrs = book.active
    assert okrs is not None
    okrs.title = "OKRs"
    okrs.append([h for _, h in OKR_FIELDS])
    row: dict[str, object] = {"objective_id": "O1", "objective": "Grow", "owner": "Ann"}
    row |= {"kr_type": "number"}
    row |= {"start": 0, "target": 100, "current": 50, "weight": 1, "key_result": "k"}
    for kr in ("KR1", "KR2"):
        okrs.append([(row | {"kr_id": kr}).get(f) for f, _ in OKR_FIELDS])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _with_cell(data: bytes, ref: str, cell: str) -> bytes:

    def edit(body: bytes) -> bytes:
        body, n = re.subn(rf'<c r="{ref}"[^>]*>.*?</c>'.encode(), cell.encode(), body)
        assert n == 1
        return body

    return member_rewritten(data, SHEET, edit)


def night_beside_ops(tmp_path: Path, sales: bytes) -> SyncResult:
    """A night of two teams in ``tmp_path``: ``sales`` as Sales's workbook, the sound team
    workbook as Ops's (whose run shows the other team goes on), one worker."""
    (tmp_path / "teams").mkdir()
    (tmp_path / "teams" / "sales.xlsx").write_bytes(sales)
    (tmp_path / "teams" / "ops.xlsx").write_bytes(_team())
    cfg = tmp_path / "sheets-sync.yaml"
    cfg.write_text(
        "company: Acme\nperiod: {name: Q4, start: 2026-10-01, end: 2026-12-31}\nteams:\n"
        "  - {name: Sales, source: teams/sales.xlsx}\n  - {name: Ops, source: teams/ops.xlsx}\n",
        encoding="utf-8",
    )
    return Sync(load_workspace(cfg)).run(SyncOptions(as_of=dt.date(2026, 11, 12), workers=1))


@pytest.mark.parametrize(
    "code", [*NEW_CODES, "#PYTHON!", "#TIMEOUT!", "Err:502", "#n/a", "#N/A", "#REF!"]
)
def test_any_error_code_reads_as_that_error(code: str) -> None:
    data = _with_cell(_team(), "J2", f'<c r="J2" t="e"><f>FILTER(Z:Z,Z:Z)</f><v>{code}</v></c>')
    grid = read_workbook_bytes(data, source="sales.xlsx", tabs=["OKRs"]).sheets["OKRs"]
    assert grid.rows[1][9] == CellError(code)
    assert grid.rows[2][9] == 100  # the rest of the tab is read as ever


def test_a_spill_error_is_a_finding_on_its_cell_and_the_team_syncs(tmp_path: Path) -> None:
    spill = '<c r="J2" t="e"><f>FILTER(Z:Z,Z:Z)</f><v>#SPILL!</v></c>'
    sales, ops = night_beside_ops(tmp_path, _with_cell(_team(), "J2", spill)).runs
    assert sales.error is None and ops.error is None
    errors = [str(f) for f in sales.findings if f.is_error]
    assert errors == [
        "sales.xlsx!OKRs!J2: the cell shows the error #SPILL! (a cell below or right of the "
        "formula, where its results go, is not empty or is merged, or the formula is inside "
        "an Excel Table, where no results spill: clear those cells, or move the formula)"
    ]
    assert sales.result is not None
    assert [r.kr.id for r in sales.result.key_results] == ["KR2"]
    after = zipfile.ZipFile(tmp_path / "teams" / "sales.xlsx").read(SHEET)
    assert spill.encode() in after  # the team's formula and its cached error, untouched


@pytest.mark.parametrize(
    ("value", "copied"),
    [
        *(("#N/A", False), ("#REF!", False), ("", False), ("&#35;N/A", False)),
        *(("#SPILL!", True), ("&#35;SPILL!", True)),
    ],
)
def test_only_a_sheet_with_other_codes_is_copied_for_calamine(value: str, copied: bool) -> None:
    """A sheet of #N/A from lookups is handed to calamine as it is, unparsed; an escaped
    or unknown code makes the copy (its parse decides, and #N/A stays #N/A)."""
    data = _with_cell(_team(), "J2", f'<c r="J2" t="e"><v>{value}</v></c>')
    package = inspect_package(data, source="sales.xlsx", max_uncompressed_bytes=2**25)
    assert (for_calamine(data, package, [SHEET], "sales.xlsx") is not data) is copied


def test_a_code_in_a_cdata_section_reads_as_that_code() -> None:
    data = _with_cell(_team(), "J2", '<c r="J2" t="e"><v><![CDATA[#SPILL!]]></v></c>')
    grid = read_workbook_bytes(data, source="sales.xlsx", tabs=["OKRs"]).sheets["OKRs"]
    assert grid.rows[1][9] == CellError("#SPILL!")
