"""A team's tab renamed (``Q4 OKRs``, or ``okrs1`` after a copy): the team fails with an
error that lists the tabs and says what to do, rename it back or name it in the mapping
file, which it names; a built-in mapping is overridden by a copy in the workspace's
``mappings/``. Until 2026-12-07 it listed the tabs and stopped there (the docs said what
to do); then, for a day of review, it said `give its name in the mapping's okrs.sheet`,
no file named, and after `did you mean "Q4 OKRs"?` not that tab's name."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from sheets_sync.domain.models import Period
from sheets_sync.errors import LayoutError
from sheets_sync.grid import CellValue, SheetGrid, WorkbookData
from sheets_sync.mapping.extract import extract
from sheets_sync.mapping.spec import BUILTIN_DIR, MappingSpec, load_mapping, parse_mapping

ROWS: tuple[tuple[CellValue, ...], ...] = (
    ("Objective ID", "KR ID", "Start", "Target", "Current"),
    ("O1", "O1.1", 0, 10, 5),
)
OKRS = "name: mine\nokrs:\n  sheet: [OKRs]\n"
STANDARD = 'no tab named OKRs or OKR or "Key results"'
BUILTIN = (
    "in a copy of the built-in standard.yaml saved as the workspace's mappings/standard.yaml "
    "(it wins over the built-in)"
)


def _book(*names: str) -> WorkbookData:
    return WorkbookData("sales.xlsx", names, {n: SheetGrid(n, ROWS) for n in names})


def _missing(book: WorkbookData, mapping: MappingSpec) -> str:
    with pytest.raises(LayoutError) as caught:
        extract(book, mapping)
    return str(caught.value)


@pytest.mark.parametrize(
    ("tabs", "said"),
    [
        (
            ("okrs1", "KPIs"),
            "(tabs: okrs1, KPIs); rename the tab that holds the key results to OKRs, or add "
            "its name to okrs.sheet in mine.yaml",
        ),
        (
            ("Q4 OKRs", "KPIs"),
            '(tabs: "Q4 OKRs", KPIs); did you mean "Q4 OKRs"? Rename "Q4 OKRs" to OKRs, or '
            'add "Q4 OKRs" to okrs.sheet in mine.yaml',
        ),
    ],
)
def test_the_key_results_tab_missing_names_the_mapping_file(
    tabs: tuple[str, ...], said: str
) -> None:
    mapping = parse_mapping(OKRS, source="mine.yaml")
    assert _missing(_book(*tabs), mapping) == f"sales.xlsx: no tab named OKRs {said}"


@pytest.mark.parametrize(
    ("tabs", "said"),
    [
        (
            ("okrs1", "KPIs"),
            f"(tabs: okrs1, KPIs); rename the tab that holds the key results to OKRs, or add "
            f"its name to okrs.sheet {BUILTIN}",
        ),
        (
            ("Q4 OKRs", "KPIs"),
            '(tabs: "Q4 OKRs", KPIs); did you mean "Q4 OKRs"? Rename "Q4 OKRs" to OKRs, or '
            f'add "Q4 OKRs" to okrs.sheet {BUILTIN}',
        ),
    ],
)
def test_a_built_in_mapping_says_how_to_override_it(tabs: tuple[str, ...], said: str) -> None:
    """Most teams read with the built-in ``standard``, no file of the workspace's."""
    assert _missing(_book(*tabs), load_mapping("standard")) == f"sales.xlsx: {STANDARD} {said}"


def test_a_workspace_copy_of_a_built_in_is_named_as_its_own(tmp_path: Path) -> None:
    """``mappings/standard.yaml`` in the workspace wins over the built-in: the file to edit,
    by its path in the workspace (until a review on 2026-12-07 ``standard.yaml``, which
    read as the built-in)."""
    (tmp_path / "mappings").mkdir()
    (tmp_path / "mappings" / "standard.yaml").write_text(
        "name: standard\nokrs:\n  sheet: [OKRs, Goals]\n", encoding="utf-8"
    )
    assert _missing(_book("Q4 OKRs"), load_mapping("standard", tmp_path)) == (
        'sales.xlsx: no tab named OKRs or Goals (tabs: "Q4 OKRs"); did you mean "Q4 OKRs"? '
        'Rename "Q4 OKRs" to OKRs, or add "Q4 OKRs" to okrs.sheet in mappings/standard.yaml'
    )


