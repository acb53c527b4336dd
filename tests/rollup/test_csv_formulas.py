"""Formula-like team text in every rollup output, opened in real LibreOffice.

Which texts a spreadsheet runs was measured, not assumed: the CSV export is opened as a
user would (UTF-8, formulas evaluated, with and without "Trim spaces"), the workbook is
round-tripped, and the Google rollup's cells are checked for ``stringValue``.
"""

from __future__ import annotations

import csv
import zipfile
from pathlib import Path

import openpyxl
import pytest
from openpyxl.utils.cell import coordinate_from_string

from sheets_sync.backends.gsheets.rollup import rollup_tabs
from sheets_sync.domain.models import KeyResult, KRType, Objective, Origin, TeamInput
from sheets_sync.domain.team import evaluate_team
from sheets_sync.rollup import Rollup, build_rollup, export_tables, write_rollup_xlsx
from sheets_sync.sync.outcome import Outcome, TeamRun
from tests.rollup.fixtures import AS_OF, PERIOD, context
from tests.support.libreoffice import convert, needs_libreoffice
from tests.support.scripts import HANG

#: text -> what the CSV export writes for it
FORMULA_LIKE = {
    "=1+1": "'=1+1",
    " =1+1": "' =1+1",  # LibreOffice with "Trim spaces" runs it (2)
    "  =1+1": "'  =1+1",
    " -1+1": "' -1+1",
    "\n=1+1": "'\n=1+1",
    "\t =1+1": "'\t =1+1",
    "\uff1d1+1": "\uff1d1+1",  # full-width = : text in LibreOffice and Google
    "\ufe661+1": "\ufe661+1",  # small form = : text too
    "\u00a0=1+1": "\u00a0=1+1",  # no-break space: not trimmed, text
    "\u3000=1+1": "\u3000=1+1",  # ideographic space: text
    "\u200b=1+1": "\u200b=1+1",  # zero-width space: text
    "= 1+1": "'= 1+1",
    "a =1+1": "a =1+1",
}
#: LibreOffice's CSV import: comma, '"', UTF-8, from line 1, ..., trim spaces, -, evaluate
TRIMMED = "CSV:44,34,76,1,,1033,false,false,false,false,true,-1,true"
UNTRIMMED = "CSV:44,34,76,1,,1033,false,false,false,false,false,-1,true"


@pytest.fixture(scope="module")
def texts_rollup() -> Rollup:
    src = "lab.xlsx"
    krs = tuple(
        KeyResult(
            "L-O1",
            f"L-KR{i}",
            text,
            "Ann",
            KRType.NUMBER,
            0,
            10,
            5,
            origin=Origin(src, "OKRs", 3 + i),
        )
        for i, text in enumerate(FORMULA_LIKE)
    )
    team = TeamInput(
        team="Lab",
        source=src,
        objectives=(Objective("L-O1", " =1+1", origin=Origin(src, "OKRs", 2)),),
        key_results=krs,
    )
    result = evaluate_team(team, period=PERIOD, as_of=AS_OF)
    return build_rollup([TeamRun("Lab", src, Outcome.OK, result)], context())


def _descriptions(rows: list[dict[str, str]]) -> list[str]:
    return [r["Description"] for r in sorted(rows, key=lambda r: int(r["KR ID"][4:]))]


def test_csv_escapes_what_a_spreadsheet_runs(texts_rollup: Rollup, tmp_path: Path) -> None:
    export_tables(texts_rollup, tmp_path, "csv")
    with open(tmp_path / "key_results.csv", encoding="utf-8-sig", newline="") as handle:
        assert _descriptions(list(csv.DictReader(handle))) == list(FORMULA_LIKE.values())


def _formulas(xlsx: Path) -> dict[str, str]:
    book = openpyxl.load_workbook(xlsx)
    return {
        f"{ws.title}!{c.coordinate}": str(c.value)
        for ws in book.worksheets
        for row in ws.iter_rows()
        for c in row
        if c.data_type == "f" and c.value not in ("=TRUE()", "=FALSE()")
    }  # LibreOffice saves a boolean cell as =TRUE() or =FALSE()


