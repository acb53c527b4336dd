"""A near tab's words: a copy's (``Copy of``, ``(2)``, ``final``) in the tab list's own
names too, Excel's ``(2)`` that is no year, a quarter of a year's last two digits however
written (``Q4/26``, ``26-Q4``)."""

from __future__ import annotations

import datetime as dt

import pytest

from sheets_sync.domain.models import Period
from sheets_sync.errors import LayoutError
from sheets_sync.mapping.extract import extract
from sheets_sync.mapping.near_tabs import near_tabs
from sheets_sync.mapping.spec import load_mapping
from tests.mapping.test_near_tabs import _book

FINAL_OKRS = load_mapping("standard").okrs.model_copy(update={"sheet": ("Final OKRs",)})


def test_a_copy_of_a_listed_name_with_a_copys_word_is_said() -> None:
    """``okrs.sheet: [Final OKRs]``: until 2026-12-07 the list's name kept ``final`` in
    its key (``finalokrs``) while a tab lost it (``okrs``): no tab was its copy."""
    book = _book("Final OKRs", "Copy of Final OKRs", "Final OKRs (2)", "KPIs")
    said = near_tabs(book, "okrs", FINAL_OKRS, "Final OKRs", ["Final OKRs"], None)
    assert [f.tab for f in said] == ["Copy of Final OKRs", "Final OKRs (2)"]


def test_did_you_mean_a_copy_of_a_listed_name_with_a_copys_word() -> None:
    mapping = load_mapping("standard")
    mapping = mapping.model_copy(update={"okrs": FINAL_OKRS})
    with pytest.raises(LayoutError) as caught:
        extract(_book("Final OKRs 2", "Copy of Final OKRs", "KPIs"), mapping)
    # "Final OKRs 2" is numbered (okrs2), no copy
    assert str(caught.value).endswith(
        '; did you mean "Copy of Final OKRs"? Rename "Copy of Final OKRs" to "Final OKRs", or'
        ' add "Copy of Final OKRs" to okrs.sheet in a copy of the built-in standard.yaml saved'
        " as the workspace's mappings/standard.yaml (it wins over the built-in)"
    )


CALENDAR_Q4 = Period("2026-Q4", dt.date(2026, 10, 1), dt.date(2026, 12, 31))


def _said(period: Period | None, *tabs: str) -> list[str | None]:
    got = extract(_book("OKRs", "KPIs", *tabs), load_mapping("standard"), period)
    return [f.tab for f in got.findings if "is not read" in f.message]


@pytest.mark.parametrize(
    ("tab", "said"),
    [("OKRs (2025)", False), ("OKRs (2026)", True), ("OKRs (2)", True), ("OKRs (12)", True)],
)
def test_a_year_in_brackets_is_a_year_not_excels_copy(tab: str, said: bool) -> None:
    """Until 2026-12-07 ``(2025)`` read as Excel's ``(2)``: a copy of no period, warned
    of in every period."""
    assert _said(CALENDAR_Q4, tab) == ([tab] if said else [])


@pytest.mark.parametrize(
    ("tab", "said"),
    [
        *(("OKRs Q4/26", True), ("OKRs Q4.26", True), ("OKRs 26-Q4", True), ("OKRs 26Q4", True)),
        *(("OKRs 26/Q4", True), ("OKRs H2/26", True), ("OKRs 26-H2", True), ("OKRs 26H2", True)),
        *(("OKRs Q4/25", False), ("OKRs 25-Q4", False), ("OKRs 26Q1", False)),
        ("OKRs Q1/Q2", False),
    ],
)
def test_a_quarter_and_its_years_last_two_digits_written_any_way(tab: str, said: bool) -> None:
    """Until 2026-12-07 ``Q4/26``, ``Q4.26``, ``26-Q4`` read as numbered (``26``), and
    ``26Q4`` as a name of its own (``okrs26q4``): none said."""
    assert _said(CALENDAR_Q4, tab) == ([tab] if said else [])


@pytest.mark.parametrize(
    ("tab", "said"),
    [
        *(("KPIs final", True), ("Final KPIs", True), ("OKRs (final)", True)),
        *(("OKRs final (archive)", False), ("Old final OKRs", False), ("KPIs final old", False)),
    ],
)
def test_a_final_copy_kept_is_named_old_or_archive(tab: str, said: bool) -> None:
    """``final`` is a copy's word: a final copy of no period is said in every period, as
    the docs tell (docs/mappings.md); one kept for the record says ``old`` or ``archive``."""
    assert _said(CALENDAR_Q4, tab) == ([tab] if said else [])