def test_a_mapping_given_by_path_is_named_by_its_path(tmp_path: Path) -> None:
    """Relative to the workspace, or whole outside it; a built-in given by its path is
    that file, no built-in to copy (until a review on 2026-12-07 each by its base name,
    ``mine.yaml``, and the built-in's path to be copied to ``mappings/standard.yaml``,
    which that path would not read)."""
    ws = tmp_path / "ws"
    (ws / "custom").mkdir(parents=True)
    (ws / "custom" / "mine.yaml").write_text(OKRS, encoding="utf-8")
    elsewhere = tmp_path / "other.yml"
    elsewhere.write_text(OKRS, encoding="utf-8")
    builtin = BUILTIN_DIR / "standard.yaml"
    said = {
        _missing(_book("Notes"), load_mapping(given, ws)).rpartition(" in ")[2]
        for given in ("custom/mine.yaml", str(ws / "custom" / "mine.yaml"))
    }
    assert said == {"custom/mine.yaml"}
    assert _missing(_book("Notes"), load_mapping(str(elsewhere), ws)).endswith(
        f"add its name to okrs.sheet in {elsewhere.as_posix()}"
    )
    assert _missing(_book("Notes"), load_mapping(str(builtin), ws)) == (
        f"sales.xlsx: {STANDARD} (tabs: Notes); rename the tab that holds the key results to "
        f"OKRs, or add its name to okrs.sheet in {builtin.as_posix()}"
    )


def test_a_required_kpi_tab_missing_says_add_it_or_make_it_optional() -> None:
    """The team may have no KPI tab at all: until a review on 2026-12-07 the advice was to
    rename `the tab that holds the KPIs`, whatever there was."""
    mapping = parse_mapping(OKRS + "kpis:\n  sheet: [KPIs]\n  required: true\n", source="m.yaml")
    got = extract(_book("OKRs", "Metrics"), mapping)
    assert [str(f) for f in got.findings] == [
        "sales.xlsx: no tab named KPIs (tabs: OKRs, Metrics); add a tab named KPIs or rename "
        "the one that holds the KPIs to KPIs, or add its name to kpis.sheet or set "
        "kpis.required: false in m.yaml"
    ]


def test_the_mapping_file_is_in_the_read_caches_key(tmp_path: Path) -> None:
    """A missing tab's error is cached with the read and names the mapping file: the
    built-in and a workspace copy of it byte for byte (one dump), or one file renamed,
    each gets its own read, not another's words."""
    from sheets_sync.sync.readcache import cache_key
    from sheets_sync.workspace_spec import TeamSpec

    builtin_text = (BUILTIN_DIR / "standard.yaml").read_text(encoding="utf-8")
    (tmp_path / "mappings").mkdir()
    (tmp_path / "mappings" / "standard.yaml").write_text(builtin_text, encoding="utf-8")
    mappings = (
        load_mapping("standard"),
        load_mapping("standard", tmp_path),
        parse_mapping(builtin_text, source="ours.yaml"),
    )
    assert len({m.model_dump_json() for m in mappings}) == 1
    keys = {cache_key("0" * 64, TeamSpec("Sales", "s.xlsx", "standard", m), 1) for m in mappings}
    assert len(keys) == 3


Q4 = Period(name="2026-Q4", start=dt.date(2026, 10, 1), end=dt.date(2026, 12, 31))


@pytest.mark.parametrize(
    ("tabs", "said"),
    [
        (
            ("OKRs Q3", "Notes"),
            '(tabs: "OKRs Q3", Notes); did you mean "OKRs Q3"? Rename the tab that holds the '
            f"key results to OKRs, or add its name to okrs.sheet {BUILTIN}",
        ),
        (
            ("OKRs 2025", "OKRs Q4"),
            '(tabs: "OKRs 2025", "OKRs Q4"); did you mean "OKRs Q4" or "OKRs 2025"? Rename '
            f'"OKRs Q4" to OKRs, or add "OKRs Q4" to okrs.sheet {BUILTIN}',
        ),
    ],
)
def test_a_tab_of_another_period_is_pointed_at_not_renamed(
    tabs: tuple[str, ...], said: str
) -> None:
    """Only a tab of the period is the one to rename: until a review on 2026-12-07 Q4's
    advice said `Rename "OKRs Q3" to OKRs`, and the next night wrote Q4's Expected and
    Status over last quarter's record."""
    with pytest.raises(LayoutError) as caught:
        extract(_book(*tabs), load_mapping("standard"), Q4)
    assert str(caught.value) == f"sales.xlsx: {STANDARD} {said}"


def test_a_kpi_tab_of_last_year_is_pointed_at_not_renamed() -> None:
    mapping = parse_mapping(OKRS + "kpis:\n  sheet: [KPIs]\n  required: true\n", source="m.yaml")
    got = extract(_book("OKRs", "KPIs 2025"), mapping, Q4)
    assert [str(f) for f in got.findings] == [
        'sales.xlsx: no tab named KPIs (tabs: OKRs, "KPIs 2025"); did you mean "KPIs 2025"? '
        "Add a tab named KPIs or rename the one that holds the KPIs to KPIs, or add its name "
        "to kpis.sheet or set kpis.required: false in m.yaml"
    ]
