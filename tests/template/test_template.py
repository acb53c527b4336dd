"""The committed template matches the spec, reads cleanly, and survives LibreOffice."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import openpyxl

from sheets_sync.backends.excel.reader import read_workbook
from sheets_sync.domain.models import Category, Direction, Frequency, KRType, ObjectiveType
from sheets_sync.mapping.extract import extract
from sheets_sync.mapping.fields import KPI_FIELDS, KPI_OWNED, OKR_FIELDS, OKR_OWNED
from sheets_sync.mapping.parse import build_team_input
from sheets_sync.mapping.spec import load_mapping
from sheets_sync.template.spec import DATA_ROWS, OWNED_FILL, TEMPLATE
from sheets_sync.template.xlsx import write_template
from tests.support.libreoffice import convert, needs_libreoffice

COMMITTED = Path(__file__).resolve().parents[2] / "templates" / "team.xlsx"


def describe(path: Path) -> dict[str, Any]:
    """Everything about a workbook that a team sees: values, looks, dropdowns, notes."""
    wb = openpyxl.load_workbook(path)
    out: dict[str, Any] = {"sheets": wb.sheetnames}
    for ws in wb.worksheets:
        cells = {}
        for row in ws.iter_rows():
            for c in row:
                if c.value is None and not c.has_style:
                    continue
                cells[c.coordinate] = (
                    c.value,
                    c.number_format,
                    c.fill.fgColor.rgb if c.fill.fill_type else None,
                    c.font.b,
                    c.font.i,
                    c.font.color.rgb if c.font.color is not None else None,
                    c.comment.text if c.comment else None,
                )
        out[ws.title] = {
            "cells": cells,
            "freeze": ws.freeze_panes,
            "widths": {k: d.width for k, d in ws.column_dimensions.items()},
            "validations": sorted(
                (str(dv.sqref), dv.type, dv.formula1, dv.errorStyle)
                for dv in ws.data_validations.dataValidation
            ),
        }
    return out


def test_committed_template_has_not_drifted(tmp_path: Path) -> None:
    fresh = tmp_path / "team.xlsx"
    write_template(fresh)
    assert describe(fresh) == describe(COMMITTED), "run: sheets-sync template templates/team.xlsx"


def test_generation_is_byte_for_byte_deterministic(tmp_path: Path) -> None:
    write_template(tmp_path / "a.xlsx")
    write_template(tmp_path / "b.xlsx")
    assert (tmp_path / "a.xlsx").read_bytes() == (tmp_path / "b.xlsx").read_bytes()


def test_spec_follows_canonical_fields_and_enums() -> None:
    assert TEMPLATE.tab_names == ("OKRs", "KPIs", "Read me")
    assert TEMPLATE.okrs.headers == tuple(h for _, h in OKR_FIELDS)
    assert TEMPLATE.kpis.headers == tuple(h for _, h in KPI_FIELDS)
    assert tuple(c.field for c in TEMPLATE.okrs.columns if c.owned) == OKR_OWNED
    assert tuple(c.field for c in TEMPLATE.kpis.columns if c.owned) == KPI_OWNED
    options = {
        c.field: c.options
        for tab in (TEMPLATE.okrs, TEMPLATE.kpis)
        for c in tab.columns
        if c.options
    }
    assert options == {
        "objective_type": tuple(ObjectiveType),
        "kr_type": tuple(KRType),
        "category": tuple(Category),
        "frequency": tuple(Frequency),
        "direction": tuple(Direction),
    }
    for tab in (TEMPLATE.okrs, TEMPLATE.kpis):
        example = dict(zip((c.field for c in tab.columns), tab.example, strict=True))
        assert str(example["comment"]).startswith("Example")


def test_workbook_features() -> None:
    wb = openpyxl.load_workbook(COMMITTED)
    okrs, kpis, readme = (wb[n] for n in TEMPLATE.tab_names)
    for ws, tab in ((okrs, TEMPLATE.okrs), (kpis, TEMPLATE.kpis)):
        assert ws.freeze_panes == "A2"
        assert [c.value for c in ws[1]] == list(tab.headers)
        for col, spec in enumerate(tab.columns, start=1):
            head = ws.cell(1, col)
            assert (head.fill.fgColor.rgb[-6:] == OWNED_FILL) is spec.owned
            assert (head.comment is not None) is spec.owned
            assert ws.cell(3, col).number_format == spec.number_format
    lists = {
        str(dv.sqref).split(":")[0]: dv.formula1 for dv in okrs.data_validations.dataValidation
    }
    assert lists == {"C2": '"committed,aspirational"', "H2": '"number,at_least,at_most,milestone"'}
    ranges = [str(dv.sqref) for ws in (okrs, kpis) for dv in ws.data_validations.dataValidation]
    assert all(r.endswith(str(DATA_ROWS + 1)) for r in ranges), ranges  # as far as Google's
    kpi_lists = {str(dv.sqref)[0]: dv.formula1 for dv in kpis.data_validations.dataValidation}
    assert kpi_lists == {
        "D": '"leading,lagging"',
        "E": '"daily,weekly,biweekly,monthly,quarterly,semiannual,yearly"',
        "G": '"higher,lower,range"',
    }
    assert okrs["O2"].number_format == "yyyy-mm-dd"
    text = "\n".join(str(c.value) for row in readme.iter_rows() for c in row if c.value)
    for word in ("C6EFCE", "FFEB9C", "FFC7CE", "D9D9D9", "Sync notes", "$1,200", "45%"):
        assert word in text


def _read_standard(path: Path) -> tuple[int, int, int, tuple[object, ...]]:
    data = read_workbook(path, tabs=["OKRs", "KPIs"])
    ex = extract(data, load_mapping("standard"))
    team = build_team_input("Team", ex)
    return len(ex.okrs.records), len(team.key_results), len(team.kpis), team.findings


def test_standard_mapping_reads_template_and_skips_examples() -> None:
    assert _read_standard(COMMITTED) == (0, 0, 0, ())


@needs_libreoffice
def test_template_survives_libreoffice_round_trip(tmp_path: Path) -> None:
    out = convert(COMMITTED, "xlsx", tmp_path / "lo")
    assert _read_standard(out) == (0, 0, 0, ())
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == list(TEMPLATE.tab_names)
    assert len(wb["OKRs"].data_validations.dataValidation) == 2


def test_read_me_colours_tell_the_score_grade_from_the_status_pace() -> None:
    """The Score cell is coloured by its grade (docs/scoring.md: green from 0.7, yellow
    from 0.4), the Status cell by pace. The Read me gave one meaning per colour, "Yellow:
    At risk, behind pace" and "Red: Off track", so an On track key result at 0.5 read as
    behind pace, and one at 0.3 early in the quarter as Off track."""
    from sheets_sync.domain.rules import ScoringRules

    rules = ScoringRules()
    colours = dict(TEMPLATE.readme.rows)
    assert f"Score {rules.green:g} or more" in colours["Green (C6EFCE)"]
    assert f"Score {rules.yellow:g} to {rules.green:g}" in colours["Yellow (FFEB9C)"]
    assert f"Score below {rules.yellow:g}" in colours["Red (FFC7CE)"]
