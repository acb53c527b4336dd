"""Mapping settings that are read another way than written, or not at all: each loads and
reads as it did, and the team is told (a tab-level warning naming the mapping's key).

For a day (2026-12-07) each was an error at load, and a team whose mapping had synced
cleanly the night before failed every night after."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from sheets_sync.grid import CellValue, SheetGrid, WorkbookData
from sheets_sync.mapping.extract import Extract, extract
from sheets_sync.mapping.fields import KPI_FIELDS, OKR_FIELDS
from sheets_sync.mapping.spec import parse_mapping
from tests.conftest import KPI_ROWS, OKR_ROWS

STD = "name: mine\nokrs:\n  sheet: [OKRs]\n"
KPIS = "kpis:\n  sheet: [KPIs]\n  required: false\n"
OB = (
    (Path(__file__).resolve().parents[2] / "mappings" / "objective-blocks.yaml")
    .read_text()
    .replace("name: objective-blocks", "name: mine")
)
Rows = tuple[tuple[CellValue, ...], ...]


def _rows(head: tuple[str, ...], rows: list[list[object]]) -> Rows:
    return (head, *(tuple(r) for r in rows))  # type: ignore[arg-type]


def _standard() -> WorkbookData:
    okrs = _rows(tuple(h for _, h in OKR_FIELDS), OKR_ROWS)
    kpis = _rows(tuple(h for _, h in KPI_FIELDS), KPI_ROWS)
    sheets = {"OKRs": SheetGrid("OKRs", okrs), "KPIs": SheetGrid("KPIs", kpis)}
    return WorkbookData("sales.xlsx", ("OKRs", "KPIs"), sheets)


def _blocks() -> WorkbookData:
    rows: Rows = (
        ("#", "Goal / Key result", "Type", "Baseline", "Goal", "Actual", "Progress"),
        ("O1", "Build a brand", "committed", None, None, None, None),
        ("O1.1", "Grow mentions", "number", 10, 30, 22, None),
        ("O1.2", "Launch site", "number", 0, 10, 5, None),
    )
    return WorkbookData("sales.xlsx", ("Goals",), {"Goals": SheetGrid("Goals", rows)})


def _goals() -> WorkbookData:
    rows: Rows = (
        ("Objective ID", "KR ID", "Goal", "Current", "Description"),
        ("O1", "KR1", 10, 5, "some text"),
    )
    return WorkbookData("sales.xlsx", ("OKRs",), {"OKRs": SheetGrid("OKRs", rows)})


def _read(text: str, book: WorkbookData) -> Extract:
    return extract(book, parse_mapping(text, source="mine.yaml"))


def _said(got: Extract) -> list[str]:
    return [str(f) for f in got.findings if "mine.yaml" in f.message]


def _as_read(got: Extract) -> list[object]:
    tabs = [got.okrs, *([got.kpis] if got.kpis else [])]
    return [(r.row, r.kind, dict(r.values)) for t in tabs for r in t.records]


@pytest.mark.parametrize(
    ("text", "plain", "book", "said"),
    [
        pytest.param(
            STD + "  required_columns: [objective_id, kr_id, target, current, score]\n",
            STD,
            _standard,
            "sales.xlsx!OKRs: mine.yaml: okrs.required_columns: score is written by the "
            "sync, not read, yet a sheet without its column fails as missing it (the sync "
            "would add it); leave it out",
            id="req_score",
        ),
        pytest.param(
            STD + "  required_columns: []\n",
            STD,
            _standard,
            "sales.xlsx!OKRs: mine.yaml: okrs.required_columns: names no field, so the "
            "default is used (objective_id, kr_id, target, current); leave the key out, or "
            "name the columns the header row holds",
            id="req_empty",
        ),
        pytest.param(
            STD + "  header: {row: 1, search: 10}\n",
            STD,
            _standard,
            "sales.xlsx!OKRs: mine.yaml: okrs.header: gives both row and search; row 1 is "
            "used, search is not read",
            id="row_search",
        ),
        pytest.param(
            STD + "  blocks:\n    objective_when_blank: [start, target, current]\n",
            STD,
            _standard,
            "sales.xlsx!OKRs: mine.yaml: okrs.blocks: is read only with layout: "
            "objective_blocks (this tab's layout is rows), so it is not read; add layout: "
            "objective_blocks, or remove blocks",
            id="blocks_rows",
        ),
        pytest.param(
            STD + "  blocks:\n    objective_when_blank: []\n",
            STD,
            _standard,
            "sales.xlsx!OKRs: mine.yaml: okrs.blocks: is read only with layout: "
            "objective_blocks (this tab's layout is rows), so it is not read; add layout: "
            "objective_blocks, or remove blocks",
            id="owb_empty_rows",
        ),
        pytest.param(
            OB.replace(
                "  layout: objective_blocks\n",
                "  layout: objective_blocks\n  fill_down: [objective_id, objective]\n",
            ),
            OB,
            _blocks,
            "sales.xlsx!Goals: mine.yaml: okrs.fill_down: is not read with layout: "
            "objective_blocks (a key result takes its objective's cells from its objective "
            "row); remove fill_down",
            id="ob_fill",
        ),
        pytest.param(  # one warning: its fill_down is not read, owned field or not
            OB.replace(
                "  layout: objective_blocks\n",
                "  layout: objective_blocks\n  fill_down: [objective_id, status]\n",
            ),
            OB,
            _blocks,
            "sales.xlsx!Goals: mine.yaml: okrs.fill_down: is not read with layout: "
            "objective_blocks (a key result takes its objective's cells from its objective "
            "row); remove fill_down",
            id="ob_fill_owned",
        ),
        pytest.param(
            STD + KPIS + "  layout: objective_blocks\n",
            STD + KPIS,
            _standard,
            "sales.xlsx!KPIs: mine.yaml: kpis.layout: KPIs are read a row each; "
            "objective_blocks is a layout of okrs only, so it is not read; remove layout",
            id="kpi_blocks",
        ),
        pytest.param(
            STD + "  fill_down: [objective_id, objective, status]\n",
            STD + "  fill_down: [objective_id, objective]\n",
            _standard,
            "sales.xlsx!OKRs: mine.yaml: okrs.fill_down: status is written by the sync, not "
            "read, so it is not filled down; leave it out",
            id="fill_owned",
        ),
        pytest.param(
            STD + "  columns:\n    target: [Goal]\n    key_result: [Description]\n"
            "    comment: [Description, Comment]\n",
            STD + "  columns:\n    target: [Goal]\n    comment: [Description, Comment]\n",
            _goals,
            "sales.xlsx!OKRs: mine.yaml: okrs.columns: key_result: header 'Description' is "
            "given to comment too, which takes the column (the field listed last does), so "
            "key_result is never read (it reads blank); give key_result a header of its own",
            id="shadow_kr2",
        ),
    ],
)
def test_a_setting_read_otherwise_reads_as_before_and_is_said(
    text: str, plain: str, book: Callable[[], WorkbookData], said: str
) -> None:
    """Each mapping synced the team the night before the check came: it reads as the
    mapping without the setting does, and the team is told, at the tab, of the key."""
    got, before = _read(text, book()), _read(plain, book())
    assert _as_read(got) == _as_read(before) and got.okrs.records
    assert _said(got) == [said]
    assert _said(before) == []


def test_a_read_cached_without_a_warning_is_not_the_read_of_a_mapping_that_says_one() -> None:
    """``required_columns: []`` dumps as a mapping that leaves the key out (both read the
    default list), so the cache key names what the mapping says too: a read cached
    before the key was typed would come back without its warning."""
    from sheets_sync.sync.readcache import cache_key
    from sheets_sync.workspace_spec import TeamSpec

    plain = parse_mapping(STD, source="mine.yaml")
    empty = parse_mapping(STD + "  required_columns: []\n", source="mine.yaml")
    assert plain.model_dump_json() == empty.model_dump_json()
    keys = {cache_key("0" * 64, TeamSpec("Sales", "s.xlsx", "mine", m), 1) for m in (plain, empty)}
    assert len(keys) == 2


def _no_score() -> WorkbookData:
    at = [h for _, h in OKR_FIELDS].index("Score")
    full = _standard().sheets["OKRs"].rows
    rows: Rows = tuple(tuple(v for i, v in enumerate(r) if i != at) for r in full)
    return WorkbookData("sales.xlsx", ("OKRs",), {"OKRs": SheetGrid("OKRs", rows)})


def _titled() -> WorkbookData:
    rows: Rows = (("Sales OKRs Q4",), (), *_standard().sheets["OKRs"].rows)
    return WorkbookData("sales.xlsx", ("OKRs",), {"OKRs": SheetGrid("OKRs", rows)})


@pytest.mark.parametrize(
    ("text", "book", "error"),
    [
        pytest.param(
            STD + "  required_columns: [objective_id, kr_id, target, current, score]\n",
            _no_score,
            "sales.xlsx!OKRs: missing column Score (looked for 'Score') in header row 1; "
            "note: mine.yaml: okrs.required_columns: score is written by the sync, not read, "
            "yet a sheet without its column fails as missing it (the sync would add it); "
            "leave it out",
            id="req_score_missing",
        ),
        pytest.param(
            STD + "  header: {row: 1, search: 10}\n",
            _titled,
            "sales.xlsx!OKRs: missing column Objective ID (looked for 'Objective ID'); KR ID "
            "(looked for 'KR ID'); Target (looked for 'Target'); Current (looked for "
            "'Current') in header row 1; note: mine.yaml: okrs.header: gives both row and "
            "search; row 1 is used, search is not read",
            id="row_search_low",
        ),
    ],
)
def test_a_tab_failed_by_a_setting_says_the_setting_in_its_error(
    text: str, book: Callable[[], WorkbookData], error: str
) -> None:
    """The tab's warnings were said only when it was read, so they were lost exactly when
    their setting made it fail (until 2026-12-07): the error carries them."""
    from sheets_sync.errors import LayoutError

    with pytest.raises(LayoutError) as caught:
        _read(text, book())
    assert str(caught.value) == error