def _raw_csv(path: Path) -> None:
    with open(path, "w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\r\n")
        writer.writerow(["Description"])
        writer.writerows([t] for t in FORMULA_LIKE)


def _ran(xlsx: Path) -> set[str]:
    """The texts of ``_raw_csv`` that LibreOffice made formulas of (text i is on row i+2)."""
    texts = list(FORMULA_LIKE)
    return {texts[coordinate_from_string(cell.split("!")[-1])[1] - 2] for cell in _formulas(xlsx)}


@needs_libreoffice
@pytest.mark.timeout(4 * HANG + 60)  # four conversions in turn, each bounded by HANG
def test_libreoffice_runs_no_exported_text(texts_rollup: Rollup, tmp_path: Path) -> None:
    """The unescaped texts are the control: LibreOffice runs ``=1+1`` (7.4 also ``= 1+1``
    and, trimming, `` =1+1`` and ``  =1+1``), so the check would see a formula the export
    let through. Which texts run is LibreOffice's to change between versions; what holds
    in any is checked: ``=1+1`` runs, trimming spaces runs no fewer, every text that runs
    either way is escaped in the export, and the export opened either way runs none."""
    _raw_csv(tmp_path / "raw.csv")
    export_tables(texts_rollup, tmp_path, "csv")
    with open(tmp_path / "key_results.csv", encoding="utf-8-sig", newline="") as handle:
        exported = dict(zip(FORMULA_LIKE, _descriptions(list(csv.DictReader(handle))), strict=True))
    ran: dict[str, set[str]] = {}
    for name, infilter in (("trimmed", TRIMMED), ("untrimmed", UNTRIMMED)):
        ran[name] = _ran(convert(tmp_path / "raw.csv", "xlsx", tmp_path / name, infilter=infilter))
        lo = tmp_path / f"export-{name}"
        opened = convert(tmp_path / "key_results.csv", "xlsx", lo, infilter=infilter)
        assert _formulas(opened) == {}, name
    assert "=1+1" in ran["untrimmed"]
    assert ran["trimmed"] >= ran["untrimmed"]
    assert {t: exported[t] for t in ran["trimmed"]} == {t: "'" + t for t in ran["trimmed"]}


def test_workbook_writes_every_text_as_text(texts_rollup: Rollup, tmp_path: Path) -> None:
    path = tmp_path / "company.xlsx"
    write_rollup_xlsx(texts_rollup, path)
    with zipfile.ZipFile(path) as z:
        sheets = [n for n in z.namelist() if n.startswith("xl/worksheets/sheet")]
        assert not [n for n in sheets if b"<f>" in z.read(n)]
    ws = openpyxl.load_workbook(path)["Key results"]
    column = [c.value for c in ws[1]].index("Description") + 1
    texts = [ws.cell(r, column).value for r in range(2, ws.max_row + 1)]
    assert texts == list(FORMULA_LIKE)


@needs_libreoffice
def test_workbook_opened_in_libreoffice_runs_no_text(texts_rollup: Rollup, tmp_path: Path) -> None:
    path = tmp_path / "company.xlsx"
    write_rollup_xlsx(texts_rollup, path)
    assert _formulas(convert(path, "xlsx", tmp_path / "lo")) == {}


def test_google_rollup_sends_text_as_string_values(texts_rollup: Rollup) -> None:
    """``stringValue`` is never parsed by Sheets (a ``formulaValue`` would be)."""
    cells = [c for _tab, rows, _ in rollup_tabs(texts_rollup) for row in rows for c in row]
    entered = [c.get("userEnteredValue", {}) for c in cells]
    assert not [v for v in entered if "formulaValue" in v]
    strings = {v["stringValue"] for v in entered if "stringValue" in v}
    assert set(FORMULA_LIKE) <= strings
