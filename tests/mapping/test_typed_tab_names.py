"""Where the team must type a tab's name, or find it in the tab bar beside the location
(``sales.xlsx!Bob's``), the words give the name as typed: bare when plain, else whole in
double quotes. Until 2026-12-07 they gave a formula's quoting (``'Bob''s OKRs'``), which
had the team type a doubled quote, and named one tab two ways on one line."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from sheets_sync.errors import LayoutError
from sheets_sync.grid import CellValue, SheetGrid, WorkbookData, as_typed
from sheets_sync.mapping.extract import extract
from sheets_sync.mapping.spec import parse_mapping

ROWS: tuple[tuple[CellValue, ...], ...] = (
    ("Objective ID", "KR ID", "Target", "Current", "KPI ID", "Actual"),
    ("O1", "O1.1", 10, 5, "K1", 3),
)


def test_the_tab_to_add_is_named_as_the_team_types_it() -> None:
    mapping = parse_mapping(
        "name: mine\nokrs:\n  sheet: [Bob's OKRs, Sheet1]\nkpis:\n  sheet: [KPIs, Sheet1]\n",
        source="mine.yaml",
    )
    grid = SheetGrid("Sheet1", ROWS)
    with pytest.raises(LayoutError) as caught:
        extract(WorkbookData("sales.xlsx", ("Sheet1",), {"Sheet1": grid}), mapping)
    assert str(caught.value).endswith(
        'each is read from a tab of its own: add a tab named "Bob\'s OKRs" or KPIs'
    )


def test_twin_tabs_are_named_as_the_location_names_them() -> None:
    mapping = parse_mapping("name: mine\nokrs:\n  sheet: [Bob's]\n", source="mine.yaml")
    tabs = {"Bob's": SheetGrid("Bob's", ROWS), "Bobs": SheetGrid("Bobs", ROWS)}
    got = extract(WorkbookData("sales.xlsx", ("Bob's", "Bobs"), tabs), mapping)
    said = [str(f) for f in got.findings if "read as one name" in f.message]
    assert said == [
        'sales.xlsx!Bob\'s: tabs "Bob\'s" and Bobs read as one name; the first, "Bob\'s", '
        "is read and written: rename or delete the other"
    ]


def test_a_missing_tab_names_the_wanted_and_the_found_tabs_as_typed() -> None:
    """``(tabs: OKRs , Data, 2026)`` read as three tabs, one with a trailing space
    unseen (until 2026-12-07)."""
    mapping = parse_mapping("name: mine\nokrs:\n  sheet: [Bob's OKRs, OKR]\n", source="m.yaml")
    tabs = {"OKRs ": SheetGrid("OKRs ", ROWS), "Data, 2026": SheetGrid("Data, 2026", ROWS)}
    with pytest.raises(LayoutError) as caught:
        extract(WorkbookData("sales.xlsx", tuple(tabs), tabs), mapping)
    assert str(caught.value) == (
        'sales.xlsx: no tab named "Bob\'s OKRs" or OKR (tabs: "OKRs ", "Data, 2026"); rename '
        'the tab that holds the key results to "Bob\'s OKRs", or add its name to okrs.sheet '
        "in m.yaml"
    )


def test_the_fallback_lists_of_one_tab_layout_are_named_as_typed() -> None:
    mapping = parse_mapping(
        'name: mine\nokrs:\n  sheet: [Bob\'s OKRs, "Data, 2026"]\n'
        'kpis:\n  sheet: [KPIs, "Data, 2026"]\n',
        source="mine.yaml",
    )
    grid = SheetGrid("Data, 2026", ROWS)
    with pytest.raises(LayoutError) as caught:
        extract(WorkbookData("sales.xlsx", ("Data, 2026",), {"Data, 2026": grid}), mapping)
    assert 'okrs.sheet ("Bob\'s OKRs", "Data, 2026") and of kpis.sheet (KPIs, "Data, 2026")' in (
        str(caught.value)
    )


@pytest.mark.parametrize(
    ("name", "typed"),
    [
        ("OKRs", "OKRs"),
        ("Bob's OKRs", '"Bob\'s OKRs"'),
        ("OKRs ", '"OKRs "'),
        ("A1", '"A1"'),
        ('"OKRs"', "'\"OKRs\"'"),  # in double quotes, ""OKRs"" reads as OKRs
        # between the outer quotes as typed, nothing doubled: ``'Bob''s "Q1"'``, a
        # formula's quoting, until 2026-12-07; both quotes inside: guillemets, as
        # ``'Bob's "Q1"'`` seemed to end at ``'Bob'`` (until 2026-12-07)
        ('Bob\'s "Q1"', '«Bob\'s "Q1"»'),
        ('it\'s "a" tab', '«it\'s "a" tab»'),
        # a " and a ' at an end: in single quotes ``''x "y"''`` read as either, so in
        # guillemets, which read as no part of the name (until 2026-12-07 ambiguous)
        ('\'Q1 "OKRs"', '«\'Q1 "OKRs"»'),
        ("'x \"y\"'", "«'x \"y\"'»"),
        ('x "y"\'', '«x "y"\'»'),
    ],
)
def test_as_typed(name: str, typed: str) -> None:
    assert as_typed(name) == typed


def test_twin_tabs_with_a_double_quote_are_told_apart() -> None:
    """``tabs OKRs and ""OKRs"" read as one name`` (until 2026-12-07)."""
    mapping = parse_mapping("name: mine\nokrs:\n  sheet: [OKRs]\n", source="mine.yaml")
    tabs = {"OKRs": SheetGrid("OKRs", ROWS), '"OKRs"': SheetGrid('"OKRs"', ROWS)}
    got = extract(WorkbookData("sales.xlsx", tuple(tabs), tabs), mapping)
    said = [f.message for f in got.findings if "read as one name" in f.message]
    assert said == [
        "tabs OKRs and '\"OKRs\"' read as one name; the first, OKRs, is read and written: "
        "rename or delete the other"
    ]


def test_the_other_messages_name_a_tab_as_typed(tmp_path: Path) -> None:
    from sheets_sync.backends.excel.patch import patch_xlsx
    from sheets_sync.errors import WorkbookError
    from sheets_sync.grid import CellWrite
    from sheets_sync.mapping.header import find_header

    wb = openpyxl.Workbook()
    path = tmp_path / "t.xlsx"
    wb.save(path)
    with pytest.raises(WorkbookError) as caught:
        patch_xlsx(path.read_bytes(), [CellWrite("Data, 2026", 2, 1, 0.5)])
    assert str(caught.value).endswith('the workbook has no tab named "Data, 2026"')
    text = "name: m\nokrs:\n  sheet: [x]\n  header: {search: 5}\n"
    spec = parse_mapping(text, source="m.yaml").okrs
    chart = SheetGrid("Bob's OKRs", (), kind="a chart sheet")
    with pytest.raises(LayoutError) as laid:
        find_header(chart, spec, "sales.xlsx")[0]
    assert str(laid.value).endswith('keep the data in a plain tab named "Bob\'s OKRs"')


def test_a_worksheet_the_package_does_not_locate_is_named_as_typed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A tab calamine lists that the workbook's parts do not place (a name spelt two
    ways in workbook.xml): said in words, not as a formula quotes it (until 2026-12-07)."""
    from sheets_sync.backends.excel import reader
    from sheets_sync.errors import WorkbookError

    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "Bob's OKRs"
    path = tmp_path / "t.xlsx"
    wb.save(path)
    located = reader.locate_sheets
    monkeypatch.setattr(reader, "locate_sheets", lambda *a: ({}, *located(*a)[1:]))
    with pytest.raises(WorkbookError) as caught:
        reader.read_workbook(path, tabs=["Bob's OKRs"])
    assert caught.value.args[0] == 'cannot find the worksheet for tab "Bob\'s OKRs"'
