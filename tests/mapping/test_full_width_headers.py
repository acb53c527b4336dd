"""Headers and tab names typed full-width (``Ｔａｒｇｅｔ``, as a Japanese input method types
them) match as IDs do (``domain.ids.id_key`` folds NFKC): they were no header at all."""

from __future__ import annotations

import pytest

from sheets_sync.grid import SheetGrid, WorkbookData, tab_key
from sheets_sync.mapping.extract import extract_tab
from sheets_sync.mapping.fields import OKR_OWNED, normalise_header
from sheets_sync.mapping.spec import TabSpec, load_mapping
from sheets_sync.mapping.tab_choice import find_sheet


@pytest.mark.parametrize(
    ("header", "key"),
    [
        ("Ｔａｒｇｅｔ", "target"),
        ("ＫＲ　ＩＤ", "krid"),  # an ideographic space, too
        ("Conf．（０－１０）", "conf010"),
        ("Brand™", "brand"),  # what was dropped stays dropped: "Brand" matched it before
        ("目標", "目標"),
    ],
)
def test_a_full_width_header_is_its_ascii_key(header: str, key: str) -> None:
    assert normalise_header(header) == key


@pytest.mark.parametrize(
    ("name", "key"),
    [("ＯＫＲｓ", "okrs"), ("Ｓａｌｅｓ　ＯＫＲｓ", "salesokrs"), ("目標", "目標"), ("---", "---")],
)
def test_a_full_width_tab_name_is_its_ascii_key(name: str, key: str) -> None:
    assert tab_key(name) == key


def test_full_width_headers_and_tab_are_read() -> None:
    grid = SheetGrid(
        "ＯＫＲｓ",
        (
            (
                "Ｏｂｊｅｃｔｉｖｅ ＩＤ",
                "ＫＲ ＩＤ",
                "Ｓｔａｒｔ",
                "Ｔａｒｇｅｔ",
                "Ｃｕｒｒｅｎｔ",
            ),
            ("O1", "O1.1", 0, 10, 4),
        ),
    )
    spec = load_mapping("standard").okrs
    assert spec is not None
    assert find_sheet(WorkbookData("x.xlsx", ("ＯＫＲｓ",), {}), spec) == "ＯＫＲｓ"
    tab, _ = extract_tab(grid, spec, source="sales.xlsx", owned=OKR_OWNED, kind="okrs")
    assert {
        k: tab.layout.columns.get(k) for k in ("objective_id", "kr_id", "target", "current")
    } == {
        "objective_id": 1,
        "kr_id": 2,
        "target": 4,
        "current": 5,
    }


def test_a_mapping_header_typed_full_width_finds_the_ascii_one() -> None:
    spec = TabSpec.model_validate(
        {
            "sheet": ["OKRs"],
            "columns": {
                "objective_id": ["Ｏｂｊ"],
                "kr_id": ["KR"],
                "target": ["T"],
                "current": ["C"],
            },
        }
    )
    grid = SheetGrid("OKRs", (("Obj", "KR", "T", "C"), ("O1", "KR1", 10, 4)))
    tab, _ = extract_tab(grid, spec, source="x.xlsx", owned=(), kind="okrs")
    assert tab.layout.columns["objective_id"] == 1


@pytest.mark.parametrize(
    ("header", "key"),
    [("Ｋ Ｒ ＃", "kr#"), ("Ｗｅｉｇｈｔ ％", "weight%"), ("KR ＃", "kr#"), ("﹪ done", "%done")],
)
def test_a_full_width_percent_or_number_sign_is_folded_not_dropped(header: str, key: str) -> None:
    """``％`` and ``＃`` are ``%`` and ``#`` in NFKC, which stay significant: a header typed
    ``KR ＃`` was ``kr``, not ``KR #`` (until 2026-12-07: dropped as punctuation first)."""
    assert normalise_header(header) == key


def test_a_full_width_number_sign_header_is_the_mappings_hash_column() -> None:
    spec = TabSpec.model_validate(
        {
            "sheet": ["OKRs"],
            "columns": {
                "objective_id": ["Obj"],
                "kr_id": ["KR #"],
                "target": ["T"],
                "current": ["C"],
            },
        }
    )
    grid = SheetGrid("OKRs", (("Obj", "KR", "KR ＃", "T", "C"), ("O1", "x", "KR1", 10, 4)))
    tab, _ = extract_tab(grid, spec, source="x.xlsx", owned=(), kind="okrs")
    assert tab.layout.columns["kr_id"] == 3


def _japanese(
    columns: dict[str, list[str]], header: tuple[str, ...]
) -> tuple[dict[str, int], list[str]]:
    spec = load_mapping("standard").okrs.model_copy(deep=True)
    spec = TabSpec.model_validate({**spec.model_dump(), "columns": {**spec.columns, **columns}})
    grid = SheetGrid("OKRs", (header, ("O1", "O1.1", 0, 10, 5)))
    tab, said = extract_tab(grid, spec, source="t.xlsx", owned=(), kind="okrs")
    return dict(tab.layout.columns), [str(f) for f in said]


def test_a_mapping_naming_the_header_with_its_percent_dropped_still_finds_it() -> None:
    """``current: [進捗]`` found ``進捗（％）`` until 2026-12-07 (％ dropped): it still does,
    with a warning at the header naming what to write in the mapping."""
    header = ("Objective ID", "KR ID", "Start", "Target", "進捗（％）")
    columns, said = _japanese({"current": ["進捗"]}, header)
    assert columns["current"] == 5
    assert said == [
        "t.xlsx!OKRs!E1: column '進捗（％）' matches the mapping's current: '進捗' only with its "
        "full-width % or # dropped, as headers were read until 2026-12-07; write '進捗（％）' "
        "in the mapping (current: [進捗（％）])"
    ]


def test_an_exact_header_wins_over_one_with_its_percent_dropped() -> None:
    """Two columns for one field were "appears twice" before the fold: the exact one is
    used, and the other is said (it was passed over without a word)."""
    header = ("Objective ID", "KR ID", "Target", "進捗（％）", "進捗")
    columns, said = _japanese({"current": ["進捗"]}, header)
    assert columns["current"] == 5
    assert said == [
        "t.xlsx!OKRs!D1: column '進捗（％）' matches the mapping's current: '進捗' only with "
        "its full-width % or # dropped; E1 '進捗' is used"
    ]


def test_the_syncs_own_columns_are_never_found_with_a_sign_dropped() -> None:
    """An owned column (Score, Status...) matches its header exactly, so a team's own
    column is never written over: ``Score ％`` is the team's, not the sync's Score (the
    rule for headers read with ％ dropped, as until 2026-12-07, took it and advised
    naming it in the mapping)."""
    header = ("Objective ID", "KR ID", "Start", "Target", "Current", "Score ％")
    columns, said = _japanese({}, header)
    assert "score" not in columns
    assert not any("Score ％" in s for s in said)
