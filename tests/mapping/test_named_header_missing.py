"""An optional field whose header the mapping names (``weight: [Wt]``) and the sheet lacks:
it was passed over without a word (until 2026-12-07), every weight read as 1. Warned at
the tab; not for the headers of the built-in mappings, which list headers a sheet may lack."""

from __future__ import annotations

from pathlib import Path

import pytest

from sheets_sync.backends.excel.reader import read_workbook
from sheets_sync.grid import SheetGrid, WorkbookData
from sheets_sync.mapping.extract import extract
from sheets_sync.mapping.spec import load_mapping, parse_mapping

DATA = Path(__file__).resolve().parents[1] / "data"
HEAD = ("Objective ID", "KR ID", "Target", "Current", "Weight")
ROW = ("O1", "KR1", 10, 4, 2)


def _book(head: tuple[str, ...] = HEAD) -> WorkbookData:
    grid = SheetGrid("OKRs", (head, ROW[: len(head)]))
    return WorkbookData("sales.xlsx", ("OKRs",), {"OKRs": grid})


def _warnings(text: str, book: WorkbookData) -> list[str]:
    got = extract(book, parse_mapping(text, source="mine.yaml"))
    return [str(f) for f in got.findings]


def test_a_named_header_the_sheet_lacks_is_said() -> None:
    text = "name: mine\nokrs:\n  sheet: [OKRs]\n  columns:\n    weight: [Wt]\n"
    assert _warnings(text, _book()) == [
        "sales.xlsx!OKRs: mine.yaml: okrs.columns.weight: no column headed Wt in header row "
        "1, so weight is not read; add the column, or name the header it has"
    ]
    both = text.replace("[Wt]", "[Wt, Weight]")
    assert _warnings(both, _book()) == []  # found by its other name


def test_a_default_header_the_sheet_lacks_is_not_said() -> None:
    """A field the mapping does not name reads its default header if there is one."""
    assert _warnings("name: mine\nokrs:\n  sheet: [OKRs]\n", _book(HEAD[:4])) == []


@pytest.mark.parametrize("name", ["flat-tracker", "objective-blocks"])
def test_a_builtin_mapping_says_nothing_new_on_its_sample(name: str) -> None:
    mapping = load_mapping(name)
    tabs = list(mapping.okrs.sheet) + (list(mapping.kpis.sheet) if mapping.kpis else [])
    got = extract(read_workbook(DATA / f"{name}.xlsx", tabs=tabs), mapping)
    assert [str(f) for f in got.findings if "columns" in f.message] == []


def test_a_copy_of_a_builtin_mapping_says_nothing_of_its_headers() -> None:
    """A mapping made from flat-tracker.yaml lists the built-in's headers as they are:
    those are headers a sheet may lack, as with the built-in."""
    text = (
        "name: mine\nokrs:\n  sheet: [OKRs]\n  columns:\n    weight: [Wt, Weight]\n"
        "    confidence: [Conf., Confidence]\n"
    )
    assert _warnings(text, _book(HEAD[:4])) == []


def test_a_header_another_field_takes_is_said_once() -> None:
    """key_result: [Description] with comment: [Description]: the shadowing is said at load
    (comment takes the column), not again as a column missing."""
    text = (
        "name: mine\nokrs:\n  sheet: [OKRs]\n  columns:\n    key_result: [Weight]\n"
        "    weight: [Weight]\n"
    )
    assert [w for w in _warnings(text, _book()) if "no column headed" in w] == []
